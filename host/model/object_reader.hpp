// Reading one JSON object of a manifest member by member: each read checks the member's type and reports a
// mismatch at the member's field path; members no read asked for are reported as unknown fields.
// Internal to host/model (the parse step); not part of the model's interface.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/model/field_error.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::model {

// "spec.a" + "b" -> "spec.a.b"; "" + "spec" -> "spec".
std::string child_path(std::string_view parent, std::string_view key);
// "spec.list" + 2 -> "spec.list[2]".
std::string index_path(std::string_view parent, std::size_t index);
// "metadata.labels" + "app" -> "metadata.labels[app]" (map entries, as the apiserver writes them).
std::string key_path(std::string_view parent, std::string_view key);
// "a string", "an integer", ... for "must be X, not Y" messages.
std::string json_type_name(const json::Value& value);

// Members whose value is null count as absent: the apiserver drops nulls of non-nullable fields before
// validation, and YAML writes an empty mapping value ("storage:") as null.
// Borrows `object` and `out`; both must outlive the reader.
class ObjectReader {
 public:
  // `object` may be null or a null value (absent: every read finds nothing); any other non-object is reported.
  ObjectReader(const json::Value* object, std::string path, Diagnostics& out);

  bool present() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string field(std::string_view key) const { return child_path(path_, key); }
  Diagnostics& diagnostics() const { return out_; }

  // Each returns nothing when the member is absent or has the wrong type (the latter is reported).
  std::optional<std::string> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key);
  const json::Value* object(std::string_view key);
  const json::Value* array(std::string_view key);
  const json::Value* any(std::string_view key);  // no type check: free-form members
  // A map of string to string (labels, annotations); entries of another type are reported and skipped.
  std::optional<std::map<std::string, std::string>> string_map(std::string_view key);
  // A list of strings; items of another type are reported and skipped.
  std::optional<std::vector<std::string>> string_list(std::string_view key);
  // An integer port 1-65535, or `fallback` when absent or invalid (invalid is reported).
  int port(std::string_view key, int fallback);

  // Reports every member no read asked for as an unknown field. Call once, after the last read.
  void reject_unknown_fields();

 private:
  const json::Value* member(std::string_view key);
  std::string known_fields() const;
  const json::Value* typed_member(std::string_view key, json::Type type, const char* expected);

  const json::Object* object_ = nullptr;
  std::string path_;
  Diagnostics& out_;
  std::vector<std::string> read_;
};

}  // namespace sqlop::model
