#include "host/kube/exec_plugin.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

extern char** environ;

namespace sqlop::kube {

namespace {

class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool valid() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

// "NAME=value" strings: the operator's environment with `extra` set on top (later entries win).
std::vector<std::string> plugin_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string text(*entry);
    const std::string name = text.substr(0, text.find('='));
    bool overridden = false;
    for (const auto& [extra_name, value] : extra) overridden = overridden || extra_name == name;
    if (!overridden) out.push_back(text);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string exit_description(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended abnormally";
}

// Reads `fd` until EOF or the deadline. False on timeout.
bool read_until_eof(int fd, std::chrono::steady_clock::time_point deadline, std::string& out) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watched{fd, POLLIN, 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ready == 0 ? false : true;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

ExecPluginRun run_exec_plugin(const ExecConfig& exec, const std::string& exec_info, int timeout_ms) {
  ExecPluginRun run;
  const std::string what = "exec plugin " + exec.command;
  Pipe output;
  if (!output.valid()) {
    run.error = what + ": cannot create a pipe: " + std::strerror(errno);
    return run;
  }
  std::vector<std::pair<std::string, std::string>> extra = exec.env;
  extra.emplace_back("KUBERNETES_EXEC_INFO", exec_info);
  std::vector<std::string> environment = plugin_environment(extra);
  std::vector<std::string> arguments{exec.command};
  arguments.insert(arguments.end(), exec.args.begin(), exec.args.end());
  std::vector<char*> argv = c_strings(arguments);
  std::vector<char*> envp = c_strings(environment);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  // posix_spawnp searches the operator's PATH when the command has no '/', as exec.LookPath does.
  const int spawn_error = ::posix_spawnp(&pid, exec.command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  output.close_write();
  if (spawn_error != 0) {
    run.error = what + ": cannot run: " + std::strerror(spawn_error);
    if (!exec.install_hint.empty()) run.error += " (" + exec.install_hint + ")";
    return run;
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const bool finished = read_until_eof(output.read_end(), deadline, run.output);
  if (!finished) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    run.error = what + ": timed out after " + std::to_string(timeout_ms) + " ms";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    run.error = what + ": " + exit_description(status);
  } else {
    run.ok = true;
  }
  if (!run.ok) run.output.clear();
  return run;
}

}  // namespace sqlop::kube
