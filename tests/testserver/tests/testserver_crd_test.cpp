// CustomResourceDefinitions: establishment, discovery, OpenAPI, validation, defaulting, printer columns.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;
using namespace std::chrono_literals;

namespace {

const char* kCrd = R"({
  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.example.com"},
  "spec": {"group": "example.com", "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
    "versions": [{"name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "additionalPrinterColumns": [
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
        {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"}],
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
          "size": {"type": "integer", "minimum": 1, "default": 3},
          "color": {"type": "string", "enum": ["red", "blue"]}}},
        "status": {"type": "object", "properties": {
          "conditions": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"type": "string"}, "status": {"type": "string"}}}}}}}}}}]}})";

std::string widgets(const std::string& ns, const std::string& name = {}) {
  return "/apis/example.com/v1/namespaces/" + ns + "/widgets" + (name.empty() ? "" : "/" + name);
}

json::Value widget(const std::string& name, const std::string& spec = "{}") {
  return parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":")" + name + R"("},"spec":)" + spec + "}");
}

bool established(ApiClient& c) {
  const Response r = c.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
  if (r.status != 200) return false;
  const json::Value* conditions = r.json().find_path({"status", "conditions"});
  if (!conditions || !conditions->is_array()) return false;
  for (const auto& cond : conditions->as_array()) {
    if (cond.get_string("type") == "Established") return cond.get_string("status") == "True";
  }
  return false;
}

}  // namespace

TEST_CASE("a CRD is established and its resources served", "[testserver][crd]") {
  RunningServer server = start_server();
  ApiClient& c = *server.api;
  const Response created = c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", parse(kCrd));
  INFO(created.body);
  REQUIRE(created.status == 201);
  REQUIRE(eventually([&] { return established(c); }));
  const std::string ns = fresh_namespace(c);

  SECTION("discovery lists the group, the resource, its short names and status subresource") {
    const json::Value list = c.get("/apis/example.com/v1").json();
    bool found = false;
    bool status = false;
    for (const auto& r : list.find("resources")->as_array()) {
      if (r.get_string("name") == "widgets") {
        found = true;
        CHECK(r.get_string("kind") == "Widget");
        CHECK(r.find("shortNames")->as_array().at(0).as_string() == "wd");
      }
      if (r.get_string("name") == "widgets/status") status = true;
    }
    CHECK(found);
    CHECK(status);
    const Response aggregated = c.get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
    CHECK(aggregated.content_type.find("as=APIGroupDiscoveryList") != std::string::npos);
    CHECK(aggregated.body.find("\"widgets\"") != std::string::npos);
  }
  SECTION("the OpenAPI document has the schema and the fieldValidation parameter kubectl looks for") {
    const json::Value index = c.get("/openapi/v3").json();
    const std::string url = str(index, {"paths", "apis/example.com/v1", "serverRelativeURL"});
    REQUIRE_FALSE(url.empty());
    const json::Value doc = c.get(url).json();
    const json::Value* schema = doc.find_path({"components", "schemas", "com.example.v1.Widget"});
    REQUIRE(schema);
    CHECK(schema->find_path({"properties", "spec", "properties", "size"}));
    const json::Value* patch = doc.find_path({"paths", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}", "patch"});
    REQUIRE(patch);
    bool has_field_validation = false;
    for (const auto& p : patch->find("parameters")->as_array()) has_field_validation |= p.get_string("name") == "fieldValidation";
    CHECK(has_field_validation);
    CHECK(patch->find_path({"x-kubernetes-group-version-kind", "kind"})->as_string() == "Widget");
  }
  SECTION("custom resources are defaulted, validated and pruned") {
    const Response r = c.post(widgets(ns), widget("w1", R"({"color":"red","unknown":1})"));
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(r.json().find_path({"spec", "size"})->as_int() == 3);
    CHECK(r.json().find_path({"spec", "unknown"}) == nullptr);
    CHECK(r.warnings() == std::vector<std::string>{"unknown field \"spec.unknown\""});
    CHECK(r.json().find_path({"metadata", "generation"})->as_int() == 1);
    const Response bad = c.post(widgets(ns), widget("w2", R"({"color":"green","size":0})"));
    REQUIRE(bad.status == 422);
    CHECK(str(bad.json(), {"details", "kind"}) == "Widget");
    CHECK(str(bad.json(), {"message"}).find("spec.color") != std::string::npos);
    CHECK(str(bad.json(), {"message"}).find("spec.size") != std::string::npos);
    const Response strict = c.request("POST", widgets(ns) + "?fieldValidation=Strict", json::dump(widget("w3", R"({"unknown":1})")));
    REQUIRE(strict.status == 400);
    CHECK(str(strict.json(), {"message"}) == "strict decoding error: unknown field \"spec.unknown\"");
  }
  SECTION("status subresource and generation for custom resources") {
    json::Value w = c.post(widgets(ns), widget("w1", R"({"size":2})")).json();
    w["status"]["conditions"] = parse(R"([{"type":"Ready","status":"True"}])");
    const Response main = c.put(widgets(ns, "w1"), w);
    REQUIRE(main.status == 200);
    CHECK(main.json().find("status") == nullptr);
    const Response status = c.put(widgets(ns, "w1") + "/status", w);
    REQUIRE(status.status == 200);
    CHECK(status.json().find_path({"metadata", "generation"})->as_int() == 1);
    json::Value spec_change = status.json();
    spec_change["spec"]["size"] = 5;
    CHECK(c.put(widgets(ns, "w1"), spec_change).json().find_path({"metadata", "generation"})->as_int() == 2);

    SECTION("a Table shows the printer columns") {
      const json::Value t = c.get(widgets(ns), "application/json;as=Table;v=v1;g=meta.k8s.io").json();
      const json::Array& cols = t.find("columnDefinitions")->as_array();
      REQUIRE(cols.size() == 3);
      CHECK(cols[1].get_string("name") == "Size");
      CHECK(cols[2].get_string("name") == "Ready");
      const json::Array& cells = t.find("rows")->as_array().at(0).find("cells")->as_array();
      CHECK(cells[0].as_string() == "w1");
      CHECK(cells[1].as_int() == 5);
      CHECK(cells[2].as_string() == "True");
    }
  }
  SECTION("strategic merge patch is not for custom resources") {
    REQUIRE(c.post(widgets(ns), widget("w1")).status == 201);
    const Response r = c.patch(widgets(ns, "w1"), R"({"spec":{"size":4}})", "application/strategic-merge-patch+json");
    CHECK(r.status == 415);
    CHECK(c.patch(widgets(ns, "w1"), R"({"spec":{"size":4}})", "application/merge-patch+json").status == 200);
  }
  SECTION("deleting the CRD deletes its custom resources and stops serving them") {
    REQUIRE(c.post(widgets(ns), widget("w1")).status == 201);
    REQUIRE(c.del("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status == 200);
    CHECK(eventually([&] { return c.get("/apis/example.com/v1").status == 404; }));
    CHECK(c.get(widgets(ns, "w1")).status == 404);
  }
}

TEST_CASE("an invalid CRD is refused with 422", "[testserver][crd]") {
  json::Value crd = parse(kCrd);
  crd["metadata"]["name"] = "wrong.example.com";
  const Response r = api().post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  CHECK(r.status == 422);
}
