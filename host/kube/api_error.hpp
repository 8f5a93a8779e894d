// Errors from talking to the API server, as values: either the server answered with a failure (HTTP
// status and, usually, a metav1.Status body carrying reason and message) or the request never got an
// answer (connection refused, TLS failure, timeout, credentials that could not be obtained).
#pragma once

#include <string>

#include "sqlite_operator/json.hpp"

namespace sqlop::kube {

struct ApiError {
  int code = 0;         // HTTP status; 0 when no response arrived (transport failure)
  std::string reason;   // Status.reason: NotFound, AlreadyExists, Conflict, Invalid, Gone, Expired, ...
  std::string message;  // Status.message, or the transport's error text; never contains credentials
  int retry_after_seconds = 0;  // from Retry-After or Status.details.retryAfterSeconds; 0 = none

  bool is_transport() const { return code == 0; }
  bool is_not_found() const { return code == 404; }
  bool is_already_exists() const { return code == 409 && reason == "AlreadyExists"; }
  bool is_conflict() const { return code == 409 && reason != "AlreadyExists"; }
  bool is_gone() const { return code == 410 || reason == "Expired" || reason == "Gone"; }
  bool is_invalid() const { return code == 422; }
  bool is_unauthorized() const { return code == 401; }
  bool is_forbidden() const { return code == 403; }
  bool is_too_many_requests() const { return code == 429; }
  // Worth retrying unchanged after a backoff: transport failures, 429, 5xx.
  bool is_retryable() const { return code == 0 || code == 429 || code >= 500; }

  // "409 Conflict: Operation cannot be fulfilled on ..." / "connection refused: 127.0.0.1:6443".
  std::string to_string() const;
};

// The ApiError for a failed response: reason and message from a Status body when it is one, else the
// HTTP status text and a short prefix of the body.
ApiError api_error_from_response(int http_status, const std::string& body, int retry_after_seconds = 0);
ApiError transport_error(const std::string& message);

}  // namespace sqlop::kube
