// Helpers shared by the apimachinery tests: JSON literals and a schema lookup with the annotations the
// Kubernetes 1.35 OpenAPI documents carry for the fields the tests touch.
#pragma once

#include <sqlite_operator/json.hpp>

#include <stdexcept>
#include <string>

#include "apimachinery/schema.hpp"

namespace sqlop::apimachinery::testing {

inline json::Value J(const std::string& text) {
  json::ParseError error;
  std::optional<json::Value> v = json::parse(text, &error);
  if (!v) throw std::runtime_error("bad test JSON at " + std::to_string(error.offset) + ": " + error.message);
  return *v;
}

// x-kubernetes-* annotations as io.k8s.api.apps.v1.Deployment / core.v1.PodSpec / meta.v1.ObjectMeta have them.
inline SchemaLookup builtin_schema() {
  return [](const std::vector<std::string>& path) {
    std::string p;
    for (const auto& k : path) p += (p.empty() ? "" : ".") + k;
    const auto ends = [&](const std::string& suffix) {
      return p.size() >= suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0 &&
             (p.size() == suffix.size() || p[p.size() - suffix.size() - 1] == '.');
    };
    FieldSchema s;
    if (ends("containers") || ends("initContainers") || ends("env") || ends("volumeMounts") || ends("imagePullSecrets")) {
      s.patch_strategy = "merge";
      s.patch_merge_key = ends("volumeMounts") ? "mountPath" : "name";
      s.list_type = "map";
      s.list_map_keys = {s.patch_merge_key};
    } else if (ends("volumes")) {
      s.patch_strategy = "merge,retainKeys";
      s.patch_merge_key = "name";
      s.list_type = "map";
      s.list_map_keys = {"name"};
    } else if (p.size() >= 5 && ends("ports") && p.find("containers") != std::string::npos) {
      s.patch_strategy = "merge";
      s.patch_merge_key = "containerPort";
      s.list_type = "map";
      s.list_map_keys = {"containerPort", "protocol"};
      s.key_defaults = J(R"({"protocol":"TCP"})");
    } else if (p == "spec.ports") {  // Service
      s.patch_strategy = "merge";
      s.patch_merge_key = "port";
      s.list_type = "map";
      s.list_map_keys = {"port", "protocol"};
      s.key_defaults = J(R"({"protocol":"TCP"})");
    } else if (p == "metadata.finalizers") {
      s.patch_strategy = "merge";
      s.list_type = "set";
    } else if (p == "metadata.ownerReferences") {
      s.patch_strategy = "merge";
      s.patch_merge_key = "uid";
      s.list_type = "map";
      s.list_map_keys = {"uid"};
    } else if (p == "spec.selector") {
      s.map_type = "atomic";
    } else if (p == "spec.strategy") {
      s.patch_strategy = "retainKeys";
    } else if (ends("conditions")) {
      s.patch_strategy = "merge";
      s.patch_merge_key = "type";
      s.list_type = "map";
      s.list_map_keys = {"type"};
    }
    return s;
  };
}

}  // namespace sqlop::apimachinery::testing
