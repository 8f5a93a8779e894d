// Counts of served requests, readable by tests at GET /_testserver/counters:
//   {"total": 12,
//    "requests": {"list configmaps": 2, "create deployments.apps": 1, "get /version": 1, ...},
//    "calls": [{"userAgent": "sqlite-operator/0.1.0", "verb": "patch", "group": "apps",
//               "resource": "deployments", "subresource": "", "namespace": "ns1", "name": "db1",
//               "path": "", "patchType": "application/apply-patch+yaml", "count": 3}, ...]}
// "requests" keys are verb and group-qualified resource (non-resource requests count under verb "get" and
// their path). "calls" attributes each distinct request shape to its client (User-Agent), with the
// authorization attributes a real apiserver would check (verb, API group, resource, subresource,
// namespace, and the object's name from the URL, which a rule's resourceNames matches; "path" for
// non-resource requests) and the patch's content type, so a test can check a client's
// calls against RBAC rules. `user_agent_prefix` restricts everything to clients whose User-Agent starts
// with it. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

struct CountedRequest {
  std::string user_agent;
  std::string verb;
  std::string label;        // the "requests" key without the verb: "deployments.apps/status", "/version"
  std::string group;        // resource requests only
  std::string resource;     // plural; "" for a non-resource request
  std::string subresource;
  std::string namespace_;   // "" for cluster-scoped requests and lists across namespaces
  std::string name;         // the object named in the URL; "" for create, list and watch
  std::string path;         // non-resource requests only
  std::string patch_type;   // the Content-Type of a PATCH, without parameters
};

class RequestCounters {
 public:
  void count(const CountedRequest& request);
  sqlop::json::Value to_json(const std::string& user_agent_prefix = {}) const;
  void reset();

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string, std::string, std::string>;
  static Key key_of(const CountedRequest& r);

  mutable std::mutex mu_;
  std::map<Key, std::int64_t> counts_;
};

}  // namespace sqlop::testserver
