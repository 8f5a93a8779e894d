#include "server/object_rules.hpp"

#include <regex>
#include <set>

#include "server/base64.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

bool is(const ResourceInfo& info, const char* group, const char* resource) {
  return info.builtin && info.group == group && info.resource == resource;
}

const json::Value* at(const json::Value& o, std::initializer_list<std::string_view> path) { return o.find_path(path); }

// Go's %#v rendering is what the apiserver prints for maps; a JSON rendering is close enough to read.
json::Value shown(const json::Value* v) { return v ? *v : json::Value(nullptr); }

bool dns_label(const std::string& s) {
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return s.size() <= 63 && std::regex_match(s, re);
}

void validate_config_keys(const json::Value& object, const char* field, std::vector<Cause>& out) {
  static const std::regex re("[-._a-zA-Z0-9]+");
  const json::Value* data = object.find(field);
  if (!data || !data->is_object()) return;
  for (const auto& [key, value] : data->as_object()) {
    if (key.size() > 253 || !std::regex_match(key, re) || key == "." || key == "..") {
      out.push_back(field_invalid(std::string(field) + "[" + key + "]", key,
                                  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                                  "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                                  "'[-._a-zA-Z0-9]+')"));
    }
  }
}

void validate_immutable_data(const json::Value& object, const json::Value* live, std::vector<Cause>& out) {
  if (!live || !live->get_bool("immutable", false)) return;
  if (!object.get_bool("immutable", false)) {
    out.push_back(field_forbidden("immutable", "field is immutable when `immutable` is set"));
  }
  for (const char* field : {"data", "binaryData"}) {
    const json::Value* a = object.find(field);
    const json::Value* b = live->find(field);
    const bool equal = (!a && !b) || (a && b && *a == *b);
    if (!equal) out.push_back(field_forbidden(field, "field is immutable when `immutable` is set"));
  }
}

void validate_containers(const json::Value& pod_spec, const std::string& base, std::vector<Cause>& out) {
  std::set<std::string> names;
  for (const char* list : {"initContainers", "containers"}) {
    const json::Value* containers = pod_spec.find(list);
    if (!containers || !containers->is_array()) continue;
    for (std::size_t i = 0; i < containers->as_array().size(); ++i) {
      const json::Value& c = containers->as_array()[i];
      const std::string path = base + "." + list + "[" + std::to_string(i) + "]";
      const std::string name = c.get_string("name");
      if (name.empty()) {
        out.push_back(field_required(path + ".name"));
      } else if (!dns_label(name)) {
        out.push_back(field_invalid(path + ".name", name,
                                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                                    "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
                                    "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
      } else if (!names.insert(name).second) {
        out.push_back(field_duplicate(path + ".name", name));
      }
      if (c.get_string("image").empty()) out.push_back(field_required(path + ".image"));
      if (const json::Value* ports = c.find("ports"); ports && ports->is_array()) {
        for (std::size_t p = 0; p < ports->as_array().size(); ++p) {
          const std::int64_t port = ports->as_array()[p].get_int("containerPort", 0);
          if (port < 1 || port > 65535) {
            out.push_back(field_invalid(path + ".ports[" + std::to_string(p) + "].containerPort",
                                        static_cast<long long>(port), "must be between 1 and 65535, inclusive"));
          }
        }
      }
    }
  }
  const json::Value* containers = pod_spec.find("containers");
  if (!containers || !containers->is_array() || containers->as_array().empty()) {
    out.push_back(field_required(base + ".containers"));
  }
}

void validate_deployment(const json::Value& d, const json::Value* live, std::vector<Cause>& out) {
  const json::Value* selector = at(d, {"spec", "selector"});
  const json::Value* labels = at(d, {"spec", "template", "metadata", "labels"});
  const json::Value* match_labels = selector ? selector->find("matchLabels") : nullptr;
  const json::Value* match_exprs = selector ? selector->find("matchExpressions") : nullptr;
  const bool empty_selector = (!match_labels || !match_labels->is_object() || match_labels->as_object().empty()) &&
                              (!match_exprs || !match_exprs->is_array() || match_exprs->as_array().empty());
  if (selector && empty_selector) {
    out.push_back(field_invalid("spec.selector", *selector, "empty selector is invalid for deployment"));
  } else if (match_labels && match_labels->is_object()) {
    bool matches = labels && labels->is_object();
    for (const auto& [k, v] : match_labels->as_object()) {
      const json::Value* have = matches ? labels->find(k) : nullptr;
      if (!have || !(*have == v)) matches = false;
    }
    if (!matches) {
      out.push_back(field_invalid("spec.template.metadata.labels", shown(labels),
                                  "`selector` does not match template `labels`"));
    }
  }
  if (live) {
    const json::Value* old_selector = at(*live, {"spec", "selector"});
    if (old_selector && selector && !(*old_selector == *selector)) {
      out.push_back(field_immutable("spec.selector", *selector));
    }
  }
  if (const json::Value* replicas = at(d, {"spec", "replicas"}); replicas && replicas->is_number() && replicas->as_int() < 0) {
    out.push_back(field_invalid("spec.replicas", *replicas, "must be greater than or equal to 0"));
  }
  const std::string strategy = at(d, {"spec", "strategy", "type"}) && at(d, {"spec", "strategy", "type"})->is_string()
                                   ? at(d, {"spec", "strategy", "type"})->as_string() : "";
  if (strategy == "Recreate" && at(d, {"spec", "strategy", "rollingUpdate"}) &&
      !at(d, {"spec", "strategy", "rollingUpdate"})->is_null()) {
    out.push_back(field_forbidden("spec.strategy.rollingUpdate",
                                  "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (const json::Value* policy = at(d, {"spec", "template", "spec", "restartPolicy"});
      policy && policy->is_string() && policy->as_string() != "Always") {
    out.push_back(field_not_supported("spec.template.spec.restartPolicy", *policy, {"Always"}));
  }
  if (const json::Value* pod_spec = at(d, {"spec", "template", "spec"}); pod_spec && pod_spec->is_object()) {
    validate_containers(*pod_spec, "spec.template.spec", out);
  }
}

void validate_service(const json::Value& s, const json::Value* live, std::vector<Cause>& out) {
  const std::string type = at(s, {"spec", "type"}) && at(s, {"spec", "type"})->is_string()
                               ? at(s, {"spec", "type"})->as_string() : "ClusterIP";
  const std::string cluster_ip = at(s, {"spec", "clusterIP"}) && at(s, {"spec", "clusterIP"})->is_string()
                                     ? at(s, {"spec", "clusterIP"})->as_string() : "";
  const json::Value* ports = at(s, {"spec", "ports"});
  const std::size_t n = ports && ports->is_array() ? ports->as_array().size() : 0;
  if (n == 0 && type != "ExternalName" && cluster_ip != "None") out.push_back(field_required("spec.ports"));
  std::set<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    const json::Value& p = ports->as_array()[i];
    const std::string path = "spec.ports[" + std::to_string(i) + "]";
    const std::string name = p.get_string("name");
    if (n > 1 && name.empty()) out.push_back(field_required(path + ".name"));
    if (!name.empty() && !names.insert(name).second) out.push_back(field_duplicate(path + ".name", name));
    const std::int64_t port = p.get_int("port", 0);
    if (port < 1 || port > 65535) {
      out.push_back(field_invalid(path + ".port", static_cast<long long>(port), "must be between 1 and 65535, inclusive"));
    }
  }
  if (live) {
    const json::Value* old_ip = at(*live, {"spec", "clusterIP"});
    const json::Value* new_ip = at(s, {"spec", "clusterIP"});
    if (old_ip && old_ip->is_string() && !old_ip->as_string().empty() && new_ip && !(*old_ip == *new_ip)) {
      out.push_back(field_immutable("spec.clusterIPs[0]", *new_ip, "may not change once set"));
    }
  }
}

void validate_pvc(const json::Value& c, const json::Value* live, std::vector<Cause>& out) {
  const json::Value* modes = at(c, {"spec", "accessModes"});
  if (!modes || !modes->is_array() || modes->as_array().empty()) {
    out.push_back(field_required("spec.accessModes", "at least 1 access mode is required"));
  }
  if (!at(c, {"spec", "resources", "requests", "storage"})) out.push_back(field_required("spec.resources[storage]"));
  if (live) {
    // Everything in spec but resources.requests (and volumeAttributesClassName) is fixed after creation.
    json::Value a = at(c, {"spec"}) ? *at(c, {"spec"}) : json::Value::object();
    json::Value b = at(*live, {"spec"}) ? *at(*live, {"spec"}) : json::Value::object();
    for (json::Value* spec : {&a, &b}) {
      if (!spec->is_object()) continue;
      if (json::Value* r = spec->find("resources"); r && r->is_object()) r->as_object().erase("requests");
      spec->as_object().erase("volumeAttributesClassName");
      // The binder fills volumeName; a client leaving it out keeps it.
      spec->as_object().erase("volumeName");
    }
    if (!(a == b)) {
      out.push_back(field_forbidden("spec", "spec is immutable after creation except resources.requests and "
                                            "volumeAttributesClassName for bound claims"));
    }
  }
}

void validate_ingress(const json::Value& ing, std::vector<Cause>& out) {
  const json::Value* rules = at(ing, {"spec", "rules"});
  const bool has_rules = rules && rules->is_array() && !rules->as_array().empty();
  if (!has_rules && !at(ing, {"spec", "defaultBackend"})) {
    out.push_back(field_invalid("spec", shown(at(ing, {"spec"})), "either `defaultBackend` or `rules` must be specified"));
  }
  if (!has_rules) return;
  for (std::size_t r = 0; r < rules->as_array().size(); ++r) {
    const json::Value* paths = rules->as_array()[r].find_path({"http", "paths"});
    if (!paths || !paths->is_array()) continue;
    for (std::size_t i = 0; i < paths->as_array().size(); ++i) {
      const json::Value& p = paths->as_array()[i];
      const std::string base = "spec.rules[" + std::to_string(r) + "].http.paths[" + std::to_string(i) + "]";
      const std::string type = p.get_string("pathType");
      const std::string path = p.get_string("path");
      if ((type == "Prefix" || type == "Exact") && (path.empty() || path[0] != '/')) {
        out.push_back(field_invalid(base + ".path", path, "must be an absolute path"));
      }
      const json::Value* backend = p.find("backend");
      if (backend && !backend->find("service") && !backend->find("resource")) {
        out.push_back(field_invalid(base + ".backend", *backend, "one backend (`service` or `resource`) must be specified"));
      }
    }
  }
}

std::string qos_class(const json::Value& pod) {
  const json::Value* containers = at(pod, {"spec", "containers"});
  if (!containers || !containers->is_array()) return "BestEffort";
  bool any = false;
  bool guaranteed = true;
  for (const auto& c : containers->as_array()) {
    const json::Value* req = c.find_path({"resources", "requests"});
    const json::Value* lim = c.find_path({"resources", "limits"});
    if ((req && req->is_object() && !req->as_object().empty()) || (lim && lim->is_object() && !lim->as_object().empty())) any = true;
    for (const char* r : {"cpu", "memory"}) {
      const json::Value* l = lim ? lim->find(r) : nullptr;
      const json::Value* q = req ? req->find(r) : nullptr;
      if (!l || (q && !(*q == *l))) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

}  // namespace

json::Value initial_status(const ResourceInfo& info, const json::Value& object) {
  if (!info.builtin || !info.has_status) return nullptr;
  json::Value s = json::Value::object();
  if (info.resource == "services" || info.resource == "ingresses") {
    s["loadBalancer"] = json::Value::object();
  } else if (info.resource == "pods") {
    s["phase"] = "Pending";
    s["qosClass"] = qos_class(object);
  } else if (info.resource == "persistentvolumeclaims") {
    s["phase"] = "Pending";
  } else if (info.resource == "namespaces") {
    s["phase"] = "Active";
  } else if (info.resource == "customresourcedefinitions") {
    s["acceptedNames"]["kind"] = "";
    s["acceptedNames"]["plural"] = "";
    s["conditions"] = json::Value::array();
    std::string storage;
    if (const json::Value* versions = at(object, {"spec", "versions"}); versions && versions->is_array()) {
      for (const auto& v : versions->as_array()) {
        if (v.get_bool("storage", false)) storage = v.get_string("name");
      }
    }
    s["storedVersions"] = json::Value::array();
    if (!storage.empty()) s["storedVersions"].push_back(storage);
  }
  return s;
}

void normalize_for_write(const ResourceInfo& info, json::Value& object, bool create) {
  if (is(info, "", "secrets")) {
    if (json::Value* string_data = object.find("stringData"); string_data && string_data->is_object()) {
      for (const auto& [key, value] : string_data->as_object()) {
        if (value.is_string()) object["data"][key] = base64_encode(value.as_string());
      }
    }
    if (object.is_object()) object.as_object().erase("stringData");
  }
  if (is(info, "", "namespaces") && create) {
    json::Value& finalizers = object["spec"]["finalizers"];
    if (!finalizers.is_array()) {
      finalizers = json::Value::array();
      finalizers.push_back("kubernetes");
    }
  }
}

std::vector<Cause> validate_kind_rules(const ResourceInfo& info, const json::Value& object, const json::Value* live) {
  std::vector<Cause> out;
  if (!info.builtin) return out;
  if (is(info, "", "configmaps")) {
    validate_config_keys(object, "data", out);
    validate_config_keys(object, "binaryData", out);
    validate_immutable_data(object, live, out);
  } else if (is(info, "", "secrets")) {
    validate_config_keys(object, "data", out);
    validate_immutable_data(object, live, out);
    if (live && live->get_string("type", "Opaque") != object.get_string("type", "Opaque")) {
      out.push_back(field_immutable("type", object.get_string("type")));
    }
  } else if (is(info, "apps", "deployments")) {
    validate_deployment(object, live, out);
  } else if (is(info, "", "pods")) {
    if (const json::Value* spec = object.find("spec"); spec && spec->is_object()) validate_containers(*spec, "spec", out);
  } else if (is(info, "", "services")) {
    validate_service(object, live, out);
  } else if (is(info, "", "persistentvolumeclaims")) {
    validate_pvc(object, live, out);
  } else if (is(info, "networking.k8s.io", "ingresses")) {
    validate_ingress(object, out);
  }
  return out;
}

}  // namespace sqlop::testserver
