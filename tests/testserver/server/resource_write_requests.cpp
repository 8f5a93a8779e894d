// The HTTP side of writes: create (POST), update (PUT), patch (PATCH, including server-side apply), and the
// controllers' internal writes. Each decodes and checks the request, then runs the shared pipeline
// (resource_writes.cpp) inside one store transaction.
#include <algorithm>

#include "apimachinery/apply.hpp"
#include "apimachinery/options.hpp"
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

std::vector<std::string> query_list(const QueryParams& q, const std::string& key) {
  std::vector<std::string> out;
  const std::string v = query_value(q, key);
  if (!v.empty()) out.push_back(v);
  return out;
}

std::string media_type_of(const HttpRequest& req) { return parse_media_type(req.header("content-type")).type; }

}  // namespace

HttpResponse ResourceService::create(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  const std::string media = media_type_of(req);
  if (media != "application/json" && media != "application/yaml" && !media.empty()) {
    return error_response(unsupported_media_type(media, {"application/json", "application/yaml"}));
  }
  am::WriteOptions options{query_value(req.query, "fieldManager"), false, query_list(req.query, "dryRun"),
                           query_value(req.query, "fieldValidation")};
  if (auto e = am::validate_write_options(am::WriteVerb::Create, options)) return error_response(from_apimachinery(*e));
  auto decoded = decode_body(media.empty() ? "application/json" : media, req.body);
  if (auto* e = std::get_if<ApiError>(&decoded)) return error_response(*e);
  DecodedBody& body = std::get<DecodedBody>(decoded);

  WriteContext ctx;
  ctx.info = &info;
  ctx.ns = info.namespaced ? ri.namespace_ : "";
  ctx.field_validation = options.field_validation.empty() ? "Warn" : options.field_validation;
  ctx.manager = options.field_manager.empty() ? am::default_field_manager(req.header("user-agent")) : options.field_manager;
  ctx.dry_run = !options.dry_run.empty();
  ctx.duplicate_fields = body.duplicate_fields;
  const WriteResult r = store_.transact([&](Store::Txn& txn) { return write_locked(txn, ctx, nullptr, std::move(body.value)); });
  if (r.error) return error_response(*r.error);
  return json_response(r.status, *as_served(r.object, info), r.warnings);
}

HttpResponse ResourceService::update(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  const std::string media = media_type_of(req);
  if (media != "application/json" && media != "application/yaml" && !media.empty()) {
    return error_response(unsupported_media_type(media, {"application/json", "application/yaml"}));
  }
  am::WriteOptions options{query_value(req.query, "fieldManager"), false, query_list(req.query, "dryRun"),
                           query_value(req.query, "fieldValidation")};
  if (auto e = am::validate_write_options(am::WriteVerb::Update, options)) return error_response(from_apimachinery(*e));
  auto decoded = decode_body(media.empty() ? "application/json" : media, req.body);
  if (auto* e = std::get_if<ApiError>(&decoded)) return error_response(*e);
  DecodedBody& body = std::get<DecodedBody>(decoded);
  if (faults_.take_conflict("update", info.group_resource())) return error_response(stale_conflict(info, ri.name));

  WriteContext ctx;
  ctx.info = &info;
  ctx.ns = info.namespaced ? ri.namespace_ : "";
  ctx.name = ri.name;
  ctx.subresource = ri.subresource;
  ctx.field_validation = options.field_validation.empty() ? "Warn" : options.field_validation;
  ctx.manager = options.field_manager.empty() ? am::default_field_manager(req.header("user-agent")) : options.field_manager;
  ctx.dry_run = !options.dry_run.empty();
  ctx.duplicate_fields = body.duplicate_fields;
  const WriteResult r = store_.transact([&](Store::Txn& txn) {
    const ObjectPtr live = txn.get(info.storage_prefix(), ctx.ns, ctx.name);
    if (!live) {
      WriteResult missing;
      missing.error = not_found(info, ri.name);
      return missing;
    }
    return write_locked(txn, ctx, live, std::move(body.value));
  });
  if (r.error) return error_response(*r.error);
  return json_response(r.status, *as_served(r.object, info), r.warnings);
}

HttpResponse ResourceService::patch(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  const std::string media = media_type_of(req);
  const bool apply = media == "application/apply-patch+yaml";
  std::vector<std::string> accepted{"application/json-patch+json", "application/merge-patch+json"};
  if (info.builtin) accepted.push_back("application/strategic-merge-patch+json");
  accepted.push_back("application/apply-patch+yaml");
  if (std::find(accepted.begin(), accepted.end(), media) == accepted.end()) {
    return error_response(unsupported_media_type(media, accepted));
  }
  am::WriteOptions options{query_value(req.query, "fieldManager"), req.query.count("force") > 0,
                           query_list(req.query, "dryRun"), query_value(req.query, "fieldValidation")};
  if (auto e = am::validate_write_options(apply ? am::WriteVerb::Apply : am::WriteVerb::Patch, options)) {
    return error_response(from_apimachinery(*e));
  }
  auto decoded = decode_body(apply ? media : "application/json", req.body);
  if (auto* e = std::get_if<ApiError>(&decoded)) return error_response(*e);
  DecodedBody& body = std::get<DecodedBody>(decoded);
  if (faults_.take_conflict("patch", info.group_resource())) return error_response(stale_conflict(info, ri.name));

  WriteContext ctx;
  ctx.info = &info;
  ctx.ns = info.namespaced ? ri.namespace_ : "";
  ctx.name = ri.name;
  ctx.subresource = ri.subresource;
  ctx.field_validation = options.field_validation.empty() ? "Warn" : options.field_validation;
  ctx.manager = options.field_manager.empty() ? am::default_field_manager(req.header("user-agent")) : options.field_manager;
  ctx.dry_run = !options.dry_run.empty();
  ctx.duplicate_fields = body.duplicate_fields;
  const bool force = query_flag(req.query, "force");

  const WriteResult r = store_.transact([&](Store::Txn& txn) {
    WriteResult failed;
    const ObjectPtr live = txn.get(info.storage_prefix(), ctx.ns, ctx.name);
    if (!live && !apply) {
      failed.error = not_found(info, ri.name);
      return failed;
    }
    const am::SchemaLookup lookup = schemas_.lookup_for(info);
    if (apply) {
      if (!live && !ri.subresource.empty()) {
        failed.error = not_found(info, ri.name);
        return failed;
      }
      am::ApplyRequest request;
      if (live) request.live = *as_served(live, info);
      request.applied = body.value;
      request.manager = ctx.manager;
      request.force = force;
      auto applied = am::server_side_apply(request, managed_fields_context(info, ri.subresource), lookup);
      if (!applied) {
        failed.error = from_apimachinery(applied.error());
        if (failed.error->reason == "Conflict" && failed.error->kind.empty()) {
          failed.error->name = ri.name;
          failed.error->group = info.group;
          failed.error->kind = info.resource;
        }
        return failed;
      }
      WriteContext apply_ctx = ctx;
      apply_ctx.managed_fields_done = true;
      json::Value candidate = std::move(applied).value();
      if (!live) {
        // Apply that creates: the name comes from the URL.
        apply_ctx.name = ri.name;
        return write_locked(txn, apply_ctx, nullptr, std::move(candidate));
      }
      return write_locked(txn, apply_ctx, live, std::move(candidate));
    }
    const json::Value current = *as_served(live, info);
    am::Result<json::Value> patched = media == "application/json-patch+json"
                                          ? am::apply_json_patch(current, body.value)
                                      : media == "application/merge-patch+json"
                                          ? am::apply_merge_patch(current, body.value)
                                          : am::apply_strategic_merge_patch(current, body.value, lookup);
    if (!patched) {
      failed.error = from_apimachinery(patched.error());
      return failed;
    }
    return write_locked(txn, ctx, live, std::move(patched).value());
  });
  if (r.error) return error_response(*r.error);
  return json_response(r.status, *as_served(r.object, info), r.warnings);
}

ResourceService::Outcome ResourceService::update_internal(const ResourceInfo& info, const std::string& ns,
                                                          const std::string& name,
                                                          const std::function<bool(json::Value&)>& mutate,
                                                          const std::string& subresource) {
  WriteContext ctx;
  ctx.info = &info;
  ctx.ns = info.namespaced ? ns : "";
  ctx.name = name;
  ctx.subresource = subresource;
  ctx.field_validation = "Ignore";
  ctx.manager = "kube-testserver";
  return store_.transact([&](Store::Txn& txn) {
    const ObjectPtr live = txn.get(info.storage_prefix(), ctx.ns, name);
    if (!live) return Outcome::NotFound;
    json::Value next = *as_served(live, info);
    if (!mutate(next)) return Outcome::Unchanged;
    const WriteResult r = write_locked(txn, ctx, live, std::move(next));
    if (r.error) return Outcome::Failed;
    return r.object == live ? Outcome::Unchanged : Outcome::Done;
  });
}

ResourceService::Outcome ResourceService::create_internal(const ResourceInfo& info, const json::Value& object) {
  WriteContext ctx;
  ctx.info = &info;
  const json::Value* ns = object.find_path({"metadata", "namespace"});
  ctx.ns = info.namespaced && ns && ns->is_string() ? ns->as_string() : "";
  ctx.field_validation = "Ignore";
  ctx.manager = "kube-testserver";
  return store_.transact([&](Store::Txn& txn) {
    const WriteResult r = write_locked(txn, ctx, nullptr, object);
    return r.error ? Outcome::Failed : Outcome::Done;
  });
}

}  // namespace sqlop::testserver
