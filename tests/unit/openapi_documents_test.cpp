// SchemaSet on small hand-written documents: enum, $ref chains, allOf wrappers, field metadata.
#include <catch2/catch.hpp>

#include "openapi/builtin_schemas.hpp"
#include "openapi/schema_set.hpp"

namespace {

namespace json = sqlop::json;
using sqlop::openapi::FieldMetadata;
using sqlop::openapi::SchemaSet;
using sqlop::openapi::ValidationErrors;

// A document in the shape of the upstream ones: a kind whose spec is behind allOf: [{$ref}], an enum, a
// $ref to a $ref, and merge metadata on a wrapper.
const char* const kDocument = R"({
  "openapi": "3.0.0",
  "components": {"schemas": {
    "example.v1.Widget": {
      "type": "object",
      "required": ["spec"],
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "spec": {"allOf": [{"$ref": "#/components/schemas/example.v1.WidgetSpec"}], "default": {},
                 "x-kubernetes-patch-strategy": "retainKeys"}
      },
      "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}]
    },
    "example.v1.WidgetSpec": {
      "type": "object",
      "required": ["color"],
      "properties": {
        "color": {"type": "string", "enum": ["red", "green"]},
        "size": {"$ref": "#/components/schemas/example.v1.Size"},
        "parts": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/example.v1.Part"}]},
                  "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"],
                  "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"}
      }
    },
    "example.v1.Size": {"$ref": "#/components/schemas/example.v1.SizeValue"},
    "example.v1.SizeValue": {"type": "integer", "format": "int32"},
    "example.v1.Part": {
      "type": "object",
      "required": ["id"],
      "properties": {"id": {"type": "string"}, "tags": {"type": "object", "additionalProperties": {"type": "string"},
                     "x-kubernetes-map-type": "granular"}}
    }
  }}
})";

SchemaSet example_schemas() {
  std::vector<std::pair<std::string, json::Value>> documents;
  documents.emplace_back("apis/example.com/v1", *json::parse(kDocument));
  SchemaSet::LoadResult loaded = SchemaSet::from_documents(std::move(documents));
  REQUIRE(loaded.schemas);
  return std::move(*loaded.schemas);
}

json::Value widget(const char* spec_json) {
  json::Value object = *json::parse(R"({"apiVersion": "example.com/v1", "kind": "Widget"})");
  object["spec"] = *json::parse(spec_json);
  return object;
}

}  // namespace

TEST_CASE("enum values are enforced and listed in the message", "[openapi]") {
  const SchemaSet schemas = example_schemas();
  CHECK(schemas.validate(widget(R"({"color": "red"})")).empty());
  const ValidationErrors errors = schemas.validate(widget(R"({"color": "blue"})"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == "spec.color");
  CHECK(errors[0].message == "Unsupported value: supported values: \"red\", \"green\"");
}

TEST_CASE("nested $ref and allOf wrappers are followed", "[openapi]") {
  const SchemaSet schemas = example_schemas();
  CHECK(schemas.validate(widget(R"({"color": "green", "size": 3, "parts": [{"id": "a", "tags": {"x": "y"}}]})")).empty());

  const ValidationErrors errors =
      schemas.validate(widget(R"({"color": "green", "size": "big", "parts": [{"tags": {"x": 1}}, {"id": "b", "shape": 1}]})"));
  INFO(sqlop::openapi::to_string(errors));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].path == "spec.size");
  CHECK(errors[0].message == "must be of type integer (got string)");
  CHECK(errors[1].path == "spec.parts[0].id");
  CHECK(errors[1].message == "Required value");
  CHECK(errors[2].path == "spec.parts[0].tags[x]");
  CHECK(errors[3].path == "spec.parts[1].shape");
  CHECK(errors[3].message == "unknown field (not declared in the schema)");

  SECTION("a required property behind a wrapper") {
    json::Value object = widget("{}");
    object.as_object().erase("spec");
    const ValidationErrors missing = schemas.validate(object);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].path == "spec");
  }
}

TEST_CASE("validate_as checks a value against a named schema under a base path", "[openapi]") {
  const SchemaSet schemas = example_schemas();
  const ValidationErrors errors = schemas.validate_as("example.v1.Part", *json::parse(R"({"id": 1})"), "spec.parts[3]");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == "spec.parts[3].id");
  const ValidationErrors unknown = schemas.validate_as("example.v1.Nothing", json::Value::object(), "x");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].path == "x");
}

TEST_CASE("field metadata of a hand-written schema", "[openapi]") {
  const SchemaSet schemas = example_schemas();
  const sqlop::openapi::GroupVersionKind gvk{"example.com", "v1", "Widget"};

  const std::optional<FieldMetadata> spec = schemas.field_metadata(gvk, {"spec"});
  REQUIRE(spec);
  CHECK(spec->type == "object");
  CHECK(spec->patch_strategy == "retainKeys");  // declared on the wrapper, not on WidgetSpec

  const std::optional<FieldMetadata> parts = schemas.field_metadata(gvk, {"spec", "parts"});
  REQUIRE(parts);
  CHECK(parts->type == "array");
  CHECK(parts->list_type == "map");
  CHECK(parts->list_map_keys == std::vector<std::string>{"id"});
  CHECK(parts->patch_strategy == "merge");
  CHECK(parts->patch_merge_key == "id");

  const std::optional<FieldMetadata> tags = schemas.field_metadata(gvk, {"spec", "parts", "tags"});
  REQUIRE(tags);
  CHECK(tags->is_map);
  CHECK(tags->map_type == "granular");
  const std::optional<FieldMetadata> tag = schemas.field_metadata(gvk, {"spec", "parts", "tags", "any-key"});
  REQUIRE(tag);
  CHECK(tag->type == "string");

  CHECK(schemas.field_metadata(gvk, {"spec", "nothing"}) == std::nullopt);
  CHECK(schemas.field_metadata({"example.com", "v2", "Widget"}, {"spec"}) == std::nullopt);
}

TEST_CASE("field metadata of built-in kinds for strategic merge patch", "[openapi]") {
  const SchemaSet& schemas = sqlop::openapi::builtin_schemas();
  const sqlop::openapi::GroupVersionKind deployment{"apps", "v1", "Deployment"};

  const std::optional<FieldMetadata> containers = schemas.field_metadata(deployment, {"spec", "template", "spec", "containers"});
  REQUIRE(containers);
  CHECK(containers->type == "array");
  CHECK(containers->patch_strategy == "merge");
  CHECK(containers->patch_merge_key == "name");
  CHECK(containers->list_type == "map");
  CHECK(containers->list_map_keys == std::vector<std::string>{"name"});

  const std::optional<FieldMetadata> ports =
      schemas.field_metadata(deployment, {"spec", "template", "spec", "containers", "ports"});
  REQUIRE(ports);
  CHECK(ports->patch_merge_key == "containerPort");
  CHECK(ports->list_map_keys == std::vector<std::string>{"containerPort", "protocol"});

  const std::optional<FieldMetadata> mounts =
      schemas.field_metadata(deployment, {"spec", "template", "spec", "containers", "volumeMounts"});
  REQUIRE(mounts);
  CHECK(mounts->patch_merge_key == "mountPath");

  const std::optional<FieldMetadata> volumes = schemas.field_metadata(deployment, {"spec", "template", "spec", "volumes"});
  REQUIRE(volumes);
  CHECK(volumes->patch_strategy == "merge,retainKeys");

  const std::optional<FieldMetadata> strategy = schemas.field_metadata(deployment, {"spec", "strategy"});
  REQUIRE(strategy);
  CHECK(strategy->type == "object");
  CHECK(strategy->patch_strategy == "retainKeys");

  const std::optional<FieldMetadata> args = schemas.field_metadata(deployment, {"spec", "template", "spec", "containers", "args"});
  REQUIRE(args);
  CHECK(args->list_type == "atomic");
  CHECK(args->patch_strategy.empty());

  const std::optional<FieldMetadata> labels = schemas.field_metadata(deployment, {"metadata", "labels"});
  REQUIRE(labels);
  CHECK(labels->is_map);
  CHECK(labels->type == "object");

  const std::optional<FieldMetadata> finalizers = schemas.field_metadata(deployment, {"metadata", "finalizers"});
  REQUIRE(finalizers);
  CHECK(finalizers->list_type == "set");
  CHECK(finalizers->patch_strategy == "merge");

  const std::optional<FieldMetadata> secret_ref = schemas.field_metadata(
      deployment, {"spec", "template", "spec", "containers", "env", "valueFrom", "secretKeyRef"});
  REQUIRE(secret_ref);
  CHECK(secret_ref->map_type == "atomic");

  const std::optional<FieldMetadata> service_ports = schemas.field_metadata({"", "v1", "Service"}, {"spec", "ports"});
  REQUIRE(service_ports);
  CHECK(service_ports->list_map_keys == std::vector<std::string>{"port", "protocol"});

  CHECK(schemas.field_metadata(deployment, {"spec", "template", "spec", "containerz"}) == std::nullopt);
}
