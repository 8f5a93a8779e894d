// Server-side defaulting of the builtin kinds the operator writes. Every default below was checked against
// kubernetes/kubernetes (read through the search tool):
//   pkg/apis/apps/v1/defaults.go        SetDefaults_Deployment: replicas 1; strategy.type RollingUpdate;
//                                       rollingUpdate maxUnavailable/maxSurge "25%" only for RollingUpdate;
//                                       revisionHistoryLimit 10; progressDeadlineSeconds 600
//   pkg/apis/core/v1/defaults.go        SetDefaults_PodSpec: dnsPolicy ClusterFirst, restartPolicy Always,
//                                       securityContext {}, terminationGracePeriodSeconds 30, schedulerName
//                                       default-scheduler (PodSpec of templates and Pods alike);
//                                       SetDefaults_Pod (Pods only): requests copied from limits,
//                                       enableServiceLinks true, hostNetwork hostPort = containerPort;
//                                       SetDefaults_Container: imagePullPolicy Always for tag "latest" (also the
//                                       implied tag of an untagged image without digest) else IfNotPresent,
//                                       terminationMessagePath /dev/termination-log, terminationMessagePolicy File;
//                                       SetDefaults_Probe 1/10/1/3; SetDefaults_HTTPGetAction path "/" scheme
//                                       HTTP; SetDefaults_Volume emptyDir {} for a volume without source;
//                                       Secret/ConfigMap/DownwardAPI/Projected defaultMode 420;
//                                       ServiceAccountTokenProjection expirationSeconds 3600; HostPath type "";
//                                       ObjectFieldSelector apiVersion v1; SetDefaults_ResourceList rounds up to
//                                       milli precision; SetDefaults_Service (sessionAffinity None, type
//                                       ClusterIP, port protocol TCP, targetPort = port, externalTrafficPolicy
//                                       Cluster when externally accessible, internalTrafficPolicy Cluster for
//                                       ClusterIP/NodePort/LoadBalancer, allocateLoadBalancerNodePorts true,
//                                       sessionAffinityConfig clientIP timeoutSeconds 10800 for ClientIP);
//                                       SetDefaults_PersistentVolumeClaim status.phase Pending,
//                                       SetDefaults_PersistentVolumeClaimSpec volumeMode Filesystem;
//                                       SetDefaults_Secret type Opaque; SetDefaults_Namespace label
//                                       kubernetes.io/metadata.name, SetDefaults_NamespaceStatus phase Active
//   pkg/apis/core/v1/zz_generated.defaults.go  container ports protocol "TCP" (declarative default)
//   pkg/apis/core/v1/conversion.go      Secret stringData is merged into data (and not stored)
//   pkg/apis/networking/v1/defaults.go  nothing for Ingress (pathType is required)
//   pkg/registry/core/service/storage   clusterIP/clusterIPs allocation, ipFamilies, ipFamilyPolicy
#include "apimachinery/defaults.hpp"

#include "apimachinery/quantity_internal.hpp"

namespace sqlop::apimachinery {
namespace {

json::Value& member(json::Value& object, const char* key) { return object[key]; }

bool has(const json::Value& object, const char* key) {
  const json::Value* v = object.find(key);
  return v && !v->is_null();
}

// Sets `key` to `value` when it is missing or null (Go's nil pointer / empty value).
void set_default(json::Value& object, const char* key, json::Value value) {
  if (!has(object, key)) object[key] = std::move(value);
}

// Sets a string field when it is missing, null or "" (Go's zero string).
void set_default_string(json::Value& object, const char* key, const char* value) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) object[key] = value;
}

// Sets an int32 field when it is missing, null or 0 (Go's zero int).
void set_default_int(json::Value& object, const char* key, int value) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null() || (v->is_number() && v->as_double() == 0)) object[key] = value;
}

template <class F>
void for_each_item(json::Value& object, const char* key, F&& f) {
  json::Value* list = object.find(key);
  if (!list || !list->is_array()) return;
  for (json::Value& item : list->as_array()) {
    if (item.is_object()) f(item);
  }
}

json::Value* child_object(json::Value& object, const char* key) {
  json::Value* v = object.find(key);
  return v && v->is_object() ? v : nullptr;
}

// The quantity as the apiserver stores it; `milli` rounds up to 1m first (ResourceList values).
json::Value canonical(const json::Value& value, bool milli) {
  std::string text;
  if (value.is_string()) {
    text = value.as_string();
  } else if (value.is_int()) {
    text = std::to_string(value.as_int());
  } else if (value.is_number()) {
    text = json::dump(value);
  } else {
    return value;
  }
  std::optional<detail::Quantity> q = detail::parse_quantity(text);
  if (!q) return value;  // validation reports it
  if (milli) detail::round_up(*q, -3);
  return json::Value(detail::canonical_text(*q));
}

void default_resource_list(json::Value* list) {
  if (!list || !list->is_object()) return;
  for (auto& [name, value] : list->as_object()) value = canonical(value, true);
}

void default_resources(json::Value& owner) {
  if (json::Value* resources = child_object(owner, "resources")) {
    default_resource_list(resources->find("limits"));
    default_resource_list(resources->find("requests"));
  }
}

// parsers.ParseImageName's tag: the tag after the last ':' of the last path component; "latest" when the
// image has neither tag nor digest; "" when the reference does not parse (then the default is IfNotPresent).
std::string image_tag(const std::string& image) {
  if (image.empty()) return "";
  std::string name = image;
  bool has_digest = false;
  if (const std::size_t at = name.find('@'); at != std::string::npos) {
    has_digest = true;
    name = name.substr(0, at);
  }
  const std::size_t slash = name.rfind('/');
  const std::size_t colon = name.rfind(':');
  std::string tag;
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  // Path components (everything after a registry host) must be lower case.
  const std::size_t first_slash = name.find('/');
  const std::string host = first_slash == std::string::npos ? "" : name.substr(0, first_slash);
  const bool host_like = host.find_first_of(".:") != std::string::npos || host == "localhost";
  const std::string path = host_like ? name.substr(first_slash + 1) : name;
  for (const char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) return "";
  }
  if (path.empty()) return "";
  if (tag.empty() && !has_digest) return "latest";
  return tag;
}

void default_http_get(json::Value* handler_owner) {
  if (!handler_owner) return;
  if (json::Value* http = child_object(*handler_owner, "httpGet")) {
    set_default_string(*http, "path", "/");
    set_default_string(*http, "scheme", "HTTP");
  }
}

void default_probe(json::Value* probe) {
  if (!probe || !probe->is_object()) return;
  set_default_int(*probe, "timeoutSeconds", 1);
  set_default_int(*probe, "periodSeconds", 10);
  set_default_int(*probe, "successThreshold", 1);
  set_default_int(*probe, "failureThreshold", 3);
  default_http_get(probe);
  if (json::Value* grpc = child_object(*probe, "grpc")) set_default(*grpc, "service", "");
}

void default_field_ref(json::Value* owner) {
  if (!owner) return;
  if (json::Value* ref = child_object(*owner, "fieldRef")) set_default_string(*ref, "apiVersion", "v1");
}

void default_container(json::Value& c) {
  if (!has(c, "imagePullPolicy") || c.get_string("imagePullPolicy").empty()) {
    c["imagePullPolicy"] = image_tag(c.get_string("image")) == "latest" ? "Always" : "IfNotPresent";
  }
  set_default_string(c, "terminationMessagePath", "/dev/termination-log");
  set_default_string(c, "terminationMessagePolicy", "File");
  for_each_item(c, "ports", [](json::Value& port) { set_default_string(port, "protocol", "TCP"); });
  for_each_item(c, "env", [](json::Value& env) { default_field_ref(child_object(env, "valueFrom")); });
  default_resources(c);
  default_probe(c.find("livenessProbe"));
  default_probe(c.find("readinessProbe"));
  default_probe(c.find("startupProbe"));
  if (json::Value* lifecycle = child_object(c, "lifecycle")) {
    default_http_get(child_object(*lifecycle, "postStart"));
    default_http_get(child_object(*lifecycle, "preStop"));
  }
}

// The volume sources a Volume may carry (VolumeSource's pointer fields).
bool has_volume_source(const json::Value& volume) {
  static const char* const kSources[] = {
      "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
      "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
      "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
      "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image"};
  for (const char* s : kSources) {
    if (has(volume, s)) return true;
  }
  return false;
}

void default_pvc_spec(json::Value& spec) {
  set_default_string(spec, "volumeMode", "Filesystem");
  default_resources(spec);
}

void default_volume(json::Value& v) {
  if (!has_volume_source(v)) v["emptyDir"] = json::Value::object();
  if (json::Value* host_path = child_object(v, "hostPath")) set_default(*host_path, "type", "");
  if (json::Value* secret = child_object(v, "secret")) set_default(*secret, "defaultMode", 420);
  if (json::Value* config_map = child_object(v, "configMap")) set_default(*config_map, "defaultMode", 420);
  if (json::Value* downward = child_object(v, "downwardAPI")) {
    set_default(*downward, "defaultMode", 420);
    for_each_item(*downward, "items", [](json::Value& item) { default_field_ref(&item); });
  }
  if (json::Value* projected = child_object(v, "projected")) {
    set_default(*projected, "defaultMode", 420);
    for_each_item(*projected, "sources", [](json::Value& source) {
      if (json::Value* downward = child_object(source, "downwardAPI")) {
        for_each_item(*downward, "items", [](json::Value& item) { default_field_ref(&item); });
      }
      if (json::Value* token = child_object(source, "serviceAccountToken")) set_default(*token, "expirationSeconds", 3600);
    });
  }
  if (json::Value* empty_dir = child_object(v, "emptyDir")) {
    if (json::Value* limit = empty_dir->find("sizeLimit"); limit && !limit->is_null()) *limit = canonical(*limit, false);
  }
  if (json::Value* ephemeral = child_object(v, "ephemeral")) {
    if (json::Value* tmpl = child_object(*ephemeral, "volumeClaimTemplate")) {
      if (json::Value* spec = child_object(*tmpl, "spec")) default_pvc_spec(*spec);
    }
  }
  if (json::Value* image = child_object(v, "image")) {
    if (image->get_string("pullPolicy").empty()) {
      (*image)["pullPolicy"] = image_tag(image->get_string("reference")) == "latest" ? "Always" : "IfNotPresent";
    }
  }
}

void default_pod_spec(json::Value& spec) {
  set_default_string(spec, "dnsPolicy", "ClusterFirst");
  set_default_string(spec, "restartPolicy", "Always");
  set_default(spec, "securityContext", json::Value::object());
  set_default(spec, "terminationGracePeriodSeconds", 30);
  set_default_string(spec, "schedulerName", "default-scheduler");
  for_each_item(spec, "volumes", default_volume);
  for_each_item(spec, "initContainers", default_container);
  for_each_item(spec, "containers", default_container);
  for_each_item(spec, "ephemeralContainers", default_container);
  if (json::Value* overhead = spec.find("overhead")) default_resource_list(overhead);
}

// SetDefaults_Pod: only for Pods, never for templates.
void default_pod_only(json::Value& spec) {
  const auto requests_from_limits = [](json::Value& container) {
    json::Value* resources = child_object(container, "resources");
    const json::Value* found = resources ? child_object(*resources, "limits") : nullptr;
    if (!found) return;
    const json::Value limits = *found;  // a copy: adding "requests" may move the members
    json::Value& requests = (*resources)["requests"];
    if (!requests.is_object()) requests = json::Value::object();
    for (const auto& [name, value] : limits.as_object()) {
      if (!requests.find(name)) requests[name] = value;
    }
  };
  for_each_item(spec, "containers", requests_from_limits);
  for_each_item(spec, "initContainers", requests_from_limits);
  set_default(spec, "enableServiceLinks", true);
  if (spec.get_bool("hostNetwork", false)) {
    const auto host_ports = [](json::Value& container) {
      for_each_item(container, "ports", [](json::Value& port) {
        if (port.get_int("hostPort", 0) == 0) port["hostPort"] = port.get_int("containerPort", 0);
      });
    };
    for_each_item(spec, "containers", host_ports);
    for_each_item(spec, "initContainers", host_ports);
  }
}

void default_deployment(json::Value& object) {
  json::Value& spec = member(object, "spec");
  if (!spec.is_object()) spec = json::Value::object();
  set_default(spec, "replicas", 1);
  json::Value& strategy = spec["strategy"];
  if (!strategy.is_object()) strategy = json::Value::object();
  set_default_string(strategy, "type", "RollingUpdate");
  if (strategy.get_string("type") == "RollingUpdate") {
    json::Value& rolling = strategy["rollingUpdate"];
    if (!rolling.is_object()) rolling = json::Value::object();
    set_default(rolling, "maxUnavailable", "25%");
    set_default(rolling, "maxSurge", "25%");
  }
  set_default(spec, "revisionHistoryLimit", 10);
  set_default(spec, "progressDeadlineSeconds", 600);
  json::Value& tmpl = spec["template"];
  if (!tmpl.is_object()) tmpl = json::Value::object();
  json::Value& pod_spec = tmpl["spec"];
  if (!pod_spec.is_object()) pod_spec = json::Value::object();
  default_pod_spec(pod_spec);
}

void default_pod(json::Value& object) {
  json::Value& spec = member(object, "spec");
  if (!spec.is_object()) spec = json::Value::object();
  default_pod_only(spec);
  default_pod_spec(spec);
}

bool externally_accessible(const json::Value& spec) {
  const std::string type = spec.get_string("type");
  if (type == "LoadBalancer" || type == "NodePort") return true;
  const json::Value* external_ips = spec.find("externalIPs");
  return type == "ClusterIP" && external_ips && external_ips->is_array() && !external_ips->as_array().empty();
}

void default_service(json::Value& object, const Allocators& allocators) {
  json::Value& spec = member(object, "spec");
  if (!spec.is_object()) spec = json::Value::object();
  set_default_string(spec, "sessionAffinity", "None");
  if (spec.get_string("sessionAffinity") == "None") spec.as_object().erase("sessionAffinityConfig");
  if (spec.get_string("sessionAffinity") == "ClientIP") {
    const json::Value* timeout = spec.find_path({"sessionAffinityConfig", "clientIP", "timeoutSeconds"});
    if (!timeout || timeout->is_null()) spec["sessionAffinityConfig"] = json::parse(R"({"clientIP":{"timeoutSeconds":10800}})").value();
  }
  set_default_string(spec, "type", "ClusterIP");
  const std::string type = spec.get_string("type");
  for_each_item(spec, "ports", [&](json::Value& port) {
    set_default_string(port, "protocol", "TCP");
    const json::Value* target = port.find("targetPort");
    const bool unset = !target || target->is_null() || (target->is_number() && target->as_int() == 0) ||
                       (target->is_string() && target->as_string().empty());
    if (unset) port["targetPort"] = port.get_int("port", 0);
  });
  if (externally_accessible(spec)) set_default_string(spec, "externalTrafficPolicy", "Cluster");
  if (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP") set_default(spec, "internalTrafficPolicy", "Cluster");
  if (type == "LoadBalancer") set_default(spec, "allocateLoadBalancerNodePorts", true);

  if (type == "ExternalName") return;
  // What the Service registry allocates on create (kept on update by carry_over_service_allocations).
  if (spec.get_string("clusterIP").empty()) {
    const json::Value* ips = spec.find("clusterIPs");
    if (ips && ips->is_array() && !ips->as_array().empty() && ips->as_array()[0].is_string()) {
      const json::Value first = ips->as_array()[0];  // a copy: inserting "clusterIP" may move the members
      spec["clusterIP"] = first;
    } else if (allocators.cluster_ip) {
      spec["clusterIP"] = allocators.cluster_ip();
    }
  }
  const std::string cluster_ip = spec.get_string("clusterIP");
  if (!cluster_ip.empty() && !has(spec, "clusterIPs")) {
    json::Value ips = json::Value::array();
    ips.push_back(cluster_ip);
    spec["clusterIPs"] = std::move(ips);
  }
  const json::Value* selector = spec.find("selector");
  const bool selectorless = !selector || !selector->is_object() || selector->as_object().empty();
  if (!has(spec, "ipFamilyPolicy")) {
    spec["ipFamilyPolicy"] = (cluster_ip == "None" && selectorless) ? "RequireDualStack" : "SingleStack";
  }
  if (!has(spec, "ipFamilies")) {
    json::Value families = json::Value::array();
    families.push_back("IPv4");
    spec["ipFamilies"] = std::move(families);
  }
  if ((type == "NodePort" || type == "LoadBalancer") && allocators.node_port) {
    for_each_item(spec, "ports", [&](json::Value& port) {
      if (port.get_int("nodePort", 0) == 0) port["nodePort"] = allocators.node_port();
    });
  }
}

void default_pvc(json::Value& object) {
  json::Value& spec = member(object, "spec");
  if (!spec.is_object()) spec = json::Value::object();
  default_pvc_spec(spec);
  json::Value& status = object["status"];
  if (!status.is_object()) status = json::Value::object();
  set_default_string(status, "phase", "Pending");
  default_resource_list(status.find("capacity"));
  default_resource_list(status.find("allocatedResources"));
}

std::string base64(const std::string& in) {
  static const char* const table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

void default_secret(json::Value& object) {
  set_default_string(object, "type", "Opaque");
  // Conversion: stringData overwrites data and is never stored.
  if (const json::Value* found = object.find("stringData")) {
    const json::Value string_data = *found;  // a copy: inserting "data" may move the members
    if (string_data.is_object() && !string_data.as_object().empty()) {
      json::Value& data = object["data"];
      if (!data.is_object()) data = json::Value::object();
      for (const auto& [key, value] : string_data.as_object()) {
        data[key] = base64(value.is_string() ? value.as_string() : std::string());
      }
    }
    object.as_object().erase("stringData");
  }
}

void default_namespace(json::Value& object) {
  const std::string name = object.find_path({"metadata", "name"}) && object.find_path({"metadata", "name"})->is_string()
                               ? object.find_path({"metadata", "name"})->as_string()
                               : std::string();
  if (!name.empty()) {
    json::Value& labels = object["metadata"]["labels"];
    if (!labels.is_object()) labels = json::Value::object();
    labels["kubernetes.io/metadata.name"] = name;
  }
  json::Value& status = object["status"];
  if (!status.is_object()) status = json::Value::object();
  set_default_string(status, "phase", "Active");
}

}  // namespace

json::Value apply_builtin_defaults(const json::Value& object, const Allocators& allocators) {
  if (!object.is_object()) return object;
  json::Value out = object;
  const std::string api_version = object.get_string("apiVersion");
  const std::string kind = object.get_string("kind");
  if (api_version == "apps/v1" && kind == "Deployment") {
    default_deployment(out);
  } else if (api_version == "v1" && kind == "Pod") {
    default_pod(out);
  } else if (api_version == "v1" && kind == "PodTemplate") {
    if (json::Value* tmpl = child_object(out, "template")) {
      json::Value& spec = (*tmpl)["spec"];
      if (!spec.is_object()) spec = json::Value::object();
      default_pod_spec(spec);
    }
  } else if (api_version == "v1" && kind == "Service") {
    default_service(out, allocators);
  } else if (api_version == "v1" && kind == "PersistentVolumeClaim") {
    default_pvc(out);
  } else if (api_version == "v1" && kind == "Secret") {
    default_secret(out);
  } else if (api_version == "v1" && kind == "Namespace") {
    default_namespace(out);
  }
  return out;
}

json::Value carry_over_service_allocations(const json::Value& live, const json::Value& updated) {
  json::Value out = updated;
  const json::Value* old_spec = live.find("spec");
  json::Value* new_spec = out.find("spec");
  if (!old_spec || !old_spec->is_object() || !new_spec || !new_spec->is_object()) return out;
  // Only while the service keeps needing them (ExternalName releases its IPs).
  if (new_spec->get_string("type") == "ExternalName") return out;
  for (const char* key : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
    const json::Value* now = new_spec->find(key);
    const bool unset = !now || now->is_null() || (now->is_string() && now->as_string().empty()) ||
                       (now->is_array() && now->as_array().empty());
    const json::Value* before = old_spec->find(key);
    if (unset && before && !before->is_null()) (*new_spec)[key] = *before;
  }
  if (const json::Value* hc = old_spec->find("healthCheckNodePort"); hc && !has(*new_spec, "healthCheckNodePort")) {
    if (new_spec->get_string("externalTrafficPolicy") == "Local" && new_spec->get_string("type") == "LoadBalancer") {
      (*new_spec)["healthCheckNodePort"] = *hc;
    }
  }
  const json::Value* old_ports = old_spec->find("ports");
  json::Value* new_ports = new_spec->find("ports");
  if (old_ports && old_ports->is_array() && new_ports && new_ports->is_array()) {
    for (json::Value& port : new_ports->as_array()) {
      if (!port.is_object() || port.get_int("nodePort", 0) != 0) continue;
      const std::string protocol = port.get_string("protocol", "TCP");
      for (const json::Value& old : old_ports->as_array()) {
        if (old.get_int("port", -1) == port.get_int("port", -2) && old.get_string("protocol", "TCP") == protocol &&
            old.get_int("nodePort", 0) != 0) {
          port["nodePort"] = old.get_int("nodePort", 0);
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace sqlop::apimachinery
