// The known-good input the conformance kit builds its requests from: a replica spec the plugin should
// accept without errors, and the plain values of the Secret it reads. Values are distinctive canaries, so
// the kit can tell when one comes back in a response.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "host/plugins/plugin.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::conformance {

struct Sample {
  json::Value replica;                                      // spec.litestream.replicas[i], with `type` and `name`
  std::vector<std::pair<std::string, std::string>> secret;  // key -> plain value; empty when no Secret is read
  std::vector<std::string> canaries;  // text of the Secret values that must never appear in a response
  std::string source;                 // where the sample came from, for the report
};

// True when the sample's replica names a credentials Secret.
bool uses_secret(const Sample& sample);

// The built-in known-good sample for the in-tree types s3, azure, gcs and file; nullopt for other types.
std::optional<Sample> builtin_sample(const std::string& type);

// A best-effort sample from a describe response: every required top-level field and setting gets a plain
// value, and every declared Secret key (at its default name) a canary value.
Sample sample_from_describe(const std::string& type, const json::Value& description);

// The built-in sample for the plugin's type, else the one derived from its describe response.
Sample sample_for(const plugins::PluginInfo& info);

// A sample an author supplies: {"replica": {...}, "secret": {"key": "plain value", ...}}. `type` fills
// replica.type and the default replica.name when they are missing. Returns the reason when malformed.
std::variant<Sample, std::string> parse_sample(const json::Value& document, const std::string& type);

}  // namespace sqlop::conformance
