#include "host/operator/settings_loader.hpp"

#include "host/cli/common.hpp"

namespace sqlop::op {
namespace {

std::string describe(const model::FieldError& e, const std::string& path) {
  return (path.empty() ? std::string() : path + ": ") + (e.field.empty() ? "" : e.field + ": ") + e.reason;
}

bool is_override(const config::OperatorConfig& config, const std::string& file) {
  for (const auto& [type, path] : config.plugin_overrides) {
    if (path == file) return true;
  }
  return false;
}

}  // namespace

SettingsLoad load_settings(const std::string& config_path, const reconcile::Settings* previous) {
  SettingsLoad out;
  const config::ConfigLoad load =
      config_path.empty() ? config::parse_operator_config(json::Value()) : config::load_operator_config_file(config_path);
  for (const model::FieldError& e : load.errors) out.errors.push_back(describe(e, ""));
  if (!load.config) return out;

  auto settings = std::make_shared<reconcile::Settings>(
      reconcile::Settings{*load.config, plugins::Registry::load(cli::registry_options(*load.config))});
  for (const plugins::LoadError& e : settings->registry.errors()) {
    const std::string message = "plugin " + e.file + " not loaded: " + e.reason;
    const bool fatal = previous != nullptr || is_override(*load.config, e.file);
    (fatal ? out.errors : out.warnings).push_back(message);
  }
  if (previous) {
    for (const auto& plugin : previous->registry.plugins()) {
      const std::string& type = plugin->info().type;
      if (!settings->registry.find(type)) {
        out.errors.push_back("backend type \"" + type + "\" would no longer be served by any plugin");
      }
    }
  }
  if (out.errors.empty()) out.settings = std::move(settings);
  return out;
}

}  // namespace sqlop::op
