#include "host/yaml/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace sqlop::yaml {
namespace {

bool is_null_word(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

bool is_true_word(const std::string& s) { return s == "true" || s == "True" || s == "TRUE"; }
bool is_false_word(const std::string& s) { return s == "false" || s == "False" || s == "FALSE"; }

// YAML 1.1 booleans that other parsers (go-yaml v2, which kubectl uses) still read as bool. We never read
// them as bool, but we quote them on output so no reader mistakes them.
bool is_yaml11_bool_word(const std::string& s) {
  static const char* const words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                      "on", "On", "ON", "off", "Off", "OFF"};
  for (const char* w : words) {
    if (s == w) return true;
  }
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [-+]?[0-9]+
bool is_decimal_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// 0x[0-9a-fA-F]+ or 0o[0-7]+ (YAML 1.2 core schema)
bool is_prefixed_int(std::string_view s, int& base) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'o')) return false;
  base = s[1] == 'x' ? 16 : 8;
  for (const char c : s.substr(2)) {
    const bool ok = base == 16 ? (is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) : (c >= '0' && c <= '7');
    if (!ok) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// [-+]?.inf, .nan in their three spellings
bool is_special_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

json::Value plain_scalar(const std::string& s) {
  if (is_null_word(s)) return json::Value(nullptr);
  if (is_true_word(s)) return json::Value(true);
  if (is_false_word(s)) return json::Value(false);
  if (is_decimal_int(s)) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno != ERANGE) return json::Value(static_cast<std::int64_t>(v));
    return json::Value(std::strtod(s.c_str(), nullptr));
  }
  if (is_float(s)) return json::Value(std::strtod(s.c_str(), nullptr));
  if (int base = 0; is_prefixed_int(s, base)) {
    return json::Value(static_cast<std::int64_t>(std::strtoll(s.c_str() + 2, nullptr, base)));
  }
  return json::Value(s);  // .inf/.nan have no JSON form: keep them as text
}

json::Value to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json::Value(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return json::Value(node.Scalar());  // quoted
      if (tag == "?") return plain_scalar(node.Scalar());
      return plain_scalar(node.Scalar());  // other explicit tags (!!int, ...) resolve by content
    }
    case YAML::NodeType::Sequence: {
      json::Value arr = json::Value::array();
      for (const auto& item : node) arr.push_back(to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json::Value obj = json::Value::object();
      for (const auto& kv : node) {
        obj.as_object().set(kv.first.as<std::string>(), to_json(kv.second));
      }
      return obj;
    }
  }
  return json::Value(nullptr);
}

// --- writer -----------------------------------------------------------------------------------------

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  // Every special word is at most five characters long; most strings are longer.
  if (s.size() <= 5 && (is_null_word(s) || is_true_word(s) || is_false_word(s) || is_yaml11_bool_word(s))) return true;
  int base = 0;
  if (is_decimal_int(s) || is_float(s) || is_prefixed_int(s, base) || is_special_float(s)) return true;
  static const std::string indicators = "-?:,[]{}#&*!|>'\"%@`";
  if (indicators.find(s.front()) != std::string::npos) {
    // "-foo" and ":foo" are plain-safe only when not followed by a space; quote them all for simplicity.
    return true;
  }
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// A multi-line string reads best as a literal block; only when it round-trips exactly.
bool literal_block_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos) return false;
  if (s.front() == ' ' || s.front() == '\n' || s.front() == '\t') return false;
  std::size_t trailing = 0;
  for (auto it = s.rbegin(); it != s.rend() && *it == '\n'; ++it) ++trailing;
  if (trailing > 1) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\n' && c != '\t') return false;
    if (c == '\r') return false;
    if (c == ' ' && (i + 1 == s.size() || s[i + 1] == '\n')) return false;  // trailing spaces get lost by editors
  }
  return true;
}

void write_scalar_string(std::string& out, const std::string& s, int indent) {
  if (literal_block_ok(s)) {
    const bool ends_with_newline = s.back() == '\n';
    out += ends_with_newline ? "|" : "|-";
    const std::string body = ends_with_newline ? s.substr(0, s.size() - 1) : s;
    std::size_t start = 0;
    while (start <= body.size()) {
      const std::size_t end = body.find('\n', start);
      const std::string line = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
      out += '\n';
      if (!line.empty()) {
        out.append(static_cast<std::size_t>(indent), ' ');
        out += line;
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return;
  }
  if (needs_quotes(s)) {
    json::append_quoted(out, s);
  } else {
    out += s;
  }
}

bool is_empty_collection(const json::Value& v) {
  return (v.is_object() && v.as_object().empty()) || (v.is_array() && v.as_array().empty());
}

void write_inline_scalar(std::string& out, const json::Value& v, int indent) {
  switch (v.type()) {
    case json::Type::Null: out += "null"; break;
    case json::Type::String: write_scalar_string(out, v.as_string(), indent); break;
    case json::Type::Object: out += "{}"; break;
    case json::Type::Array: out += "[]"; break;
    default: json::dump_to(out, v); break;
  }
}

void write_key(std::string& out, const std::string& key) {
  if (needs_quotes(key)) {
    json::append_quoted(out, key);
  } else {
    out += key;
  }
}

void write_node(std::string& out, const json::Value& v, int indent);

void write_object(std::string& out, const json::Object& obj, int indent, bool first_line_started) {
  bool first = true;
  for (const auto& [key, value] : obj) {
    if (!(first && first_line_started)) out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    write_key(out, key);
    out += ':';
    if ((value.is_object() || value.is_array()) && !is_empty_collection(value)) {
      out += '\n';
      // Sequences under a key sit at the key's indent, as kubectl prints them.
      write_node(out, value, value.is_array() ? indent : indent + 2);
    } else {
      out += ' ';
      write_inline_scalar(out, value, indent + 2);
      out += '\n';
    }
  }
}

void write_array(std::string& out, const json::Array& arr, int indent) {
  for (const auto& item : arr) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += "- ";
    if (item.is_object() && !is_empty_collection(item)) {
      write_object(out, item.as_object(), indent + 2, true);
    } else if (item.is_array() && !is_empty_collection(item)) {
      out += '\n';
      write_array(out, item.as_array(), indent + 2);
    } else {
      write_inline_scalar(out, item, indent + 2);
      out += '\n';
    }
  }
}

void write_node(std::string& out, const json::Value& v, int indent) {
  if (v.is_object() && !v.as_object().empty()) {
    write_object(out, v.as_object(), indent, false);
  } else if (v.is_array() && !v.as_array().empty()) {
    write_array(out, v.as_array(), indent);
  } else {
    out.append(static_cast<std::size_t>(indent), ' ');
    write_inline_scalar(out, v, indent + 2);
    out += '\n';
  }
}

}  // namespace

LoadResult load_all(std::string_view text) {
  LoadResult result;
  try {
    const std::vector<YAML::Node> nodes = YAML::LoadAll(std::string(text));
    for (const YAML::Node& node : nodes) {
      if (node.IsNull() || !node.IsDefined()) continue;
      result.documents.push_back(Document{to_json(node), node.Mark().line + 1});
    }
  } catch (const YAML::Exception& e) {
    result.documents.clear();
    result.error = "line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1) +
                   ": " + e.msg;
  }
  return result;
}

std::string to_yaml(const json::Value& value) {
  std::string out;
  write_node(out, value, 0);
  return out;
}

}  // namespace sqlop::yaml
