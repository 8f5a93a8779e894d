// The end-to-end harness for the `sqlite-operator run` binary: a kube-testserver with the SqliteDatabase
// CRD installed (TestCluster), the operator as a child process with its log in a scratch directory
// (OperatorRun), and the probes a test reads: Prometheus metrics, health endpoints, the server's request
// counters, the objects and their status conditions.
//
// Everything is RAII: a TestCluster stops its server and an OperatorRun stops (SIGTERM, then SIGKILL) its
// process when they go away, also when a REQUIRE fails half-way. Helpers REQUIRE what must work, so a test
// reads as the behaviour it checks; helpers that poll accept transient errors (fault-injection tests).
//
// Not thread-safe: one test thread drives everything. shared_cluster() is one plain-HTTP server shared by
// the test cases of this process; a test using it must work in its own namespace, start its operator with
// --namespace, and never inject faults (tests that need faults or TLS start their own TestCluster).
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "host/kube/resource.hpp"
#include "host/yaml/yaml_json.hpp"
#include "process.hpp"
#include "runtime_support.hpp"
#include "scratch_dir.hpp"
#include "sqlite_operator/base64.hpp"

namespace sqlop::runtime_testing {

namespace types = kube::types;
using namespace std::chrono_literals;

// Parses JSON the test wrote itself (or a server's answer); REQUIREs that it parses.
inline json::Value parse_json(std::string_view text) {
  std::optional<json::Value> parsed = json::parse(text);
  REQUIRE(parsed);
  return std::move(*parsed);
}

// --- the cluster ---------------------------------------------------------------------------------------

inline const kube::ResourceType& crd_type() {
  static const kube::ResourceType t{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                    "CustomResourceDefinition", false};
  return t;
}

inline std::string source_path(const std::string& relative) { return std::string(SQLOP_SOURCE_DIR) + "/" + relative; }

// Every document of a YAML file of the source tree (e.g. "crd/samples/s3.yaml").
inline std::vector<json::Value> read_manifests(const std::string& relative_path) {
  const yaml::LoadResult loaded = yaml::load_all(testing::read_text_file(source_path(relative_path)));
  INFO(relative_path << ": " << loaded.error);
  REQUIRE(loaded.ok());
  std::vector<json::Value> out;
  for (const yaml::Document& d : loaded.documents) out.push_back(d.value);
  return out;
}

// The names of crd/samples/*.yaml ("s3", "rest-api", ...), sorted: read from the folder, so a new sample is
// covered by every test that walks them.
inline std::vector<std::string> sample_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("crd/samples"))) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  REQUIRE_FALSE(names.empty());
  return names;
}

// Every document of crd/samples/NAME.yaml.
inline std::vector<json::Value> sample(const std::string& name) { return read_manifests("crd/samples/" + name + ".yaml"); }

inline const json::Value* find_condition(const json::Value& object, const std::string& type) {
  const json::Value* conditions = object.find_path({"status", "conditions"});
  if (!conditions || !conditions->is_array()) return nullptr;
  for (const json::Value& c : conditions->as_array()) {
    if (c.get_string("type") == type) return &c;
  }
  return nullptr;
}

inline bool crd_established(const kube::Client& client) {
  const auto crd = client.get(crd_type(), "", "sqlitedatabases.database.sqlite.io");
  if (!crd.ok()) return false;
  const json::Value* established = find_condition(*crd.value, "Established");
  return established && established->get_string("status") == "True";
}

// A kube-testserver with the SqliteDatabase CRD installed and established, and a client for it.
class TestCluster {
 public:
  explicit TestCluster(bool tls = false, std::vector<std::string> extra_args = {})
      : server_(start_testserver(tls, std::move(extra_args))), client_(make_client(server_->kubeconfig_path())) {
    const std::vector<json::Value> crds = read_manifests("crd/bases/database.sqlite.io_sqlitedatabases.yaml");
    REQUIRE(crds.size() == 1);
    const auto created = client_.create(crd_type(), "", crds.front());
    INFO((created.error ? created.error->to_string() : std::string()));
    REQUIRE(created.ok());
    REQUIRE(eventually([&] { return crd_established(client_) && client_.list(types::sqlite_databases(), "").ok(); }));
  }

  const kube::Client& client() const { return client_; }
  const std::string& kubeconfig_path() const { return server_->kubeconfig_path(); }
  ServerProcess& server() { return *server_; }

 private:
  std::unique_ptr<ServerProcess> server_;
  kube::Client client_;
};

// One plain-HTTP cluster for every test case of the process that can share it (see the file comment).
inline TestCluster& shared_cluster() {
  static TestCluster cluster;
  return cluster;
}

// --- objects -------------------------------------------------------------------------------------------

inline const kube::ResourceType& type_of_kind(const std::string& kind) {
  static const std::map<std::string, const kube::ResourceType*> by_kind = {
      {"SqliteDatabase", &types::sqlite_databases()},  {"Secret", &types::secrets()},
      {"ConfigMap", &types::config_maps()},            {"PersistentVolumeClaim", &types::persistent_volume_claims()},
      {"Deployment", &types::deployments()},           {"Service", &types::services()},
      {"Ingress", &types::ingresses()},                {"Event", &types::events()},
  };
  const auto it = by_kind.find(kind);
  INFO("kind " << kind);
  REQUIRE(it != by_kind.end());
  return *it->second;
}

inline std::string name_of(const json::Value& object) {
  const json::Value* name = object.find_path({"metadata", "name"});
  return name && name->is_string() ? name->as_string() : "";
}

// Creates `object` in `ns` (its metadata.namespace is replaced). Retries transient errors (injected 500s and
// 429s) and treats AlreadyExists after a retry as done, so it also works while faults are injected.
inline json::Value create_in(const kube::Client& client, const std::string& ns, json::Value object) {
  object["metadata"]["namespace"] = ns;
  const kube::ResourceType& type = type_of_kind(object.get_string("kind"));
  std::optional<kube::ApiError> last;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto created = client.create(type, ns, object);
    if (created.ok()) return *created.value;
    last = created.error;
    if (attempt > 0 && created.error->is_already_exists()) return client.get(type, ns, name_of(object)).value.value_or(object);
    if (!created.error->is_retryable()) break;
    std::this_thread::sleep_for(50ms);
  }
  FAIL("cannot create " << object.get_string("kind") << " " << ns << "/" << name_of(object) << ": "
                        << (last ? last->to_string() : std::string()));
  return object;
}

// Creates every document of a sample (Secrets, PVCs, ConfigMaps and the SqliteDatabase) in `ns`.
inline void create_all_in(const kube::Client& client, const std::string& ns, const std::vector<json::Value>& docs) {
  for (const json::Value& d : docs) create_in(client, ns, d);
}

// The documents of `relative_path` of one kind.
inline std::vector<json::Value> of_kind(const std::vector<json::Value>& docs, const std::string& kind) {
  std::vector<json::Value> out;
  for (const json::Value& d : docs) {
    if (d.get_string("kind") == kind) out.push_back(d);
  }
  return out;
}

// The object, or nullopt when it does not exist or the request failed (a poll tries again).
inline std::optional<json::Value> try_get(const kube::Client& client, const kube::ResourceType& type,
                                          const std::string& ns, const std::string& name) {
  auto got = client.get(type, ns, name);
  if (!got.ok()) return std::nullopt;
  return std::move(*got.value);
}

// True only when the server answers 404 (an error of another kind is not proof of absence).
inline bool absent(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                   const std::string& name) {
  const auto got = client.get(type, ns, name);
  return !got.ok() && got.error->is_not_found();
}

inline json::Value get_required(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                                const std::string& name) {
  auto got = client.get(type, ns, name);
  INFO(type.kind << " " << ns << "/" << name << ": " << (got.error ? got.error->to_string() : std::string()));
  REQUIRE(got.ok());
  return std::move(*got.value);
}

inline std::vector<json::Value> list_in(const kube::Client& client, const kube::ResourceType& type,
                                        const std::string& ns) {
  auto listed = client.list(type, ns);
  INFO(type.kind << " in " << ns << ": " << (listed.error ? listed.error->to_string() : std::string()));
  REQUIRE(listed.ok());
  return std::move(listed.value->items);
}

// A merge patch of the status subresource, as a kubelet or controller would report it.
inline void patch_status(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                         const std::string& name, const std::string& status_json) {
  const auto patched = client.patch(type, ns, name, kube::PatchType::Merge, "{\"status\":" + status_json + "}",
                                    {"", "status", false});
  INFO(type.kind << " " << ns << "/" << name << ": " << (patched.error ? patched.error->to_string() : std::string()));
  REQUIRE(patched.ok());
}

inline void mark_deployment_available(const kube::Client& client, const std::string& ns, const std::string& name) {
  patch_status(client, types::deployments(), ns, name,
               R"({"replicas":1,"readyReplicas":1,"availableReplicas":1,"updatedReplicas":1,)"
               R"("conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"}]})");
}

inline void mark_pvc_bound(const kube::Client& client, const std::string& ns, const std::string& name) {
  patch_status(client, types::persistent_volume_claims(), ns, name, R"({"phase":"Bound"})");
}

inline std::string condition_field(const json::Value& object, const std::string& type, const std::string& field) {
  const json::Value* c = find_condition(object, type);
  return c ? c->get_string(field) : "";
}

inline std::string phase_of(const json::Value& object) {
  const json::Value* phase = object.find_path({"status", "phase"});
  return phase && phase->is_string() ? phase->as_string() : "";
}

inline bool has_operator_finalizer(const json::Value& object) {
  const json::Value* finalizers = object.find_path({"metadata", "finalizers"});
  if (!finalizers || !finalizers->is_array()) return false;
  for (const json::Value& f : finalizers->as_array()) {
    if (f.is_string() && f.as_string() == "database.sqlite.io/finalizer") return true;
  }
  return false;
}

// status.observedGeneration == metadata.generation: the operator has seen the current spec.
inline bool observed_current(const json::Value& object) {
  const json::Value* observed = object.find_path({"status", "observedGeneration"});
  const json::Value* generation = object.find_path({"metadata", "generation"});
  return observed && generation && observed->is_number() && observed->as_int() == generation->as_int();
}

// Polls the SqliteDatabase until `condition` holds; REQUIREs it within `timeout` and returns the object.
inline json::Value wait_for_database(const kube::Client& client, const std::string& ns, const std::string& name,
                                     const std::function<bool(const json::Value&)>& condition,
                                     const std::string& what, std::chrono::milliseconds timeout = 20s) {
  json::Value last;
  const bool held = eventually(
      [&] {
        auto got = try_get(client, types::sqlite_databases(), ns, name);
        if (!got) return false;
        last = std::move(*got);
        return condition(last);
      },
      timeout, 50ms);
  INFO("SqliteDatabase " << ns << "/" << name << " never reached: " << what << "\nlast seen: " << json::dump(last));
  REQUIRE(held);
  return last;
}

inline json::Value wait_for_ready_reason(const kube::Client& client, const std::string& ns, const std::string& name,
                                         const std::string& reason, std::chrono::milliseconds timeout = 20s) {
  return wait_for_database(
      client, ns, name,
      [&](const json::Value& db) { return condition_field(db, "Ready", "reason") == reason; },
      "Ready reason " + reason, timeout);
}

// The operator has written every child of the SqliteDatabase and waits for its Deployment, which no kubelet
// here makes available: the state a test reaches once a reconcile went through.
inline bool waiting_for_deployment(const json::Value& db) {
  return has_operator_finalizer(db) && observed_current(db) && phase_of(db) == "Pending" &&
         condition_field(db, "Ready", "reason") == "DeploymentUnavailable";
}

inline json::Value wait_until_waiting_for_deployment(const kube::Client& client, const std::string& ns,
                                                     const std::string& name,
                                                     std::chrono::milliseconds timeout = 20s) {
  return wait_for_database(client, ns, name, waiting_for_deployment,
                           "finalizer, observedGeneration, phase Pending, Ready=False DeploymentUnavailable", timeout);
}

// A SqliteDatabase with one s3 replica and no credentials Secret, as a test writes one by hand; `path` is set
// when not empty.
inline json::Value s3_database(const std::string& name, const std::string& bucket = "example-bucket",
                               const std::string& path = "") {
  json::Value db = parse_json(R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase",
    "metadata":{},"spec":{"litestream":{"replicas":[{"type":"s3","bucket":"","region":"us-east-1"}]}}})");
  db["metadata"]["name"] = name;
  json::Value& replica = db["spec"]["litestream"]["replicas"].as_array()[0];
  replica["bucket"] = bucket;
  if (!path.empty()) replica["path"] = path;
  return db;
}

// The litestream.yml of a Litestream ConfigMap child; "" when it has none.
inline std::string litestream_yml(const json::Value& config_map) {
  const json::Value* data = config_map.find_path({"data", "litestream.yml"});
  return data && data->is_string() ? data->as_string() : "";
}

// Polls a child until it exists and `condition` holds; returns it.
inline json::Value wait_for_object(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                                   const std::string& name,
                                   const std::function<bool(const json::Value&)>& condition = {},
                                   const std::string& what = "exists", std::chrono::milliseconds timeout = 20s) {
  json::Value last;
  const bool held = eventually(
      [&] {
        auto got = try_get(client, type, ns, name);
        if (!got) return false;
        last = std::move(*got);
        return !condition || condition(last);
      },
      timeout, 50ms);
  INFO(type.kind << " " << ns << "/" << name << " never reached: " << what << "\nlast seen: " << json::dump(last));
  REQUIRE(held);
  return last;
}

inline void wait_until_absent(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                              const std::string& name, std::chrono::milliseconds timeout = 20s) {
  INFO(type.kind << " " << ns << "/" << name << " should be gone");
  REQUIRE(eventually([&] { return absent(client, type, ns, name); }, timeout, 50ms));
}

inline std::string annotation(const json::Value& object, const std::string& key) {
  const json::Value* annotations = object.find_path({"metadata", "annotations"});
  return annotations ? annotations->get_string(key) : "";
}

inline std::string config_hash(const json::Value& deployment) {
  const json::Value* annotations = deployment.find_path({"spec", "template", "metadata", "annotations"});
  return annotations ? annotations->get_string("database.sqlite.io/config-hash") : "";
}

// The decoded values of every Secret in `docs` (data and stringData) that are long enough to be telling.
inline std::vector<std::string> secret_values(const std::vector<json::Value>& docs) {
  std::vector<std::string> values;
  for (const json::Value& secret : of_kind(docs, "Secret")) {
    if (const json::Value* data = secret.find("stringData")) {
      for (const auto& [key, value] : data->as_object()) {
        if (value.as_string().size() >= 8) values.push_back(value.as_string());
      }
    }
    if (const json::Value* data = secret.find("data")) {
      for (const auto& [key, value] : data->as_object()) {
        const auto decoded = base64::decode(value.as_string());
        if (decoded && decoded->size() >= 8) values.push_back(*decoded);
      }
    }
  }
  return values;
}

// --- the server's request counters ---------------------------------------------------------------------

// {"list configmaps": 2, "patch deployments.apps/status": 1, ...} since the last reset.
inline std::map<std::string, std::int64_t> request_counts(const kube::Client& client) {
  const kube::HttpResponse response = admin_request(client, "GET", "/_testserver/counters");
  REQUIRE(response.status == 200);
  const json::Value counters = parse_json(response.body);
  std::map<std::string, std::int64_t> out;
  if (const json::Value* requests = counters.find("requests"); requests && requests->is_object()) {
    for (const auto& [key, count] : requests->as_object()) out[key] = count.as_int();
  }
  return out;
}

inline void reset_request_counts(const kube::Client& client) {
  REQUIRE(admin_request(client, "DELETE", "/_testserver/counters").status == 200);
}

// The watch streams the server holds open now (every client's): an informer that is relisting after a cut
// or failed watch, and whose cache may be stale meanwhile, holds none.
inline std::int64_t open_watches(const kube::Client& client) {
  const kube::HttpResponse response = admin_request(client, "GET", "/_testserver/state");
  REQUIRE(response.status == 200);
  return parse_json(response.body).get_int("watches", -1);
}

// The write requests (create, update, patch, delete) among `counts`, e.g. {"patch configmaps": 1}.
inline std::map<std::string, std::int64_t> writes_in(const std::map<std::string, std::int64_t>& counts) {
  static const std::set<std::string> kWriteVerbs = {"create", "update", "patch", "delete", "deletecollection"};
  std::map<std::string, std::int64_t> out;
  for (const auto& [key, count] : counts) {
    if (kWriteVerbs.count(key.substr(0, key.find(' '))) && count > 0) out[key] = count;
  }
  return out;
}

inline std::string describe_counts(const std::map<std::string, std::int64_t>& counts) {
  std::string out;
  for (const auto& [key, count] : counts) out += (out.empty() ? "" : ", ") + key + ": " + std::to_string(count);
  return out.empty() ? "(none)" : out;
}

// Sets the server's faults (see tests/testserver/README.md); cleared again by the guard's destructor.
class FaultGuard {
 public:
  FaultGuard(const kube::Client& client, const json::Value& faults) : client_(client) { set(faults); }
  ~FaultGuard() { clear(); }
  FaultGuard(const FaultGuard&) = delete;
  FaultGuard& operator=(const FaultGuard&) = delete;

  void set(const json::Value& faults) {
    const kube::HttpResponse response = admin_request(client_, "PUT", "/_testserver/faults", json::dump(faults));
    INFO(response.body);
    REQUIRE(response.status == 200);
  }
  // Retried: the admin endpoint itself is not subject to faults, but a test may end while a request fails.
  void clear() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      kube::HttpRequest request;
      request.method = "DELETE";
      request.path = "/_testserver/faults";
      const auto response = client_.transport().round_trip(request);
      if (response.ok() && response.value->status == 200) return;
    }
  }

 private:
  const kube::Client& client_;
};

// --- HTTP probes ---------------------------------------------------------------------------------------

struct HttpResult {
  int status = 0;  // 0 = no response
  std::string body;
};

inline HttpResult http_get(int port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    HttpResult out;
    out.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(body, out.body);
    return out;
  } catch (const std::exception&) {
    return {};
  }
}

// The sum of the samples of metric `name` whose labels include every one of `labels` (Prometheus text
// format); nullopt when there is no such sample.
inline std::optional<double> metric_value(const std::string& exposition, const std::string& name,
                                          const std::map<std::string, std::string>& labels = {}) {
  std::optional<double> sum;
  std::istringstream lines(exposition);
  static const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.compare(0, name.size(), name) != 0) continue;
    const std::string rest = line.substr(name.size());
    if (rest.empty() || (rest[0] != '{' && rest[0] != ' ')) continue;  // another metric with this prefix
    std::map<std::string, std::string> found;
    std::string value_text = rest;
    if (rest[0] == '{') {
      const auto close = rest.rfind('}');
      if (close == std::string::npos) continue;
      const std::string label_text = rest.substr(1, close - 1);
      for (auto it = std::sregex_iterator(label_text.begin(), label_text.end(), label_re); it != std::sregex_iterator(); ++it) {
        found[(*it)[1]] = (*it)[2];
      }
      value_text = rest.substr(close + 1);
    }
    bool match = true;
    for (const auto& [k, v] : labels) match = match && found.count(k) && found[k] == v;
    if (!match) continue;
    try {
      sum = sum.value_or(0) + std::stod(value_text);
    } catch (const std::exception&) {
    }
  }
  return sum;
}

// --- the operator process ------------------------------------------------------------------------------

struct OperatorOptions {
  std::string kubeconfig;
  std::string context;         // "" = current-context
  std::string namespace_name;  // --namespace; "" = all namespaces
  std::string config_path;     // --config; "" = none
  std::string sync_period = "20s";
  int workers = 2;
  std::vector<std::string> extra_args;  // e.g. {"--leader-elect", ...}
};

// `sqlite-operator run` as a child process, its stderr in a log file of its own scratch directory.
// The constructor REQUIREs that the operator comes up and reports its metrics and probe addresses.
class OperatorRun {
 public:
  explicit OperatorRun(const OperatorOptions& options) {
    std::vector<std::string> argv = {SQLOP_OPERATOR_BIN, "run", "--kubeconfig", options.kubeconfig,
                                     "--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address",
                                     "127.0.0.1:0", "--sync-period", options.sync_period, "--workers",
                                     std::to_string(options.workers), "--config-poll-interval", "200ms"};
    if (!options.context.empty()) argv.insert(argv.end(), {"--context", options.context});
    if (!options.namespace_name.empty()) argv.insert(argv.end(), {"--namespace", options.namespace_name});
    if (!options.config_path.empty()) argv.insert(argv.end(), {"--config", options.config_path});
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    process_ = std::make_unique<testing::ChildProcess>(argv, testing::Environment{{"PATH", "/usr/bin:/bin"}},
                                                       dir_.path() / "operator.log");
    static const std::regex metrics_re(R"(serving metrics on http://127\.0\.0\.1:(\d+)/metrics)");
    static const std::regex probes_re(R"(serving health probes on http://127\.0\.0\.1:(\d+)/healthz)");
    const bool up = eventually(
        [&] {
          const std::string text = log();
          std::smatch m;
          if (std::regex_search(text, m, metrics_re)) metrics_port_ = std::stoi(m[1]);
          if (std::regex_search(text, m, probes_re)) probe_port_ = std::stoi(m[1]);
          return (metrics_port_ > 0 && probe_port_ > 0) || !process_->running();
        },
        30s, 20ms);
    INFO(process_->describe());
    REQUIRE(up);
    REQUIRE(process_->running());
  }
  ~OperatorRun() {
    if (process_) process_->stop();
  }
  OperatorRun(const OperatorRun&) = delete;
  OperatorRun& operator=(const OperatorRun&) = delete;

  std::string log() const { return process_->log(); }
  std::string describe() const { return process_->describe(); }
  bool running() { return process_->running(); }
  pid_t pid() const { return process_->pid(); }
  const std::filesystem::path& scratch() const { return dir_.path(); }

  // SIGTERM; waits for the exit (SIGKILL after the grace period) and returns how it ended.
  testing::ExitStatus terminate(std::chrono::milliseconds grace = 15s) { return process_->stop(grace); }
  // SIGKILL, as a crash or an OOM kill would end it.
  testing::ExitStatus kill_hard() {
    ::kill(process_->pid(), SIGKILL);
    const auto status = process_->wait_for(10s);
    REQUIRE(status);
    return *status;
  }
  // SIGHUP: reload the config file.
  void hangup() { ::kill(process_->pid(), SIGHUP); }

  HttpResult metrics() const { return http_get(metrics_port_, "/metrics"); }
  HttpResult probe(const std::string& path) const { return http_get(probe_port_, path); }
  std::optional<double> metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    const HttpResult r = metrics();
    if (r.status != 200) return std::nullopt;
    return metric_value(r.body, name, labels);
  }
  // Successful and failed reconciles so far, from controller_runtime_reconcile_total.
  double reconciles() const {
    return metric("controller_runtime_reconcile_total", {{"controller", "sqlitedatabase"}}).value_or(0);
  }
  // How many "reconciled" lines the log has for `key` ("ns/name"; "" = any).
  int reconciled_lines(const std::string& key = {}) const {
    const std::string text = log();
    std::istringstream lines(text);
    int n = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.find(" reconciled ") != std::string::npos && (key.empty() || line.find("key=" + key + " ") != std::string::npos)) {
        ++n;
      }
    }
    return n;
  }

 private:
  testing::ScratchDir dir_;
  std::unique_ptr<testing::ChildProcess> process_;
  int metrics_port_ = 0;
  int probe_port_ = 0;
};

// The options for an operator on `cluster` confined to `ns`.
inline OperatorOptions operator_in(const TestCluster& cluster, const std::string& ns) {
  OperatorOptions o;
  o.kubeconfig = cluster.kubeconfig_path();
  o.namespace_name = ns;
  return o;
}

}  // namespace sqlop::runtime_testing
