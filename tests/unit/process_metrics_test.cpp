// Process metrics (host/metrics/process_metrics.hpp): the /proc parsers on sample text, the unit
// conversion, and one real scrape of /proc/self.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "host/metrics/process_metrics.hpp"
#include "tests/unit/prometheus_text_parser.hpp"

using namespace sqlop::metrics;

namespace {

// A /proc/<pid>/stat line whose command name holds spaces and parentheses (fields 14, 15, 22, 23, 24 are
// 250, 50, 12345, 104857600, 2560).
const char* const kStatLine =
    "4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 50 0 0 20 0 5 0 12345 104857600 2560 "
    "18446744073709551615 1 1 0 0 0 0 0 4096 17920 0 0 0 17 1 0 0 0 0 0\n";

const char* const kSystemStat =
    "cpu  1 2 3 4 5 6 7 0 0 0\n"
    "intr 123 0 0\n"
    "ctxt 456\n"
    "btime 1714521600\n"
    "processes 789\n";

const char* const kLimits =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max open files            1024                 1048576              files     \n"
    "Max locked memory         8388608              8388608              bytes     \n";

}  // namespace

TEST_CASE("parse_proc_stat counts fields from the command name's last parenthesis", "[metrics]") {
  const auto stat = parse_proc_stat(kStatLine);
  REQUIRE(stat);
  CHECK(stat->utime_ticks == 250);
  CHECK(stat->stime_ticks == 50);
  CHECK(stat->starttime_ticks == 12345);
  CHECK(stat->vsize_bytes == 104857600);
  CHECK(stat->rss_pages == 2560);
}

TEST_CASE("parse_proc_stat rejects text that is not a stat line", "[metrics]") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("4242 no parentheses S 1 2 3"));
  CHECK_FALSE(parse_proc_stat("4242 (short) S 1 2 3 4 5\n"));
  std::string bad = kStatLine;
  bad.replace(bad.find(" 250 "), 5, " x50 ");  // utime not a number
  CHECK_FALSE(parse_proc_stat(bad));
}

TEST_CASE("parse_boot_time and parse_max_open_files read their rows", "[metrics]") {
  CHECK(parse_boot_time(kSystemStat) == std::optional<std::uint64_t>(1714521600));
  CHECK_FALSE(parse_boot_time("cpu 1 2 3\n"));
  CHECK(parse_max_open_files(kLimits) == std::optional<std::uint64_t>(1024));
  CHECK_FALSE(parse_max_open_files("Max open files            unlimited            unlimited            files\n"));
  CHECK_FALSE(parse_max_open_files("Max cpu time 1 1 seconds\n"));
}

TEST_CASE("to_process_sample converts ticks and pages to Prometheus units", "[metrics]") {
  const auto stat = parse_proc_stat(kStatLine);
  REQUIRE(stat);
  const ProcessSample sample = to_process_sample(*stat, 1714521600, 100, 4096);
  CHECK(sample.cpu_seconds == Approx(3.0));
  CHECK(sample.resident_memory_bytes == 2560.0 * 4096);
  CHECK(sample.virtual_memory_bytes == 104857600.0);
  REQUIRE(sample.start_time_seconds);
  CHECK(*sample.start_time_seconds == Approx(1714521600 + 123.45));
  CHECK_FALSE(to_process_sample(*stat, std::nullopt, 100, 4096).start_time_seconds);
}

TEST_CASE("a real scrape of /proc/self reports plausible process metrics", "[metrics]") {
  Registry registry;
  register_process_metrics(registry);
  const auto parsed = sqlop::testing::parse_prometheus_text(registry.expose());
  REQUIRE(parsed.ok());
  for (const char* name : {"process_resident_memory_bytes", "process_virtual_memory_bytes",
                           "process_cpu_seconds_total", "process_start_time_seconds", "process_open_fds",
                           "process_max_fds"}) {
    INFO(name);
    CHECK(parsed.has(name));
  }
  CHECK(parsed.families.at("process_cpu_seconds_total").type == "counter");
  CHECK(*parsed.value("process_resident_memory_bytes") > 1024 * 1024);
  CHECK(*parsed.value("process_virtual_memory_bytes") >= *parsed.value("process_resident_memory_bytes"));
  CHECK(*parsed.value("process_open_fds") >= 3);  // stdin, stdout, stderr at least
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double started = *parsed.value("process_start_time_seconds");
  CHECK(started <= now + 1);
  CHECK(started > now - 24 * 3600);  // this test process started today
}
