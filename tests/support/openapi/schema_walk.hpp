// openapi/schema_walk.hpp (internal): the one validation engine behind SchemaSet (built-in documents, with
// $ref) and structural (CRD schemas, self-contained), and the field-metadata lookup they share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openapi/field_metadata.hpp"
#include "openapi/validation.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::openapi::detail {

// Finds the target of a "$ref" string ("#/components/schemas/<name>"); nullptr when unknown.
class RefResolver {
 public:
  virtual ~RefResolver() = default;
  virtual const json::Value* resolve(std::string_view ref) const = 0;
};

// The two rule sets. They differ only where the apiserver differs:
//   Builtin:    null is the Go zero value (accepted; counts as missing for `required`); an object schema with
//               neither properties nor additionalProperties is free-form (RawExtension, FieldsV1).
//   Structural: null needs nullable: true; an object schema without properties prunes every member unless
//               it has x-kubernetes-preserve-unknown-fields.
enum class Dialect { Builtin, Structural };

// One schema node seen through its $ref and allOf members: the node itself first, then the schemas those
// name, depth-first. Keywords of all parts apply together (allOf semantics). Empty = accepts anything.
struct NodeView {
  std::vector<const json::Value*> parts;
  bool quantity = false;  // some part is io.k8s.apimachinery.pkg.api.resource.Quantity

  // The first part's member `key`, or nullptr.
  const json::Value* first(std::string_view key) const;
  // True when some part has `key: true`.
  bool flag(std::string_view key) const;
  // The first declared "type", or "".
  std::string type() const;
  bool int_or_string() const;
};

// `resolver` may be nullptr (structural schemas): $ref is then not followed.
NodeView view_of(const json::Value& node, const RefResolver* resolver);
// The declared property `key` (merged over all parts); nullopt when no part declares it.
std::optional<NodeView> property_view(const NodeView& view, std::string_view key, const RefResolver* resolver);
// The schema of map values: a view for additionalProperties: {...}, an empty view for `true`; nullopt when
// there is no additionalProperties (or it is false).
std::optional<NodeView> additional_view(const NodeView& view, const RefResolver* resolver);
// The schema of array items; nullopt when none is declared.
std::optional<NodeView> items_view(const NodeView& view, const RefResolver* resolver);

struct WalkOptions {
  Dialect dialect = Dialect::Builtin;
  bool unknown_fields_are_errors = true;
  bool resource_root = false;  // skip apiVersion/kind/metadata at the root (see structural::Options)
};

// Validates `value` against `view`, appending errors (paths prefixed with `path`) to `out`.
void validate_value(const NodeView& view, const json::Value& value, const std::string& path, const WalkOptions& options,
                    const RefResolver* resolver, ValidationErrors& out);

// The metadata at `path` below `root` (rules in field_metadata.hpp).
std::optional<FieldMetadata> lookup_field(const NodeView& root, const FieldPath& path, const RefResolver* resolver);

// Field-path builders: "a" + "b" -> "a.b" ("" + "b" -> "b"); "a" + 0 -> "a[0]"; map entry "a" + "k" -> "a[k]".
std::string member_path(const std::string& base, std::string_view key);
std::string index_path(const std::string& base, std::size_t index);
std::string key_path(const std::string& base, std::string_view key);

// "string", "integer", "number", "boolean", "array", "object" or "null": the JSON type of a value.
const char* json_type_name(const json::Value& value);

}  // namespace sqlop::openapi::detail
