// Counts of served requests by verb and resource, readable by tests at GET /_testserver/counters:
//   {"total": 12, "requests": {"list configmaps": 2, "create deployments.apps": 1, "get /version": 1, ...}}
// Non-resource requests count under verb "get" and their path. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

class RequestCounters {
 public:
  void count(const std::string& verb, const std::string& resource);
  sqlop::json::Value to_json() const;
  void reset();

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::int64_t> counts_;
  std::int64_t total_ = 0;
};

}  // namespace sqlop::testserver
