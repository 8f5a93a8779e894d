// The parts of parse_sqlite_database, one per section of the resource, each in its own file.
// Internal to host/model. Every function takes the section as found in the manifest (nullptr when
// absent), fills in defaults, and adds every problem to `out` at its full field path.
#pragma once

#include <string>

#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"

namespace sqlop::model {

ObjectMeta parse_metadata(const json::Value* metadata, Diagnostics& out);        // parse_metadata.cpp
DatabaseSpec parse_database(const json::Value* database, Diagnostics& out);      // parse_database.cpp
LitestreamSpec parse_litestream(const json::Value* litestream, Diagnostics& out);  // parse_litestream.cpp
// `resources` receives spec.sqliteRest.resources (null when absent).
SqliteRestSpec parse_sqlite_rest(const json::Value* sqlite_rest, json::Value& resources,
                                 Diagnostics& out);                              // parse_sqlite_rest.cpp
IngressSpec parse_ingress(const json::Value* ingress, Diagnostics& out);         // parse_ingress.cpp

// A {enabled, port} metrics block at `path`; `defaults` supplies what is absent.   // parse_metrics.cpp
MetricsSpec parse_metrics(const json::Value* metrics, const std::string& path, MetricsSpec defaults,
                          Diagnostics& out);

// core/v1 ResourceRequirements at `path`: requests and limits maps of resource name to quantity (string or
// number), each limit at least its request; claims are refused (the pod declares no resource claims).
// Returns the requirements without null members, or null when absent.     // resource_requirements.cpp
json::Value parse_resource_requirements(const json::Value* resources, const std::string& path, Diagnostics& out);

}  // namespace sqlop::model
