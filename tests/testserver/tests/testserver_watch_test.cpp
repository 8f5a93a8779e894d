// watch: events from a resourceVersion, initial state, bookmarks, timeouts, 410, selectors.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;
using namespace std::chrono_literals;

namespace {

json::Value next_event(WatchStream& w, std::chrono::milliseconds timeout = 3000ms) {
  auto ev = w.next(timeout);
  REQUIRE(ev);
  return *ev;
}

// The next event that is not a BOOKMARK.
json::Value next_change(WatchStream& w) {
  for (;;) {
    json::Value ev = next_event(w);
    if (str(ev, {"type"}) != "BOOKMARK") return ev;
  }
}

}  // namespace

TEST_CASE("watch streams changes in order", "[testserver][watch]") {
  const std::string ns = fresh_namespace();
  const std::string start = rv_of(api().get(ns_path(ns, "configmaps")).json());
  auto w = api().watch(ns_path(ns, "configmaps") + "?watch=true&resourceVersion=" + start);
  REQUIRE(w->status() == 200);

  const Response created = api().post(ns_path(ns, "configmaps"), configmap("w1"));
  json::Value cm = created.json();
  cm["data"]["k"] = "v2";
  const Response updated = api().put(ns_path(ns, "configmaps", "w1"), cm);
  REQUIRE(api().del(ns_path(ns, "configmaps", "w1")).status == 200);

  const json::Value added = next_change(*w);
  CHECK(str(added, {"type"}) == "ADDED");
  CHECK(str(added, {"object", "kind"}) == "ConfigMap");
  CHECK(rv_of(*added.find("object")) == rv_of(created.json()));
  const json::Value modified = next_change(*w);
  CHECK(str(modified, {"type"}) == "MODIFIED");
  CHECK(str(modified, {"object", "data", "k"}) == "v2");
  const json::Value deleted = next_change(*w);
  CHECK(str(deleted, {"type"}) == "DELETED");
  CHECK(std::stoll(rv_of(*deleted.find("object"))) > std::stoll(rv_of(updated.json())));
}

TEST_CASE("watch variants", "[testserver][watch]") {
  const std::string ns = fresh_namespace();
  REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("existing")).status == 201);

  SECTION("without a resourceVersion the current objects come first as ADDED") {
    auto w = api().watch(ns_path(ns, "configmaps") + "?watch=1");
    const json::Value first = next_change(*w);
    CHECK(str(first, {"type"}) == "ADDED");
    CHECK(str(first, {"object", "metadata", "name"}) == "existing");
  }
  SECTION("bookmarks carry only the resourceVersion") {
    const std::string rv = rv_of(api().get(ns_path(ns, "configmaps")).json());
    auto w = api().watch(ns_path(ns, "configmaps") + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv);
    const json::Value ev = next_event(*w);
    CHECK(str(ev, {"type"}) == "BOOKMARK");
    CHECK(str(ev, {"object", "kind"}) == "ConfigMap");
    CHECK(std::stoll(rv_of(*ev.find("object"))) >= std::stoll(rv));
    CHECK(ev.find_path({"object", "data"}) == nullptr);
  }
  SECTION("timeoutSeconds ends the stream") {
    const auto started = std::chrono::steady_clock::now();
    auto w = api().watch(ns_path(ns, "configmaps") + "?watch=true&timeoutSeconds=1&resourceVersion=" +
                         rv_of(api().get(ns_path(ns, "configmaps")).json()));
    CHECK(w->ended(5000ms));
    CHECK(std::chrono::steady_clock::now() - started >= 900ms);
  }
  SECTION("a label-selected watch sees an object leave the selection as DELETED") {
    json::Value cm = configmap("sel");
    cm["metadata"]["labels"]["app"] = "x";
    const Response created = api().post(ns_path(ns, "configmaps"), cm);
    auto w = api().watch(ns_path(ns, "configmaps") + "?watch=true&labelSelector=app%3Dx&resourceVersion=" + rv_of(created.json()));
    json::Value next = created.json();
    next["metadata"]["labels"]["app"] = "y";
    REQUIRE(api().put(ns_path(ns, "configmaps", "sel"), next).status == 200);
    const json::Value ev = next_change(*w);
    CHECK(str(ev, {"type"}) == "DELETED");
    CHECK(str(ev, {"object", "metadata", "labels", "app"}) == "y");
  }
  SECTION("sendInitialEvents ends the initial ADDED events with a marked BOOKMARK") {
    auto w = api().watch(ns_path(ns, "configmaps") +
                         "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
    CHECK(str(next_event(*w), {"type"}) == "ADDED");
    const json::Value marker = next_event(*w);
    CHECK(str(marker, {"type"}) == "BOOKMARK");
    CHECK(str(marker, {"object", "metadata", "annotations", "k8s.io/initial-events-end"}) == "true");
  }
  SECTION("a Table watch sends column definitions once") {
    auto w = api().watch(ns_path(ns, "configmaps") + "?watch=true", "application/json;as=Table;v=v1;g=meta.k8s.io");
    const json::Value first = next_event(*w);
    CHECK(str(first, {"object", "kind"}) == "Table");
    CHECK(first.find_path({"object", "columnDefinitions"})->is_array());
    REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("second")).status == 201);
    const json::Value second = next_event(*w);
    CHECK(second.find_path({"object", "columnDefinitions"})->is_null());
    CHECK(second.find_path({"object", "rows"})->as_array().at(0).find("cells")->as_array().at(0).as_string() == "second");
  }
}

TEST_CASE("watch from a resourceVersion older than the history is 410 Gone", "[testserver][watch]") {
  RunningServer server = start_server({"--watch-history", "3"});
  ApiClient& c = *server.api;
  const std::string ns = fresh_namespace(c);
  const std::string old_rv = rv_of(c.get(ns_path(ns, "configmaps")).json());
  for (int i = 0; i < 5; ++i) REQUIRE(c.post(ns_path(ns, "configmaps"), configmap("c" + std::to_string(i))).status == 201);
  auto w = c.watch(ns_path(ns, "configmaps") + "?watch=true&resourceVersion=" + old_rv);
  REQUIRE(w->status() == 200);
  const json::Value ev = next_event(*w);
  CHECK(str(ev, {"type"}) == "ERROR");
  CHECK(ev.find_path({"object", "code"})->as_int() == 410);
  CHECK(str(ev, {"object", "reason"}) == "Expired");
  CHECK(str(ev, {"object", "message"}).rfind("too old resource version: " + old_rv, 0) == 0);
  CHECK(w->ended(2000ms));

  SECTION("a recent resourceVersion still works") {
    const std::string rv = rv_of(c.get(ns_path(ns, "configmaps")).json());
    auto ok = c.watch(ns_path(ns, "configmaps") + "?watch=true&resourceVersion=" + rv);
    REQUIRE(c.post(ns_path(ns, "configmaps"), configmap("after")).status == 201);
    CHECK(str(next_event(*ok), {"type"}) == "ADDED");
  }
}
