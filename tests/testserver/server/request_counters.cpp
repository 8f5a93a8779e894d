#include "server/request_counters.hpp"

namespace sqlop::testserver {

void RequestCounters::count(const std::string& verb, const std::string& resource) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[verb + " " + resource];
  ++total_;
}

sqlop::json::Value RequestCounters::to_json() const {
  std::lock_guard<std::mutex> lock(mu_);
  sqlop::json::Value doc = sqlop::json::Value::object();
  doc["total"] = static_cast<long long>(total_);
  doc["requests"] = sqlop::json::Value::object();
  for (const auto& [key, n] : counts_) doc["requests"][key] = static_cast<long long>(n);
  return doc;
}

void RequestCounters::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
  total_ = 0;
}

}  // namespace sqlop::testserver
