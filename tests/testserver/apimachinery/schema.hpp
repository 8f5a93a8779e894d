// apimachinery/schema.hpp: what patching and server-side apply need to know about a field's schema.
//
// The server backs the lookup with the OpenAPI documents (builtin kinds) or the CRD's structural schema:
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key (strategic merge patch, builtin kinds only) and
// x-kubernetes-list-type / x-kubernetes-list-map-keys / x-kubernetes-map-type (server-side apply).
#pragma once

#include <sqlite_operator/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace sqlop::apimachinery {

// The schema facts of one field. Empty strings mean "not annotated".
struct FieldSchema {
  std::string patch_strategy;              // "", "merge", "replace", "retainKeys", "merge,retainKeys"
  std::string patch_merge_key;             // e.g. "name" for containers, "containerPort" for ports
  std::string list_type;                   // "", "atomic", "set", "map"
  std::vector<std::string> list_map_keys;  // keys of a list-type "map" list, e.g. {"containerPort","protocol"}
  std::string map_type;                    // "", "granular", "atomic" (also set for atomic structs)
  // For keyed lists: the schema defaults of key fields, e.g. {"protocol": "TCP"} for container ports, so
  // that items without them still have a key (structured-merge-diff uses the item schema's defaults).
  json::Value key_defaults = json::Value::object();
};

// The path of a field: the object keys from the root of the object, list items adding nothing. So the
// containers list of a Deployment is {"spec","template","spec","containers"} and each container's env list is
// {"spec","template","spec","containers","env"}. Returns FieldSchema{} for an unknown path. Must be pure and
// cheap (called once per list/map visited).
using SchemaLookup = std::function<FieldSchema(const std::vector<std::string>& path)>;

// A lookup that knows nothing: every list is atomic (replaced), every map granular (merged).
SchemaLookup no_schema();

}  // namespace sqlop::apimachinery
