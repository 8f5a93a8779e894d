// delete: finalizers, propagationPolicy and ownerReference garbage collection, namespaces.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

namespace {

json::Value owned_configmap(const std::string& name, const json::Value& owner, bool block) {
  json::Value cm = configmap(name);
  json::Value ref = json::Value::object();
  ref["apiVersion"] = owner.get_string("apiVersion");
  ref["kind"] = owner.get_string("kind");
  ref["name"] = str(owner, {"metadata", "name"});
  ref["uid"] = str(owner, {"metadata", "uid"});
  ref["controller"] = true;
  ref["blockOwnerDeletion"] = block;
  cm["metadata"]["ownerReferences"].push_back(ref);
  return cm;
}

bool exists(const std::string& path) { return api().get(path).status == 200; }

}  // namespace

TEST_CASE("finalizers hold deletion", "[testserver][delete]") {
  const std::string ns = fresh_namespace();
  json::Value cm = configmap("held");
  cm["metadata"]["finalizers"].push_back("example.com/hold");
  REQUIRE(api().post(ns_path(ns, "configmaps"), cm).status == 201);

  const Response deleted = api().del(ns_path(ns, "configmaps", "held"));
  REQUIRE(deleted.status == 200);
  CHECK_FALSE(str(deleted.json(), {"metadata", "deletionTimestamp"}).empty());
  CHECK(deleted.json().find_path({"metadata", "deletionGracePeriodSeconds"})->as_int() == 0);
  const Response still = api().get(ns_path(ns, "configmaps", "held"));
  REQUIRE(still.status == 200);

  SECTION("no new finalizer may be added while deleting") {
    json::Value next = still.json();
    next["metadata"]["finalizers"].push_back("example.com/another");
    const Response r = api().put(ns_path(ns, "configmaps", "held"), next);
    REQUIRE(r.status == 422);
    CHECK(str(r.json(), {"message"}).find("no new finalizers can be added if the object is being deleted") != std::string::npos);
  }
  SECTION("removing the last finalizer deletes the object") {
    const Response r = api().patch(ns_path(ns, "configmaps", "held"), R"({"metadata":{"finalizers":null}})",
                                   "application/merge-patch+json");
    REQUIRE(r.status == 200);
    CHECK(api().get(ns_path(ns, "configmaps", "held")).status == 404);
  }
}

TEST_CASE("garbage collection of dependents", "[testserver][delete][gc]") {
  const std::string ns = fresh_namespace();
  const json::Value owner = api().post(apps_path(ns), deployment("owner")).json();
  REQUIRE_FALSE(str(owner, {"metadata", "uid"}).empty());
  REQUIRE(api().post(ns_path(ns, "configmaps"), owned_configmap("dep", owner, true)).status == 201);
  REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("unrelated")).status == 201);

  SECTION("background: the owner goes at once, dependents after") {
    const Response r = api().del(apps_path(ns, "owner"));
    REQUIRE(r.status == 200);
    CHECK_FALSE(exists(apps_path(ns, "owner")));
    CHECK(eventually([&] { return !exists(ns_path(ns, "configmaps", "dep")); }));
    CHECK(exists(ns_path(ns, "configmaps", "unrelated")));
  }
  SECTION("foreground: the owner waits for its blocking dependents") {
    const Response r = api().request("DELETE", apps_path(ns, "owner"), R"({"propagationPolicy":"Foreground"})");
    REQUIRE(r.status == 200);
    const json::Value marked = r.json();
    CHECK_FALSE(str(marked, {"metadata", "deletionTimestamp"}).empty());
    CHECK(marked.find_path({"metadata", "finalizers"})->as_array().at(0).as_string() == "foregroundDeletion");
    CHECK(eventually([&] { return !exists(ns_path(ns, "configmaps", "dep")) && !exists(apps_path(ns, "owner")); }));
  }
  SECTION("foreground with a dependent that has its own finalizer keeps the owner") {
    json::Value held = owned_configmap("held-dep", owner, true);
    held["metadata"]["finalizers"].push_back("example.com/hold");
    REQUIRE(api().post(ns_path(ns, "configmaps"), held).status == 201);
    REQUIRE(api().del(apps_path(ns, "owner") + "?propagationPolicy=Foreground").status == 200);
    CHECK(eventually([&] { return !exists(ns_path(ns, "configmaps", "dep")); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(exists(apps_path(ns, "owner")));
    REQUIRE(api().patch(ns_path(ns, "configmaps", "held-dep"), R"({"metadata":{"finalizers":null}})",
                        "application/merge-patch+json").status == 200);
    CHECK(eventually([&] { return !exists(apps_path(ns, "owner")); }));
  }
  SECTION("orphan: dependents stay and lose the owner reference") {
    REQUIRE(api().del(apps_path(ns, "owner") + "?propagationPolicy=Orphan").status == 200);
    CHECK(eventually([&] { return !exists(apps_path(ns, "owner")); }));
    const Response dep = api().get(ns_path(ns, "configmaps", "dep"));
    REQUIRE(dep.status == 200);
    CHECK(dep.json().find_path({"metadata", "ownerReferences"}) == nullptr);
  }
  SECTION("a dependent whose owner uid does not match is collected") {
    json::Value stale = owner;
    stale["metadata"]["uid"] = "00000000-0000-4000-8000-000000000000";
    REQUIRE(api().post(ns_path(ns, "configmaps"), owned_configmap("stale", stale, false)).status == 201);
    CHECK(eventually([&] { return !exists(ns_path(ns, "configmaps", "stale")); }));
    CHECK(exists(ns_path(ns, "configmaps", "dep")));
  }
}

TEST_CASE("namespace deletion removes its content", "[testserver][delete][namespace]") {
  const std::string ns = fresh_namespace();
  REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("a")).status == 201);
  json::Value held = configmap("held");
  held["metadata"]["finalizers"].push_back("example.com/hold");
  REQUIRE(api().post(ns_path(ns, "configmaps"), held).status == 201);

  const Response r = api().del("/api/v1/namespaces/" + ns);
  REQUIRE(r.status == 200);
  CHECK(str(r.json(), {"status", "phase"}) == "Terminating");
  CHECK(eventually([&] { return !exists(ns_path(ns, "configmaps", "a")); }));
  const Response refused = api().post(ns_path(ns, "configmaps"), configmap("late"));
  REQUIRE(refused.status == 403);
  CHECK(str(refused.json(), {"message"}) == "unable to create new content in namespace " + ns + " because it is being terminated");
  CHECK(exists("/api/v1/namespaces/" + ns));
  REQUIRE(api().patch(ns_path(ns, "configmaps", "held"), R"({"metadata":{"finalizers":null}})",
                      "application/merge-patch+json").status == 200);
  CHECK(eventually([&] { return !exists("/api/v1/namespaces/" + ns); }));
  CHECK(api().del("/api/v1/namespaces/default").status == 403);
}

TEST_CASE("deletecollection with a label selector", "[testserver][delete]") {
  const std::string ns = fresh_namespace();
  for (const char* name : {"x1", "x2", "y1"}) {
    json::Value cm = configmap(name);
    cm["metadata"]["labels"]["group"] = std::string(name).substr(0, 1);
    REQUIRE(api().post(ns_path(ns, "configmaps"), cm).status == 201);
  }
  REQUIRE(api().del(ns_path(ns, "configmaps") + "?labelSelector=group%3Dx").status == 200);
  const json::Value list = api().get(ns_path(ns, "configmaps")).json();
  REQUIRE(list.find("items")->as_array().size() == 1);
  CHECK(str(list.find("items")->as_array()[0], {"metadata", "name"}) == "y1");
}
