#include "server/discovery.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

json::Value strings(const std::vector<std::string>& items) {
  json::Value out = json::Value::array();
  for (const auto& s : items) out.push_back(s);
  return out;
}

json::Value group_version_entry(const std::string& group, const std::string& version) {
  json::Value gv = json::Value::object();
  gv["groupVersion"] = group + "/" + version;
  gv["version"] = version;
  return gv;
}

json::Value group_document(const GroupVersions& g) {
  json::Value doc = json::Value::object();
  doc["name"] = g.group;
  json::Value versions = json::Value::array();
  for (const auto& v : g.versions) versions.push_back(group_version_entry(g.group, v));
  doc["versions"] = std::move(versions);
  doc["preferredVersion"] = group_version_entry(g.group, g.versions.front());
  return doc;
}

std::vector<std::string> subresources_of(const ResourceInfo& info) {
  std::vector<std::string> subs;
  if (info.has_status) subs.push_back("status");
  if (info.group.empty() && info.resource == "namespaces") subs.push_back("finalize");
  if (info.builtin && info.group == "apps" && info.resource == "deployments") subs.push_back("scale");
  return subs;
}

std::vector<std::string> subresource_verbs(const std::string& sub) {
  if (sub == "finalize") return {"update"};
  return {"get", "patch", "update"};
}

json::Value legacy_resource(const ResourceInfo& info) {
  json::Value r = json::Value::object();
  r["name"] = info.resource;
  r["singularName"] = info.singular;
  r["namespaced"] = info.namespaced;
  r["kind"] = info.kind;
  r["verbs"] = strings(info.verbs);
  if (!info.short_names.empty()) r["shortNames"] = strings(info.short_names);
  if (!info.categories.empty()) r["categories"] = strings(info.categories);
  return r;
}

json::Value legacy_subresource(const ResourceInfo& info, const std::string& sub) {
  json::Value r = json::Value::object();
  r["name"] = info.resource + "/" + sub;
  r["singularName"] = "";
  r["namespaced"] = info.namespaced;
  if (sub == "scale") {
    r["group"] = "autoscaling";
    r["version"] = "v1";
  }
  r["kind"] = sub == "scale" ? "Scale" : info.kind;
  r["verbs"] = strings(subresource_verbs(sub));
  return r;
}

json::Value response_kind(const ResourceInfo& info) {
  json::Value k = json::Value::object();
  k["group"] = info.group;
  k["version"] = info.version;
  k["kind"] = info.kind;
  return k;
}

json::Value aggregated_resource(const ResourceInfo& info) {
  json::Value r = json::Value::object();
  r["resource"] = info.resource;
  r["responseKind"] = response_kind(info);
  r["scope"] = info.namespaced ? "Namespaced" : "Cluster";
  r["singularResource"] = info.singular;
  r["verbs"] = strings(info.verbs);
  if (!info.short_names.empty()) r["shortNames"] = strings(info.short_names);
  if (!info.categories.empty()) r["categories"] = strings(info.categories);
  json::Value subs = json::Value::array();
  for (const auto& sub : subresources_of(info)) {
    json::Value s = json::Value::object();
    s["subresource"] = sub;
    s["responseKind"] = response_kind(info);
    if (sub == "scale") {
      s["responseKind"]["group"] = "autoscaling";
      s["responseKind"]["version"] = "v1";
      s["responseKind"]["kind"] = "Scale";
    }
    s["verbs"] = strings(subresource_verbs(sub));
    subs.push_back(std::move(s));
  }
  if (!subs.as_array().empty()) r["subresources"] = std::move(subs);
  return r;
}

json::Value aggregated_group(const ResourceTable& table, const std::string& group,
                             const std::vector<std::string>& versions) {
  json::Value item = json::Value::object();
  item["metadata"] = json::Value::object();
  if (!group.empty()) item["metadata"]["name"] = group;
  item["metadata"]["creationTimestamp"] = nullptr;
  json::Value vs = json::Value::array();
  for (const auto& version : versions) {
    json::Value v = json::Value::object();
    v["version"] = version;
    json::Value resources = json::Value::array();
    for (const auto& info : table.in_group_version(group, version)) resources.push_back(aggregated_resource(*info));
    v["resources"] = std::move(resources);
    v["freshness"] = "Current";
    vs.push_back(std::move(v));
  }
  item["versions"] = std::move(vs);
  return item;
}

}  // namespace

json::Value version_document() {
  json::Value v = json::Value::object();
  v["major"] = "1";
  v["minor"] = "35";
  v["emulationMajor"] = "1";
  v["emulationMinor"] = "35";
  v["minCompatibilityMajor"] = "1";
  v["minCompatibilityMinor"] = "34";
  v["gitVersion"] = "v1.35.0-kube-testserver";
  v["gitCommit"] = "0000000000000000000000000000000000000000";
  v["gitTreeState"] = "clean";
  v["buildDate"] = "2025-12-17T00:00:00Z";
  v["goVersion"] = "go1.25.5";
  v["compiler"] = "gc";
  v["platform"] = "linux/amd64";
  return v;
}

json::Value core_api_versions(const std::string& server_address) {
  json::Value doc = json::Value::object();
  doc["kind"] = "APIVersions";
  doc["versions"] = strings({"v1"});
  json::Value cidr = json::Value::object();
  cidr["clientCIDR"] = "0.0.0.0/0";
  cidr["serverAddress"] = server_address;
  doc["serverAddressByClientCIDRs"].push_back(std::move(cidr));
  return doc;
}

json::Value api_group_list(const ResourceTable& table) {
  json::Value doc = json::Value::object();
  doc["kind"] = "APIGroupList";
  doc["apiVersion"] = "v1";
  json::Value groups = json::Value::array();
  for (const auto& g : table.groups()) groups.push_back(group_document(g));
  doc["groups"] = std::move(groups);
  return doc;
}

json::Value api_group(const ResourceTable& table, const std::string& group) {
  for (const auto& g : table.groups()) {
    if (g.group != group) continue;
    json::Value doc = group_document(g);
    json::Value out = json::Value::object();
    out["kind"] = "APIGroup";
    out["apiVersion"] = "v1";
    for (auto& [k, v] : doc.as_object()) out[k] = v;
    return out;
  }
  return nullptr;
}

json::Value api_resource_list(const ResourceTable& table, const std::string& group, const std::string& version) {
  const auto infos = table.in_group_version(group, version);
  if (infos.empty()) return nullptr;
  json::Value doc = json::Value::object();
  doc["kind"] = "APIResourceList";
  doc["apiVersion"] = "v1";
  doc["groupVersion"] = group.empty() ? version : group + "/" + version;
  json::Value resources = json::Value::array();
  for (const auto& info : infos) {
    resources.push_back(legacy_resource(*info));
    for (const auto& sub : subresources_of(*info)) resources.push_back(legacy_subresource(*info, sub));
  }
  doc["resources"] = std::move(resources);
  return doc;
}

json::Value aggregated_discovery(const ResourceTable& table, bool core, const std::string& version) {
  json::Value doc = json::Value::object();
  doc["kind"] = "APIGroupDiscoveryList";
  doc["apiVersion"] = "apidiscovery.k8s.io/" + version;
  doc["metadata"] = json::Value::object();
  json::Value items = json::Value::array();
  if (core) {
    items.push_back(aggregated_group(table, "", {"v1"}));
  } else {
    for (const auto& g : table.groups()) items.push_back(aggregated_group(table, g.group, g.versions));
  }
  doc["items"] = std::move(items);
  return doc;
}

}  // namespace sqlop::testserver
