// Which Kubernetes resource a request is about, and the URL paths built from it. Pure.
#pragma once

#include <string>

namespace sqlop::kube {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "configmaps"
  std::string kind;      // "ConfigMap"
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "configmaps" or "deployments.apps": how logs, metrics and the test server's counters name it.
  std::string qualified_name() const { return group.empty() ? resource : resource + "." + group; }
};

// The resource types the operator reads or writes (the RBAC rules in crd/ are derived from this list).
namespace types {
const ResourceType& sqlite_databases();
const ResourceType& persistent_volume_claims();
const ResourceType& config_maps();
const ResourceType& secrets();
const ResourceType& deployments();
const ResourceType& services();
const ResourceType& ingresses();
const ResourceType& events();
const ResourceType& leases();
}  // namespace types

// "/api/v1/namespaces/NS/configmaps[/NAME[/SUBRESOURCE]]" or "/apis/G/V/...". An empty namespace on a
// namespaced type means all namespaces (lists and watches); names and namespaces are path-escaped.
std::string resource_path(const ResourceType& type, const std::string& namespace_name, const std::string& name = {},
                          const std::string& subresource = {});

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay as they are).
std::string query_escape(const std::string& value);

}  // namespace sqlop::kube
