// Go-style printing of decoded JSON values (see go_format.hpp).
#include "apimachinery/go_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace sqlop::apimachinery::detail {
namespace {

// fmt %v of a float64 (strconv %g, shortest): the shortest digits that round-trip, exponent form when the
// decimal exponent is < -4 or >= 6 (shortest %g decides with precision 6), exponent of at least two digits.
std::string go_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  // buf is "[-]d.ddde[+-]xx": split mantissa digits and exponent.
  std::string text(buf);
  const bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  const std::size_t e = text.find('e');
  std::string digits = text.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string out;
  if (exponent < -4 || exponent >= 6) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  } else if (exponent < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exponent) + 1 >= digits.size()) {
    out = digits + std::string(static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<std::size_t>(exponent) + 1) + "." +
          digits.substr(static_cast<std::size_t>(exponent) + 1);
  }
  return negative ? "-" + out : out;
}

}  // namespace

std::string go_format(const json::Value& value) {
  switch (value.type()) {
    case json::Type::Null: return "<nil>";
    case json::Type::Bool: return value.as_bool() ? "true" : "false";
    case json::Type::Int: return std::to_string(value.as_int());
    case json::Type::Double: return go_float(value.as_double());
    case json::Type::String: return value.as_string();
    case json::Type::Array: {
      std::string out = "[";
      bool first = true;
      for (const json::Value& v : value.as_array()) {
        if (!first) out += " ";
        first = false;
        out += go_format(v);
      }
      return out + "]";
    }
    case json::Type::Object: {
      std::vector<const json::Object::Member*> members;
      for (const auto& m : value.as_object()) members.push_back(&m);
      std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->first < b->first; });
      std::string out = "map[";
      bool first = true;
      for (const auto* m : members) {
        if (!first) out += " ";
        first = false;
        out += m->first + ":" + go_format(m->second);
      }
      return out + "]";
    }
  }
  return "";
}

// JSON as Go's encoding/json writes it (HTML characters escaped, map keys sorted).
std::string go_json(const json::Value& v) {
  if (v.is_object()) {
    std::vector<const json::Object::Member*> members;
    for (const auto& m : v.as_object()) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->first < b->first; });
    std::string out = "{";
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out += ",";
      out += go_json(json::Value(members[i]->first)) + ":" + go_json(members[i]->second);
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.as_array().size(); ++i) out += (i ? "," : "") + go_json(v.as_array()[i]);
    return out + "]";
  }
  std::string text = json::dump(v);
  if (v.is_string()) {
    std::string escaped;
    for (const char c : text) {
      if (c == '<') escaped += "\\u003c";
      else if (c == '>') escaped += "\\u003e";
      else if (c == '&') escaped += "\\u0026";
      else escaped += c;
    }
    return escaped;
  }
  if (v.is_number() && !v.is_int()) return go_format(v);
  return text;
}

std::string go_type_name(const json::Value& value) {
  switch (value.type()) {
    case json::Type::Null: return "<nil>";
    case json::Type::Bool: return "bool";
    case json::Type::Int: return "int64";
    case json::Type::Double: return "float64";
    case json::Type::String: return "string";
    case json::Type::Array: return "[]interface {}";
    case json::Type::Object: return "map[string]interface {}";
  }
  return "";
}

bool go_scalar_equal(const json::Value& a, const json::Value& b) {
  if (a.type() != b.type()) return false;
  if (a.is_array() || a.is_object()) return false;
  return a == b;
}

}  // namespace sqlop::apimachinery::detail
