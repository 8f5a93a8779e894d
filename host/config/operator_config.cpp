#include "host/config/operator_config.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/yaml/yaml_json.hpp"

namespace sqlop::config {
namespace {

using model::FieldError;

// Reads an optional string member into `out`, reporting a type error at `path`.
void read_string(const json::Value& object, const char* key, const std::string& path, std::string& out,
                 std::vector<FieldError>& errors) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null()) return;
  if (!v->is_string()) {
    errors.push_back({path + key, "must be a string"});
    return;
  }
  out = v->as_string();
}

void reject_unknown(const json::Value& object, std::initializer_list<const char*> known, const std::string& path,
                    std::vector<FieldError>& errors) {
  for (const auto& [key, value] : object.as_object()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) errors.push_back({path + key, "unknown field"});
  }
}

void read_images(const json::Value& images, Images& out, std::vector<FieldError>& errors) {
  if (!images.is_object()) {
    errors.push_back({"images", "must be a mapping"});
    return;
  }
  reject_unknown(images, {"litestream", "sqliteRest", "sqlite", "pullPolicy"}, "images.", errors);
  read_string(images, "litestream", "images.", out.litestream, errors);
  read_string(images, "sqliteRest", "images.", out.sqlite_rest, errors);
  read_string(images, "sqlite", "images.", out.sqlite, errors);
  read_string(images, "pullPolicy", "images.", out.pull_policy, errors);
  if (out.pull_policy != "Always" && out.pull_policy != "IfNotPresent" && out.pull_policy != "Never") {
    errors.push_back({"images.pullPolicy", "must be Always, IfNotPresent or Never"});
  }
  for (const auto* image : {&out.litestream, &out.sqlite_rest, &out.sqlite}) {
    if (image->empty()) errors.push_back({"images", "image references must not be empty"});
  }
}

void read_plugins(const json::Value& plugins, OperatorConfig& out, std::vector<FieldError>& errors) {
  if (!plugins.is_object()) {
    errors.push_back({"plugins", "must be a mapping of backend type to plugin file"});
    return;
  }
  for (const auto& [type, file] : plugins.as_object()) {
    if (!file.is_string() || file.as_string().empty()) {
      errors.push_back({"plugins." + type, "must be the path of a plugin shared object"});
      continue;
    }
    out.plugin_overrides[type] = file.as_string();
  }
}

// Relative plugin paths in a config file mean "next to the file", as kubeconfig paths do: the same file
// then works whichever directory the operator is started from.
void resolve_paths_against(const std::filesystem::path& config_dir, OperatorConfig& config) {
  const auto resolve = [&](std::string& file) {
    if (!file.empty() && std::filesystem::path(file).is_relative()) file = (config_dir / file).lexically_normal().string();
  };
  resolve(config.plugin_directory);
  for (auto& [type, file] : config.plugin_overrides) resolve(file);
}

}  // namespace

ConfigLoad parse_operator_config(const json::Value& document) {
  ConfigLoad load;
  OperatorConfig config;
  if (document.is_null()) {
    load.config = config;
    return load;
  }
  if (!document.is_object()) {
    load.errors.push_back({"", "the operator config must be a YAML mapping"});
    return load;
  }
  reject_unknown(document,
                 {"apiVersion", "kind", "pluginDirectory", "plugins", "images", "litestreamVersion", "defaults"}, "",
                 load.errors);
  read_string(document, "pluginDirectory", "", config.plugin_directory, load.errors);
  read_string(document, "litestreamVersion", "", config.litestream_version, load.errors);
  if (const json::Value* plugins = document.find("plugins")) read_plugins(*plugins, config, load.errors);
  if (const json::Value* images = document.find("images")) read_images(*images, config.images, load.errors);
  if (const json::Value* defaults = document.find("defaults")) {
    if (!defaults->is_object()) {
      load.errors.push_back({"defaults", "must be a mapping"});
    } else {
      reject_unknown(*defaults, {"resources"}, "defaults.", load.errors);
      if (const json::Value* r = defaults->find("resources")) config.default_resources = *r;
    }
  }
  const std::optional<std::string> version = litestream_version(config);
  if (!version) {
    load.errors.push_back({"litestreamVersion", "cannot tell the Litestream version from image '" +
                                                    config.images.litestream + "'; set litestreamVersion"});
  } else if (!litestream_format(*version)) {
    load.errors.push_back({config.litestream_version.empty() ? "images.litestream" : "litestreamVersion",
                           "Litestream " + *version + " is not supported; use 0.3.x or 0.5.x"});
  }
  if (load.errors.empty()) load.config = std::move(config);
  return load;
}

ConfigLoad load_operator_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ConfigLoad{std::nullopt, {{"", "cannot read operator config " + path}}};
  std::stringstream text;
  text << in.rdbuf();
  const yaml::LoadResult parsed = yaml::load_all(text.str());
  if (!parsed.ok()) return ConfigLoad{std::nullopt, {{"", path + ": " + parsed.error}}};
  if (parsed.documents.size() > 1) return ConfigLoad{std::nullopt, {{"", path + ": expected one YAML document"}}};
  ConfigLoad load = parse_operator_config(parsed.documents.empty() ? json::Value() : parsed.documents[0].value);
  for (auto& e : load.errors) e.field = path + (e.field.empty() ? "" : ": " + e.field);
  if (load.config) resolve_paths_against(std::filesystem::path(path).parent_path(), *load.config);
  return load;
}

std::optional<std::string> litestream_version(const OperatorConfig& config) {
  if (!config.litestream_version.empty()) return config.litestream_version;
  const std::string& image = config.images.litestream;
  if (image.find('@') != std::string::npos) return std::nullopt;  // a digest says nothing about the version
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return std::nullopt;
  std::string tag = image.substr(colon + 1);
  if (!tag.empty() && tag[0] == 'v') tag.erase(0, 1);
  if (tag.empty() || !std::isdigit(static_cast<unsigned char>(tag[0]))) return std::nullopt;
  return tag;
}

std::optional<model::LitestreamFormat> litestream_format(const std::string& version) {
  auto starts = [&](const char* prefix) {
    const std::string p(prefix);
    return version == p || version.rfind(p + ".", 0) == 0 || version.rfind(p + "-", 0) == 0;
  };
  if (starts("0.3")) return model::LitestreamFormat::V0_3;
  if (starts("0.5")) return model::LitestreamFormat::V0_5;
  return std::nullopt;
}

bool is_mutable_image_reference(const std::string& image) {
  if (image.find('@') != std::string::npos) return false;
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return true;
  const std::string tag = image.substr(colon + 1);
  return tag == "latest" || tag == "main" || tag == "master" || tag == "edge";
}

}  // namespace sqlop::config
