// The probe server (host/serve/probe_server.hpp) over real sockets on 127.0.0.1: /metrics exposition,
// /healthz and /readyz, separate and disabled bind addresses, and a prompt stop with a client holding a
// keep-alive connection open.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "host/metrics/operator_metrics.hpp"
#include "host/metrics/process_metrics.hpp"
#include "host/metrics/registry.hpp"
#include "host/serve/probe_server.hpp"
#include "tests/unit/prometheus_text_parser.hpp"

using sqlop::serve::ProbeServer;
using sqlop::serve::ProbeServerOptions;

namespace {

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
};

HttpResult http(Poco::Net::HTTPClientSession& session, const std::string& path,
                const std::string& method = Poco::Net::HTTPRequest::HTTP_GET) {
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpResult out;
  out.status = static_cast<int>(response.getStatus());
  out.content_type = response.getContentType();
  Poco::StreamCopier::copyToString(in, out.body);
  return out;
}

// One request on a fresh connection to "host:port".
HttpResult get(const std::string& address, const std::string& path,
               const std::string& method = Poco::Net::HTTPRequest::HTTP_GET) {
  Poco::Net::HTTPClientSession session{Poco::Net::SocketAddress(address)};
  session.setTimeout(Poco::Timespan(10, 0));
  return http(session, path, method);
}

ProbeServerOptions options_on_loopback(const sqlop::metrics::Registry& registry) {
  ProbeServerOptions options;
  options.metrics_bind_address = "127.0.0.1:0";
  options.health_probe_bind_address = "127.0.0.1:0";
  options.registry = &registry;
  return options;
}

}  // namespace

TEST_CASE("GET /metrics serves the registry in the Prometheus text format", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  sqlop::metrics::OperatorMetrics metrics(registry);
  sqlop::metrics::register_process_metrics(registry);
  metrics.controller("sqlitedatabase", 2)
      .observe_reconcile(sqlop::metrics::ReconcileResult::Success, std::chrono::milliseconds(7));

  ProbeServer server(options_on_loopback(registry));
  REQUIRE(server.start() == std::nullopt);
  REQUIRE(server.metrics_address());
  CHECK(server.metrics_address()->rfind("127.0.0.1:", 0) == 0);
  CHECK(Poco::Net::SocketAddress(*server.metrics_address()).port() != 0);

  const HttpResult reply = get(*server.metrics_address(), "/metrics");
  CHECK(reply.status == 200);
  CHECK(reply.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
  const auto parsed = sqlop::testing::parse_prometheus_text(reply.body);
  INFO(parsed.error);
  REQUIRE(parsed.ok());
  for (const char* family : {"controller_runtime_reconcile_total", "controller_runtime_reconcile_time_seconds",
                             "workqueue_depth", "rest_client_requests_total", "leader_election_master_status",
                             "process_resident_memory_bytes", "process_cpu_seconds_total",
                             "process_start_time_seconds"}) {
    INFO(family);
    CHECK(parsed.has(family));
  }
  CHECK(parsed.value("controller_runtime_reconcile_total", {{"controller", "sqlitedatabase"}, {"result", "success"}}) ==
        1.0);

  CHECK(get(*server.metrics_address(), "/metrics", "HEAD").body.empty());
  CHECK(get(*server.metrics_address(), "/metrics", "POST").status == 405);
  CHECK(get(*server.metrics_address(), "/nothing").status == 404);
}

TEST_CASE("/readyz turns from 500 to 200 when its check starts passing", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  ProbeServer server(options_on_loopback(registry));
  std::atomic<bool> synced{false};
  server.readyz().add("informers-synced", [&]() -> std::optional<std::string> {
    if (synced) return std::nullopt;
    return std::string("caches not synced");
  });
  server.healthz().add("ping", [] { return std::optional<std::string>(); });
  REQUIRE(server.start() == std::nullopt);
  const std::string probes = *server.probe_address();

  const HttpResult not_ready = get(probes, "/readyz");
  CHECK(not_ready.status == 500);
  CHECK(not_ready.body.find("[-]informers-synced failed: caches not synced") != std::string::npos);
  CHECK(not_ready.body.find("readyz check failed") != std::string::npos);
  CHECK(get(probes, "/readyz/informers-synced").status == 500);

  synced = true;
  const HttpResult ready = get(probes, "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ok");
  CHECK(get(probes, "/readyz/informers-synced").status == 200);
  CHECK(get(probes, "/readyz/unknown").status == 404);
}

TEST_CASE("/healthz?verbose lists every check", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  ProbeServer server(options_on_loopback(registry));
  server.healthz().add("ping", [] { return std::optional<std::string>(); });
  server.healthz().add("leader-election", [] { return std::optional<std::string>(); });
  REQUIRE(server.start() == std::nullopt);

  const HttpResult plain = get(*server.probe_address(), "/healthz");
  CHECK(plain.status == 200);
  CHECK(plain.body == "ok");
  const HttpResult verbose = get(*server.probe_address(), "/healthz?verbose");
  CHECK(verbose.status == 200);
  CHECK(verbose.body == "[+]leader-election ok\n[+]ping ok\nhealthz check passed\n");
}

TEST_CASE("metrics and probes on two addresses serve only their own paths", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  ProbeServer server(options_on_loopback(registry));
  REQUIRE(server.start() == std::nullopt);
  const std::string metrics = *server.metrics_address();
  const std::string probes = *server.probe_address();
  CHECK(metrics != probes);

  CHECK(get(metrics, "/metrics").status == 200);
  CHECK(get(metrics, "/healthz").status == 404);
  CHECK(get(probes, "/healthz").status == 200);
  CHECK(get(probes, "/readyz").status == 200);
  CHECK(get(probes, "/metrics").status == 404);
}

TEST_CASE("\"0\" disables a listener, a bad address names its flag", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  {
    ProbeServerOptions options = options_on_loopback(registry);
    options.metrics_bind_address = "0";
    ProbeServer server(options);
    REQUIRE(server.start() == std::nullopt);
    CHECK_FALSE(server.metrics_address());
    REQUIRE(server.probe_address());
    CHECK(get(*server.probe_address(), "/healthz").status == 200);
  }
  {
    ProbeServerOptions options;
    options.registry = &registry;
    ProbeServer server(options);  // both "0" by default
    REQUIRE(server.start() == std::nullopt);
    CHECK_FALSE(server.metrics_address());
    CHECK_FALSE(server.probe_address());
  }
  {
    ProbeServerOptions options = options_on_loopback(registry);
    options.health_probe_bind_address = "8081";
    ProbeServer server(options);
    const auto error = server.start();
    REQUIRE(error);
    CHECK(error->find("--health-probe-bind-address") == 0);
    CHECK_FALSE(server.metrics_address());  // nothing stays bound
  }
}

TEST_CASE("binding a port already in use fails with the flag and address", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  ProbeServer first(options_on_loopback(registry));
  REQUIRE(first.start() == std::nullopt);
  ProbeServerOptions options = options_on_loopback(registry);
  options.metrics_bind_address = *first.metrics_address();
  ProbeServer second(options);
  const auto error = second.start();
  REQUIRE(error);
  CHECK(error->find("--metrics-bind-address " + *first.metrics_address()) == 0);
  CHECK_FALSE(second.probe_address());
}

TEST_CASE("stop returns promptly while a client holds a keep-alive connection", "[metrics][serve]") {
  sqlop::metrics::Registry registry;
  ProbeServer server(options_on_loopback(registry));
  REQUIRE(server.start() == std::nullopt);

  Poco::Net::HTTPClientSession idle{Poco::Net::SocketAddress(*server.probe_address())};
  idle.setKeepAlive(true);
  idle.setTimeout(Poco::Timespan(10, 0));
  REQUIRE(http(idle, "/healthz").status == 200);  // the connection stays open, waiting for a next request

  // The server's keep-alive timeout is 30 s: a stop that waited for this client would miss the deadline.
  auto stopped = std::async(std::launch::async, [&] { server.stop(); });
  REQUIRE(stopped.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK_FALSE(server.probe_address());

  // The server closed the connection: the next request on it fails.
  CHECK_THROWS(http(idle, "/healthz"));
}
