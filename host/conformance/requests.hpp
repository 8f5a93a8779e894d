// Building the requests the host sends to a plugin (plugin-api/README.md, "The calls") from a Sample, and
// reading responses the way the conformance checks need. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/model/sqlite_database.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::conformance {

using SecretValues = std::vector<std::pair<std::string, std::string>>;  // key -> plain value

// The Litestream formats ("0.3", "0.5") the SQLOP_CAP_* flags in `capabilities` promise, and those they do not.
std::vector<std::string> supported_formats(std::uint64_t capabilities);
std::vector<std::string> unsupported_formats(std::uint64_t capabilities);

// The Secret member of a validate request: name, namespace and base64 data.
json::Value secret_member(const std::string& name, const SecretValues& values);

// `replica` with credentials.secretName set to `name` when it names a Secret at all.
json::Value with_secret_name(json::Value replica, const std::string& name);

// A validate request for `replica` as the only replica of a resource (index 0), without a Secret.
json::Value validate_request(const json::Value& replica, const std::string& format);

// A render request for `replica` at position `index` (the replicas before it are copies of it), with the
// env and volume prefixes and the mount root the host reserves for that position.
json::Value render_request(const json::Value& replica, const std::string& format, std::size_t index);

// The host's model of `spec`, as replica_wiring's checks take it.
model::Replica host_replica(const json::Value& spec);

// The position in `needles` of the first one that occurs, raw or base64-encoded, in any string (member
// names included) of `v`; nullopt when none does.
std::optional<std::size_t> find_needle(const json::Value& v, const std::vector<std::string>& needles);

// Names that occur more than once in a list of objects with a "name" member.
std::vector<std::string> duplicate_names(const json::Value* list);

}  // namespace sqlop::conformance
