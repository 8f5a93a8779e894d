// `sqlite-operator plugins [--config OPERATOR.yaml]`: the loaded backend plugins, and every file refused.
// `sqlite-operator plugins check FILE.so ...` is the conformance kit (plugins_check_command.cpp).
#include <iomanip>
#include <iostream>

#include "host/cli/common.hpp"
#include "host/cli/subcommands.hpp"

namespace sqlop::cli {

int plugins_command(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "check") return plugins_check_command({args.begin() + 1, args.end()});
  std::string config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else {
      std::cerr << "usage: sqlite-operator plugins [--config OPERATOR.yaml]\n"
                   "       sqlite-operator plugins check FILE.so [--json] [--sample SAMPLE.json]\n";
      return 2;
    }
  }
  const std::optional<config::OperatorConfig> config = load_config_or_report(config_path);
  if (!config) return 2;
  const plugins::RegistryOptions options = registry_options(*config);
  const plugins::Registry registry = plugins::Registry::load(options);
  std::cout << "plugin directory: " << options.plugin_dir << "\n";
  std::cout << std::left << std::setw(10) << "TYPE" << std::setw(12) << "ALIASES" << std::setw(18) << "VERSION"
            << std::setw(6) << "ABI" << "FILE\n";
  for (const auto& plugin : registry.plugins()) {
    const plugins::PluginInfo& info = plugin->info();
    std::string aliases;
    for (const std::string& a : info.aliases) aliases += (aliases.empty() ? "" : ",") + a;
    std::cout << std::setw(10) << info.type << std::setw(12) << (aliases.empty() ? "-" : aliases) << std::setw(18)
              << info.plugin_version << std::setw(6)
              << (std::to_string(info.abi_major) + "." + std::to_string(info.abi_minor)) << info.file << "\n";
  }
  for (const plugins::LoadError& e : registry.errors()) {
    std::cerr << "refused: " << e.file << ": " << e.reason << "\n";
  }
  return registry.errors().empty() ? 0 : 1;
}

int version_command(const std::vector<std::string>&) {
  std::cout << "sqlite-operator " << SQLOP_VERSION << " (plugin ABI " << SQLOP_PLUGIN_ABI_MAJOR << "."
            << SQLOP_PLUGIN_ABI_MINOR << ")\n";
  return 0;
}

}  // namespace sqlop::cli
