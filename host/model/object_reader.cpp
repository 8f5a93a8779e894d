#include "host/model/object_reader.hpp"

#include <algorithm>

namespace sqlop::model {

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path(parent);
  path += '.';
  path += key;
  return path;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string key_path(std::string_view parent, std::string_view key) {
  return std::string(parent) + "[" + std::string(key) + "]";
}

std::string json_type_name(const json::Value& value) {
  switch (value.type()) {
    case json::Type::Null: return "null";
    case json::Type::Bool: return "a boolean";
    case json::Type::Int: return "an integer";
    case json::Type::Double: return "a number";
    case json::Type::String: return "a string";
    case json::Type::Array: return "a list";
    case json::Type::Object: return "an object";
  }
  return "a value";
}

ObjectReader::ObjectReader(const json::Value* object, std::string path, Diagnostics& out)
    : path_(std::move(path)), out_(out) {
  if (object == nullptr || object->is_null()) return;
  if (!object->is_object()) {
    out_.error(path_, "must be an object, not " + json_type_name(*object));
    return;
  }
  object_ = &object->as_object();
}

const json::Value* ObjectReader::member(std::string_view key) {
  read_.emplace_back(key);
  if (object_ == nullptr) return nullptr;
  const json::Value* value = object_->find(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

const json::Value* ObjectReader::typed_member(std::string_view key, json::Type type, const char* expected) {
  const json::Value* value = member(key);
  if (value == nullptr) return nullptr;
  if (value->type() != type) {
    out_.error(field(key), std::string("must be ") + expected + ", not " + json_type_name(*value));
    return nullptr;
  }
  return value;
}

std::optional<std::string> ObjectReader::string(std::string_view key) {
  const json::Value* value = typed_member(key, json::Type::String, "a string");
  if (value == nullptr) return std::nullopt;
  return value->as_string();
}

std::optional<bool> ObjectReader::boolean(std::string_view key) {
  const json::Value* value = typed_member(key, json::Type::Bool, "a boolean (true or false)");
  if (value == nullptr) return std::nullopt;
  return value->as_bool();
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key) {
  const json::Value* value = typed_member(key, json::Type::Int, "an integer");
  if (value == nullptr) return std::nullopt;
  return value->as_int();
}

const json::Value* ObjectReader::object(std::string_view key) {
  return typed_member(key, json::Type::Object, "an object");
}

const json::Value* ObjectReader::array(std::string_view key) {
  return typed_member(key, json::Type::Array, "a list");
}

const json::Value* ObjectReader::any(std::string_view key) { return member(key); }

std::optional<std::map<std::string, std::string>> ObjectReader::string_map(std::string_view key) {
  const json::Value* value = object(key);
  if (value == nullptr) return std::nullopt;
  std::map<std::string, std::string> entries;
  for (const auto& [name, entry] : value->as_object()) {
    if (!entry.is_string()) {
      out_.error(key_path(field(key), name), "must be a string, not " + json_type_name(entry));
      continue;
    }
    entries[name] = entry.as_string();
  }
  return entries;
}

std::optional<std::vector<std::string>> ObjectReader::string_list(std::string_view key) {
  const json::Value* value = array(key);
  if (value == nullptr) return std::nullopt;
  std::vector<std::string> items;
  const json::Array& array = value->as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      out_.error(index_path(field(key), i), "must be a string, not " + json_type_name(array[i]));
      continue;
    }
    items.push_back(array[i].as_string());
  }
  return items;
}

int ObjectReader::port(std::string_view key, int fallback) {
  const std::optional<std::int64_t> value = integer(key);
  if (!value) return fallback;
  if (*value < 1 || *value > 65535) {
    out_.error(field(key), "must be a port number between 1 and 65535, not " + std::to_string(*value));
    return fallback;
  }
  return static_cast<int>(*value);
}

// "known fields: a, b, c" in the order the parser reads them, which follows the documentation.
std::string ObjectReader::known_fields() const {
  std::vector<std::string> names;
  for (const std::string& name : read_) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty()) return "this object has no fields";
  std::string text = "known fields: ";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text;
}

void ObjectReader::reject_unknown_fields() {
  if (object_ == nullptr) return;
  for (const auto& member : *object_) {
    if (std::find(read_.begin(), read_.end(), member.first) == read_.end()) {
      out_.error(field(member.first), "unknown field; " + known_fields());
    }
  }
}

}  // namespace sqlop::model
