// The table of served resources: the builtin kinds plus the custom resources of established CRDs.
// Thread-safe: the CRD controller changes it while requests read it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/resource_info.hpp"

namespace sqlop::testserver {

struct GroupVersions {
  std::string group;
  std::vector<std::string> versions;  // preferred first
};

class ResourceTable {
 public:
  ResourceTable();  // starts with the builtin kinds

  ResourceInfoPtr find(const std::string& group, const std::string& version, const std::string& resource) const;
  ResourceInfoPtr find_kind(const std::string& group, const std::string& version, const std::string& kind) const;
  // Any served version of a group/resource (the preferred one), for garbage collection and cleanup.
  ResourceInfoPtr find_any_version(const std::string& group, const std::string& resource) const;
  std::vector<ResourceInfoPtr> all() const;
  std::vector<ResourceInfoPtr> in_group_version(const std::string& group, const std::string& version) const;
  bool serves_group_version(const std::string& group, const std::string& version) const;
  // Groups in discovery order (core excluded), each with its versions, preferred first.
  std::vector<GroupVersions> groups() const;

  // Replaces the resources contributed by one CRD (an empty list removes them).
  void set_crd_resources(const std::string& crd_name, std::vector<ResourceInfoPtr> resources);

  // Changes whenever the table changes; discovery and OpenAPI hashes include it.
  std::uint64_t revision() const;

 private:
  mutable std::mutex mu_;
  std::vector<ResourceInfoPtr> builtin_;
  std::map<std::string, std::vector<ResourceInfoPtr>> custom_;  // by CRD name
  std::uint64_t revision_ = 1;

  std::vector<ResourceInfoPtr> all_locked() const;
};

// Kubernetes version ordering: GA > beta > alpha, then by number (v2 > v1, v1beta2 > v1beta1).
// Returns true when a should be listed before b.
bool version_precedes(const std::string& a, const std::string& b);

}  // namespace sqlop::testserver
