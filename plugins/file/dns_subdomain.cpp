#include "dns_subdomain.hpp"

#include <cstddef>

namespace sqlop_file {
namespace {

constexpr std::size_t kMaxLength = 253;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_label(std::string_view label) {
  if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) return false;
  for (const char c : label) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool is_dns1123_subdomain(std::string_view name) {
  if (name.empty() || name.size() > kMaxLength) return false;
  for (std::size_t start = 0;;) {
    const std::size_t dot = name.find('.', start);
    if (!is_label(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace sqlop_file
