// CRD structural schemas: validation, defaulting, pruning, the structural rules, field metadata.
#include <catch2/catch.hpp>

#include "host/yaml/yaml_json.hpp"
#include "openapi/structural.hpp"

namespace {

namespace json = sqlop::json;
namespace structural = sqlop::openapi::structural;
using sqlop::openapi::ValidationError;
using sqlop::openapi::ValidationErrors;

json::Value yaml_value(const std::string& text) {
  sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(text);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.documents.size() == 1);
  return loaded.documents.front().value;
}

std::string error_at(const ValidationErrors& errors, const std::string& path) {
  INFO(sqlop::openapi::to_string(errors));
  std::string message;
  int count = 0;
  for (const ValidationError& e : errors) {
    if (e.path == path) {
      message = e.message;
      ++count;
    }
  }
  CHECK(count == 1);
  return message;
}

const char* const kSchema = R"(
type: object
properties:
  spec:
    type: object
    default: {}
    properties:
      name: {type: string, minLength: 2, maxLength: 5, pattern: '^[a-z]+$'}
      mode: {type: string, enum: [fast, safe], default: safe}
      port: {type: integer, format: int32, minimum: 1, maximum: 65535, default: 8080}
      ratio: {type: number, minimum: 0, maximum: 1, exclusiveMaximum: true}
      enabled: {type: boolean}
      when: {type: string, format: date-time}
      note: {type: string, nullable: true}
      tags:
        type: array
        minItems: 1
        maxItems: 3
        x-kubernetes-list-type: set
        items: {type: string}
      items:
        type: array
        x-kubernetes-list-type: map
        x-kubernetes-list-map-keys: [id]
        items:
          type: object
          required: [id]
          properties:
            id: {type: string}
            weight: {type: integer, default: 1}
      labels:
        type: object
        additionalProperties: {type: string}
      limits:
        type: object
        additionalProperties:
          x-kubernetes-int-or-string: true
          anyOf: [{type: integer}, {type: string}]
          pattern: '^[0-9]+(m|Mi)?$'
      settings:
        type: object
        x-kubernetes-preserve-unknown-fields: true
      nested:
        type: object
        properties:
          level: {type: string, default: info}
      choice:
        type: object
        properties:
          a: {type: string}
          b: {type: string}
        oneOf:
          - required: [a]
          - required: [b]
      notFoo:
        type: string
        not: {enum: [foo]}
)";

ValidationErrors validate_spec(const std::string& spec_yaml) {
  const json::Value schema = yaml_value(kSchema);
  const json::Value spec = yaml_value(spec_yaml);
  json::Value value = json::Value::object();
  value["spec"] = spec;  // a copy: moving the temporary trips GCC 12's -Wmaybe-uninitialized on the variant
  return structural::validate(schema, value);
}

}  // namespace

TEST_CASE("structural validation: a valid value passes", "[openapi]") {
  const ValidationErrors errors = validate_spec(R"(
name: abc
mode: fast
port: 443
ratio: 0.5
enabled: true
when: "2025-01-01T00:00:00Z"
note: null
tags: [a, b]
items: [{id: x}, {id: y, weight: 2}]
labels: {team: a}
limits: {cpu: 100m, memory: 64Mi, pods: 3}
settings: {anything: {goes: [1, 2]}}
nested: {level: debug}
choice: {a: x}
notFoo: bar
)");
  INFO(sqlop::openapi::to_string(errors));
  CHECK(errors.empty());
}

TEST_CASE("structural validation: every keyword reports at its path", "[openapi]") {
  const ValidationErrors errors = validate_spec(R"(
name: Abcdefg
mode: turbo
port: 70000
ratio: 1
enabled: "true"
when: tomorrow
tags: [a, a, b, c]
items: [{id: x}, {id: x}, {weight: 1}]
labels: {team: 1}
limits: {cpu: 1.5, memory: 64Gi}
nested: {level: debug, extra: 1}
choice: {a: x, b: y}
notFoo: foo
unknown: 1
)");
  INFO(sqlop::openapi::to_string(errors));
  CHECK_THAT(error_at(errors, "spec.mode"), Catch::Contains("supported values: \"fast\", \"safe\""));
  CHECK_THAT(error_at(errors, "spec.port"), Catch::Contains("less than or equal to 65535"));
  CHECK_THAT(error_at(errors, "spec.ratio"), Catch::Contains("less than 1"));
  CHECK_THAT(error_at(errors, "spec.enabled"), Catch::Contains("must be of type boolean"));
  CHECK_THAT(error_at(errors, "spec.when"), Catch::Contains("RFC 3339"));
  CHECK_THAT(error_at(errors, "spec.tags"), Catch::Contains("at most 3 items"));
  CHECK_THAT(error_at(errors, "spec.tags[1]"), Catch::Contains("Duplicate value"));
  CHECK_THAT(error_at(errors, "spec.items[1]"), Catch::Contains("Duplicate value"));
  CHECK(error_at(errors, "spec.items[2].id") == "Required value");
  CHECK_THAT(error_at(errors, "spec.labels[team]"), Catch::Contains("type string"));
  CHECK_THAT(error_at(errors, "spec.limits[cpu]"), Catch::Contains("integer or a string"));
  CHECK_THAT(error_at(errors, "spec.limits[memory]"), Catch::Contains("pattern"));
  CHECK_THAT(error_at(errors, "spec.nested.extra"), Catch::Contains("unknown field"));
  CHECK_THAT(error_at(errors, "spec.choice"), Catch::Contains("exactly one"));
  CHECK_THAT(error_at(errors, "spec.notFoo"), Catch::Contains("must not match"));
  CHECK_THAT(error_at(errors, "spec.unknown"), Catch::Contains("unknown field"));
  // name breaks maxLength and pattern at once: both are reported.
  int name_errors = 0;
  for (const ValidationError& e : errors) name_errors += e.path == "spec.name" ? 1 : 0;
  CHECK(name_errors == 2);
}

TEST_CASE("structural validation: required, null and minimums", "[openapi]") {
  const ValidationErrors errors = validate_spec("{name: a, port: 0, tags: [], mode: null}");
  INFO(sqlop::openapi::to_string(errors));
  CHECK(errors.size() == 4);
  CHECK_THAT(error_at(errors, "spec.name"), Catch::Contains("at least 2 characters"));
  CHECK_THAT(error_at(errors, "spec.port"), Catch::Contains("greater than or equal to 1"));
  CHECK_THAT(error_at(errors, "spec.tags"), Catch::Contains("at least 1 items"));
  CHECK_THAT(error_at(errors, "spec.mode"), Catch::Contains("nullable"));

  const ValidationErrors missing = validate_spec("{items: [{weight: 2}]}");
  CHECK(error_at(missing, "spec.items[0].id") == "Required value");
}

TEST_CASE("structural validation: unknown fields can be ignored, and a resource root is the apiserver's", "[openapi]") {
  const json::Value schema = yaml_value(kSchema);
  const json::Value value = yaml_value("{apiVersion: x/v1, kind: X, metadata: {name: n, whatever: 1}, spec: {name: ab, extra: 1}}");

  const ValidationErrors strict = structural::validate(schema, value);
  CHECK(strict.size() == 4);  // apiVersion, kind, metadata are not declared in kSchema

  structural::Options lenient;
  lenient.unknown_fields_are_errors = false;
  CHECK(structural::validate(schema, value, lenient).empty());

  structural::Options resource;
  resource.resource_root = true;
  const ValidationErrors as_resource = structural::validate(schema, value, resource);
  REQUIRE(as_resource.size() == 1);
  CHECK(as_resource[0].path == "spec.extra");

  structural::Options prefixed;
  prefixed.base_path = "items[2]";
  prefixed.resource_root = true;
  CHECK(structural::validate(schema, value, prefixed)[0].path == "items[2].spec.extra");
}

TEST_CASE("structural defaulting applies defaults top-down", "[openapi]") {
  const json::Value schema = yaml_value(kSchema);

  SECTION("an absent object with a default gets it, and the defaults inside it") {
    json::Value value = json::Value::object();
    structural::apply_defaults(schema, value);
    CHECK(value == yaml_value("{spec: {mode: safe, port: 8080}}"));
  }
  SECTION("explicit values are kept; absent objects without a default stay absent") {
    json::Value value = yaml_value("{spec: {name: ab, mode: fast}}");
    structural::apply_defaults(schema, value);
    CHECK(value == yaml_value("{spec: {name: ab, mode: fast, port: 8080}}"));
    CHECK(value.find_path({"spec", "nested"}) == nullptr);
  }
  SECTION("a present object gets its members' defaults; list items are defaulted") {
    json::Value value = yaml_value("{spec: {nested: {}, items: [{id: a}, {id: b, weight: 5}]}}");
    structural::apply_defaults(schema, value);
    CHECK(*value.find_path({"spec", "nested"}) == yaml_value("{level: info}"));
    CHECK(*value.find_path({"spec", "items"}) == yaml_value("[{id: a, weight: 1}, {id: b, weight: 5}]"));
  }
  SECTION("null where not nullable: replaced by the default, or removed") {
    json::Value value = yaml_value("{spec: {mode: null, enabled: null, note: null}}");
    structural::apply_defaults(schema, value);
    CHECK(value.find_path({"spec", "mode"})->as_string() == "safe");
    CHECK(value.find_path({"spec", "enabled"}) == nullptr);
    REQUIRE(value.find_path({"spec", "note"}) != nullptr);  // nullable: kept
    CHECK(value.find_path({"spec", "note"})->is_null());
  }
  SECTION("resource_root leaves apiVersion, kind and metadata alone") {
    const json::Value with_metadata_default = yaml_value(R"(
type: object
properties:
  metadata: {type: object, default: {labels: {a: b}}}
  spec: {type: object, default: {}}
)");
    json::Value value = json::Value::object();
    structural::Options resource;
    resource.resource_root = true;
    structural::apply_defaults(with_metadata_default, value, resource);
    CHECK(value == yaml_value("{spec: {}}"));
  }
}

TEST_CASE("pruning removes undeclared members and reports their paths", "[openapi]") {
  const json::Value schema = yaml_value(kSchema);
  json::Value value = yaml_value(R"(
apiVersion: x/v1
kind: X
metadata: {name: n}
spec:
  name: ab
  bogus: 1
  settings: {free: form}
  labels: {any: key}
  items: [{id: a, color: red}]
  nested: {level: info, deep: {x: 1}}
status: {}
)");
  structural::Options resource;
  resource.resource_root = true;
  const std::vector<std::string> removed = structural::prune(schema, value, resource);
  CHECK(removed == std::vector<std::string>{"spec.bogus", "spec.items[0].color", "spec.nested.deep", "status"});
  CHECK(value == yaml_value(R"(
apiVersion: x/v1
kind: X
metadata: {name: n}
spec:
  name: ab
  settings: {free: form}
  labels: {any: key}
  items: [{id: a}]
  nested: {level: info}
)"));
}

TEST_CASE("check_schema accepts a structural schema", "[openapi]") {
  const ValidationErrors errors = structural::check_schema(yaml_value(kSchema));
  INFO(sqlop::openapi::to_string(errors));
  CHECK(errors.empty());
}

TEST_CASE("check_schema reports each structural rule it enforces", "[openapi]") {
  auto check = [](const char* schema_yaml) { return structural::check_schema(yaml_value(schema_yaml)); };

  CHECK_THAT(error_at(check("{type: object, properties: {a: {description: no type}}}"), "properties.a.type"),
             Catch::Contains("needs a type"));
  CHECK(check("{type: object, properties: {a: {x-kubernetes-preserve-unknown-fields: true}}}").empty());
  CHECK(check("{type: object, properties: {a: {x-kubernetes-int-or-string: true}}}").empty());
  CHECK_THAT(error_at(check("{type: string}"), "type"), Catch::Contains("root must be of type object"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: object, properties: {}, additionalProperties: {type: string}}}}"),
                      "properties.a.additionalProperties"),
             Catch::Contains("mutually exclusive"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {$ref: '#/x'}}}"), "properties.a.$ref"),
             Catch::Contains("not allowed"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: array}}}"), "properties.a.items"),
             Catch::Contains("need items"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: strin}}}"), "properties.a.type"),
             Catch::Contains("Unsupported value"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: string, minimun: 1}}}"), "properties.a.minimun"),
             Catch::Contains("unknown field"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: string, anyOf: [{type: string}]}}}"), "properties.a.anyOf[0].type"),
             Catch::Contains("must not be set inside"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: object, allOf: [{properties: {b: {}}}]}}}"),
                      "properties.a.allOf[0].properties.b"),
             Catch::Contains("main schema"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: integer, default: x}}}"), "properties.a.default"),
             Catch::Contains("invalid default"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: object, default: {b: 1}}}}"), "properties.a.default.b"),
             Catch::Contains("invalid default"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: object, default: {}, required: [b], properties: {b: {type: string}}}}}"),
                      "properties.a.default.b"),
             Catch::Contains("Required value"));
  // Defaults are checked after their own nested defaults apply, as the apiserver does.
  CHECK(check("{type: object, properties: {a: {type: object, default: {}, required: [b], properties: {b: {type: string, default: x}}}}}")
            .empty());
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: array, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [k],"
                            " items: {type: object, properties: {k: {type: string}}}}}}"),
                      "properties.a.x-kubernetes-list-map-keys"),
             Catch::Contains("required or have a default"));
  CHECK_THAT(error_at(check("{type: object, properties: {metadata: {type: object, properties: {labels: {type: object}}}}}"),
                      "properties.metadata.properties.labels"),
             Catch::Contains("name and generateName"));
  CHECK_THAT(error_at(check("{type: object, properties: {a: {type: array, uniqueItems: true, items: {type: string}}}}"),
                      "properties.a.uniqueItems"),
             Catch::Contains("quadratic"));
}

TEST_CASE("field metadata of a structural schema", "[openapi]") {
  const json::Value schema = yaml_value(kSchema);
  const auto items = structural::field_metadata(schema, {"spec", "items"});
  REQUIRE(items);
  CHECK(items->list_type == "map");
  CHECK(items->list_map_keys == std::vector<std::string>{"id"});
  const auto weight = structural::field_metadata(schema, {"spec", "items", "weight"});
  REQUIRE(weight);
  CHECK(weight->type == "integer");
  const auto settings = structural::field_metadata(schema, {"spec", "settings"});
  REQUIRE(settings);
  CHECK(settings->preserve_unknown_fields);
  CHECK(structural::field_metadata(schema, {"spec", "settings", "free"}) == std::nullopt);
  const auto labels = structural::field_metadata(schema, {"spec", "labels"});
  REQUIRE(labels);
  CHECK(labels->is_map);
  CHECK(structural::field_metadata(schema, {"spec", "missing"}) == std::nullopt);
}
