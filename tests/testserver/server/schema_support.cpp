#include "server/schema_support.hpp"

#include <algorithm>

#include "openapi/structural.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;
namespace openapi = sqlop::openapi;

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Messages of the validator that mean "Go could not decode this value" for a typed kind.
bool is_decode_message(const std::string& m) {
  return starts_with(m, "must be of type") || starts_with(m, "must be an integer or a string") ||
         starts_with(m, "must fit in 32 bits") || starts_with(m, "must be a quantity") ||
         starts_with(m, "must be an RFC 3339") || starts_with(m, "must be base64");
}

Cause cause_of(const openapi::ValidationError& e) {
  std::string reason = "FieldValueInvalid";
  std::string message = e.message;
  if (starts_with(e.message, "Required value")) {
    reason = "FieldValueRequired";
  } else if (starts_with(e.message, "Unsupported value")) {
    reason = "FieldValueNotSupported";
  } else if (starts_with(e.message, "Duplicate value")) {
    reason = "FieldValueDuplicate";
  } else if (!starts_with(e.message, "Invalid value")) {
    message = "Invalid value: " + e.message;
  }
  return {reason, message, e.path};
}

struct PathStep {
  std::string key;
  bool index = false;
  std::size_t position = 0;
};

std::vector<PathStep> split_field_path(const std::string& path) {
  std::vector<PathStep> steps;
  std::string cur;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (!cur.empty()) steps.push_back({cur});
      cur.clear();
    } else if (c == '[') {
      if (!cur.empty()) steps.push_back({cur});
      cur.clear();
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) return {};
      const std::string inner = path.substr(i + 1, close - i - 1);
      const bool digits = !inner.empty() && std::all_of(inner.begin(), inner.end(), ::isdigit);
      PathStep step{inner};
      if (digits) {
        step.index = true;
        step.position = static_cast<std::size_t>(std::stoul(inner));
      }
      steps.push_back(step);
      i = close;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) steps.push_back({cur});
  return steps;
}

apimachinery::FieldSchema to_field_schema(const std::optional<openapi::FieldMetadata>& m) {
  apimachinery::FieldSchema s;
  if (!m) return s;
  s.patch_strategy = m->patch_strategy;
  s.patch_merge_key = m->patch_merge_key;
  s.list_type = m->list_type;
  s.list_map_keys = m->list_map_keys;
  s.map_type = m->map_type;
  return s;
}

constexpr const char* kObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

}  // namespace

bool remove_field_path(json::Value& object, const std::string& path) {
  const std::vector<PathStep> steps = split_field_path(path);
  if (steps.empty()) return false;
  json::Value* cur = &object;
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
    const PathStep& s = steps[i];
    if (s.index && cur->is_array()) {
      if (s.position >= cur->as_array().size()) return false;
      cur = &cur->as_array()[s.position];
    } else {
      cur = cur->find(s.key);
      if (!cur) return false;
    }
  }
  return cur->is_object() && cur->as_object().erase(steps.back().key);
}

std::unique_ptr<SchemaSupport> SchemaSupport::load(const std::string& openapi_dir, std::string* error) {
  openapi::SchemaSet::LoadResult loaded = openapi::SchemaSet::load_directory(openapi_dir);
  if (!loaded.schemas) {
    if (error) *error = loaded.error;
    return nullptr;
  }
  return std::unique_ptr<SchemaSupport>(new SchemaSupport(std::move(*loaded.schemas)));
}

SchemaFindings SchemaSupport::check_builtin(json::Value& object) const {
  SchemaFindings findings;
  const openapi::ValidationErrors errors = builtins_.validate(object, {true});
  std::vector<std::string> decode_problems;
  for (const auto& e : errors) {
    if (starts_with(e.message, "unknown field")) {
      findings.unknown_fields.push_back(e.path);
    } else if (is_decode_message(e.message)) {
      decode_problems.push_back(e.path + ": " + e.message);
    } else {
      findings.invalid.push_back(cause_of(e));
    }
  }
  if (!decode_problems.empty()) {
    std::string text;
    for (const auto& p : decode_problems) text += (text.empty() ? "" : ", ") + p;
    findings.decode_error = bad_request(object.get_string("kind") + " in version \"" +
                                        object.get_string("apiVersion") + "\" cannot be handled as a " +
                                        object.get_string("kind") + ": " + text);
  }
  for (const auto& path : findings.unknown_fields) remove_field_path(object, path);
  return findings;
}

std::vector<std::string> SchemaSupport::prune_custom(const ResourceInfo& info, json::Value& object) const {
  std::vector<std::string> removed;
  if (!info.crd) return removed;
  removed = openapi::prune_custom_resource(*info.crd, object);
  // metadata is checked against ObjectMeta, as the apiserver decodes it into a typed ObjectMeta.
  if (json::Value* meta = object.find("metadata")) {
    for (const auto& e : builtins_.validate_as(kObjectMeta, *meta, "metadata", {true})) {
      if (starts_with(e.message, "unknown field")) {
        removed.push_back(e.path);
        remove_field_path(object, e.path);
      }
    }
  }
  return removed;
}

void SchemaSupport::default_custom(const ResourceInfo& info, json::Value& object) const {
  if (info.crd) openapi::default_custom_resource(*info.crd, object);
}

SchemaFindings SchemaSupport::check_custom(const ResourceInfo& info, json::Value& object) const {
  SchemaFindings findings;
  if (!info.crd) return findings;
  findings.unknown_fields = prune_custom(info, object);
  default_custom(info, object);
  for (const auto& e : openapi::validate_custom_resource(*info.crd, object, &builtins_, {false})) {
    if (starts_with(e.message, "unknown field")) continue;
    findings.invalid.push_back(cause_of(e));
  }
  return findings;
}

apimachinery::SchemaLookup SchemaSupport::lookup_for(const ResourceInfo& info) const {
  const openapi::SchemaSet* builtins = &builtins_;
  if (info.builtin) {
    const openapi::GroupVersionKind gvk{info.group, info.version, info.kind};
    return [builtins, gvk](const std::vector<std::string>& path) {
      return to_field_schema(builtins->field_metadata(gvk, path));
    };
  }
  const std::shared_ptr<const openapi::CustomResourceDefinition> crd = info.crd;
  const std::string version = info.version;
  return [builtins, crd, version](const std::vector<std::string>& path) {
    if (!path.empty() && path.front() == "metadata") {
      return to_field_schema(builtins->field_metadata_in(kObjectMeta, {path.begin() + 1, path.end()}));
    }
    if (!crd) return apimachinery::FieldSchema{};
    const openapi::CrdVersion* v = crd->version(version);
    if (!v || !v->schema.is_object()) return apimachinery::FieldSchema{};
    return to_field_schema(openapi::structural::field_metadata(v->schema, path));
  };
}

SchemaSupport::CrdCheck SchemaSupport::check_crd(const json::Value& object) const {
  CrdCheck check;
  openapi::CrdParseResult parsed = openapi::parse_crd(object, &builtins_);
  if (parsed.crd) {
    check.crd = std::make_shared<const openapi::CustomResourceDefinition>(std::move(*parsed.crd));
    return check;
  }
  for (const auto& e : parsed.errors) check.causes.push_back(cause_of(e));
  if (check.causes.empty()) check.causes.push_back({"FieldValueInvalid", "Invalid value: invalid definition", "spec"});
  return check;
}

}  // namespace sqlop::testserver
