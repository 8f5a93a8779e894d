// The operator against kube-testserver on this machine (issue 4): time from start to ready, RSS idle and
// with N SqliteDatabases, time for N new databases to converge, API requests per new database against the
// minimum (one apply per child plus one status write), writes during a resync (goal 0), and a restart with
// every database present (cold-start RSS, with and without MALLOC_ARENA_MAX=2). Starts its own server and
// operator; every wait is bounded. Usage:
//   operator-bench [--stages 1000,10000] [--sync-period 15s] [--workers N] [--create-threads T]
//                  [--operator-env NAME=VALUE]... [--no-restart] [--keep-log]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_cluster.hpp"
#include "client/server_process.hpp"
#include "host/yaml/yaml_json.hpp"
#include "operator_process.hpp"
#include "request_counts.hpp"

namespace client = sqlop::testserver::client;
namespace json = sqlop::json;
using namespace sqlop::bench;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr const char* kNamespace = "bench";
// What a new SqliteDatabase needs at least: a server-side apply per child (PVC, ConfigMap, Deployment)
// and one status write.
constexpr int kMinimumWritesPerDatabase = 4;

struct Settings {
  std::vector<long> stages{1000, 10000};
  std::string sync_period = "15s";
  int sync_period_s = 15;
  int workers = 2;
  int create_threads = 2;
  std::map<std::string, std::string> operator_env;
  bool restart = true;
  bool keep_log = false;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
double mib(long kib) { return kib / 1024.0; }

bool parse_args(int argc, char** argv, Settings* s) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--stages" && has_value) {
      s->stages.clear();
      std::istringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) s->stages.push_back(std::max(1L, std::atol(n.c_str())));
      if (!std::is_sorted(s->stages.begin(), s->stages.end())) return false;
    } else if (arg == "--sync-period" && has_value) {
      s->sync_period_s = std::max(1, std::atoi(argv[++i]));
      s->sync_period = std::to_string(s->sync_period_s) + "s";
    } else if (arg == "--workers" && has_value) {
      s->workers = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--create-threads" && has_value) {
      s->create_threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--operator-env" && has_value) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) return false;
      s->operator_env[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (arg == "--no-restart") {
      s->restart = false;
    } else if (arg == "--keep-log") {
      s->keep_log = true;
    } else {
      return false;
    }
  }
  return !s->stages.empty();
}

std::vector<json::Value> load_yaml(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<json::Value> out;
  for (auto& d : sqlop::yaml::load_all(text.str()).documents) out.push_back(std::move(d.value));
  return out;
}

// The operator's probe and metrics endpoints.
class OperatorEndpoints {
 public:
  explicit OperatorEndpoints(const OperatorProcess& op)
      : probes_(client::ClusterAccess{op.probe_url(), "", "", "", ""}),
        metrics_(client::ClusterAccess{op.metrics_url(), "", "", "", ""}) {}

  bool ready() {
    try {
      return probes_.get("/readyz", "text/plain").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }
  double metric(const std::string& name) { return metric_sum(metrics_.get("/metrics", "text/plain").body, name); }
  double reconciles() { return metric("controller_runtime_reconcile_total"); }
  double queue_depth() { return metric("workqueue_depth"); }

 private:
  client::ApiClient probes_;
  client::ApiClient metrics_;
};

// Polls `condition` every `interval` until it holds or `timeout` passes.
template <class F>
bool eventually(F condition, milliseconds timeout, milliseconds interval) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

// Seconds from the operator's fork to /readyz 200, or -1.
double time_to_ready(const OperatorProcess& op, OperatorEndpoints& endpoints) {
  const bool ready = eventually([&] { return endpoints.ready(); }, seconds(120), milliseconds(2));
  return ready ? std::chrono::duration<double>(Clock::now() - op.started_at()).count() : -1;
}

// Waits until the work queue is empty and `reconciles_at_least` reconciles have run, then a short settle
// for the last Events (sent after the reconcile that records them).
bool wait_until_quiet(OperatorEndpoints& endpoints, double reconciles_at_least, milliseconds timeout) {
  const bool quiet = eventually(
      [&] { return endpoints.reconciles() >= reconciles_at_least && endpoints.queue_depth() == 0; }, timeout,
      milliseconds(200));
  std::this_thread::sleep_for(seconds(1));
  return quiet;
}

void print_memory(const char* label, const Memory& m) {
  std::printf("  %-34s %7.1f MiB  (anon %.1f, file-backed %.1f, peak %.1f MiB, %d threads)\n", label, mib(m.rss_kib),
              mib(m.anon_kib), mib(m.file_kib), mib(m.peak_rss_kib), m.threads);
}

void print_mappings(pid_t pid) {
  std::printf("    largest resident mappings:");
  for (const auto& [name, kib] : resident_by_mapping(pid, 8)) std::printf(" %s %.1f,", name.c_str(), mib(kib));
  std::printf(" MiB\n");
}

void print_stop(int exit_code, double seconds) {
  if (exit_code < 0) std::printf("  %-34s %7.2f s  NOT EXITED: killed after the timeout\n", "SIGTERM to exit", seconds);
  else std::printf("  %-34s %7.2f s  (exit code %d)\n", "SIGTERM to exit", seconds, exit_code);
}

void print_requests(const char* label, const RequestCounts& counts, double per) {
  std::printf("  %-34s %7.2f writes, %.2f reads\n", label, total_writes(counts) / per, total_reads(counts) / per);
  std::printf("    writes: %s\n", describe(counts, true, per).c_str());
  std::printf("    reads:  %s\n", describe(counts, false, per).c_str());
}

class Bench {
 public:
  Bench(const Settings& settings, client::ServerProcess& server, const std::string& log_dir)
      : settings_(settings), server_(server), log_dir_(log_dir), cluster_(server.access(), kNamespace) {}

  int run();

 private:
  bool start_operator(const std::map<std::string, std::string>& env, const char* log_name);
  bool setup_cluster();
  bool run_stage(long from, long to);
  bool measure_resync(long databases);
  void measure_restart(long databases, const std::map<std::string, std::string>& env, const char* label);
  void report_log_health();

  const Settings& settings_;
  client::ServerProcess& server_;
  const std::string log_dir_;
  BenchCluster cluster_;
  json::Value database_template_;
  std::unique_ptr<OperatorProcess> operator_;
  std::unique_ptr<OperatorEndpoints> endpoints_;
};

bool Bench::setup_cluster() {
  std::string error = cluster_.install_crd(SQLOP_SOURCE_DIR "/crd/bases/database.sqlite.io_sqlitedatabases.yaml");
  if (error.empty()) error = cluster_.create_namespace();
  const std::vector<json::Value> sample = load_yaml(SQLOP_SOURCE_DIR "/crd/samples/s3.yaml");
  if (error.empty() && sample.size() != 2) error = "crd/samples/s3.yaml: expected a Secret and a SqliteDatabase";
  if (error.empty()) {
    json::Value secret = sample[0];
    secret["metadata"]["namespace"] = kNamespace;
    error = cluster_.create_object(std::string("/api/v1/namespaces/") + kNamespace + "/secrets", secret);
    database_template_ = sample[1];
  }
  if (!error.empty()) std::fprintf(stderr, "operator-bench: %s\n", error.c_str());
  return error.empty();
}

bool Bench::start_operator(const std::map<std::string, std::string>& env, const char* log_name) {
  OperatorOptions options;
  options.binary = SQLOP_OPERATOR_BIN;
  options.kubeconfig = server_.kubeconfig_path();
  options.log_path = log_dir_ + "/" + log_name;
  options.extra_args = {"--sync-period", settings_.sync_period, "--workers", std::to_string(settings_.workers)};
  options.env = env;
  std::string error;
  endpoints_.reset();
  operator_ = OperatorProcess::start(options, seconds(30), &error);
  if (!operator_) {
    std::fprintf(stderr, "operator-bench: %s\n", error.c_str());
    return false;
  }
  endpoints_ = std::make_unique<OperatorEndpoints>(*operator_);
  return true;
}

bool Bench::run_stage(long from, long to) {
  const long created = to - from;
  std::printf("\n%ld SqliteDatabases (%ld new; s3 replica, shared Secret)\n", to, created);
  cluster_.reset_counters();
  const auto start = Clock::now();
  const long failed = cluster_.create_databases(database_template_, from, to, settings_.create_threads);
  const double create_s = seconds_since(start);
  if (failed > 0) std::fprintf(stderr, "operator-bench: %ld creates failed\n", failed);

  // Poll at a rate that keeps the benchmark's own lists a small share of the server's work: one list of
  // 10000 databases takes over a second, so wait four times as long as the last poll took.
  Convergence last;
  double converged_s = -1;
  milliseconds interval(250);
  const auto deadline = start + seconds(120) + milliseconds(to * 60);
  while (Clock::now() < deadline) {
    const auto poll_start = Clock::now();
    last = cluster_.observe(to);
    if (last.complete(to)) {
      converged_s = seconds_since(start);
      break;
    }
    interval = std::max(milliseconds(250), std::chrono::duration_cast<milliseconds>(4 * (Clock::now() - poll_start)));
    std::this_thread::sleep_for(interval);
  }
  std::printf("  %-34s %7.2f s  (%.0f creates/s, %d client threads)\n", "create requests", create_s,
              created / create_s, settings_.create_threads);
  if (converged_s < 0) {
    std::printf("  NOT CONVERGED after %.0f s: %ld/%ld observed, children pvc %ld cm %ld deploy %ld\n",
                seconds_since(start), last.observed, to, last.with_pvc, last.with_config_map, last.with_deployment);
    return false;
  }
  std::printf("  %-34s %7.2f s  (%.0f databases/s; polled every >= %lld ms)\n", "all converged after", converged_s,
              created / converged_s, static_cast<long long>(interval.count()));

  wait_until_quiet(*endpoints_, 0, seconds(60));
  const RequestCounts by_operator = sqlop::bench::subtract(cluster_.server_counters(), cluster_.own_requests());
  print_requests("operator requests per new database", by_operator, static_cast<double>(created));
  std::printf("    minimum %d writes (3 child applies + 1 status); %.2f above it\n", kMinimumWritesPerDatabase,
              total_writes(by_operator) / static_cast<double>(created) - kMinimumWritesPerDatabase);
  return measure_resync(to);
}

bool Bench::measure_resync(long databases) {
  cluster_.reset_counters();
  const double reconciles_before = endpoints_->reconciles();
  const auto start = Clock::now();
  // At least one whole sync period, and until every database has been reconciled again.
  std::this_thread::sleep_for(seconds(settings_.sync_period_s + 2));
  const bool resynced = wait_until_quiet(*endpoints_, reconciles_before + static_cast<double>(databases),
                                         seconds(settings_.sync_period_s * 2 + databases / 100));
  const RequestCounts by_operator = cluster_.server_counters();  // the benchmark made none
  const double reconciles = endpoints_->reconciles() - reconciles_before;
  std::printf("  %-34s %7ld writes, %ld reads  (%.0f s window, %.0f reconciles%s)\n", "during a resync",
              total_writes(by_operator), total_reads(by_operator), seconds_since(start), reconciles,
              resynced ? "" : ", NOT every database resynced");
  if (total_writes(by_operator) > 0) std::printf("    writes: %s\n", describe(by_operator, true).c_str());
  if (total_reads(by_operator) > 0) std::printf("    reads:  %s\n", describe(by_operator, false).c_str());

  print_memory("operator RSS", read_memory(operator_->pid()));
  print_mappings(operator_->pid());
  // What the watched objects would cost as plain trees; the operator keeps much less (children as small
  // projections, everything packed as deflated text), which the RSS above shows.
  std::printf("  the watched objects in full (JSON on the wire -> without managedFields -> as json::Value trees):\n");
  for (const CachePayload& p : cluster_.cache_payload()) {
    std::printf("    %-24s %6ld objects %8.1f -> %7.1f -> %7.1f MiB  (%5.1f KiB per object in memory)\n",
                p.kind.c_str(), p.objects, p.bytes / 1048576.0, p.bytes_transformed / 1048576.0,
                p.heap_bytes_transformed / 1048576.0,
                p.heap_bytes_transformed / 1024.0 / static_cast<double>(std::max(1L, p.objects)));
  }
  return true;
}

void Bench::measure_restart(long databases, const std::map<std::string, std::string>& env, const char* label) {
  const auto stop_start = Clock::now();
  const int code = operator_->stop(seconds(30));
  std::printf("\nrestart with %ld databases%s\n", databases, label);
  print_stop(code, seconds_since(stop_start));
  cluster_.reset_counters();
  if (!start_operator(env, env.count("MALLOC_ARENA_MAX") ? "operator-restart-arenas.log" : "operator-restart.log")) {
    return;
  }
  const double ready_s = time_to_ready(*operator_, *endpoints_);
  std::printf("  %-34s %7.2f s\n", "start to /readyz 200", ready_s);
  const auto sync_start = Clock::now();
  const bool quiet = wait_until_quiet(*endpoints_, static_cast<double>(databases), seconds(60 + databases / 50));
  std::printf("  %-34s %7.2f s%s\n", "every database reconciled after", seconds_since(sync_start),
              quiet ? "" : " (timed out)");
  const RequestCounts by_operator = cluster_.server_counters();
  std::printf("  %-34s %7ld writes, %ld reads\n", "operator requests since start", total_writes(by_operator),
              total_reads(by_operator));
  if (total_writes(by_operator) > 0) std::printf("    writes: %s\n", describe(by_operator, true).c_str());
  std::printf("    reads:  %s\n", describe(by_operator, false).c_str());
  print_memory("operator RSS", read_memory(operator_->pid()));
}

void Bench::report_log_health() {
  if (!operator_) return;
  std::printf("  operator log: %ld warning and %ld error lines\n", operator_->count_log_lines(" WARN "),
              operator_->count_log_lines(" ERROR "));
  std::printf("    of which 409 Conflict: %ld\n", operator_->count_log_lines("409 Conflict"));
  for (const std::string& line : operator_->first_log_lines(" WARN ", 2)) std::printf("    %.220s\n", line.c_str());
  for (const std::string& line : operator_->first_log_lines(" ERROR ", 2)) std::printf("    %.220s\n", line.c_str());
}

int Bench::run() {
  if (!setup_cluster() || !start_operator(settings_.operator_env, "operator.log")) return 1;
  std::printf("operator: --workers %d --sync-period %s", settings_.workers, settings_.sync_period.c_str());
  for (const auto& [name, value] : settings_.operator_env) std::printf(" %s=%s", name.c_str(), value.c_str());
  std::printf("\n\nempty cluster\n");
  std::printf("  %-34s %7.3f s\n", "start to /readyz 200", time_to_ready(*operator_, *endpoints_));
  std::this_thread::sleep_for(seconds(3));
  print_memory("operator RSS idle (after 3 s)", read_memory(operator_->pid()));
  print_mappings(operator_->pid());

  long from = 0;
  for (const long to : settings_.stages) {
    if (!run_stage(from, to)) {
      std::fprintf(stderr, "operator log tail:\n%s\n", operator_->log_tail(3000).c_str());
      return 1;
    }
    from = to;
  }
  report_log_health();
  if (settings_.restart) {
    measure_restart(from, settings_.operator_env, "");
    std::map<std::string, std::string> arenas = settings_.operator_env;
    arenas["MALLOC_ARENA_MAX"] = "2";
    if (settings_.operator_env.count("MALLOC_ARENA_MAX") == 0) measure_restart(from, arenas, ", MALLOC_ARENA_MAX=2");
    report_log_health();
  }
  const auto stop_start = Clock::now();
  const int code = operator_->stop(seconds(30));
  std::printf("\nshutdown\n");
  print_stop(code, seconds_since(stop_start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // keep the report in order with stderr
  Settings settings;
  if (!parse_args(argc, argv, &settings)) {
    std::fprintf(stderr,
                 "usage: operator-bench [--stages 1000,10000] [--sync-period SECONDS] [--workers N]\n"
                 "                      [--create-threads T] [--operator-env NAME=VALUE]... [--no-restart] [--keep-log]\n");
    return 2;
  }
  client::ServerOptions options;
  options.binary = SQLOP_TESTSERVER_BIN;
  // Each new database makes about eight watch events (create, finalizer, status, three children, an Event).
  options.extra_args = {"--watch-history", std::to_string(settings.stages.back() * 16 + 1000)};
  std::string error;
  auto server = client::ServerProcess::start(options, &error);
  if (!server) {
    std::fprintf(stderr, "operator-bench: %s\n", error.c_str());
    return 1;
  }
  const std::string log_dir = client::make_temp_dir("operator-bench-");
  int code = 1;
  try {
    Bench bench(settings, *server, log_dir);
    code = bench.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "operator-bench: %s\n", e.what());
  }
  server->stop();
  if (settings.keep_log || code != 0) std::printf("operator logs kept in %s\n", log_dir.c_str());
  else client::remove_tree(log_dir);
  return code;
}
