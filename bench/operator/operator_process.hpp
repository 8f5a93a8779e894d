// The `sqlite-operator run` binary as a child process of the benchmark: started with its probes on
// 127.0.0.1:0, its log in a file (per-reconcile lines at info level would flood a terminal), the two ports
// read from the "serving ... on http://HOST:PORT/..." log lines, and its memory read from /proc.
// Not thread-safe; the benchmark drives it from one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sqlop::bench {

struct OperatorOptions {
  std::string binary;                        // path of sqlite-operator
  std::string kubeconfig;
  std::string log_path;                      // stdout and stderr go here (truncated at start)
  std::vector<std::string> extra_args;       // e.g. {"--sync-period", "15s"}
  std::map<std::string, std::string> env;    // added to the inherited environment, e.g. MALLOC_ARENA_MAX
};

// Memory of a process from /proc/PID/status, in KiB (0 when unreadable).
struct Memory {
  long rss_kib = 0;       // VmRSS
  long peak_rss_kib = 0;  // VmHWM
  long anon_kib = 0;      // RssAnon: heap, stacks, arenas
  long file_kib = 0;      // RssFile: mapped binaries and shared libraries (plugins included)
  int threads = 0;
};
Memory read_memory(pid_t pid);

// Resident KiB per mapped file (or "[heap]", "[anon]", ...) from /proc/PID/smaps, largest first.
std::vector<std::pair<std::string, long>> resident_by_mapping(pid_t pid, std::size_t top);

class OperatorProcess {
 public:
  // Starts the binary and waits until it has logged both probe addresses. nullptr and `error` (with the
  // end of its log) when it exits or does not log them within `timeout`.
  static std::unique_ptr<OperatorProcess> start(const OperatorOptions& options, std::chrono::milliseconds timeout,
                                                std::string* error);
  ~OperatorProcess();  // SIGKILL if still running
  OperatorProcess(const OperatorProcess&) = delete;
  OperatorProcess& operator=(const OperatorProcess&) = delete;

  // SIGTERM, then waits up to `timeout`; returns the exit status (128+signal when killed by one, -1 when
  // it had to be killed after the timeout or was already stopped).
  int stop(std::chrono::milliseconds timeout);
  bool exited();  // true once the process has ended (reaps it)

  pid_t pid() const { return pid_; }
  std::chrono::steady_clock::time_point started_at() const { return started_at_; }
  const std::string& probe_url() const { return probe_url_; }      // http://127.0.0.1:PORT
  const std::string& metrics_url() const { return metrics_url_; }  // http://127.0.0.1:PORT
  const std::string& log_path() const { return log_path_; }
  std::string log_tail(std::size_t bytes) const;
  // Lines of the log that contain `needle` (e.g. " WARN "), and the first `max` of them.
  long count_log_lines(const std::string& needle) const;
  std::vector<std::string> first_log_lines(const std::string& needle, std::size_t max) const;

 private:
  OperatorProcess() = default;
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point started_at_;
  std::string log_path_;
  std::string probe_url_;
  std::string metrics_url_;
};

// "http://HOST:PORT" from a log line "... serving <what> on http://HOST:PORT/<path>", or "" if absent.
std::string url_after(const std::string& log, const std::string& marker);

}  // namespace sqlop::bench
