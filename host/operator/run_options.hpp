// The flags of `sqlite-operator run`, parsed into RunOptions. Pure: parsing never touches the environment.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sqlop::op {

struct RunOptions {
  std::string kubeconfig;                 // --kubeconfig; "" = $KUBECONFIG, in-cluster, ~/.kube/config
  std::string context;                    // --context
  std::string namespace_name;             // --namespace; "" = all namespaces
  std::string config_path;                // --config; "" = built-in defaults (no reload)
  int workers = 2;                        // --workers
  bool leader_elect = false;              // --leader-elect
  std::string leader_election_namespace;  // "" = the service account's (or the context's) namespace
  std::string leader_election_id = "sqlite-operator-leader";
  std::string leader_election_identity;   // "" = hostname + random suffix
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  std::string metrics_bind_address = ":8080";       // "0" disables
  std::string health_probe_bind_address = ":8081";  // "0" disables
  std::string log_level = "info";
  std::string log_format = "text";
  std::chrono::milliseconds sync_period{10L * 3600 * 1000};  // --sync-period: every resource reconciled this often
  std::chrono::milliseconds config_poll_interval{2000};      // how often --config's file is checked for changes
  int request_timeout_ms = 30000;                             // --request-timeout
};

struct RunOptionsParse {
  std::optional<RunOptions> options;
  std::string error;   // names the flag at fault
  bool help = false;   // -h / --help was given
};

RunOptionsParse parse_run_options(const std::vector<std::string>& args);

extern const char* const kRunUsage;

}  // namespace sqlop::op
