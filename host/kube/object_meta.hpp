// Reading the metadata of API objects held as JSON. Pure.
#pragma once

#include <string>
#include <string_view>

#include "sqlite_operator/json.hpp"

namespace sqlop::kube {

// metadata.<key> when it is a string ("name", "namespace", "uid", "resourceVersion", ...), else "".
inline std::string metadata_string(const json::Value& object, std::string_view key) {
  const json::Value* v = object.find_path({"metadata", key});
  return v && v->is_string() ? v->as_string() : "";
}

}  // namespace sqlop::kube
