#include "host/kube/api_error.hpp"

#include <optional>

namespace sqlop::kube {

namespace {

constexpr std::size_t kBodyPrefixLimit = 200;

struct StatusName {
  int code;
  const char* text;    // the HTTP reason phrase
  const char* reason;  // the metav1.StatusReason client-go assumes when the body is not a Status
};

// client-go's newUnstructuredResponseError table, plus the phrases for the message.
constexpr StatusName kStatusNames[] = {
    {400, "Bad Request", "BadRequest"},
    {401, "Unauthorized", "Unauthorized"},
    {403, "Forbidden", "Forbidden"},
    {404, "Not Found", "NotFound"},
    {405, "Method Not Allowed", "MethodNotAllowed"},
    {406, "Not Acceptable", "NotAcceptable"},
    {409, "Conflict", "Conflict"},
    {410, "Gone", "Gone"},
    {413, "Request Entity Too Large", "RequestEntityTooLarge"},
    {415, "Unsupported Media Type", "UnsupportedMediaType"},
    {422, "Unprocessable Entity", "Invalid"},
    {429, "Too Many Requests", "TooManyRequests"},
    {500, "Internal Server Error", "InternalError"},
    {502, "Bad Gateway", ""},
    {503, "Service Unavailable", "ServiceUnavailable"},
    {504, "Gateway Timeout", "Timeout"},
};

const StatusName* find_status_name(int code) {
  for (const StatusName& name : kStatusNames) {
    if (name.code == code) return &name;
  }
  return nullptr;
}

std::string status_text(int code) {
  const StatusName* name = find_status_name(code);
  return name ? name->text : "HTTP " + std::to_string(code);
}

// The start of a non-Status body, on one line, for a message a human can act on.
std::string body_prefix(const std::string& body) {
  std::string out;
  for (const char c : body.substr(0, kBodyPrefixLimit)) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (body.size() > kBodyPrefixLimit) out += "...";
  return out;
}

// A metav1.Status body, when `body` is one.
std::optional<ApiError> from_status_body(int http_status, const std::string& body) {
  const std::optional<json::Value> document = json::parse(body);
  if (!document || !document->is_object() || document->get_string("kind") != "Status") return std::nullopt;
  ApiError error;
  error.code = static_cast<int>(document->get_int("code", http_status));
  if (error.code == 0) error.code = http_status;
  error.reason = document->get_string("reason");
  error.message = document->get_string("message");
  if (const json::Value* retry = document->find_path({"details", "retryAfterSeconds"}); retry && retry->is_number()) {
    error.retry_after_seconds = static_cast<int>(retry->as_int());
  }
  return error;
}

}  // namespace

std::string ApiError::to_string() const {
  if (is_transport()) return message;
  std::string out = std::to_string(code) + " " + (reason.empty() ? status_text(code) : reason);
  if (!message.empty()) out += ": " + message;
  return out;
}

ApiError api_error_from_response(int http_status, const std::string& body, int retry_after_seconds) {
  std::optional<ApiError> error = from_status_body(http_status, body);
  if (!error) {
    error.emplace();
    error->code = http_status;
    const StatusName* name = find_status_name(http_status);
    error->reason = name ? name->reason : "";
    error->message = "the server responded with " + status_text(http_status);
    const std::string prefix = body_prefix(body);
    if (!prefix.empty()) error->message += ": " + prefix;
  }
  // The header is what the server means for this response; the Status detail is the fallback.
  if (retry_after_seconds > 0) error->retry_after_seconds = retry_after_seconds;
  return *error;
}

ApiError transport_error(const std::string& message) {
  ApiError error;
  error.code = 0;
  error.message = message;
  return error;
}

}  // namespace sqlop::kube
