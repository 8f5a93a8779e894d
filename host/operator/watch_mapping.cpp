#include "host/operator/watch_mapping.hpp"

#include "host/reconcile/reconciler.hpp"
#include "host/render/names.hpp"
#include "host/kube/object_meta.hpp"

namespace sqlop::op {
namespace {

constexpr const char* kInstanceLabel = "app.kubernetes.io/instance";
constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";

std::string label(const json::Value& object, const char* name) {
  const json::Value* v = object.find_path({"metadata", "labels", name});
  return v && v->is_string() ? v->as_string() : "";
}

// The parts of a SqliteDatabase a reconcile reads: everything but status and bookkeeping.
json::Value reconciled_view(const json::Value& object) {
  json::Value view = object;
  if (!view.is_object()) return view;
  view.as_object().erase("status");
  if (json::Value* metadata = view.find("metadata"); metadata && metadata->is_object()) {
    metadata->as_object().erase("resourceVersion");
    metadata->as_object().erase("managedFields");
  }
  return view;
}

std::vector<std::string> qualified(const json::Value& database, const std::vector<std::string>& names) {
  const std::string ns = kube::metadata_string(database, "namespace");
  std::vector<std::string> keys;
  for (const std::string& n : names) keys.push_back(ns + "/" + n);
  return keys;
}

}  // namespace

std::string managed_children_selector() { return std::string(kManagedByLabel) + "=" + render::kManagedBy; }

std::string credential_secrets_selector() {
  return "type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token";
}

std::string owner_key_of_child(const json::Value& child) {
  if (label(child, kManagedByLabel) != render::kManagedBy) return "";
  const std::string instance = label(child, kInstanceLabel);
  if (instance.empty()) return "";
  return kube::metadata_string(child, "namespace") + "/" + instance;
}

bool database_changed(const json::Value& old_object, const json::Value& new_object) {
  if (&old_object == &new_object) return true;
  return reconciled_view(old_object) != reconciled_view(new_object);
}

std::vector<std::string> referenced_secret_keys(const json::Value& database) {
  return qualified(database, reconcile::references_of(database).secrets);
}

std::vector<std::string> referenced_config_map_keys(const json::Value& database) {
  return qualified(database, reconcile::references_of(database).config_maps);
}

}  // namespace sqlop::op
