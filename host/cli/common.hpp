// Set-up shared by the subcommands: the operator config and the plugin registry it describes.
#pragma once

#include <optional>
#include <string>

#include "host/config/operator_config.hpp"
#include "host/plugins/registry.hpp"

namespace sqlop::cli {

// Loads --config (or the built-in defaults when `path` is empty). On failure prints every problem to
// stderr and returns nullopt.
std::optional<config::OperatorConfig> load_config_or_report(const std::string& path);

// The registry options a config describes: its plugin directory (default: next to the binary) and overrides.
plugins::RegistryOptions registry_options(const config::OperatorConfig& config);

}  // namespace sqlop::cli
