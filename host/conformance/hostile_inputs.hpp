// Inputs a plugin must survive: malformed request texts, huge strings, unicode, unknown members.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "host/conformance/requests.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::conformance {

// Request texts that are not a usable request: not JSON, not an object, missing `replica`, truncated.
// `good` is a well-formed request whose truncation is one of them.
std::vector<std::string> malformed_requests(const json::Value& good);

// `replica` with every string member (but `type`) and every string setting replaced by `make(old)`, and
// one extra setting holding make("").
json::Value map_replica_strings(const json::Value& replica, std::string (*make)(const std::string&));

// `old` followed by 1 MiB of text.
std::string huge(const std::string& old);
// `old` followed by non-ASCII letters, CJK and an emoji.
std::string unicode(const std::string& old);

SecretValues map_secret_values(const SecretValues& values, std::string (*make)(const std::string&));

// `request` with members no plugin knows added at the top level and inside its nested protocol objects
// (litestream, database, secret). The replica spec is left alone: it is user input a plugin may check.
json::Value with_unknown_members(json::Value request);

}  // namespace sqlop::conformance
