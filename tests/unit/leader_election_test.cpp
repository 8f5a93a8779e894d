// Leader election's pure parts: the decision a candidate takes for a Lease, the Lease it writes, MicroTime
// formatting and config validation (host/controller/lease_decision.hpp, leader_election_config.hpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "host/controller/leader_election_config.hpp"
#include "host/controller/lease_decision.hpp"
#include "host/kube/kubeconfig.hpp"
#include "host/util/rfc3339.hpp"

using namespace std::chrono_literals;
using sqlop::controller::decide_lease_action;
using sqlop::controller::default_leader_identity;
using sqlop::controller::LeaderElectionConfig;
using sqlop::controller::lease_expired;
using sqlop::controller::lease_to_write;
using sqlop::controller::LeaseAction;
using sqlop::controller::LeaseRecord;
using sqlop::controller::MonotonicTime;
using sqlop::controller::read_lease_record;
using sqlop::controller::released_lease;
using sqlop::controller::validate_leader_election_config;
namespace json = sqlop::json;

namespace {

const MonotonicTime kObserved = MonotonicTime(1000s);

LeaderElectionConfig config_for(const std::string& identity) {
  LeaderElectionConfig config;
  config.lease_namespace = "operators";
  config.lease_name = "sqlite-operator";
  config.identity = identity;
  return config;
}

LeaseRecord held_by(const std::string& holder, std::int64_t seconds = 15) {
  LeaseRecord record;
  record.holder_identity = holder;
  record.lease_duration_seconds = seconds;
  record.acquire_time = "2024-05-01T11:00:00.000000Z";
  record.renew_time = "2024-05-01T12:00:00.000000Z";
  record.lease_transitions = 3;
  return record;
}

json::Value lease_object(const LeaseRecord& record) {
  json::Value lease = json::Value::object();
  lease["apiVersion"] = "coordination.k8s.io/v1";
  lease["kind"] = "Lease";
  lease["metadata"]["name"] = "sqlite-operator";
  lease["metadata"]["namespace"] = "operators";
  lease["metadata"]["resourceVersion"] = "42";
  lease["metadata"]["uid"] = "0c6a0e52-1f4b-4c0e-9d3b-2a8b0f1e7c11";
  lease["spec"]["holderIdentity"] = record.holder_identity;
  lease["spec"]["leaseDurationSeconds"] = record.lease_duration_seconds;
  lease["spec"]["acquireTime"] = record.acquire_time;
  lease["spec"]["renewTime"] = record.renew_time;
  lease["spec"]["leaseTransitions"] = record.lease_transitions;
  return lease;
}

LeaseAction decide(const std::optional<LeaseRecord>& current, const std::string& me, MonotonicTime now) {
  return decide_lease_action(current, me, kObserved, now, 15s);
}

}  // namespace

TEST_CASE("a candidate creates the lease when none exists", "[leader]") {
  CHECK(decide(std::nullopt, "a", kObserved) == LeaseAction::Create);

  const json::Value lease = lease_to_write(nullptr, LeaseAction::Create, config_for("a"), "2024-05-01T12:00:00.5Z");
  CHECK(lease.get_string("apiVersion") == "coordination.k8s.io/v1");
  CHECK(lease.get_string("kind") == "Lease");
  CHECK(lease.find_path({"metadata", "name"})->as_string() == "sqlite-operator");
  CHECK(lease.find_path({"metadata", "namespace"})->as_string() == "operators");
  CHECK(lease.find_path({"metadata", "resourceVersion"}) == nullptr);
  const LeaseRecord record = read_lease_record(lease);
  CHECK(record.holder_identity == "a");
  CHECK(record.lease_duration_seconds == 15);
  CHECK(record.acquire_time == "2024-05-01T12:00:00.5Z");
  CHECK(record.renew_time == "2024-05-01T12:00:00.5Z");
  CHECK(record.lease_transitions == 0);
}

TEST_CASE("a live lease held by another candidate is left alone", "[leader]") {
  const LeaseRecord other = held_by("b");
  CHECK(decide(other, "a", kObserved) == LeaseAction::Wait);
  CHECK(decide(other, "a", kObserved + 14999ms) == LeaseAction::Wait);
  // The record's own duration counts, not this candidate's configured one.
  CHECK(decide_lease_action(other, "a", kObserved, kObserved + 20s, 30s) == LeaseAction::TakeOver);
  CHECK(decide_lease_action(held_by("b", 60), "a", kObserved, kObserved + 20s, 15s) == LeaseAction::Wait);
}

TEST_CASE("an expired lease is taken over, counting a transition and keeping the object's metadata", "[leader]") {
  const LeaseRecord other = held_by("b");
  CHECK(lease_expired(other, kObserved, kObserved + 15s, 15s));
  CHECK_FALSE(lease_expired(other, kObserved, kObserved + 14s, 15s));
  CHECK(decide(other, "a", kObserved + 15s) == LeaseAction::TakeOver);
  // Without a duration in the record the configured one applies.
  CHECK(decide_lease_action(held_by("b", 0), "a", kObserved, kObserved + 4s, 5s) == LeaseAction::Wait);
  CHECK(decide_lease_action(held_by("b", 0), "a", kObserved, kObserved + 5s, 5s) == LeaseAction::TakeOver);

  const json::Value current = lease_object(other);
  const json::Value lease = lease_to_write(&current, LeaseAction::TakeOver, config_for("a"), "2024-05-01T12:00:20.000000Z");
  CHECK(lease.find_path({"metadata", "resourceVersion"})->as_string() == "42");
  CHECK(lease.find_path({"metadata", "uid"})->as_string() == "0c6a0e52-1f4b-4c0e-9d3b-2a8b0f1e7c11");
  const LeaseRecord record = read_lease_record(lease);
  CHECK(record.holder_identity == "a");
  CHECK(record.acquire_time == "2024-05-01T12:00:20.000000Z");
  CHECK(record.renew_time == "2024-05-01T12:00:20.000000Z");
  CHECK(record.lease_transitions == 4);
}

TEST_CASE("expiry is measured from when this process observed the record, not from renewTime", "[leader]") {
  // renewTime years in the past (a skewed clock on the holder's machine) does not make a lease expired:
  // only the local time since the record was last seen to change counts.
  LeaseRecord skewed = held_by("b");
  skewed.renew_time = "2001-01-01T00:00:00.000000Z";
  CHECK(decide(skewed, "a", kObserved + 1s) == LeaseAction::Wait);
  CHECK(decide(skewed, "a", kObserved + 16s) == LeaseAction::TakeOver);
}

TEST_CASE("a lease with no holder is taken over at once", "[leader]") {
  const LeaseRecord released = held_by("", 1);
  CHECK(lease_expired(released, kObserved, kObserved, 15s));
  CHECK(decide(released, "a", kObserved) == LeaseAction::TakeOver);

  const json::Value current = lease_object(released);
  const LeaseRecord record =
      read_lease_record(lease_to_write(&current, LeaseAction::TakeOver, config_for("a"), "2024-05-01T12:00:01.000000Z"));
  CHECK(record.holder_identity == "a");
  CHECK(record.lease_transitions == 4);  // a new holder, even after a release
}

TEST_CASE("the holder renews, keeping acquireTime and the transition count", "[leader]") {
  const LeaseRecord mine = held_by("a");
  // Mine, whether or not it looks expired.
  CHECK(decide(mine, "a", kObserved) == LeaseAction::Renew);
  CHECK(decide(mine, "a", kObserved + 1h) == LeaseAction::Renew);

  const json::Value current = lease_object(mine);
  const json::Value lease = lease_to_write(&current, LeaseAction::Renew, config_for("a"), "2024-05-01T12:00:02.000000Z");
  CHECK(lease.find_path({"metadata", "resourceVersion"})->as_string() == "42");
  const LeaseRecord record = read_lease_record(lease);
  CHECK(record.holder_identity == "a");
  CHECK(record.acquire_time == "2024-05-01T11:00:00.000000Z");
  CHECK(record.renew_time == "2024-05-01T12:00:02.000000Z");
  CHECK(record.lease_transitions == 3);
}

TEST_CASE("transitions count every change of holder across a sequence of writes", "[leader]") {
  const std::string t = "2024-05-01T12:00:00.000000Z";
  json::Value lease = lease_to_write(nullptr, LeaseAction::Create, config_for("a"), t);
  lease = lease_to_write(&lease, LeaseAction::Renew, config_for("a"), t);
  CHECK(read_lease_record(lease).lease_transitions == 0);
  lease = lease_to_write(&lease, LeaseAction::TakeOver, config_for("b"), t);
  CHECK(read_lease_record(lease).lease_transitions == 1);
  lease = released_lease(lease, t);
  CHECK(read_lease_record(lease).lease_transitions == 1);
  lease = lease_to_write(&lease, LeaseAction::TakeOver, config_for("a"), t);
  lease = lease_to_write(&lease, LeaseAction::Renew, config_for("a"), t);
  CHECK(read_lease_record(lease).lease_transitions == 2);
}

TEST_CASE("the written lease duration is the configured one in whole seconds, rounded up", "[leader]") {
  LeaderElectionConfig config = config_for("a");
  config.lease_duration = 2500ms;
  const json::Value lease = lease_to_write(nullptr, LeaseAction::Create, config, "2024-05-01T12:00:00.000000Z");
  CHECK(read_lease_record(lease).lease_duration_seconds == 3);
  CHECK(sqlop::controller::lease_duration_seconds(2s) == 2);
}

TEST_CASE("a released lease names no holder and lasts one second", "[leader]") {
  const json::Value current = lease_object(held_by("a"));
  const json::Value lease = released_lease(current, "2024-05-01T12:00:09.000000Z");
  CHECK(lease.find_path({"metadata", "resourceVersion"})->as_string() == "42");
  const LeaseRecord record = read_lease_record(lease);
  CHECK(record.holder_identity.empty());
  CHECK(record.lease_duration_seconds == 1);
  CHECK(record.renew_time == "2024-05-01T12:00:09.000000Z");
  CHECK(record.lease_transitions == 3);
}

TEST_CASE("a Lease with missing spec fields reads as empty", "[leader]") {
  json::Value lease = json::Value::object();
  lease["metadata"]["name"] = "x";
  const LeaseRecord record = read_lease_record(lease);
  CHECK(record == LeaseRecord{});
  CHECK(decide(record, "a", kObserved) == LeaseAction::TakeOver);
}

TEST_CASE("MicroTime is RFC 3339 in UTC with six fractional digits", "[leader]") {
  using std::chrono::system_clock;
  const auto parsed = sqlop::kube::parse_rfc3339("2024-05-01T12:34:56.123456Z");
  REQUIRE(parsed);
  CHECK(sqlop::util::format_rfc3339_micro(*parsed) == "2024-05-01T12:34:56.123456Z");
  CHECK(sqlop::util::format_rfc3339_micro(system_clock::time_point{}) == "1970-01-01T00:00:00.000000Z");
  CHECK(sqlop::util::format_rfc3339_micro(system_clock::time_point(std::chrono::microseconds(7))) == "1970-01-01T00:00:00.000007Z");
  // Sub-microsecond parts are truncated, never rounded into the next second.
  const auto almost = system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
      std::chrono::seconds(1) - std::chrono::nanoseconds(1)));
  CHECK(sqlop::util::format_rfc3339_micro(almost) == "1970-01-01T00:00:00.999999Z");
  // Round trip through the project's RFC 3339 parser.
  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(system_clock::now());
  const auto back = sqlop::kube::parse_rfc3339(sqlop::util::format_rfc3339_micro(now));
  REQUIRE(back);
  CHECK(std::chrono::time_point_cast<std::chrono::microseconds>(*back) == now);
}

TEST_CASE("leader election config: defaults are client-go's and valid", "[leader]") {
  const LeaderElectionConfig config = config_for("a");
  CHECK(config.lease_duration == 15s);
  CHECK(config.renew_deadline == 10s);
  CHECK(config.retry_period == 2s);
  CHECK(config.release_on_cancel);
  CHECK_FALSE(validate_leader_election_config(config));
}

TEST_CASE("leader election config: problems name the flag at fault", "[leader]") {
  LeaderElectionConfig config = config_for("a");
  SECTION("renew deadline not below the lease duration") {
    config.renew_deadline = 15s;
    const auto error = validate_leader_election_config(config);
    REQUIRE(error);
    CHECK(error->flag == "--leader-election-renew-deadline");
    CHECK(error->message == "must be shorter than --leader-election-lease-duration (15s); it is 15s");
  }
  SECTION("retry period not below the renew deadline") {
    config.retry_period = 10s;
    const auto error = validate_leader_election_config(config);
    REQUIRE(error);
    CHECK(error->flag == "--leader-election-retry-period");
    CHECK(error->to_string() ==
          "--leader-election-retry-period: must be shorter than --leader-election-renew-deadline (10s); it is 10s");
  }
  SECTION("retry period zero") {
    config.retry_period = 0ms;
    const auto error = validate_leader_election_config(config);
    REQUIRE(error);
    CHECK(error->flag == "--leader-election-retry-period");
  }
  SECTION("lease duration below one second") {
    config.lease_duration = 500ms;
    config.renew_deadline = 400ms;
    config.retry_period = 100ms;
    const auto error = validate_leader_election_config(config);
    REQUIRE(error);
    CHECK(error->flag == "--leader-election-lease-duration");
    CHECK(error->message == "must be at least 1s; it is 500ms");
  }
  SECTION("fractional durations are described as the flags are written") {
    config.lease_duration = 2s;
    config.renew_deadline = 2500ms;
    const auto error = validate_leader_election_config(config);
    REQUIRE(error);
    CHECK(error->message == "must be shorter than --leader-election-lease-duration (2s); it is 2.5s");
  }
  SECTION("empty names") {
    config.lease_name.clear();
    REQUIRE(validate_leader_election_config(config));
    CHECK(validate_leader_election_config(config)->flag == "--leader-election-id");
    config = config_for("");
    CHECK(validate_leader_election_config(config)->flag == "--leader-election-identity");
    config = config_for("a");
    config.lease_namespace.clear();
    CHECK(validate_leader_election_config(config)->flag == "--leader-election-namespace");
  }
  SECTION("short test durations are valid") {
    config.lease_duration = 2s;
    config.renew_deadline = 1500ms;
    config.retry_period = 200ms;
    CHECK_FALSE(validate_leader_election_config(config));
  }
}

TEST_CASE("default identities are hostname_suffix and differ per call", "[leader]") {
  const std::string a = default_leader_identity();
  const std::string b = default_leader_identity();
  CHECK(a != b);
  const auto underscore = a.rfind('_');
  REQUIRE(underscore != std::string::npos);
  CHECK(underscore > 0);
  CHECK(a.size() - underscore - 1 == 16);
}
