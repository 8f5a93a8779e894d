// Server-side apply (see apply.hpp): the apiserver's FieldManager.Apply chain -- version check, last-applied
// upgrade for "kubectl", structured-merge-diff's Updater.Apply (merge, prune, conflicts), managed-fields
// times, strip meta -- on JSON objects.
#include <algorithm>
#include <map>
#include <vector>

#include "apimachinery/go_format.hpp"
#include "apimachinery/managed.hpp"
#include "apimachinery/options.hpp"

namespace sqlop::apimachinery {
namespace {

using namespace detail;

const char* const kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

struct Conflict {
  std::string manager_id;
  Path path;
};

struct Attempt {
  json::Value object;  // merged and pruned (not defaulted)
  Managed managed;
  bool noop = false;
  std::vector<Conflict> conflicts;
};

// "apps/v1, Kind=Deployment" (schema.GroupVersionKind.String()).
std::string gvk_text(const std::string& api_version, const std::string& kind) {
  const std::size_t slash = api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  const std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  return group + "/" + version + ", Kind=" + kind;
}

json::Value without_managed_fields(json::Value object) {
  if (json::Value* meta = object.find("metadata"); meta && meta->is_object()) meta->as_object().erase("managedFields");
  return object;
}

// Updater.prune: fields the manager applied last time and no longer applies are removed unless some
// manager (this one included) still owns them.
json::Value prune(const Structured& s, const json::Value& merged, const Managed& managers, const FieldSet& last) {
  if (last.empty()) return merged;
  const FieldSet last_named = last.with_key_fields();
  FieldSet owned;
  for (const auto& [id, entry] : managers) owned = owned.union_with(entry.fields);
  owned = owned.with_key_fields();
  const FieldSet merged_set = s.to_field_set(merged, nullptr, true).value_or(FieldSet{}).with_key_fields();
  json::Value pruned = s.remove_items(merged, last_named);
  FieldSet pruned_set = s.to_field_set(pruned, nullptr, true).value_or(FieldSet{}).with_key_fields();
  pruned = s.remove_items(merged, merged_set.difference(pruned_set.union_with(owned)));
  pruned_set = s.to_field_set(pruned, nullptr, true).value_or(FieldSet{}).with_key_fields();
  return s.remove_items(merged, merged_set.difference(pruned_set).intersection(last_named));
}

Attempt attempt(const Structured& s, const json::Value& live, const json::Value& config, const FieldSet& config_set,
                Managed managed, const std::string& id, const ManagerEntry& applier, const FieldSet& reset, bool force) {
  Attempt out;
  json::Value merged = s.merge(live, config);
  const FieldSet last = managed.count(id) ? managed[id].fields : FieldSet{};
  ManagerEntry entry = applier;
  if (managed.count(id)) entry.time = managed[id].time;
  entry.fields = config_set.recursive_difference(reset);
  managed[id] = entry;
  merged = prune(s, merged, managed, last);

  const Comparison c = s.compare(&live, merged).excluding(reset);
  const FieldSet changed = c.modified.union_with(c.added);
  std::map<std::string, FieldSet> lost;
  for (const auto& [other, e] : managed) {
    if (other == id) continue;
    const FieldSet conflict = e.fields.intersection(changed);
    if (conflict.empty()) continue;
    lost[other] = conflict;
    conflict.for_each([&](const Path& p) { out.conflicts.push_back(Conflict{other, p}); });
  }
  if (!force && !out.conflicts.empty()) return out;
  out.conflicts.clear();
  for (auto it = managed.begin(); it != managed.end();) {
    if (it->first != id) {
      FieldSet fields = it->second.fields;
      if (lost.count(it->first)) fields = fields.difference(lost[it->first]);
      it->second.fields = fields.difference(c.removed);
    }
    it = it->second.fields.empty() ? managed.erase(it) : std::next(it);
  }
  out.noop = merged == live;
  out.object = std::move(merged);
  out.managed = std::move(managed);
  return out;
}

Error conflict_error(const std::vector<Conflict>& conflicts, const Managed& managed) {
  Error e;
  e.code = 409;
  e.reason = "Conflict";
  const auto printed = [&](const std::string& id) { return print_manager(managed.at(id)); };
  for (const Conflict& c : conflicts) e.causes.push_back(Cause{"FieldManagerConflict", "conflict with " + printed(c.manager_id), path_string(c.path)});
  if (conflicts.size() == 1) {
    e.message = "Apply failed with 1 conflict: conflict with " + printed(conflicts[0].manager_id) + ": " + path_string(conflicts[0].path);
    return e;
  }
  std::vector<std::string> ids;
  for (const Conflict& c : conflicts) {
    if (std::find(ids.begin(), ids.end(), c.manager_id) == ids.end()) ids.push_back(c.manager_id);
  }
  std::sort(ids.begin(), ids.end());
  std::string lines;
  for (const std::string& id : ids) {
    lines += (lines.empty() ? "" : "\n") + std::string("conflicts with ") + printed(id) + ":";
    for (const Conflict& c : conflicts) {
      if (c.manager_id == id) lines += "\n- " + path_string(c.path);
    }
  }
  e.message = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: " + lines;
  return e;
}

// lastAppliedManager: the fields kubectl's client-side apply recorded that still hold their recorded value
// may be taken over by "kubectl" without conflict.
std::optional<FieldSet> last_applied_allowance(const Structured& s, const json::Value& live, const std::string& api_version) {
  const json::Value* annotation = live.find_path({"metadata", "annotations", kLastApplied});
  if (!annotation || !annotation->is_string() || annotation->as_string().empty()) return std::nullopt;
  std::optional<json::Value> last = json::parse(annotation->as_string());
  if (!last || !last->is_object() || last->get_string("apiVersion") != api_version) return std::nullopt;
  std::optional<FieldSet> set = s.to_field_set(*last);
  if (!set) return std::nullopt;
  const Comparison c = s.compare(&*last, without_managed_fields(live));
  return set->difference(c.modified).difference(c.added).difference(c.removed);
}

// buildLastApplied: the applied object without the annotation itself, as encoding/json writes it.
std::string last_applied_text(const json::Value& config) {
  json::Value copy = config;
  json::Value* meta = copy.find("metadata");
  json::Value* annotations = meta ? meta->find("annotations") : nullptr;
  if (annotations && annotations->is_object()) annotations->as_object().erase(kLastApplied);
  return go_json(copy) + "\n";
}

}  // namespace

Result<json::Value> server_side_apply(const ApplyRequest& request, const ManagedFieldsContext& context,
                                      const SchemaLookup& schema) {
  if (std::optional<Error> invalid_options = validate_write_options(WriteVerb::Apply, WriteOptions{request.manager, request.force, {}, ""})) {
    return *invalid_options;
  }
  const json::Value& config = request.applied;
  if (!config.is_object()) {
    return bad_request("error decoding patch: json: cannot unmarshal " + go_type_name(config) +
                       " into Go value of type map[string]interface {}");
  }
  const std::string config_version = config.get_string("apiVersion");
  const std::string config_kind = config.get_string("kind");
  if (config_version != context.api_version || config_kind != context.kind) {
    return bad_request("invalid object type: " + gvk_text(config_version, config_kind));
  }
  if (const json::Value* mf = config.find_path({"metadata", "managedFields"}); mf && !mf->is_null()) {
    return bad_request("metadata.managedFields must be nil");
  }

  std::string error;
  Managed managed;
  if (request.live) {
    std::optional<Managed> decoded = decode_managed(request.live->find_path({"metadata", "managedFields"}), &error);
    if (!decoded) return internal_error("failed to decode managed fields: " + error);
    managed = std::move(*decoded);
  }
  const json::Value live = request.live ? without_managed_fields(*request.live) : zero_object(context.api_version, context.kind);
  if (managed.empty() && request.live) {
    // skipNonAppliedManager: fields of an untracked object belong to "before-first-apply" before this apply.
    const json::Value tracked = update_managed_fields(nullptr, live, "before-first-apply", context, schema);
    managed = decode_managed(tracked.find_path({"metadata", "managedFields"}), nullptr).value_or(Managed{});
  }

  const Structured s(schema);
  std::optional<FieldSet> config_set = s.to_field_set(config, &error);
  if (!config_set) {
    const json::Value* meta = config.find("metadata");
    const std::string ns = meta ? meta->get_string("namespace") : std::string();
    const std::string name = meta ? meta->get_string("name") : std::string();
    return internal_error("failed to create typed patch object (" + gvk_text(config_version, config_kind) + " " + ns + "/" +
                          name + "): " + error);
  }

  const std::string id = manager_identifier(request.manager, "Apply", context.api_version, context.subresource);
  ManagerEntry applier;
  applier.manager = request.manager;
  applier.operation = "Apply";
  applier.api_version = context.api_version;
  applier.subresource = context.subresource;
  const FieldSet reset = reset_set(context);

  Attempt result = attempt(s, live, config, *config_set, managed, id, applier, reset, request.force);
  if (!result.conflicts.empty() && request.manager == "kubectl") {
    if (std::optional<FieldSet> allowed = last_applied_allowance(s, live, context.api_version)) {
      std::vector<Conflict> remaining;
      for (const Conflict& c : result.conflicts) {
        if (!allowed->has(c.path)) remaining.push_back(c);
      }
      result.conflicts = remaining;
      if (remaining.empty()) result = attempt(s, live, config, *config_set, managed, id, applier, reset, true);
    }
  }
  if (!result.conflicts.empty()) {
    return conflict_error(result.conflicts, managed);
  }

  // StripMetaManager, then the managed-fields updater's time for a write that changed the object.
  if (result.managed.count(id)) {
    ManagerEntry& entry = result.managed[id];
    entry.fields = entry.fields.difference(stripped_fields());
    if (entry.fields.empty()) {
      result.managed.erase(id);
    } else if (!result.noop) {
      entry.time = context.now;
    }
  }
  json::Value object = result.noop ? live : without_nulls(result.object);
  if (request.manager == "kubectl") {
    const json::Value* annotation = object.find_path({"metadata", "annotations", kLastApplied});
    if (annotation && annotation->is_string() && !annotation->as_string().empty()) {
      object["metadata"]["annotations"][kLastApplied] = last_applied_text(config);
    }
  }
  return with_managed(std::move(object), result.managed);
}

}  // namespace sqlop::apimachinery
