// Events on a SqliteDatabase: the object written (checked against the official schema) and the rate limits.
#include "host/controller/event_recorder.hpp"

#include <catch2/catch.hpp>

#include "openapi/builtin_schemas.hpp"
#include "openapi/object_validator.hpp"

using sqlop::controller::EventRecorder;
using sqlop::controller::EventRecorderOptions;
using sqlop::controller::EventType;
using sqlop::json::Value;

namespace {

Value database() {
  return *sqlop::json::parse(R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase",
    "metadata":{"name":"shop","namespace":"team","uid":"u-1","resourceVersion":"7"}})");
}

}  // namespace

TEST_CASE("events: the Event names its object, reason and reporter", "[events]") {
  EventRecorderOptions options;
  options.instance = "host_1234";
  const Value e = EventRecorder::make_event(database(), EventType::Warning, "InvalidSpec",
                                            "spec.database.name: must not contain '/'", options,
                                            "2026-01-01T00:00:00Z", 1);
  CHECK(e.get_string("type") == "Warning");
  CHECK(e.get_string("reason") == "InvalidSpec");
  CHECK(e.find_path({"involvedObject", "uid"})->as_string() == "u-1");
  CHECK(e.find_path({"involvedObject", "kind"})->as_string() == "SqliteDatabase");
  CHECK(e.find_path({"metadata", "namespace"})->as_string() == "team");
  CHECK(e.find_path({"metadata", "name"})->as_string().rfind("shop.", 0) == 0);
  CHECK(e.get_string("reportingInstance") == "host_1234");
  const sqlop::openapi::ObjectValidator validator(sqlop::openapi::builtin_schemas());
  CHECK(sqlop::openapi::to_string(validator.validate(e)) == "");
  const Value other = EventRecorder::make_event(database(), EventType::Normal, "Reconciled", "created x", options,
                                                "2026-01-01T00:00:00Z", 2);
  CHECK(other.find_path({"metadata", "name"})->as_string() != e.find_path({"metadata", "name"})->as_string());
  const Value long_message = EventRecorder::make_event(database(), EventType::Normal, "Reconciled",
                                                       std::string(5000, 'x'), options, "2026-01-01T00:00:00Z", 3);
  CHECK(long_message.get_string("message").size() <= 1024);
}
