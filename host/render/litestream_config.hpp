// litestream.yml for one database, in the format of the Litestream version the pod runs:
//   0.3.x: dbs[0].replicas is a list (several replicas per database);
//   0.5.x: dbs[0].replica is one mapping; retention and snapshot interval move to the top-level `snapshot`.
#pragma once

#include <string>
#include <vector>

#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"
#include "host/render/replica_wiring.hpp"

namespace sqlop::render {

// REQUIRES: for 0.5.x exactly one replica (validation guarantees it). Adds warnings for settings that the
// chosen version cannot express.
std::string litestream_config_yaml(const model::SqliteDatabase& db, const std::vector<ReplicaWiring>& replicas,
                                   const LitestreamTarget& target, model::Diagnostics& out);

}  // namespace sqlop::render
