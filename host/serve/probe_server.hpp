// The operator's HTTP endpoints: GET /metrics (Prometheus text format 0.0.4) on the metrics bind address,
// and GET /healthz, /readyz (and /healthz/<check>, /readyz/<check>) on the health-probe bind address.
// Either may be disabled ("0"); when both name the same fixed address, one listener serves all paths.
// Anything else answers 404; methods other than GET and HEAD answer 405.
//
// Lifecycle (RAII): construct (nothing is bound), add checks, start(), stop() or destroy. stop() closes
// open client connections, keep-alive ones included, and waits for in-flight requests, so it returns
// promptly whatever clients do.
// Thread-safety: start(), stop() and the address accessors from one controlling thread (the accessors
// also from any thread between start() and stop()); healthz()/readyz() from any thread at any time. Requests are served on the server's own small thread pools.
// Lifetime: the Registry is borrowed and must outlive the server (or its stop()).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/metrics/registry.hpp"
#include "host/serve/health_checks.hpp"

namespace sqlop::serve {

struct ProbeServerOptions {
  std::string metrics_bind_address = "0";       // --metrics-bind-address; "0" = no /metrics
  std::string health_probe_bind_address = "0";  // --health-probe-bind-address; "0" = no probes
  const metrics::Registry* registry = nullptr;  // REQUIRES: set when metrics are enabled
  int max_threads_per_listener = 4;
};

class ProbeServer {
 public:
  explicit ProbeServer(ProbeServerOptions options);
  ~ProbeServer();  // stop()
  ProbeServer(const ProbeServer&) = delete;
  ProbeServer& operator=(const ProbeServer&) = delete;

  // Binds and starts serving. On failure nothing stays bound and the error names the flag and address
  // ("--metrics-bind-address 127.0.0.1:80: ..."). REQUIRES: not started.
  std::optional<std::string> start();
  // Stops serving and closes client connections. Idempotent.
  void stop();

  HealthChecks& healthz() { return healthz_; }
  HealthChecks& readyz() { return readyz_; }

  // The addresses actually bound ("127.0.0.1:39417"), for the log line; nullopt when disabled or stopped.
  std::optional<std::string> metrics_address() const;
  std::optional<std::string> probe_address() const;

 private:
  struct Listener;

  const ProbeServerOptions options_;
  HealthChecks healthz_;
  HealthChecks readyz_;
  std::vector<std::unique_ptr<Listener>> listeners_;  // owned by the controlling thread
};

}  // namespace sqlop::serve
