// Loading the operator config and the plugins it names into reconcile::Settings, at start and on reload.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host/reconcile/reconciler.hpp"

namespace sqlop::op {

struct SettingsLoad {
  std::shared_ptr<const reconcile::Settings> settings;  // null when the load failed
  std::vector<std::string> errors;                      // why it failed: file, field, plugin file and reason
  std::vector<std::string> warnings;                    // plugin files in the directory that were refused
};

// Reads `config_path` ("" = built-in defaults) and loads its plugins.
// At start (`previous` null), a plugin file in the directory that fails to load is a warning: the other
// backends still work. On reload (`previous` set) the new settings replace the running ones only if they
// lose nothing: a failed override, or a backend type the running settings serve and the new ones do not,
// fails the reload, and the running settings stay in force.
SettingsLoad load_settings(const std::string& config_path, const reconcile::Settings* previous);

}  // namespace sqlop::op
