// The write pipeline shared by create, update, patch and server-side apply: type and object metadata,
// what each endpoint may change, defaults, schema and kind validation, fieldValidation, generation,
// managedFields, no-op detection, finalizer completion and the commit.
#include <algorithm>

#include "apimachinery/apply.hpp"
#include "apimachinery/defaults.hpp"
#include "apimachinery/objects.hpp"
#include "server/body_decoding.hpp"
#include "server/ids_and_time.hpp"
#include "server/object_rules.hpp"
#include "server/resource_service.hpp"
#include "server/write_context.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;
namespace am = sqlop::apimachinery;


namespace {

bool has_deletion_timestamp(const json::Value& o) {
  const json::Value* ts = o.find_path({"metadata", "deletionTimestamp"});
  return ts && ts->is_string() && !ts->as_string().empty();
}

std::vector<std::string> string_list(const json::Value* v) {
  std::vector<std::string> out;
  if (v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  }
  return out;
}

bool finalizers_pending(const ResourceInfo& info, const json::Value& o) {
  if (!string_list(o.find_path({"metadata", "finalizers"})).empty()) return true;
  return info.builtin && info.resource == "namespaces" && !string_list(o.find_path({"spec", "finalizers"})).empty();
}

am::GenerationPolicy generation_policy(const ResourceInfo& info) {
  if (!info.builtin) {
    return info.has_status ? am::GenerationPolicy::AllButMetadataStatus : am::GenerationPolicy::AllButMetadata;
  }
  return am::generation_policy_for(info.group, info.kind);
}

am::NameRule name_rule(const ResourceInfo& info) {
  return info.builtin ? am::name_rule_for(info.group, info.kind) : am::NameRule::Dns1123Subdomain;
}


// fieldValidation: Strict fails on unknown/duplicate fields, Warn returns them as warnings, Ignore drops them.
std::optional<ApiError> field_validation_outcome(const std::string& directive, const std::vector<std::string>& duplicates,
                                                 const std::vector<std::string>& unknown,
                                                 std::vector<std::string>& warnings) {
  std::vector<std::string> problems;
  for (const auto& d : duplicates) problems.push_back(duplicate_field_text(d));
  for (const auto& u : unknown) problems.push_back(unknown_field_text(u));
  if (problems.empty() || directive == "Ignore") return std::nullopt;
  if (directive == "Strict") {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : ", ") + p;
    return bad_request("strict decoding error: " + text);
  }
  warnings.insert(warnings.end(), problems.begin(), problems.end());
  return std::nullopt;
}

std::optional<ApiError> check_type_meta(const ResourceInfo& info, json::Value& candidate) {
  if (!candidate.is_object()) return bad_request("the body of the request must be a JSON object");
  const json::Value* api_version = candidate.find("apiVersion");
  const json::Value* kind = candidate.find("kind");
  const bool has_version = api_version && api_version->is_string() && !api_version->as_string().empty();
  const bool has_kind = kind && kind->is_string() && !kind->as_string().empty();
  if (!info.builtin && (!has_version || !has_kind)) {
    return bad_request(std::string("Object '") + (has_kind ? "apiVersion" : "Kind") + "' is missing in '" +
                       json::dump(candidate).substr(0, 200) + "'");
  }
  if (has_version && api_version->as_string() != info.api_version()) {
    return bad_request("the API version in the data (" + api_version->as_string() +
                       ") does not match the expected API version (" + info.api_version() + ")");
  }
  if (has_kind && kind->as_string() != info.kind) {
    return bad_request(kind->as_string() + " in version \"" + info.version + "\" cannot be handled as a " + info.kind +
                       ": the kind in the data (" + kind->as_string() + ") does not match the expected kind (" +
                       info.kind + ")");
  }
  // Typed decoding fills in the endpoint's kind; the stored object always carries both.
  json::Value fixed = json::Value::object();
  fixed["apiVersion"] = info.api_version();
  fixed["kind"] = info.kind;
  for (auto& [k, v] : candidate.as_object()) {
    if (k != "apiVersion" && k != "kind") fixed[k] = std::move(v);
  }
  candidate = std::move(fixed);
  if (const json::Value* meta = candidate.find("metadata"); meta && !meta->is_object() && !meta->is_null()) {
    return bad_request("metadata must be an object");
  }
  if (!candidate.find("metadata") || candidate.find("metadata")->is_null()) candidate["metadata"] = json::Value::object();
  return std::nullopt;
}

void erase_meta(json::Value& o, std::initializer_list<const char*> keys) {
  json::Value& meta = o["metadata"];
  for (const char* k : keys) meta.as_object().erase(k);
}

void copy_meta(json::Value& to, const json::Value& from, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const json::Value* v = from.find_path({"metadata", k});
    if (v) {
      to["metadata"][k] = *v;
    } else {
      to["metadata"].as_object().erase(k);
    }
  }
}

std::string service_ip(unsigned n) {
  return "10.96." + std::to_string((n >> 8) & 0xFF) + "." + std::to_string(n & 0xFF);
}

}  // namespace

am::ManagedFieldsContext managed_fields_context(const ResourceInfo& info, const std::string& subresource) {
  am::ManagedFieldsContext ctx;
  ctx.api_version = info.api_version();
  ctx.kind = info.kind;
  ctx.subresource = subresource == "status" ? "status" : "";
  ctx.now = now_rfc3339();
  ctx.reset_fields = am::reset_fields_for(info.group, info.kind, ctx.subresource, !info.builtin);
  return ctx;
}

ResourceService::WriteResult ResourceService::write_locked(Store::Txn& txn, const WriteContext& ctx, ObjectPtr live,
                                                           json::Value candidate) {
  const ResourceInfo& info = *ctx.info;
  WriteResult result;
  auto fail = [&](ApiError e) {
    result.error = std::move(e);
    return result;
  };
  const bool create = !live;
  if (auto e = check_type_meta(info, candidate)) return fail(*e);

  // Namespace of the object: the URL's, which the body may repeat but not contradict.
  json::Value& meta = candidate["metadata"];
  if (info.namespaced) {
    const std::string body_ns = meta.get_string("namespace");
    if (!body_ns.empty() && body_ns != ctx.ns) {
      return fail(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
    }
    meta["namespace"] = ctx.ns;
  } else {
    meta.as_object().erase("namespace");
  }

  if (create) {
    if (!ctx.name.empty() && meta.get_string("name").empty()) meta["name"] = ctx.name;
    if (!ctx.name.empty() && meta.get_string("name") != ctx.name) {
      return fail(bad_request("the name of the object (" + meta.get_string("name") +
                              ") does not match the name on the URL (" + ctx.name + ")"));
    }
    if (!meta.get_string("resourceVersion").empty()) {
      return fail(internal_error("resourceVersion should not be set on objects to be created"));
    }
    if (meta.get_string("name").empty() && !meta.get_string("generateName").empty()) {
      for (int attempt = 0; attempt < 8; ++attempt) {
        const std::string generated = am::generate_name(meta.get_string("generateName"), random_below);
        if (!txn.get(info.storage_prefix(), ctx.ns, generated)) {
          meta["name"] = generated;
          break;
        }
      }
    }
    erase_meta(candidate, {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
                           "generation"});
    meta["uid"] = new_uid();
    meta["creationTimestamp"] = now_rfc3339();
    if (info.has_status) {
      const json::Value status = initial_status(info, candidate);
      if (status.is_null()) {
        candidate.as_object().erase("status");
      } else {
        candidate["status"] = status;
      }
    }
    // New content in a missing or terminating namespace is refused.
    if (info.namespaced) {
      const ObjectPtr ns_obj = txn.get("/namespaces", "", ctx.ns);
      const ResourceInfoPtr ns_info = table_.find("", "v1", "namespaces");
      if (!ns_obj) return fail(not_found(*ns_info, ctx.ns));
      if (has_deletion_timestamp(*ns_obj)) {
        ApiError e = forbidden(info, meta.get_string("name"), "unable to create new content in namespace " + ctx.ns +
                                                                 " because it is being terminated");
        e.message = "unable to create new content in namespace " + ctx.ns + " because it is being terminated";
        return fail(e);
      }
    }
    if (!info.builtin && info.crd) {
      const ObjectPtr crd = txn.get("apiextensions.k8s.io/customresourcedefinitions", "", info.crd_name);
      if (crd && has_deletion_timestamp(*crd)) {
        return fail(method_not_allowed("create not allowed while custom resource definition is terminating"));
      }
    }
  } else {
    const json::Value& old = *live;
    const std::string body_name = meta.get_string("name");
    if (body_name != ctx.name) {
      return fail(bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" +
                              ctx.name + ")"));
    }
    const std::string body_rv = meta.get_string("resourceVersion");
    if (!body_rv.empty() && body_rv != old.find_path({"metadata", "resourceVersion"})->as_string()) {
      return fail(stale_conflict(info, ctx.name));
    }
    const std::string body_uid = meta.get_string("uid");
    const std::string live_uid = old.find_path({"metadata", "uid"}) ? old.find_path({"metadata", "uid"})->as_string() : "";
    if (!body_uid.empty() && body_uid != live_uid) {
      return fail(conflict(info, ctx.name, "Precondition failed: UID in precondition: " + body_uid +
                                               ", UID in object meta: " + live_uid));
    }
    if (ctx.subresource == "status") {
      json::Value next = old;
      if (const json::Value* status = candidate.find("status")) {
        next["status"] = *status;
      } else {
        next.as_object().erase("status");
      }
      if (const json::Value* mf = candidate.find_path({"metadata", "managedFields"})) next["metadata"]["managedFields"] = *mf;
      candidate = std::move(next);
    } else if (ctx.subresource == "finalize") {
      json::Value next = old;
      const json::Value* f = candidate.find_path({"spec", "finalizers"});
      next["spec"]["finalizers"] = f ? *f : json::Value::array();
      candidate = std::move(next);
    } else {
      if (info.has_status) {
        if (const json::Value* status = old.find("status")) {
          candidate["status"] = *status;
        } else {
          candidate.as_object().erase("status");
        }
      }
      copy_meta(candidate, old, {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                                 "generation"});
      // A namespace's spec.finalizers only change through /finalize.
      if (info.builtin && info.resource == "namespaces") {
        const json::Value* f = old.find_path({"spec", "finalizers"});
        if (f) candidate["spec"]["finalizers"] = *f;
      }
      erase_meta(candidate, {"selfLink"});
    }
    // An object being deleted may lose finalizers but not gain new ones.
    if (has_deletion_timestamp(old)) {
      const auto before = string_list(old.find_path({"metadata", "finalizers"}));
      std::vector<std::string> added;
      for (const auto& f : string_list(candidate.find_path({"metadata", "finalizers"}))) {
        if (std::find(before.begin(), before.end(), f) == before.end()) added.push_back(f);
      }
      if (!added.empty()) {
        std::string list;
        for (const auto& a : added) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
        return fail(invalid(info, ctx.name, {field_forbidden("metadata.finalizers",
                                                             "no new finalizers can be added if the object is being "
                                                             "deleted, found new finalizers []string{" + list + "}")}));
      }
    }
  }

  normalize_for_write(info, candidate, create);

  // Defaults, then the schema: builtin kinds against the OpenAPI documents, custom resources against
  // their CRD (pruning, defaulting, validation).
  SchemaFindings findings;
  if (info.builtin) {
    if (!create && info.resource == "services") candidate = am::carry_over_service_allocations(*live, candidate);
    am::Allocators allocators;
    if (info.resource == "services" && info.group.empty()) {
      allocators.cluster_ip = [&]() { return service_ip(++service_ip_counter_); };
      allocators.node_port = [&]() { return 30000 + static_cast<int>(node_port_counter_++ % 2768); };
    }
    candidate = am::apply_builtin_defaults(candidate, allocators);
    findings = schemas_.check_builtin(candidate);
  } else {
    findings = schemas_.check_custom(info, candidate);
  }
  if (auto e = field_validation_outcome(ctx.field_validation, ctx.duplicate_fields, findings.unknown_fields,
                                        result.warnings)) {
    return fail(*e);
  }
  if (findings.decode_error) return fail(*findings.decode_error);

  const std::string name = candidate["metadata"].get_string("name");
  std::vector<Cause> causes;
  for (const auto& c : am::validate_object_meta(candidate, name_rule(info), info.namespaced)) {
    causes.push_back({c.reason, c.message, c.field});
  }
  causes.insert(causes.end(), findings.invalid.begin(), findings.invalid.end());
  const std::vector<Cause> kind_causes = validate_kind_rules(info, candidate, live.get());
  causes.insert(causes.end(), kind_causes.begin(), kind_causes.end());
  if (info.builtin && info.resource == "customresourcedefinitions") {
    const SchemaSupport::CrdCheck check = schemas_.check_crd(candidate);
    causes.insert(causes.end(), check.causes.begin(), check.causes.end());
  }
  if (!causes.empty()) return fail(invalid(info, name, std::move(causes)));

  const am::GenerationPolicy policy = generation_policy(info);
  if (create) {
    if (policy != am::GenerationPolicy::None) candidate["metadata"]["generation"] = 1;
  } else if (ctx.subresource.empty()) {
    const std::int64_t generation = am::next_generation(*live, candidate, policy);
    if (generation > 0) candidate["metadata"]["generation"] = static_cast<long long>(generation);
  }

  if (!ctx.managed_fields_done) {
    candidate = am::update_managed_fields(live.get(), candidate, ctx.manager, managed_fields_context(info, ctx.subresource),
                                          schemas_.lookup_for(info));
  }

  if (!create && am::is_noop_update(*live, candidate)) {
    result.object = live;
    return result;
  }
  if (ctx.dry_run) {
    result.status = create ? 201 : 200;
    result.object = std::make_shared<const json::Value>(std::move(candidate));
    return result;
  }
  if (!create && has_deletion_timestamp(*live) && !finalizers_pending(info, candidate)) {
    result.object = txn.remove(info.storage_prefix(), ctx.ns, ctx.name, std::move(candidate));
    result.deleted = true;
    return result;
  }
  if (create && txn.get(info.storage_prefix(), ctx.ns, name)) return fail(already_exists(info, name));
  result.status = create ? 201 : 200;
  result.object = txn.put(info.storage_prefix(), ctx.ns, name, std::move(candidate));
  return result;
}

}  // namespace sqlop::testserver
