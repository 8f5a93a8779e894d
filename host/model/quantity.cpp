// Kubernetes resource.Quantity grammar (see quantity.hpp):
//   quantity ::= [+-] number suffix
//   number   ::= digits | digits '.' digits? | '.' digits
//   suffix   ::= "" | Ki Mi Gi Ti Pi Ei | n u m k M G T P E | (e|E) [+-] digits
// The exponent is a 32-bit integer, as the apiserver parses it with strconv.ParseInt(s, 10, 32).
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t count_digits(std::string_view s, std::size_t from) {
  std::size_t n = 0;
  while (from + n < s.size() && is_digit(s[from + n])) ++n;
  return n;
}

// "e3", "E-2", "e+10" -> the power of ten; nullopt for anything else ("e", "e1.5", "e99999999999").
std::optional<double> exponent_multiplier(std::string_view suffix) {
  if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return std::nullopt;
  std::size_t pos = 1;
  if (suffix[pos] == '+' || suffix[pos] == '-') ++pos;
  const std::size_t digits = count_digits(suffix, pos);
  if (digits == 0 || pos + digits != suffix.size()) return std::nullopt;
  const std::string text(suffix.substr(1));
  errno = 0;
  const long long exponent = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE || exponent > 2147483647LL || exponent < -2147483648LL) return std::nullopt;
  return std::pow(10.0, static_cast<double>(exponent));
}

std::optional<double> suffix_multiplier(std::string_view suffix) {
  struct Suffix {
    std::string_view text;
    double multiplier;
  };
  static const Suffix kSuffixes[] = {
      {"", 1.0},
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0},
      {"n", 1e-9}, {"u", 1e-6}, {"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
      {"P", 1e15}, {"E", 1e18},
  };
  for (const Suffix& s : kSuffixes) {
    if (s.text == suffix) return s.multiplier;
  }
  return exponent_multiplier(suffix);
}

}  // namespace

std::optional<double> quantity_value(std::string_view s) {
  std::size_t pos = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) ++pos;
  const std::size_t whole_digits = count_digits(s, pos);
  pos += whole_digits;
  std::size_t fraction_digits = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    fraction_digits = count_digits(s, pos);
    pos += fraction_digits;
  }
  if (whole_digits + fraction_digits == 0) return std::nullopt;  // "", "+", ".", "Gi"
  const std::optional<double> multiplier = suffix_multiplier(s.substr(pos));
  if (!multiplier) return std::nullopt;
  const std::string number(s.substr(0, pos));
  return std::strtod(number.c_str(), nullptr) * *multiplier;
}

bool is_quantity(std::string_view s) { return quantity_value(s).has_value(); }

}  // namespace sqlop::model
