// openapi/crd.hpp: an apiextensions.k8s.io/v1 CustomResourceDefinition read into plain values, and the
// apiserver's treatment of its custom resources (validation, defaulting, pruning).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openapi/group_version_kind.hpp"
#include "openapi/schema_set.hpp"
#include "openapi/validation.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::openapi {

struct CrdVersion {
  std::string name;  // "v1alpha1"
  bool served = false;
  bool storage = false;
  bool deprecated = false;
  json::Value schema;                // schema.openAPIV3Schema (null if the version has none)
  bool status_subresource = false;   // subresources.status present
  json::Value scale_subresource;     // subresources.scale as written, or null
  json::Value printer_columns;       // additionalPrinterColumns as written, or null
};

struct CustomResourceDefinition {
  std::string name;  // metadata.name: "<plural>.<group>"
  std::string group;
  std::string kind;
  std::string list_kind;  // names.listKind, or kind + "List"
  std::string plural;
  std::string singular;   // names.singular, or the lower-cased kind
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool namespaced = true;  // spec.scope == "Namespaced"
  std::vector<CrdVersion> versions;

  const CrdVersion* version(std::string_view name) const;
  const CrdVersion* storage_version() const;
  GroupVersionKind gvk(std::string_view version) const { return {group, std::string(version), kind}; }
};

struct CrdParseResult {
  std::optional<CustomResourceDefinition> crd;  // set when there are no errors
  ValidationErrors errors;
};

// Reads a CRD object and checks what the apiserver checks on create: apiVersion/kind; when `builtins` is
// given, the object strictly against the CustomResourceDefinition schema of the documents; metadata.name ==
// "<plural>.<group>"; names (plural, kind, listKind, singular lower-case DNS labels / CamelCase kinds);
// scope; at least one version, unique names, exactly one storage version; every version's schema present
// and structural (structural::check_schema; error paths under spec.versions[i].schema.openAPIV3Schema).
CrdParseResult parse_crd(const json::Value& object, const SchemaSet* builtins = nullptr);

// Validates a custom resource as the apiserver does on create/update (call default_custom_resource first
// for the apiserver's order): apiVersion names a served version of the CRD and kind is its kind;
// metadata is an object -- strictly against ObjectMeta when `builtins` is given -- and meets the schema's
// metadata.name/generateName constraints; everything else against the version's schema. A version that is
// not served or unknown is one error at "apiVersion".
ValidationErrors validate_custom_resource(const CustomResourceDefinition& crd, const json::Value& object,
                                          const SchemaSet* builtins = nullptr, const ValidateOptions& options = {});

// Structural defaulting of `object` with the schema of the version its apiVersion names (nothing when the
// version is unknown). apiVersion, kind and metadata are left alone.
void default_custom_resource(const CustomResourceDefinition& crd, json::Value& object);

// Pruning of `object` with the schema of the version its apiVersion names; returns the removed paths.
std::vector<std::string> prune_custom_resource(const CustomResourceDefinition& crd, json::Value& object);

}  // namespace sqlop::openapi
