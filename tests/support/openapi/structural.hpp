// openapi/structural.hpp: a CustomResourceDefinition's structural schema (spec.versions[].schema
// .openAPIV3Schema) used the way the apiserver uses it: validation, defaulting, pruning, and the
// structural-schema rules a CRD must pass to be accepted.
//
// All functions are pure: `schema` is read only, `value` is changed only where the name says so. The
// schema is self-contained ($ref is not allowed in CRDs and is reported by check_schema, never followed).
//
// Supported keywords: type (object, array, string, integer, number, boolean), properties, required,
// additionalProperties (schema or bool), items, enum, pattern (ECMAScript regex, unanchored like JSON
// Schema), minLength/maxLength (in characters), minimum/maximum with exclusiveMinimum/exclusiveMaximum,
// multipleOf, minItems/maxItems, uniqueItems, minProperties/maxProperties, format (int32, int64, date-time,
// date, byte; others are accepted unchecked), nullable, default, allOf/anyOf/oneOf/not (value validations
// only, as structural schemas require), x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string,
// x-kubernetes-embedded-resource, x-kubernetes-list-type (set/map: duplicates are errors),
// x-kubernetes-list-map-keys. x-kubernetes-validations (CEL) is NOT evaluated.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "openapi/field_metadata.hpp"
#include "openapi/validation.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::openapi::structural {

struct Options {
  // See ValidateOptions: strict (error) or ignore.
  bool unknown_fields_are_errors = true;
  // The value is a whole custom resource: apiVersion, kind and metadata at the root are the apiserver's,
  // not the schema's -- they are neither validated, defaulted nor pruned here (crd.hpp checks them).
  bool resource_root = false;
  // Prefix for every error path (e.g. "spec" when validating only the spec against its sub-schema).
  std::string base_path;
};

// Validates `value` against `schema`. null is accepted only where the node says nullable: true (call
// apply_defaults first to get the apiserver's treatment of null). Every problem is reported.
ValidationErrors validate(const json::Value& schema, const json::Value& value, const Options& options = {});

// The apiserver's structural defaulting, in place: first, a member that is null where its schema is not
// nullable is replaced by its default or, without one, removed; then every declared property that is
// missing and has a `default` gets a copy of it, top-down, so defaults inside a defaulted object apply too;
// array items and additionalProperties values are defaulted with their schema. Objects that are absent and
// have no default stay absent (their members' defaults do not apply).
void apply_defaults(const json::Value& schema, json::Value& value, const Options& options = {});

// The apiserver's pruning, in place: removes every member the schema does not declare (keeping those under
// x-kubernetes-preserve-unknown-fields, additionalProperties, and -- with resource_root -- apiVersion, kind
// and metadata at the root). Returns the removed members' paths in document order (the "unknown field"
// warnings of fieldValidation=Warn).
std::vector<std::string> prune(const json::Value& schema, json::Value& value, const Options& options = {});

// Checks `schema` against the structural-schema rules of apiextensions.k8s.io/v1 (what the apiserver checks
// when a CRD is created): every node has a type (except nodes with x-kubernetes-int-or-string or
// x-kubernetes-preserve-unknown-fields), the root is an object, arrays have items, properties and
// additionalProperties are not both set, no $ref, only known keywords, allOf/anyOf/oneOf/not hold value
// validations only (no type, default, nullable, additionalProperties, description) on declared fields,
// x-kubernetes-int-or-string nodes have no type, list-type map lists have object items whose keys are
// required or defaulted, root metadata only constrains name/generateName, and every default -- once the
// defaults nested below its node are applied to it, as the apiserver does -- is valid for its node and has
// no unknown fields. Error paths are schema paths such as "properties.spec.properties.port".
ValidationErrors check_schema(const json::Value& schema);

// What the schema declares at `path` (see field_metadata.hpp); nullopt when the path leaves the schema.
std::optional<FieldMetadata> field_metadata(const json::Value& schema, const FieldPath& path);

}  // namespace sqlop::openapi::structural
