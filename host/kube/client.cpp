#include "host/kube/client.hpp"

#include <utility>

namespace sqlop::kube {

namespace {

// --- requests ---------------------------------------------------------------------------------------------

// Query parameters in order; empty values are left out, as client-go does.
class Query {
 public:
  Query& add(const char* name, const std::string& value) {
    if (!value.empty()) parameters_.emplace_back(name, value);
    return *this;
  }
  std::string apply_to(std::string path) const {
    char separator = '?';
    for (const auto& [name, value] : parameters_) {
      path += separator;
      path += name;
      path += '=';
      path += query_escape(value);
      separator = '&';
    }
    return path;
  }

 private:
  std::vector<std::pair<std::string, std::string>> parameters_;
};

std::string patch_content_type(PatchType patch) {
  switch (patch) {
    case PatchType::Merge: return "application/merge-patch+json";
    case PatchType::Json: return "application/json-patch+json";
    case PatchType::StrategicMerge: return "application/strategic-merge-patch+json";
    case PatchType::Apply: return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

HttpRequest make_request(std::string method, std::string path, std::string body = {},
                         std::string content_type = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return request;
}

// A mistake of the caller, caught before anything is sent.
ApiError invalid_request(const std::string& message) {
  ApiError error;
  error.code = 400;
  error.reason = "BadRequest";
  error.message = message;
  return error;
}

std::string object_name(const json::Value& object) {
  const json::Value* name = object.find_path({"metadata", "name"});
  return name && name->is_string() ? name->as_string() : std::string();
}

// The namespace argument, or the object's own when the argument is empty.
std::string object_namespace(const std::string& ns, const json::Value& object) {
  if (!ns.empty()) return ns;
  const json::Value* from_object = object.find_path({"metadata", "namespace"});
  return from_object && from_object->is_string() ? from_object->as_string() : std::string();
}

void fill_type_meta(json::Value& object, const ResourceType& type) {
  if (!object.is_object()) return;
  object.as_object().set("apiVersion", type.api_version());
  object.as_object().set("kind", type.kind);
}

// --- responses --------------------------------------------------------------------------------------------

ApiError invalid_json(const HttpRequest& request, const json::ParseError& parse_error) {
  // Code 0: a body that does not parse is a broken exchange (truncated, a proxy's page), worth a retry.
  return transport_error("invalid JSON in the response to " + request.method + " " + request.path + ": " +
                         parse_error.message + " at byte " + std::to_string(parse_error.offset));
}

// The JSON body of a successful exchange, or the error it carries.
Result<json::Value> decode(const HttpRequest& request, const Result<HttpResponse>& exchanged) {
  if (!exchanged.ok()) return {std::nullopt, exchanged.error};
  const HttpResponse& response = *exchanged.value;
  if (response.status < 200 || response.status > 299) {
    return {std::nullopt, api_error_from_response(response.status, response.body, response.retry_after_seconds)};
  }
  json::ParseError parse_error;
  std::optional<json::Value> document = json::parse(response.body, &parse_error);
  if (!document) return {std::nullopt, invalid_json(request, parse_error)};
  return {std::move(document), std::nullopt};
}

Result<json::Value> send(Transport& transport, const HttpRequest& request) {
  return decode(request, transport.round_trip(request));
}

// --- watch ------------------------------------------------------------------------------------------------

std::optional<WatchEvent::Type> event_type(const std::string& name) {
  if (name == "ADDED") return WatchEvent::Type::Added;
  if (name == "MODIFIED") return WatchEvent::Type::Modified;
  if (name == "DELETED") return WatchEvent::Type::Deleted;
  if (name == "BOOKMARK") return WatchEvent::Type::Bookmark;
  if (name == "ERROR") return WatchEvent::Type::Error;
  return std::nullopt;
}

ApiError malformed_event(const std::string& why) { return transport_error("malformed watch event: " + why); }

// One line of a watch stream: {"type": "...", "object": {...}}.
WatchStream::Next decode_event(const std::string& line, const ResourceType& type) {
  json::ParseError parse_error;
  std::optional<json::Value> document = json::parse(line, &parse_error);
  if (!document) {
    return {std::nullopt, malformed_event(parse_error.message + " at byte " + std::to_string(parse_error.offset))};
  }
  const std::optional<WatchEvent::Type> kind = event_type(document->get_string("type"));
  json::Value* object = document->find("object");
  if (!kind) return {std::nullopt, malformed_event("unknown type \"" + document->get_string("type") + "\"")};
  if (!object || !object->is_object()) return {std::nullopt, malformed_event("no object")};
  if (*kind == WatchEvent::Type::Error) {
    const int code = static_cast<int>(object->get_int("code", 500));
    return {std::nullopt, api_error_from_response(code, json::dump(*object))};
  }
  if (*kind != WatchEvent::Type::Bookmark && !object->find("kind")) fill_type_meta(*object, type);
  return {WatchEvent{*kind, std::move(*object)}, std::nullopt};
}

class DecodingWatchStream : public WatchStream {
 public:
  DecodingWatchStream(std::unique_ptr<LineStream> lines, ResourceType type)
      : lines_(std::move(lines)), type_(std::move(type)) {}

  Next next() override {
    while (std::optional<std::string> line = lines_->next_line()) {
      if (line->find_first_not_of(" \t\r") == std::string::npos) continue;  // keep-alive blank lines
      return decode_event(*line, type_);
    }
    return {std::nullopt, lines_->error()};
  }

  void cancel() override { lines_->cancel(); }

 private:
  const std::unique_ptr<LineStream> lines_;
  const ResourceType type_;
};

// --- list -------------------------------------------------------------------------------------------------

std::string list_path(const ResourceType& type, const std::string& ns, const ListOptions& options,
                      const std::string& continue_token) {
  Query query;
  query.add("labelSelector", options.label_selector).add("fieldSelector", options.field_selector);
  if (options.limit > 0) query.add("limit", std::to_string(options.limit));
  // A continue token carries the snapshot; the server refuses a resourceVersion next to it.
  if (continue_token.empty()) {
    query.add("resourceVersion", options.resource_version);
  } else {
    query.add("continue", continue_token);
  }
  return query.apply_to(resource_path(type, ns));
}

}  // namespace

Client::Client(std::shared_ptr<Transport> transport) : transport_(std::move(transport)) {}

Result<json::Value> Client::get(const ResourceType& type, const std::string& ns, const std::string& name) const {
  if (name.empty()) return {std::nullopt, invalid_request("get " + type.qualified_name() + ": name is empty")};
  return send(*transport_, make_request("GET", resource_path(type, ns, name)));
}

Result<ObjectList> Client::list(const ResourceType& type, const std::string& ns, const ListOptions& options) const {
  ObjectList out;
  std::string continue_token;
  do {
    Result<json::Value> page = send(*transport_, make_request("GET", list_path(type, ns, options, continue_token)));
    if (!page.ok()) return {std::nullopt, page.error};
    if (json::Value* items = page.value->find("items"); items && items->is_array()) {
      for (json::Value& item : items->as_array()) {
        fill_type_meta(item, type);
        if (options.item_transform) options.item_transform(item);
        out.items.push_back(std::move(item));
      }
    }
    // Every page of one list shares its snapshot, so any page's resourceVersion is the list's.
    const json::Value* metadata = page.value->find("metadata");
    out.resource_version = metadata ? metadata->get_string("resourceVersion") : std::string();
    continue_token = metadata ? metadata->get_string("continue") : std::string();
  } while (!continue_token.empty());
  return {std::move(out), std::nullopt};
}

Result<json::Value> Client::create(const ResourceType& type, const std::string& ns, const json::Value& object,
                                   const WriteOptions& options) const {
  std::string path = resource_path(type, object_namespace(ns, object));
  if (!options.subresource.empty()) {
    path = resource_path(type, object_namespace(ns, object), object_name(object), options.subresource);
  }
  path = Query().add("fieldManager", options.field_manager).apply_to(path);
  return send(*transport_, make_request("POST", path, json::dump(object), "application/json"));
}

Result<json::Value> Client::update(const ResourceType& type, const std::string& ns, const json::Value& object,
                                   const WriteOptions& options) const {
  const std::string name = object_name(object);
  if (name.empty()) return {std::nullopt, invalid_request("update " + type.qualified_name() + ": no metadata.name")};
  const std::string path = Query()
                               .add("fieldManager", options.field_manager)
                               .apply_to(resource_path(type, object_namespace(ns, object), name, options.subresource));
  return send(*transport_, make_request("PUT", path, json::dump(object), "application/json"));
}

Result<json::Value> Client::patch(const ResourceType& type, const std::string& ns, const std::string& name,
                                  PatchType patch, const std::string& body, const WriteOptions& options) const {
  if (name.empty()) return {std::nullopt, invalid_request("patch " + type.qualified_name() + ": name is empty")};
  Query query;
  query.add("fieldManager", options.field_manager);
  // force is only meaningful (and only accepted) for server-side apply.
  if (patch == PatchType::Apply && options.force) query.add("force", "true");
  const std::string path = query.apply_to(resource_path(type, ns, name, options.subresource));
  return send(*transport_, make_request("PATCH", path, body, patch_content_type(patch)));
}

Result<json::Value> Client::apply(const ResourceType& type, const std::string& ns, const json::Value& object,
                                  const WriteOptions& options) const {
  const std::string name = object_name(object);
  if (name.empty()) return {std::nullopt, invalid_request("apply " + type.qualified_name() + ": no metadata.name")};
  if (options.field_manager.empty()) {
    return {std::nullopt, invalid_request("apply " + type.qualified_name() + ": a field manager is required")};
  }
  // The apply body must name its type; JSON is valid YAML, so it goes as it is.
  json::Value body = object;
  if (!body.find("apiVersion") || !body.find("kind")) fill_type_meta(body, type);
  return patch(type, object_namespace(ns, object), name, PatchType::Apply, json::dump(body), options);
}

std::optional<ApiError> Client::remove(const ResourceType& type, const std::string& ns, const std::string& name,
                                       const DeleteOptions& options) const {
  if (name.empty()) return invalid_request("delete " + type.qualified_name() + ": name is empty");
  HttpRequest request = make_request("DELETE", resource_path(type, ns, name));
  json::Value body = json::Value::object();
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (!body.as_object().empty()) {
    body.as_object().set("apiVersion", "v1");
    body.as_object().set("kind", "DeleteOptions");
    request.body = json::dump(body);
    request.content_type = "application/json";
  }
  return send(*transport_, request).error;
}

Result<std::unique_ptr<WatchStream>> Client::watch(const ResourceType& type, const std::string& ns,
                                                   const WatchOptions& options) const {
  Query query;
  query.add("watch", "true")
      .add("resourceVersion", options.resource_version)
      .add("labelSelector", options.label_selector)
      .add("fieldSelector", options.field_selector);
  if (options.allow_bookmarks) query.add("allowWatchBookmarks", "true");
  if (options.timeout_seconds > 0) query.add("timeoutSeconds", std::to_string(options.timeout_seconds));
  Result<std::unique_ptr<LineStream>> opened =
      transport_->open_stream(make_request("GET", query.apply_to(resource_path(type, ns))));
  if (!opened.ok()) return {std::nullopt, opened.error};
  std::unique_ptr<WatchStream> stream = std::make_unique<DecodingWatchStream>(std::move(*opened.value), type);
  return {std::move(stream), std::nullopt};
}

}  // namespace sqlop::kube
