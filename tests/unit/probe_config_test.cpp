// The pure parts of the probe server: bind-address parsing (host/serve/bind_address.hpp) and the
// /healthz and /readyz replies (host/serve/health_checks.hpp).
#include <catch2/catch.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "host/serve/bind_address.hpp"
#include "host/serve/health_checks.hpp"

using namespace sqlop::serve;

TEST_CASE("bind addresses: host:port, :port, port 0, IPv6 and disabled", "[metrics][serve]") {
  const auto full = parse_bind_address("127.0.0.1:8080");
  REQUIRE(full.ok());
  CHECK(full.address == BindAddress{"127.0.0.1", 8080});

  const auto all = parse_bind_address(":8081");
  REQUIRE(all.ok());
  CHECK(all.address->all_interfaces());
  CHECK(all.address->port == 8081);

  CHECK(parse_bind_address("localhost:0").address == BindAddress{"localhost", 0});
  CHECK(parse_bind_address("[::1]:9090").address == BindAddress{"::1", 9090});
  CHECK(parse_bind_address(":65535").address->port == 65535);

  const auto off = parse_bind_address("0");
  REQUIRE(off.ok());
  CHECK(off.disabled);
  CHECK_FALSE(off.address);
}

TEST_CASE("bad bind addresses say why", "[metrics][serve]") {
  for (const char* text : {"", "8080", "host:", "host:http", ":65536", ":-1", "::1:80", "[::1:80", "[]:80"}) {
    INFO(text);
    const auto parsed = parse_bind_address(text);
    CHECK_FALSE(parsed.ok());
    CHECK_FALSE(parsed.disabled);
    CHECK(parsed.error.find("invalid bind address") == 0);
  }
  CHECK(parse_bind_address("8080").error.find("missing port") != std::string::npos);
}

TEST_CASE("format_host_port brackets IPv6 and shows all interfaces as 0.0.0.0", "[metrics][serve]") {
  CHECK(format_host_port("", 80) == "0.0.0.0:80");
  CHECK(format_host_port("::1", 80) == "[::1]:80");
  CHECK(format_host_port("example", 8) == "example:8");
}

TEST_CASE("probe replies: ok, verbose, failed with the failing names", "[metrics][serve]") {
  const std::vector<CheckResult> passing = {{"informers", std::nullopt}, {"ping", std::nullopt}};
  CHECK(render_probe_reply("readyz", passing, false).status == 200);
  CHECK(render_probe_reply("readyz", passing, false).body == "ok");
  const auto verbose = render_probe_reply("healthz", passing, true);
  CHECK(verbose.status == 200);
  CHECK(verbose.body == "[+]informers ok\n[+]ping ok\nhealthz check passed\n");

  const std::vector<CheckResult> failing = {{"informers", std::string("caches not synced")}, {"ping", std::nullopt}};
  const auto failed = render_probe_reply("readyz", failing, false);
  CHECK(failed.status == 500);
  CHECK(failed.body == "[-]informers failed: caches not synced\n[+]ping ok\nreadyz check failed\n");
  CHECK(render_probe_reply("readyz", {}, false).body == "ok");  // no checks: healthy
}

TEST_CASE("single-check replies", "[metrics][serve]") {
  CHECK(render_single_check_reply(CheckResult{"ping", std::nullopt}).status == 200);
  const auto failed = render_single_check_reply(CheckResult{"informers", std::string("not synced")});
  CHECK(failed.status == 500);
  CHECK(failed.body.find("not synced") != std::string::npos);
  CHECK(render_single_check_reply(std::nullopt).status == 404);
}

TEST_CASE("HealthChecks runs checks in name order, replaces by name, and contains throws", "[metrics][serve]") {
  HealthChecks checks;
  checks.add("zeta", [] { return std::optional<std::string>(); });
  checks.add("alpha", [] { return std::optional<std::string>("down"); });
  checks.add("boom", []() -> std::optional<std::string> { throw std::runtime_error("kaput"); });
  auto results = checks.run_all();
  REQUIRE(results.size() == 3);
  CHECK(results[0].name == "alpha");
  CHECK(results[0].error == std::optional<std::string>("down"));
  CHECK(results[1].name == "boom");
  CHECK(results[1].error->find("kaput") != std::string::npos);
  CHECK(results[2].ok());

  checks.add("alpha", [] { return std::optional<std::string>(); });
  results = checks.run_all();
  REQUIRE(results.size() == 3);
  CHECK(results[0].ok());
  CHECK(checks.run_one("zeta")->ok());
  CHECK_FALSE(checks.run_one("missing"));
  CHECK_THROWS_AS(checks.add("empty", nullptr), std::invalid_argument);
}
