// delete and deletecollection: finalizers, deletionTimestamp, propagationPolicy.
#include <algorithm>

#include "apimachinery/objects.hpp"
#include "apimachinery/options.hpp"
#include "server/apimachinery_errors.hpp"
#include "server/ids_and_time.hpp"
#include "server/list_options.hpp"
#include "server/resource_service.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;
namespace am = sqlop::apimachinery;

namespace {

constexpr const char* kOrphan = "orphan";
constexpr const char* kForeground = "foregroundDeletion";
constexpr const char* kCrdCleanup = "customresourcecleanup.apiextensions.k8s.io";

std::vector<std::string> finalizers_of(const json::Value& o) {
  std::vector<std::string> out;
  if (const json::Value* f = o.find_path({"metadata", "finalizers"}); f && f->is_array()) {
    for (const auto& item : f->as_array()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  }
  return out;
}

void set_finalizers(json::Value& o, const std::vector<std::string>& finalizers) {
  if (finalizers.empty()) {
    o["metadata"].as_object().erase("finalizers");
    return;
  }
  json::Value arr = json::Value::array();
  for (const auto& f : finalizers) arr.push_back(f);
  o["metadata"]["finalizers"] = std::move(arr);
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

void erase_item(std::vector<std::string>& list, const std::string& item) {
  list.erase(std::remove(list.begin(), list.end(), item), list.end());
}

bool deleting(const json::Value& o) {
  const json::Value* ts = o.find_path({"metadata", "deletionTimestamp"});
  return ts && ts->is_string() && !ts->as_string().empty();
}

void set_condition(json::Value& crd, const std::string& type, const std::string& status, const std::string& reason,
                   const std::string& message) {
  json::Value& conditions = crd["status"]["conditions"];
  if (!conditions.is_array()) conditions = json::Value::array();
  for (auto& c : conditions.as_array()) {
    if (c.get_string("type") == type) {
      if (c.get_string("status") != status) c["lastTransitionTime"] = now_rfc3339();
      c["status"] = status;
      c["reason"] = reason;
      c["message"] = message;
      return;
    }
  }
  json::Value c = json::Value::object();
  c["type"] = type;
  c["status"] = status;
  c["lastTransitionTime"] = now_rfc3339();
  c["reason"] = reason;
  c["message"] = message;
  conditions.push_back(std::move(c));
}

// Stores with ReturnDeletedObject (pods, services, serviceaccounts, custom resources) answer a DELETE with
// the object; the other builtin kinds with a Success Status.
bool returns_object(const ResourceInfo& info) {
  return !info.builtin || info.resource == "pods" || info.resource == "services" || info.resource == "serviceaccounts";
}

}  // namespace

ResourceService::DeleteResult ResourceService::delete_locked(Store::Txn& txn, const ResourceInfo& info,
                                                             const std::string& ns, const std::string& name,
                                                             const DeleteRequest& request) {
  DeleteResult result;
  const ObjectPtr live = txn.get(info.storage_prefix(), ns, name);
  if (!live) {
    result.error = not_found(info, name);
    return result;
  }
  const std::string uid = live->find_path({"metadata", "uid"}) ? live->find_path({"metadata", "uid"})->as_string() : "";
  if (!request.precondition_uid.empty() && request.precondition_uid != uid) {
    result.error = conflict(info, name, "Precondition failed: UID in precondition: " + request.precondition_uid +
                                            ", UID in object meta: " + uid);
    return result;
  }
  const std::string rv = live->find_path({"metadata", "resourceVersion"})->as_string();
  if (!request.precondition_rv.empty() && request.precondition_rv != rv) {
    result.error = conflict(info, name, "Precondition failed: ResourceVersion in precondition: " +
                                            request.precondition_rv + ", ResourceVersion in object meta: " + rv);
    return result;
  }
  const bool is_namespace = info.builtin && info.resource == "namespaces";
  if (is_namespace && (name == "default" || name == "kube-system" || name == "kube-public")) {
    result.error = forbidden(info, name, "this namespace may not be deleted");
    return result;
  }

  json::Value next = *live;
  std::vector<std::string> finalizers = finalizers_of(next);
  const std::string policy = request.propagation.empty() ? "Background" : request.propagation;
  if (policy == "Orphan") {
    add_unique(finalizers, kOrphan);
    erase_item(finalizers, kForeground);
  } else if (policy == "Foreground") {
    add_unique(finalizers, kForeground);
    erase_item(finalizers, kOrphan);
  } else if (deleting(next)) {
    erase_item(finalizers, kOrphan);
    erase_item(finalizers, kForeground);
  }
  const bool is_crd = info.builtin && info.resource == "customresourcedefinitions";
  if (is_crd && !deleting(next)) {
    add_unique(finalizers, kCrdCleanup);
    set_condition(next, "Terminating", "True", "InstanceDeletionPending",
                  "CustomResourceDefinition marked for deletion; instance deletion will begin soon");
  }
  set_finalizers(next, finalizers);
  const bool namespace_pending = is_namespace && next.find_path({"spec", "finalizers"}) &&
                                 next.find_path({"spec", "finalizers"})->is_array() &&
                                 !next.find_path({"spec", "finalizers"})->as_array().empty();

  if (finalizers.empty() && !namespace_pending) {
    result.deleted = true;
    result.object = request.dry_run ? live : txn.remove(info.storage_prefix(), ns, name, *live);
    return result;
  }
  if (!deleting(next)) {
    next["metadata"]["deletionTimestamp"] = now_rfc3339();
    next["metadata"]["deletionGracePeriodSeconds"] = 0;
    // Marking an object for deletion bumps a generation it has, so controllers notice.
    if (const json::Value* g = next.find_path({"metadata", "generation"}); g && g->is_number()) {
      next["metadata"]["generation"] = static_cast<long long>(am::generation_after_deletion_mark(g->as_int()));
    }
  }
  if (is_namespace) next["status"]["phase"] = "Terminating";
  if (next == *live) {
    result.object = live;
    return result;
  }
  result.object = request.dry_run ? std::make_shared<const json::Value>(next)
                                  : txn.put(info.storage_prefix(), ns, name, std::move(next));
  return result;
}

namespace {

// The DeleteOptions of a request: the body (a DeleteOptions object, may be empty) and the query.
std::variant<DeleteRequest, ApiError> delete_request_of(const HttpRequest& req) {
  DeleteRequest out;
  std::optional<std::string> policy;
  bool orphan_given = false;
  std::vector<std::string> dry_run;
  if (!req.body.empty()) {
    const auto body = json::parse(req.body);
    if (!body || !body->is_object()) return bad_request("the body of a DELETE must be a DeleteOptions object");
    if (const json::Value* p = body->find("propagationPolicy"); p && p->is_string()) policy = p->as_string();
    if (const json::Value* o = body->find("orphanDependents"); o && o->is_bool()) {
      orphan_given = true;
      if (!policy) policy = o->as_bool() ? "Orphan" : "Background";
    }
    out.precondition_uid = body->find_path({"preconditions", "uid"}) && body->find_path({"preconditions", "uid"})->is_string()
                               ? body->find_path({"preconditions", "uid"})->as_string() : "";
    out.precondition_rv = body->find_path({"preconditions", "resourceVersion"}) &&
                                  body->find_path({"preconditions", "resourceVersion"})->is_string()
                              ? body->find_path({"preconditions", "resourceVersion"})->as_string() : "";
    if (const json::Value* d = body->find("dryRun"); d && d->is_array()) {
      for (const auto& v : d->as_array()) {
        if (v.is_string()) dry_run.push_back(v.as_string());
      }
    }
  }
  if (const std::string p = query_value(req.query, "propagationPolicy"); !p.empty()) policy = p;
  if (const std::string o = query_value(req.query, "orphanDependents"); !o.empty()) {
    orphan_given = true;
    if (!policy) policy = o == "true" ? "Orphan" : "Background";
  }
  if (const std::string d = query_value(req.query, "dryRun"); !d.empty()) dry_run.push_back(d);
  if (auto e = am::validate_delete_options(orphan_given && policy ? std::nullopt : policy, false, dry_run)) {
    return from_apimachinery(*e);
  }
  out.propagation = policy.value_or("");
  out.dry_run = !dry_run.empty();
  return out;
}

}  // namespace

HttpResponse ResourceService::remove(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  auto parsed = delete_request_of(req);
  if (auto* e = std::get_if<ApiError>(&parsed)) return error_response(*e);
  const DeleteRequest request = std::get<DeleteRequest>(parsed);
  const std::string ns = info.namespaced ? ri.namespace_ : "";
  const DeleteResult r = store_.transact([&](Store::Txn& txn) { return delete_locked(txn, info, ns, ri.name, request); });
  if (r.error) return error_response(*r.error);
  if (r.deleted && !returns_object(info)) {
    const json::Value* uid = r.object->find_path({"metadata", "uid"});
    return json_response(200, success_status(info, ri.name, uid && uid->is_string() ? uid->as_string() : ""));
  }
  return json_response(200, *as_served(r.object, info));
}

HttpResponse ResourceService::remove_collection(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  auto parsed_options = parse_list_options(info, req.query);
  if (auto* e = std::get_if<ApiError>(&parsed_options)) return error_response(*e);
  const ListOptions& options = std::get<ListOptions>(parsed_options);
  auto parsed = delete_request_of(req);
  if (auto* e = std::get_if<ApiError>(&parsed)) return error_response(*e);
  const DeleteRequest request = std::get<DeleteRequest>(parsed);
  const std::string ns = info.namespaced ? ri.namespace_ : "";
  json::Value items = json::Value::array();
  store_.transact([&](Store::Txn& txn) {
    for (const ObjectPtr& obj : txn.list(info.storage_prefix(), ns)) {
      if (options.matches && !options.matches(*obj)) continue;
      const json::Value& meta = *obj->find("metadata");
      const DeleteResult r = delete_locked(txn, info, meta.get_string("namespace"), meta.get_string("name"), request);
      if (!r.error) items.push_back(*as_served(r.object, info));
    }
    return 0;
  });
  if (!info.builtin) {
    json::Value list = json::Value::object();
    list["apiVersion"] = info.api_version();
    list["kind"] = info.list_kind;
    list["metadata"] = json::Value::object();
    list["items"] = std::move(items);
    return json_response(200, list);
  }
  json::Value status = json::Value::object();
  status["kind"] = "Status";
  status["apiVersion"] = "v1";
  status["metadata"] = json::Value::object();
  status["status"] = "Success";
  return json_response(200, status);
}

ResourceService::Outcome ResourceService::delete_internal(const ResourceInfo& info, const std::string& ns,
                                                          const std::string& name, const DeleteRequest& request) {
  const DeleteResult r = store_.transact([&](Store::Txn& txn) {
    return delete_locked(txn, info, info.namespaced ? ns : "", name, request);
  });
  if (r.error) return r.error->code == 404 ? Outcome::NotFound : Outcome::Failed;
  return Outcome::Done;
}

}  // namespace sqlop::testserver
