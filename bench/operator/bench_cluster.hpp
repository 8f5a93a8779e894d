// The benchmark's side of the API server: installs the CRD, creates the namespace, the shared Secret and
// the SqliteDatabases, and observes convergence with plain list calls (no watches, so the benchmark's own
// load stays small and countable). Every list it makes is remembered under kube-testserver's counter key
// ("list configmaps", ...) so its requests can be told from the operator's.
// Not thread-safe except create_databases, which runs its own threads.
#pragma once

#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "request_counts.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::bench {

struct Convergence {
  long databases = 0;        // SqliteDatabases in the namespace
  long observed = 0;         // ... with status.observedGeneration == metadata.generation
  long with_pvc = 0;         // distinct owners (app.kubernetes.io/instance) of managed PVCs
  long with_config_map = 0;  // ... of managed ConfigMaps
  long with_deployment = 0;  // ... of managed Deployments
  bool complete(long expected) const {
    return observed >= expected && with_pvc >= expected && with_config_map >= expected &&
           with_deployment >= expected;
  }
};

// What the operator's informers cache (every kind it watches): JSON size as the server sends it, after
// the informer transform (controller::strip_unused_fields), and the heap those transformed objects take
// as shared json::Values parsed the way the informer parses them (measured with mallinfo2 in this
// process, so it is the cache's lower bound: no store index, no allocator slack from freed lists).
struct CachePayload {
  std::string kind;  // resource, e.g. "deployments"; "total" for the sum
  long objects = 0;
  long bytes = 0;
  long bytes_transformed = 0;
  long heap_bytes_transformed = 0;
};

class BenchCluster {
 public:
  BenchCluster(testserver::client::ClusterAccess access, std::string namespace_name);

  // Each returns "" or what went wrong.
  std::string install_crd(const std::string& crd_yaml_path);
  std::string create_namespace();
  std::string create_object(const std::string& collection_path, const json::Value& object);

  // Creates SqliteDatabases named db-<from> .. db-<to - 1> from `database` (a SqliteDatabase manifest
  // whose name is replaced) on `threads` connections. Returns how many creates failed.
  long create_databases(const json::Value& database, long from, long to, int threads);

  // One observation: lists the SqliteDatabases and, once all `expected` are observed, the children.
  Convergence observe(long expected);

  // One entry per cached resource, then the total.
  std::vector<CachePayload> cache_payload();

  RequestCounts server_counters();
  // Resets the server's counters and the record of the benchmark's own requests.
  void reset_counters();
  // The benchmark's requests since the last reset_counters (creates included).
  const RequestCounts& own_requests() const { return own_; }

  testserver::client::ApiClient& api() { return api_; }

 private:
  testserver::client::Response counted_get(const std::string& path, const std::string& counter_key);

  testserver::client::ClusterAccess access_;
  std::string namespace_;
  testserver::client::ApiClient api_;
  RequestCounts own_;
};

}  // namespace sqlop::bench
