// Go's time.ParseDuration, which Litestream applies to every interval in its config:
//   duration ::= [+-] ( "0" | ( number unit )+ )
//   number   ::= digits | digits '.' digits? | '.' digits
//   unit     ::= ns | us | µs (U+00B5) | μs (U+03BC) | ms | s | m | h
// The magnitude must fit in 63 bits of nanoseconds, as in Go.
#include <cstdint>
#include <string>

#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

constexpr std::uint64_t kMaxMagnitude = std::uint64_t{1} << 63;  // |math.MinInt64|

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<std::uint64_t> unit_nanoseconds(std::string_view unit) {
  struct Unit {
    std::string_view name;
    std::uint64_t nanoseconds;
  };
  static const Unit kUnits[] = {
      {"ns", 1},
      {"us", 1000},
      {"\xC2\xB5s", 1000},  // U+00B5 micro sign
      {"\xCE\xBCs", 1000},  // U+03BC Greek small letter mu
      {"ms", 1000000},
      {"s", 1000000000},
      {"m", 60ULL * 1000000000},
      {"h", 3600ULL * 1000000000},
  };
  for (const Unit& u : kUnits) {
    if (u.name == unit) return u.nanoseconds;
  }
  return std::nullopt;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// What to tell a user who wrote a unit Go does not know. Days and weeks are the usual mistake.
std::string unknown_unit_reason(std::string_view unit, std::string_view whole) {
  std::string reason = "unknown unit " + quoted(unit) + " in duration " + quoted(whole) + "; ";
  if (unit == "d" || unit == "D") return reason + "Go durations have no days: use hours, e.g. \"24h\" for a day";
  if (unit == "w" || unit == "W") return reason + "Go durations have no weeks: use hours, e.g. \"168h\" for a week";
  return reason + "valid units are ns, us, ms, s, m and h";
}

// Parses one "<number><unit>" element at the front of `s`, advancing it; adds its nanoseconds to `total`.
bool parse_element(std::string_view& s, std::string_view whole, std::uint64_t& total, std::string& why) {
  const auto invalid = [&] {
    why = quoted(whole) + " is not a Go duration (examples: \"30s\", \"15m\", \"1h30m\")";
    return false;
  };
  const auto out_of_range = [&] {
    why = "duration " + quoted(whole) + " is out of range";
    return false;
  };
  if (s.empty() || !(s[0] == '.' || is_digit(s[0]))) return invalid();

  std::uint64_t whole_part = 0;
  std::size_t pos = 0;
  for (; pos < s.size() && is_digit(s[pos]); ++pos) {
    if (whole_part > kMaxMagnitude / 10) return out_of_range();
    whole_part = whole_part * 10 + static_cast<std::uint64_t>(s[pos] - '0');
    if (whole_part > kMaxMagnitude) return out_of_range();
  }
  const bool has_whole_digits = pos > 0;

  // Fraction digits beyond what fits are consumed and ignored, as Go does.
  std::uint64_t fraction = 0;
  double scale = 1;
  bool has_fraction_digits = false;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    bool overflow = false;
    for (; pos < s.size() && is_digit(s[pos]); ++pos) {
      has_fraction_digits = true;
      if (overflow) continue;
      if (fraction > (kMaxMagnitude - 1) / 10) {
        overflow = true;
        continue;
      }
      const std::uint64_t next = fraction * 10 + static_cast<std::uint64_t>(s[pos] - '0');
      if (next > kMaxMagnitude) {
        overflow = true;
        continue;
      }
      fraction = next;
      scale *= 10;
    }
  }
  if (!has_whole_digits && !has_fraction_digits) return invalid();  // ".s"

  const std::size_t unit_start = pos;
  while (pos < s.size() && s[pos] != '.' && !is_digit(s[pos])) ++pos;
  const std::string_view unit = s.substr(unit_start, pos - unit_start);
  if (unit.empty()) {
    why = "missing unit in duration " + quoted(whole) + " (write e.g. \"" + std::string(s.substr(0, pos)) + "s\")";
    return false;
  }
  const std::optional<std::uint64_t> unit_ns = unit_nanoseconds(unit);
  if (!unit_ns) {
    why = unknown_unit_reason(unit, whole);
    return false;
  }

  if (whole_part > kMaxMagnitude / *unit_ns) return out_of_range();
  std::uint64_t value = whole_part * *unit_ns;
  if (fraction > 0) {
    // Go computes the fraction in float64; so do we, to get the same nanosecond.
    value += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(*unit_ns) / scale));
    if (value > kMaxMagnitude) return out_of_range();
  }
  total += value;
  if (total > kMaxMagnitude) return out_of_range();
  s.remove_prefix(pos);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_go_duration(std::string_view s, std::string* why) {
  const std::string_view whole = s;
  std::string reason;
  const auto refuse = [&]() -> std::optional<std::int64_t> {
    if (why) *why = reason;
    return std::nullopt;
  };
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) {
    reason = whole.empty() ? "must not be empty" : quoted(whole) + " is not a Go duration";
    return refuse();
  }
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!parse_element(s, whole, total, reason)) return refuse();
  }
  if (negative) return static_cast<std::int64_t>(~total + 1);  // two's complement; -2^63 included
  if (total > kMaxMagnitude - 1) {
    reason = "duration " + quoted(whole) + " is out of range";
    return refuse();
  }
  return static_cast<std::int64_t>(total);
}

}  // namespace sqlop::model
