// Test helpers: a kube-testserver started for the test process (plain HTTP or TLS), a client for it, and
// builders for the objects the tests send. Each test works in its own namespace, so one server can serve
// every section of a test case.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/api_client.hpp"
#include "client/server_process.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver::testing {

namespace json = sqlop::json;
using client::ApiClient;
using client::Response;
using client::ServerProcess;
using client::WatchStream;

struct RunningServer {
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<ApiClient> api;
};

// Starts a server with these extra arguments; REQUIREs that it came up.
inline RunningServer start_server(std::vector<std::string> extra_args = {}, bool tls = false) {
  client::ServerOptions options;
  options.binary = SQLOP_TESTSERVER_BIN;
  options.tls = tls;
  options.extra_args = std::move(extra_args);
  std::string error;
  RunningServer s;
  s.process = ServerProcess::start(options, &error);
  INFO(error);
  REQUIRE(s.process);
  s.api = std::make_unique<ApiClient>(s.process->access());
  return s;
}

// One plain-HTTP server per test process (bookmarks every 200 ms so watch tests stay short).
inline RunningServer& shared_server() {
  static RunningServer server = start_server({"--bookmark-interval-ms", "200"});
  return server;
}

inline ApiClient& api() { return *shared_server().api; }

inline std::string unique_name(const std::string& prefix) {
  static int counter = 0;
  return prefix + "-" + std::to_string(::getpid() % 100000) + "-" + std::to_string(++counter);
}

// Creates a fresh namespace and returns its name.
inline std::string fresh_namespace(ApiClient& client = api()) {
  const std::string name = unique_name("t");
  json::Value ns = json::Value::object();
  ns["apiVersion"] = "v1";
  ns["kind"] = "Namespace";
  ns["metadata"]["name"] = name;
  const Response r = client.post("/api/v1/namespaces", ns);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return name;
}

inline json::Value parse(const std::string& text) {
  auto v = json::parse(text);
  REQUIRE(v);
  return *v;
}

inline json::Value configmap(const std::string& name, const std::string& key = "k", const std::string& value = "v") {
  json::Value cm = json::Value::object();
  cm["apiVersion"] = "v1";
  cm["kind"] = "ConfigMap";
  cm["metadata"]["name"] = name;
  cm["data"][key] = value;
  return cm;
}

inline json::Value deployment(const std::string& name, const std::string& image = "nginx:1.27") {
  return parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")" + name +
               R"(","labels":{"app":")" + name + R"("}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":")" +
               name + R"("}},"template":{"metadata":{"labels":{"app":")" + name +
               R"("}},"spec":{"containers":[{"name":"main","image":")" + image +
               R"(","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":8080}]}]}}}})");
}

inline std::string ns_path(const std::string& ns, const std::string& resource, const std::string& name = {}) {
  return "/api/v1/namespaces/" + ns + "/" + resource + (name.empty() ? "" : "/" + name);
}

inline std::string apps_path(const std::string& ns, const std::string& name = {}) {
  return "/apis/apps/v1/namespaces/" + ns + "/deployments" + (name.empty() ? "" : "/" + name);
}

inline std::string rv_of(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : "";
}

inline std::string str(const json::Value& object, std::initializer_list<std::string_view> path) {
  const json::Value* v = object.find_path(path);
  return v && v->is_string() ? v->as_string() : "";
}

// Polls until `condition` holds or `timeout` passes; returns whether it held.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// Sets the server's faults (PUT /_testserver/faults).
inline void set_faults(ApiClient& client, const std::string& config) {
  const Response r = client.request("PUT", "/_testserver/faults", config);
  INFO(r.body);
  REQUIRE(r.status == 200);
}

}  // namespace sqlop::testserver::testing
