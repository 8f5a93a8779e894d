// Kubernetes object names of the DNS-1123 subdomain kind (PersistentVolumeClaims among them).
#pragma once

#include <string_view>

namespace sqlop_file {

// True when `name` is at most 253 characters of dot-separated labels, each made of lowercase letters,
// digits and '-', starting and ending with a letter or digit. Pure.
bool is_dns1123_subdomain(std::string_view name);

}  // namespace sqlop_file
