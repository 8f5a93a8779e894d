// The server's pure parts: request paths, media types, JSONPath, duplicate fields, continue tokens, base64.
#include <catch2/catch.hpp>

#include "server/base64.hpp"
#include "server/body_decoding.hpp"
#include "server/ids_and_time.hpp"
#include "server/json_path.hpp"
#include "server/list_options.hpp"
#include "server/media_types.hpp"
#include "server/request_info.hpp"
#include "server/resource_table.hpp"

namespace ts = sqlop::testserver;
namespace json = sqlop::json;

TEST_CASE("resource request paths", "[testserver][parts]") {
  const ts::QueryParams none;
  auto ri = ts::parse_resource_request("GET", "/api/v1/namespaces/ns1/configmaps/cm", none);
  REQUIRE(ri);
  CHECK(ri->group.empty());
  CHECK(ri->version == "v1");
  CHECK(ri->namespace_ == "ns1");
  CHECK(ri->resource == "configmaps");
  CHECK(ri->name == "cm");
  CHECK(ri->verb == "get");

  ri = ts::parse_resource_request("GET", "/apis/apps/v1/namespaces/ns1/deployments", ts::parse_query("watch=true"));
  REQUIRE(ri);
  CHECK(ri->group == "apps");
  CHECK(ri->verb == "watch");

  ri = ts::parse_resource_request("PUT", "/apis/apps/v1/namespaces/ns1/deployments/d/status", none);
  REQUIRE(ri);
  CHECK(ri->subresource == "status");
  CHECK(ri->verb == "update");

  ri = ts::parse_resource_request("GET", "/api/v1/namespaces/ns1", none);
  REQUIRE(ri);
  CHECK(ri->resource == "namespaces");
  CHECK(ri->name == "ns1");
  CHECK(ri->namespace_.empty());

  ri = ts::parse_resource_request("PUT", "/api/v1/namespaces/ns1/finalize", none);
  REQUIRE(ri);
  CHECK(ri->resource == "namespaces");
  CHECK(ri->name == "ns1");
  CHECK(ri->subresource == "finalize");

  ri = ts::parse_resource_request("GET", "/api/v1/watch/namespaces/ns1/pods", none);
  REQUIRE(ri);
  CHECK(ri->verb == "watch");
  CHECK(ri->resource == "pods");

  ri = ts::parse_resource_request("DELETE", "/api/v1/namespaces/ns1/pods", none);
  REQUIRE(ri);
  CHECK(ri->verb == "deletecollection");

  CHECK_FALSE(ts::parse_resource_request("GET", "/version", none));
  CHECK_FALSE(ts::parse_resource_request("GET", "/apis/apps", none));
}

TEST_CASE("query strings are decoded", "[testserver][parts]") {
  const auto q = ts::parse_query("labelSelector=app%3Dweb%2Ctier+in+(a)&watch=1&empty=");
  CHECK(ts::query_value(q, "labelSelector") == "app=web,tier in (a)");
  CHECK(ts::query_flag(q, "watch"));
  CHECK(ts::query_value(q, "empty").empty());
  CHECK(ts::query_value(q, "missing", "fallback") == "fallback");
}

TEST_CASE("Accept negotiation", "[testserver][parts]") {
  CHECK(ts::choose_rendering("") == ts::Rendering::Object);
  CHECK(ts::choose_rendering("application/json") == ts::Rendering::Object);
  CHECK(ts::choose_rendering("application/json;as=Table;v=v1;g=meta.k8s.io,application/json") == ts::Rendering::Table);
  CHECK(ts::choose_rendering("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io") ==
        ts::Rendering::PartialObjectMetadata);
  CHECK(ts::choose_rendering("application/vnd.kubernetes.protobuf") == ts::Rendering::NotAcceptable);
  CHECK(ts::choose_rendering("application/vnd.kubernetes.protobuf,application/json") == ts::Rendering::Object);
  CHECK(ts::choose_discovery_format("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json") ==
        ts::DiscoveryFormat::AggregatedV2);
  CHECK(ts::choose_discovery_format("application/json") == ts::DiscoveryFormat::Legacy);
}

TEST_CASE("JSONPath for printer columns", "[testserver][parts]") {
  const json::Value obj = *json::parse(R"({"status":{"phase":"Ready","conditions":[{"type":"A","status":"False"},
      {"type":"Ready","status":"True"}],"n":3},"items":[1,2]})");
  CHECK(ts::evaluate_json_path(obj, ".status.phase") == std::vector<json::Value>{"Ready"});
  CHECK(ts::evaluate_json_path(obj, ".status.conditions[?(@.type==\"Ready\")].status") == std::vector<json::Value>{"True"});
  CHECK(ts::evaluate_json_path(obj, "{.status.n}") == std::vector<json::Value>{3});
  CHECK(ts::evaluate_json_path(obj, ".items[1]") == std::vector<json::Value>{2});
  CHECK(ts::evaluate_json_path(obj, ".items[*]").size() == 2);
  CHECK(ts::evaluate_json_path(obj, ".status.missing").empty());
}

TEST_CASE("duplicate fields are found with their paths", "[testserver][parts]") {
  CHECK(ts::find_duplicate_fields(R"({"a":1,"b":{"c":1,"c":2},"l":[{"x":1,"x":2}],"a":3})") ==
        std::vector<std::string>{"b.c", "l[0].x", "a"});
  CHECK(ts::find_duplicate_fields(R"({"a":"\"a\"","b":[1,2]})").empty());
}

TEST_CASE("continue tokens round-trip", "[testserver][parts]") {
  const std::string token = ts::encode_continue(42, "ns/name");
  const auto decoded = ts::decode_continue(token);
  REQUIRE(decoded);
  CHECK(decoded->first == 42);
  CHECK(decoded->second == "ns/name");
  CHECK_FALSE(ts::decode_continue("not-a-token"));
}

TEST_CASE("base64 as Go encodes byte slices", "[testserver][parts]") {
  CHECK(ts::base64_encode("hello") == "aGVsbG8=");
  CHECK(ts::base64_encode("") == "");
  CHECK(ts::base64_decode("aGVsbG8=") == std::optional<std::string>("hello"));
  CHECK_FALSE(ts::base64_decode("aGVsbG8"));
  CHECK_FALSE(ts::base64_decode("%%%%"));
}

TEST_CASE("Kubernetes version ordering and ages", "[testserver][parts]") {
  CHECK(ts::version_precedes("v1", "v1beta1"));
  CHECK(ts::version_precedes("v2", "v1"));
  CHECK(ts::version_precedes("v1beta2", "v1beta1"));
  CHECK(ts::version_precedes("v1alpha1", "custom"));
  CHECK(ts::human_duration(5) == "5s");
  CHECK(ts::human_duration(150) == "2m30s");
  CHECK(ts::human_duration(3 * 3600) == "3h");
  CHECK(ts::human_duration(3 * 86400) == "3d");
}
