// The request counters attribute calls to their client: GET /_testserver/counters lists each distinct
// request shape with its User-Agent and authorization attributes (the object's name included), and
// ?userAgent=PREFIX restricts the answer to one client, so a test can check an operator's calls against its
// RBAC.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

namespace {

sqlop::testserver::client::RequestOptions as_client(const std::string& user_agent, const std::string& content_type = "application/json") {
  sqlop::testserver::client::RequestOptions o;
  o.content_type = content_type;
  o.headers["User-Agent"] = user_agent;
  return o;
}

// The count of the call of `counters` with exactly these attributes (0 when there is none).
std::int64_t calls_matching(const json::Value& counters, const std::map<std::string, std::string>& attributes) {
  std::int64_t n = 0;
  for (const json::Value& call : counters.find("calls")->as_array()) {
    bool match = true;
    for (const auto& [k, v] : attributes) match = match && call.get_string(k) == v;
    if (match) n += call.get_int("count", 0);
  }
  return n;
}

}  // namespace

TEST_CASE("request counters attribute calls to the client's User-Agent", "[testserver][counters]") {
  RunningServer server = start_server();
  ApiClient& c = *server.api;
  const std::string ns = fresh_namespace(c);
  REQUIRE(c.request("DELETE", "/_testserver/counters").status == 200);

  const std::string op = "sqlite-operator/0.1.0";
  REQUIRE(c.request("POST", ns_path(ns, "configmaps"), json::dump(configmap("cm")), as_client(op)).status == 201);
  REQUIRE(c.request("GET", "/api/v1/configmaps", {}, as_client(op)).status == 200);
  const std::string apply = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"w"}})";
  REQUIRE(c.request("PATCH", ns_path(ns, "configmaps", "cm") + "?fieldManager=sqlite-operator&force=true", apply,
                    as_client(op, "application/apply-patch+yaml; charset=utf-8"))
              .status == 200);
  REQUIRE(c.request("GET", "/version", {}, as_client(op)).status == 200);
  c.get(ns_path(ns, "configmaps", "cm"));  // another client (kube-testserver-client/1.0)

  SECTION("every call names its client, verb, group, resource, namespace, object name and patch type") {
    const json::Value all = c.get("/_testserver/counters").json();
    CHECK(all.get_int("total", 0) == 5);
    CHECK(calls_matching(all, {{"userAgent", op}, {"verb", "create"}, {"group", ""}, {"resource", "configmaps"},
                               {"namespace", ns}, {"name", ""}, {"patchType", ""}}) == 1);
    CHECK(calls_matching(all, {{"userAgent", op}, {"verb", "list"}, {"resource", "configmaps"}, {"namespace", ""}}) == 1);
    CHECK(calls_matching(all, {{"userAgent", op}, {"verb", "patch"}, {"resource", "configmaps"}, {"namespace", ns},
                               {"name", "cm"}, {"patchType", "application/apply-patch+yaml"}}) == 1);
    // The name is what a rule's resourceNames is matched against: a list names no object.
    CHECK(calls_matching(all, {{"userAgent", op}, {"verb", "list"}, {"name", ""}}) == 1);
    CHECK(calls_matching(all, {{"userAgent", op}, {"verb", "get"}, {"resource", ""}, {"path", "/version"}}) == 1);
    CHECK(calls_matching(all, {{"userAgent", "kube-testserver-client/1.0"}, {"verb", "get"}, {"resource", "configmaps"}}) == 1);
    // The per-verb summary still counts every client.
    CHECK(all.find_path({"requests", "get configmaps"})->as_int() == 1);
    CHECK(all.find_path({"requests", "patch configmaps"})->as_int() == 1);
  }
  SECTION("?userAgent=PREFIX keeps only that client's requests") {
    const json::Value mine = c.get("/_testserver/counters?userAgent=sqlite-operator%2F").json();
    CHECK(mine.get_int("total", 0) == 4);
    CHECK(mine.find_path({"requests", "get configmaps"}) == nullptr);
    CHECK(mine.find_path({"requests", "create configmaps"})->as_int() == 1);
    for (const json::Value& call : mine.find("calls")->as_array()) CHECK(call.get_string("userAgent") == op);
    CHECK(c.get("/_testserver/counters?userAgent=nobody").json().get_int("total", -1) == 0);
  }
  SECTION("DELETE resets the calls too") {
    REQUIRE(c.request("DELETE", "/_testserver/counters").status == 200);
    const json::Value after = c.get("/_testserver/counters").json();
    CHECK(after.get_int("total", -1) == 0);  // admin requests are not counted
    CHECK(after.find("calls")->as_array().empty());
  }
}
