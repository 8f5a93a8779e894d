// deployments/scale: the autoscaling/v1 Scale view of a Deployment's replicas (kubectl scale).
#include "apimachinery/patch.hpp"
#include "server/apimachinery_errors.hpp"
#include "server/body_decoding.hpp"
#include "server/media_types.hpp"
#include "server/resource_service.hpp"
#include "server/write_context.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;
namespace am = sqlop::apimachinery;

namespace {

std::string selector_string(const json::Value& deployment) {
  std::string out;
  const json::Value* ml = deployment.find_path({"spec", "selector", "matchLabels"});
  if (ml && ml->is_object()) {
    for (const auto& [k, v] : ml->as_object()) out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.as_string() : "");
  }
  return out;
}

json::Value scale_of(const json::Value& deployment) {
  json::Value scale = json::Value::object();
  scale["kind"] = "Scale";
  scale["apiVersion"] = "autoscaling/v1";
  const json::Value& meta = *deployment.find("metadata");
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (const json::Value* v = meta.find(key)) scale["metadata"][key] = *v;
  }
  scale["spec"]["replicas"] = deployment.find_path({"spec", "replicas"}) ? *deployment.find_path({"spec", "replicas"}) : json::Value(1);
  const json::Value* status_replicas = deployment.find_path({"status", "replicas"});
  scale["status"]["replicas"] = status_replicas ? *status_replicas : json::Value(0);
  scale["status"]["selector"] = selector_string(deployment);
  return scale;
}

}  // namespace

HttpResponse ResourceService::scale(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  const std::string ns = ri.namespace_;
  if (ri.verb == "get") {
    const ObjectPtr live = store_.transact([&](Store::Txn& txn) { return txn.get(info.storage_prefix(), ns, ri.name); });
    if (!live) return error_response(not_found(info, ri.name));
    return json_response(200, scale_of(*live));
  }
  const std::string media = parse_media_type(req.header("content-type")).type;
  auto decoded = decode_body(media == "application/apply-patch+yaml" ? media : "application/json", req.body);
  if (auto* e = std::get_if<ApiError>(&decoded)) return error_response(*e);
  const json::Value body = std::get<DecodedBody>(decoded).value;

  WriteContext ctx;
  ctx.info = &info;
  ctx.ns = ns;
  ctx.name = ri.name;
  ctx.field_validation = "Ignore";
  const std::string manager = query_value(req.query, "fieldManager");
  ctx.manager = manager.empty() ? "kubectl" : manager;
  json::Value answer;
  const WriteResult r = store_.transact([&](Store::Txn& txn) {
    WriteResult result;
    const ObjectPtr live = txn.get(info.storage_prefix(), ns, ri.name);
    if (!live) {
      result.error = not_found(info, ri.name);
      return result;
    }
    const json::Value current = scale_of(*live);
    json::Value wanted = body;
    if (ri.verb == "patch") {
      auto patched = media == "application/json-patch+json" ? am::apply_json_patch(current, body)
                                                             : am::apply_merge_patch(current, body);
      if (!patched) {
        result.error = from_apimachinery(patched.error());
        return result;
      }
      wanted = std::move(patched).value();
    }
    const json::Value* replicas = wanted.find_path({"spec", "replicas"});
    if (!replicas || !replicas->is_int() || replicas->as_int() < 0) {
      result.error = invalid(info, ri.name, {field_invalid("spec.replicas", replicas ? *replicas : json::Value(nullptr),
                                                           "must be greater than or equal to 0")});
      return result;
    }
    const std::string rv = wanted.find_path({"metadata", "resourceVersion"}) &&
                                   wanted.find_path({"metadata", "resourceVersion"})->is_string()
                               ? wanted.find_path({"metadata", "resourceVersion"})->as_string() : "";
    json::Value next = *live;
    next["spec"]["replicas"] = *replicas;
    if (!rv.empty()) next["metadata"]["resourceVersion"] = rv;
    return write_locked(txn, ctx, live, std::move(next));
  });
  if (r.error) return error_response(*r.error);
  return json_response(200, scale_of(*r.object));
}

}  // namespace sqlop::testserver
