// The install tree under crd/ as a cluster would receive it (alone, or under a user's own kustomization):
// rendered offline by the real `kubectl kustomize`, plus the pieces the install tests read from it (objects
// by kind and name, the operator container, its flags, and the RBAC granted to its ServiceAccount with
// Kubernetes' matching rules, resourceNames included).
//
// Used by install_manifests_test.cpp (schema and cross-object checks) and install_rbac_test.cpp (the
// operator's real API calls against the rendered RBAC). Not thread-safe; one test thread.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "host/yaml/yaml_json.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::install_testing {

namespace json = sqlop::json;

// The kubectl binary to render with, or "" when none is installed (the tests then SKIP, saying so).
inline std::string kubectl_binary() {
  for (const char* candidate : {"/usr/bin/kubectl", "/usr/local/bin/kubectl"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

// Every object `kubectl kustomize <dir>` renders, in order. REQUIREs that it renders.
inline std::vector<json::Value> render_directory(const std::filesystem::path& kustomization_dir) {
  testing::ScratchDir dir;
  const std::filesystem::path out = dir.path() / "rendered.yaml";
  const testing::CompletedProcess done = testing::run_to_completion(
      {kubectl_binary(), "kustomize", kustomization_dir.string(), "--output", out.string()},
      {{"PATH", "/usr/bin:/bin"}, {"HOME", dir.path().string()}}, dir.path() / "kubectl.log");
  INFO("kubectl kustomize " << kustomization_dir.string() << ": " << done.status.to_string() << "\n" << done.log);
  REQUIRE(done.status.exited_zero());
  const yaml::LoadResult loaded = yaml::load_all(testing::read_text_file(out));
  INFO(loaded.error);
  REQUIRE(loaded.ok());
  std::vector<json::Value> objects;
  for (const yaml::Document& d : loaded.documents) objects.push_back(d.value);
  return objects;
}

// Every object `kubectl kustomize crd/<relative_dir>` of the source tree renders.
inline std::vector<json::Value> render_kustomization(const std::string& relative_dir) {
  return render_directory(std::string(SQLOP_SOURCE_DIR) + "/" + relative_dir);
}

// A user's own kustomization over the install tree, as the README shows it: `namespace` (none when empty),
// `resources` and `components` given relative to the source tree. It is written to a temp dir outside the
// tree and names them by relative paths (kustomize refuses absolute ones), so it loads them as any
// kustomization elsewhere on disk would.
inline std::vector<json::Value> render_own_kustomization(const std::string& namespace_name,
                                                         const std::vector<std::string>& resources,
                                                         const std::vector<std::string>& components = {}) {
  testing::ScratchDir dir;
  const auto from_here = [&](const std::string& relative) {
    return std::filesystem::relative(std::filesystem::path(SQLOP_SOURCE_DIR) / relative, dir.path()).string();
  };
  std::string text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  if (!namespace_name.empty()) text += "namespace: " + namespace_name + "\n";
  text += "resources:\n";
  for (const std::string& r : resources) text += "  - " + from_here(r) + "\n";
  if (!components.empty()) text += "components:\n";
  for (const std::string& c : components) text += "  - " + from_here(c) + "\n";
  dir.write("kustomization.yaml", text);
  INFO("kustomization.yaml:\n" << text);
  return render_directory(dir.path());
}

inline std::string name_of(const json::Value& o) {
  const json::Value* m = o.find("metadata");
  return m ? m->get_string("name") : "";
}
inline std::string namespace_of(const json::Value& o) {
  const json::Value* m = o.find("metadata");
  return m ? m->get_string("namespace") : "";
}

inline std::vector<const json::Value*> all_of_kind(const std::vector<json::Value>& objects, const std::string& kind) {
  std::vector<const json::Value*> out;
  for (const json::Value& o : objects) {
    if (o.get_string("kind") == kind) out.push_back(&o);
  }
  return out;
}

// The one object of `kind` (and `name`, when given); REQUIREs that there is exactly one.
inline const json::Value& the_object(const std::vector<json::Value>& objects, const std::string& kind,
                                     const std::string& name = {}) {
  std::vector<const json::Value*> found;
  for (const json::Value* o : all_of_kind(objects, kind)) {
    if (name.empty() || name_of(*o) == name) found.push_back(o);
  }
  INFO(kind << " " << name);
  REQUIRE(found.size() == 1);
  return *found.front();
}

inline const json::Value& the_operator_deployment(const std::vector<json::Value>& objects) {
  return the_object(objects, "Deployment", "sqlite-operator");
}

inline const json::Value& container_named(const json::Value& pod_spec, const std::string& list, const std::string& name) {
  const json::Value* containers = pod_spec.find(list);
  INFO(list << " " << name);
  REQUIRE(containers);
  for (const json::Value& c : containers->as_array()) {
    if (c.get_string("name") == name) return c;
  }
  FAIL("no " << list << " entry named " << name);
  return pod_spec;
}

inline const json::Value& pod_spec_of(const json::Value& deployment) {
  const json::Value* spec = deployment.find_path({"spec", "template", "spec"});
  REQUIRE(spec);
  return *spec;
}

inline const json::Value& the_operator_container(const json::Value& deployment) {
  return container_named(pod_spec_of(deployment), "containers", "operator");
}

// The value of `--flag=value` (or `--flag value`) among the container's args; nullopt when absent.
inline std::optional<std::string> flag_value(const json::Value& container, const std::string& flag) {
  const json::Value* args = container.find("args");
  if (!args) return std::nullopt;
  const json::Array& a = args->as_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string arg = a[i].as_string();
    if (arg.rfind(flag + "=", 0) == 0) return arg.substr(flag.size() + 1);
    if (arg == flag && i + 1 < a.size()) return a[i + 1].as_string();
  }
  return std::nullopt;
}

inline bool has_arg(const json::Value& container, const std::string& arg) {
  const json::Value* args = container.find("args");
  if (!args) return false;
  for (const json::Value& a : args->as_array()) {
    if (a.as_string() == arg) return true;
  }
  return false;
}

// `value` with $(POD_NAMESPACE) resolved the way the kubelet resolves it for this Deployment (an env var
// from the downward API's metadata.namespace); other text is kept.
inline std::string resolve_pod_namespace(const json::Value& deployment, const json::Value& container, std::string value) {
  const std::string ref = "$(POD_NAMESPACE)";
  const std::size_t at = value.find(ref);
  if (at == std::string::npos) return value;
  bool from_downward_api = false;
  if (const json::Value* env = container.find("env")) {
    for (const json::Value& e : env->as_array()) {
      const json::Value* field = e.find_path({"valueFrom", "fieldRef", "fieldPath"});
      from_downward_api = from_downward_api ||
                          (e.get_string("name") == "POD_NAMESPACE" && field && field->as_string() == "metadata.namespace");
    }
  }
  INFO("$(POD_NAMESPACE) must come from the downward API's metadata.namespace");
  REQUIRE(from_downward_api);
  return value.replace(at, ref.size(), namespace_of(deployment));
}

// The volumeMount of `container` whose mountPath contains `path`, or nullptr.
inline const json::Value* mount_containing(const json::Value& container, const std::string& path) {
  const json::Value* mounts = container.find("volumeMounts");
  if (!mounts) return nullptr;
  for (const json::Value& m : mounts->as_array()) {
    const std::string dir = m.get_string("mountPath");
    if (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/') return &m;
  }
  return nullptr;
}

inline const json::Value& volume_named(const json::Value& pod_spec, const std::string& name) {
  for (const json::Value& v : pod_spec.find("volumes")->as_array()) {
    if (v.get_string("name") == name) return v;
  }
  FAIL("no volume " << name);
  return pod_spec;
}

// The operator config file that the Deployment's --config names, read from the ConfigMap mounted there.
inline std::string mounted_operator_config(const std::vector<json::Value>& objects) {
  const json::Value& deployment = the_operator_deployment(objects);
  const json::Value& container = the_operator_container(deployment);
  const auto config_path = flag_value(container, "--config");
  REQUIRE(config_path);
  const json::Value* mount = mount_containing(container, *config_path);
  INFO("--config " << *config_path << " is not under a volume mount");
  REQUIRE(mount);
  CHECK(mount->find("subPath") == nullptr);  // a subPath mount never sees ConfigMap updates (no reload)
  const json::Value& volume = volume_named(pod_spec_of(deployment), mount->get_string("name"));
  const json::Value* config_map_ref = volume.find("configMap");
  REQUIRE(config_map_ref);
  const json::Value& config_map = the_object(objects, "ConfigMap", config_map_ref->get_string("name"));
  CHECK(namespace_of(config_map) == namespace_of(deployment));
  const std::string key = config_path->substr(mount->get_string("mountPath").size() + 1);
  const json::Value* text = config_map.find_path({"data", key});
  INFO("ConfigMap " << name_of(config_map) << " has no key " << key);
  REQUIRE(text);
  return text->as_string();
}

// --- RBAC --------------------------------------------------------------------------------------------------

// One API call as an authorizer sees it.
struct Call {
  std::string verb;
  std::string group;
  std::string resource;     // plural
  std::string subresource;
  std::string namespace_;   // "" = cluster-scoped or across all namespaces
  std::string name;         // the object named in the URL; "" for create, list and watch

  std::string describe() const {
    std::string r = verb + " " + (group.empty() ? "core" : group) + "/" + resource;
    if (!subresource.empty()) r += "/" + subresource;
    if (!name.empty()) r += " " + name;
    return r + (namespace_.empty() ? " (all namespaces)" : " in " + namespace_);
  }
  bool operator<(const Call& o) const {
    return std::tie(verb, group, resource, subresource, namespace_, name) <
           std::tie(o.verb, o.group, o.resource, o.subresource, o.namespace_, o.name);
  }
};

// The rules of one (Cluster)Role as bound to the subject: everywhere, or in one namespace only.
struct Grant {
  std::string source;      // "ClusterRole sqlite-operator" etc., for messages
  std::string namespace_;  // "" = cluster-wide (ClusterRoleBinding)
  json::Value rule;        // one PolicyRule
};

inline bool listed(const json::Value& rule, const std::string& field, const std::string& value) {
  const json::Value* list = rule.find(field);
  if (!list || !list->is_array()) return false;
  for (const json::Value& v : list->as_array()) {
    if (v.as_string() == "*" || v.as_string() == value) return true;
  }
  return false;
}

// A rule's resourceNames: absent or empty allows any name; otherwise only a request naming a listed object
// (never a create, list or watch, which name none; "*" is no wildcard here).
inline bool names_allow(const json::Value& rule, const std::string& name) {
  const json::Value* names = rule.find("resourceNames");
  if (!names || !names->is_array() || names->as_array().empty()) return true;
  for (const json::Value& n : names->as_array()) {
    if (!name.empty() && n.as_string() == name) return true;
  }
  return false;
}

// Kubernetes' RBAC matching: group, resource ("resource/subresource" for a subresource) and verb each
// listed or "*", the name allowed by resourceNames; a namespaced grant applies only to requests in its
// namespace.
inline bool grant_allows(const Grant& g, const Call& c) {
  if (!g.namespace_.empty() && g.namespace_ != c.namespace_) return false;
  const std::string resource = c.subresource.empty() ? c.resource : c.resource + "/" + c.subresource;
  return listed(g.rule, "apiGroups", c.group) && listed(g.rule, "resources", resource) &&
         listed(g.rule, "verbs", c.verb) && names_allow(g.rule, c.name);
}

inline bool binds_service_account(const json::Value& binding, const std::string& name, const std::string& ns) {
  const json::Value* subjects = binding.find("subjects");
  if (!subjects) return false;
  for (const json::Value& s : subjects->as_array()) {
    if (s.get_string("kind") == "ServiceAccount" && s.get_string("name") == name && s.get_string("namespace") == ns) return true;
  }
  return false;
}

// Every rule granted to ServiceAccount ns/name by the rendered (Cluster)RoleBindings. REQUIREs that each
// binding's role is in the rendered objects.
inline std::vector<Grant> grants_for(const std::vector<json::Value>& objects, const std::string& name, const std::string& ns) {
  std::vector<Grant> grants;
  for (const char* binding_kind : {"ClusterRoleBinding", "RoleBinding"}) {
    for (const json::Value* binding : all_of_kind(objects, binding_kind)) {
      if (!binds_service_account(*binding, name, ns)) continue;
      const std::string role_kind = binding->find("roleRef")->get_string("kind");
      const std::string role_name = binding->find("roleRef")->get_string("name");
      const json::Value* role = nullptr;
      for (const json::Value* r : all_of_kind(objects, role_kind)) {
        if (name_of(*r) == role_name && (role_kind == "ClusterRole" || namespace_of(*r) == namespace_of(*binding))) role = r;
      }
      INFO(binding_kind << " " << name_of(*binding) << " refers to the missing " << role_kind << " " << role_name);
      REQUIRE(role);
      const std::string scope = std::string(binding_kind) == "RoleBinding" ? namespace_of(*binding) : "";
      for (const json::Value& rule : role->find("rules")->as_array()) {
        grants.push_back({role_kind + " " + role_name, scope, rule});
      }
    }
  }
  return grants;
}

inline bool allowed(const std::vector<Grant>& grants, const Call& c) {
  for (const Grant& g : grants) {
    if (grant_allows(g, c)) return true;
  }
  return false;
}

}  // namespace sqlop::install_testing
