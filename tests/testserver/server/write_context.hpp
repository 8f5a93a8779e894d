// What one write is (shared by the request handlers and the write pipeline).
#pragma once

#include <string>
#include <vector>

#include "apimachinery/apply.hpp"
#include "server/resource_service.hpp"

namespace sqlop::testserver {

struct ResourceService::WriteContext {
  const ResourceInfo* info = nullptr;
  std::string ns;
  std::string name;         // from the URL; empty on create
  std::string subresource;  // "", "status", "finalize"
  std::string field_validation = "Warn";
  std::string manager;
  bool dry_run = false;
  std::vector<std::string> duplicate_fields;
  bool managed_fields_done = false;  // server-side apply computed managedFields already
  bool create_on_missing = false;    // apply creates
};

// The managedFields context of a write through `subresource` of `info` (reset fields, time, version).
sqlop::apimachinery::ManagedFieldsContext managed_fields_context(const ResourceInfo& info, const std::string& subresource);

}  // namespace sqlop::testserver
