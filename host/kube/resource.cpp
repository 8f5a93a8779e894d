#include "host/kube/resource.hpp"

#include <string_view>

namespace sqlop::kube {

namespace types {

const ResourceType& sqlite_databases() {
  static const ResourceType type{"database.sqlite.io", "v1alpha1", "sqlitedatabases", "SqliteDatabase", true};
  return type;
}
const ResourceType& persistent_volume_claims() {
  static const ResourceType type{"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true};
  return type;
}
const ResourceType& config_maps() {
  static const ResourceType type{"", "v1", "configmaps", "ConfigMap", true};
  return type;
}
const ResourceType& secrets() {
  static const ResourceType type{"", "v1", "secrets", "Secret", true};
  return type;
}
const ResourceType& deployments() {
  static const ResourceType type{"apps", "v1", "deployments", "Deployment", true};
  return type;
}
const ResourceType& services() {
  static const ResourceType type{"", "v1", "services", "Service", true};
  return type;
}
const ResourceType& ingresses() {
  static const ResourceType type{"networking.k8s.io", "v1", "ingresses", "Ingress", true};
  return type;
}
const ResourceType& events() {
  static const ResourceType type{"", "v1", "events", "Event", true};
  return type;
}
const ResourceType& leases() {
  static const ResourceType type{"coordination.k8s.io", "v1", "leases", "Lease", true};
  return type;
}

}  // namespace types

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Percent-encodes everything but the unreserved characters and `also_keep`.
std::string percent_encode(const std::string& value, std::string_view also_keep) {
  static const char* const hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || also_keep.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

// A path segment: '/' and '?' and '%' must be escaped; the sub-delimiters Go's url.PathEscape keeps may stay.
std::string path_escape(const std::string& segment) { return percent_encode(segment, ":@&=+$,;"); }

}  // namespace

std::string resource_path(const ResourceType& type, const std::string& namespace_name, const std::string& name,
                          const std::string& subresource) {
  std::string path = type.group.empty() ? "/api/" + type.version : "/apis/" + type.group + "/" + type.version;
  if (type.namespaced && !namespace_name.empty()) path += "/namespaces/" + path_escape(namespace_name);
  path += "/" + type.resource;
  if (!name.empty()) {
    path += "/" + path_escape(name);
    if (!subresource.empty()) path += "/" + path_escape(subresource);
  }
  return path;
}

std::string query_escape(const std::string& value) { return percent_encode(value, ""); }

}  // namespace sqlop::kube
