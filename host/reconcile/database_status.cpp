#include "host/reconcile/database_status.hpp"

#include "host/controller/status_conditions.hpp"
#include "host/render/names.hpp"

namespace sqlop::reconcile {

using controller::ConditionStatus;
using controller::ConditionsUpdate;
using controller::Observation;
namespace {

// render/ reports a missing Secret or ConfigMap as "<Kind> ns/name not found".
bool is_missing_reference(const model::FieldError& e) {
  static const std::string marker = " not found";
  return e.reason.size() >= marker.size() &&
         e.reason.compare(e.reason.size() - marker.size(), marker.size(), marker) == 0;
}

std::string describe(const model::FieldError& e) { return e.field.empty() ? e.reason : e.field + ": " + e.reason; }

std::string joined_write_errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += (out.empty() ? "" : "; ") + e;
  return out;
}

std::string qualified(const model::SqliteDatabase& db, const std::string& name) {
  return db.metadata.namespace_ + "/" + name;
}

// True when the Deployment reports an available pod of its current template.
bool deployment_available(const json::Value& deployment) {
  const json::Value* status = deployment.find("status");
  if (!status) return false;
  if (const json::Value* conditions = status->find("conditions"); conditions && conditions->is_array()) {
    for (const json::Value& c : conditions->as_array()) {
      if (c.get_string("type") == "Available") return c.get_string("status") == "True";
    }
  }
  return status->get_int("availableReplicas", 0) >= 1;
}

Observation replication(const StatusInputs& in) {
  const model::SqliteDatabase& db = in.model;
  if (!in.diagnostics.ok()) {
    return {kConditionReplicationConfigured, ConditionStatus::False, problem_reason(in.diagnostics),
            problem_message(in.diagnostics)};
  }
  if (!db.litestream.enabled) {
    return {kConditionReplicationConfigured, ConditionStatus::False, "Disabled",
            "spec.litestream.enabled is false: the database is not backed up"};
  }
  std::string names;
  for (const model::Replica& r : db.litestream.replicas) {
    names += (names.empty() ? "" : ", ") + r.name + " (" + r.type + ")";
  }
  return {kConditionReplicationConfigured, ConditionStatus::True, "Configured",
          std::to_string(db.litestream.replicas.size()) + " replica(s): " + names};
}

Observation storage(const StatusInputs& in) {
  const std::string pvc = qualified(in.model, render::pvc_name(in.model));
  if (!in.pvc) {
    return {kConditionStorageBound, ConditionStatus::False, "NotCreated", "PersistentVolumeClaim " + pvc + " does not exist yet"};
  }
  const json::Value* phase = in.pvc->find_path({"status", "phase"});
  const std::string value = phase && phase->is_string() ? phase->as_string() : "Pending";
  if (value == "Bound") {
    return {kConditionStorageBound, ConditionStatus::True, "Bound", "PersistentVolumeClaim " + pvc + " is bound"};
  }
  if (value == "Lost") {
    return {kConditionStorageBound, ConditionStatus::False, "Lost",
            "PersistentVolumeClaim " + pvc + " lost its volume; the data must be restored from a replica"};
  }
  return {kConditionStorageBound, ConditionStatus::False, "Pending",
          "PersistentVolumeClaim " + pvc + " is waiting for a volume (with WaitForFirstConsumer it binds when the pod is scheduled)"};
}

Observation readiness(const StatusInputs& in) {
  const model::SqliteDatabase& db = in.model;
  if (db.metadata.deleting) {
    return {kConditionReady, ConditionStatus::False, "Deleting", "the SqliteDatabase is being deleted"};
  }
  if (!in.diagnostics.ok()) {
    return {kConditionReady, ConditionStatus::False, problem_reason(in.diagnostics), problem_message(in.diagnostics)};
  }
  if (!in.write_errors.empty()) {
    return {kConditionReady, ConditionStatus::False, "WriteFailed", joined_write_errors(in.write_errors)};
  }
  if (!db.litestream.enabled && !db.sqlite_rest.enabled) {
    return {kConditionReady, ConditionStatus::True, "VolumeOnly",
            "no pod runs for this database; mount PersistentVolumeClaim " + render::pvc_name(db)};
  }
  const std::string deployment = qualified(db, render::deployment_name(db));
  if (!in.deployment) {
    return {kConditionReady, ConditionStatus::False, "DeploymentNotCreated", "Deployment " + deployment + " does not exist yet"};
  }
  if (!deployment_available(*in.deployment)) {
    return {kConditionReady, ConditionStatus::False, "DeploymentUnavailable",
            "Deployment " + deployment + " has no available pod yet"};
  }
  return {kConditionReady, ConditionStatus::True, "Available", "Deployment " + deployment + " is available"};
}

json::Value endpoints(const model::SqliteDatabase& db) {
  json::Value out = json::Value::object();
  if (!db.sqlite_rest.enabled) return out;
  const std::string host = render::service_name(db) + "." + db.metadata.namespace_ + ".svc";
  out["rest"] = "http://" + host + ":" + std::to_string(db.sqlite_rest.port);
  if (db.litestream.enabled && db.litestream.metrics.enabled) {
    out["metrics"] = "http://" + host + ":" + std::to_string(db.litestream.metrics.port) + "/metrics";
  }
  return out;
}

std::string phase_of(const StatusInputs& in, bool failed, const Observation& ready) {
  if (in.model.metadata.deleting) return "Terminating";
  if (failed) return "Failed";
  return ready.status == ConditionStatus::True ? "Running" : "Pending";
}

}  // namespace

std::string problem_reason(const model::Diagnostics& diagnostics) {
  for (const model::FieldError& e : diagnostics.errors) {
    if (!is_missing_reference(e)) return "InvalidSpec";
  }
  return diagnostics.errors.empty() ? "" : "ReferenceNotFound";
}

std::string problem_message(const model::Diagnostics& diagnostics) {
  if (diagnostics.errors.empty()) return "";
  std::string message = describe(diagnostics.errors.front());
  if (diagnostics.errors.size() > 1) {
    message += " (and " + std::to_string(diagnostics.errors.size() - 1) + " more problem" +
               (diagnostics.errors.size() > 2 ? "s" : "") + ")";
  }
  return message;
}

json::Value build_status(const StatusInputs& in) {
  const json::Value* previous = in.resource.find("status");
  const std::int64_t generation = in.resource.find_path({"metadata", "generation"})
                                      ? in.resource.find_path({"metadata", "generation"})->as_int()
                                      : 0;
  const bool failed = !in.diagnostics.ok() || !in.write_errors.empty();

  const Observation ready = readiness(in);
  const std::vector<Observation> observed = {ready, replication(in), storage(in)};
  const json::Value* previous_conditions = previous ? previous->find("conditions") : nullptr;
  const ConditionsUpdate conditions = controller::merge_conditions(
      previous_conditions ? controller::conditions_from_json(*previous_conditions) : std::vector<controller::Condition>{}, observed,
      generation, in.now);

  json::Value status = json::Value::object();
  status["phase"] = phase_of(in, failed, ready);
  status["message"] = ready.message;
  const json::Value* previous_generation = previous ? previous->find("observedGeneration") : nullptr;
  if (!failed) {
    status["observedGeneration"] = generation;
  } else if (previous_generation && previous_generation->is_number()) {
    status["observedGeneration"] = *previous_generation;
  }
  status["pvcName"] = render::pvc_name(in.model);
  status["databasePath"] = render::database_path(in.model);
  status["replicas"] = static_cast<long long>(in.model.litestream.enabled ? in.model.litestream.replicas.size() : 0);
  if (json::Value e = endpoints(in.model); !e.as_object().empty()) status["endpoints"] = std::move(e);
  status["conditions"] = controller::conditions_to_json(conditions.conditions);
  return status;
}

}  // namespace sqlop::reconcile
