#include "server/request_counters.hpp"

namespace sqlop::testserver {

RequestCounters::Key RequestCounters::key_of(const CountedRequest& r) {
  return {r.user_agent, r.verb, r.label, r.group, r.resource, r.subresource, r.namespace_, r.name, r.path,
          r.patch_type};
}

void RequestCounters::count(const CountedRequest& request) {
  const Key key = key_of(request);
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[key];
}

sqlop::json::Value RequestCounters::to_json(const std::string& user_agent_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::int64_t total = 0;
  sqlop::json::Value requests = sqlop::json::Value::object();
  sqlop::json::Value calls = sqlop::json::Value::array();
  for (const auto& [key, n] : counts_) {
    const auto& [user_agent, verb, label, group, resource, subresource, ns, name, path, patch_type] = key;
    if (user_agent.compare(0, user_agent_prefix.size(), user_agent_prefix) != 0) continue;
    total += n;
    const std::string request_key = verb + " " + label;
    requests[request_key] = static_cast<long long>(requests.get_int(request_key, 0) + n);
    sqlop::json::Value call = sqlop::json::Value::object();
    call["userAgent"] = user_agent;
    call["verb"] = verb;
    call["group"] = group;
    call["resource"] = resource;
    call["subresource"] = subresource;
    call["namespace"] = ns;
    call["name"] = name;
    call["path"] = path;
    call["patchType"] = patch_type;
    call["count"] = static_cast<long long>(n);
    calls.push_back(std::move(call));
  }
  sqlop::json::Value doc = sqlop::json::Value::object();
  doc["total"] = static_cast<long long>(total);
  doc["requests"] = std::move(requests);
  doc["calls"] = std::move(calls);
  return doc;
}

void RequestCounters::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
}

}  // namespace sqlop::testserver
