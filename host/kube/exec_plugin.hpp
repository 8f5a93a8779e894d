// Runs a client-go exec credential plugin (client.authentication.k8s.io): the command of an ExecConfig,
// with KUBERNETES_EXEC_INFO and the config's env added to the operator's environment, its stdout captured.
// Private to the transport (credentials.cpp).
#pragma once

#include <string>

#include "host/kube/kubeconfig.hpp"

namespace sqlop::kube {

struct ExecPluginRun {
  bool ok = false;
  std::string output;  // the plugin's stdout; may hold a credential: never log it
  std::string error;   // when !ok: what failed (not found, exit status, timeout); never the output
};

// Runs `exec` and waits for it to exit, at most `timeout_ms` (then it is killed). The plugin's stderr goes
// to the operator's stderr, as with kubectl. Thread-safe (uses posix_spawn, no shared state).
ExecPluginRun run_exec_plugin(const ExecConfig& exec, const std::string& exec_info, int timeout_ms);

}  // namespace sqlop::kube
