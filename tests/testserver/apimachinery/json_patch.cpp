// JSON patch (RFC 6902) with the behaviour and messages of evanphx/json-patch v4, the library the apiserver
// applies application/json-patch+json with. See patch.hpp.
#include <cerrno>
#include <cstdlib>

#include "apimachinery/patch.hpp"

namespace sqlop::apimachinery {
namespace {

constexpr std::size_t kMaxOperations = 10000;  // apiserver maxJSONPatchOperations

// Go's strconv.Atoi: optional sign and decimal digits (leading zeros allowed).
bool atoi(const std::string& s, long long& out) {
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i >= s.size()) return false;
  for (std::size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  errno = 0;
  out = std::strtoll(s.c_str(), nullptr, 10);
  return errno == 0;
}

std::string atoi_error(const std::string& s) {
  return "strconv.Atoi: parsing \"" + s + "\": invalid syntax";
}

// RFC 6901: "~1" -> "/", then "~0" -> "~" (one pass, as strings.NewReplacer does).
std::string decode_key(const std::string& k) {
  std::string out;
  for (std::size_t i = 0; i < k.size(); ++i) {
    if (k[i] == '~' && i + 1 < k.size() && (k[i + 1] == '1' || k[i + 1] == '0')) {
      out += k[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += k[i];
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

// An array index as the library resolves it for get/set/remove (negative indices count from the end).
bool resolve_index(const json::Array& array, const std::string& key, std::size_t& index, std::string& error) {
  long long idx = 0;
  if (!atoi(key, idx)) {
    error = atoi_error(key);
    return false;
  }
  const long long size = static_cast<long long>(array.size());
  const long long original = idx;
  if (idx < 0) {
    if (idx < -size) {
      error = "Unable to access invalid index: " + std::to_string(original) + ": invalid index referenced";
      return false;
    }
    idx += size;
  }
  if (idx >= size) {
    error = "Unable to access invalid index: " + std::to_string(idx) + ": invalid index referenced";
    return false;
  }
  index = static_cast<std::size_t>(idx);
  return true;
}

// The container holding the last path segment (findObject): nullptr when any step is missing or a scalar.
json::Value* find_container(json::Value& doc, const std::string& path, std::string& key) {
  const std::vector<std::string> parts = split(path);
  if (parts.size() < 2) return nullptr;
  json::Value* current = &doc;
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    const std::string part = decode_key(parts[i]);
    json::Value* next = nullptr;
    if (current->is_object()) {
      next = current->find(part);
    } else if (current->is_array()) {
      std::size_t index = 0;
      std::string ignored;
      if (resolve_index(current->as_array(), part, index, ignored)) next = &current->as_array()[index];
    }
    if (!next || !(next->is_object() || next->is_array())) return nullptr;
    current = next;
  }
  key = decode_key(parts.back());
  return current;
}

// get: objects answer a missing key with "no value" (not an error); arrays check the index.
bool container_get(json::Value& container, const std::string& key, json::Value*& out, std::string& error) {
  if (container.is_object()) {
    out = container.find(key);
    return true;
  }
  std::size_t index = 0;
  if (!resolve_index(container.as_array(), key, index, error)) return false;
  out = &container.as_array()[index];
  return true;
}

bool container_add(json::Value& container, const std::string& key, json::Value value, std::string& error) {
  if (container.is_object()) {
    container.as_object().set(key, std::move(value));
    return true;
  }
  json::Array& array = container.as_array();
  if (key == "-") {
    array.push_back(std::move(value));
    return true;
  }
  long long idx = 0;
  if (!atoi(key, idx)) {
    error = "value was not a proper array index: '" + key + "': " + atoi_error(key);
    return false;
  }
  const long long size = static_cast<long long>(array.size()) + 1;
  if (idx >= size || idx < -size) {
    error = "Unable to access invalid index: " + std::to_string(idx) + ": invalid index referenced";
    return false;
  }
  if (idx < 0) idx += size;
  array.insert(array.begin() + idx, std::move(value));
  return true;
}

bool container_remove(json::Value& container, const std::string& key, std::string& error) {
  if (container.is_object()) {
    if (!container.as_object().erase(key)) {
      error = "Unable to remove nonexistent key: " + key + ": missing value";
      return false;
    }
    return true;
  }
  json::Array& array = container.as_array();
  long long idx = 0;
  if (!atoi(key, idx)) {
    error = atoi_error(key);
    return false;
  }
  const long long size = static_cast<long long>(array.size());
  if (idx >= size || idx < -size) {
    error = "Unable to access invalid index: " + std::to_string(idx) + ": invalid index referenced";
    return false;
  }
  if (idx < 0) idx += size;
  array.erase(array.begin() + idx);
  return true;
}

// Scalars compare as the library compares raw JSON (an integer never equals a float); containers by value.
bool strict_equal(const json::Value& a, const json::Value& b) {
  if (a.is_number() && b.is_number()) return a.is_int() == b.is_int() && a == b;
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    const json::Array& x = a.as_array();
    const json::Array& y = b.as_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!strict_equal(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.as_object().size() != b.as_object().size()) return false;
    for (const auto& [key, value] : a.as_object()) {
      const json::Value* other = b.find(key);
      if (!other || !strict_equal(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

struct Operation {
  const json::Value& raw;
  std::string kind() const {
    const json::Value* op = raw.find("op");
    return op && op->is_string() ? op->as_string() : "unknown";
  }
  // The "path" (or "from") member; nullopt when missing or not a string.
  std::optional<std::string> member(const char* name) const {
    const json::Value* v = raw.find(name);
    if (!v || !v->is_string()) return std::nullopt;
    return v->as_string();
  }
  // The value; absent and null both read as null.
  json::Value value() const {
    const json::Value* v = raw.find("value");
    return v ? *v : json::Value();
  }
  bool has_value() const {
    const json::Value* v = raw.find("value");
    return v && !v->is_null();
  }
};

using Outcome = std::optional<std::string>;  // the error text, or nothing

Outcome op_add(json::Value& doc, const Operation& op) {
  const auto path = op.member("path");
  if (!path) return std::string("add operation failed to decode path: missing value");
  std::string key;
  json::Value* container = find_container(doc, *path, key);
  if (!container) return "add operation does not apply: doc is missing path: \"" + *path + "\": missing value";
  std::string error;
  if (!container_add(*container, key, op.value(), error)) return "error in add for path: '" + *path + "': " + error;
  return std::nullopt;
}

Outcome op_remove(json::Value& doc, const Operation& op) {
  const auto path = op.member("path");
  if (!path) return std::string("remove operation failed to decode path: missing value");
  std::string key;
  json::Value* container = find_container(doc, *path, key);
  if (!container) return "remove operation does not apply: doc is missing path: \"" + *path + "\": missing value";
  std::string error;
  if (!container_remove(*container, key, error)) return "error in remove for path: '" + *path + "': " + error;
  return std::nullopt;
}

Outcome op_replace(json::Value& doc, const Operation& op) {
  const auto path = op.member("path");
  if (!path) return std::string("replace operation failed to decode path: missing value");
  if (path->empty()) {
    // The whole document; a scalar value is silently ignored by the library.
    json::Value value = op.value();
    if (value.is_object() || value.is_array()) doc = std::move(value);
    return std::nullopt;
  }
  std::string key;
  json::Value* container = find_container(doc, *path, key);
  if (!container) return "replace operation does not apply: doc is missing path: " + *path + ": missing value";
  json::Value* existing = nullptr;
  std::string error;
  if (!container_get(*container, key, existing, error)) {
    return "replace operation does not apply: doc is missing key: " + *path + ": missing value";
  }
  if (container->is_object()) {
    container->as_object().set(key, op.value());  // a missing key is added: the library does not check
  } else {
    *existing = op.value();
  }
  return std::nullopt;
}

Outcome op_move(json::Value& doc, const Operation& op) {
  const auto from = op.member("from");
  if (!from) return std::string("move operation failed to decode from: missing value");
  std::string from_key;
  json::Value* source = find_container(doc, *from, from_key);
  if (!source) return "move operation does not apply: doc is missing from path: " + *from + ": missing value";
  json::Value* found = nullptr;
  std::string error;
  if (!container_get(*source, from_key, found, error)) return "error in move for path: '" + from_key + "': " + error;
  json::Value moved = found ? *found : json::Value();
  if (!container_remove(*source, from_key, error)) return "error in move for path: '" + from_key + "': " + error;
  const auto path = op.member("path");
  if (!path) return std::string("move operation failed to decode path: missing value");
  std::string key;
  json::Value* target = find_container(doc, *path, key);
  if (!target) return "move operation does not apply: doc is missing destination path: " + *path + ": missing value";
  if (!container_add(*target, key, std::move(moved), error)) return "error in move for path: '" + *path + "': " + error;
  return std::nullopt;
}

Outcome op_test(json::Value& doc, const Operation& op) {
  const auto path = op.member("path");
  if (!path) return std::string("test operation failed to decode path: missing value");
  if (path->empty()) {
    if (strict_equal(doc, op.value())) return std::nullopt;
    return "testing value " + *path + " failed: test failed";
  }
  std::string key;
  json::Value* container = find_container(doc, *path, key);
  if (!container) return "test operation does not apply: is missing path: " + *path + ": missing value";
  json::Value* found = nullptr;
  std::string error;
  if (!container_get(*container, key, found, error)) return "error in test for path: '" + *path + "': " + error;
  if (!found || found->is_null()) {
    if (!op.has_value()) return std::nullopt;
    return "testing value " + *path + " failed: test failed";
  }
  if (!op.raw.find("value")) return "testing value " + *path + " failed: test failed";
  if (strict_equal(*found, op.value())) return std::nullopt;
  return "testing value " + *path + " failed: test failed";
}

Outcome op_copy(json::Value& doc, const Operation& op) {
  const auto from = op.member("from");
  if (!from) return std::string("copy operation failed to decode from: missing value");
  std::string from_key;
  json::Value* source = find_container(doc, *from, from_key);
  if (!source) return "copy operation does not apply: doc is missing from path: " + *from + ": missing value";
  json::Value* found = nullptr;
  std::string error;
  if (!container_get(*source, from_key, found, error)) return "error in copy for from: '" + *from + "': " + error;
  json::Value copied = found ? *found : json::Value();
  const auto path = op.member("path");
  if (!path) return std::string("copy operation failed to decode path: missing value");
  std::string key;
  json::Value* target = find_container(doc, *path, key);
  if (!target) return "copy operation does not apply: doc is missing destination path: " + *path + ": missing value";
  if (!container_add(*target, key, std::move(copied), error)) return "error while adding value during copy: " + error;
  return std::nullopt;
}

std::string go_type_of(const json::Value& v) {
  switch (v.type()) {
    case json::Type::Object: return "object";
    case json::Type::Array: return "array";
    case json::Type::String: return "string";
    case json::Type::Bool: return "bool";
    case json::Type::Null: return "null";
    default: return "number";
  }
}

}  // namespace

Result<json::Value> apply_json_patch(const json::Value& target, const json::Value& patch) {
  if (patch.is_null()) return target;  // a JSON null decodes to an empty patch
  if (!patch.is_array()) {
    return bad_request("json: cannot unmarshal " + go_type_of(patch) + " into Go value of type jsonpatch.Patch");
  }
  for (const json::Value& op : patch.as_array()) {
    if (!op.is_object() && !op.is_null()) {
      return bad_request("json: cannot unmarshal " + go_type_of(op) + " into Go value of type jsonpatch.Operation");
    }
  }
  if (patch.as_array().size() > kMaxOperations) {
    Error e;
    e.code = 413;
    e.reason = "RequestEntityTooLarge";
    e.message = "Request entity too large: The allowed maximum operations in a JSON patch is " +
                std::to_string(kMaxOperations) + ", got " + std::to_string(patch.as_array().size());
    return e;
  }
  json::Value doc = target;
  static const json::Value kNoOperation = json::Value::object();
  for (const json::Value& raw : patch.as_array()) {
    const Operation op{raw.is_null() ? kNoOperation : raw};
    const std::string kind = op.kind();
    Outcome outcome;
    if (kind == "add") outcome = op_add(doc, op);
    else if (kind == "remove") outcome = op_remove(doc, op);
    else if (kind == "replace") outcome = op_replace(doc, op);
    else if (kind == "move") outcome = op_move(doc, op);
    else if (kind == "test") outcome = op_test(doc, op);
    else if (kind == "copy") outcome = op_copy(doc, op);
    else outcome = "Unexpected kind: " + kind;
    if (outcome) return unprocessable(*outcome);
  }
  return doc;
}

}  // namespace sqlop::apimachinery
