// The plugin conformance kit: loads a backend plugin exactly as the host does and exercises every call the
// way the host will, reporting one named check per property (see plugin-api/README.md, "Checking a plugin").
//
// Checks, in order: abi, describe, validate-good, validate-missing-secret, validate-empty-secret-values,
// validate-malformed-request, validate-huge-input, validate-unicode, validate-unknown-fields, render-0.3,
// render-0.5, render-malformed-request, render-hostile-input, render-unknown-fields, determinism,
// concurrency, no-leak-across-calls, free-response. A plugin the host refuses to load fails `abi` (or
// `describe`, when its describe call is what failed) and nothing else runs.
//
// The checks run in this process: a plugin that crashes takes the caller with it. Run it in a process of its
// own (`sqlite-operator plugins check`) when that matters; results are reported as they are made.
#pragma once

#include <optional>
#include <string>

#include "host/conformance/report.hpp"
#include "host/plugins/plugin.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::conformance {

struct Options {
  // A known-good input, {"replica": {...}, "secret": {"key": "plain value"}}, for a type without a built-in
  // sample; without it the kit derives one from describe.
  std::optional<json::Value> sample;
};

// Loads `path` with the host's loader and runs every check. Never throws.
Report check_plugin_file(const std::string& path, const Options& options, Report::Observer observer = {});

// Runs every check after loading on `plugin`, adding to `report`. REQUIRES: plugin loaded by load_plugin_file.
void check_plugin(const plugins::Plugin& plugin, const Options& options, Report& report);

}  // namespace sqlop::conformance
