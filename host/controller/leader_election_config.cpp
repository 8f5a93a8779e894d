#include "host/controller/leader_election_config.hpp"

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <random>

namespace sqlop::controller {

namespace {

namespace flags = leader_election_flags;

// "2s", "1.5s", "200ms": how the flags are written.
std::string describe(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms > 1000) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(ms) / 1000.0);
    return std::string(text) + "s";
  }
  return std::to_string(ms) + "ms";
}

std::optional<LeaderElectionConfigError> error(const char* flag, std::string message) {
  return LeaderElectionConfigError{flag, std::move(message)};
}

}  // namespace

std::optional<LeaderElectionConfigError> validate_leader_election_config(const LeaderElectionConfig& config) {
  if (config.lease_namespace.empty()) return error(flags::kNamespace, "must not be empty");
  if (config.lease_name.empty()) return error(flags::kLeaseName, "must not be empty");
  if (config.identity.empty()) return error(flags::kIdentity, "must not be empty");
  if (config.lease_duration < std::chrono::seconds(1)) {
    return error(flags::kLeaseDuration, "must be at least 1s; it is " + describe(config.lease_duration));
  }
  if (config.renew_deadline >= config.lease_duration) {
    return error(flags::kRenewDeadline, "must be shorter than " + std::string(flags::kLeaseDuration) + " (" +
                                            describe(config.lease_duration) + "); it is " +
                                            describe(config.renew_deadline));
  }
  if (config.retry_period <= std::chrono::milliseconds(0)) {
    return error(flags::kRetryPeriod, "must be positive; it is " + describe(config.retry_period));
  }
  if (config.retry_period >= config.renew_deadline) {
    return error(flags::kRetryPeriod, "must be shorter than " + std::string(flags::kRenewDeadline) + " (" +
                                          describe(config.renew_deadline) + "); it is " +
                                          describe(config.retry_period));
  }
  return std::nullopt;
}

std::string default_leader_identity() {
  char host[HOST_NAME_MAX + 1] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "unknown");
  std::random_device random;
  const std::uint64_t suffix = (static_cast<std::uint64_t>(random()) << 32) ^ random();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(suffix));
  return std::string(host) + "_" + hex;
}

std::int64_t lease_duration_seconds(std::chrono::milliseconds duration) {
  return (duration.count() + 999) / 1000;
}

}  // namespace sqlop::controller
