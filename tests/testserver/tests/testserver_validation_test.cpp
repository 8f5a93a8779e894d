// fieldValidation=Strict|Warn|Ignore: unknown and duplicate fields, as kubectl relies on.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

namespace {

const char* kUnknown = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","bogus":1},"data":{"a":"1"},"extra":true})";
const char* kDuplicate = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME"},"data":{"a":"1"},"data":{"b":"2"}})";

std::string with_name(const char* text, const std::string& name) {
  std::string s = text;
  s.replace(s.find("NAME"), 4, name);
  return s;
}

}  // namespace

TEST_CASE("fieldValidation", "[testserver][validation]") {
  const std::string ns = fresh_namespace();
  SECTION("Strict refuses unknown fields with every path") {
    const Response r = api().request("POST", ns_path(ns, "configmaps") + "?fieldValidation=Strict", with_name(kUnknown, "s1"));
    REQUIRE(r.status == 400);
    CHECK(str(r.json(), {"reason"}) == "BadRequest");
    const std::string m = str(r.json(), {"message"});
    CHECK(m.rfind("strict decoding error: ", 0) == 0);
    CHECK(m.find("unknown field \"metadata.bogus\"") != std::string::npos);
    CHECK(m.find("unknown field \"extra\"") != std::string::npos);
    CHECK(api().get(ns_path(ns, "configmaps", "s1")).status == 404);
  }
  SECTION("Strict refuses duplicate fields") {
    const Response r = api().request("POST", ns_path(ns, "configmaps") + "?fieldValidation=Strict", with_name(kDuplicate, "s2"));
    REQUIRE(r.status == 400);
    CHECK(str(r.json(), {"message"}) == "strict decoding error: duplicate field \"data\"");
  }
  SECTION("Warn (the default) accepts, warns and drops unknown fields") {
    const Response r = api().request("POST", ns_path(ns, "configmaps"), with_name(kUnknown, "w1"));
    REQUIRE(r.status == 201);
    const auto warnings = r.warnings();
    CHECK(std::find(warnings.begin(), warnings.end(), "unknown field \"extra\"") != warnings.end());
    CHECK(std::find(warnings.begin(), warnings.end(), "unknown field \"metadata.bogus\"") != warnings.end());
    CHECK(r.json().find("extra") == nullptr);
    CHECK(r.json().find_path({"metadata", "bogus"}) == nullptr);
  }
  SECTION("Warn keeps the last duplicate") {
    const Response r = api().request("POST", ns_path(ns, "configmaps") + "?fieldValidation=Warn", with_name(kDuplicate, "w2"));
    REQUIRE(r.status == 201);
    CHECK(r.warnings() == std::vector<std::string>{"duplicate field \"data\""});
    CHECK(str(r.json(), {"data", "b"}) == "2");
    CHECK(r.json().find_path({"data", "a"}) == nullptr);
  }
  SECTION("Ignore drops silently") {
    const Response r = api().request("POST", ns_path(ns, "configmaps") + "?fieldValidation=Ignore", with_name(kUnknown, "i1"));
    REQUIRE(r.status == 201);
    CHECK(r.warnings().empty());
    CHECK(r.json().find("extra") == nullptr);
  }
  SECTION("an invalid directive is refused") {
    const Response r = api().request("POST", ns_path(ns, "configmaps") + "?fieldValidation=Loose", with_name(kUnknown, "x"));
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
  }
  SECTION("unknown fields deep in a Deployment are found") {
    json::Value d = deployment("deep");
    d["spec"]["template"]["spec"]["containers"].as_array()[0]["imagePullPolice"] = "Always";
    const Response r = api().request("POST", apps_path(ns) + "?fieldValidation=Strict", json::dump(d));
    REQUIRE(r.status == 400);
    CHECK(str(r.json(), {"message"}) ==
          "strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolice\"");
  }
  SECTION("a value of the wrong type cannot be decoded") {
    json::Value d = deployment("typed");
    d["spec"]["replicas"] = "three";
    const Response r = api().post(apps_path(ns), d);
    CHECK(r.status == 400);
  }
}
