// The standard Prometheus process metrics, read from /proc/self at scrape time:
//   process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total,
//   process_start_time_seconds, process_open_fds, process_max_fds.
// The parsing of /proc text is pure (the functions below) and tested on sample text; the collector only
// reads the files and converts units. A file that cannot be read or parsed leaves its metrics out of that
// scrape rather than reporting a wrong zero.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/metrics/registry.hpp"

namespace sqlop::metrics {

// The fields of /proc/<pid>/stat the process metrics need (proc(5) numbering in comments).
struct ProcStat {
  std::uint64_t utime_ticks = 0;      // (14) user CPU, clock ticks
  std::uint64_t stime_ticks = 0;      // (15) system CPU, clock ticks
  std::uint64_t starttime_ticks = 0;  // (22) start, clock ticks after boot
  std::uint64_t vsize_bytes = 0;      // (23) virtual memory size
  std::int64_t rss_pages = 0;         // (24) resident set size, pages
};

// Parses the one line of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses,
// so the fields are counted from its last ')'. nullopt when the text is not a stat line.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// The "btime" (boot time, seconds since the epoch) of /proc/stat; nullopt when missing.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat_text);

// The soft "Max open files" limit of /proc/<pid>/limits; nullopt when missing or "unlimited".
std::optional<std::uint64_t> parse_max_open_files(std::string_view limits_text);

// What a scrape reports, in Prometheus units. Pure conversion from the parsed values.
struct ProcessSample {
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double cpu_seconds = 0;
  std::optional<double> start_time_seconds;  // needs the boot time
};
ProcessSample to_process_sample(const ProcStat& stat, std::optional<std::uint64_t> boot_time_seconds,
                                long ticks_per_second, long page_size_bytes);

// A Collector reading /proc/self on every collect(). Thread-safe (it keeps no state).
class ProcessCollector final : public Collector {
 public:
  std::vector<FamilySnapshot> collect() const override;
};

// Adds a ProcessCollector to `registry`.
void register_process_metrics(Registry& registry);

}  // namespace sqlop::metrics
