#include "object_path.hpp"

#include <cstddef>

namespace sqlop_gcs {
namespace {

// GCS object names are at most 1024 bytes; Litestream appends its own generation/WAL names to the prefix.
constexpr std::size_t kMaxPathBytes = 896;

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

}  // namespace

std::vector<std::string> object_path_problems(std::string_view path) {
  std::vector<std::string> problems;
  if (path.empty()) return problems;
  if (path.front() == '/') problems.push_back("must be relative to the bucket (no leading '/')");

  bool has_parent_segment = false;
  bool has_empty_segment = false;
  const std::size_t first = path.front() == '/' ? 1 : 0;  // a leading '/' is reported above, once
  for (std::size_t start = first;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view segment =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    has_parent_segment = has_parent_segment || segment == "..";
    has_empty_segment = has_empty_segment || segment.empty();
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (has_parent_segment) problems.push_back("must not contain '..' segments");
  if (has_empty_segment) problems.push_back("must not contain empty segments ('//' or a trailing '/')");

  for (const char c : path) {
    if (is_control(c)) {
      problems.push_back("must not contain control characters");
      break;
    }
  }
  if (path.size() > kMaxPathBytes) problems.push_back("must be at most 896 bytes long");
  return problems;
}

}  // namespace sqlop_gcs
