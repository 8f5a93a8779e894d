// The SqliteDatabase reconciler: one level-based, idempotent pass for one resource key ("ns/name").
//
//   read the resource and what it references from the caches
//   -> deleting?  apply the data-retention policy, drop the finalizer, done
//   -> ensure the finalizer
//   -> parse, validate, render (the same pure path as the `render` command)
//   -> write each child whose desired state changed or drifted (server-side apply), delete children that
//      are no longer wanted (never the PVC)
//   -> write /status when it changed; record an Event when the outcome changed
// A pass that finds everything as it should be writes nothing. Errors the user can fix (invalid spec,
// missing Secret) are reported in status and are not retried with backoff: the fix itself (a spec or
// Secret change) triggers the next pass. API errors are returned so the queue retries with backoff.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "host/config/operator_config.hpp"
#include "host/controller/event_recorder.hpp"
#include "host/kube/client.hpp"
#include "host/plugins/registry.hpp"
#include "host/reconcile/child_cache.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::reconcile {

inline constexpr const char* kFinalizer = "database.sqlite.io/finalizer";
inline constexpr const char* kFieldManager = "sqlite-operator";

// The operator config and the plugins it names, swapped whole on reload.
struct Settings {
  config::OperatorConfig config;
  plugins::Registry registry;
};

// Reads an object from the controller's caches; null when the cache does not hold it.
using CacheLookup = std::function<std::shared_ptr<const json::Value>(
    const kube::ResourceType& type, const std::string& ns, const std::string& name)>;

struct ReconcilerEnv {
  const kube::Client& client;
  CacheLookup lookup;
  std::function<std::shared_ptr<const Settings>()> settings;  // the settings in force
  controller::EventRecorder* events = nullptr;                // null = no events
  VerifiedChildren* verified = nullptr;                       // null = always read a cached child in full
  std::function<std::string()> now;                           // RFC 3339; null = the system clock
};

struct ReconcileOutcome {
  // Requeue: the cache was behind the operator's own last write (a 409 on the status update); look
  // again shortly, without counting a failure.
  enum class Kind { Done, Error, Requeue };
  Kind kind = Kind::Done;
  std::string error;  // for Error: what failed, for the log (no secret values)
  int writes = 0;     // API writes this pass made (children, status, finalizer, events not counted)
  static ReconcileOutcome done(int writes) { return {Kind::Done, "", writes}; }
  static ReconcileOutcome failed(std::string error, int writes) { return {Kind::Error, std::move(error), writes}; }
  static ReconcileOutcome requeue(int writes) { return {Kind::Requeue, "", writes}; }
};

ReconcileOutcome reconcile_database(const ReconcilerEnv& env, const std::string& ns, const std::string& name);

// The names of the Secrets and ConfigMaps a SqliteDatabase manifest references (for the controller's
// index: a change to one of them re-reconciles the resources that use it). Pure; lenient on bad input.
struct References {
  std::vector<std::string> secrets;
  std::vector<std::string> config_maps;
};
References references_of(const json::Value& resource);

}  // namespace sqlop::reconcile
