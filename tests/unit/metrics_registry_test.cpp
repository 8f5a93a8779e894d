// The Prometheus registry (host/metrics/registry.hpp) and the operator's named metrics
// (host/metrics/operator_metrics.hpp): values, exposition text, ordering, escaping, concurrency, and the
// work-queue and REST-client adapters.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "host/controller/work_queue.hpp"
#include "host/metrics/operator_metrics.hpp"
#include "host/metrics/registry.hpp"
#include "tests/unit/prometheus_text_parser.hpp"

using sqlop::metrics::Collector;
using sqlop::metrics::FamilySnapshot;
using sqlop::metrics::MetricType;
using sqlop::metrics::OperatorMetrics;
using sqlop::metrics::ReconcileResult;
using sqlop::metrics::Registry;
using sqlop::testing::parse_prometheus_text;

TEST_CASE("counter, gauge and histogram render in the text format", "[metrics]") {
  Registry registry;
  registry.counter("requests_total", "Requests served.").get().inc(3);
  registry.gauge("temperature", "Current temperature.").get().set(-2.5);
  auto& latency = registry.histogram("latency_seconds", "Latency.", {0.1, 1}).get();
  latency.observe(0.05);
  latency.observe(0.1);  // le is inclusive: counts in the 0.1 bucket
  latency.observe(7);

  CHECK(registry.expose() ==
        "# HELP latency_seconds Latency.\n"
        "# TYPE latency_seconds histogram\n"
        "latency_seconds_bucket{le=\"0.1\"} 2\n"
        "latency_seconds_bucket{le=\"1\"} 2\n"
        "latency_seconds_bucket{le=\"+Inf\"} 3\n"
        "latency_seconds_sum 7.15\n"
        "latency_seconds_count 3\n"
        "# HELP requests_total Requests served.\n"
        "# TYPE requests_total counter\n"
        "requests_total 3\n"
        "# HELP temperature Current temperature.\n"
        "# TYPE temperature gauge\n"
        "temperature -2.5\n");
}

TEST_CASE("families without labels show at zero, labelled families show their header only", "[metrics]") {
  Registry registry;
  registry.counter("plain_total", "Plain.");
  registry.counter("labelled_total", "Labelled.", {"controller"});
  registry.histogram("empty_seconds", "Empty.", {1});

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  CHECK(parsed.value("plain_total") == 0.0);
  REQUIRE(parsed.has("labelled_total"));
  CHECK(parsed.families.at("labelled_total").samples.empty());
  CHECK(parsed.value("empty_seconds_count") == 0.0);
  CHECK(parsed.value("empty_seconds_bucket", {{"le", "+Inf"}}) == 0.0);
}

TEST_CASE("label values and help text are escaped", "[metrics]") {
  Registry registry;
  registry.gauge("odd", "Help with \\ backslash\nand newline \"quoted\"", {"path"})
      .with({"C:\\dir \"x\"\nnext"})
      .set(1);
  const std::string text = registry.expose();
  CHECK(text.find("# HELP odd Help with \\\\ backslash\\nand newline \"quoted\"\n") != std::string::npos);
  CHECK(text.find("odd{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n") != std::string::npos);

  const auto parsed = parse_prometheus_text(text);
  REQUIRE(parsed.ok());
  CHECK(parsed.value("odd", {{"path", "C:\\dir \"x\"\nnext"}}) == 1.0);
}

TEST_CASE("exposition order is stable: families by name, children by label values", "[metrics]") {
  Registry registry;
  auto& zeta = registry.counter("zeta_total", "Z.", {"code", "method"});
  registry.counter("alpha_total", "A.");
  zeta.with({"500", "GET"}).inc();
  zeta.with({"200", "PUT"}).inc();
  zeta.with({"200", "GET"}).inc();

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  CHECK(parsed.order == std::vector<std::string>{"alpha_total", "zeta_total"});
  const auto& samples = parsed.families.at("zeta_total").samples;
  REQUIRE(samples.size() == 3);
  CHECK(samples[0].labels == std::map<std::string, std::string>{{"code", "200"}, {"method", "GET"}});
  CHECK(samples[1].labels == std::map<std::string, std::string>{{"code", "200"}, {"method", "PUT"}});
  CHECK(samples[2].labels == std::map<std::string, std::string>{{"code", "500"}, {"method", "GET"}});
  CHECK(registry.expose() == registry.expose());
}

TEST_CASE("histogram buckets are cumulative and _count equals the +Inf bucket", "[metrics]") {
  Registry registry;
  auto& h = registry.histogram("h_seconds", "H.", {0.005, 0.5, 5}, {"controller"}).with({"c"});
  for (double v : {0.001, 0.005, 0.2, 0.6, 4.9, 10.0, std::numeric_limits<double>::quiet_NaN()}) h.observe(v);
  CHECK(h.cumulative_counts() == std::vector<std::uint64_t>{2, 3, 5, 7});
  CHECK(h.count() == 7);

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  CHECK(parsed.value("h_seconds_bucket", {{"controller", "c"}, {"le", "0.005"}}) == 2.0);
  CHECK(parsed.value("h_seconds_bucket", {{"controller", "c"}, {"le", "5"}}) == 5.0);
  CHECK(parsed.value("h_seconds_bucket", {{"controller", "c"}, {"le", "+Inf"}}) == 7.0);
  CHECK(parsed.value("h_seconds_count", {{"controller", "c"}}) == 7.0);
}

TEST_CASE("values use the shortest exact text", "[metrics]") {
  using sqlop::metrics::format_value;
  CHECK(format_value(0) == "0");
  CHECK(format_value(42) == "42");
  CHECK(format_value(-3) == "-3");
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(1e-08) == "1e-08");
  CHECK(format_value(12.5) == "12.5");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(std::stod(format_value(1.0 / 3.0)) == 1.0 / 3.0);
}

TEST_CASE("a counter never goes down, a gauge does", "[metrics]") {
  Registry registry;
  auto& counter = registry.counter("c_total", "C.").get();
  counter.inc(2);
  counter.inc(-5);
  CHECK(counter.value() == 2);
  auto& gauge = registry.gauge("g", "G.").get();
  gauge.inc();
  gauge.inc();
  gauge.dec();
  gauge.add(-4);
  CHECK(gauge.value() == -3);
}

TEST_CASE("registering a family twice returns it, a different shape is refused", "[metrics]") {
  Registry registry;
  auto& first = registry.counter("x_total", "X.", {"a"});
  CHECK(&registry.counter("x_total", "X again.", {"a"}) == &first);
  CHECK_THROWS_AS(registry.counter("x_total", "X.", {"b"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("x_total", "X."), std::invalid_argument);
  auto& h = registry.histogram("h", "H.", {1, 2});
  CHECK(&registry.histogram("h", "H.", {1, 2}) == &h);
  CHECK_THROWS_AS(registry.histogram("h", "H.", {1, 3}), std::invalid_argument);
}

TEST_CASE("bad names, bounds and label arity are programming errors", "[metrics]") {
  Registry registry;
  CHECK_THROWS_AS(registry.counter("bad-name", "B."), std::invalid_argument);
  CHECK_THROWS_AS(registry.counter("9lives", "B."), std::invalid_argument);
  CHECK_THROWS_AS(registry.counter("ok_total", "B.", {"le"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.counter("ok_total", "B.", {"__reserved"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h", "H.", {2, 1}), std::invalid_argument);
  auto& family = registry.counter("pairs_total", "P.", {"a", "b"});
  CHECK_THROWS_AS(family.with({"only-one"}), std::invalid_argument);
  CHECK(registry.expose().find("pairs_total{") == std::string::npos);
}

TEST_CASE("concurrent updates lose nothing", "[metrics]") {
  Registry registry;
  auto& family = registry.counter("hits_total", "H.", {"worker"});
  auto& shared = registry.counter("shared_total", "S.").get();
  auto& histogram = registry.histogram("obs", "O.", {0.5}).get();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = family.with({std::to_string(t % 2)});
      for (int i = 0; i < kPerThread; ++i) {
        shared.inc();
        mine.inc();
        histogram.observe(i % 2 ? 1.0 : 0.25);
        if (i % 1000 == 0) (void)registry.expose();  // scrapes race with updates
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(shared.value() == kThreads * kPerThread);
  CHECK(family.with({"0"}).value() + family.with({"1"}).value() == kThreads * kPerThread);
  CHECK(histogram.count() == static_cast<std::uint64_t>(kThreads * kPerThread));
  CHECK(histogram.sum() == Approx(kThreads * kPerThread * 0.625));
}

TEST_CASE("collector families are merged into the sorted exposition", "[metrics]") {
  struct Fixed final : Collector {
    std::vector<FamilySnapshot> collect() const override {
      return {FamilySnapshot{"middle_bytes", "M.", MetricType::Gauge, {{"", {}, 4096}}}};
    }
  };
  Registry registry;
  registry.counter("zz_total", "Z.");
  registry.counter("aa_total", "A.");
  registry.add_collector(std::make_shared<Fixed>());
  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  CHECK(parsed.order == std::vector<std::string>{"aa_total", "middle_bytes", "zz_total"});
  CHECK(parsed.value("middle_bytes") == 4096.0);
}

// --- operator metrics ------------------------------------------------------------------------------------

TEST_CASE("operator metrics use controller-runtime names and show at zero", "[metrics]") {
  Registry registry;
  OperatorMetrics metrics(registry);
  metrics.controller("sqlitedatabase", 3);
  metrics.queue_listener("sqlitedatabase");

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  const std::map<std::string, std::string> types = {
      {"controller_runtime_reconcile_total", "counter"},
      {"controller_runtime_reconcile_errors_total", "counter"},
      {"controller_runtime_reconcile_time_seconds", "histogram"},
      {"controller_runtime_active_workers", "gauge"},
      {"controller_runtime_max_concurrent_reconciles", "gauge"},
      {"workqueue_depth", "gauge"},
      {"workqueue_adds_total", "counter"},
      {"workqueue_retries_total", "counter"},
      {"workqueue_queue_duration_seconds", "histogram"},
      {"workqueue_work_duration_seconds", "histogram"},
      {"rest_client_requests_total", "counter"},
      {"leader_election_master_status", "gauge"},
      {"sqliteoperator_managed_databases", "gauge"},
      {"sqliteoperator_plugins_loaded", "gauge"},
      {"sqliteoperator_config_reloads_total", "counter"},
  };
  for (const auto& [name, type] : types) {
    INFO(name);
    REQUIRE(parsed.has(name));
    CHECK(parsed.families.at(name).type == type);
  }
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) {
    CHECK(parsed.value("controller_runtime_reconcile_total", {{"controller", "sqlitedatabase"}, {"result", result}}) ==
          0.0);
  }
  CHECK(parsed.value("controller_runtime_reconcile_errors_total", {{"controller", "sqlitedatabase"}}) == 0.0);
  CHECK(parsed.value("controller_runtime_max_concurrent_reconciles", {{"controller", "sqlitedatabase"}}) == 3.0);
  CHECK(parsed.value("controller_runtime_active_workers", {{"controller", "sqlitedatabase"}}) == 0.0);
  CHECK(parsed.value("workqueue_depth", {{"name", "sqlitedatabase"}}) == 0.0);
  CHECK(parsed.value("workqueue_adds_total", {{"name", "sqlitedatabase"}}) == 0.0);
  CHECK(parsed.value("sqliteoperator_config_reloads_total", {{"result", "failure"}}) == 0.0);
  CHECK(parsed.value("sqliteoperator_build_info", {{"version", SQLOP_VERSION}}) == 1.0);
}

TEST_CASE("reconcile outcomes count by result, errors also in errors_total", "[metrics]") {
  Registry registry;
  OperatorMetrics metrics(registry);
  const auto controller = metrics.controller("db", 1);
  controller.worker_started();
  controller.observe_reconcile(ReconcileResult::Success, std::chrono::milliseconds(20));
  controller.observe_reconcile(ReconcileResult::Error, std::chrono::milliseconds(3));
  controller.observe_reconcile(ReconcileResult::RequeueAfter, std::chrono::seconds(2));
  controller.observe_panic();

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  const auto total = [&](const char* result) {
    return parsed.value("controller_runtime_reconcile_total", {{"controller", "db"}, {"result", result}});
  };
  CHECK(total("success") == 1.0);
  CHECK(total("error") == 1.0);
  CHECK(total("requeue") == 0.0);
  CHECK(total("requeue_after") == 1.0);
  CHECK(parsed.value("controller_runtime_reconcile_errors_total", {{"controller", "db"}}) == 1.0);
  CHECK(parsed.value("controller_runtime_reconcile_panics_total", {{"controller", "db"}}) == 1.0);
  CHECK(parsed.value("controller_runtime_active_workers", {{"controller", "db"}}) == 1.0);
  CHECK(parsed.value("controller_runtime_reconcile_time_seconds_count", {{"controller", "db"}}) == 3.0);
  CHECK(parsed.value("controller_runtime_reconcile_time_seconds_bucket", {{"controller", "db"}, {"le", "0.005"}}) ==
        1.0);
  CHECK(parsed.value("controller_runtime_reconcile_time_seconds_bucket", {{"controller", "db"}, {"le", "60"}}) == 3.0);
  CHECK(parsed.value("controller_runtime_reconcile_time_seconds_sum", {{"controller", "db"}}) == Approx(2.023));
}

TEST_CASE("the queue listener feeds workqueue metrics from a real WorkQueue", "[metrics]") {
  Registry registry;
  OperatorMetrics metrics(registry);
  sqlop::controller::WorkQueueOptions options;
  options.name = "db";
  options.metrics = metrics.queue_listener("db");
  sqlop::controller::WorkQueue queue(std::move(options));

  queue.add("ns/a");
  queue.add("ns/a");  // deduplicated: not an add
  queue.add("ns/b");
  const auto depth = [&] {
    return parse_prometheus_text(registry.expose()).value("workqueue_depth", {{"name", "db"}});
  };
  CHECK(depth() == 2.0);
  const auto key = queue.get();
  REQUIRE(key == std::optional<std::string>("ns/a"));
  queue.done(*key);
  queue.add_rate_limited("ns/a");
  queue.shut_down();

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  CHECK(parsed.value("workqueue_adds_total", {{"name", "db"}}) == 2.0);
  CHECK(parsed.value("workqueue_retries_total", {{"name", "db"}}) == 1.0);
  CHECK(parsed.value("workqueue_depth", {{"name", "db"}}) == 1.0);
  CHECK(parsed.value("workqueue_queue_duration_seconds_count", {{"name", "db"}}) == 1.0);
  CHECK(parsed.value("workqueue_work_duration_seconds_count", {{"name", "db"}}) == 1.0);
  CHECK(parsed.value("workqueue_queue_duration_seconds_bucket", {{"name", "db"}, {"le", "1e-08"}}).has_value());
  CHECK(parsed.value("workqueue_queue_duration_seconds_bucket", {{"name", "db"}, {"le", "1000"}}) == 1.0);
}

TEST_CASE("the REST client observer counts requests by code, method and host", "[metrics]") {
  Registry registry;
  OperatorMetrics metrics(registry);
  const auto observe = metrics.rest_client_observer("127.0.0.1:6443");
  observe("GET", 200);
  observe("GET", 200);
  observe("PUT", 409);
  observe("PATCH", 0);  // no response

  const auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  const auto count = [&](const char* code, const char* method) {
    return parsed.value("rest_client_requests_total", {{"code", code}, {"method", method}, {"host", "127.0.0.1:6443"}});
  };
  CHECK(count("200", "GET") == 2.0);
  CHECK(count("409", "PUT") == 1.0);
  CHECK(count("<error>", "PATCH") == 1.0);
  CHECK_FALSE(count("200", "PUT").has_value());
}

TEST_CASE("leader status, managed databases, plugins and config reloads", "[metrics]") {
  Registry registry;
  OperatorMetrics metrics(registry);
  metrics.set_leader("sqlite-operator-lock", true);
  metrics.set_managed_databases(12);
  metrics.set_plugins_loaded(4);
  metrics.record_config_reload(true);
  metrics.record_config_reload(false);
  auto parsed = parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  CHECK(parsed.value("leader_election_master_status", {{"name", "sqlite-operator-lock"}}) == 1.0);
  CHECK(parsed.value("sqliteoperator_managed_databases") == 12.0);
  CHECK(parsed.value("sqliteoperator_plugins_loaded") == 4.0);
  CHECK(parsed.value("sqliteoperator_config_reloads_total", {{"result", "success"}}) == 1.0);
  CHECK(parsed.value("sqliteoperator_config_reloads_total", {{"result", "failure"}}) == 1.0);
  CHECK(parsed.value("sqliteoperator_config_last_reload_successful") == 0.0);

  metrics.set_leader("sqlite-operator-lock", false);
  parsed = parse_prometheus_text(registry.expose());
  CHECK(parsed.value("leader_election_master_status", {{"name", "sqlite-operator-lock"}}) == 0.0);
}

TEST_CASE("the text parser used by these tests rejects malformed exposition", "[metrics]") {
  CHECK_FALSE(parse_prometheus_text("x 1\n").ok());                                          // no HELP/TYPE
  CHECK_FALSE(parse_prometheus_text("# HELP x X\n# TYPE x gauge\nx{a=\"b} 1\n").ok());      // open quote
  CHECK_FALSE(parse_prometheus_text("# HELP x X\n# TYPE x gauge\ny 1\n").ok());             // wrong family
  CHECK_FALSE(parse_prometheus_text("# HELP x X\n# TYPE x gauge\nx one\n").ok());           // not a number
  CHECK_FALSE(parse_prometheus_text("# HELP x X\n# TYPE x gauge\nx 1").ok());               // no newline
  CHECK(parse_prometheus_text("# HELP x X\n# TYPE x gauge\nx{a=\"\\\"\"} +Inf\n").ok());
}
