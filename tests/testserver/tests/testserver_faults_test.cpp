// Fault injection and request counters under /_testserver/.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;
using namespace std::chrono_literals;

TEST_CASE("fault injection", "[testserver][faults]") {
  RunningServer server = start_server();
  ApiClient& c = *server.api;
  const std::string ns = fresh_namespace(c);

  SECTION("failNext with 429 answers TooManyRequests with Retry-After, then recovers") {
    set_faults(c, R"({"failNext":2,"errorCode":429,"retryAfterSeconds":3})");
    for (int i = 0; i < 2; ++i) {
      const Response r = c.get(ns_path(ns, "configmaps"));
      REQUIRE(r.status == 429);
      CHECK(r.header("retry-after") == "3");
      CHECK(str(r.json(), {"reason"}) == "TooManyRequests");
      CHECK(r.json().find_path({"details", "retryAfterSeconds"})->as_int() == 3);
    }
    CHECK(c.get(ns_path(ns, "configmaps")).status == 200);
  }
  SECTION("errorRate 1 for creates of configmaps only") {
    set_faults(c, R"({"errorRate":1.0,"errorCode":500,"verbs":["create"],"resources":["configmaps"]})");
    const Response r = c.post(ns_path(ns, "configmaps"), configmap("x"));
    REQUIRE(r.status == 500);
    CHECK(str(r.json(), {"reason"}) == "InternalError");
    CHECK(c.get(ns_path(ns, "configmaps")).status == 200);
    CHECK(c.post(ns_path(ns, "secrets"), parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}})")).status == 201);
  }
  SECTION("a share of requests fails") {
    set_faults(c, R"({"errorRate":0.5,"seed":7,"verbs":["list"]})");
    int failed = 0;
    for (int i = 0; i < 40; ++i) failed += c.get(ns_path(ns, "configmaps")).status == 500 ? 1 : 0;
    CHECK(failed > 5);
    CHECK(failed < 35);
  }
  SECTION("latency") {
    set_faults(c, R"({"latencyMs":300,"verbs":["get"]})");
    const auto started = std::chrono::steady_clock::now();
    c.get("/api/v1/namespaces/default");
    CHECK(std::chrono::steady_clock::now() - started >= 290ms);
  }
  SECTION("conflictNextUpdates fails the next update with 409") {
    const json::Value cm = c.post(ns_path(ns, "configmaps"), configmap("cm")).json();
    set_faults(c, R"({"conflictNextUpdates":1})");
    CHECK(c.put(ns_path(ns, "configmaps", "cm"), cm).status == 409);
    CHECK(c.put(ns_path(ns, "configmaps", "cm"), cm).status == 200);
  }
  SECTION("cutWatchAfterEvents ends streams after N events") {
    for (int i = 0; i < 4; ++i) REQUIRE(c.post(ns_path(ns, "configmaps"), configmap("c" + std::to_string(i))).status == 201);
    set_faults(c, R"({"cutWatchAfterEvents":2})");
    auto w = c.watch(ns_path(ns, "configmaps") + "?watch=true");
    CHECK(w->next(2000ms));
    CHECK(w->next(2000ms));
    CHECK(w->ended(2000ms));
  }
  SECTION("goneNextWatch: as an ERROR event, then as a 410 response") {
    set_faults(c, R"({"goneNextWatch":true})");
    auto w = c.watch(ns_path(ns, "configmaps") + "?watch=true&resourceVersion=1");
    REQUIRE(w->status() == 200);
    const auto ev = w->next(2000ms);
    REQUIRE(ev);
    CHECK(str(*ev, {"type"}) == "ERROR");
    CHECK(ev->find_path({"object", "code"})->as_int() == 410);
    set_faults(c, R"({"goneNextWatch":true,"goneMode":"response"})");
    auto w2 = c.watch(ns_path(ns, "configmaps") + "?watch=true&resourceVersion=1");
    CHECK(w2->status() == 410);
    // Only the next watch was affected.
    auto w3 = c.watch(ns_path(ns, "configmaps") + "?watch=true");
    CHECK(w3->status() == 200);
  }
  SECTION("a malformed fault configuration is refused") {
    CHECK(c.request("PUT", "/_testserver/faults", R"({"errorRate":2})").status == 400);
    CHECK(c.request("PUT", "/_testserver/faults", R"({"nonsense":1})").status == 400);
  }
}

TEST_CASE("request counters by verb and resource", "[testserver][faults]") {
  RunningServer server = start_server();
  ApiClient& c = *server.api;
  REQUIRE(c.request("DELETE", "/_testserver/counters").status == 200);
  c.get("/api/v1/namespaces/default/configmaps");
  c.get("/api/v1/namespaces/default/configmaps");
  c.post("/api/v1/namespaces/default/configmaps", configmap("counted"));
  c.get("/apis/apps/v1/namespaces/default/deployments/none");
  c.get("/version");
  const json::Value counters = c.get("/_testserver/counters").json();
  CHECK(counters.find_path({"requests", "list configmaps"})->as_int() == 2);
  CHECK(counters.find_path({"requests", "create configmaps"})->as_int() == 1);
  CHECK(counters.find_path({"requests", "get deployments.apps"})->as_int() == 1);
  CHECK(counters.find_path({"requests", "get /version"})->as_int() == 1);
  CHECK(counters.get_int("total", 0) == 5);
}
