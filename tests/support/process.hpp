// Child processes for end-to-end tests: started with posix_spawn in their own process group, with an
// explicit environment (nothing leaks in from the test runner's environment), stdout and stderr appended to
// a log file the test can print when something fails. The destructor stops the process group (SIGTERM, then
// SIGKILL after a grace period), so every process a test starts is gone when the test ends, even on failure.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sqlop::testing {

using Environment = std::map<std::string, std::string>;
using Clock = std::chrono::steady_clock;

// How a finished (or stopped) process ended.
struct ExitStatus {
  int code = -1;    // exit code, -1 when killed by a signal
  int signal = 0;   // the signal that killed it, 0 when it exited
  bool exited_zero() const { return code == 0; }
  std::string to_string() const {
    return signal ? "killed by signal " + std::to_string(signal) : "exit code " + std::to_string(code);
  }
};

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ChildProcess {
 public:
  // argv[0] must be a path (no PATH search: the test decides exactly which program runs).
  ChildProcess(std::vector<std::string> argv, const Environment& env, std::filesystem::path log_file)
      : argv_(std::move(argv)), log_file_(std::move(log_file)) {
    if (argv_.empty()) throw std::invalid_argument("ChildProcess: empty argv");
    spawn(env);
  }
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::filesystem::path& log_file() const { return log_file_; }
  std::string log() const { return read_text_file(log_file_); }
  // "program: <log>" for failure messages.
  std::string describe() const {
    return argv_.front() + (status_ ? " (" + status_->to_string() + ")" : " (running)") + ", log:\n" + log();
  }

  // Non-blocking: true while the process has not ended.
  bool running() {
    if (status_) return false;
    int raw = 0;
    const pid_t r = waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) status_ = decode(raw);
    return !status_;
  }

  // Waits up to `timeout` for the process to end on its own; nullopt on timeout (the process keeps running).
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (running()) {
      if (Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return status_;
  }

  // SIGTERM to the process group, SIGKILL after `grace`. Idempotent; returns how the process ended.
  // The group is signalled only while its leader is not yet reaped, so its id cannot belong to anyone else.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000)) {
    if (pid_ <= 0) return ExitStatus{};
    if (running()) {
      ::kill(-pid_, SIGTERM);
      if (!wait_for(grace)) {
        ::kill(-pid_, SIGKILL);
        int raw = 0;
        if (waitpid(pid_, &raw, 0) == pid_) status_ = decode(raw);
      }
    }
    return status_.value_or(ExitStatus{});
  }

 private:
  static ExitStatus decode(int raw) {
    if (WIFEXITED(raw)) return ExitStatus{WEXITSTATUS(raw), 0};
    if (WIFSIGNALED(raw)) return ExitStatus{-1, WTERMSIG(raw)};
    return ExitStatus{};
  }

  void spawn(const Environment& env) {
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> argv_ptrs;
    for (std::string& a : argv_) argv_ptrs.push_back(a.data());
    argv_ptrs.push_back(nullptr);
    std::vector<char*> env_ptrs;
    for (std::string& e : env_strings) env_ptrs.push_back(e.data());
    env_ptrs.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);  // own group: stop() reaches everything the process starts
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    const int rc = posix_spawn(&pid_, argv_ptrs[0], &actions, &attr, argv_ptrs.data(), env_ptrs.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start " + argv_.front() + ": " + std::strerror(rc));
    }
  }

  std::vector<std::string> argv_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

// Runs a program to completion (killing it after `timeout`) and returns its status and log.
struct CompletedProcess {
  ExitStatus status;
  bool timed_out = false;
  std::string log;
};

inline CompletedProcess run_to_completion(const std::vector<std::string>& argv, const Environment& env,
                                          const std::filesystem::path& log_file,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  ChildProcess p(argv, env, log_file);
  CompletedProcess done;
  if (const auto status = p.wait_for(timeout)) {
    done.status = *status;
  } else {
    done.timed_out = true;
    done.status = p.stop();
  }
  done.log = p.log();
  return done;
}

// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it; closed again at once).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot find a free port");
  return ntohs(addr.sin_port);
}

inline bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Waits until 127.0.0.1:port accepts connections; false on timeout or when `server` ends first.
inline bool wait_for_port(int port, ChildProcess& server, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (port_accepts(port)) return true;
    if (!server.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool eventually(std::chrono::milliseconds timeout, Condition condition,
                std::chrono::milliseconds interval = std::chrono::milliseconds(250)) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

// The first executable called `name` in the PATH of the test runner, or "" (used only for interpreters
// such as node; the programs under test are found by explicit paths).
inline std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

}  // namespace sqlop::testing
