// End-to-end: the `sqlite-operator run` binary when things go wrong or change under it (issue 4, "How we will
// know"): injected API faults, leader election between processes (graceful hand-over and a crash), HTTPS
// with each kind of credential, the health and metrics endpoints, and swapping a backend plugin by a config
// reload while running.
//
// Tests that inject faults or need TLS start their own kube-testserver; the others share the plain one and
// work in a namespace of their own (operator_harness.hpp).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <thread>

#include "host/util/rfc3339.hpp"
#include "operator_harness.hpp"

namespace rt = sqlop::runtime_testing;
namespace json = sqlop::json;
namespace kube = sqlop::kube;
namespace types = sqlop::kube::types;
using json::Value;
using namespace std::chrono_literals;

namespace {

// Replaces a file in one rename, as a ConfigMap volume update does: the operator never reads half a file.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  std::ofstream(temporary) << text;
  std::filesystem::rename(temporary, path);
}

// The leader-election flags of one candidate. Durations are short so hand-overs take seconds.
constexpr const char* kLeaseName = "sqlite-operator-e2e";
constexpr auto kLeaseDuration = 6s;
std::vector<std::string> leader_election_args(const std::string& ns, const std::string& identity) {
  return {"--leader-elect",  "--leader-election-namespace", ns, "--leader-election-id", kLeaseName,
          "--leader-election-identity", identity, "--leader-election-lease-duration", "6s",
          "--leader-election-renew-deadline", "4s", "--leader-election-retry-period", "500ms"};
}

// 1 while leading; a candidate that never led may not export the series at all.
double leader_status(const rt::OperatorRun& op) {
  return op.metric("leader_election_master_status", {{"name", kLeaseName}}).value_or(0);
}

std::string log_tail_of(const rt::OperatorRun& op) {
  const std::string log = op.log();
  return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
}

// The number of watches the server holds open once it stops changing (read three times in a row): with the
// server to itself, every informer of the operator watching.
std::int64_t settled_watch_count(const kube::Client& client) {
  std::int64_t last = -1;
  int unchanged = 0;
  REQUIRE(rt::eventually([&] {
    const std::int64_t now = rt::open_watches(client);
    unchanged = (now == last && now > 0) ? unchanged + 1 : 0;
    last = now;
    return unchanged >= 2;
  }, 20s, 200ms));
  return last;
}

}  // namespace

TEST_CASE("under injected faults (500s, 429s, watch cuts, 410s, conflicts) every database converges without "
          "duplicates or a crash, and the operator is quiet once the faults stop",
          "[operator][e2e][faults]") {
  rt::TestCluster cluster;  // faults are server-wide: this test has the server to itself
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-faults");
  rt::OperatorOptions options = rt::operator_in(cluster, ns);
  options.sync_period = "5s";
  rt::OperatorRun op(options);

  constexpr int kDatabases = 20;
  std::vector<std::string> names;
  const std::int64_t watches_before_faults = settled_watch_count(client);
  {
    rt::FaultGuard faults(client, rt::parse_json(R"({"errorRate":0.1,"errorCode":500,"cutWatchAfterEvents":7,
      "goneNextWatch":true,"conflictNextUpdates":4,"seed":7})"));
    for (int i = 0; i < kDatabases; ++i) {
      if (i == kDatabases / 2) {
        faults.set(rt::parse_json(R"({"errorRate":0.1,"errorCode":429,"retryAfterSeconds":1,"cutWatchAfterEvents":7,
          "goneNextWatch":true,"conflictNextUpdates":4,"seed":11})"));
      }
      names.push_back("faulty-" + std::to_string(i));
      rt::create_in(client, ns, rt::s3_database(names.back()));
    }
    for (const std::string& name : names) {
      INFO(op.describe());
      rt::wait_until_waiting_for_deployment(client, ns, name, 90s);
    }
    // Still under faults: every child is there, exactly once.
    // (PVCs are retained by default, so they carry no ownerReference: they are counted by name.)
    for (const auto* type : {&types::config_maps(), &types::deployments()}) {
      std::vector<Value> children;
      REQUIRE(rt::eventually([&] {
        auto listed = client.list(*type, ns);
        if (listed.ok()) children = listed.value->items;
        return listed.ok();
      }));
      std::set<std::string> owners;
      for (const Value& child : children) {
        const Value* refs = child.find_path({"metadata", "ownerReferences"});
        REQUIRE(refs);
        REQUIRE(refs->as_array().size() == 1);
        owners.insert(refs->as_array()[0].get_string("name"));
      }
      INFO(type->kind);
      CHECK(children.size() == static_cast<std::size_t>(kDatabases));
      CHECK(owners.size() == static_cast<std::size_t>(kDatabases));
    }
    std::set<std::string> claims;
    REQUIRE(rt::eventually([&] {
      auto listed = client.list(types::persistent_volume_claims(), ns);
      if (!listed.ok()) return false;
      claims.clear();
      for (const Value& pvc : listed.value->items) claims.insert(rt::name_of(pvc));
      return claims.size() == listed.value->items.size();
    }));
    CHECK(claims.size() == static_cast<std::size_t>(kDatabases));
    REQUIRE(op.running());
  }

  // Faults cleared. An informer still in its relist backoff after a failed watch has a stale cache, and
  // reconciles requeued with backoff are still due: each may make one last idempotent write. So first wait
  // until every watch the operator held before the faults is open again and a second passes without a write.
  REQUIRE(rt::eventually([&] {
    if (rt::open_watches(client) < watches_before_faults) return false;
    rt::reset_request_counts(client);
    std::this_thread::sleep_for(1s);
    return rt::writes_in(rt::request_counts(client)).empty();
  }, 60s, 100ms));
  // Then through a full resync of every database, not one write.
  rt::reset_request_counts(client);
  const int reconciled_before = op.reconciled_lines();
  INFO(log_tail_of(op));
  REQUIRE(rt::eventually([&] { return op.reconciled_lines() >= reconciled_before + kDatabases; }, 30s, 200ms));
  const auto writes = rt::writes_in(rt::request_counts(client));
  INFO("write requests after convergence: " << rt::describe_counts(writes));
  CHECK(writes.empty());
  CHECK(op.running());
  CHECK(op.metric("controller_runtime_reconcile_errors_total", {{"controller", "sqlitedatabase"}}).value_or(0) > 0);
}

TEST_CASE("with --leader-elect only the leader reconciles, SIGTERM hands over at once, kill -9 within the lease "
          "duration, and a lost lease ends the process",
          "[operator][e2e][leader]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-leader");
  auto candidate = [&](const std::string& identity) {
    rt::OperatorOptions o = rt::operator_in(cluster, ns);
    o.extra_args = leader_election_args(ns, identity);
    return std::make_unique<rt::OperatorRun>(o);
  };

  auto first = candidate("first");
  REQUIRE(rt::eventually([&] { return leader_status(*first) == 1; }, 15s, 100ms));
  auto second = candidate("second");
  REQUIRE(rt::eventually([&] { return second->log().find("leader is first") != std::string::npos; }, 15s, 100ms));
  rt::create_in(client, ns, rt::s3_database("one"));
  rt::wait_until_waiting_for_deployment(client, ns, "one");
  CHECK(first->reconciles() > 0);
  CHECK(second->reconciles() == 0);
  CHECK(second->reconciled_lines() == 0);
  CHECK(leader_status(*second) == 0);
  const auto lease = rt::get_required(client, types::leases(), ns, kLeaseName);
  CHECK(lease.find_path({"spec", "holderIdentity"})->as_string() == "first");

  // SIGTERM: the leader releases the lease on the way out, so the standby does not wait for it to expire.
  // The deadline is below the lease duration on purpose: only a released lease can be taken that early.
  const auto exit = first->terminate();
  if (!exit.exited_zero()) FAIL_CHECK("SIGTERM did not end the leader cleanly: " << first->describe());
  REQUIRE(rt::eventually([&] { return leader_status(*second) == 1; }, kLeaseDuration - 2s, 50ms));
  rt::create_in(client, ns, rt::s3_database("two"));
  rt::wait_until_waiting_for_deployment(client, ns, "two");
  CHECK(second->reconciled_lines(ns + "/two") > 0);

  // kill -9: nothing is released; the next candidate takes over once the lease has expired.
  auto third = candidate("third");
  REQUIRE(rt::eventually([&] { return third->log().find("leader is second") != std::string::npos; }, 15s, 100ms));
  CHECK(leader_status(*third) == 0);
  const auto killed = second->kill_hard();
  CHECK(killed.signal == SIGKILL);
  REQUIRE(rt::eventually([&] { return leader_status(*third) == 1; }, kLeaseDuration + 4s, 100ms));
  rt::create_in(client, ns, rt::s3_database("three"));
  rt::wait_until_waiting_for_deployment(client, ns, "three");
  CHECK(third->reconciled_lines(ns + "/three") > 0);
  CHECK(third->running());

  // Somebody else takes the lease: the leader cannot renew it, stops leading and exits 1 (to be restarted
  // as a candidate) instead of reconciling alongside the new holder.
  const std::string now = sqlop::util::format_rfc3339_micro(std::chrono::system_clock::now());
  const auto stolen = client.patch(types::leases(), ns, kLeaseName, kube::PatchType::Merge,
                                   R"({"spec":{"holderIdentity":"intruder","leaseDurationSeconds":60,"renewTime":")" +
                                       now + "\"}}");
  REQUIRE(stolen.ok());
  if (!rt::eventually([&] { return !third->running(); }, 15s, 100ms)) FAIL("still running: " << third->describe());
  const auto ended = third->terminate();  // already ended: returns how
  INFO(third->describe());
  CHECK(ended.code == 1);
}

TEST_CASE("over HTTPS the operator works with a bearer token, a client certificate and an exec credential plugin",
          "[operator][e2e][tls]") {
  rt::TestCluster cluster(/*tls=*/true);
  const kube::Client& client = cluster.client();
  sqlop::testing::ScratchDir dir;

  // A kubeconfig whose token user has no token, only an exec plugin that prints it (and leaves a mark).
  const std::string marker = dir.file("exec-ran");
  std::string exec_kubeconfig;
  {
    const sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(sqlop::testing::read_text_file(cluster.kubeconfig_path()));
    REQUIRE(loaded.ok());
    Value config = loaded.documents.front().value;
    bool found = false;
    for (Value& user : config["users"].as_array()) {
      if (!user.find_path({"user", "token"})) continue;
      const std::string token = user.find_path({"user", "token"})->as_string();
      REQUIRE(token.find('\'') == std::string::npos);
      const std::string script = dir.write(
          "credential.sh", "#!/bin/sh\n: > '" + marker + "'\nprintf '%s\\n' '" +
                               R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)" +
                               R"("status":{"token":")" + token + "\"}}'\n");
      REQUIRE(::chmod(script.c_str(), 0700) == 0);
      Value exec = Value::object();
      exec["apiVersion"] = "client.authentication.k8s.io/v1";
      exec["command"] = script;
      exec["interactiveMode"] = "Never";
      user["user"] = Value::object();
      user["user"]["exec"] = exec;
      found = true;
    }
    REQUIRE(found);
    exec_kubeconfig = dir.write("exec-kubeconfig.yaml", sqlop::yaml::to_yaml(config));
  }

  struct Credential {
    const char* what;
    std::string kubeconfig;
    std::string context;
  };
  for (const Credential& c : {Credential{"bearer token", cluster.kubeconfig_path(), ""},
                              Credential{"client certificate", cluster.kubeconfig_path(), "kube-testserver-cert"},
                              Credential{"exec credential plugin", exec_kubeconfig, ""}}) {
    INFO("credential: " << c.what);
    const std::string ns = rt::create_namespace(client, "e2e-tls");
    rt::OperatorOptions options = rt::operator_in(cluster, ns);
    options.kubeconfig = c.kubeconfig;
    options.context = c.context;
    rt::OperatorRun op(options);
    rt::create_in(client, ns, rt::s3_database("secure"));
    INFO(op.describe());
    rt::wait_until_waiting_for_deployment(client, ns, "secure");
    CHECK(op.metric("rest_client_requests_total", {{"code", "401"}}).value_or(0) == 0);
  }
  CHECK(std::filesystem::exists(marker));
}

TEST_CASE("the operator serves /healthz, /readyz once its caches are synced, and controller-runtime metrics, "
          "and exits 0 on SIGTERM",
          "[operator][e2e][probes]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-probes");
  rt::OperatorRun op(rt::operator_in(cluster, ns));
  CHECK(rt::eventually([&] { return op.probe("/healthz").status == 200; }));
  CHECK(rt::eventually([&] { return op.probe("/readyz").status == 200; }));
  rt::create_in(client, ns, rt::s3_database("watched"));
  rt::wait_until_waiting_for_deployment(client, ns, "watched");

  const rt::HttpResult metrics = op.metrics();
  REQUIRE(metrics.status == 200);
  for (const char* name :
       {"controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total",
        "controller_runtime_reconcile_time_seconds_bucket", "controller_runtime_reconcile_time_seconds_count",
        "workqueue_depth", "workqueue_adds_total", "workqueue_retries_total", "workqueue_queue_duration_seconds_bucket",
        "workqueue_work_duration_seconds_bucket", "rest_client_requests_total", "process_resident_memory_bytes",
        "process_cpu_seconds_total", "process_start_time_seconds"}) {
    INFO(name);
    CHECK(rt::metric_value(metrics.body, name).has_value());
  }
  CHECK(rt::metric_value(metrics.body, "controller_runtime_reconcile_total",
                         {{"controller", "sqlitedatabase"}, {"result", "success"}})
            .value_or(0) >= 1);
  CHECK(rt::metric_value(metrics.body, "workqueue_adds_total", {{"name", "sqlitedatabase"}}).value_or(0) >= 1);
  CHECK(rt::metric_value(metrics.body, "rest_client_requests_total", {{"code", "200"}}).value_or(0) >= 1);

  const auto exit = op.terminate();
  INFO(op.describe());
  CHECK(exit.exited_zero());
}

TEST_CASE("a config reload swaps a backend plugin while running, and a broken replacement is refused while the "
          "previous plugin keeps serving",
          "[operator][e2e][plugins]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-plugins");
  sqlop::testing::ScratchDir dir;
  const std::string config = dir.write("operator.yaml", std::string("pluginDirectory: ") + SQLOP_PLUGIN_DIR + "\n");
  auto config_with_s3 = [](const std::string& plugin_file) {
    return std::string("pluginDirectory: ") + SQLOP_PLUGIN_DIR + "\nplugins:\n  s3: " + plugin_file + "\n";
  };
  const std::string alt_s3 = std::string(SQLOP_TEST_PLUGIN_DIR) + "/test-alt_s3.so";
  REQUIRE(std::filesystem::exists(alt_s3));

  rt::OperatorOptions options = rt::operator_in(cluster, ns);
  options.config_path = config;
  rt::OperatorRun op(options);
  rt::create_in(client, ns, rt::s3_database("swapped", "example-bucket", "orders"));
  rt::wait_until_waiting_for_deployment(client, ns, "swapped");
  const std::string hash_before =
      rt::config_hash(rt::get_required(client, types::deployments(), ns, "swapped"));
  REQUIRE(rt::litestream_yml(rt::get_required(client, types::config_maps(), ns, "swapped-litestream-config"))
              .find("alt-s3/") == std::string::npos);
  const pid_t pid = op.pid();

  // The replacement serves s3 from the next reconcile on, without a restart.
  write_atomically(config, config_with_s3(alt_s3));
  rt::wait_for_object(client, types::config_maps(), ns, "swapped-litestream-config", [](const Value& cm) {
    return rt::litestream_yml(cm).find("alt-s3/orders") != std::string::npos;
  }, "rendered by the replacement plugin", 20s);
  rt::wait_for_object(client, types::deployments(), ns, "swapped", [&](const Value& d) {
    return rt::config_hash(d) != hash_before;
  }, "a new config hash");
  CHECK(op.log().find("test-alt_s3.so") != std::string::npos);

  // Broken replacements: a plugin whose entry point throws, then a file that does not exist.
  int failures = 0;
  for (const std::string& broken : {std::string(SQLOP_TEST_PLUGIN_DIR) + "/test-throwing_entry.so",
                                    dir.file("no-such-plugin.so")}) {
    INFO(broken);
    write_atomically(config, config_with_s3(broken));
    ++failures;
    REQUIRE(rt::eventually([&] {
      return op.metric("sqliteoperator_config_reloads_total", {{"result", "failure"}}).value_or(0) >= failures;
    }, 20s, 100ms));
    const std::string log = op.log();
    CHECK(log.find("keeping the running config") != std::string::npos);
    CHECK(log.find(broken) != std::string::npos);
  }
  // Still the replacement: a spec change is rendered by it.
  const auto patched = client.patch(types::sqlite_databases(), ns, "swapped", kube::PatchType::Json,
                                    R"([{"op":"replace","path":"/spec/litestream/replicas/0/path","value":"after"}])");
  REQUIRE(patched.ok());
  rt::wait_for_object(client, types::config_maps(), ns, "swapped-litestream-config", [](const Value& cm) {
    return rt::litestream_yml(cm).find("alt-s3/after") != std::string::npos;
  }, "still rendered by the replacement plugin");

  // SIGHUP after restoring the original config: the in-tree plugin serves s3 again.
  write_atomically(config, std::string("pluginDirectory: ") + SQLOP_PLUGIN_DIR + "\n");
  op.hangup();
  rt::wait_for_object(client, types::config_maps(), ns, "swapped-litestream-config", [](const Value& cm) {
    const std::string yml = rt::litestream_yml(cm);
    return yml.find("alt-s3/") == std::string::npos && yml.find("after") != std::string::npos;
  }, "rendered by the in-tree plugin again");
  CHECK(op.running());
  CHECK(op.pid() == pid);
}
