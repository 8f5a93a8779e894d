// The server's use of the OpenAPI documents and CRD schemas (library sqlop_openapi): unknown and duplicate
// field detection for fieldValidation, dropping unknown fields as Go decoding does, schema validation
// mapped to the apiserver's error kinds, and the schema lookups strategic merge patch and server-side
// apply need. Immutable after construction; safe to use from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apimachinery/schema.hpp"
#include "openapi/crd.hpp"
#include "openapi/schema_set.hpp"
#include "server/api_error.hpp"
#include "server/resource_info.hpp"

namespace sqlop::testserver {

// What checking a request object against its schema found.
struct SchemaFindings {
  std::vector<std::string> unknown_fields;  // field paths ("spec.foo"), dropped from the object
  std::optional<ApiError> decode_error;     // builtin kinds: a value Go could not decode (400)
  std::vector<Cause> invalid;               // 422 causes: required, enum, pattern, ranges, ...
};

class SchemaSupport {
 public:
  // Loads the builtin documents from `openapi_dir`; nullptr and `error` when they cannot be loaded.
  static std::unique_ptr<SchemaSupport> load(const std::string& openapi_dir, std::string* error);

  const sqlop::openapi::SchemaSet& builtins() const { return builtins_; }

  // Checks a builtin object (defaulted, as the server will store it) against the documents and removes its
  // unknown fields.
  SchemaFindings check_builtin(sqlop::json::Value& object) const;
  // Custom resources: prunes unknown fields (reported), applies the CRD's defaults, validates.
  SchemaFindings check_custom(const ResourceInfo& info, sqlop::json::Value& object) const;
  // Only the pruning half of check_custom (objects that are not defaulted again, e.g. status writes).
  std::vector<std::string> prune_custom(const ResourceInfo& info, sqlop::json::Value& object) const;
  void default_custom(const ResourceInfo& info, sqlop::json::Value& object) const;

  // Field schema lookups for patches and server-side apply.
  sqlop::apimachinery::SchemaLookup lookup_for(const ResourceInfo& info) const;

  // Parses a CRD object as the apiserver validates it on create/update; the CRD value or 422 causes.
  struct CrdCheck {
    std::shared_ptr<const sqlop::openapi::CustomResourceDefinition> crd;
    std::vector<Cause> causes;
  };
  CrdCheck check_crd(const sqlop::json::Value& object) const;

 private:
  explicit SchemaSupport(sqlop::openapi::SchemaSet builtins) : builtins_(std::move(builtins)) {}
  sqlop::openapi::SchemaSet builtins_;
};

// Removes the member a field path names ("spec.template.spec.containers[0].foo", "metadata.labels[x]").
// Returns false when the path does not lead to a member.
bool remove_field_path(sqlop::json::Value& object, const std::string& path);

}  // namespace sqlop::testserver
