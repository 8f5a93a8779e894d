// Amazon S3 bucket and region naming rules; see s3_names.hpp.
#include "s3_names.hpp"

#include <algorithm>

#include "sqlite_operator/backend_rules.hpp"

namespace sqlop::s3 {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_lower_or_digit(char c) { return is_lower(c) || is_digit(c); }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// "192.168.5.4": four dot-separated groups of 1-3 digits, the shape AWS forbids.
bool looks_like_ipv4(std::string_view s) {
  const std::vector<std::string_view> groups = split(s, '.');
  return groups.size() == 4 && std::all_of(groups.begin(), groups.end(), [](std::string_view g) {
           return !g.empty() && g.size() <= 3 && std::all_of(g.begin(), g.end(), is_digit);
         });
}

std::string quoted_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7f) return "a non-printable or non-ASCII character";
  return std::string("'") + c + "'";
}

void add_reserved_name_problems(std::string_view bucket, std::vector<std::string>& problems) {
  static const std::string_view kReservedPrefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
  static const std::string_view kReservedSuffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"};
  for (const std::string_view prefix : kReservedPrefixes) {
    if (starts_with(bucket, prefix)) {
      problems.push_back("must not start with \"" + std::string(prefix) + "\" (a prefix AWS reserves)");
    }
  }
  for (const std::string_view suffix : kReservedSuffixes) {
    if (ends_with(bucket, suffix)) {
      problems.push_back("must not end with \"" + std::string(suffix) + "\" (a suffix AWS reserves)");
    }
  }
}

}  // namespace

std::vector<std::string> bucket_name_problems(std::string_view bucket) {
  std::vector<std::string> problems;
  if (bucket.size() < 3 || bucket.size() > 63) {
    problems.push_back("must be 3-63 characters long (it has " + std::to_string(bucket.size()) + ")");
  }
  const auto bad = std::find_if(bucket.begin(), bucket.end(), [](char c) { return !is_lower_or_digit(c) && c != '.' && c != '-'; });
  if (bad != bucket.end()) {
    problems.push_back("must contain only lowercase letters, digits, '.' and '-' (found " + quoted_char(*bad) + ")");
  }
  if (!bucket.empty() && !is_lower_or_digit(bucket.front())) problems.push_back("must begin with a lowercase letter or digit");
  if (!bucket.empty() && !is_lower_or_digit(bucket.back())) problems.push_back("must end with a lowercase letter or digit");
  if (bucket.find("..") != std::string_view::npos) problems.push_back("must not contain two adjacent dots ('..')");
  if (looks_like_ipv4(bucket)) problems.push_back("must not be formatted as an IP address");
  add_reserved_name_problems(bucket, problems);
  return problems;
}

std::vector<std::string> aws_region_problems(std::string_view region) {
  static const char* const kExpected =
      "must be an AWS region code such as us-east-1, eu-central-2 or us-gov-west-1; an S3-compatible store "
      "(MinIO, R2 \"auto\", Wasabi) needs endpoint set as well";
  if (std::any_of(region.begin(), region.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return {"must be lower case (AWS region codes look like us-east-1)"};
  }
  // Shape: <2 letters>[-gov|-iso*]-<direction>-<number>, e.g. us-gov-west-1, us-isob-east-1.
  const std::vector<std::string_view> parts = split(region, '-');
  const auto letters = [](std::string_view p) { return !p.empty() && std::all_of(p.begin(), p.end(), is_lower); };
  const auto digits = [](std::string_view p) { return !p.empty() && p.size() <= 2 && std::all_of(p.begin(), p.end(), is_digit); };
  const bool partition_ok = parts.size() == 3 || (parts.size() == 4 && (parts[1] == "gov" || starts_with(parts[1], "iso")));
  bool ok = partition_ok && parts.front().size() == 2 && letters(parts.front());
  for (std::size_t i = 1; ok && i + 1 < parts.size(); ++i) ok = letters(parts[i]);
  if (ok && digits(parts.back())) return {};
  // "us-east-1a" is an availability zone, a frequent slip.
  const std::string_view last = parts.back();
  if (ok && last.size() >= 2 && is_digit(last.front()) && is_lower(last.back())) {
    return {"looks like an availability zone; use its region (without the final letter), e.g. us-east-1"};
  }
  return {kExpected};
}

std::vector<std::string> compatible_region_problems(std::string_view region) {
  std::vector<std::string> problems;
  if (region.empty()) problems.push_back("must not be empty");
  if (plugin::rules::has_whitespace_or_control(region)) problems.push_back("must not contain whitespace or control characters");
  if (region.find('$') != std::string_view::npos) problems.push_back(plugin::rules::kDollarReason);
  return problems;
}

}  // namespace sqlop::s3
