// Request bodies: JSON or YAML by Content-Type, and the duplicate fields a strict decoder reports
// (fieldValidation=Strict fails on them, Warn warns, Ignore keeps the last value as Go does).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/api_error.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

struct DecodedBody {
  sqlop::json::Value value;
  std::vector<std::string> duplicate_fields;  // field paths, in document order
};

// `media_type` without parameters: application/json (and the JSON patch types) or application/yaml,
// application/apply-patch+yaml. Malformed text is 400 BadRequest.
std::variant<DecodedBody, ApiError> decode_body(const std::string& media_type, const std::string& body);

// Paths ("spec.replicas", "spec.containers[0].name") of members that appear twice in one JSON object.
// Assumes `text` is valid JSON (call after parsing succeeded).
std::vector<std::string> find_duplicate_fields(std::string_view text);

// The strict decoding error and warnings texts the apiserver uses.
std::string unknown_field_text(const std::string& path);    // unknown field "spec.foo"
std::string duplicate_field_text(const std::string& path);  // duplicate field "spec.replicas"

}  // namespace sqlop::testserver
