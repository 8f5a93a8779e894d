#include "host/serve/health_checks.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace sqlop::serve {

namespace {

CheckResult run_check(const std::string& name, const HealthCheck& check) {
  try {
    return CheckResult{name, check()};
  } catch (const std::exception& e) {
    return CheckResult{name, std::string("check threw: ") + e.what()};
  } catch (...) {
    return CheckResult{name, std::string("check threw an unknown exception")};
  }
}

}  // namespace

void HealthChecks::add(const std::string& name, HealthCheck check) {
  if (!check) throw std::invalid_argument("health check " + name + " is empty");
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::lower_bound(checks_.begin(), checks_.end(), name,
                             [](const auto& entry, const std::string& key) { return entry.first < key; });
  if (it != checks_.end() && it->first == name) {
    it->second = std::move(check);
  } else {
    checks_.emplace(it, name, std::move(check));
  }
}

std::vector<CheckResult> HealthChecks::run_all() const {
  std::vector<std::pair<std::string, HealthCheck>> checks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    checks = checks_;
  }
  std::vector<CheckResult> out;
  out.reserve(checks.size());
  for (const auto& [name, check] : checks) out.push_back(run_check(name, check));
  return out;
}

std::optional<CheckResult> HealthChecks::run_one(const std::string& name) const {
  HealthCheck check;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : checks_) {
      if (entry.first == name) check = entry.second;
    }
  }
  if (!check) return std::nullopt;
  return run_check(name, check);
}

ProbeReply render_probe_reply(std::string_view endpoint, const std::vector<CheckResult>& results, bool verbose) {
  const bool healthy = std::all_of(results.begin(), results.end(), [](const CheckResult& r) { return r.ok(); });
  if (healthy && !verbose) return ProbeReply{200, "ok"};
  std::string body;
  for (const auto& result : results) {
    body += result.ok() ? "[+]" + result.name + " ok\n" : "[-]" + result.name + " failed: " + *result.error + "\n";
  }
  body += std::string(endpoint) + (healthy ? " check passed\n" : " check failed\n");
  return ProbeReply{healthy ? 200 : 500, body};
}

ProbeReply render_single_check_reply(const std::optional<CheckResult>& result) {
  if (!result) return ProbeReply{404, "404 page not found\n"};
  if (result->ok()) return ProbeReply{200, "ok"};
  return ProbeReply{500, "internal server error: " + *result->error + "\n"};
}

}  // namespace sqlop::serve
