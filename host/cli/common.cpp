#include "host/cli/common.hpp"

#include <iostream>

namespace sqlop::cli {

std::optional<config::OperatorConfig> load_config_or_report(const std::string& path) {
  const config::ConfigLoad load =
      path.empty() ? config::parse_operator_config(json::Value()) : config::load_operator_config_file(path);
  for (const model::FieldError& e : load.errors) {
    std::cerr << "error: " << (e.field.empty() ? "" : e.field + ": ") << e.reason << "\n";
  }
  return load.config;
}

plugins::RegistryOptions registry_options(const config::OperatorConfig& config) {
  plugins::RegistryOptions options;
  options.plugin_dir = config.plugin_directory.empty() ? plugins::default_plugin_dir() : config.plugin_directory;
  options.overrides = config.plugin_overrides;
  return options;
}

}  // namespace sqlop::cli
