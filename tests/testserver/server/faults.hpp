// Faults a test asks for, through PUT /_testserver/faults (or flags): failing a share of requests with 500
// or 429 + Retry-After, latency, cutting watch streams after N events, forcing 410 on the next watch, and
// 409 Conflict on the next updates. Thread-safe.
//
// JSON form (every member optional):
//   {"errorRate": 0.5, "errorCode": 500|429, "retryAfterSeconds": 1, "failNext": 3,
//    "latencyMs": 100, "verbs": ["create"], "resources": ["configmaps"],
//    "cutWatchAfterEvents": 2, "goneNextWatch": true, "goneMode": "event"|"response",
//    "conflictNextUpdates": 1, "seed": 42}
// verbs/resources restrict errors, latency and conflicts to those requests (resources by plural name or
// "plural.group"); empty lists mean every request.
#pragma once

#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "server/api_error.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

struct FaultConfig {
  double error_rate = 0;
  int error_code = 500;
  int retry_after_seconds = 1;
  int fail_next = 0;
  int latency_ms = 0;
  std::vector<std::string> verbs;
  std::vector<std::string> resources;
  int cut_watch_after_events = 0;
  bool gone_next_watch = false;
  std::string gone_mode = "event";
  int conflict_next_updates = 0;
  unsigned seed = 1;
};

// Parses the JSON form; 400 on a malformed document.
std::optional<FaultConfig> parse_fault_config(const sqlop::json::Value& doc, std::string* error);
sqlop::json::Value fault_config_json(const FaultConfig& config);

class Faults {
 public:
  void set(const FaultConfig& config);
  FaultConfig get() const;

  // The error to answer this request with instead of serving it, if any (consumes failNext).
  std::optional<ApiError> request_error(const std::string& verb, const std::string& resource);
  int latency_ms(const std::string& verb, const std::string& resource) const;
  // True when this update/patch must fail with 409 Conflict (consumes conflictNextUpdates).
  bool take_conflict(const std::string& verb, const std::string& resource);
  // "event" or "response" when this watch must answer 410 Gone (consumes goneNextWatch).
  std::optional<std::string> take_gone_watch();
  int cut_watch_after_events() const;

 private:
  bool applies(const std::string& verb, const std::string& resource) const;

  mutable std::mutex mu_;
  FaultConfig config_;
  std::mt19937 rng_{1};
};

}  // namespace sqlop::testserver
