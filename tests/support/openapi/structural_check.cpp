// structural::check_schema: the rules an apiextensions.k8s.io/v1 schema must follow to be accepted.
#include <algorithm>
#include <array>

#include "openapi/schema_walk.hpp"
#include "openapi/structural.hpp"

namespace sqlop::openapi::structural {
namespace {

using detail::index_path;
using detail::member_path;

// The members of apiextensions.k8s.io/v1 JSONSchemaProps.
constexpr std::array<std::string_view, 43> kKnownKeywords = {
    "$ref", "$schema", "additionalItems", "additionalProperties", "allOf", "anyOf", "default", "definitions",
    "dependencies", "description", "enum", "example", "exclusiveMaximum", "exclusiveMinimum", "externalDocs", "format",
    "id", "items", "maxItems", "maxLength", "maxProperties", "maximum", "minItems", "minLength", "minProperties",
    "minimum", "multipleOf", "not", "nullable", "oneOf", "pattern", "patternProperties", "properties", "required",
    "title", "type", "uniqueItems", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
    "x-kubernetes-preserve-unknown-fields"};
// JSON-Schema members a structural schema cannot use (no references, no schema-level indirection).
constexpr std::array<std::string_view, 7> kForbiddenKeywords = {
    "$ref", "$schema", "id", "definitions", "dependencies", "patternProperties", "additionalItems"};
// Members that only the main schema may set, never an allOf/anyOf/oneOf/not branch.
constexpr std::array<std::string_view, 5> kMainOnlyKeywords = {"description", "type", "default", "additionalProperties",
                                                              "nullable"};
constexpr std::array<std::string_view, 6> kTypes = {"object", "array", "string", "integer", "number", "boolean"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

bool is_known(std::string_view key) { return contains(kKnownKeywords, key) || key == "x-kubernetes-validations"; }

enum class Place { Root, Field, Branch };

class SchemaChecker {
 public:
  explicit SchemaChecker(ValidationErrors& out) : out_(out) {}

  void node(const json::Value& schema, const std::string& path, Place place, const json::Value* main) {
    if (!schema.is_object()) return error(path, "must be a schema object");
    keywords(schema, path);
    if (place == Place::Branch) {
      branch(schema, path, main);
    } else {
      main_node(schema, path, place == Place::Root);
    }
    children(schema, path, place, main);
  }

 private:
  void error(const std::string& path, std::string message) { out_.push_back({path, std::move(message)}); }

  void keywords(const json::Value& schema, const std::string& path) {
    for (const auto& [key, value] : schema.as_object()) {
      if (contains(kForbiddenKeywords, key)) {
        error(member_path(path, key), "is not allowed in a structural schema");
      } else if (!is_known(key)) {
        error(member_path(path, key), "unknown field (not a JSONSchemaProps member)");
      }
    }
    if (const json::Value* type = schema.find("type");
        type && (!type->is_string() || !contains(kTypes, type->as_string()))) {
      error(member_path(path, "type"), "Unsupported value: supported values: \"array\", \"boolean\", \"integer\", "
                                       "\"number\", \"object\", \"string\"");
    }
    if (schema.get_bool("uniqueItems", false)) {
      error(member_path(path, "uniqueItems"), "cannot be true (the runtime cost is quadratic)");
    }
    const std::string list_type = schema.get_string("x-kubernetes-list-type");
    if ((schema.find("x-kubernetes-list-type") != nullptr) && list_type != "atomic" && list_type != "set" && list_type != "map") {
      error(member_path(path, "x-kubernetes-list-type"), "Unsupported value: supported values: \"atomic\", \"set\", \"map\"");
    }
    const std::string map_type = schema.get_string("x-kubernetes-map-type");
    if ((schema.find("x-kubernetes-map-type") != nullptr) && map_type != "atomic" && map_type != "granular") {
      error(member_path(path, "x-kubernetes-map-type"), "Unsupported value: supported values: \"atomic\", \"granular\"");
    }
  }

  void main_node(const json::Value& schema, const std::string& path, bool is_root) {
    const std::string type = schema.get_string("type");
    const bool int_or_string = schema.get_bool("x-kubernetes-int-or-string", false);
    const bool preserve = schema.get_bool("x-kubernetes-preserve-unknown-fields", false);
    if (type.empty() && !int_or_string && !preserve) {
      error(member_path(path, "type"), "Required value: every node needs a type, except x-kubernetes-int-or-string "
                                       "and x-kubernetes-preserve-unknown-fields nodes");
    }
    if (is_root && type != "object") error(member_path(path, "type"), "the root must be of type object");
    if (int_or_string && !type.empty()) {
      error(member_path(path, "type"), "must be empty when x-kubernetes-int-or-string is true");
    }
    if ((schema.find("properties") != nullptr) && (schema.find("additionalProperties") != nullptr)) {
      error(member_path(path, "additionalProperties"), "properties and additionalProperties are mutually exclusive");
    }
    if (const json::Value* additional = schema.find("additionalProperties"); additional && additional->is_bool() &&
                                                                              !additional->as_bool()) {
      error(member_path(path, "additionalProperties"), "cannot be false");
    }
    if (type == "array" && !(schema.find("items") != nullptr)) error(member_path(path, "items"), "Required value: arrays need items");
    list_map(schema, path);
    if (is_root) root_metadata(schema, path);
    if (const json::Value* fallback = schema.find("default")) default_value(schema, *fallback, path);
  }

  void list_map(const json::Value& schema, const std::string& path) {
    const json::Value* keys = schema.find("x-kubernetes-list-map-keys");
    const bool is_map = schema.get_string("x-kubernetes-list-type") == "map";
    if (keys && !is_map) error(member_path(path, "x-kubernetes-list-map-keys"), "requires x-kubernetes-list-type map");
    if (!is_map) return;
    if (!keys || !keys->is_array() || keys->as_array().empty()) {
      return error(member_path(path, "x-kubernetes-list-map-keys"), "Required value: a list map needs its keys");
    }
    const json::Value* items = schema.find("items");
    if (!items || items->get_string("type") != "object") {
      return error(member_path(path, "items.type"), "must be object for x-kubernetes-list-type map");
    }
    const json::Value* required = items->find("required");
    for (const json::Value& key : keys->as_array()) {
      const std::string name = key.is_string() ? key.as_string() : std::string();
      const json::Value* property = items->find_path({"properties", name});
      if (!property) {
        error(member_path(path, "x-kubernetes-list-map-keys"), "names " + name + ", which the items do not declare");
        continue;
      }
      const bool is_required = required && required->is_array() &&
                               std::find(required->as_array().begin(), required->as_array().end(), key) !=
                                   required->as_array().end();
      if (!is_required && !(property->find("default") != nullptr)) {
        error(member_path(path, "x-kubernetes-list-map-keys"), "key " + name + " must be required or have a default");
      }
    }
  }

  void root_metadata(const json::Value& schema, const std::string& path) {
    const json::Value* metadata = schema.find_path({"properties", "metadata"});
    if (!metadata || !metadata->is_object()) return;
    const std::string at = member_path(path, "properties.metadata");
    for (const auto& [key, value] : metadata->as_object()) {
      if (key != "type" && key != "properties" && key != "description") {
        error(member_path(at, key), "root metadata may only restrict name and generateName");
      }
    }
    if (const json::Value* properties = metadata->find("properties"); properties && properties->is_object()) {
      for (const auto& [key, value] : properties->as_object()) {
        if (key != "name" && key != "generateName") {
          error(member_path(at, "properties." + key), "root metadata may only restrict name and generateName");
        }
      }
    }
  }

  // A default must be valid once the defaults nested inside its node have been applied to it.
  void default_value(const json::Value& schema, const json::Value& fallback, const std::string& path) {
    json::Value defaulted = fallback;
    apply_defaults(schema, defaulted);
    Options strict;
    strict.base_path = member_path(path, "default");
    for (const ValidationError& e : validate(schema, defaulted, strict)) error(e.path, "invalid default: " + e.message);
  }

  void branch(const json::Value& schema, const std::string& path, const json::Value* main) {
    // x-kubernetes-int-or-string nodes may spell out their two types: anyOf: [{type: integer}, {type: string}].
    const bool int_or_string = main && main->get_bool("x-kubernetes-int-or-string", false);
    for (const auto& [key, value] : schema.as_object()) {
      const bool int_or_string_type =
          int_or_string && key == "type" && value.is_string() && (value.as_string() == "integer" || value.as_string() == "string");
      if (int_or_string_type) continue;
      if (contains(kMainOnlyKeywords, key) || key.rfind("x-kubernetes-", 0) == 0) {
        error(member_path(path, key), "must not be set inside allOf, anyOf, oneOf or not");
      }
    }
    const json::Value* properties = schema.find("properties");
    if (!properties || !properties->is_object()) return;
    for (const auto& [key, value] : properties->as_object()) {
      if (!main || !main->find_path({"properties", key})) {
        error(member_path(path, "properties." + key), "must also be declared in the main schema");
      }
    }
  }

  void children(const json::Value& schema, const std::string& path, Place place, const json::Value* main) {
    const Place child_place = place == Place::Branch ? Place::Branch : Place::Field;
    if (const json::Value* properties = schema.find("properties"); properties && properties->is_object()) {
      for (const auto& [key, value] : properties->as_object()) {
        const json::Value* main_child = place == Place::Branch ? (main ? main->find_path({"properties", key}) : nullptr) : nullptr;
        node(value, member_path(path, "properties." + key), child_place, main_child);
      }
    }
    if (const json::Value* additional = schema.find("additionalProperties"); additional && additional->is_object()) {
      node(*additional, member_path(path, "additionalProperties"), child_place, main ? main->find("additionalProperties") : nullptr);
    }
    if (const json::Value* items = schema.find("items")) {
      if (items->is_array()) {
        error(member_path(path, "items"), "must be a single schema, not a list of schemas");
      } else {
        node(*items, member_path(path, "items"), child_place, main ? main->find("items") : nullptr);
      }
    }
    const json::Value* branch_main = place == Place::Branch ? main : &schema;
    for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
      const json::Value* list = schema.find(combinator);
      if (!list || !list->is_array()) continue;
      for (std::size_t i = 0; i < list->as_array().size(); ++i) {
        node(list->as_array()[i], index_path(member_path(path, combinator), i), Place::Branch, branch_main);
      }
    }
    if (const json::Value* negated = schema.find("not")) node(*negated, member_path(path, "not"), Place::Branch, branch_main);
  }

  ValidationErrors& out_;
};

}  // namespace

ValidationErrors check_schema(const json::Value& schema) {
  ValidationErrors errors;
  SchemaChecker(errors).node(schema, "", Place::Root, nullptr);
  return errors;
}

}  // namespace sqlop::openapi::structural
