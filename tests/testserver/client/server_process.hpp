// Starts kube-testserver as a child process on 127.0.0.1 with port 0, waits for the kubeconfig it writes,
// and stops it with SIGTERM. Everything it writes (kubeconfig, log) lives in a fresh temporary directory
// that is removed afterwards.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "client/kubeconfig.hpp"

namespace sqlop::testserver::client {

struct ServerOptions {
  std::string binary;                   // path of kube-testserver
  bool tls = false;
  std::vector<std::string> extra_args;  // e.g. {"--watch-history", "5"}
  int ready_timeout_ms = 30000;
};

class ServerProcess {
 public:
  // nullptr and `error` (with the server's log) when it does not become ready in time.
  static std::unique_ptr<ServerProcess> start(const ServerOptions& options, std::string* error);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Sends SIGTERM and waits; returns the exit code (128+signal when killed), -1 if already stopped.
  int stop(int timeout_ms = 10000);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  const std::string& kubeconfig_path() const { return kubeconfig_; }
  const std::string& directory() const { return dir_; }
  ClusterAccess access(const std::string& context = {}) const;
  std::string log() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  std::string dir_;
  std::string kubeconfig_;
  std::string log_path_;
  bool keep_dir_ = false;
};

// A fresh directory under $TMPDIR (or /tmp), removed by remove_tree.
std::string make_temp_dir(const std::string& prefix);
void remove_tree(const std::string& path);

}  // namespace sqlop::testserver::client
