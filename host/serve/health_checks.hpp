// Named health checks behind /healthz and /readyz, answered the way controller-runtime's healthz does:
//   all pass          200 "ok"  (with ?verbose: one "[+]name ok" line per check, then "<endpoint> check passed")
//   any fails         500, one line per check ("[+]name ok" / "[-]name failed: <why>"), then
//                     "<endpoint> check failed"
//   /<endpoint>/name  that one check: 200 "ok" or 500 "internal server error: <why>"; 404 when unknown
// No checks at all counts as healthy. A check that throws counts as failed with the exception's text.
// Thread-safety: HealthChecks may be used from any thread; checks run on the calling (request) thread,
// outside the set's lock, so a check must be thread-safe itself and should answer quickly.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlop::serve {

// nullopt = healthy; otherwise the reason it is not (no secrets: it is served to anyone who asks).
using HealthCheck = std::function<std::optional<std::string>()>;

struct CheckResult {
  std::string name;
  std::optional<std::string> error;
  bool ok() const { return !error.has_value(); }
};

class HealthChecks {
 public:
  // Adds `check` under `name`, replacing a check of the same name. REQUIRES: check is callable.
  void add(const std::string& name, HealthCheck check);
  // Runs every check, in name order.
  std::vector<CheckResult> run_all() const;
  // Runs the check `name`; nullopt when there is none.
  std::optional<CheckResult> run_one(const std::string& name) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, HealthCheck>> checks_;  // GUARDED_BY(mutex_); sorted by name
};

struct ProbeReply {
  int status = 200;
  std::string body;
};

// The reply to GET /<endpoint> ("healthz" or "readyz") given the check results. Pure.
ProbeReply render_probe_reply(std::string_view endpoint, const std::vector<CheckResult>& results, bool verbose);
// The reply to GET /<endpoint>/<name>. Pure.
ProbeReply render_single_check_reply(const std::optional<CheckResult>& result);

}  // namespace sqlop::serve
