// Parses a resource request path (/api/v1/..., /apis/G/V/...) and method into what is asked, the way the
// apiserver's RequestInfoFactory does. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace sqlop::testserver {

struct RequestInfo {
  std::string group;
  std::string version;
  std::string namespace_;  // empty for cluster-scoped requests and for lists across namespaces
  std::string resource;
  std::string name;
  std::string subresource;
  std::string verb;  // get list watch create update patch delete deletecollection
  bool legacy_watch_path = false;  // /api/v1/watch/...
};

using QueryParams = std::map<std::string, std::string>;

// Returns nullopt when the path is not a resource path (discovery, openapi, unknown).
// `query` decides list vs watch (watch=true|1).
std::optional<RequestInfo> parse_resource_request(const std::string& method, const std::string& path,
                                                  const QueryParams& query);

// Splits and URL-decodes a query string.
QueryParams parse_query(const std::string& query);
bool query_flag(const QueryParams& query, const std::string& key);
std::string query_value(const QueryParams& query, const std::string& key, const std::string& fallback = {});

}  // namespace sqlop::testserver
