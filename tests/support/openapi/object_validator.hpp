// openapi/object_validator.hpp: one entry point for "is this manifest valid for the cluster": built-in kinds
// against the Kubernetes documents, registered custom kinds against their CRDs.
//
// Thread-safety: add_crd is not thread-safe; after the last add_crd, validate may be called concurrently.
#pragma once

#include <string>
#include <vector>

#include "openapi/crd.hpp"
#include "openapi/schema_set.hpp"
#include "openapi/validation.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::openapi {

class ObjectValidator {
 public:
  explicit ObjectValidator(SchemaSet builtins) : builtins_(std::move(builtins)) {}

  // Parses `crd_object` (strictly, with the documents) and registers its kind; returns parse_crd's errors
  // and registers nothing when there are any. A second CRD for the same group/kind replaces the first.
  ValidationErrors add_crd(const json::Value& crd_object);
  void add_crd(CustomResourceDefinition crd);

  // Validates one object:
  // - kind "List" (apiVersion v1): each of `items`, with paths "items[i]...";
  // - a registered custom kind: default_custom_resource on a copy, then validate_custom_resource (this is
  //   what the apiserver stores; `default` values in the CRD must therefore pass too);
  // - otherwise the documents (SchemaSet::validate); an unknown kind is one error at "kind".
  ValidationErrors validate(const json::Value& object, const ValidateOptions& options = {}) const;

  const SchemaSet& builtins() const { return builtins_; }
  // The CRD serving group/kind (any version), or nullptr.
  const CustomResourceDefinition* find_crd(const std::string& group, const std::string& kind) const;

 private:
  SchemaSet builtins_;
  std::vector<CustomResourceDefinition> crds_;
};

}  // namespace sqlop::openapi
