#include "operator_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <fstream>
#include <sstream>
#include <thread>

namespace sqlop::bench {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

long status_field_kib(const std::string& status, const std::string& field) {
  const auto at = status.find("\n" + field + ":");
  if (at == std::string::npos) return 0;
  return std::strtol(status.c_str() + at + field.size() + 2, nullptr, 10);
}

// smaps interleaves mapping headers ("start-end perms offset dev inode [path]") with "Field: value" lines.
bool is_mapping_header(const std::string& line) {
  const std::string first = line.substr(0, line.find(' '));
  return !first.empty() && first.back() != ':' && first.find('-') != std::string::npos;
}

// The file name of a mapping (without its directory), its pseudo-name ("[heap]"), or "[anon]".
std::string mapping_name(const std::string& header) {
  std::istringstream fields(header);
  std::string range, perms, offset, device, inode, path;
  fields >> range >> perms >> offset >> device >> inode;
  std::getline(fields >> std::ws, path);
  if (path.empty()) return "[anon]";
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Memory read_memory(pid_t pid) {
  const std::string status = "\n" + read_file("/proc/" + std::to_string(pid) + "/status");
  Memory m;
  m.rss_kib = status_field_kib(status, "VmRSS");
  m.peak_rss_kib = status_field_kib(status, "VmHWM");
  m.anon_kib = status_field_kib(status, "RssAnon");
  m.file_kib = status_field_kib(status, "RssFile");
  m.threads = static_cast<int>(status_field_kib(status, "Threads"));
  return m;
}

std::vector<std::pair<std::string, long>> resident_by_mapping(pid_t pid, std::size_t top) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  std::map<std::string, long> by_name;
  std::string current = "[anon]";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Rss:", 0) == 0) {
      by_name[current] += std::strtol(line.c_str() + 4, nullptr, 10);
    } else if (is_mapping_header(line)) {
      current = mapping_name(line);
    }
  }
  std::vector<std::pair<std::string, long>> out(by_name.begin(), by_name.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > top) out.resize(top);
  return out;
}

std::string url_after(const std::string& log, const std::string& marker) {
  const auto at = log.find(marker);
  if (at == std::string::npos) return "";
  const auto start = at + marker.size();
  const auto host_end = log.find('/', log.find("://", start) + 3);
  if (host_end == std::string::npos) return "";
  return log.substr(start, host_end - start);
}

std::unique_ptr<OperatorProcess> OperatorProcess::start(const OperatorOptions& options,
                                                        std::chrono::milliseconds timeout, std::string* error) {
  std::unique_ptr<OperatorProcess> p(new OperatorProcess());
  p->log_path_ = options.log_path;
  std::vector<std::string> args{options.binary,
                                "run",
                                "--kubeconfig",
                                options.kubeconfig,
                                "--metrics-bind-address",
                                "127.0.0.1:0",
                                "--health-probe-bind-address",
                                "127.0.0.1:0"};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  // Truncated here, before the fork, so the port lines read below cannot be a previous run's.
  const int log_fd = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *error = "cannot write " + options.log_path;
    return nullptr;
  }
  p->started_at_ = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    *error = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed benchmark
    dup2(log_fd, 1);  // dup2 clears O_CLOEXEC on the copies
    dup2(log_fd, 2);
    for (const auto& [name, value] : options.env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  p->pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string log = read_file(p->log_path_);
    p->metrics_url_ = url_after(log, "serving metrics on ");
    p->probe_url_ = url_after(log, "serving health probes on ");
    if (!p->metrics_url_.empty() && !p->probe_url_.empty()) return p;
    if (p->exited()) {
      *error = "sqlite-operator exited before serving its probes:\n" + p->log_tail(4000);
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  *error = "sqlite-operator did not log its probe addresses in time:\n" + p->log_tail(4000);
  return nullptr;
}

OperatorProcess::~OperatorProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool OperatorProcess::exited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  pid_ = -1;
  return true;
}

int OperatorProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

std::string OperatorProcess::log_tail(std::size_t bytes) const {
  const std::string log = read_file(log_path_);
  return log.size() <= bytes ? log : log.substr(log.size() - bytes);
}

long OperatorProcess::count_log_lines(const std::string& needle) const {
  std::ifstream in(log_path_);
  long count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) ++count;
  }
  return count;
}

std::vector<std::string> OperatorProcess::first_log_lines(const std::string& needle, std::size_t max) const {
  std::ifstream in(log_path_);
  std::vector<std::string> lines;
  for (std::string line; lines.size() < max && std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

}  // namespace sqlop::bench
