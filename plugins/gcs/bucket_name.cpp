#include "bucket_name.hpp"

#include <cstddef>

namespace sqlop_gcs {
namespace {

constexpr std::size_t kMinLength = 3;
constexpr std::size_t kMaxLength = 63;           // a name without dots
constexpr std::size_t kMaxDottedLength = 222;    // a name with dots
constexpr std::size_t kMaxComponentLength = 63;  // each dot-separated component

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_allowed(char c) { return is_lower_alnum(c) || c == '-' || c == '_' || c == '.'; }

std::vector<std::string_view> split_on_dots(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// GCS refuses names that read as a dotted-decimal IPv4 address, such as 192.168.5.4.
bool looks_like_ipv4(std::string_view name) {
  const std::vector<std::string_view> parts = split_on_dots(name);
  if (parts.size() != 4) return false;
  for (const std::string_view part : parts) {
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (const char c : part) {
      if (!is_digit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
  }
  return true;
}

// GCS also refuses "close misspellings" of google such as "g00gle". Reading digits as the letters they
// imitate catches those without rejecting ordinary names.
std::string with_lookalike_digits_read_as_letters(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    switch (c) {
      case '0': out += 'o'; break;
      case '1': out += 'l'; break;
      case '3': out += 'e'; break;
      case '9': out += 'g'; break;
      default: out += c;
    }
  }
  return out;
}

void check_length(std::string_view name, std::vector<std::string>& problems) {
  const bool dotted = name.find('.') != std::string_view::npos;
  if (name.size() < kMinLength) {
    problems.push_back("must be at least 3 characters long");
  } else if (!dotted && name.size() > kMaxLength) {
    problems.push_back("must be at most 63 characters long (up to 222 when it contains dots)");
  } else if (dotted && name.size() > kMaxDottedLength) {
    problems.push_back("must be at most 222 characters long");
  }
  if (!dotted) return;
  bool empty_component = false;
  bool long_component = false;
  for (const std::string_view part : split_on_dots(name)) {
    empty_component = empty_component || part.empty();
    long_component = long_component || part.size() > kMaxComponentLength;
  }
  if (empty_component) problems.push_back("must not contain empty dot-separated components (\"..\")");
  if (long_component) problems.push_back("must not have a dot-separated component longer than 63 characters");
}

void check_characters(std::string_view name, std::vector<std::string>& problems) {
  for (const char c : name) {
    if (!is_allowed(c)) {
      problems.push_back("must contain only lowercase letters, digits, '-', '_' and '.'");
      break;
    }
  }
  if (!name.empty() && (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back()))) {
    problems.push_back("must start and end with a lowercase letter or digit");
  }
}

void check_reserved(std::string_view name, std::vector<std::string>& problems) {
  if (looks_like_ipv4(name)) problems.push_back("must not be an IP address in dotted-decimal notation");
  if (name.substr(0, 4) == "goog") problems.push_back("must not start with \"goog\" (reserved by Google)");
  if (with_lookalike_digits_read_as_letters(name).find("google") != std::string::npos) {
    problems.push_back("must not contain \"google\" or a close misspelling of it (reserved by Google)");
  }
}

}  // namespace

std::vector<std::string> bucket_name_problems(std::string_view name) {
  std::vector<std::string> problems;
  check_length(name, problems);
  check_characters(name, problems);
  check_reserved(name, problems);
  return problems;
}

}  // namespace sqlop_gcs
