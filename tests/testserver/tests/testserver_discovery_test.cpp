// Discovery and OpenAPI, as kubectl reads them.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

TEST_CASE("discovery documents", "[testserver][discovery]") {
  SECTION("/version") {
    const json::Value v = api().get("/version").json();
    CHECK(v.get_string("major") == "1");
    CHECK(v.get_string("minor") == "35");
    CHECK(v.get_string("gitVersion").rfind("v1.35", 0) == 0);
  }
  SECTION("legacy /api and /api/v1") {
    CHECK(api().get("/api").json().find("versions")->as_array().at(0).as_string() == "v1");
    const json::Value list = api().get("/api/v1").json();
    CHECK(list.get_string("groupVersion") == "v1");
    std::vector<std::string> names;
    for (const auto& r : list.find("resources")->as_array()) names.push_back(r.get_string("name"));
    for (const char* expected : {"namespaces", "configmaps", "secrets", "services", "persistentvolumeclaims", "pods",
                                 "events", "serviceaccounts", "pods/status", "namespaces/finalize"}) {
      CHECK(std::find(names.begin(), names.end(), expected) != names.end());
    }
  }
  SECTION("/apis lists the builtin groups with preferred versions") {
    const json::Value groups = api().get("/apis").json();
    std::vector<std::string> names;
    for (const auto& g : groups.find("groups")->as_array()) {
      names.push_back(g.get_string("name"));
      CHECK(g.find_path({"preferredVersion", "version"}));
    }
    for (const char* expected : {"apps", "networking.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io"}) {
      CHECK(std::find(names.begin(), names.end(), expected) != names.end());
    }
    CHECK(api().get("/apis/apps").json().get_string("kind") == "APIGroup");
    CHECK(api().get("/apis/nothing.example.com").status == 404);
  }
  SECTION("aggregated discovery when asked for it") {
    const Response r = api().get("/api", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const json::Value doc = r.json();
    CHECK(doc.get_string("kind") == "APIGroupDiscoveryList");
    const json::Value& v1 = doc.find("items")->as_array().at(0).find("versions")->as_array().at(0);
    bool pods = false;
    for (const auto& res : v1.find("resources")->as_array()) {
      if (res.get_string("resource") != "pods") continue;
      pods = true;
      CHECK(res.get_string("scope") == "Namespaced");
      CHECK(str(res, {"responseKind", "kind"}) == "Pod");
      CHECK(res.find("subresources")->as_array().at(0).get_string("subresource") == "status");
    }
    CHECK(pods);
  }
  SECTION("/openapi/v3 serves the builtin documents byte for byte with their hash") {
    const json::Value index = api().get("/openapi/v3").json();
    const std::string url = str(index, {"paths", "apis/apps/v1", "serverRelativeURL"});
    REQUIRE(url.rfind("/openapi/v3/apis/apps/v1?hash=", 0) == 0);
    const Response doc = api().get(url);
    REQUIRE(doc.status == 200);
    CHECK(doc.json().find_path({"components", "schemas", "io.k8s.api.apps.v1.Deployment"}));
    CHECK(str(index, {"paths", "apis/batch/v1", "serverRelativeURL"}).empty());  // not served here
    CHECK(api().get("/openapi/v2").status == 404);
  }
}
