// Kubernetes API errors as values, and the metav1.Status bodies the apiserver sends for them.
// Messages follow the apiserver's wording, because clients (kubectl, client-go) show or match them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "server/resource_info.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

// One entry of details.causes.
struct Cause {
  std::string reason;   // FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, ...
  std::string message;  // what is wrong with the field
  std::string field;    // JSON path such as spec.replicas
};

struct ApiError {
  int code = 500;
  std::string reason;  // StatusReason: NotFound, AlreadyExists, Conflict, Invalid, BadRequest, ...
  std::string message;
  // details: name, group, kind (the resource name, or the Kind for Invalid), uid, causes, retryAfterSeconds.
  std::string name;
  std::string group;
  std::string kind;
  std::vector<Cause> causes;
  int retry_after_seconds = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

// The Status object for an error.
sqlop::json::Value status_body(const ApiError& error);
// A Status with status Success (what some deletes return).
sqlop::json::Value success_status(const ResourceInfo& info, const std::string& name, const std::string& uid);

ApiError not_found(const ResourceInfo& info, const std::string& name);
ApiError not_found_resource();  // "the server could not find the requested resource"
ApiError already_exists(const ResourceInfo& info, const std::string& name);
ApiError conflict(const ResourceInfo& info, const std::string& name, const std::string& why);
ApiError stale_conflict(const ResourceInfo& info, const std::string& name);
ApiError bad_request(const std::string& message);
ApiError method_not_allowed(const std::string& message);
ApiError unsupported_media_type(const std::string& content_type, const std::vector<std::string>& accepted);
ApiError not_acceptable(const std::string& message);
ApiError gone(const std::string& message);  // 410 Expired
ApiError forbidden(const ResourceInfo& info, const std::string& name, const std::string& why);
ApiError unauthorized();
ApiError internal_error(const std::string& message);
ApiError too_many_requests(int retry_after_seconds);
// 422: `Kind "name" is invalid: field: message, field: message`.
ApiError invalid(const ResourceInfo& info, const std::string& name, std::vector<Cause> causes);

// Field error builders with the apiserver's wording (field.ErrorList in Go).
Cause field_required(const std::string& field, const std::string& detail = {});
Cause field_invalid(const std::string& field, const sqlop::json::Value& value, const std::string& detail);
Cause field_forbidden(const std::string& field, const std::string& detail);
Cause field_not_supported(const std::string& field, const sqlop::json::Value& value,
                          const std::vector<std::string>& supported);
Cause field_duplicate(const std::string& field, const sqlop::json::Value& value);
Cause field_immutable(const std::string& field, const sqlop::json::Value& value,
                      const std::string& detail = "field is immutable");
Cause field_too_long(const std::string& field, std::size_t max);

}  // namespace sqlop::testserver
