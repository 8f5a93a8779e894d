// Builders for each child object of a SqliteDatabase. Pure functions of their inputs; render.cpp decides
// which of them apply and in which order.
#pragma once

#include <string>
#include <vector>

#include "host/config/operator_config.hpp"
#include "host/model/sqlite_database.hpp"
#include "host/render/replica_wiring.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::render {

// metadata for a child: name, namespace, labels, and (when the resource has a uid and `owned`) an
// ownerReference to the SqliteDatabase so garbage collection removes the child with it.
json::Value child_metadata(const model::SqliteDatabase& db, const std::string& name, const std::string& component,
                           bool owned);

json::Value render_pvc(const model::SqliteDatabase& db);
json::Value render_config_map(const model::SqliteDatabase& db, const std::string& litestream_yaml);

struct DeploymentInputs {
  const model::SqliteDatabase& db;
  const config::OperatorConfig& config;
  const std::vector<ReplicaWiring>& replicas;  // empty when Litestream is disabled
  std::string config_hash;
};
json::Value render_deployment(const DeploymentInputs& in);

json::Value render_service(const model::SqliteDatabase& db);
json::Value render_ingress(const model::SqliteDatabase& db);

}  // namespace sqlop::render
