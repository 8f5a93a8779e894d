// What the server knows about one served resource (one group/version/resource): its names, scope,
// subresources and the rules its objects follow. Builtin kinds come from builtin_resources.cpp; custom
// resources are described by crd_resources.cpp from an established CustomResourceDefinition.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "openapi/crd.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

// How metadata.name is validated, as the apiserver does per kind.
enum class NameRule { Subdomain, Label, Label1035 };

// One additionalPrinterColumn of a CRD (or a column the server prints for a builtin kind).
struct PrinterColumn {
  std::string name;
  std::string type;         // string, integer, number, boolean, date
  std::string format;       // e.g. "name"
  std::string description;
  std::string json_path;    // CRD columns: a simple JSONPath such as .status.phase
  int priority = 0;
};

struct ResourceInfo {
  std::string group;      // "" for the core group
  std::string version;
  std::string resource;   // plural, lower case
  std::string singular;
  std::string kind;
  std::string list_kind;
  bool namespaced = true;
  bool has_status = false;         // a /status subresource: main writes ignore status
  bool tracks_generation = false;  // metadata.generation moves with spec changes
  bool builtin = true;             // typed kind: unknown fields dropped, strategic merge patch allowed
  NameRule name_rule = NameRule::Subdomain;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;

  // Custom resources only.
  std::string crd_name;               // the CRD that defines this resource
  std::string storage_version;        // the version objects are stored in
  std::vector<PrinterColumn> columns; // additionalPrinterColumns of this version
  sqlop::json::Value schema;          // openAPIV3Schema of this version
  std::shared_ptr<const sqlop::openapi::CustomResourceDefinition> crd;  // validation, defaulting, pruning

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps", "configmaps": how error messages name the resource.
  std::string group_resource() const { return group.empty() ? resource : resource + "." + group; }
  // Version-independent identity of the stored collection: "apps/deployments", "/configmaps".
  std::string storage_prefix() const { return group + "/" + resource; }
};

using ResourceInfoPtr = std::shared_ptr<const ResourceInfo>;

// The verbs every served collection supports.
std::vector<std::string> standard_verbs(bool deletecollection = true);

}  // namespace sqlop::testserver
