// The production Kubernetes client (host/kube/client.hpp + make_http_transport) against the real
// kube-testserver: CRUD, paging, typed errors, server-side apply, the status subresource, watches (bookmarks,
// resume, 410, cancel), HTTPS with token / client certificate / a wrong CA, token-file rotation, an exec
// credential plugin, concurrent use and the on_request hook.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "client/kubeconfig.hpp"
#include "runtime_support.hpp"
#include "sqlite_operator/base64.hpp"

namespace kube = sqlop::kube;
namespace json = sqlop::json;
namespace rt = sqlop::runtime_testing;
using rt::ServerProcess;

namespace {

// One plain-HTTP server for the tests that need no TLS (bookmarks every 200 ms keep watch tests short).
ServerProcess& plain_server() {
  static std::unique_ptr<ServerProcess> server = rt::start_testserver(false, {"--bookmark-interval-ms", "200"});
  return *server;
}

// One HTTPS server for the credential tests.
ServerProcess& tls_server() {
  static std::unique_ptr<ServerProcess> server = rt::start_testserver(true);
  return *server;
}

// A self-signed CA unrelated to any test server (certificate only; its key was thrown away).
const char* const kUnrelatedCa = R"(-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUPtozV8jqdaepoZXz85qL2+anWgQwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRdW5yZWxhdGVkLXRlc3QtY2EwIBcNMjYxMTI2MTI0NTAzWhgP
MjEyNjExMDIxMjQ1MDNaMBwxGjAYBgNVBAMMEXVucmVsYXRlZC10ZXN0LWNhMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ37vOgIh4lcKbjLKA1w96qwpKwo8tvUa
ddReo9pgEFuaxHPIi27/gXuc3zl3dnrkAK6zJYkYX2skBWsWJLFSuqNTMFEwHQYD
VR0OBBYEFPD4eVAwl/YTIPVXcAcfm+KYJRRMMB8GA1UdIwQYMBaAFPD4eVAwl/YT
IPVXcAcfm+KYJRRMMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIh
APtZASPkiddDUuQznSI0OLE6xzlA5OWhm+orEZgi9t+bAiBEzbfhLMYVaqG5k31b
c+n+b125gzsjZkxvCuL4Rjj9wg==
-----END CERTIFICATE-----
)";

json::Value parse(const std::string& text) {
  std::optional<json::Value> v = json::parse(text);
  REQUIRE(v);
  return *v;
}

json::Value config_map(const std::string& name, const std::string& value = "v",
                       const std::map<std::string, std::string>& labels = {}) {
  json::Value object = parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{}})");
  object["metadata"]["name"] = name;
  for (const auto& [key, label] : labels) object["metadata"]["labels"][key] = label;
  object["data"]["key"] = value;
  return object;
}

json::Value deployment(const std::string& name) {
  json::Value object = parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{},
    "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}})");
  object["metadata"]["name"] = name;
  return object;
}

std::string resource_version(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

std::string error_text(const std::optional<kube::ApiError>& error) { return error ? error->to_string() : ""; }

template <class T>
const T& value_of(const kube::Result<T>& result) {
  INFO(error_text(result.error));
  REQUIRE(result.ok());
  return *result.value;
}

void write_file(const std::string& path, const std::string& text, mode_t mode = 0600) {
  // Written aside and renamed, as a rotating kubelet does, so a reader never sees half a file.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out.flush());
  }
  REQUIRE(::chmod(temporary.c_str(), mode) == 0);
  REQUIRE(std::rename(temporary.c_str(), path.c_str()) == 0);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count_lines(const std::string& path) {
  const std::string text = read_file(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

sqlop::testserver::client::ClusterAccess tls_access(const std::string& context = {}) {
  std::string error;
  auto access = sqlop::testserver::client::read_kubeconfig(tls_server().kubeconfig_path(), context, &error);
  INFO(error);
  REQUIRE(access);
  return *access;
}

// A kubeconfig for the TLS server whose user is `user_yaml` (indented for the users[0].user mapping).
std::string write_kubeconfig(const std::string& dir, const std::string& user_yaml) {
  const auto access = tls_access();
  const std::string path = dir + "/kubeconfig";
  write_file(path, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + access.server +
                       "\n    certificate-authority-data: " + sqlop::base64::encode(access.ca_pem) +
                       "\nusers:\n- name: u\n  user:\n" + user_yaml +
                       "contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\n    namespace: default\n"
                       "current-context: ctx\n");
  return path;
}

struct TempDir {
  std::string path = sqlop::testserver::client::make_temp_dir("kube-client-test-");
  ~TempDir() { sqlop::testserver::client::remove_tree(path); }
};

// Reads events until `wanted` says stop (true) or `limit` events went by.
std::vector<kube::WatchEvent> read_events(kube::WatchStream& stream, const std::function<bool(const kube::WatchEvent&)>& done,
                                          int limit = 200) {
  std::vector<kube::WatchEvent> events;
  for (int i = 0; i < limit; ++i) {
    kube::WatchStream::Next next = stream.next();
    INFO(error_text(next.error));
    REQUIRE_FALSE(next.error);
    REQUIRE(next.event);  // the stream must not end before `done`
    events.push_back(*next.event);
    if (done(events.back())) break;
  }
  return events;
}

bool is_named(const kube::WatchEvent& event, kube::WatchEvent::Type type, const std::string& name) {
  const json::Value* n = event.object.find_path({"metadata", "name"});
  return event.type == type && n && n->is_string() && n->as_string() == name;
}

}  // namespace

TEST_CASE("client CRUD, typed errors, list paging and label selectors", "[kube]") {
  std::atomic<int> requests{0};
  kube::TransportOptions options;
  options.on_request = [&](const std::string&, int) { ++requests; };
  const kube::Client client = rt::make_client(plain_server().kubeconfig_path(), "", options);
  const std::string ns = rt::create_namespace(client, "crud");
  const auto& cms = kube::types::config_maps();

  for (int i = 0; i < 5; ++i) {
    const std::map<std::string, std::string> labels{{"app", i < 3 ? "db" : "other"}};
    const json::Value created = value_of(client.create(cms, ns, config_map("cm-" + std::to_string(i), "v", labels)));
    CHECK(created.find_path({"metadata", "uid"}));
  }

  SECTION("get, update and delete") {
    json::Value object = value_of(client.get(cms, ns, "cm-0"));
    CHECK(object.find_path({"data", "key"})->as_string() == "v");
    const std::string old_version = resource_version(object);
    object["data"]["key"] = "w";
    const json::Value updated = value_of(client.update(cms, ns, object));
    CHECK(updated.find_path({"data", "key"})->as_string() == "w");
    CHECK(resource_version(updated) != old_version);

    // The stale resourceVersion makes a second update a conflict.
    object["data"]["key"] = "x";
    const auto stale = client.update(cms, ns, object);
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.error->code == 409);
    CHECK(stale.error->is_conflict());
    CHECK(stale.error->reason == "Conflict");

    const auto duplicate = client.create(cms, ns, config_map("cm-1"));
    REQUIRE_FALSE(duplicate.ok());
    CHECK(duplicate.error->is_already_exists());
    CHECK(duplicate.error->reason == "AlreadyExists");
    CHECK(duplicate.error->message.find("cm-1") != std::string::npos);

    CHECK_FALSE(client.remove(cms, ns, "cm-0"));
    const auto missing = client.get(cms, ns, "cm-0");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error->is_not_found());
    CHECK(missing.error->reason == "NotFound");
    const auto again = client.remove(cms, ns, "cm-0");
    REQUIRE(again);
    CHECK(again->is_not_found());
  }

  SECTION("a list follows continue tokens; selectors filter") {
    kube::ListOptions paged;
    paged.limit = 2;
    const int before = requests;
    const kube::ObjectList all = value_of(client.list(cms, ns, paged));
    CHECK(requests - before == 3);  // 2 + 2 + 1
    REQUIRE(all.items.size() == 5);
    CHECK_FALSE(all.resource_version.empty());
    for (const json::Value& item : all.items) {
      CHECK(item.get_string("kind") == "ConfigMap");
      CHECK(item.get_string("apiVersion") == "v1");
    }

    kube::ListOptions selected;
    selected.label_selector = "app=db";
    CHECK(value_of(client.list(cms, ns, selected)).items.size() == 3);
    selected.label_selector = "app in (db,other),app!=db";
    CHECK(value_of(client.list(cms, ns, selected)).items.size() == 2);
    kube::ListOptions by_field;
    by_field.field_selector = "metadata.name=cm-4";
    const kube::ObjectList one = value_of(client.list(cms, ns, by_field));
    REQUIRE(one.items.size() == 1);
    CHECK(one.items[0].find_path({"metadata", "name"})->as_string() == "cm-4");
  }
}

TEST_CASE("client server-side apply and the status subresource", "[kube]") {
  const kube::Client client = rt::make_client(plain_server().kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "apply");
  kube::WriteOptions manager;
  manager.field_manager = "sqlite-operator";
  manager.force = true;

  SECTION("apply creates, a repeated apply writes nothing, a changed apply updates") {
    const json::Value created = value_of(client.apply(kube::types::config_maps(), ns, config_map("a"), manager));
    const json::Value same = value_of(client.apply(kube::types::config_maps(), ns, config_map("a"), manager));
    CHECK(resource_version(same) == resource_version(created));
    const json::Value changed = value_of(client.apply(kube::types::config_maps(), ns, config_map("a", "new"), manager));
    CHECK(resource_version(changed) != resource_version(created));
    CHECK(changed.find_path({"data", "key"})->as_string() == "new");
  }

  SECTION("status goes through /status and leaves the spec alone") {
    const auto& deployments = kube::types::deployments();
    json::Value object = value_of(client.apply(deployments, ns, deployment("web"), manager));
    const std::int64_t generation = object.find_path({"metadata", "generation"})->as_int();
    object["status"]["replicas"] = 1;
    object["status"]["readyReplicas"] = 1;
    object["status"]["observedGeneration"] = generation;
    object["spec"]["replicas"] = 5;  // ignored by the status subresource
    kube::WriteOptions status;
    status.subresource = "status";
    const json::Value updated = value_of(client.update(deployments, ns, object, status));
    CHECK(updated.find_path({"status", "readyReplicas"})->as_int() == 1);
    const json::Value read = value_of(client.get(deployments, ns, "web"));
    CHECK(read.find_path({"status", "readyReplicas"})->as_int() == 1);
    CHECK(read.find_path({"spec", "replicas"})->as_int() == 1);
    CHECK(read.find_path({"metadata", "generation"})->as_int() == generation);

    // A merge patch of the status, too.
    const json::Value patched = value_of(client.patch(deployments, ns, "web", kube::PatchType::Merge,
                                                      R"({"status":{"readyReplicas":0}})", status));
    CHECK(patched.find_path({"status", "readyReplicas"})->as_int() == 0);
  }
}

TEST_CASE("client watch: events, bookmarks, resume, 410 and cancel", "[kube]") {
  const kube::Client client = rt::make_client(plain_server().kubeconfig_path());
  const std::string ns = rt::create_namespace(client, "watch");
  const auto& cms = kube::types::config_maps();
  const kube::ObjectList start = value_of(client.list(cms, ns));

  kube::WatchOptions from_start;
  from_start.resource_version = start.resource_version;
  auto opened = client.watch(cms, ns, from_start);
  INFO(error_text(opened.error));
  REQUIRE(opened.ok());
  kube::WatchStream& stream = **opened.value;

  json::Value object = value_of(client.create(cms, ns, config_map("w1")));
  object["data"]["key"] = "changed";
  value_of(client.update(cms, ns, object));
  REQUIRE_FALSE(client.remove(cms, ns, "w1"));

  std::string last_version;
  const auto events = read_events(stream, [&](const kube::WatchEvent& e) {
    if (e.type != kube::WatchEvent::Type::Bookmark) last_version = resource_version(e.object);
    return is_named(e, kube::WatchEvent::Type::Deleted, "w1");
  });
  std::vector<kube::WatchEvent::Type> changes;
  for (const auto& e : events) {
    if (e.type != kube::WatchEvent::Type::Bookmark) changes.push_back(e.type);
  }
  CHECK(changes == std::vector<kube::WatchEvent::Type>{kube::WatchEvent::Type::Added, kube::WatchEvent::Type::Modified,
                                                       kube::WatchEvent::Type::Deleted});
  CHECK(events.front().object.get_string("kind") == "ConfigMap");

  // Quiet now: the server sends bookmarks (every 200 ms) carrying a resourceVersion.
  const auto bookmarks = read_events(stream, [](const kube::WatchEvent& e) { return e.type == kube::WatchEvent::Type::Bookmark; });
  CHECK_FALSE(resource_version(bookmarks.back().object).empty());
  stream.cancel();

  SECTION("a new watch resumes after the last event seen") {
    value_of(client.create(cms, ns, config_map("w2")));
    kube::WatchOptions resume;
    resume.resource_version = last_version;
    auto resumed = client.watch(cms, ns, resume);
    REQUIRE(resumed.ok());
    const auto more = read_events(**resumed.value, [](const kube::WatchEvent& e) { return e.type != kube::WatchEvent::Type::Bookmark; });
    CHECK(is_named(more.back(), kube::WatchEvent::Type::Added, "w2"));  // and not w1 again
  }

  SECTION("a resourceVersion older than the compacted history is 410 Gone") {
    value_of(client.create(cms, ns, config_map("w3")));
    REQUIRE(rt::admin_request(client, "POST", "/_testserver/compact").status == 200);
    kube::WatchOptions old;
    old.resource_version = start.resource_version;
    auto expired = client.watch(cms, ns, old);
    std::optional<kube::ApiError> gone = expired.error;
    if (expired.ok()) gone = (*expired.value)->next().error;  // the server may say it as an ERROR event
    INFO(error_text(gone));
    REQUIRE(gone);
    CHECK(gone->is_gone());
    CHECK(gone->code == 410);
  }

  SECTION("cancel() unblocks a watch waiting for events") {
    kube::WatchOptions quiet;
    quiet.allow_bookmarks = false;
    auto waiting = client.watch(cms, ns, quiet);
    REQUIRE(waiting.ok());
    std::atomic<bool> returned{false};
    std::optional<kube::WatchStream::Next> last;
    std::thread reader([&] {
      last = (*waiting.value)->next();
      returned = true;
    });
    // Most likely the reader is blocked in recv() by now; the test holds either way.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*waiting.value)->cancel();
    const bool unblocked = rt::eventually([&] { return returned.load(); }, std::chrono::seconds(5));
    if (!unblocked) rt::admin_request(client, "POST", "/_testserver/close-watches");  // free the thread
    reader.join();
    CHECK(unblocked);
    REQUIRE(last);
    CHECK_FALSE(last->event);
    CHECK_FALSE(last->error);
  }
}

TEST_CASE("client over HTTPS with a token and with a client certificate", "[kube]") {
  for (const std::string context : {"kube-testserver", "kube-testserver-cert"}) {
    INFO(context);
    const kube::ClientConfig config = rt::load_config(tls_server().kubeconfig_path(), context);
    REQUIRE(config.server.rfind("https://", 0) == 0);
    const kube::Client client = rt::make_client(config);
    const std::string ns = rt::create_namespace(client, "tls");
    value_of(client.create(kube::types::config_maps(), ns, config_map("a")));
    CHECK(value_of(client.get(kube::types::config_maps(), ns, "a")).get_string("kind") == "ConfigMap");
    // A watch over TLS, cancelled from another thread.
    auto watch = client.watch(kube::types::config_maps(), ns, kube::WatchOptions{});
    REQUIRE(watch.ok());
    std::atomic<bool> returned{false};
    std::thread reader([&] {
      while ((*watch.value)->next().event) {
      }
      returned = true;
    });
    (*watch.value)->cancel();
    const bool unblocked = rt::eventually([&] { return returned.load(); }, std::chrono::seconds(5));
    if (!unblocked) rt::admin_request(client, "POST", "/_testserver/close-watches");
    reader.join();
    CHECK(unblocked);
  }
}

TEST_CASE("client over HTTPS refuses a server its CA did not sign", "[kube]") {
  kube::ClientConfig config = rt::load_config(tls_server().kubeconfig_path());
  config.ca_pem = kUnrelatedCa;
  const kube::Client client = rt::make_client(config);
  const auto result = client.get(kube::types::config_maps(), "default", "x");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->is_transport());
  const std::string text = result.error->to_string();
  INFO(text);
  CHECK(text.find("certificate verification failed") != std::string::npos);
  CHECK(text.find(config.server) != std::string::npos);
  CHECK(text.find(tls_access().token) == std::string::npos);

  SECTION("and a tls-server-name the certificate does not carry") {
    kube::ClientConfig renamed = rt::load_config(tls_server().kubeconfig_path());
    renamed.tls_server_name = "not-the-server.example";
    const auto wrong_name = rt::make_client(renamed).get(kube::types::config_maps(), "default", "x");
    REQUIRE_FALSE(wrong_name.ok());
    CHECK(wrong_name.error->to_string().find("certificate verification failed") != std::string::npos);
    renamed.tls_server_name = "localhost";  // in the certificate's names
    const auto right_name = rt::make_client(renamed).get(kube::types::config_maps(), "default", "x");
    REQUIRE_FALSE(right_name.ok());
    CHECK(right_name.error->is_not_found());
  }
}

TEST_CASE("client re-reads a rotated token file after a 401", "[kube]") {
  TempDir dir;
  const std::string token_path = dir.path + "/token";
  write_file(token_path, "wrong-token\n");
  const std::string kubeconfig = write_kubeconfig(dir.path, "    tokenFile: " + token_path + "\n");
  std::vector<int> statuses;
  std::mutex statuses_mu;
  kube::TransportOptions options;
  options.on_request = [&](const std::string&, int status) {
    std::lock_guard<std::mutex> lock(statuses_mu);
    statuses.push_back(status);
  };
  const kube::Client client = rt::make_client(kubeconfig, "", options);

  const auto rejected = client.get(kube::types::config_maps(), "default", "x");
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error->is_unauthorized());
  CHECK(statuses == std::vector<int>{401, 401});  // re-read after the 401 and retried once

  write_file(token_path, tls_access().token + "\n");
  statuses.clear();
  const auto accepted = client.get(kube::types::config_maps(), "default", "x");
  REQUIRE_FALSE(accepted.ok());
  INFO(accepted.error->to_string());
  CHECK(accepted.error->is_not_found());  // authenticated now: the object just does not exist
  CHECK(statuses == std::vector<int>{401, 404});
  statuses.clear();
  CHECK(client.get(kube::types::config_maps(), "default", "x").error->is_not_found());
  CHECK(statuses == std::vector<int>{404});  // the new token is kept
}

TEST_CASE("client gets its token from an exec credential plugin and re-runs it after a 401", "[kube]") {
  TempDir dir;
  const std::string plugin = dir.path + "/plugin.sh";
  write_file(dir.path + "/token", "wrong-token");
  write_file(plugin,
             "#!/bin/sh\n"
             "echo run >> '" + dir.path + "/runs'\n"
             "printf '%s\\n' \"$KUBERNETES_EXEC_INFO\" > '" + dir.path + "/info'\n"
             "printf '%s\\n' \"$PLUGIN_SETTING\" > '" + dir.path + "/setting'\n"
             "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
             "\"status\":{\"token\":\"%s\"}}' \"$(cat '" + dir.path + "/token')\"\n",
             0700);
  const std::string kubeconfig = write_kubeconfig(
      dir.path, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " + plugin +
                    "\n      interactiveMode: Never\n      env:\n      - name: PLUGIN_SETTING\n        value: from-kubeconfig\n");
  const kube::Client client = rt::make_client(kubeconfig);
  const std::string runs = dir.path + "/runs";

  const auto rejected = client.get(kube::types::config_maps(), "default", "x");
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error->is_unauthorized());
  CHECK(count_lines(runs) == 2);  // the first credential, then again after the 401
  const std::optional<json::Value> info = json::parse(read_file(dir.path + "/info"));
  REQUIRE(info);
  CHECK(info->get_string("kind") == "ExecCredential");
  CHECK(info->find_path({"spec", "interactive"})->as_bool() == false);
  CHECK(read_file(dir.path + "/setting") == "from-kubeconfig\n");

  write_file(dir.path + "/token", tls_access().token);
  const auto accepted = client.get(kube::types::config_maps(), "default", "x");
  REQUIRE_FALSE(accepted.ok());
  INFO(accepted.error->to_string());
  CHECK(accepted.error->is_not_found());
  CHECK(count_lines(runs) == 3);
  CHECK(client.get(kube::types::config_maps(), "default", "x").error->is_not_found());
  CHECK(count_lines(runs) == 3);  // cached: no expiration was given

  SECTION("a failing plugin is a transport error naming the plugin, not its output") {
    write_file(plugin, "#!/bin/sh\necho secret-looking-output\nexit 3\n", 0700);
    const kube::Client broken = rt::make_client(kubeconfig);
    const auto failed = broken.get(kube::types::config_maps(), "default", "x");
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error->is_transport());
    CHECK(failed.error->message.find("exited with status 3") != std::string::npos);
    CHECK(failed.error->message.find(plugin) != std::string::npos);
    CHECK(failed.error->message.find("secret-looking-output") == std::string::npos);
  }
}

TEST_CASE("one client used by many threads at once, on_request sees every request", "[kube]") {
  std::mutex mu;
  std::map<std::string, int> by_method;
  kube::TransportOptions options;
  options.on_request = [&](const std::string& method, int status) {
    std::lock_guard<std::mutex> lock(mu);
    ++by_method[method + " " + std::to_string(status)];
  };
  const kube::Client client = rt::make_client(tls_server().kubeconfig_path(), "", options);
  const std::string ns = rt::create_namespace(client, "threads");
  {
    std::lock_guard<std::mutex> lock(mu);
    by_method.clear();
  }
  constexpr int kThreads = 8;
  constexpr int kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!client.create(kube::types::config_maps(), ns, config_map(name)).ok()) ++failures;
        if (!client.get(kube::types::config_maps(), ns, name).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(value_of(client.list(kube::types::config_maps(), ns)).items.size() == kThreads * kEach);
  std::lock_guard<std::mutex> lock(mu);
  CHECK(by_method["POST 201"] == kThreads * kEach);
  CHECK(by_method["GET 200"] == kThreads * kEach + 1);
}

TEST_CASE("client reports a server that is not there as a transport error", "[kube]") {
  kube::ClientConfig config;
  config.server = "http://127.0.0.1:1";  // nothing listens on port 1
  int failures = 0;
  kube::TransportOptions options;
  options.on_request = [&](const std::string&, int status) { failures += status == 0; };
  const auto result = rt::make_client(config, options).get(kube::types::config_maps(), "default", "x");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->is_transport());
  CHECK(result.error->message.find("connection refused") != std::string::npos);
  CHECK(result.error->message.find("127.0.0.1:1") != std::string::npos);
  CHECK(failures == 1);
}
