// When the controller writes a child: desired-state hash plus the subset test against the live object.
#include "host/controller/child_diff.hpp"

#include <catch2/catch.hpp>

using sqlop::controller::desired_with_hash;
using sqlop::controller::is_subset;
using sqlop::controller::kAppliedHashAnnotation;
using sqlop::controller::write_reason;
using sqlop::json::Value;

namespace {

Value parse(const char* text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

Value config_map(const char* data) {
  return parse((std::string(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"db-config","namespace":"a",
    "labels":{"app":"db"}},"data":)") + data + "}").c_str());
}

// What the API server returns for an applied object: our fields plus its own.
Value as_stored(Value object) {
  object["metadata"]["uid"] = "0b1c";
  object["metadata"]["resourceVersion"] = "42";
  object["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  object["metadata"]["managedFields"] = Value::array();
  return object;
}

}  // namespace

TEST_CASE("child diff: the hash annotation is a fixed point and tracks content", "[childdiff]") {
  const Value a = desired_with_hash(config_map(R"({"k":"1"})"));
  const Value* hash = a.find_path({"metadata", "annotations", kAppliedHashAnnotation});
  REQUIRE(hash);
  CHECK(desired_with_hash(a) == a);  // hashing the result again changes nothing
  const Value b = desired_with_hash(config_map(R"({"k":"2"})"));
  CHECK(*b.find_path({"metadata", "annotations", kAppliedHashAnnotation}) != *hash);
}

TEST_CASE("child diff: an unchanged child with server-added fields needs no write", "[childdiff]") {
  const Value desired = desired_with_hash(config_map(R"({"k":"1"})"));
  Value live = as_stored(desired);
  live["metadata"]["labels"]["added-by-someone"] = "x";  // not ours: left alone
  CHECK(write_reason(desired, live).empty());
}

TEST_CASE("child diff: a changed desired state is written, also when it only removes a field", "[childdiff]") {
  const Value before = desired_with_hash(config_map(R"({"k":"1","old":"2"})"));
  const Value live = as_stored(before);
  const Value after = desired_with_hash(config_map(R"({"k":"1"})"));
  CHECK(is_subset(config_map(R"({"k":"1"})"), live));  // a subset test alone would miss the removal...
  CHECK(write_reason(after, live) == "desired state changed");  // ...the hash does not
}

TEST_CASE("child diff: drift in an owned field is written back", "[childdiff]") {
  const Value desired = desired_with_hash(config_map(R"({"k":"1"})"));
  Value edited = as_stored(desired);
  edited["data"]["k"] = "edited by hand";
  CHECK(write_reason(desired, edited) == "live object differs from the desired state");
  Value removed = as_stored(desired);
  removed["metadata"]["labels"].as_object().erase("app");
  CHECK_FALSE(write_reason(desired, removed).empty());
  Value no_hash = as_stored(desired);
  no_hash["metadata"].as_object().erase("annotations");
  CHECK(write_reason(desired, no_hash) == "desired state changed");
}

TEST_CASE("child diff: subset rules for numbers, nulls and lists", "[childdiff]") {
  CHECK(is_subset(parse(R"({"a":1})"), parse(R"({"a":1.0,"b":2})")));
  CHECK_FALSE(is_subset(parse(R"({"a":1})"), parse(R"({"a":"1"})")));
  CHECK(is_subset(parse(R"({"a":null})"), parse(R"({})")));
  CHECK_FALSE(is_subset(parse(R"({"a":[1,2]})"), parse(R"({"a":[1,2,3]})")));  // an extra entry is drift
  CHECK(is_subset(parse(R"({"a":[{"n":"x"}]})"), parse(R"({"a":[{"n":"x","protocol":"TCP"}]})")));  // defaulted
  CHECK_FALSE(is_subset(parse(R"({"a":[{"n":"x"},{"n":"y"}]})"), parse(R"({"a":[{"n":"y"},{"n":"x"}]})")));
}
