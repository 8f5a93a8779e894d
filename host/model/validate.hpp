// Checks on a parsed SqliteDatabase that span fields or depend on the operator's configuration.
#pragma once

#include <functional>
#include <string>

#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"

namespace sqlop::model {

enum class LitestreamFormat { V0_3, V0_5 };

struct ValidationContext {
  LitestreamFormat litestream_format = LitestreamFormat::V0_3;
  // True when a loaded plugin serves this replica type (aliases included). Unset: every type is accepted.
  std::function<bool(const std::string& type)> has_backend;
};

// Adds every cross-field problem to `out`: Ingress without the REST API, REST API without an auth Secret,
// 0.5.x with more than one replica, Litestream enabled with no replica, unknown replica types, duplicate
// replica names, ports that collide, child names too long for Kubernetes, ...
void validate_sqlite_database(const SqliteDatabase& db, const ValidationContext& context, Diagnostics& out);

}  // namespace sqlop::model
