// YAML <-> JSON value bridge. Manifests come in as YAML (or JSON, which is YAML) and everything inside the
// host is a json::Value; output manifests go out as YAML in the member order the value holds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::yaml {

struct Document {
  json::Value value;
  int line = 0;  // 1-based line where the document starts, for error messages
};

struct LoadResult {
  std::vector<Document> documents;  // empty documents (e.g. a trailing "---") are skipped
  std::string error;                // non-empty on a syntax error: "line L, column C: reason"
  bool ok() const { return error.empty(); }
};

// Parses multi-document YAML with the YAML 1.2 core schema: unquoted true/false, null/~, integers and
// floats become JSON scalars; quoted scalars and everything else stay strings. Anchors and merge keys are
// resolved by yaml-cpp. Mapping keys are always strings.
LoadResult load_all(std::string_view text);

// Writes one value as a YAML block document (no leading "---"). Strings that would read back as another
// type (e.g. "true", "1.0", "") are quoted, so load_all(to_yaml(v)) == v.
std::string to_yaml(const json::Value& value);

}  // namespace sqlop::yaml
