// Rules for the parts of an object-store replica that are not S3-specific: the endpoint URL, the key prefix
// (`path`) and credential values read from a Secret. (The azure plugin carries the same rules: each plugin
// builds on plugin-api/ alone, as an outside plugin would.)
//
// Pure functions. Each returns every problem it finds, as a reason phrased to follow the field's path
// ("must not start with '/'"). Reasons never quote the checked text: an endpoint may carry credentials and
// a Secret value is a secret.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlop::s3 {

// The parts of an endpoint URL this backend cares about.
struct Endpoint {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without the brackets of an IPv6 literal
  std::string path;    // "" or starting with '/'
};

struct EndpointCheck {
  std::optional<Endpoint> endpoint;  // set when the scheme and host could be read
  std::vector<std::string> problems;
};

// An http:// or https:// URL with a host and optional port and path; no user info, query or fragment.
EndpointCheck check_endpoint(std::string_view url);

// A key prefix inside a bucket: no leading '/', no empty ('//') or '..' segments, no '$'.
std::vector<std::string> key_prefix_problems(std::string_view path);

// Problems of a credential value read from a Secret (empty, a trailing newline, whitespace), phrased
// about "the value" without showing it, e.g. "is empty".
std::vector<std::string> credential_value_problems(std::string_view value);

// Litestream pastes ${VAR} values into its config text before parsing it as YAML, where the substitution
// lands as a plain scalar. A value that YAML would read as something else is reported.
std::optional<std::string> yaml_substitution_problem(std::string_view value);

// True when `text` contains a space, tab, line break or other control character.
bool has_whitespace_or_control(std::string_view text);

// The reason given for a '$' in config text: Litestream would treat it as a variable reference.
extern const char* const kDollarReason;

}  // namespace sqlop::s3
