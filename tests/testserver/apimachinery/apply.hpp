// apimachinery/apply.hpp: server-side apply and managedFields bookkeeping, as the apiserver's field manager
// (k8s.io/apimachinery/pkg/util/managedfields + sigs.k8s.io/structured-merge-diff) does it.
//
// Ownership is kept in metadata.managedFields, one entry per (manager, operation, subresource[, apiVersion
// for Update]) with a FieldsV1 set:
//   "f:<field>"            a field of a map/struct
//   "k:{\"name\":\"x\"}"   an item of a keyed list (merge key / x-kubernetes-list-map-keys, keys sorted)
//   "v:<json>"             an item of a set list (primitive merge list such as finalizers)
//   "i:<n>"                an item of a list without keys (rare)
//   "."                    the map or list item itself, when the set also holds fields below it
// Apply sets hold leaves, atomic values and keyed/set list items (with "."); Update sets also hold maps the
// update added. metadata.{name,namespace,uid,resourceVersion,generation,creationTimestamp,selfLink,
// managedFields}, apiVersion and kind are never owned. Entries are sorted as the apiserver sorts them:
// operation ("Apply" < "Update"), time, manager, apiVersion, subresource.
//
// Order of work for the server:
//   apply  : live object (already defaulted) -> server_side_apply -> default -> prepare_for_update /
//            prepare_for_create (objects.hpp; they put back the status a main-resource apply may have
//            carried, as the strategy does) -> validate -> store
//   create/update/patch : build the new object -> default -> update_managed_fields(live, new) -> validate
//   no-op detection (objects.hpp) comes after both.
#pragma once

#include <sqlite_operator/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "apimachinery/result.hpp"
#include "apimachinery/schema.hpp"

namespace sqlop::apimachinery {

// What the endpoint contributes to every managedFields computation.
struct ManagedFieldsContext {
  std::string api_version;  // the request's group/version, e.g. "apps/v1" or "v1"
  std::string kind;         // the endpoint's kind, e.g. "Deployment" (apply checks the config's kind)
  std::string subresource;  // "" for the main resource, "status" for /status
  std::string now;          // RFC 3339 UTC, second precision ("2025-01-02T03:04:05Z"): time of entries
  // Fields this endpoint resets (the strategy's GetResetFields): never owned, and their applied values are
  // ignored. Main resource of a kind with a status subresource: {{"status"}}; /status: {{"spec"}} and, for
  // the builtin kinds, {"metadata","labels"}, {"metadata","annotations"} (reset_fields_for in objects.hpp).
  std::vector<std::vector<std::string>> reset_fields;
};

struct ApplyRequest {
  std::optional<json::Value> live;  // the stored object; nullopt when apply creates the object
  json::Value applied;              // the applied configuration (YAML already turned into JSON)
  std::string manager;              // the fieldManager query parameter (required for apply)
  bool force = false;               // the force query parameter
};

// Server-side apply. On success returns the new object (NOT yet defaulted: the server defaults it next, so
// fields the manager stops applying come back as defaults) with metadata.managedFields updated. Behaviour:
// - applied values win; keyed lists merge by key, set lists by value, atomic lists/maps are replaced;
// - a field owned by another manager whose value the apply changes is a conflict: 409 Conflict with one
//   cause {reason "FieldManagerConflict", message "conflict with \"<mgr>\"[ using <apiVersion>]",
//   field ".spec.replicas"} per field and the apiserver's message ("Apply failed with 1 conflict: ...");
//   with force the apply wins and the other manager loses those fields;
// - fields this manager applied before and omits now are removed from the object unless another manager
//   owns them (then this manager just stops owning them);
// - manager "kubectl" may take over fields recorded in kubectl.kubernetes.io/last-applied-configuration
//   without conflict, and keeps that annotation in sync (the client-side to server-side apply upgrade);
// - an apply that changes nothing returns the live object unchanged (managedFields times included).
// Errors: 422 without fieldManager (PatchOptions, as validate_write_options); 400 "invalid object type:
// apps/v1, Kind=X" when the config's apiVersion/kind are not the endpoint's; 400 "metadata.managedFields must
// be nil"; 500 "failed to create typed patch object (...): .spec...: duplicate entries for key [name=\"a\"]"
// (also for a keyed-list item without its key: the SchemaLookup must give key_defaults, e.g. container
// ports' protocol "TCP", or such items are refused as the apiserver refuses them without a default).
Result<json::Value> server_side_apply(const ApplyRequest& request, const ManagedFieldsContext& context,
                                      const SchemaLookup& schema);

// managedFields after an ordinary write (create, update, JSON/merge/strategic patch) by `manager`:
// the fields the write added or changed become the manager's (Update entry, time = context.now when its
// fields changed); other managers lose fields the write changed or removed. `live` is nullptr on create.
// The request's own metadata.managedFields, when present and non-empty, replace the live ones first (that is
// how clients reset them: managedFields: [{}] clears every entry). Returns `updated` with
// metadata.managedFields set. Call it on the defaulted object, so defaults are owned by the writer as on a
// real cluster (kubectl-client-side-apply owns spec.strategy of a Deployment it created).
json::Value update_managed_fields(const json::Value* live, const json::Value& updated, const std::string& manager,
                                  const ManagedFieldsContext& context, const SchemaLookup& schema,
                                  const std::string& operation = "Update");

// The manager name the apiserver records when the request has no fieldManager: the User-Agent up to the
// first "/" ("kubectl/v1.35.0 (linux/amd64) ..." -> "kubectl"), capped at 128 characters.
std::string default_field_manager(const std::string& user_agent);

}  // namespace sqlop::apimachinery
