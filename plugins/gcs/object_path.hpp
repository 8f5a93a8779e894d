// The replica's `path`: the object-name prefix inside the bucket under which Litestream writes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlop_gcs {

// Every rule `path` breaks, each as a reason that completes "path ...": it must be relative (no leading '/'),
// without ".." or empty segments, without control characters, and short enough to prefix a GCS object
// name. Empty when valid (the empty path is valid: the bucket root). Pure.
std::vector<std::string> object_path_problems(std::string_view path);

}  // namespace sqlop_gcs
