// Litestream reads Google credentials only from the process-wide GOOGLE_APPLICATION_CREDENTIALS, so all gcs
// replicas of one resource (one Litestream process) share one service account. These helpers look across
// the resource's replicas to enforce that and to decide which replica mounts the shared key file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "sqlite_operator/json.hpp"

namespace sqlop_gcs {

inline constexpr const char* kType = "gcs";
inline constexpr const char* kCredentialsEnv = "GOOGLE_APPLICATION_CREDENTIALS";
inline constexpr const char* kDefaultKeyField = "service-account.json";
// The file name the key gets inside the mount, whatever the Secret key is called.
inline constexpr const char* kKeyFileName = "service-account.json";

// Where one gcs replica takes its service account from: a Secret and key, or nothing (Application
// Default Credentials such as GKE workload identity) when secret_name is empty.
struct CredentialSource {
  std::string secret_name;
  std::string key_field;  // with the default applied
  bool uses_secret() const { return !secret_name.empty(); }
  friend bool operator==(const CredentialSource& a, const CredentialSource& b) {
    return a.secret_name == b.secret_name && a.key_field == b.key_field;
  }
};

// True when the replica object (as written in the resource) is served by this backend.
bool is_gcs_replica(const sqlop::json::Value& replica);

CredentialSource credential_source(const sqlop::json::Value& replica);

// The position of the first gcs replica before `index` in `replicas`: the one whose service account the
// Litestream process uses. nullopt when `index` is the first gcs replica.
std::optional<std::size_t> first_gcs_replica_before(const sqlop::json::Array& replicas, std::size_t index);

// True when no gcs replica before `index` names `secret_name`: this replica then provides the key file
// mount and GOOGLE_APPLICATION_CREDENTIALS for the whole process.
bool first_to_use_secret(const sqlop::json::Array& replicas, std::size_t index, const std::string& secret_name);

}  // namespace sqlop_gcs
