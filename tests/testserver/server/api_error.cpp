#include "server/api_error.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

// The quoted rendering Go's field errors use for a value.
std::string render_value(const json::Value& v) {
  if (v.is_string()) return "\"" + v.as_string() + "\"";
  if (v.is_null()) return "null";
  return json::dump(v);
}

ApiError make(int code, std::string reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

ApiError about(const ResourceInfo& info, const std::string& name, ApiError e) {
  e.name = name;
  e.group = info.group;
  e.kind = info.resource;
  return e;
}

std::string qualified(const ResourceInfo& info, const std::string& name) {
  return info.group_resource() + " \"" + name + "\"";
}

}  // namespace

json::Value status_body(const ApiError& error) {
  json::Value s = json::Value::object();
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = json::Value::object();
  s["status"] = "Failure";
  s["message"] = error.message;
  if (!error.reason.empty()) s["reason"] = error.reason;
  json::Value details = json::Value::object();
  if (!error.name.empty()) details["name"] = error.name;
  if (!error.group.empty()) details["group"] = error.group;
  if (!error.kind.empty()) details["kind"] = error.kind;
  if (!error.causes.empty()) {
    json::Value causes = json::Value::array();
    for (const Cause& c : error.causes) {
      json::Value cause = json::Value::object();
      if (!c.reason.empty()) cause["reason"] = c.reason;
      cause["message"] = c.message;
      if (!c.field.empty()) cause["field"] = c.field;
      causes.push_back(std::move(cause));
    }
    details["causes"] = std::move(causes);
  }
  if (error.retry_after_seconds > 0) details["retryAfterSeconds"] = error.retry_after_seconds;
  if (!details.as_object().empty()) s["details"] = std::move(details);
  s["code"] = error.code;
  return s;
}

json::Value success_status(const ResourceInfo& info, const std::string& name, const std::string& uid) {
  json::Value s = json::Value::object();
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = json::Value::object();
  s["status"] = "Success";
  json::Value details = json::Value::object();
  details["name"] = name;
  if (!info.group.empty()) details["group"] = info.group;
  details["kind"] = info.resource;
  if (!uid.empty()) details["uid"] = uid;
  s["details"] = std::move(details);
  return s;
}

ApiError not_found(const ResourceInfo& info, const std::string& name) {
  return about(info, name, make(404, "NotFound", qualified(info, name) + " not found"));
}

ApiError not_found_resource() { return make(404, "NotFound", "the server could not find the requested resource"); }

ApiError already_exists(const ResourceInfo& info, const std::string& name) {
  return about(info, name, make(409, "AlreadyExists", qualified(info, name) + " already exists"));
}

ApiError conflict(const ResourceInfo& info, const std::string& name, const std::string& why) {
  return about(info, name, make(409, "Conflict", "Operation cannot be fulfilled on " + qualified(info, name) + ": " + why));
}

ApiError stale_conflict(const ResourceInfo& info, const std::string& name) {
  return conflict(info, name,
                  "the object has been modified; please apply your changes to the latest version and try again");
}

ApiError bad_request(const std::string& message) { return make(400, "BadRequest", message); }

ApiError method_not_allowed(const std::string& message) { return make(405, "MethodNotAllowed", message); }

ApiError unsupported_media_type(const std::string& content_type, const std::vector<std::string>& accepted) {
  std::string list;
  for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
  return make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: " + list +
                  (content_type.empty() ? "" : ""));
}

ApiError not_acceptable(const std::string& message) { return make(406, "NotAcceptable", message); }

ApiError gone(const std::string& message) { return make(410, "Expired", message); }

ApiError forbidden(const ResourceInfo& info, const std::string& name, const std::string& why) {
  return about(info, name, make(403, "Forbidden", qualified(info, name) + " is forbidden: " + why));
}

ApiError unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }

ApiError internal_error(const std::string& message) {
  return make(500, "InternalError", "Internal error occurred: " + message);
}

ApiError too_many_requests(int retry_after_seconds) {
  ApiError e = make(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later");
  e.retry_after_seconds = retry_after_seconds;
  e.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return e;
}

ApiError invalid(const ResourceInfo& info, const std::string& name, std::vector<Cause> causes) {
  std::string text;
  for (const Cause& c : causes) {
    if (!text.empty()) text += ", ";
    text += c.field.empty() ? c.message : c.field + ": " + c.message;
  }
  if (causes.size() > 1) text = "[" + text + "]";
  ApiError e = make(422, "Invalid", info.kind + (info.group.empty() ? "" : "." + info.group) + " \"" + name +
                                        "\" is invalid: " + text);
  e.name = name;
  e.group = info.group;
  e.kind = info.kind;
  e.causes = std::move(causes);
  return e;
}

Cause field_required(const std::string& field, const std::string& detail) {
  return {"FieldValueRequired", "Required value" + (detail.empty() ? "" : ": " + detail), field};
}

Cause field_invalid(const std::string& field, const json::Value& value, const std::string& detail) {
  return {"FieldValueInvalid", "Invalid value: " + render_value(value) + (detail.empty() ? "" : ": " + detail), field};
}

Cause field_forbidden(const std::string& field, const std::string& detail) {
  return {"FieldValueForbidden", "Forbidden: " + detail, field};
}

Cause field_not_supported(const std::string& field, const json::Value& value, const std::vector<std::string>& supported) {
  std::string list;
  for (const auto& s : supported) list += (list.empty() ? "" : ", ") + ("\"" + s + "\"");
  return {"FieldValueNotSupported", "Unsupported value: " + render_value(value) + ": supported values: " + list, field};
}

Cause field_duplicate(const std::string& field, const json::Value& value) {
  return {"FieldValueDuplicate", "Duplicate value: " + render_value(value), field};
}

Cause field_immutable(const std::string& field, const json::Value& value, const std::string& detail) {
  return {"FieldValueInvalid", "Invalid value: " + render_value(value) + ": " + detail, field};
}

Cause field_too_long(const std::string& field, std::size_t max) {
  return {"FieldValueTooLong", "Too long: may not be more than " + std::to_string(max) + " bytes", field};
}

}  // namespace sqlop::testserver
