// The list/watch query: label and field selectors (parsed by apimachinery, field labels checked per
// resource), limit and continue tokens. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "server/api_error.hpp"
#include "server/request_info.hpp"
#include "server/resource_info.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

struct ListOptions {
  std::function<bool(const sqlop::json::Value&)> matches;  // empty: everything
  bool has_selectors = false;
  std::int64_t limit = 0;        // 0: no limit
  std::int64_t continue_rv = 0;  // from the continue token
  std::string continue_after;    // "namespace/name" of the last item already returned
};

std::variant<ListOptions, ApiError> parse_list_options(const ResourceInfo& info, const QueryParams& query);

// The opaque continue token (base64 JSON, like the apiserver's) and back.
std::string encode_continue(std::int64_t rv, const std::string& last_key);
std::optional<std::pair<std::int64_t, std::string>> decode_continue(const std::string& token);

}  // namespace sqlop::testserver
