// Turning a SqliteDatabase manifest (a json::Value from YAML or the API) into the model: type checks,
// defaults, and field-path errors for everything that does not fit the schema.
#pragma once

#include <optional>

#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"

namespace sqlop::model {

struct ParseResult {
  std::optional<SqliteDatabase> resource;  // set when there were no errors
  // Set whenever the manifest is an object: the model with every invalid member left at its default. Lets a
  // caller that reports problems (the render command) also report cross-field and backend problems.
  std::optional<SqliteDatabase> best_effort;
  Diagnostics diagnostics;
};

// Reads apiVersion/kind/metadata/spec, applies defaults and checks every field's type and format.
// Reports every problem (not only the first), each with its field path. Unknown fields are errors.
// Cross-field and environment-dependent checks live in validate.hpp.
ParseResult parse_sqlite_database(const json::Value& manifest);

}  // namespace sqlop::model
