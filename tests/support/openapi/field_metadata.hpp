// openapi/field_metadata.hpp: what a schema declares about one field that merge logic needs -- strategic
// merge patch (x-kubernetes-patch-strategy / -patch-merge-key) and server-side apply (x-kubernetes-list-type,
// -list-map-keys, -map-type).
//
// A field is named by a FieldPath: the member names from the root of the object, e.g.
//   {"spec", "template", "spec", "containers"}            the containers list
//   {"spec", "template", "spec", "containers", "ports"}   the ports list of every container
//   {"metadata", "labels", "app"}                          one entry of the labels map
// Arrays are stepped through implicitly (the segment after a list names a member of its items); a map
// (additionalProperties) consumes one segment, whatever the key.
#pragma once

#include <string>
#include <vector>

namespace sqlop::openapi {

using FieldPath = std::vector<std::string>;

struct FieldMetadata {
  // "object", "array", "string", "integer", "number", "boolean"; "" when the schema gives no single type
  // (IntOrString, Quantity, x-kubernetes-int-or-string, free-form JSON).
  std::string type;
  std::string patch_strategy;               // x-kubernetes-patch-strategy: "merge", "retainKeys", "merge,retainKeys" or ""
  std::string patch_merge_key;              // x-kubernetes-patch-merge-key: "name", "containerPort", ... or ""
  std::string list_type;                    // x-kubernetes-list-type: "atomic", "set", "map" or "" (not declared)
  std::vector<std::string> list_map_keys;   // x-kubernetes-list-map-keys (list_type "map")
  std::string map_type;                     // x-kubernetes-map-type: "atomic", "granular" or ""
  bool is_map = false;                      // an object whose members are free keys (additionalProperties)
  bool preserve_unknown_fields = false;     // x-kubernetes-preserve-unknown-fields: members below are free-form
};

}  // namespace sqlop::openapi
