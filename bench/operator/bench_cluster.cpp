#include "bench_cluster.hpp"

#include <malloc.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "host/controller/object_transform.hpp"
#include "host/yaml/yaml_json.hpp"

namespace sqlop::bench {
namespace {

namespace client = testserver::client;

constexpr const char* kCrdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
constexpr const char* kDatabasesKey = "sqlitedatabases.database.sqlite.io";
constexpr const char* kManagedSelector = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dsqlite-operator";

std::string databases_path(const std::string& ns) {
  return "/apis/database.sqlite.io/v1alpha1/namespaces/" + ns + "/sqlitedatabases";
}

std::string failure(const std::string& what, const client::Response& r) {
  return what + ": HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 300);
}

const json::Value* items_of(const client::Response& r) {
  const json::Value* items = r.json().find("items");
  return items && items->is_array() ? items : nullptr;
}

// Distinct app.kubernetes.io/instance labels among the items of a list response.
long distinct_instances(const client::Response& r) {
  std::set<std::string> owners;
  if (const json::Value* items = items_of(r)) {
    for (const json::Value& item : items->as_array()) {
      const json::Value* instance = item.find_path({"metadata", "labels", "app.kubernetes.io/instance"});
      if (instance && instance->is_string()) owners.insert(instance->as_string());
    }
  }
  return static_cast<long>(owners.size());
}

bool crd_established(const json::Value& crd) {
  const json::Value* conditions = crd.find_path({"status", "conditions"});
  if (!conditions || !conditions->is_array()) return false;
  for (const json::Value& c : conditions->as_array()) {
    if (c.get_string("type") == "Established" && c.get_string("status") == "True") return true;
  }
  return false;
}

}  // namespace

BenchCluster::BenchCluster(client::ClusterAccess access, std::string namespace_name)
    : access_(std::move(access)), namespace_(std::move(namespace_name)), api_(access_) {}

std::string BenchCluster::install_crd(const std::string& crd_yaml_path) {
  std::ifstream in(crd_yaml_path);
  std::ostringstream text;
  text << in.rdbuf();
  const yaml::LoadResult load = yaml::load_all(text.str());
  if (!load.ok() || load.documents.empty()) return crd_yaml_path + ": " + (load.ok() ? "empty" : load.error);
  const json::Value& crd = load.documents.front().value;
  if (const std::string error = create_object(kCrdPath, crd); !error.empty()) return error;
  const std::string path = std::string(kCrdPath) + "/" + crd.find_path({"metadata", "name"})->as_string();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (crd_established(api_.get(path).json())) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "the CRD was not Established within 10 s";
}

std::string BenchCluster::create_namespace() {
  json::Value ns = json::Value::object();
  ns["apiVersion"] = "v1";
  ns["kind"] = "Namespace";
  ns["metadata"]["name"] = namespace_;
  return create_object("/api/v1/namespaces", ns);
}

std::string BenchCluster::create_object(const std::string& collection_path, const json::Value& object) {
  const client::Response r = api_.post(collection_path, object);
  return r.status == 201 ? "" : failure("create " + collection_path, r);
}

long BenchCluster::create_databases(const json::Value& database, long from, long to, int threads) {
  std::atomic<long> next{from};
  std::atomic<long> failed{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      client::ApiClient api(access_);
      json::Value object = database;
      object["metadata"]["namespace"] = namespace_;
      for (long i = next++; i < to; i = next++) {
        object["metadata"]["name"] = "db-" + std::to_string(i);
        try {
          if (api.post(databases_path(namespace_), object).status != 201) ++failed;
        } catch (const std::exception&) {
          ++failed;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  own_[std::string("create ") + kDatabasesKey] += to - from;
  return failed;
}

client::Response BenchCluster::counted_get(const std::string& path, const std::string& counter_key) {
  ++own_[counter_key];
  return api_.get(path);
}

Convergence BenchCluster::observe(long expected) {
  Convergence c;
  const client::Response dbs = counted_get(databases_path(namespace_), std::string("list ") + kDatabasesKey);
  if (const json::Value* items = items_of(dbs)) {
    for (const json::Value& db : items->as_array()) {
      ++c.databases;
      const json::Value* observed = db.find_path({"status", "observedGeneration"});
      const json::Value* generation = db.find_path({"metadata", "generation"});
      if (observed && generation && observed->is_number() && *observed == *generation) ++c.observed;
    }
  }
  if (c.observed < expected) return c;
  const std::string ns = "/namespaces/" + namespace_ + "/";
  c.with_pvc = distinct_instances(
      counted_get("/api/v1" + ns + "persistentvolumeclaims?" + kManagedSelector, "list persistentvolumeclaims"));
  c.with_config_map =
      distinct_instances(counted_get("/api/v1" + ns + "configmaps?" + kManagedSelector, "list configmaps"));
  c.with_deployment =
      distinct_instances(counted_get("/apis/apps/v1" + ns + "deployments?" + kManagedSelector, "list deployments.apps"));
  return c;
}

// The in-memory size of one list's transformed items, parsed the way the informer parses them.
CachePayload measure_items(const std::string& kind, const json::Value& items) {
  CachePayload p;
  p.kind = kind;
  std::vector<std::string> transformed;
  for (const json::Value& item : items.as_array()) {
    ++p.objects;
    p.bytes += static_cast<long>(json::dump(item).size());
    json::Value stripped = item;
    controller::strip_unused_fields(stripped);
    transformed.push_back(json::dump(stripped));
    p.bytes_transformed += static_cast<long>(transformed.back().size());
  }
  std::vector<std::shared_ptr<const json::Value>> cache;
  cache.reserve(transformed.size());
  const std::size_t heap_before = mallinfo2().uordblks;
  for (const std::string& text : transformed) cache.push_back(std::make_shared<const json::Value>(*json::parse(text)));
  p.heap_bytes_transformed = static_cast<long>(mallinfo2().uordblks - heap_before);
  return p;
}

std::vector<CachePayload> BenchCluster::cache_payload() {
  // Every kind the operator's informers list (cluster-wide, children by label, ConfigMaps and Secrets all).
  const std::vector<std::pair<std::string, std::string>> lists = {
      {"sqlitedatabases", "/apis/database.sqlite.io/v1alpha1/sqlitedatabases"},
      {"persistentvolumeclaims", std::string("/api/v1/persistentvolumeclaims?") + kManagedSelector},
      {"deployments", std::string("/apis/apps/v1/deployments?") + kManagedSelector},
      {"services", std::string("/api/v1/services?") + kManagedSelector},
      {"ingresses", std::string("/apis/networking.k8s.io/v1/ingresses?") + kManagedSelector},
      {"configmaps", "/api/v1/configmaps"},
      {"secrets", "/api/v1/secrets"},
  };
  std::vector<CachePayload> out;
  CachePayload total;
  total.kind = "total";
  for (const auto& [kind, path] : lists) {
    const client::Response r = api_.get(path);
    const json::Value* items = items_of(r);
    if (!items || items->as_array().empty()) continue;
    out.push_back(measure_items(kind, *items));
    total.objects += out.back().objects;
    total.bytes += out.back().bytes;
    total.bytes_transformed += out.back().bytes_transformed;
    total.heap_bytes_transformed += out.back().heap_bytes_transformed;
  }
  out.push_back(total);
  return out;
}

RequestCounts BenchCluster::server_counters() { return parse_counters(api_.get("/_testserver/counters").json()); }

void BenchCluster::reset_counters() {
  api_.del("/_testserver/counters");
  own_.clear();
}

}  // namespace sqlop::bench
