#include "host/controller/lease_decision.hpp"

namespace sqlop::controller {

namespace {

std::string spec_string(const json::Value* spec, const char* key) { return spec ? spec->get_string(key) : ""; }
std::int64_t spec_int(const json::Value* spec, const char* key) { return spec ? spec->get_int(key, 0) : 0; }

json::Value new_lease(const LeaderElectionConfig& config) {
  json::Value lease = json::Value::object();
  lease["apiVersion"] = "coordination.k8s.io/v1";
  lease["kind"] = "Lease";
  lease["metadata"]["name"] = config.lease_name;
  lease["metadata"]["namespace"] = config.lease_namespace;
  return lease;
}

}  // namespace

LeaseRecord read_lease_record(const json::Value& lease) {
  const json::Value* spec = lease.find("spec");
  LeaseRecord record;
  record.holder_identity = spec_string(spec, "holderIdentity");
  record.lease_duration_seconds = spec_int(spec, "leaseDurationSeconds");
  record.acquire_time = spec_string(spec, "acquireTime");
  record.renew_time = spec_string(spec, "renewTime");
  record.lease_transitions = spec_int(spec, "leaseTransitions");
  return record;
}

const char* to_string(LeaseAction action) {
  switch (action) {
    case LeaseAction::Create: return "create";
    case LeaseAction::TakeOver: return "take over";
    case LeaseAction::Renew: return "renew";
    case LeaseAction::Wait: return "wait";
  }
  return "?";
}

bool lease_expired(const LeaseRecord& record, MonotonicTime observed_at, MonotonicTime now,
                   std::chrono::milliseconds default_lease_duration) {
  if (record.holder_identity.empty()) return true;
  const std::chrono::milliseconds duration = record.lease_duration_seconds > 0
                                                 ? std::chrono::seconds(record.lease_duration_seconds)
                                                 : default_lease_duration;
  return now >= observed_at + duration;
}

LeaseAction decide_lease_action(const std::optional<LeaseRecord>& current, const std::string& identity,
                                MonotonicTime observed_at, MonotonicTime now,
                                std::chrono::milliseconds default_lease_duration) {
  if (!current) return LeaseAction::Create;
  if (current->holder_identity == identity) return LeaseAction::Renew;
  if (lease_expired(*current, observed_at, now, default_lease_duration)) return LeaseAction::TakeOver;
  return LeaseAction::Wait;
}

json::Value lease_to_write(const json::Value* current, LeaseAction action, const LeaderElectionConfig& config,
                           const std::string& now) {
  json::Value lease = current ? *current : new_lease(config);
  const LeaseRecord old = current ? read_lease_record(*current) : LeaseRecord{};
  const bool keeps_holder = action == LeaseAction::Renew && old.holder_identity == config.identity;

  json::Value& spec = lease["spec"];
  spec["holderIdentity"] = config.identity;
  spec["leaseDurationSeconds"] = lease_duration_seconds(config.lease_duration);
  spec["acquireTime"] = keeps_holder && !old.acquire_time.empty() ? old.acquire_time : now;
  spec["renewTime"] = now;
  std::int64_t transitions = old.lease_transitions;
  if (current && old.holder_identity != config.identity) ++transitions;
  spec["leaseTransitions"] = transitions;
  return lease;
}

json::Value released_lease(const json::Value& current, const std::string& now) {
  json::Value lease = current;
  json::Value& spec = lease["spec"];
  spec["holderIdentity"] = "";
  spec["leaseDurationSeconds"] = 1;
  spec["acquireTime"] = now;
  spec["renewTime"] = now;
  spec["leaseTransitions"] = read_lease_record(current).lease_transitions;
  return lease;
}

}  // namespace sqlop::controller
