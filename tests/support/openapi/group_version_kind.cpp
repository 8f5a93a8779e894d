#include "openapi/group_version_kind.hpp"

namespace sqlop::openapi {

GroupVersionKind GroupVersionKind::from(std::string_view api_version, std::string kind) {
  const std::size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version), std::move(kind)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1)), std::move(kind)};
}

std::optional<GroupVersionKind> GroupVersionKind::of(const json::Value& object) {
  const std::string api_version = object.get_string("apiVersion");
  std::string kind = object.get_string("kind");
  if (api_version.empty() || kind.empty()) return std::nullopt;
  return from(api_version, std::move(kind));
}

std::string GroupVersionKind::api_version() const { return group.empty() ? version : group + "/" + version; }

std::string GroupVersionKind::to_string() const { return api_version() + ", Kind=" + kind; }

}  // namespace sqlop::openapi
