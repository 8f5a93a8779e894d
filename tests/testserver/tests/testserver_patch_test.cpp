// PATCH: JSON merge patch, JSON patch, strategic merge patch and server-side apply.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

TEST_CASE("merge, JSON and strategic merge patches", "[testserver][patch]") {
  const std::string ns = fresh_namespace();
  REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("cm", "a", "1")).status == 201);
  REQUIRE(api().post(apps_path(ns), deployment("web")).status == 201);

  SECTION("merge patch sets and deletes keys") {
    const Response r = api().patch(ns_path(ns, "configmaps", "cm"), R"({"data":{"a":null,"b":"2"}})",
                                   "application/merge-patch+json");
    REQUIRE(r.status == 200);
    CHECK(r.json().find_path({"data", "a"}) == nullptr);
    CHECK(str(r.json(), {"data", "b"}) == "2");
  }
  SECTION("JSON patch applies operations; a failing test is 422") {
    const Response ok = api().patch(ns_path(ns, "configmaps", "cm"),
                                    R"([{"op":"replace","path":"/data/a","value":"9"}])", "application/json-patch+json");
    REQUIRE(ok.status == 200);
    CHECK(str(ok.json(), {"data", "a"}) == "9");
    const Response bad = api().patch(ns_path(ns, "configmaps", "cm"),
                                     R"([{"op":"test","path":"/data/a","value":"0"}])", "application/json-patch+json");
    CHECK(bad.status == 422);
  }
  SECTION("strategic merge patch merges containers and env by name") {
    const Response r = api().patch(apps_path(ns, "web"),
                                   R"({"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"changed"},{"name":"C","value":"3"}]}]}}}})",
                                   "application/strategic-merge-patch+json");
    INFO(r.body);
    REQUIRE(r.status == 200);
    const json::Value body = r.json();
    const json::Value& c = body.find_path({"spec", "template", "spec", "containers"})->as_array().at(0);
    CHECK(c.get_string("image") == "nginx:1.27");
    const json::Array& env = c.find("env")->as_array();
    REQUIRE(env.size() == 3);
    CHECK(env[0].get_string("name") == "A");
    CHECK(env[1].get_string("value") == "changed");
    CHECK(env[2].get_string("name") == "C");
    CHECK(r.json().find_path({"metadata", "generation"})->as_int() == 2);
  }
  SECTION("a merge patch replaces lists whole") {
    const Response r = api().patch(apps_path(ns, "web"),
                                   R"({"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:2"}]}}}})",
                                   "application/merge-patch+json");
    REQUIRE(r.status == 200);
    const json::Value body = r.json();
    const json::Value& c = body.find_path({"spec", "template", "spec", "containers"})->as_array().at(0);
    CHECK(c.find("env") == nullptr);
  }
  SECTION("a patch carrying a stale resourceVersion is 409") {
    const Response r = api().patch(ns_path(ns, "configmaps", "cm"), R"({"metadata":{"resourceVersion":"1"},"data":{"a":"x"}})",
                                   "application/merge-patch+json");
    CHECK(r.status == 409);
  }
  SECTION("patching a missing object is 404; an unknown patch type is 415") {
    CHECK(api().patch(ns_path(ns, "configmaps", "none"), "{}", "application/merge-patch+json").status == 404);
    const Response r = api().patch(ns_path(ns, "configmaps", "cm"), "{}", "text/plain");
    CHECK(r.status == 415);
    CHECK(str(r.json(), {"reason"}) == "UnsupportedMediaType");
  }
  SECTION("a patch that changes nothing keeps the resourceVersion") {
    const std::string before = rv_of(api().get(ns_path(ns, "configmaps", "cm")).json());
    const Response r = api().patch(ns_path(ns, "configmaps", "cm"), R"({"data":{"a":"1"}})", "application/merge-patch+json");
    REQUIRE(r.status == 200);
    CHECK(rv_of(r.json()) == before);
  }
}

TEST_CASE("server-side apply", "[testserver][patch][apply]") {
  const std::string ns = fresh_namespace();
  const std::string path = ns_path(ns, "configmaps", "applied");
  const std::string config = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"1"}})";

  const Response created = api().patch(path + "?fieldManager=alice", config, "application/apply-patch+yaml");
  INFO(created.body);
  REQUIRE(created.status == 201);
  const json::Value* managed = created.json().find_path({"metadata", "managedFields"});
  REQUIRE(managed);
  CHECK(managed->as_array().at(0).get_string("manager") == "alice");
  CHECK(managed->as_array().at(0).get_string("operation") == "Apply");

  SECTION("applying the same configuration again changes nothing") {
    const Response again = api().patch(path + "?fieldManager=alice", config, "application/apply-patch+yaml");
    REQUIRE(again.status == 200);
    CHECK(rv_of(again.json()) == rv_of(created.json()));
  }
  SECTION("YAML is accepted") {
    const Response r = api().patch(path + "?fieldManager=alice",
                                   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"2\"\n",
                                   "application/apply-patch+yaml");
    REQUIRE(r.status == 200);
    CHECK(str(r.json(), {"data", "a"}) == "2");
  }
  SECTION("another manager changing an owned field conflicts; force takes it over") {
    const std::string other = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"bob"}})";
    const Response conflict = api().patch(path + "?fieldManager=bob", other, "application/apply-patch+yaml");
    INFO(conflict.body);
    REQUIRE(conflict.status == 409);
    CHECK(str(conflict.json(), {"reason"}) == "Conflict");
    CHECK(str(conflict.json(), {"message"}).find("alice") != std::string::npos);
    const Response forced = api().patch(path + "?fieldManager=bob&force=true", other, "application/apply-patch+yaml");
    REQUIRE(forced.status == 200);
    CHECK(str(forced.json(), {"data", "a"}) == "bob");
  }
  SECTION("apply without fieldManager is refused") {
    const Response r = api().patch(path, config, "application/apply-patch+yaml");
    CHECK(r.status == 422);
  }
}
