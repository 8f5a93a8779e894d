// `sqlite-operator run`: the long-running controller process.
//
// Start-up: logging, operator config and plugins, API client, metrics and probe servers, informers
// (SqliteDatabases; the children by the operator's label; Secrets and ConfigMaps), then -- once the caches
// have synced and, with --leader-elect, once this process leads -- the reconcile workers.
// While running: SIGHUP or a change of the --config file reloads the config and plugins (a failed reload
// keeps the running ones and says why); every resource is reconciled again after a successful reload.
// SIGTERM / SIGINT: stop taking work, finish the reconciles in flight, release the lease, exit 0.
// Losing the lease: stop and exit 1 (a deposed leader must not keep writing).
#pragma once

#include "host/operator/run_options.hpp"

namespace sqlop::op {

// Runs until told to stop; returns the process exit code.
int run_operator(const RunOptions& options);

}  // namespace sqlop::op
