// The set of loaded backend plugins, by type. Built from a plugin directory plus explicit type -> file
// overrides from the operator config (swapping a backend is a config change). Immutable once built:
// a config reload builds a new Registry and swaps it in whole.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/plugins/plugin.hpp"

namespace sqlop::plugins {

struct RegistryOptions {
  std::string plugin_dir;                          // every *.so in it is loaded; "" = none
  std::map<std::string, std::string> overrides;    // type -> shared object path; wins over the directory
};

class Registry {
 public:
  // Loads everything it can. Files that fail, or duplicate a type already taken, are refused with a
  // LoadError naming the file and the reason; the rest keep working.
  static Registry load(const RegistryOptions& options);

  // The plugin serving `type` (a type name or alias, case-insensitive), or nullptr.
  const Plugin* find(std::string_view type) const;
  std::shared_ptr<const Plugin> find_shared(std::string_view type) const;
  // Loaded plugins, ordered by type.
  const std::vector<std::shared_ptr<const Plugin>>& plugins() const { return plugins_; }
  const std::vector<LoadError>& errors() const { return errors_; }

 private:
  void add(std::shared_ptr<const Plugin> plugin);

  std::map<std::string, std::shared_ptr<const Plugin>> by_type_;  // type and aliases -> plugin
  std::vector<std::shared_ptr<const Plugin>> plugins_;
  std::vector<LoadError> errors_;
};

// Where the binary looks for plugins when the config names no directory: <dir of executable>/../lib/
// sqlite-operator/plugins (the same relative layout in the build tree and in an install prefix).
std::string default_plugin_dir();

}  // namespace sqlop::plugins
