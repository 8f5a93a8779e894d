// Names and labels of the children of one SqliteDatabase. One place, so the renderer, the controller and
// the docs agree.
#pragma once

#include <string>

#include "host/model/sqlite_database.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::render {

inline constexpr const char* kDataMountPath = "/data";
inline constexpr const char* kLitestreamConfigDir = "/etc/litestream";
inline constexpr const char* kLitestreamConfigFile = "/etc/litestream/litestream.yml";
inline constexpr const char* kLitestreamConfigKey = "litestream.yml";
inline constexpr const char* kConfigHashAnnotation = "database.sqlite.io/config-hash";
inline constexpr const char* kManagedBy = "sqlite-operator";
inline constexpr const char* kAppName = "sqlite-database";

inline std::string pvc_name(const model::SqliteDatabase& db) { return db.metadata.name + "-db-storage"; }
inline std::string config_map_name(const model::SqliteDatabase& db) { return db.metadata.name + "-litestream-config"; }
inline std::string deployment_name(const model::SqliteDatabase& db) { return db.metadata.name; }
inline std::string service_name(const model::SqliteDatabase& db) { return db.metadata.name + "-service"; }
inline std::string ingress_name(const model::SqliteDatabase& db) { return db.metadata.name + "-ingress"; }
inline std::string database_path(const model::SqliteDatabase& db) {
  return std::string(kDataMountPath) + "/" + db.database.name;
}

// The labels that select this database's pods (immutable once a Deployment exists).
json::Value selector_labels(const model::SqliteDatabase& db);
// Selector labels plus managed-by and component, for every child's metadata.
json::Value child_labels(const model::SqliteDatabase& db, const std::string& component);

}  // namespace sqlop::render
