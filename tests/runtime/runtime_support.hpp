// Helpers shared by the runtime tests (tests/runtime/*_test.cpp): a kube-testserver child process, a
// production sqlop::kube::Client for it built the way the operator builds one (kubeconfig loader +
// make_http_transport), a fresh namespace per test, and polling with a deadline instead of sleeps.
//
// Every helper REQUIREs success, so a test reads as the behaviour it checks. Not thread-safe except where
// said; a test that starts a server owns it (it stops when the unique_ptr goes away).
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/server_process.hpp"
#include "host/kube/client.hpp"
#include "host/kube/kubeconfig.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::runtime_testing {

namespace json = sqlop::json;
using testserver::client::ServerProcess;

// Starts kube-testserver on 127.0.0.1 (port 0), plain HTTP or with --tls, with extra arguments such as
// {"--bookmark-interval-ms", "200"}. Its kubeconfig is at process->kubeconfig_path(): with --tls, context
// "kube-testserver" (the default) uses a bearer token and "kube-testserver-cert" a client certificate.
inline std::unique_ptr<ServerProcess> start_testserver(bool tls = false, std::vector<std::string> extra_args = {}) {
  testserver::client::ServerOptions options;
  options.binary = SQLOP_TESTSERVER_BIN;
  options.tls = tls;
  options.extra_args = std::move(extra_args);
  std::string error;
  std::unique_ptr<ServerProcess> server = ServerProcess::start(options, &error);
  INFO(error);
  REQUIRE(server);
  return server;
}

// The ClientConfig for `context` ("" = current-context) of a kubeconfig file, via the operator's loader.
inline kube::ClientConfig load_config(const std::string& kubeconfig_path, const std::string& context = {}) {
  kube::LoadingRules rules;
  rules.explicit_path = kubeconfig_path;
  rules.context = context;
  const kube::ClientConfigLoad load = kube::load_client_config(rules);
  INFO((load.error ? load.error->message() : std::string()));
  REQUIRE(load.config);
  return *load.config;
}

// A Client over the real HTTP transport for a ClientConfig.
inline kube::Client make_client(const kube::ClientConfig& config, kube::TransportOptions options = {}) {
  auto transport = kube::make_http_transport(config, std::move(options));
  INFO((transport.error ? transport.error->to_string() : std::string()));
  REQUIRE(transport.ok());
  return kube::Client(*transport.value);
}

// A Client for `context` of a kubeconfig file (e.g. server->kubeconfig_path()).
inline kube::Client make_client(const std::string& kubeconfig_path, const std::string& context = {},
                                kube::TransportOptions options = {}) {
  return make_client(load_config(kubeconfig_path, context), std::move(options));
}

// "prefix-PID-N": unique within the test process and across concurrent test processes.
inline std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid() % 100000) + "-" + std::to_string(++counter);
}

// Creates a namespace with a unique name and returns the name.
inline std::string create_namespace(const kube::Client& client, const std::string& prefix = "test") {
  static const kube::ResourceType namespaces{"", "v1", "namespaces", "Namespace", false};
  const std::string name = unique_name(prefix);
  json::Value object = json::Value::object();
  object["apiVersion"] = "v1";
  object["kind"] = "Namespace";
  object["metadata"]["name"] = name;
  const auto created = client.create(namespaces, "", object);
  INFO((created.error ? created.error->to_string() : std::string()));
  REQUIRE(created.ok());
  return name;
}

// A raw request to the server (the /_testserver/ admin endpoints: compact, faults, counters, ...).
inline kube::HttpResponse admin_request(const kube::Client& client, const std::string& method,
                                        const std::string& path, const std::string& body = {}) {
  kube::HttpRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  if (!body.empty()) request.content_type = "application/json";
  auto response = client.transport().round_trip(request);
  INFO((response.error ? response.error->to_string() : std::string()));
  REQUIRE(response.ok());
  return *response.value;
}

// Polls `condition` every `interval` until it holds (true) or `timeout` passes (false). Use it for
// anything that happens asynchronously; never assert on elapsed time.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10),
                       std::chrono::milliseconds interval = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace sqlop::runtime_testing
