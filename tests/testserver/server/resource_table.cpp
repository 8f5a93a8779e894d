#include "server/resource_table.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "server/builtin_resources.hpp"

namespace sqlop::testserver {

namespace {

// Splits "v1beta2" into (major 1, stage 1=beta, minor 2); non-Kubernetes names sort last, by name.
struct VersionKey {
  bool kube = false;
  int major = 0;
  int stage = 0;  // 3 GA, 2 beta, 1 alpha
  int minor = 0;
};

VersionKey parse_version(const std::string& v) {
  VersionKey key;
  if (v.size() < 2 || v[0] != 'v' || !std::isdigit(static_cast<unsigned char>(v[1]))) return key;
  std::size_t i = 1;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) key.major = key.major * 10 + (v[i++] - '0');
  if (i == v.size()) {
    key.kube = true;
    key.stage = 3;
    return key;
  }
  const std::string rest = v.substr(i);
  std::size_t digits_at = 0;
  if (rest.rfind("beta", 0) == 0) {
    key.stage = 2;
    digits_at = 4;
  } else if (rest.rfind("alpha", 0) == 0) {
    key.stage = 1;
    digits_at = 5;
  } else {
    return key;
  }
  if (digits_at >= rest.size()) return key;
  for (std::size_t j = digits_at; j < rest.size(); ++j) {
    if (!std::isdigit(static_cast<unsigned char>(rest[j]))) return key;
    key.minor = key.minor * 10 + (rest[j] - '0');
  }
  key.kube = true;
  return key;
}

}  // namespace

bool version_precedes(const std::string& a, const std::string& b) {
  const VersionKey ka = parse_version(a);
  const VersionKey kb = parse_version(b);
  if (ka.kube != kb.kube) return ka.kube;
  if (!ka.kube) return a < b;
  return std::tie(ka.stage, ka.major, ka.minor) > std::tie(kb.stage, kb.major, kb.minor);
}

ResourceTable::ResourceTable() : builtin_(builtin_resources()) {}

std::vector<ResourceInfoPtr> ResourceTable::all_locked() const {
  std::vector<ResourceInfoPtr> out = builtin_;
  for (const auto& [name, infos] : custom_) out.insert(out.end(), infos.begin(), infos.end());
  return out;
}

ResourceInfoPtr ResourceTable::find(const std::string& group, const std::string& version,
                                    const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& info : all_locked()) {
    if (info->group == group && info->version == version && info->resource == resource) return info;
  }
  return nullptr;
}

ResourceInfoPtr ResourceTable::find_kind(const std::string& group, const std::string& version,
                                         const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& info : all_locked()) {
    if (info->group == group && info->version == version && info->kind == kind) return info;
  }
  return nullptr;
}

ResourceInfoPtr ResourceTable::find_any_version(const std::string& group, const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  ResourceInfoPtr best;
  for (const auto& info : all_locked()) {
    if (info->group != group || info->resource != resource) continue;
    if (!best || version_precedes(info->version, best->version)) best = info;
  }
  return best;
}

std::vector<ResourceInfoPtr> ResourceTable::all() const {
  std::lock_guard<std::mutex> lock(mu_);
  return all_locked();
}

std::vector<ResourceInfoPtr> ResourceTable::in_group_version(const std::string& group,
                                                             const std::string& version) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ResourceInfoPtr> out;
  for (const auto& info : all_locked()) {
    if (info->group == group && info->version == version) out.push_back(info);
  }
  return out;
}

bool ResourceTable::serves_group_version(const std::string& group, const std::string& version) const {
  return !in_group_version(group, version).empty();
}

std::vector<GroupVersions> ResourceTable::groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<GroupVersions> out;
  for (const auto& info : all_locked()) {
    if (info->group.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const GroupVersions& g) { return g.group == info->group; });
    if (it == out.end()) {
      out.push_back({info->group, {}});
      it = out.end() - 1;
    }
    if (std::find(it->versions.begin(), it->versions.end(), info->version) == it->versions.end()) {
      it->versions.push_back(info->version);
    }
  }
  for (auto& g : out) std::sort(g.versions.begin(), g.versions.end(), version_precedes);
  return out;
}

void ResourceTable::set_crd_resources(const std::string& crd_name, std::vector<ResourceInfoPtr> resources) {
  std::lock_guard<std::mutex> lock(mu_);
  if (resources.empty()) {
    custom_.erase(crd_name);
  } else {
    custom_[crd_name] = std::move(resources);
  }
  ++revision_;
}

std::uint64_t ResourceTable::revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

}  // namespace sqlop::testserver
