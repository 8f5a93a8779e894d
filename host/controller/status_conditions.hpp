// Status conditions with metav1.Condition semantics, and the "did status change?" test that keeps the
// controller from writing an unchanged status.
//
// Rules (Kubernetes API conventions; apimachinery's meta.SetStatusCondition):
// - one condition per type; types keep the order in which they were first seen (previous ones first,
//   then new ones in observation order), so a status that did not change serialises identically;
// - lastTransitionTime changes only when status changes (True/False/Unknown); a new reason or message
//   alone keeps the old time;
// - observedGeneration is the metadata.generation the observation was made from;
// - reason is CamelCase and never empty; message may be empty and is cut at 32768 bytes (the API limit);
// - conditions not observed this time are left exactly as they were (another writer may own them).
// Everything here is pure: time comes in as an RFC 3339 string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::controller {

enum class ConditionStatus { True, False, Unknown };

const char* to_string(ConditionStatus status);  // "True", "False", "Unknown"

struct Condition {
  std::string type;
  std::string status;  // "True", "False" or "Unknown" as stored; kept as text so odd input survives a round trip
  std::string reason;
  std::string message;
  std::string last_transition_time;  // RFC 3339
  std::int64_t observed_generation = 0;
  friend bool operator==(const Condition& a, const Condition& b);
  friend bool operator!=(const Condition& a, const Condition& b) { return !(a == b); }
};

// What one reconcile found out about one condition type.
struct Observation {
  std::string type;
  ConditionStatus status = ConditionStatus::Unknown;
  std::string reason;
  std::string message;
};

struct ConditionsUpdate {
  std::vector<Condition> conditions;
  std::vector<std::string> errors;  // invalid observations (a bug in the caller); conditions are then unchanged
  bool ok() const { return errors.empty(); }
};

// The conditions to write after observing `observed` at `generation`, `now` being the current time.
// REQUIRES: `now` is an RFC 3339 date-time (it is copied, not parsed).
ConditionsUpdate merge_conditions(const std::vector<Condition>& previous, const std::vector<Observation>& observed,
                                  std::int64_t generation, const std::string& now);

// Why an observation cannot be stored (type or reason not matching the API's patterns, ...); nullopt if valid.
std::optional<std::string> observation_problem(const Observation& observation);

const Condition* find_condition(const std::vector<Condition>& conditions, const std::string& type);

// status.conditions of a live object <-> the typed form. Reading is lenient: entries that are not objects
// or have no type are skipped (the API server would not have stored them).
std::vector<Condition> conditions_from_json(const json::Value& conditions);
json::Value conditions_to_json(const std::vector<Condition>& conditions);

// True when writing `desired` over `current` would change the stored status. Member order does not
// matter, integers equal doubles of the same value, and a member that is null counts as absent (the API
// server drops nulls). Either argument may be null (no status yet).
bool status_differs(const json::Value& current, const json::Value& desired);

}  // namespace sqlop::controller
