// Discovery documents built from the resource table: /version, /api, /apis, /apis/G, /api/v1, /apis/G/V
// (legacy), and the aggregated APIGroupDiscoveryList (apidiscovery.k8s.io v2 / v2beta1) kubectl asks for.
// Pure functions of the table.
#pragma once

#include <string>

#include "server/resource_table.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

sqlop::json::Value version_document();
sqlop::json::Value core_api_versions(const std::string& server_address);  // GET /api
sqlop::json::Value api_group_list(const ResourceTable& table);            // GET /apis
// GET /apis/G; null when the group is not served.
sqlop::json::Value api_group(const ResourceTable& table, const std::string& group);
// GET /api/v1, /apis/G/V; null when the group/version is not served.
sqlop::json::Value api_resource_list(const ResourceTable& table, const std::string& group, const std::string& version);
// Aggregated discovery for /api (core == true) or /apis; `version` is "v2" or "v2beta1".
sqlop::json::Value aggregated_discovery(const ResourceTable& table, bool core, const std::string& version);

}  // namespace sqlop::testserver
