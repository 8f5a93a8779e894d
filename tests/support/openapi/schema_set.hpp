// openapi/schema_set.hpp: the official Kubernetes OpenAPI v3 documents, and strict validation of built-in
// objects (Deployment, Service, ConfigMap, ...) against them.
//
// What "strict" means here (kubectl --validate=strict, fieldValidation=Strict):
// - the schema is found by apiVersion/kind through x-kubernetes-group-version-kind;
// - $ref and allOf: [{$ref}] wrappers are followed; a node's keywords and its referenced schema's apply together;
// - every member the schema does not declare is an error ("unknown field"), except below free-form nodes
//   (an object schema with neither properties nor additionalProperties, e.g. RawExtension, FieldsV1);
// - types: string, integer (a JSON integer: 1.0 is not one), number, boolean, array, object; `required`;
//   `enum`; format int32 (range), int64, date-time (RFC 3339, as metav1.Time parses it), byte (padded
//   standard base64, as []byte decodes it); x-kubernetes-list-type set/map: no duplicate items / keys;
// - resource.Quantity: a JSON number, or a string in the grammar its description gives ("1Gi", "500m",
//   "1e3"); IntOrString: an integer in int32 range or a string;
// - null is accepted for every field (Go decodes it as the zero value), but a required field that is null
//   is missing. Go-side defaults are NOT applied (the documents' `default` members are not defaulting rules).
//
// Thread-safety: a SchemaSet is immutable after loading; copies share the documents and may be used from
// any number of threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openapi/field_metadata.hpp"
#include "openapi/group_version_kind.hpp"
#include "openapi/validation.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::openapi {

class SchemaSet {
 public:
  struct LoadResult;  // {std::optional<SchemaSet> schemas; std::string error;}, defined below

  // Loads every *_openapi.json in `dir`: api__v1_openapi.json, apis__apps__v1_openapi.json, ... (the
  // upstream api/openapi-spec/v3 names). Fails when the directory has none or one does not parse.
  static LoadResult load_directory(const std::string& dir);
  // The same from documents already in memory, keyed by their API path ("api/v1", "apis/apps/v1").
  static LoadResult from_documents(std::vector<std::pair<std::string, json::Value>> documents);

  // --- Lookup -------------------------------------------------------------------------------------------
  // The component schema name for a kind, e.g. "io.k8s.api.apps.v1.Deployment"; nullopt if unknown.
  std::optional<std::string> schema_name(const GroupVersionKind& gvk) const;
  bool has_kind(const GroupVersionKind& gvk) const { return schema_name(gvk).has_value(); }
  // Every kind some schema declares, sorted.
  std::vector<GroupVersionKind> kinds() const;
  // A component schema as written in the documents (no $ref resolved); nullptr if unknown.
  const json::Value* schema(std::string_view name) const;

  // --- Validation ---------------------------------------------------------------------------------------
  // Validates a whole object: its apiVersion/kind must name a known kind (else one error at path "kind").
  ValidationErrors validate(const json::Value& object, const ValidateOptions& options = {}) const;
  // Validates `value` against the named component schema; error paths start with `base_path`. Used e.g.
  // for a custom resource's metadata: validate_as("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
  // cr["metadata"], "metadata"). An unknown schema name is one error at `base_path`.
  ValidationErrors validate_as(std::string_view schema_name, const json::Value& value, std::string_view base_path = {},
                               const ValidateOptions& options = {}) const;

  // --- Merge metadata -----------------------------------------------------------------------------------
  // What the kind's schema declares at `path` (see field_metadata.hpp for the path rules); nullopt when the
  // kind is unknown or the path leaves the declared schema. Example: {"spec","template","spec","containers"}
  // in apps/v1 Deployment -> type array, patch strategy "merge", merge key "name", list type "map", keys [name].
  std::optional<FieldMetadata> field_metadata(const GroupVersionKind& gvk, const FieldPath& path) const;
  std::optional<FieldMetadata> field_metadata_in(std::string_view schema_name, const FieldPath& path) const;

  // --- The documents themselves (to serve /openapi/v3 from a test API server) ----------------------------
  // API paths of the loaded documents, sorted: "api/v1", "apis/apps/v1", ...
  std::vector<std::string> document_paths() const;
  // The whole OpenAPI document for an API path; nullptr if not loaded.
  const json::Value* document(std::string_view api_path) const;

  struct Data;  // implementation detail (schema_set.cpp)

 private:
  explicit SchemaSet(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

struct SchemaSet::LoadResult {
  std::optional<SchemaSet> schemas;  // set on success
  std::string error;                 // "FILE: reason" on failure
};

}  // namespace sqlop::openapi
