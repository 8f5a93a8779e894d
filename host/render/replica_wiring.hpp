// The backend plugins' part of a render: validate each replica through its plugin, then collect each
// replica's Litestream fragment, env vars, volumes and mounts, checking that what a plugin emits is safe
// (credentials only by reference, names in the replica's own namespace) before the host uses it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"
#include "host/model/validate.hpp"
#include "host/plugins/registry.hpp"
#include "host/render/render.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::render {

struct LitestreamTarget {
  std::string version;  // e.g. "0.3.13"
  model::LitestreamFormat format = model::LitestreamFormat::V0_3;
};

struct ReplicaWiring {
  json::Value fragment;  // the Litestream replica mapping, `name` first
  json::Array env;
  json::Array volumes;
  json::Array volume_mounts;
};

// Env var prefix, volume prefix and mount root reserved for replica `index`.
std::string replica_env_prefix(std::size_t index);
std::string replica_volume_prefix(std::size_t index);
std::string replica_mount_root(std::size_t index);

// Checks one render response of `plugin` for replicas[index] against the rules in plugin-api/README.md: env
// names in the replica's prefix (or processEnv) and valid, credentials only as secretKeyRef or Secret volume
// of the replica's own credentials.secretName, volumes and mounts in its own namespace, every ${VAR} defined.
// On a problem adds errors to `out` and returns nullopt; otherwise the wiring, fragment `name` first.
// Also used by the plugin conformance kit (host/conformance/), so plugins are judged by this one copy.
std::optional<ReplicaWiring> check_render_output(const plugins::Plugin& plugin, const model::Replica& replica,
                                                 std::size_t index, const json::Value& response,
                                                 model::Diagnostics& out);

// Runs every replica's plugin validate; adds the plugins' errors and warnings (and the host's checks of the
// referenced Secrets' presence) to `out`.
void validate_replicas(const model::SqliteDatabase& db, const plugins::Registry& registry,
                       const ReferencedObjects& referenced, const LitestreamTarget& target, model::Diagnostics& out);

// Renders every replica through its plugin. On any problem adds errors to `out` and returns nullopt.
std::optional<std::vector<ReplicaWiring>> render_replicas(const model::SqliteDatabase& db,
                                                          const plugins::Registry& registry,
                                                          const LitestreamTarget& target, model::Diagnostics& out);

}  // namespace sqlop::render
