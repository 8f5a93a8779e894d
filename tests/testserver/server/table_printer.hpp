// meta.k8s.io/v1 Table rendering (what `kubectl get` asks for with Accept: ...;as=Table): columns per
// builtin kind like the apiserver's printers, and a CRD's additionalPrinterColumns for custom resources.
// Pure.
#pragma once

#include <string>
#include <vector>

#include "server/resource_info.hpp"
#include "server/watch_hub.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

struct TableOptions {
  bool include_headers = true;           // false for watch events after the first
  std::string include_object = "Metadata";  // None | Metadata | Object (the includeObject parameter)
  std::string resource_version;
  std::string continue_token;
  std::int64_t now = 0;  // seconds since the epoch, for ages
};

sqlop::json::Value column_definitions(const ResourceInfo& info);
sqlop::json::Value to_table(const ResourceInfo& info, const std::vector<ObjectPtr>& objects, const TableOptions& options);

// {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}
sqlop::json::Value partial_object_metadata(const sqlop::json::Value& object);

}  // namespace sqlop::testserver
