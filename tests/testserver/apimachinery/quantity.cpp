// resource.Quantity parsing and canonical serialisation, as k8s.io/apimachinery/pkg/api/resource does it.
// Values are kept as decimal digit strings so any size the apiserver accepts is exact. See defaults.hpp.
#include <algorithm>

#include "apimachinery/defaults.hpp"
#include "apimachinery/quantity_internal.hpp"

namespace sqlop::apimachinery::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string strip_leading_zeros(std::string digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? std::string() : digits.substr(first);
}

// digits * factor (factor small).
std::string multiply(const std::string& digits, unsigned factor) {
  std::string out(digits.size(), '0');
  unsigned carry = 0;
  for (std::size_t i = digits.size(); i-- > 0;) {
    const unsigned v = static_cast<unsigned>(digits[i] - '0') * factor + carry;
    out[i] = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  while (carry) {
    out.insert(out.begin(), static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
  return strip_leading_zeros(out);
}

// digits / divisor when it divides exactly, else nullopt.
std::optional<std::string> divide_exact(const std::string& digits, unsigned divisor) {
  std::string out;
  unsigned long remainder = 0;
  for (const char c : digits) {
    remainder = remainder * 10 + static_cast<unsigned long>(c - '0');
    out += static_cast<char>('0' + remainder / divisor);
    remainder %= divisor;
  }
  if (remainder != 0) return std::nullopt;
  return strip_leading_zeros(out);
}

// Adds one to a digit string.
std::string increment(std::string digits) {
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

// Compares magnitudes of two digit strings without leading zeros.
int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

const char* decimal_suffix(int exponent) {
  switch (exponent) {
    case -9: return "n";
    case -6: return "u";
    case -3: return "m";
    case 0: return "";
    case 3: return "k";
    case 6: return "M";
    case 9: return "G";
    case 12: return "T";
    case 15: return "P";
    case 18: return "E";
    default: return nullptr;
  }
}

}  // namespace

std::optional<Quantity> parse_quantity(const std::string& text) {
  if (text.empty()) return std::nullopt;
  Quantity q;
  std::size_t pos = 0;
  if (text[0] == '-' || text[0] == '+') {
    q.negative = text[0] == '-';
    ++pos;
  }
  const std::size_t zeros_start = pos;
  while (pos < text.size() && text[pos] == '0') ++pos;
  const bool had_zeros_only = pos > zeros_start;
  std::string num;
  while (pos < text.size() && is_digit(text[pos])) num += text[pos++];
  std::string denom;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) denom += text[pos++];
  }
  if (num.empty() && denom.empty() && !had_zeros_only) return std::nullopt;  // no digits at all
  const std::size_t suffix_start = pos;
  while (pos < text.size() && std::string("eEinumkKMGTP").find(text[pos]) != std::string::npos) ++pos;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos != text.size()) return std::nullopt;
  const std::string suffix = text.substr(suffix_start);

  int exponent = 0;
  int binary_exponent = 0;
  if (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    const std::string e = suffix.substr(1);
    std::size_t i = (e[0] == '-' || e[0] == '+') ? 1 : 0;
    if (i >= e.size()) return std::nullopt;
    for (std::size_t j = i; j < e.size(); ++j) {
      if (!is_digit(e[j])) return std::nullopt;
    }
    if (e.size() > 6) return std::nullopt;
    exponent = std::stoi(e);
    q.format = QuantityFormat::DecimalExponent;
  } else if (suffix.size() == 2 && suffix[1] == 'i') {
    const std::string prefixes = "KMGTPE";
    const std::size_t at = prefixes.find(suffix[0]);
    if (at == std::string::npos) return std::nullopt;
    binary_exponent = 10 * static_cast<int>(at + 1);
    q.format = QuantityFormat::BinarySI;
  } else {
    bool found = false;
    for (int e = -9; e <= 18; e += 3) {
      if (const char* s = decimal_suffix(e); s && suffix == s) {
        exponent = e;
        found = true;
      }
    }
    if (!found) return std::nullopt;
    q.format = QuantityFormat::DecimalSI;
  }
  q.digits = strip_leading_zeros(num + denom);
  q.exp10 = exponent - static_cast<int>(denom.size());
  for (int b = 0; b < binary_exponent; b += 10) q.digits = multiply(q.digits, 1024);
  if (q.digits.empty()) {
    q.exp10 = 0;
    q.negative = false;
  }
  // Non-zero values are rounded up (away from zero) to whole nanos; the value is capped at 2^63-1.
  round_up(q, -9);
  static const std::string kMax = "9223372036854775807";
  if (q.exp10 >= 0 && compare_digits(q.digits + std::string(static_cast<std::size_t>(q.exp10), '0'), kMax) > 0) {
    q.digits = kMax;
    q.exp10 = 0;
  } else if (q.exp10 < 0 && q.digits.size() > static_cast<std::size_t>(-q.exp10) &&
             compare_digits(q.digits.substr(0, q.digits.size() - static_cast<std::size_t>(-q.exp10)), kMax) >= 0) {
    q.digits = kMax;
    q.exp10 = 0;
  }
  return q;
}

bool round_up(Quantity& q, int scale) {
  if (q.digits.empty() || q.exp10 >= scale) return true;
  const std::size_t drop = static_cast<std::size_t>(scale - q.exp10);
  std::string kept = drop >= q.digits.size() ? std::string() : q.digits.substr(0, q.digits.size() - drop);
  const std::string dropped = drop >= q.digits.size() ? q.digits : q.digits.substr(q.digits.size() - drop);
  const bool exact = dropped.find_first_not_of('0') == std::string::npos;
  if (!exact) kept = increment(kept.empty() ? "0" : kept);
  q.digits = strip_leading_zeros(kept);
  q.exp10 = scale;
  if (q.digits.empty()) {
    q.exp10 = 0;
    q.negative = false;
  }
  return exact;
}

std::string canonical_text(const Quantity& original) {
  Quantity q = original;
  if (q.digits.empty()) return "0";
  QuantityFormat format = q.format;
  std::string integer;  // the value as a whole number, for BinarySI
  if (format == QuantityFormat::BinarySI) {
    const bool small = q.exp10 <= 0 ? (q.digits.size() <= static_cast<std::size_t>(-q.exp10) ||
                                       compare_digits(strip_leading_zeros(q.digits.substr(0, q.digits.size() - static_cast<std::size_t>(-q.exp10))), "1024") < 0)
                                    : compare_digits(q.digits + std::string(static_cast<std::size_t>(q.exp10), '0'), "1024") < 0;
    Quantity whole = q;
    if (small || !round_up(whole, 0)) {
      format = QuantityFormat::DecimalSI;
    } else {
      integer = whole.digits + std::string(static_cast<std::size_t>(whole.exp10), '0');
    }
  }
  const std::string sign = q.negative ? "-" : "";
  if (format == QuantityFormat::BinarySI) {
    int exponent = 0;
    while (exponent < 60) {
      std::optional<std::string> divided = divide_exact(integer, 1024);
      if (!divided) break;
      integer = *divided;
      exponent += 10;
    }
    static const char* const kBinary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    return sign + integer + kBinary[exponent / 10];
  }
  // Decimal: all factors of ten into the exponent, then down to a multiple of three.
  std::string digits = q.digits;
  int exponent = q.exp10;
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  while (exponent % 3 != 0) {
    digits += '0';
    --exponent;
  }
  if (format == QuantityFormat::DecimalExponent) {
    return sign + digits + (exponent == 0 ? "" : "e" + std::to_string(exponent));
  }
  const char* suffix = decimal_suffix(exponent);
  return sign + digits + (suffix ? suffix : "e" + std::to_string(exponent));
}

}  // namespace sqlop::apimachinery::detail

namespace sqlop::apimachinery {

std::optional<std::string> canonical_quantity(const std::string& text) {
  const std::optional<detail::Quantity> q = detail::parse_quantity(text);
  if (!q) return std::nullopt;
  return detail::canonical_text(*q);
}

}  // namespace sqlop::apimachinery
