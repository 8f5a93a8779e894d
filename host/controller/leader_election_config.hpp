// Settings for leader election on a coordination.k8s.io/v1 Lease (client-go's LeaderElectionConfig with a
// LeaseLock) and their validation. Pure; thread-compatible value types.
//
// The three durations keep their client-go meaning and defaults (15 s / 10 s / 2 s):
// - lease_duration: how long a standby waits, after it last saw the lease change, before taking it over;
// - renew_deadline: how long the leader keeps trying to renew before it gives up leading;
// - retry_period: the pause between attempts to acquire or renew.
// Safety rests on renew_deadline < lease_duration: the leader stops before any standby may take over.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sqlop::controller {

struct LeaderElectionConfig {
  static constexpr std::chrono::milliseconds kDefaultLeaseDuration{15000};
  static constexpr std::chrono::milliseconds kDefaultRenewDeadline{10000};
  static constexpr std::chrono::milliseconds kDefaultRetryPeriod{2000};

  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per process: default_leader_identity()
  std::chrono::milliseconds lease_duration = kDefaultLeaseDuration;  // written rounded up to whole seconds
  std::chrono::milliseconds renew_deadline = kDefaultRenewDeadline;
  std::chrono::milliseconds retry_period = kDefaultRetryPeriod;
  // On stop(), a leader empties the lease so a standby takes over at once instead of after lease_duration.
  bool release_on_cancel = true;
};

// A setting that cannot work, named by the command-line flag that sets it.
struct LeaderElectionConfigError {
  std::string flag;     // "--leader-election-renew-deadline"
  std::string message;  // "must be shorter than --leader-election-lease-duration (2s); it is 2.5s"
  std::string to_string() const { return flag + ": " + message; }
};

// The flags the settings come from (the CLI defines them; errors name them).
namespace leader_election_flags {
inline constexpr const char* kNamespace = "--leader-election-namespace";
inline constexpr const char* kLeaseName = "--leader-election-id";
inline constexpr const char* kIdentity = "--leader-election-identity";
inline constexpr const char* kLeaseDuration = "--leader-election-lease-duration";
inline constexpr const char* kRenewDeadline = "--leader-election-renew-deadline";
inline constexpr const char* kRetryPeriod = "--leader-election-retry-period";
}  // namespace leader_election_flags

// The first problem found, or nullopt when the config is usable: names present, lease_duration at least 1 s,
// renew_deadline < lease_duration, 0 < retry_period < renew_deadline.
std::optional<LeaderElectionConfigError> validate_leader_election_config(const LeaderElectionConfig& config);

// "<hostname>_<16 random hex digits>": unique even for two processes on one host, or a restart that reuses
// the pod name (client-go's and controller-runtime's convention).
std::string default_leader_identity();

// leaseDurationSeconds for `duration`: whole seconds, rounded up so the lease never claims less than asked.
std::int64_t lease_duration_seconds(std::chrono::milliseconds duration);

}  // namespace sqlop::controller
