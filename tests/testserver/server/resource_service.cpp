#include "server/resource_service.hpp"

#include "server/media_types.hpp"
#include "server/table_printer.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

std::string warning_header_value(const std::string& text) {
  std::string quoted = "299 - \"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

HttpResponse json_response(int status, const json::Value& body, const std::vector<std::string>& warnings) {
  HttpResponse r;
  r.status = status;
  r.body = json::dump(body);
  for (const auto& w : warnings) r.headers.emplace_back("Warning", warning_header_value(w));
  return r;
}

HttpResponse error_response(const ApiError& error) {
  HttpResponse r = json_response(error.code, status_body(error));
  for (const auto& h : error.headers) r.headers.push_back(h);
  return r;
}

ObjectPtr as_served(const ObjectPtr& object, const ResourceInfo& info) {
  if (!object || object->get_string("apiVersion") == info.api_version()) return object;
  auto copy = std::make_shared<json::Value>(*object);
  (*copy)["apiVersion"] = info.api_version();
  return copy;
}

void ResourceService::serve(const RequestInfo& ri, const ResourceInfoPtr& info, const HttpRequest& req,
                            ResponseSink& sink) {
  // Subresources: status (where the kind has it) and the namespace finalize endpoint.
  if (ri.subresource == "scale" && info->builtin && info->resource == "deployments") {
    const bool allowed = ri.verb == "get" || ri.verb == "update" || ri.verb == "patch";
    sink.send(allowed ? scale(ri, *info, req)
                      : error_response(method_not_allowed("the server does not allow this method on the requested resource")));
    return;
  }
  if (!ri.subresource.empty()) {
    const bool status_ok = ri.subresource == "status" && info->has_status;
    const bool finalize_ok = ri.subresource == "finalize" && info->builtin && info->resource == "namespaces";
    if (!status_ok && !finalize_ok) {
      sink.send(error_response(not_found_resource()));
      return;
    }
    const bool allowed = ri.verb == "get" || ri.verb == "update" || (ri.verb == "patch" && status_ok);
    if (!allowed) {
      sink.send(error_response(method_not_allowed("the server does not allow this method on the requested resource")));
      return;
    }
  }
  if (ri.verb == "watch") {
    watch(ri, *info, req, sink);
    return;
  }
  HttpResponse response;
  if (ri.verb == "get") {
    response = get(ri, *info, req);
  } else if (ri.verb == "list") {
    response = list(ri, *info, req);
  } else if (ri.verb == "create") {
    response = !ri.name.empty() ? error_response(method_not_allowed("the server does not allow this method on the requested resource"))
                                : create(ri, *info, req);
  } else if (ri.verb == "update") {
    response = update(ri, *info, req);
  } else if (ri.verb == "patch") {
    response = patch(ri, *info, req);
  } else if (ri.verb == "delete") {
    response = remove(ri, *info, req);
  } else if (ri.verb == "deletecollection") {
    response = info->builtin && info->resource == "namespaces"
                   ? error_response(method_not_allowed("the server does not allow this method on the requested resource"))
                   : remove_collection(ri, *info, req);
  } else {
    response = error_response(method_not_allowed("the server does not allow this method on the requested resource"));
  }
  sink.send(response);
}

HttpResponse ResourceService::get(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  const Rendering rendering = choose_rendering(req.header("accept"));
  if (rendering == Rendering::NotAcceptable) {
    return error_response(not_acceptable("only the following media types are accepted: application/json, "
                                         "application/json;as=Table;v=v1;g=meta.k8s.io"));
  }
  const ObjectPtr obj = store_.transact([&](Store::Txn& txn) {
    return txn.get(info.storage_prefix(), info.namespaced ? ri.namespace_ : "", ri.name);
  });
  if (!obj) return error_response(not_found(info, ri.name));
  const ObjectPtr served = as_served(obj, info);
  if (rendering == Rendering::Table) {
    TableOptions options;
    options.include_object = query_value(req.query, "includeObject", "Metadata");
    options.resource_version = served->find_path({"metadata", "resourceVersion"})
                                   ? served->find_path({"metadata", "resourceVersion"})->as_string() : "";
    return json_response(200, to_table(info, {served}, options));
  }
  if (rendering == Rendering::PartialObjectMetadata) return json_response(200, partial_object_metadata(*served));
  return json_response(200, *served);
}

}  // namespace sqlop::testserver
