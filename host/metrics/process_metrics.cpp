#include "host/metrics/process_metrics.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace sqlop::metrics {

namespace {

std::optional<std::uint64_t> to_u64(const std::string& text) {
  if (text.empty() || text[0] == '-') return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Entries of /proc/self/fd, minus the descriptor opendir itself uses.
std::optional<double> count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return std::nullopt;
  int entries = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++entries;
  }
  closedir(dir);
  return entries > 0 ? entries - 1 : 0;
}

FamilySnapshot single(const char* name, const char* help, MetricType type, double value) {
  return FamilySnapshot{name, help, type, {Sample{"", {}, value}}};
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const std::size_t close = text.rfind(')');
  if (close == std::string_view::npos || text.find('(') == std::string_view::npos) return std::nullopt;
  std::istringstream fields{std::string(text.substr(close + 1))};
  std::vector<std::string> rest;  // rest[0] is field 3 (state)
  for (std::string field; fields >> field;) rest.push_back(field);
  if (rest.size() < 22) return std::nullopt;  // up to field 24
  const auto field = [&](int number) { return rest[static_cast<std::size_t>(number - 3)]; };
  const auto utime = to_u64(field(14));
  const auto stime = to_u64(field(15));
  const auto start = to_u64(field(22));
  const auto vsize = to_u64(field(23));
  const auto rss = to_u64(field(24));
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime, *stime, *start, *vsize, static_cast<std::int64_t>(*rss)};
}

std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat_text) {
  std::istringstream lines{std::string(proc_stat_text)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "btime") return to_u64(value);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_max_open_files(std::string_view limits_text) {
  static constexpr std::string_view kRow = "Max open files";
  std::istringstream lines{std::string(limits_text)};
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, kRow.size(), kRow) != 0) continue;
    std::istringstream words(line.substr(kRow.size()));
    std::string soft;
    words >> soft;
    return to_u64(soft);  // "unlimited" -> nullopt
  }
  return std::nullopt;
}

ProcessSample to_process_sample(const ProcStat& stat, std::optional<std::uint64_t> boot_time_seconds,
                                long ticks_per_second, long page_size_bytes) {
  const double ticks = ticks_per_second > 0 ? static_cast<double>(ticks_per_second) : 100.0;
  ProcessSample out;
  out.resident_memory_bytes = static_cast<double>(stat.rss_pages) * static_cast<double>(page_size_bytes);
  out.virtual_memory_bytes = static_cast<double>(stat.vsize_bytes);
  out.cpu_seconds = static_cast<double>(stat.utime_ticks + stat.stime_ticks) / ticks;
  if (boot_time_seconds) {
    out.start_time_seconds = static_cast<double>(*boot_time_seconds) + static_cast<double>(stat.starttime_ticks) / ticks;
  }
  return out;
}

std::vector<FamilySnapshot> ProcessCollector::collect() const {
  std::vector<FamilySnapshot> out;
  const auto stat_text = read_file("/proc/self/stat");
  const auto stat = stat_text ? parse_proc_stat(*stat_text) : std::nullopt;
  if (stat) {
    const auto system_text = read_file("/proc/stat");
    const auto boot = system_text ? parse_boot_time(*system_text) : std::nullopt;
    const ProcessSample sample = to_process_sample(*stat, boot, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE));
    out.push_back(single("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                         MetricType::Counter, sample.cpu_seconds));
    out.push_back(single("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
                         sample.resident_memory_bytes));
    out.push_back(single("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
                         sample.virtual_memory_bytes));
    if (sample.start_time_seconds) {
      out.push_back(single("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                           MetricType::Gauge, *sample.start_time_seconds));
    }
  }
  if (const auto fds = count_open_fds()) {
    out.push_back(single("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, *fds));
  }
  const auto limits_text = read_file("/proc/self/limits");
  if (const auto max_fds = limits_text ? parse_max_open_files(*limits_text) : std::nullopt) {
    out.push_back(single("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
                         static_cast<double>(*max_fds)));
  }
  return out;
}

void register_process_metrics(Registry& registry) { registry.add_collector(std::make_shared<ProcessCollector>()); }

}  // namespace sqlop::metrics
