#include "client/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sqlop::testserver::client {

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return {};
  return buf.data();
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  if (!path.empty()) std::filesystem::remove_all(path, ec);
}

std::unique_ptr<ServerProcess> ServerProcess::start(const ServerOptions& options, std::string* error) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->dir_ = make_temp_dir("kube-testserver-");
  if (p->dir_.empty()) {
    if (error) *error = "cannot create a temporary directory";
    return nullptr;
  }
  p->kubeconfig_ = p->dir_ + "/kubeconfig";
  p->log_path_ = p->dir_ + "/server.log";

  std::vector<std::string> args{options.binary, "--port", "0", "--kubeconfig", p->kubeconfig_};
  if (options.tls) args.push_back("--tls");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  const pid_t pid = fork();
  if (pid < 0) {
    if (error) *error = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    // The server must not outlive a test process that crashes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int fd = ::open(p->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  p->pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.ready_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    struct stat st {};
    if (::stat(p->kubeconfig_.c_str(), &st) == 0) return p;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      if (error) *error = "kube-testserver exited before it was ready:\n" + p->log();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (error) *error = "kube-testserver did not write its kubeconfig in time:\n" + p->log();
  return nullptr;
}

int ServerProcess::stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

ServerProcess::~ServerProcess() {
  stop();
  remove_tree(dir_);
}

ClusterAccess ServerProcess::access(const std::string& context) const {
  std::string error;
  auto access = read_kubeconfig(kubeconfig_, context, &error);
  return access ? *access : ClusterAccess{};
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace sqlop::testserver::client
