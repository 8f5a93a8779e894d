// JSON merge patch (RFC 7386) as the apiserver applies it (evanphx/json-patch v4 MergePatch). See patch.hpp.
#include "apimachinery/patch.hpp"

namespace sqlop::apimachinery {
namespace {

// Members that are null are dropped from objects, recursively (arrays keep their null elements but their
// objects are pruned).
void prune_nulls(json::Value& value) {
  if (value.is_object()) {
    json::Object pruned;
    for (auto& [key, member] : value.as_object()) {
      if (member.is_null()) continue;
      prune_nulls(member);
      pruned.set(key, std::move(member));
    }
    value = json::Value(std::move(pruned));
  } else if (value.is_array()) {
    for (json::Value& element : value.as_array()) prune_nulls(element);
  }
}

json::Value merge(json::Value current, json::Value patch);

void merge_objects(json::Object& doc, const json::Object& patch) {
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      doc.erase(key);
      continue;
    }
    json::Value* existing = doc.find(key);
    if (!existing || existing->is_null()) {
      json::Value added = value;
      prune_nulls(added);
      doc.set(key, std::move(added));
    } else {
      *existing = merge(std::move(*existing), value);
    }
  }
}

json::Value merge(json::Value current, json::Value patch) {
  if (!current.is_object()) {
    prune_nulls(patch);
    return patch;
  }
  if (!patch.is_object()) return patch;  // the library returns a non-object patch as it is
  merge_objects(current.as_object(), patch.as_object());
  return current;
}

}  // namespace

Result<json::Value> apply_merge_patch(const json::Value& target, const json::Value& patch) {
  if (patch.is_null() || patch.is_string() || patch.is_number() || patch.is_bool()) {
    return bad_request("Invalid JSON Patch");
  }
  if (patch.is_array()) {
    // The library returns the array itself, which the apiserver then cannot decode into the object.
    json::Value array = patch;
    prune_nulls(array);
    std::vector<Cause> causes{field_invalid("patch", json::Value(json::dump(array)),
                                            "json: cannot unmarshal array into Go value of type map[string]interface {}")};
    return invalid("", "", "", std::move(causes));
  }
  if (!target.is_object()) {
    json::Value result = patch;
    prune_nulls(result);
    return result;
  }
  json::Value result = target;
  merge_objects(result.as_object(), patch.as_object());
  return result;
}

}  // namespace sqlop::apimachinery
