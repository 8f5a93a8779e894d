// How watch events become work: which SqliteDatabase a child, Secret or ConfigMap event concerns, and
// which updates of a SqliteDatabase need a reconcile. Pure.
#pragma once

#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::op {

// The label selector the operator's child informers use: only objects it manages.
std::string managed_children_selector();

// The field selector of the operator's Secret informer: every Secret but the types that are never backend
// credentials or a JWT key, Helm release records and service-account tokens. They are most of a cluster's
// Secret bytes (a Helm release is up to 1 MiB), and the informer would otherwise hold them all in memory.
std::string credential_secrets_selector();

// The key ("ns/name") of the SqliteDatabase a child belongs to, from its instance label (every child has
// it; a retained PVC has no ownerReference); "" when the object is not one of the operator's children.
std::string owner_key_of_child(const json::Value& child);

// False for updates a reconcile would not react to: only status, resourceVersion or managedFields moved
// (the operator's own status writes come back as such updates). A resync (old == new) is true.
bool database_changed(const json::Value& old_object, const json::Value& new_object);

// Index values of a SqliteDatabase: "ns/name" of each Secret (or ConfigMap) it references.
std::vector<std::string> referenced_secret_keys(const json::Value& database);
std::vector<std::string> referenced_config_map_keys(const json::Value& database);

}  // namespace sqlop::op
