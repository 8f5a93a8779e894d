// The status a SqliteDatabase gets after a reconcile: conditions, phase, observedGeneration, mount facts.
#include "host/reconcile/database_status.hpp"

#include <catch2/catch.hpp>

#include "host/controller/status_conditions.hpp"
#include "host/model/parse.hpp"

using sqlop::json::Value;
using sqlop::model::Diagnostics;
namespace rc = sqlop::reconcile;

namespace {

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

Value resource(const std::string& spec_extra = "", int generation = 3) {
  return parse(R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase",
    "metadata":{"name":"shop","namespace":"team","uid":"u1","generation":)" + std::to_string(generation) + R"(},
    "spec":{"litestream":{"replicas":[{"type":"s3","bucket":"b","region":"us-east-1"}]})" + spec_extra + "}}");
}

struct Built {
  Value status;
  const sqlop::controller::Condition* condition(const std::string& type) {
    conditions = sqlop::controller::conditions_from_json(*status.find("conditions"));
    return sqlop::controller::find_condition(conditions, type);
  }
  std::vector<sqlop::controller::Condition> conditions;
};

Built build(const Value& cr, const Diagnostics& diagnostics, const Value* deployment, const Value* pvc,
            std::vector<std::string> write_errors = {}, const std::string& now = "2026-01-01T00:00:00Z") {
  const auto parsed = sqlop::model::parse_sqlite_database(cr);
  REQUIRE(parsed.best_effort);
  rc::StatusInputs in{cr, *parsed.best_effort, diagnostics, std::move(write_errors), deployment, pvc, now};
  return {rc::build_status(in), {}};
}

// Live children as the tests need them (plain JSON: these are built before any test runs).
const Value kAvailable = *sqlop::json::parse(R"({"status":{"conditions":[{"type":"Available","status":"True"}]}})");
const Value kUnavailable = *sqlop::json::parse(R"({"status":{"replicas":1}})");
const Value kBound = *sqlop::json::parse(R"({"status":{"phase":"Bound"}})");
const Value kPending = *sqlop::json::parse(R"({"status":{"phase":"Pending"}})");

}  // namespace

TEST_CASE("database status: available Deployment and bound PVC -> Running and Ready", "[dbstatus]") {
  Built b = build(resource(), {}, &kAvailable, &kBound);
  CHECK(b.status.get_string("phase") == "Running");
  CHECK(b.status.get_int("observedGeneration", -1) == 3);
  CHECK(b.status.get_string("pvcName") == "shop-db-storage");
  CHECK(b.status.get_string("databasePath") == "/data/database.db");
  CHECK(b.status.get_int("replicas", -1) == 1);
  REQUIRE(b.condition("Ready"));
  CHECK(b.condition("Ready")->status == "True");
  CHECK(b.condition("Ready")->reason == "Available");
  CHECK(b.condition("Ready")->observed_generation == 3);
  CHECK(b.condition("ReplicationConfigured")->status == "True");
  CHECK(b.condition("StorageBound")->status == "True");
}

TEST_CASE("database status: waiting for the Deployment and the volume -> Pending", "[dbstatus]") {
  Built b = build(resource(), {}, &kUnavailable, &kPending);
  CHECK(b.status.get_string("phase") == "Pending");
  CHECK(b.condition("Ready")->reason == "DeploymentUnavailable");
  CHECK(b.condition("StorageBound")->reason == "Pending");
  CHECK(b.status.get_int("observedGeneration", -1) == 3);  // the pass itself succeeded
  Built none = build(resource(), {}, nullptr, nullptr);
  CHECK(none.condition("Ready")->reason == "DeploymentNotCreated");
  CHECK(none.condition("StorageBound")->reason == "NotCreated");
}

TEST_CASE("database status: an invalid spec names the field and keeps observedGeneration", "[dbstatus]") {
  Value cr = resource("", 4);
  cr["status"] = parse(R"({"observedGeneration":3})");
  Diagnostics d;
  d.error("spec.litestream.replicas[0].bucket", "must be 3-63 characters long");
  d.error("spec.database.name", "must not contain '/'");
  Built b = build(cr, d, nullptr, nullptr);
  CHECK(b.status.get_string("phase") == "Failed");
  CHECK(b.status.get_int("observedGeneration", -1) == 3);
  CHECK(b.condition("Ready")->reason == "InvalidSpec");
  CHECK(b.condition("Ready")->message ==
        "spec.litestream.replicas[0].bucket: must be 3-63 characters long (and 1 more problem)");
  CHECK(b.status.get_string("message") == b.condition("Ready")->message);
  CHECK(b.condition("ReplicationConfigured")->status == "False");
}

TEST_CASE("database status: a missing Secret is ReferenceNotFound", "[dbstatus]") {
  Diagnostics d;
  d.error("spec.litestream.replicas[0].credentials.secretName", "Secret team/aws not found");
  Built b = build(resource(), d, nullptr, nullptr);
  CHECK(b.condition("Ready")->reason == "ReferenceNotFound");
  CHECK(b.condition("ReplicationConfigured")->reason == "ReferenceNotFound");
}

TEST_CASE("database status: a failed child write is reported and is a failure", "[dbstatus]") {
  Built b = build(resource(), {}, &kAvailable, &kBound, {"Deployment team/shop: 500 InternalError: boom"});
  CHECK(b.status.get_string("phase") == "Failed");
  CHECK(b.condition("Ready")->reason == "WriteFailed");
  CHECK(b.condition("Ready")->message.find("Deployment team/shop") != std::string::npos);
}

TEST_CASE("database status: lastTransitionTime moves only when a condition's status changes", "[dbstatus]") {
  Value cr = resource();
  cr["status"] = build(cr, {}, &kUnavailable, &kBound, {}, "2026-01-01T00:00:00Z").status;
  const Built same = build(cr, {}, &kUnavailable, &kBound, {}, "2026-01-01T00:05:00Z");
  CHECK_FALSE(sqlop::controller::status_differs(*cr.find("status"), same.status));  // nothing to write
  Built ready = build(cr, {}, &kAvailable, &kBound, {}, "2026-01-01T00:10:00Z");
  CHECK(ready.condition("Ready")->last_transition_time == "2026-01-01T00:10:00Z");
  CHECK(ready.condition("StorageBound")->last_transition_time == "2026-01-01T00:00:00Z");
}

TEST_CASE("database status: REST endpoints and a volume-only database", "[dbstatus]") {
  Built rest = build(resource(R"(,"sqliteRest":{"enabled":true,"authSecret":"jwt"})"), {}, &kAvailable, &kBound);
  CHECK(rest.status.find_path({"endpoints", "rest"})->as_string() == "http://shop-service.team.svc:8080");
  Built volume = build(parse(R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase",
    "metadata":{"name":"v","namespace":"team","generation":1},"spec":{"litestream":{"enabled":false}}})"),
                       {}, nullptr, &kBound);
  CHECK(volume.status.get_string("phase") == "Running");
  CHECK(volume.condition("Ready")->reason == "VolumeOnly");
  CHECK(volume.condition("ReplicationConfigured")->reason == "Disabled");
  CHECK(volume.status.get_int("replicas", -1) == 0);
}

TEST_CASE("database status: a resource being deleted is Terminating", "[dbstatus]") {
  Value cr = resource();
  cr["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  Built b = build(cr, {}, &kAvailable, &kBound);
  CHECK(b.status.get_string("phase") == "Terminating");
  CHECK(b.condition("Ready")->reason == "Deleting");
}
