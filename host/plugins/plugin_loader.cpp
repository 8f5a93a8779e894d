// Loading one plugin shared object with Boost.DLL and talking to it through its C table.
#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "host/plugins/plugin.hpp"

namespace sqlop::plugins {
namespace {

void log_from_plugin(void* /*context*/, int level, const char* message) {
  if (!message) return;
  switch (level) {
    case SQLOP_LOG_DEBUG: spdlog::debug("plugin: {}", message); break;
    case SQLOP_LOG_INFO: spdlog::info("plugin: {}", message); break;
    case SQLOP_LOG_WARN: spdlog::warn("plugin: {}", message); break;
    default: spdlog::error("plugin: {}", message); break;
  }
}

// Static storage: plugins may keep the pointer for as long as they stay loaded.
const sqlop_host_table kHostTable = {
    sizeof(sqlop_host_table), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR, nullptr, &log_from_plugin,
};

bool is_valid_type_name(const std::string& type) {
  if (type.empty() || type.size() > 63) return false;
  return std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

class LoadedPlugin final : public Plugin {
 public:
  LoadedPlugin(boost::dll::shared_library library, const sqlop_plugin_table* table, PluginInfo info)
      : library_(std::move(library)), table_(table) {
    info_ = std::move(info);
  }

  CallResult describe() const override { return call(table_->describe, "describe", "{}"); }
  CallResult validate(const json::Value& request) const override {
    return call(table_->validate, "validate", json::dump(request));
  }
  CallResult render(const json::Value& request) const override {
    return call(table_->render, "render", json::dump(request));
  }
  CallResult call_text(Call which, const std::string& request) const override {
    switch (which) {
      case Call::describe: return call(table_->describe, "describe", request);
      case Call::validate: return call(table_->validate, "validate", request);
      case Call::render: break;
    }
    return call(table_->render, "render", request);
  }

  // Loading finishes the info with what describe said.
  void complete_info(PluginInfo info) { info_ = std::move(info); }

  CallResult call(sqlop_call_fn fn, const char* name, const std::string& request) const {
    CallResult result;
    const std::string where = "plugin " + info_.file + ": " + name;
    char* raw = nullptr;
    try {
      result.status = fn(request.c_str(), &raw);
    } catch (...) {
      // A plugin not built with the SDK helper may still let an exception escape.
      result.error = where + " threw an exception across the C ABI";
      return result;
    }
    if (!raw) {
      result.error = where + " returned no response (status " + std::to_string(result.status) + ")";
      return result;
    }
    const std::string text(raw);
    table_->free_response(raw);
    json::ParseError perr;
    std::optional<json::Value> parsed = json::parse(text, &perr);
    if (!parsed) {
      result.error = where + " returned malformed JSON: " + perr.message;
      return result;
    }
    result.response = std::move(*parsed);
    if (result.status != SQLOP_OK) {
      result.error = where + " failed (status " + std::to_string(result.status) +
                     "): " + result.response.get_string("error", "no reason given");
      return result;
    }
    if (!result.response.is_object()) {
      result.error = where + " returned JSON that is not an object";
      return result;
    }
    result.ok = true;
    return result;
  }

 private:
  // Declared first so it is destroyed last: the table and functions live inside the library.
  boost::dll::shared_library library_;
  const sqlop_plugin_table* table_;
};

LoadError refuse(const std::string& file, std::string reason, LoadStage stage = LoadStage::open) {
  return LoadError{file, std::move(reason), stage};
}

// The loader's own words from Boost.DLL's message ("... (dlerror system message: WORDS): <errno text>"), whose
// trailing errno text is unrelated to the failure.
std::string dlopen_reason(const std::string& what) {
  static const std::string marker = "dlerror system message: ";
  const std::size_t start = what.find(marker);
  if (start == std::string::npos) return what;
  const std::size_t end = what.rfind("):");
  const std::size_t from = start + marker.size();
  return what.substr(from, end == std::string::npos || end < from ? std::string::npos : end - from);
}

// Checks the table before any of its function pointers is used.
std::optional<std::string> table_problem(const sqlop_plugin_table* table) {
  if (table->struct_size < SQLOP_PLUGIN_TABLE_SIZE_1_0) {
    return "plugin table is too small (" + std::to_string(table->struct_size) + " bytes, ABI 1.0 needs " +
           std::to_string(SQLOP_PLUGIN_TABLE_SIZE_1_0) + ")";
  }
  if (table->abi_major != SQLOP_PLUGIN_ABI_MAJOR) {
    return "plugin implements ABI major " + std::to_string(table->abi_major) + ", this host implements ABI major " +
           std::to_string(SQLOP_PLUGIN_ABI_MAJOR);
  }
  if (!table->type || !is_valid_type_name(table->type)) {
    return "plugin type name is missing or not lower-case letters, digits and '-'";
  }
  if (!table->describe || !table->validate || !table->render || !table->free_response) {
    return "plugin table lacks a required call (describe, validate, render or free_response)";
  }
  return std::nullopt;
}

}  // namespace

std::variant<std::shared_ptr<const Plugin>, LoadError> load_plugin_file(const std::string& path) {
  const std::string file = std::filesystem::absolute(path).lexically_normal().string();
  boost::dll::shared_library library;
  try {
    // rtld_local: two plugins may contain the same internal symbols without interfering.
    library.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(file, "not a loadable shared object: " + dlopen_reason(e.what()));
  }
  if (!library.has(SQLOP_PLUGIN_ENTRY_SYMBOL)) {
    return refuse(file, "missing entry symbol " SQLOP_PLUGIN_ENTRY_SYMBOL " (not a sqlite-operator plugin?)");
  }
  const auto entry = library.get<const sqlop_plugin_table*(const sqlop_host_table*, char*, size_t)>(
      SQLOP_PLUGIN_ENTRY_SYMBOL);
  std::array<char, 512> error{};
  const sqlop_plugin_table* table = nullptr;
  try {
    table = entry(&kHostTable, error.data(), error.size());
  } catch (...) {
    return refuse(file, "entry point " SQLOP_PLUGIN_ENTRY_SYMBOL " threw an exception", LoadStage::negotiate);
  }
  if (!table) {
    error.back() = '\0';
    const std::string reason = error[0] ? error.data() : "no reason given";
    return refuse(file, "plugin refused to load: " + reason, LoadStage::negotiate);
  }
  if (auto problem = table_problem(table)) return refuse(file, *problem, LoadStage::negotiate);

  PluginInfo info;
  info.file = file;
  info.type = table->type;
  info.plugin_version = table->plugin_version ? table->plugin_version : "";
  info.abi_major = table->abi_major;
  info.abi_minor = table->abi_minor;
  info.capabilities = table->capabilities;
  auto plugin = std::make_unique<LoadedPlugin>(std::move(library), table, info);

  CallResult described = plugin->describe();
  if (!described.ok) return refuse(file, described.error, LoadStage::describe);
  const std::string described_type = described.response.get_string("type", info.type);
  if (described_type != info.type) {
    return refuse(file, "describe reports type '" + described_type + "' but the table says '" + info.type + "'",
                  LoadStage::describe);
  }
  if (const json::Value* aliases = described.response.find("aliases"); aliases && aliases->is_array()) {
    for (const json::Value& alias : aliases->as_array()) {
      if (!alias.is_string() || !is_valid_type_name(alias.as_string())) {
        return refuse(file, "describe lists an alias that is not a valid type name", LoadStage::describe);
      }
      info.aliases.push_back(alias.as_string());
    }
  }
  info.description = std::move(described.response);
  plugin->complete_info(std::move(info));
  return std::shared_ptr<const Plugin>(std::move(plugin));
}

}  // namespace sqlop::plugins
