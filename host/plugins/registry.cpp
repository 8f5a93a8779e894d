#include "host/plugins/registry.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace sqlop::plugins {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

// The names a plugin answers to: its type and its aliases.
std::vector<std::string> names_of(const Plugin& plugin) {
  std::vector<std::string> names{plugin.info().type};
  names.insert(names.end(), plugin.info().aliases.begin(), plugin.info().aliases.end());
  return names;
}

std::vector<std::string> shared_objects_in(const std::string& dir, std::vector<LoadError>& errors) {
  std::vector<std::string> files;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back({dir, "cannot read plugin directory: " + ec.message()});
    return files;
  }
  for (const auto& entry : it) {
    if (entry.path().extension() == ".so" && entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());  // deterministic: the first file wins a duplicate type
  return files;
}

}  // namespace

Registry Registry::load(const RegistryOptions& options) {
  Registry registry;
  // Overrides first: a type named in the config is served by that file, whatever the directory holds.
  std::map<std::string, std::string> overridden;  // type -> file
  for (const auto& [type, file] : options.overrides) {
    auto loaded = load_plugin_file(file);
    if (auto* error = std::get_if<LoadError>(&loaded)) {
      registry.errors_.push_back(*error);
      overridden[lower(type)] = file;  // the directory's plugin must not silently take its place
      continue;
    }
    auto plugin = std::get<std::shared_ptr<const Plugin>>(std::move(loaded));
    if (plugin->info().type != lower(type)) {
      registry.errors_.push_back({plugin->info().file, "configured for type '" + type +
                                                           "' but the plugin serves type '" + plugin->info().type + "'"});
      overridden[lower(type)] = file;
      continue;
    }
    overridden[lower(type)] = plugin->info().file;
    registry.add(std::move(plugin));
  }
  if (!options.plugin_dir.empty()) {
    for (const std::string& file : shared_objects_in(options.plugin_dir, registry.errors_)) {
      auto loaded = load_plugin_file(file);
      if (auto* error = std::get_if<LoadError>(&loaded)) {
        registry.errors_.push_back(*error);
        continue;
      }
      auto plugin = std::get<std::shared_ptr<const Plugin>>(std::move(loaded));
      if (overridden.count(plugin->info().type)) continue;  // replaced by configuration: not an error
      registry.add(std::move(plugin));
    }
  }
  return registry;
}

void Registry::add(std::shared_ptr<const Plugin> plugin) {
  for (const std::string& name : names_of(*plugin)) {
    if (auto taken = by_type_.find(name); taken != by_type_.end()) {
      errors_.push_back({plugin->info().file, "duplicate type '" + name + "': already served by " +
                                                  taken->second->info().file});
      return;
    }
  }
  for (const std::string& name : names_of(*plugin)) by_type_[name] = plugin;
  plugins_.push_back(std::move(plugin));
  std::sort(plugins_.begin(), plugins_.end(),
            [](const auto& a, const auto& b) { return a->info().type < b->info().type; });
}

const Plugin* Registry::find(std::string_view type) const { return find_shared(type).get(); }

std::shared_ptr<const Plugin> Registry::find_shared(std::string_view type) const {
  const auto it = by_type_.find(lower(type));
  return it == by_type_.end() ? nullptr : it->second;
}

std::string default_plugin_dir() {
  boost::dll::fs::error_code error;
  const boost::dll::fs::path program = boost::dll::program_location(error);
  if (error) {  // it reads /proc/self/exe, which a bare chroot lacks
    throw std::runtime_error("cannot locate the sqlite-operator binary to find its plugins (" + error.message() +
                             "; is /proc mounted?); set pluginDirectory in the operator config");
  }
  const std::filesystem::path bin = program.parent_path().string();
  return (bin / SQLOP_PLUGIN_DIR_FROM_BIN).lexically_normal().string();
}

}  // namespace sqlop::plugins
