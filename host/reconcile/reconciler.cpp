#include "host/reconcile/reconciler.hpp"

#include <set>

#include "host/controller/child_diff.hpp"
#include "host/controller/status_conditions.hpp"
#include "host/model/parse.hpp"
#include "host/reconcile/child_cache.hpp"
#include "host/reconcile/database_status.hpp"
#include "host/render/names.hpp"
#include "host/render/render.hpp"
#include "host/util/rfc3339.hpp"
#include "host/kube/object_meta.hpp"

namespace sqlop::reconcile {
namespace {

using controller::EventType;
namespace types = kube::types;


// The children a SqliteDatabase can have, in the order they are written. The PVC comes first (the pod
// needs it) and is never pruned: data is only deleted by the retention policy.
struct ChildKind {
  const char* kind;
  const kube::ResourceType& (*type)();
  std::string (*name)(const model::SqliteDatabase&);
  bool prunable;
};
const ChildKind kChildKinds[] = {
    {"PersistentVolumeClaim", &types::persistent_volume_claims, &render::pvc_name, false},
    {"ConfigMap", &types::config_maps, &render::config_map_name, true},
    {"Deployment", &types::deployments, &render::deployment_name, true},
    {"Service", &types::services, &render::service_name, true},
    {"Ingress", &types::ingresses, &render::ingress_name, true},
};

const ChildKind* child_kind(const std::string& kind) {
  for (const ChildKind& k : kChildKinds) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

bool has_finalizer(const json::Value& object) {
  const json::Value* finalizers = object.find_path({"metadata", "finalizers"});
  if (!finalizers || !finalizers->is_array()) return false;
  for (const json::Value& f : finalizers->as_array()) {
    if (f.is_string() && f.as_string() == kFinalizer) return true;
  }
  return false;
}

// True when `child` names the resource with uid `owner_uid` as its controller.
bool controlled_by(const json::Value& child, const std::string& owner_uid) {
  const json::Value* owners = child.find_path({"metadata", "ownerReferences"});
  if (!owners || !owners->is_array()) return false;
  for (const json::Value& o : owners->as_array()) {
    if (o.get_string("uid") == owner_uid && o.get_bool("controller", false)) return true;
  }
  return false;
}

// A merge patch that sets metadata.finalizers to `finalizers`, conditional on the resourceVersion so a
// concurrent change to the list is not overwritten.
std::string finalizers_patch(const json::Value& resource, const json::Array& finalizers) {
  json::Value patch = json::Value::object();
  patch["metadata"]["resourceVersion"] = kube::metadata_string(resource, "resourceVersion");
  patch["metadata"]["finalizers"] = finalizers.empty() ? json::Value(nullptr) : json::Value(finalizers);
  return json::dump(patch);
}

class Pass {
 public:
  Pass(const ReconcilerEnv& env, std::string ns, std::string name)
      : env_(env), ns_(std::move(ns)), name_(std::move(name)) {}

  ReconcileOutcome run();

 private:
  std::shared_ptr<const json::Value> cached(const kube::ResourceType& type, const std::string& name) const {
    return env_.lookup(type, ns_, name);
  }
  std::string now() const { return env_.now ? env_.now() : util::now_rfc3339(); }
  std::string key() const { return ns_ + "/" + name_; }

  ReconcileOutcome finalize(const json::Value& resource, const model::SqliteDatabase& db);
  std::optional<kube::ApiError> ensure_finalizer(json::Value& resource);
  render::ReferencedObjects referenced(const model::SqliteDatabase& db) const;
  void write_children(const std::vector<json::Value>& objects);
  std::string child_write_reason(const ChildKind& kind, const json::Value& desired, const json::Value& cached) const;
  void prune_children(const model::SqliteDatabase& db, const std::set<std::string>& wanted, const std::string& owner_uid);
  std::optional<kube::ApiError> write_status(const json::Value& resource, const json::Value& status);
  void record_outcome(const json::Value& resource, const json::Value& status);

  const ReconcilerEnv& env_;
  const std::string ns_;
  const std::string name_;
  int writes_ = 0;
  std::vector<std::string> write_errors_;
  std::vector<std::string> written_;                  // "created Deployment x" for the Normal event
  std::map<std::string, json::Value> live_children_;  // by kind: the object as the API returned it
  bool api_error_retryable_ = false;
};

ReconcileOutcome Pass::run() {
  const std::shared_ptr<const json::Value> cached_resource = cached(types::sqlite_databases(), name_);
  if (!cached_resource) return ReconcileOutcome::done(0);  // deleted; its children go with it
  json::Value resource = *cached_resource;

  const model::ParseResult parsed = model::parse_sqlite_database(resource);
  if (!parsed.best_effort) {
    return ReconcileOutcome::failed("the cached SqliteDatabase is not an object", 0);
  }
  const model::SqliteDatabase& db = parsed.resource ? *parsed.resource : *parsed.best_effort;
  if (db.metadata.deleting) return finalize(resource, db);

  if (auto error = ensure_finalizer(resource)) return ReconcileOutcome::failed(error->to_string(), writes_);

  const std::shared_ptr<const Settings> settings = env_.settings();
  model::Diagnostics diagnostics = parsed.diagnostics;
  render::RenderOutput rendered;
  if (parsed.resource) {
    const render::ReferencedObjects refs = referenced(db);
    rendered = render::render_children({db, settings->config, settings->registry, refs});
    diagnostics.append(rendered.diagnostics);
  }
  for (const ChildKind& k : kChildKinds) {
    if (auto live = cached(k.type(), k.name(db))) live_children_[k.kind] = *live;
  }
  if (diagnostics.ok()) {
    std::set<std::string> wanted;
    for (const json::Value& object : rendered.objects) wanted.insert(object.get_string("kind"));
    write_children(rendered.objects);
    prune_children(db, wanted, db.metadata.uid);
  }

  auto child = [&](const char* kind) -> const json::Value* {
    const auto it = live_children_.find(kind);
    return it == live_children_.end() ? nullptr : &it->second;
  };
  StatusInputs status_inputs{resource, db, diagnostics, write_errors_, child("Deployment"), child("PersistentVolumeClaim"),
                             now()};
  const json::Value status = build_status(status_inputs);
  record_outcome(resource, status);
  if (auto error = write_status(resource, status)) {
    if (error->is_conflict()) return ReconcileOutcome::requeue(writes_);
    return ReconcileOutcome::failed(error->to_string(), writes_);
  }
  if (!write_errors_.empty() && api_error_retryable_) {
    return ReconcileOutcome::failed(write_errors_.front(), writes_);
  }
  return ReconcileOutcome::done(writes_);
}

std::optional<kube::ApiError> Pass::ensure_finalizer(json::Value& resource) {
  if (has_finalizer(resource)) return std::nullopt;
  json::Array finalizers;
  if (const json::Value* existing = resource.find_path({"metadata", "finalizers"}); existing && existing->is_array()) {
    finalizers = existing->as_array();
  }
  finalizers.emplace_back(kFinalizer);
  const auto result = env_.client.patch(types::sqlite_databases(), ns_, name_, kube::PatchType::Merge,
                                        finalizers_patch(resource, finalizers));
  ++writes_;
  if (!result.ok()) return result.error;
  resource = *result.value;
  return std::nullopt;
}

render::ReferencedObjects Pass::referenced(const model::SqliteDatabase& db) const {
  render::ReferencedObjects refs;
  refs.complete = true;
  for (const model::Replica& r : db.litestream.replicas) {
    if (r.credentials.secret_name.empty()) continue;
    if (auto s = cached(types::secrets(), r.credentials.secret_name)) refs.secrets[r.credentials.secret_name] = *s;
  }
  if (!db.sqlite_rest.auth_secret.empty()) {
    if (auto s = cached(types::secrets(), db.sqlite_rest.auth_secret)) refs.secrets[db.sqlite_rest.auth_secret] = *s;
  }
  if (!db.database.init_script.empty()) {
    if (auto c = cached(types::config_maps(), db.database.init_script)) {
      refs.config_maps[db.database.init_script] = *c;
    }
  }
  return refs;
}

// Why a child must be written ("" when it need not be). `cached` may be the informer's projection
// (child_cache.hpp): then drift is ruled out by its digest, or by reading the full object once.
std::string Pass::child_write_reason(const ChildKind& kind, const json::Value& desired, const json::Value& cached) const {
  const json::Value* want = desired.find_path({"metadata", "annotations", controller::kAppliedHashAnnotation});
  const json::Value* have = cached.find_path({"metadata", "annotations", controller::kAppliedHashAnnotation});
  if (!want || !have || *want != *have) return "desired state changed";
  const std::string digest = cached_digest(cached);
  if (digest.empty()) return controller::write_reason(desired, cached);  // a full object
  const std::string uid = kube::metadata_string(cached, "uid");
  if (env_.verified && env_.verified->is_verified(uid, digest)) return "";
  const auto full = env_.client.get(kind.type(), ns_, kube::metadata_string(cached, "name"));
  if (!full.ok()) return full.error->is_not_found() ? "created" : "could not read the live object";
  const std::string reason = controller::write_reason(desired, *full.value);
  if (reason.empty() && env_.verified) env_.verified->remember(uid, content_digest(*full.value));
  return reason;
}

void Pass::write_children(const std::vector<json::Value>& objects) {
  for (const json::Value& object : objects) {
    const std::string kind = object.get_string("kind");
    const ChildKind* k = child_kind(kind);
    if (!k) continue;
    const json::Value desired = controller::desired_with_hash(object);
    const auto live = live_children_.find(kind);
    const std::string reason = live == live_children_.end() ? "created" : child_write_reason(*k, desired, live->second);
    if (reason.empty()) continue;
    const std::string child_name = desired.find_path({"metadata", "name"})->as_string();
    const auto result = env_.client.apply(k->type(), ns_, desired, {kFieldManager, "", true});
    ++writes_;
    if (!result.ok()) {
      write_errors_.push_back(kind + " " + ns_ + "/" + child_name + ": " + result.error->to_string());
      api_error_retryable_ = api_error_retryable_ || result.error->is_retryable() || result.error->is_conflict();
      continue;
    }
    if (env_.verified) env_.verified->remember(kube::metadata_string(*result.value, "uid"), content_digest(*result.value));
    live_children_[kind] = *result.value;
    written_.push_back((reason == "created" ? "created " : "updated ") + kind + " " + child_name);
  }
}

void Pass::prune_children(const model::SqliteDatabase& db, const std::set<std::string>& wanted,
                          const std::string& owner_uid) {
  for (const ChildKind& k : kChildKinds) {
    if (!k.prunable || wanted.count(k.kind)) continue;
    const auto live = live_children_.find(k.kind);
    if (live == live_children_.end() || !controlled_by(live->second, owner_uid)) continue;
    kube::DeleteOptions options;
    options.precondition_uid = kube::metadata_string(live->second, "uid");
    const auto error = env_.client.remove(k.type(), ns_, k.name(db), options);
    ++writes_;
    if (error && !error->is_not_found()) {
      write_errors_.push_back(std::string(k.kind) + " " + ns_ + "/" + k.name(db) + ": " + error->to_string());
      api_error_retryable_ = true;
      continue;
    }
    if (env_.verified) env_.verified->forget(options.precondition_uid);
    live_children_.erase(k.kind);
    written_.push_back(std::string("deleted ") + k.kind + " " + k.name(db));
  }
}

std::optional<kube::ApiError> Pass::write_status(const json::Value& resource, const json::Value& status) {
  const json::Value* current = resource.find("status");
  if (!controller::status_differs(current ? *current : json::Value(), status)) return std::nullopt;
  json::Value updated = resource;
  updated["status"] = status;
  const auto result = env_.client.update(types::sqlite_databases(), ns_, updated, {"", "status", false});
  ++writes_;
  if (!result.ok()) return result.error;
  return std::nullopt;
}

// One Normal event when children were written, one Warning when the Ready condition turns to a new
// failure reason; nothing when the pass changed nothing.
void Pass::record_outcome(const json::Value& resource, const json::Value& status) {
  if (!env_.events) return;
  if (!written_.empty()) {
    std::string message;
    for (const std::string& w : written_) message += (message.empty() ? "" : ", ") + w;
    env_.events->record(resource, EventType::Normal, "Reconciled", message);
  }
  const auto new_conditions = controller::conditions_from_json(*status.find("conditions"));
  const controller::Condition* ready = controller::find_condition(new_conditions, kConditionReady);
  if (!ready || ready->status == "True") return;
  const json::Value* old = resource.find_path({"status", "conditions"});
  const auto old_conditions = old ? controller::conditions_from_json(*old) : std::vector<controller::Condition>{};
  const controller::Condition* was = controller::find_condition(old_conditions, kConditionReady);
  if (was && was->reason == ready->reason && was->message == ready->message) return;
  static const std::set<std::string> kWaiting = {"DeploymentNotCreated", "DeploymentUnavailable", "Deleting"};
  if (kWaiting.count(ready->reason)) return;  // progress, not a problem
  env_.events->record(resource, EventType::Warning, ready->reason, ready->message);
}

ReconcileOutcome Pass::finalize(const json::Value& resource, const model::SqliteDatabase& db) {
  if (!has_finalizer(resource)) return ReconcileOutcome::done(0);
  const std::string pvc_name = render::pvc_name(db);
  const std::shared_ptr<const json::Value> pvc = cached(types::persistent_volume_claims(), pvc_name);
  if (pvc && db.database.storage.retention_policy == model::RetentionPolicy::Delete) {
    const auto error = env_.client.remove(types::persistent_volume_claims(), ns_, pvc_name);
    ++writes_;
    if (error && !error->is_not_found()) return ReconcileOutcome::failed(error->to_string(), writes_);
    if (env_.events) env_.events->record(resource, EventType::Normal, "StorageDeleted",
                                         "deleted PersistentVolumeClaim " + pvc_name + " (retentionPolicy: Delete)");
  } else if (pvc && controlled_by(*pvc, db.metadata.uid)) {
    // Retained data must not be garbage-collected with its owner: drop our ownerReference first.
    json::Array others;
    for (const json::Value& o : pvc->find_path({"metadata", "ownerReferences"})->as_array()) {
      if (o.get_string("uid") != db.metadata.uid) others.push_back(o);
    }
    json::Value patch = json::Value::object();
    patch["metadata"]["resourceVersion"] = kube::metadata_string(*pvc, "resourceVersion");
    patch["metadata"]["ownerReferences"] = others.empty() ? json::Value(nullptr) : json::Value(others);
    const auto result = env_.client.patch(types::persistent_volume_claims(), ns_, pvc_name, kube::PatchType::Merge,
                                          json::dump(patch));
    ++writes_;
    if (!result.ok()) return ReconcileOutcome::failed(result.error->to_string(), writes_);
  }
  if (pvc && db.database.storage.retention_policy == model::RetentionPolicy::Retain && env_.events) {
    env_.events->record(resource, EventType::Normal, "StorageRetained",
                        "kept PersistentVolumeClaim " + pvc_name + " (retentionPolicy: Retain)");
  }
  json::Array remaining;
  for (const json::Value& f : resource.find_path({"metadata", "finalizers"})->as_array()) {
    if (!(f.is_string() && f.as_string() == kFinalizer)) remaining.push_back(f);
  }
  const auto result = env_.client.patch(types::sqlite_databases(), ns_, name_, kube::PatchType::Merge,
                                        finalizers_patch(resource, remaining));
  ++writes_;
  if (!result.ok() && !result.error->is_not_found()) return ReconcileOutcome::failed(result.error->to_string(), writes_);
  return ReconcileOutcome::done(writes_);
}

}  // namespace

ReconcileOutcome reconcile_database(const ReconcilerEnv& env, const std::string& ns, const std::string& name) {
  return Pass(env, ns, name).run();
}

References references_of(const json::Value& resource) {
  References out;
  const model::ParseResult parsed = model::parse_sqlite_database(resource);
  if (!parsed.best_effort) return out;
  const model::SqliteDatabase& db = *parsed.best_effort;
  std::set<std::string> secrets;
  for (const model::Replica& r : db.litestream.replicas) {
    if (!r.credentials.secret_name.empty()) secrets.insert(r.credentials.secret_name);
  }
  if (!db.sqlite_rest.auth_secret.empty()) secrets.insert(db.sqlite_rest.auth_secret);
  out.secrets.assign(secrets.begin(), secrets.end());
  if (!db.database.init_script.empty()) out.config_maps.push_back(db.database.init_script);
  return out;
}

}  // namespace sqlop::reconcile
