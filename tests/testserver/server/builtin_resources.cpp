#include "server/builtin_resources.hpp"

namespace sqlop::testserver {

std::vector<std::string> standard_verbs(bool deletecollection) {
  std::vector<std::string> verbs{"create", "delete", "get", "list", "patch", "update", "watch"};
  if (deletecollection) verbs.insert(verbs.begin() + 2, "deletecollection");
  return verbs;
}

namespace {

struct Spec {
  const char* group;
  const char* version;
  const char* resource;
  const char* singular;
  const char* kind;
  bool namespaced;
  bool has_status;
  bool tracks_generation;
  NameRule name_rule;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
};

ResourceInfoPtr make(const Spec& s) {
  auto info = std::make_shared<ResourceInfo>();
  info->group = s.group;
  info->version = s.version;
  info->resource = s.resource;
  info->singular = s.singular;
  info->kind = s.kind;
  info->list_kind = std::string(s.kind) + "List";
  info->namespaced = s.namespaced;
  info->has_status = s.has_status;
  info->tracks_generation = s.tracks_generation;
  info->builtin = true;
  info->name_rule = s.name_rule;
  info->short_names = s.short_names;
  info->categories = s.categories;
  // Namespaces cannot be deleted as a collection on a real server either.
  info->verbs = standard_verbs(std::string(s.resource) != "namespaces");
  return info;
}

}  // namespace

std::vector<ResourceInfoPtr> builtin_resources() {
  using N = NameRule;
  const std::vector<Spec> specs{
      {"", "v1", "namespaces", "namespace", "Namespace", false, true, false, N::Label, {"ns"}, {}},
      {"", "v1", "configmaps", "configmap", "ConfigMap", true, false, false, N::Subdomain, {"cm"}, {}},
      {"", "v1", "secrets", "secret", "Secret", true, false, false, N::Subdomain, {}, {}},
      {"", "v1", "services", "service", "Service", true, true, false, N::Label1035, {"svc"}, {"all"}},
      {"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, true, false,
       N::Subdomain, {"pvc"}, {}},
      {"", "v1", "pods", "pod", "Pod", true, true, true, N::Subdomain, {"po"}, {"all"}},
      {"", "v1", "events", "event", "Event", true, false, false, N::Subdomain, {"ev"}, {}},
      {"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, false, false, N::Subdomain, {"sa"}, {}},
      {"apps", "v1", "deployments", "deployment", "Deployment", true, true, true, N::Subdomain, {"deploy"}, {"all"}},
      {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, true, true, N::Subdomain, {"ing"}, {}},
      {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, false, false, N::Subdomain, {}, {}},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
       "CustomResourceDefinition", false, true, true, N::Subdomain, {"crd", "crds"}, {"api-extensions"}},
  };
  std::vector<ResourceInfoPtr> out;
  out.reserve(specs.size());
  for (const Spec& s : specs) out.push_back(make(s));
  return out;
}

}  // namespace sqlop::testserver
