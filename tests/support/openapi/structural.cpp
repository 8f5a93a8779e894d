// Validation, defaulting, pruning and field metadata for CRD structural schemas. check_schema lives in
// structural_check.cpp.
#include "openapi/structural.hpp"

#include "openapi/schema_walk.hpp"

namespace sqlop::openapi::structural {
namespace {

bool is_resource_member(std::string_view key) { return key == "apiVersion" || key == "kind" || key == "metadata"; }

const json::Value* declared_property(const json::Value& schema, std::string_view key) {
  const json::Value* properties = schema.find("properties");
  return properties ? properties->find(key) : nullptr;
}

const json::Value* map_value_schema(const json::Value& schema) {
  const json::Value* additional = schema.find("additionalProperties");
  return additional && additional->is_object() ? additional : nullptr;
}

bool allows_any_member(const json::Value& schema) {
  const json::Value* additional = schema.find("additionalProperties");
  return schema.get_bool("x-kubernetes-preserve-unknown-fields", false) ||
         (additional && (additional->is_object() || (additional->is_bool() && additional->as_bool())));
}

// Null where the schema is not nullable: the default, or removal. Returns false when the member was removed.
bool replace_null(const json::Value& member_schema, json::Object& members, const std::string& key) {
  json::Value* member = members.find(key);
  if (!member || !member->is_null() || member_schema.get_bool("nullable", false)) return true;
  if (const json::Value* fallback = member_schema.find("default")) {
    *member = *fallback;
    return true;
  }
  members.erase(key);
  return false;
}

void default_node(const json::Value& schema, json::Value& value, bool skip_resource_members) {
  if (value.is_array()) {
    const json::Value* items = schema.find("items");
    if (!items || !items->is_object()) return;
    for (json::Value& item : value.as_array()) default_node(*items, item, false);
    return;
  }
  if (!value.is_object()) return;
  json::Object& members = value.as_object();
  const json::Value* properties = schema.find("properties");
  if (properties && properties->is_object()) {
    for (const auto& [key, property] : properties->as_object()) {
      if (skip_resource_members && is_resource_member(key)) continue;
      if (!replace_null(property, members, key)) continue;
      const json::Value* fallback = property.find("default");
      if (fallback && !members.contains(key)) members.set(key, *fallback);
    }
  }
  const json::Value* map_values = map_value_schema(schema);
  std::vector<std::string> keys;
  for (const auto& member : members) keys.push_back(member.first);
  for (const std::string& key : keys) {
    if (skip_resource_members && is_resource_member(key)) continue;
    if (const json::Value* property = declared_property(schema, key)) {
      default_node(*property, members[key], false);
    } else if (map_values && replace_null(*map_values, members, key)) {
      default_node(*map_values, members[key], false);
    }
  }
}

void prune_node(const json::Value& schema, json::Value& value, const std::string& path, bool skip_resource_members,
                std::vector<std::string>& removed) {
  if (value.is_array()) {
    const json::Value* items = schema.find("items");
    if (!items || !items->is_object()) return;
    json::Array& elements = value.as_array();
    for (std::size_t i = 0; i < elements.size(); ++i) prune_node(*items, elements[i], detail::index_path(path, i), false, removed);
    return;
  }
  if (!value.is_object()) return;
  const bool embedded = skip_resource_members || schema.get_bool("x-kubernetes-embedded-resource", false);
  const bool keep_unknown = allows_any_member(schema);
  const json::Value* map_values = map_value_schema(schema);
  json::Object& members = value.as_object();
  std::vector<std::string> unknown;
  for (auto& [key, member] : members) {
    if (embedded && is_resource_member(key)) continue;
    if (const json::Value* property = declared_property(schema, key)) {
      prune_node(*property, member, detail::member_path(path, key), false, removed);
    } else if (map_values) {
      prune_node(*map_values, member, detail::key_path(path, key), false, removed);
    } else if (!keep_unknown) {
      unknown.push_back(key);
      removed.push_back(detail::member_path(path, key));
    }
  }
  for (const std::string& key : unknown) members.erase(key);
}

}  // namespace

ValidationErrors validate(const json::Value& schema, const json::Value& value, const Options& options) {
  ValidationErrors errors;
  detail::WalkOptions walk;
  walk.dialect = detail::Dialect::Structural;
  walk.unknown_fields_are_errors = options.unknown_fields_are_errors;
  walk.resource_root = options.resource_root;
  detail::validate_value(detail::view_of(schema, nullptr), value, options.base_path, walk, nullptr, errors);
  return errors;
}

void apply_defaults(const json::Value& schema, json::Value& value, const Options& options) {
  default_node(schema, value, options.resource_root);
}

std::vector<std::string> prune(const json::Value& schema, json::Value& value, const Options& options) {
  std::vector<std::string> removed;
  prune_node(schema, value, options.base_path, options.resource_root, removed);
  return removed;
}

std::optional<FieldMetadata> field_metadata(const json::Value& schema, const FieldPath& path) {
  return detail::lookup_field(detail::view_of(schema, nullptr), path, nullptr);
}

}  // namespace sqlop::openapi::structural
