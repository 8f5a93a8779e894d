// Problems found in input, each tied to the field at fault, e.g.
// {"spec.litestream.replicas[0].bucket", "must be 3-63 characters long"}.
#pragma once

#include <string>
#include <vector>

namespace sqlop::model {

struct FieldError {
  std::string field;   // field path in the object, "spec.database.name"; "" for the object as a whole
  std::string reason;  // what is wrong and, where it helps, what would be right
  friend bool operator==(const FieldError& a, const FieldError& b) {
    return a.field == b.field && a.reason == b.reason;
  }
};

// Errors make an input unusable; warnings are reported and rendering goes on.
struct Diagnostics {
  std::vector<FieldError> errors;
  std::vector<FieldError> warnings;

  void error(std::string field, std::string reason) { errors.push_back({std::move(field), std::move(reason)}); }
  void warn(std::string field, std::string reason) { warnings.push_back({std::move(field), std::move(reason)}); }
  bool ok() const { return errors.empty(); }
  void append(const Diagnostics& other) {
    errors.insert(errors.end(), other.errors.begin(), other.errors.end());
    warnings.insert(warnings.end(), other.warnings.begin(), other.warnings.end());
  }
};

}  // namespace sqlop::model
