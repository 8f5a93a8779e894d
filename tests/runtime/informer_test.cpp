// Informers (host/controller/informer.hpp, reflector.hpp) against the real kube-testserver: the first list,
// watch events reaching the store and the handlers in order, namespace and label scoping, resuming a cut
// watch without a relist, relisting after 410 (objects deleted while disconnected become on_delete),
// backing off through injected 500s, a prompt stop(), and periodic resync.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/controller/informer.hpp"
#include "host/controller/object_store.hpp"
#include "host/controller/object_transform.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
namespace kube = sqlop::kube;
namespace json = sqlop::json;
namespace rt = sqlop::runtime_testing;
using sqlop::controller::Informer;
using sqlop::controller::InformerHandlers;
using sqlop::controller::InformerOptions;
using sqlop::controller::object_key;
using sqlop::controller::ObjectPtr;
using sqlop::controller::ObjectStore;

namespace {

using Versions = std::map<std::string, std::string>;  // key -> resourceVersion

const kube::ResourceType& config_maps() { return kube::types::config_maps(); }

std::unique_ptr<rt::ServerProcess> start_server() {
  return rt::start_testserver(false, {"--bookmark-interval-ms", "200"});
}

std::string resource_version(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

std::string error_text(const std::optional<kube::ApiError>& error) { return error ? error->to_string() : ""; }

// Options with a short backoff, so that tests recovering from faults stay quick.
InformerOptions test_options(const std::string& name, const std::string& ns = {}) {
  InformerOptions options;
  options.name = name;
  options.reflector.namespace_name = ns;
  options.reflector.backoff.initial = 20ms;
  options.reflector.backoff.max = 200ms;
  return options;
}

json::Value create(const kube::Client& client, const std::string& ns, const std::string& name,
                   const std::string& value = "v", const std::map<std::string, std::string>& labels = {}) {
  json::Value object = json::Value::object();
  object["apiVersion"] = "v1";
  object["kind"] = "ConfigMap";
  object["metadata"]["name"] = name;
  for (const auto& [key, label] : labels) object["metadata"]["labels"][key] = label;
  object["data"]["key"] = value;
  const auto created = client.create(config_maps(), ns, object);
  INFO(error_text(created.error));
  REQUIRE(created.ok());
  return *created.value;
}

json::Value update(const kube::Client& client, const std::string& ns, const std::string& name,
                   const std::string& value) {
  const auto current = client.get(config_maps(), ns, name);
  INFO(error_text(current.error));
  REQUIRE(current.ok());
  json::Value object = *current.value;
  object["data"]["key"] = value;
  const auto updated = client.update(config_maps(), ns, object);
  INFO(error_text(updated.error));
  REQUIRE(updated.ok());
  return *updated.value;
}

void remove(const kube::Client& client, const std::string& ns, const std::string& name) {
  const auto error = client.remove(config_maps(), ns, name);
  INFO(error_text(error));
  REQUIRE_FALSE(error);
}

Versions server_versions(const kube::Client& client, const std::string& ns, const std::string& selector = {}) {
  kube::ListOptions options;
  options.label_selector = selector;
  const auto listed = client.list(config_maps(), ns, options);
  INFO(error_text(listed.error));
  REQUIRE(listed.ok());
  Versions versions;
  for (const json::Value& item : listed.value->items) versions[object_key(item)] = resource_version(item);
  return versions;
}

Versions cached_versions(const ObjectStore& store) {
  Versions versions;
  for (const ObjectPtr& object : store.list()) versions[object_key(*object)] = resource_version(*object);
  return versions;
}

void put_faults(const kube::Client& client, const std::string& faults) {
  REQUIRE(rt::admin_request(client, "PUT", "/_testserver/faults", faults).status == 200);
}

void clear_faults(const kube::Client& client) {
  REQUIRE(rt::admin_request(client, "DELETE", "/_testserver/faults").status == 200);
}

// Records every handler call, and whether the store already showed the change when the handler ran.
class Recorder {
 public:
  struct Call {
    std::string kind;  // "add", "update", "resync" (on_update with the same object twice), "delete"
    std::string key;
    std::string old_rv;
    std::string rv;
    bool store_agreed = false;
  };

  explicit Recorder(const Informer& informer) : informer_(informer) {}

  InformerHandlers handlers() {
    InformerHandlers h;
    h.on_add = [this](const ObjectPtr& object) {
      record("add", nullptr, object, informer_.store().get(object_key(*object)) == object);
    };
    h.on_update = [this](const ObjectPtr& old_object, const ObjectPtr& new_object) {
      record(old_object == new_object ? "resync" : "update", old_object, new_object,
             informer_.store().get(object_key(*new_object)) == new_object);
    };
    h.on_delete = [this](const ObjectPtr& object) {
      record("delete", nullptr, object, informer_.store().get(object_key(*object)) == nullptr);
    };
    return h;
  }

  std::vector<Call> calls() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  // The kinds of the calls for one key, in order, without resyncs.
  std::vector<std::string> history(const std::string& key) const {
    std::vector<std::string> kinds;
    for (const Call& call : calls()) {
      if (call.key == key && call.kind != "resync") kinds.push_back(call.kind);
    }
    return kinds;
  }
  int count(const std::string& kind, const std::string& key) const {
    int n = 0;
    for (const Call& call : calls()) n += call.kind == kind && call.key == key ? 1 : 0;
    return n;
  }
  bool all_agreed_with_store() const {
    for (const Call& call : calls()) {
      if (!call.store_agreed) return false;
    }
    return true;
  }

 private:
  void record(const std::string& kind, const ObjectPtr& old_object, const ObjectPtr& object, bool agreed) {
    // Handlers are never called concurrently; the mutex is for the test thread reading calls_.
    const std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back({kind, object_key(*object), old_object ? resource_version(*old_object) : "",
                      resource_version(*object), agreed});
  }

  const Informer& informer_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

// Calls informer.stop() on another thread and reports whether it returned within `deadline` (a hang guard,
// not a speed measurement). On a hang, every watch is closed so that the thread can finish.
bool stops_within(Informer& informer, const kube::Client& admin, std::chrono::milliseconds deadline) {
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    informer.stop();
    stopped = true;
  });
  const bool in_time = rt::eventually([&] { return stopped.load(); }, deadline);
  if (!in_time) rt::admin_request(admin, "POST", "/_testserver/close-watches");
  stopper.join();
  return in_time;
}

}  // namespace

TEST_CASE("informer lists, then watch events reach the store and the handlers in order", "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "inf");

  const json::Value a = create(client, ns, "a");
  create(client, ns, "b");
  create(client, ns, "c");
  // kubectl apply's annotation and the server's managedFields are not cached; other annotations are.
  json::Value annotated = a;
  annotated["metadata"]["annotations"][sqlop::controller::kLastAppliedAnnotation] = "{\"copy\":\"of a\"}";
  annotated["metadata"]["annotations"]["keep"] = "me";
  const auto applied = client.update(config_maps(), ns, annotated);
  REQUIRE(applied.ok());

  Informer informer(client, config_maps(), test_options("configmaps", ns));
  Recorder recorder(informer);
  informer.add_handlers(recorder.handlers());
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));

  CHECK(cached_versions(informer.store()) == server_versions(client, ns));
  CHECK(recorder.history(ns + "/a") == std::vector<std::string>{"add"});
  CHECK(recorder.history(ns + "/b") == std::vector<std::string>{"add"});
  CHECK(recorder.history(ns + "/c") == std::vector<std::string>{"add"});
  const ObjectPtr cached_a = informer.store().get(ns + "/a");
  REQUIRE(cached_a);
  CHECK(cached_a->find_path({"metadata", "managedFields"}) == nullptr);
  CHECK(cached_a->find_path({"metadata", "annotations", sqlop::controller::kLastAppliedAnnotation}) == nullptr);
  CHECK(cached_a->find_path({"metadata", "annotations", "keep"}) != nullptr);
  CHECK(cached_a->find_path({"data", "key"})->as_string() == "v");
  CHECK(cached_a->get_string("kind") == "ConfigMap");

  const std::string rv_a_before = resource_version(*cached_a);
  const json::Value a2 = update(client, ns, "a", "changed");
  remove(client, ns, "b");
  create(client, ns, "d");

  REQUIRE(rt::eventually([&] { return cached_versions(informer.store()) == server_versions(client, ns); }));
  CHECK(informer.store().get(ns + "/a")->find_path({"data", "key"})->as_string() == "changed");
  CHECK(informer.store().get(ns + "/a")->find_path({"metadata", "managedFields"}) == nullptr);
  CHECK(informer.store().get(ns + "/b") == nullptr);
  CHECK(recorder.history(ns + "/a") == std::vector<std::string>{"add", "update"});
  CHECK(recorder.history(ns + "/b") == std::vector<std::string>{"add", "delete"});
  CHECK(recorder.history(ns + "/c") == std::vector<std::string>{"add"});
  CHECK(recorder.history(ns + "/d") == std::vector<std::string>{"add"});
  for (const auto& call : recorder.calls()) {
    if (call.kind == "update") {
      CHECK(call.old_rv == rv_a_before);
      CHECK(call.rv == resource_version(a2));
    }
  }
  CHECK(recorder.all_agreed_with_store());
  CHECK(informer.reflector().list_count() == 1);
  CHECK_FALSE(informer.reflector().last_resource_version().empty());
  informer.stop();
}

TEST_CASE("namespace-limited and label-selected informers see only their objects", "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns1 = rt::create_namespace(client, "one");
  const std::string ns2 = rt::create_namespace(client, "two");
  const std::map<std::string, std::string> selected{{"app", "x"}};

  create(client, ns1, "a", "v", selected);
  create(client, ns1, "b");
  create(client, ns2, "c", "v", selected);
  create(client, ns2, "d", "v", {{"app", "y"}});

  Informer by_namespace(client, config_maps(), test_options("ns1-configmaps", ns1));
  InformerOptions label_options = test_options("selected-configmaps");
  label_options.reflector.label_selector = "app=x";
  Informer by_label(client, config_maps(), label_options);
  by_namespace.start();
  by_label.start();
  REQUIRE(by_namespace.wait_for_sync(10s));
  REQUIRE(by_label.wait_for_sync(10s));

  create(client, ns1, "e", "v", selected);
  create(client, ns2, "f");
  create(client, ns2, "g", "v", selected);
  update(client, ns2, "d", "still not selected");
  // Events reach one watch in order: once the last change is seen, every earlier one has been too.
  create(client, ns1, "zz-last", "v", selected);
  REQUIRE(rt::eventually([&] {
    return by_namespace.store().get(ns1 + "/zz-last") && by_label.store().get(ns1 + "/zz-last");
  }));

  const Versions in_ns1 = cached_versions(by_namespace.store());
  CHECK(in_ns1 == server_versions(client, ns1));
  for (const std::string key : {"a", "b", "e"}) CHECK(in_ns1.count(ns1 + "/" + key) == 1);
  for (const auto& [key, rv] : in_ns1) CHECK(key.rfind(ns1 + "/", 0) == 0);

  const Versions labelled = cached_versions(by_label.store());
  CHECK(labelled == server_versions(client, "", "app=x"));
  CHECK(labelled.size() == 5);  // a, c, e, g, zz-last
  for (const std::string& key : {ns1 + "/a", ns2 + "/c", ns1 + "/e", ns2 + "/g"}) CHECK(labelled.count(key) == 1);
  for (const ObjectPtr& object : by_label.store().list()) {
    CHECK(object->find_path({"metadata", "labels", "app"})->as_string() == "x");
  }
}

TEST_CASE("a cut watch resumes from the last resourceVersion without losing events or relisting", "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "cut");

  Informer informer(client, config_maps(), test_options("configmaps", ns));
  Recorder recorder(informer);
  informer.add_handlers(recorder.handlers());
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));

  put_faults(client, R"({"cutWatchAfterEvents": 2})");
  // Faults apply to watches started from now on: end the one already open.
  REQUIRE(rt::admin_request(client, "POST", "/_testserver/close-watches").status == 200);
  for (int i = 0; i < 10; ++i) create(client, ns, "cm" + std::to_string(i));
  for (int i = 0; i < 3; ++i) update(client, ns, "cm" + std::to_string(i), "updated");
  remove(client, ns, "cm8");
  remove(client, ns, "cm9");
  REQUIRE(rt::eventually([&] { return cached_versions(informer.store()) == server_versions(client, ns); }));
  clear_faults(client);

  INFO("watches: " << informer.reflector().watch_count());
  CHECK(informer.reflector().list_count() == 1);
  CHECK(informer.reflector().watch_count() >= 8);  // 15 events, at most 2 per stream
  for (int i = 0; i < 10; ++i) {
    const std::string key = ns + "/cm" + std::to_string(i);
    const std::vector<std::string> expected = i < 3   ? std::vector<std::string>{"add", "update"}
                                              : i < 8 ? std::vector<std::string>{"add"}
                                                      : std::vector<std::string>{"add", "delete"};
    CHECK(recorder.history(key) == expected);
  }

  // Closing every watch from the server side is also resumed, not relisted.
  const std::int64_t watches = informer.reflector().watch_count();
  REQUIRE(rt::admin_request(client, "POST", "/_testserver/close-watches").status == 200);
  REQUIRE(rt::eventually([&] { return informer.reflector().watch_count() > watches; }));
  create(client, ns, "after-close");
  REQUIRE(rt::eventually([&] { return informer.store().get(ns + "/after-close") != nullptr; }));
  CHECK(informer.reflector().list_count() == 1);
  CHECK(recorder.all_agreed_with_store());
}

TEST_CASE("a forced 410 makes the informer relist and carry on watching", "[informer]") {
  const std::string mode = GENERATE(std::string("event"), std::string("response"));
  CAPTURE(mode);
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "gone");
  create(client, ns, "a");

  Informer informer(client, config_maps(), test_options("configmaps", ns));
  Recorder recorder(informer);
  informer.add_handlers(recorder.handlers());
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));

  put_faults(client, R"({"goneNextWatch": true, "goneMode": ")" + mode + R"("})");
  REQUIRE(rt::admin_request(client, "POST", "/_testserver/close-watches").status == 200);
  REQUIRE(rt::eventually([&] { return informer.reflector().list_count() == 2; }));

  create(client, ns, "b");
  REQUIRE(rt::eventually([&] { return cached_versions(informer.store()) == server_versions(client, ns); }));
  CHECK(recorder.history(ns + "/a") == std::vector<std::string>{"add"});  // unchanged: no update from the relist
  CHECK(recorder.history(ns + "/b") == std::vector<std::string>{"add"});
  CHECK(informer.reflector().list_count() == 2);
}

TEST_CASE("objects changed while the watch was down and the history compacted arrive through a relist",
          "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "away");
  create(client, ns, "deleted");
  create(client, ns, "updated");
  create(client, ns, "kept");

  Informer informer(client, config_maps(), test_options("configmaps", ns));
  Recorder recorder(informer);
  informer.add_handlers(recorder.handlers());
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));

  // Disconnect: every watch request fails, then the open watch is closed.
  put_faults(client, R"({"errorRate": 1, "verbs": ["watch"], "resources": ["configmaps"]})");
  const std::int64_t watches = informer.reflector().watch_count();
  REQUIRE(rt::admin_request(client, "POST", "/_testserver/close-watches").status == 200);
  REQUIRE(rt::eventually([&] { return informer.reflector().watch_count() >= watches + 2; }));

  remove(client, ns, "deleted");
  const json::Value updated = update(client, ns, "updated", "new");
  create(client, ns, "added");
  REQUIRE(rt::admin_request(client, "POST", "/_testserver/compact").status == 200);
  clear_faults(client);

  REQUIRE(rt::eventually([&] { return cached_versions(informer.store()) == server_versions(client, ns); }));
  CHECK(informer.reflector().list_count() == 2);
  CHECK(recorder.history(ns + "/deleted") == std::vector<std::string>{"add", "delete"});
  CHECK(recorder.history(ns + "/updated") == std::vector<std::string>{"add", "update"});
  CHECK(recorder.history(ns + "/kept") == std::vector<std::string>{"add"});
  CHECK(recorder.history(ns + "/added") == std::vector<std::string>{"add"});
  CHECK(informer.store().get(ns + "/updated")->find_path({"data", "key"})->as_string() == "new");
  CHECK(recorder.all_agreed_with_store());
}

TEST_CASE("list and watch failures are retried with backoff until the informer converges", "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "faults");
  create(client, ns, "a");
  create(client, ns, "b");

  // The first three lists fail; the fourth succeeds.
  put_faults(client, R"({"failNext": 3, "verbs": ["list"], "resources": ["configmaps"]})");
  Informer informer(client, config_maps(), test_options("configmaps", ns));
  Recorder recorder(informer);
  informer.add_handlers(recorder.handlers());
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));
  CHECK(informer.reflector().list_count() == 4);
  CHECK(cached_versions(informer.store()).size() == 2);

  // Half of all lists and watches fail and every stream is cut after one event; writes (not faulted)
  // go on meanwhile. The expected state comes from the writes' responses, since lists are faulted too.
  put_faults(client, R"({"errorRate": 0.5, "verbs": ["list", "watch"], "resources": ["configmaps"],
                         "cutWatchAfterEvents": 1, "seed": 7})");
  REQUIRE(rt::admin_request(client, "POST", "/_testserver/close-watches").status == 200);
  Versions expected;
  expected[ns + "/a"] = resource_version(update(client, ns, "a", "1"));
  remove(client, ns, "b");
  for (int i = 0; i < 12; ++i) {
    const std::string name = "cm" + std::to_string(i);
    expected[ns + "/" + name] = resource_version(create(client, ns, name));
  }
  expected[ns + "/a"] = resource_version(update(client, ns, "a", "2"));
  REQUIRE(rt::eventually([&] { return cached_versions(informer.store()) == expected; }, 20s));
  clear_faults(client);

  CHECK(informer.reflector().watch_count() > 13);
  CHECK(recorder.history(ns + "/b") == std::vector<std::string>{"add", "delete"});
  CHECK(recorder.count("add", ns + "/cm5") == 1);
  CHECK(recorder.all_agreed_with_store());
}

TEST_CASE("stop() ends an informer promptly, with a watch open or while backing off", "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "stop");
  create(client, ns, "a");

  SECTION("watching (the server would keep the watch open for minutes)") {
    InformerOptions options = test_options("configmaps", ns);
    options.reflector.min_watch_timeout = 600s;
    options.resync_period = 1h;
    Informer informer(client, config_maps(), options);
    informer.start();
    REQUIRE(informer.wait_for_sync(10s));
    REQUIRE(rt::eventually([&] { return informer.reflector().watch_count() == 1; }));
    CHECK(stops_within(informer, client, 5s));
    informer.stop();  // idempotent
  }
  SECTION("waiting out a long backoff after failed lists") {
    put_faults(client, R"({"errorRate": 1, "verbs": ["list"], "resources": ["configmaps"]})");
    InformerOptions options = test_options("configmaps", ns);
    options.reflector.backoff.initial = 600s;
    options.reflector.backoff.max = 600s;
    Informer informer(client, config_maps(), options);
    informer.start();
    REQUIRE(rt::eventually([&] { return informer.reflector().list_count() == 1; }));
    CHECK(stops_within(informer, client, 5s));
    CHECK_FALSE(informer.has_synced());
    CHECK_FALSE(informer.wait_for_sync(10ms));
    clear_faults(client);
  }
}

TEST_CASE("resync calls on_update(obj, obj) for every cached object", "[informer]") {
  const auto server = start_server();
  const kube::Client client = rt::make_client(server->kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "resync");
  for (const std::string name : {"a", "b", "c"}) create(client, ns, name);

  InformerOptions options = test_options("configmaps", ns);
  options.resync_period = 100ms;
  Informer informer(client, config_maps(), options);
  Recorder recorder(informer);
  informer.add_handlers(recorder.handlers());
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));

  REQUIRE(rt::eventually([&] {
    for (const std::string name : {"a", "b", "c"}) {
      if (recorder.count("resync", ns + "/" + name) < 2) return false;
    }
    return true;
  }));
  for (const auto& call : recorder.calls()) {
    if (call.kind == "resync") CHECK(call.old_rv == call.rv);
  }
  // Resyncs change nothing: still one add per object and no real update.
  for (const std::string name : {"a", "b", "c"}) CHECK(recorder.history(ns + "/" + name) == std::vector<std::string>{"add"});
  CHECK(recorder.all_agreed_with_store());
}
