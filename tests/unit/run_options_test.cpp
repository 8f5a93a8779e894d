// The flags of `sqlite-operator run`.
#include "host/operator/run_options.hpp"

#include <catch2/catch.hpp>

using sqlop::op::parse_run_options;

TEST_CASE("run options: defaults follow controller-runtime", "[runoptions]") {
  const auto p = parse_run_options({});
  REQUIRE(p.options);
  CHECK(p.options->workers == 2);
  CHECK_FALSE(p.options->leader_elect);
  CHECK(p.options->lease_duration == std::chrono::seconds(15));
  CHECK(p.options->renew_deadline == std::chrono::seconds(10));
  CHECK(p.options->retry_period == std::chrono::seconds(2));
  CHECK(p.options->metrics_bind_address == ":8080");
  CHECK(p.options->health_probe_bind_address == ":8081");
  CHECK(p.options->namespace_name.empty());
}

TEST_CASE("run options: every flag in both spellings", "[runoptions]") {
  const auto p = parse_run_options({"--kubeconfig", "/k", "--context=c", "--namespace", "team-a", "--config", "/c.yaml",
                                    "--workers=4", "--leader-elect", "--leader-election-namespace", "ops",
                                    "--leader-election-id", "lock", "--leader-election-lease-duration", "3s",
                                    "--leader-election-renew-deadline=2s", "--leader-election-retry-period", "500ms",
                                    "--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "0",
                                    "--log-level", "debug", "--log-format", "json", "--sync-period", "1m",
                                    "--request-timeout", "5s"});
  INFO(p.error);
  REQUIRE(p.options);
  const auto& o = *p.options;
  CHECK(o.kubeconfig == "/k");
  CHECK(o.context == "c");
  CHECK(o.namespace_name == "team-a");
  CHECK(o.config_path == "/c.yaml");
  CHECK(o.workers == 4);
  CHECK(o.leader_elect);
  CHECK(o.leader_election_namespace == "ops");
  CHECK(o.leader_election_id == "lock");
  CHECK(o.lease_duration == std::chrono::seconds(3));
  CHECK(o.renew_deadline == std::chrono::seconds(2));
  CHECK(o.retry_period == std::chrono::milliseconds(500));
  CHECK(o.metrics_bind_address == "127.0.0.1:0");
  CHECK(o.health_probe_bind_address == "0");
  CHECK(o.log_level == "debug");
  CHECK(o.log_format == "json");
  CHECK(o.sync_period == std::chrono::minutes(1));
  CHECK(o.request_timeout_ms == 5000);
}

TEST_CASE("run options: errors name the flag", "[runoptions]") {
  CHECK(parse_run_options({"--workers", "0"}).error.rfind("--workers:", 0) == 0);
  CHECK(parse_run_options({"--workers", "2x"}).error.rfind("--workers:", 0) == 0);
  CHECK(parse_run_options({"--leader-election-lease-duration", "15"}).error.rfind("--leader-election-lease-duration:", 0) == 0);
  CHECK(parse_run_options({"--sync-period", "1d"}).error.rfind("--sync-period:", 0) == 0);
  CHECK(parse_run_options({"--namespace"}).error == "--namespace: needs a value");
  CHECK(parse_run_options({"--bogus"}).error == "unknown flag '--bogus'");
  CHECK(parse_run_options({"--leader-elect=maybe"}).error.rfind("--leader-elect:", 0) == 0);
  CHECK(parse_run_options({"--help"}).help);
}
