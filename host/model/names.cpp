// Kubernetes name formats (k8s.io/apimachinery/pkg/util/validation), without regular expressions.
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_lower_alpha(char c) { return c >= 'a' && c <= 'z'; }

// [a-z0-9]([-a-z0-9]*[a-z0-9])? without the length limit.
bool is_label_shape(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (const char c : s) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool is_dns1123_label(std::string_view s) { return s.size() <= 63 && is_label_shape(s); }

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = s.find('.', start);
    const std::size_t length = dot == std::string_view::npos ? std::string_view::npos : dot - start;
    if (!is_label_shape(s.substr(start, length))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_dns1035_label(std::string_view s) { return is_dns1123_label(s) && is_lower_alpha(s.front()); }

bool is_config_map_key(std::string_view s) {
  if (s.empty() || s.size() > 253 || s == "." || s.substr(0, 2) == "..") return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sqlop::model
