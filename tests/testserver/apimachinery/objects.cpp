// Registry rules around writes: generation, no-op detection, reset fields, PrepareForCreate/Update
// (kubernetes pkg/registry/*/strategy.go, k8s.io/apiserver rest.BeforeCreate/BeforeUpdate). See objects.hpp.
#include "apimachinery/objects.hpp"

namespace sqlop::apimachinery {
namespace {

struct KindId {
  const char* group;
  const char* kind;
};

bool is(const std::string& group, const std::string& kind, const KindId& id) { return group == id.group && kind == id.kind; }

bool any_of(const std::string& group, const std::string& kind, std::initializer_list<KindId> ids) {
  for (const KindId& id : ids) {
    if (is(group, kind, id)) return true;
  }
  return false;
}

std::string group_of(const json::Value& object) {
  const std::string api_version = object.get_string("apiVersion");
  const std::size_t slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

// Go's Semantic.DeepEqual on typed objects, approximated on JSON: members that are null, [] or {} are the
// same as missing ones (nil and empty slices and maps compare equal; omitted fields decode as zero values).
json::Value semantic_form(const json::Value& v) {
  if (v.is_object()) {
    json::Object out;
    for (const auto& [k, member] : v.as_object()) {
      json::Value normal = semantic_form(member);
      const bool empty = normal.is_null() || (normal.is_array() && normal.as_array().empty()) ||
                         (normal.is_object() && normal.as_object().empty());
      if (!empty) out.set(k, std::move(normal));
    }
    return json::Value(std::move(out));
  }
  if (v.is_array()) {
    json::Array out;
    for (const json::Value& e : v.as_array()) out.push_back(semantic_form(e));
    return json::Value(std::move(out));
  }
  return v;
}

bool semantic_equal(const json::Value* a, const json::Value* b) {
  static const json::Value kNull;
  return semantic_form(a ? *a : kNull) == semantic_form(b ? *b : kNull);
}

// The object without the members named (top level).
json::Value without(const json::Value& object, std::initializer_list<const char*> keys) {
  json::Value out = object;
  if (out.is_object()) {
    for (const char* k : keys) out.as_object().erase(k);
  }
  return out;
}

std::int64_t generation_of(const json::Value& object) {
  const json::Value* g = object.find_path({"metadata", "generation"});
  return g && g->is_number() ? g->as_int() : 0;
}

void set_generation(json::Value& object, std::int64_t generation) {
  json::Value& meta = object["metadata"];
  if (!meta.is_object()) meta = json::Value::object();
  if (generation == 0) {
    meta.as_object().erase("generation");
  } else {
    meta["generation"] = generation;
  }
}

// qos.GetPodQOS on the defaulted pod (cpu and memory only).
std::string pod_qos(const json::Value& pod) {
  bool any = false;
  bool guaranteed = true;
  for (const char* list : {"initContainers", "containers"}) {
    const json::Value* containers = pod.find_path({"spec", list});
    if (!containers || !containers->is_array()) continue;
    for (const json::Value& c : containers->as_array()) {
      const json::Value* requests = c.find_path({"resources", "requests"});
      const json::Value* limits = c.find_path({"resources", "limits"});
      for (const char* resource : {"cpu", "memory"}) {
        const json::Value* r = requests ? requests->find(resource) : nullptr;
        const json::Value* l = limits ? limits->find(resource) : nullptr;
        const bool r_set = r && r->is_string() && r->as_string() != "0";
        const bool l_set = l && l->is_string() && l->as_string() != "0";
        any = any || r_set || l_set;
        if (!l_set || (r_set && !(*r == *l))) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

}  // namespace

GenerationPolicy generation_policy_for(const std::string& group, const std::string& kind, bool custom_resource,
                                       bool has_status_subresource) {
  if (custom_resource) return has_status_subresource ? GenerationPolicy::AllButMetadataStatus : GenerationPolicy::AllButMetadata;
  if (is(group, kind, {"apps", "Deployment"})) return GenerationPolicy::SpecOrAnnotations;
  if (any_of(group, kind, {{"", "Pod"}, {"networking.k8s.io", "Ingress"}, {"apiextensions.k8s.io", "CustomResourceDefinition"},
                           {"apps", "ReplicaSet"}, {"apps", "StatefulSet"}, {"apps", "DaemonSet"},
                           {"networking.k8s.io", "NetworkPolicy"}, {"policy", "PodDisruptionBudget"}})) {
    return GenerationPolicy::Spec;
  }
  return GenerationPolicy::None;
}

std::int64_t next_generation(const json::Value& live, const json::Value& updated, GenerationPolicy policy) {
  const std::int64_t base = generation_of(live);
  bool bump = false;
  switch (policy) {
    case GenerationPolicy::None: return base;
    case GenerationPolicy::Spec: bump = !semantic_equal(live.find("spec"), updated.find("spec")); break;
    case GenerationPolicy::SpecOrAnnotations:
      bump = !semantic_equal(live.find("spec"), updated.find("spec")) ||
             !semantic_equal(live.find_path({"metadata", "annotations"}), updated.find_path({"metadata", "annotations"}));
      break;
    case GenerationPolicy::AllButMetadataStatus: {
      const json::Value a = without(live, {"metadata", "status"});
      const json::Value b = without(updated, {"metadata", "status"});
      bump = !semantic_equal(&a, &b);
      break;
    }
    case GenerationPolicy::AllButMetadata: {
      const json::Value a = without(live, {"metadata"});
      const json::Value b = without(updated, {"metadata"});
      bump = !semantic_equal(&a, &b);
      break;
    }
  }
  return bump ? base + 1 : base;
}

std::int64_t generation_after_deletion_mark(std::int64_t generation) { return generation > 0 ? generation + 1 : generation; }

bool is_noop_update(const json::Value& live, const json::Value& updated) {
  const auto comparable = [](const json::Value& object) {
    json::Value out = object;
    if (json::Value* meta = out.find("metadata"); meta && meta->is_object()) {
      meta->as_object().erase("resourceVersion");
      if (json::Value* managed = meta->find("managedFields"); managed && managed->is_array()) {
        for (json::Value& entry : managed->as_array()) {
          if (entry.is_object()) entry.as_object().erase("time");
        }
      }
    }
    return out;
  };
  const json::Value a = comparable(live);
  const json::Value b = comparable(updated);
  return semantic_equal(&a, &b);
}

bool builtin_has_status_subresource(const std::string& group, const std::string& kind) {
  return any_of(group, kind, {{"apps", "Deployment"}, {"apps", "ReplicaSet"}, {"apps", "StatefulSet"}, {"apps", "DaemonSet"},
                              {"", "Pod"}, {"", "Service"}, {"", "PersistentVolumeClaim"}, {"", "PersistentVolume"},
                              {"", "Namespace"}, {"", "ReplicationController"}, {"", "Node"}, {"", "ResourceQuota"},
                              {"networking.k8s.io", "Ingress"}, {"apiextensions.k8s.io", "CustomResourceDefinition"},
                              {"batch", "Job"}, {"batch", "CronJob"}, {"policy", "PodDisruptionBudget"}});
}

std::vector<std::vector<std::string>> reset_fields_for(const std::string& group, const std::string& kind,
                                                       const std::string& subresource, bool custom_resource,
                                                       bool has_status_subresource) {
  const bool status_subresource = custom_resource ? has_status_subresource : builtin_has_status_subresource(group, kind);
  if (!status_subresource) return {};
  if (subresource.empty()) return {{"status"}};
  if (custom_resource || is(group, kind, {"apiextensions.k8s.io", "CustomResourceDefinition"})) return {{"metadata"}, {"spec"}};
  if (is(group, kind, {"apps", "Deployment"})) return {{"spec"}, {"metadata", "labels"}};
  return {{"spec"}};
}

json::Value prepare_for_create(const json::Value& object, bool custom_resource, bool has_status_subresource) {
  json::Value out = object;
  if (!out.is_object()) return out;
  const std::string group = group_of(object);
  const std::string kind = object.get_string("kind");
  if (generation_policy_for(group, kind, custom_resource, has_status_subresource) != GenerationPolicy::None) {
    set_generation(out, 1);
  }
  if (custom_resource) {
    if (has_status_subresource) out.as_object().erase("status");
    return out;
  }
  if (is(group, kind, {"apps", "Deployment"})) {
    out["status"] = json::Value::object();
  } else if (any_of(group, kind, {{"", "Service"}, {"networking.k8s.io", "Ingress"}})) {
    json::Value status = json::Value::object();
    status["loadBalancer"] = json::Value::object();
    out["status"] = std::move(status);
  } else if (is(group, kind, {"", "PersistentVolumeClaim"})) {
    json::Value status = json::Value::object();
    status["phase"] = "Pending";
    out["status"] = std::move(status);
  } else if (is(group, kind, {"", "Namespace"})) {
    json::Value status = json::Value::object();
    status["phase"] = "Active";
    out["status"] = std::move(status);
    json::Value& spec = out["spec"];
    if (!spec.is_object()) spec = json::Value::object();
    json::Value& finalizers = spec["finalizers"];
    if (!finalizers.is_array()) finalizers = json::Value::array();
    bool has_kubernetes = false;
    for (const json::Value& f : finalizers.as_array()) has_kubernetes = has_kubernetes || f == json::Value("kubernetes");
    if (!has_kubernetes) finalizers.push_back("kubernetes");
  } else if (is(group, kind, {"", "Pod"})) {
    json::Value status = json::Value::object();
    status["phase"] = "Pending";
    status["qosClass"] = pod_qos(out);
    out["status"] = std::move(status);
  }
  return out;
}

json::Value prepare_for_update(const json::Value& live, const json::Value& updated, const std::string& subresource,
                               bool custom_resource, bool has_status_subresource) {
  json::Value out = updated;
  if (!out.is_object() || !live.is_object()) return out;
  const std::string group = group_of(live);
  const std::string kind = live.get_string("kind");
  const bool status_subresource = custom_resource ? has_status_subresource : builtin_has_status_subresource(group, kind);

  if (!subresource.empty()) {
    // A /status write: only status (and managedFields) come from the request.
    json::Value kept = live;
    const json::Value* status = updated.find("status");
    const json::Value* managed = updated.find_path({"metadata", "managedFields"});
    if (custom_resource || is(group, kind, {"apiextensions.k8s.io", "CustomResourceDefinition"})) {
      if (status) kept["status"] = *status; else kept.as_object().erase("status");
      if (managed) kept["metadata"]["managedFields"] = *managed;
      return kept;
    }
    // Builtin status strategies restore the spec (and Deployment's labels); other metadata may change.
    if (const json::Value* spec = live.find("spec")) out["spec"] = *spec; else out.as_object().erase("spec");
    if (is(group, kind, {"apps", "Deployment"})) {
      if (const json::Value* labels = live.find_path({"metadata", "labels"})) {
        out["metadata"]["labels"] = *labels;
      } else if (json::Value* meta = out.find("metadata"); meta && meta->is_object()) {
        meta->as_object().erase("labels");
      }
    }
  } else if (status_subresource) {
    if (const json::Value* status = live.find("status")) out["status"] = *status; else out.as_object().erase("status");
    if (is(group, kind, {"", "Namespace"})) {
      if (const json::Value* finalizers = live.find_path({"spec", "finalizers"})) out["spec"]["finalizers"] = *finalizers;
    }
  }

  json::Value& meta = out["metadata"];
  if (!meta.is_object()) meta = json::Value::object();
  const json::Value* live_meta = live.find("metadata");
  if (live_meta && live_meta->is_object()) {
    if (meta.get_string("uid").empty() && live_meta->find("uid")) meta["uid"] = *live_meta->find("uid");
    if (const json::Value* created = live_meta->find("creationTimestamp"); created && !created->is_null()) meta["creationTimestamp"] = *created;
    if (const json::Value* deleted = live_meta->find("deletionTimestamp"); deleted && !deleted->is_null()) meta["deletionTimestamp"] = *deleted;
    const json::Value* grace = live_meta->find("deletionGracePeriodSeconds");
    const json::Value* new_grace = meta.find("deletionGracePeriodSeconds");
    if (grace && !grace->is_null() && (!new_grace || new_grace->is_null())) meta["deletionGracePeriodSeconds"] = *grace;
  }
  const GenerationPolicy policy = generation_policy_for(group, kind, custom_resource, has_status_subresource);
  const std::int64_t generation = subresource.empty() ? next_generation(live, out, policy) : generation_of(live);
  set_generation(out, generation);
  return out;
}

}  // namespace sqlop::apimachinery
