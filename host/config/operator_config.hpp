// The operator's own configuration file (--config, YAML): where plugins come from, which images children use,
// and defaults. Every member has a default, so an empty file (or none) is a working configuration.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/model/field_error.hpp"
#include "host/model/validate.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::config {

struct Images {
  std::string litestream = "litestream/litestream:0.3.13";
  // sqlite-rest publishes only the mutable tag "main"; pin a digest in production (render warns otherwise).
  std::string sqlite_rest = "ghcr.io/b4fun/sqlite-rest/server:main";
  // Runs the optional init SQL when a database is created: any image with /bin/sh and the sqlite3 CLI.
  std::string sqlite = "keinos/sqlite3:3.47.2";
  std::string pull_policy = "IfNotPresent";
};

struct OperatorConfig {
  std::string plugin_directory;                         // "" = next to the binary (plugins::default_plugin_dir)
  std::map<std::string, std::string> plugin_overrides;  // backend type -> shared object
  Images images;
  // The Litestream version the children run, e.g. "0.3.13"; "" = read from the litestream image tag.
  std::string litestream_version;
  json::Value default_resources;  // ResourceRequirements for Litestream when a resource sets none; null = none
};

struct ConfigLoad {
  std::optional<OperatorConfig> config;
  std::vector<model::FieldError> errors;  // field paths inside the config file
};

// Reads a config document (already parsed from YAML). Unknown keys are errors: a typo must not silently
// leave a default in place.
ConfigLoad parse_operator_config(const json::Value& document);
// Reads and parses a config file; errors name the file. Relative pluginDirectory and plugins: paths are
// resolved against the file's directory.
ConfigLoad load_operator_config_file(const std::string& path);

// The Litestream version in force: litestream_version, else the image tag ("0.3.13", "0.5"), else nullopt.
std::optional<std::string> litestream_version(const OperatorConfig& config);
// The config format that version writes; nullopt for versions the operator does not know (e.g. "0.4").
std::optional<model::LitestreamFormat> litestream_format(const std::string& version);

// True when an image reference can change under the same name: no tag, "latest", "main", "master", "edge".
bool is_mutable_image_reference(const std::string& image);

}  // namespace sqlop::config
