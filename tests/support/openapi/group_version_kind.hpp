// openapi/group_version_kind.hpp: the (group, version, kind) triple that names an object's schema.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "sqlite_operator/json.hpp"

namespace sqlop::openapi {

struct GroupVersionKind {
  std::string group;    // "" for the core group ("v1")
  std::string version;  // "v1", "v1alpha1"
  std::string kind;     // "Deployment"

  // "apps/v1" -> {apps, v1}; "v1" -> {"", v1}. Does not check the parts.
  static GroupVersionKind from(std::string_view api_version, std::string kind);
  // From an object's apiVersion and kind; nullopt when either is missing or not a non-empty string.
  static std::optional<GroupVersionKind> of(const json::Value& object);

  // "apps/v1", or "v1" for the core group.
  std::string api_version() const;
  // "apps/v1, Kind=Deployment", for messages.
  std::string to_string() const;

  friend bool operator==(const GroupVersionKind& a, const GroupVersionKind& b) {
    return std::tie(a.group, a.version, a.kind) == std::tie(b.group, b.version, b.kind);
  }
  friend bool operator<(const GroupVersionKind& a, const GroupVersionKind& b) {
    return std::tie(a.group, a.version, a.kind) < std::tie(b.group, b.version, b.kind);
  }
};

}  // namespace sqlop::openapi
