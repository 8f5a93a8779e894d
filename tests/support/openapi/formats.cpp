#include "openapi/formats.hpp"

#include <string>

namespace sqlop::openapi::formats {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes [+-]?(digits | digits. | digits.digits | .digits) from the front of `s`; false if absent.
bool consume_signed_number(std::string_view& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  s.remove_prefix(i);
  return true;
}

bool is_quantity_suffix(std::string_view suffix) {
  static const char* const fixed[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E"};
  for (const char* f : fixed) {
    if (suffix == f) return true;
  }
  if (suffix.empty() || (suffix[0] != 'e' && suffix[0] != 'E')) return false;
  suffix.remove_prefix(1);
  return consume_signed_number(suffix) && suffix.empty();
}

// Reads exactly `n` digits at `pos` as a number; -1 if they are not all digits.
int read_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

bool is_date_prefix(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  const int year = read_digits(s, 0, 4);
  const int month = read_digits(s, 5, 2);
  const int day = read_digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= days_in_month(year, month);
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (is_digit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool is_quantity(std::string_view s) {
  std::string_view rest = s;
  return consume_signed_number(rest) && is_quantity_suffix(rest);
}

bool is_date(std::string_view s) { return s.size() == 10 && is_date_prefix(s); }

bool is_date_time(std::string_view s) {
  if (!is_date_prefix(s) || s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
  const int hour = read_digits(s, 11, 2);
  const int minute = read_digits(s, 14, 2);
  const int second = read_digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  std::size_t pos = 19;
  if (s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  const std::string_view zone = s.substr(pos);
  if (zone == "Z") return true;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return false;
  const int zone_hour = read_digits(zone, 1, 2);
  const int zone_minute = read_digits(zone, 4, 2);
  return zone_hour >= 0 && zone_hour <= 23 && zone_minute >= 0 && zone_minute <= 59;
}

bool is_base64(std::string_view s) {
  std::string clean;
  clean.reserve(s.size());
  for (const char c : s) {
    if (c != '\r' && c != '\n') clean += c;
  }
  if (clean.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < clean.size() && clean[clean.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < clean.size(); ++i) {
    if (base64_value(clean[i]) < 0) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;  // count every byte that starts a code point
  }
  return n;
}

}  // namespace sqlop::openapi::formats
