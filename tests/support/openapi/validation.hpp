// openapi/validation.hpp: what every validator in tests/support/openapi returns, and the one option they share.
//
// Paths use the Kubernetes field-path syntax (k8s.io/apimachinery field.Path):
//   object member      "spec.replicas"             (no leading dot; "" is the value as a whole)
//   array element      "spec.containers[0].image"
//   map entry          "metadata.labels[app]"      (a member of an additionalProperties map)
// Messages say what is wrong and what would be right, and NEVER quote the offending value: the value may
// be a Secret's data.
#pragma once

#include <string>
#include <vector>

namespace sqlop::openapi {

struct ValidationError {
  std::string path;     // "spec.template.spec.containers[0].imagePullPolicy"; "" = the value as a whole
  std::string message;  // "unknown field", "Required value", "must be of type integer (got string)", ...
  friend bool operator==(const ValidationError& a, const ValidationError& b) {
    return a.path == b.path && a.message == b.message;
  }
};

using ValidationErrors = std::vector<ValidationError>;

struct ValidateOptions {
  // true: a member the schema does not declare is an error (kubectl --validate=strict, the API's
  // fieldValidation=Strict). false: it is ignored (the apiserver then prunes it; see structural::prune).
  bool unknown_fields_are_errors = true;
};

// "path: message", or "<root>: message" when the path is empty.
std::string to_string(const ValidationError& error);
// One error per line, in order; "" for no errors.
std::string to_string(const ValidationErrors& errors);

}  // namespace sqlop::openapi
