// The status a SqliteDatabase should have after a reconcile: phase, the Ready / ReplicationConfigured /
// StorageBound conditions, observedGeneration, the PVC and database path applications mount, endpoints and
// a message naming what is wrong. Pure: the controller writes the result through /status only when
// status_differs() says it changed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::reconcile {

inline constexpr const char* kConditionReady = "Ready";
inline constexpr const char* kConditionReplicationConfigured = "ReplicationConfigured";
inline constexpr const char* kConditionStorageBound = "StorageBound";

struct StatusInputs {
  const json::Value& resource;           // the SqliteDatabase as last read (previous status, generation)
  const model::SqliteDatabase& model;    // parsed; best effort when the spec has errors
  const model::Diagnostics& diagnostics; // parse, validation and render problems (errors: nothing was written)
  std::vector<std::string> write_errors; // children that could not be written, "Deployment ns/x: <error>"
  const json::Value* deployment = nullptr;  // the live Deployment, if any
  const json::Value* pvc = nullptr;         // the live PVC, if any
  std::string now;                          // RFC 3339
};

// The whole status to store. observedGeneration moves to metadata.generation only when the pass
// succeeded (no errors of any kind); otherwise it keeps its previous value.
json::Value build_status(const StatusInputs& in);

// The condition reason for spec problems: "ReferenceNotFound" when a referenced Secret or ConfigMap is
// missing, else "InvalidSpec".
std::string problem_reason(const model::Diagnostics& diagnostics);
// "spec.x: reason" for the first error, with " (and N more problems)" when there are several.
std::string problem_message(const model::Diagnostics& diagnostics);

}  // namespace sqlop::reconcile
