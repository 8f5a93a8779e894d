// The pure core of leader election: read a coordination.k8s.io/v1 Lease, decide what this candidate does
// next, and build the Lease it writes. No I/O, no clocks read here: times come in as arguments.
//
// Expiry follows client-go: a lease is judged by when *this process* last saw its record change, on its own
// monotonic clock ("observed_at"), never by comparing the holder's renewTime with the local wall clock, so
// clock skew between machines cannot make a standby take over a live lease. The record's own
// leaseDurationSeconds (what the holder promised) sets how long it stays valid after that observation.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "host/controller/leader_election_config.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::controller {

using MonotonicTime = std::chrono::steady_clock::time_point;

// The election record: a Lease's spec. Missing fields read as empty / 0.
struct LeaseRecord {
  std::string holder_identity;
  std::int64_t lease_duration_seconds = 0;
  std::string acquire_time;  // MicroTime, as written
  std::string renew_time;    // MicroTime, as written
  std::int64_t lease_transitions = 0;

  friend bool operator==(const LeaseRecord& a, const LeaseRecord& b) {
    return a.holder_identity == b.holder_identity && a.lease_duration_seconds == b.lease_duration_seconds &&
           a.acquire_time == b.acquire_time && a.renew_time == b.renew_time &&
           a.lease_transitions == b.lease_transitions;
  }
  friend bool operator!=(const LeaseRecord& a, const LeaseRecord& b) { return !(a == b); }
};

LeaseRecord read_lease_record(const json::Value& lease);

enum class LeaseAction {
  Create,    // no Lease exists: create it naming me
  TakeOver,  // another holder's lease expired, or nobody holds it: write it naming me (a new transition)
  Renew,     // I hold it: refresh renewTime
  Wait,      // someone else holds a live lease
};
const char* to_string(LeaseAction action);

// True when `record` no longer protects its holder: nobody holds it, or `now` is at or past observed_at plus
// the record's leaseDurationSeconds (`default_lease_duration` when the record has none).
bool lease_expired(const LeaseRecord& record, MonotonicTime observed_at, MonotonicTime now,
                   std::chrono::milliseconds default_lease_duration);

// What `identity` does next, given the Lease as last read (nullopt: none exists) and when this process last
// saw its record change.
LeaseAction decide_lease_action(const std::optional<LeaseRecord>& current, const std::string& identity,
                                MonotonicTime observed_at, MonotonicTime now,
                                std::chrono::milliseconds default_lease_duration);

// The Lease to write for `action` at wall-clock time `now` (a MicroTime, util::format_rfc3339_micro).
// `current` is the Lease as read (its metadata, resourceVersion included, is kept so the write is
// conditional); nullptr for Create.
// Renew keeps acquireTime and leaseTransitions; TakeOver sets acquireTime to now and counts one more
// transition when the holder changes. REQUIRES: action != Wait; current != nullptr unless action == Create.
json::Value lease_to_write(const json::Value* current, LeaseAction action, const LeaderElectionConfig& config,
                           const std::string& now);

// `current` given up: no holder, leaseDurationSeconds 1, renewTime and acquireTime now, transitions kept,
// so a standby takes it over on its next attempt.
json::Value released_lease(const json::Value& current, const std::string& now);

}  // namespace sqlop::controller
