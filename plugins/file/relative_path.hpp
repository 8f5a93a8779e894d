// The replica's `path`: a directory inside the backup volume, relative to its mount point.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlop_file {

// Every rule `path` breaks, each as a reason that completes "path ...": it must be relative (no leading
// '/'), without ".." segments (which would leave the volume), without empty segments and without control
// characters. Empty when valid. Pure.
std::vector<std::string> relative_path_problems(std::string_view path);

}  // namespace sqlop_file
