// A loaded backend plugin: the C table behind a small C++ interface. The shared object stays loaded as long
// as any Plugin (or copy of the shared_ptr holding it) is alive, so no pointer from it can dangle.
//
// Thread-safety: every call may run concurrently (the ABI requires reentrant plugins).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sqlite_operator/json.hpp"
#include "sqlite_operator/plugin.h"

namespace sqlop::plugins {

struct PluginInfo {
  std::string type;                  // from the table, lower case
  std::vector<std::string> aliases;  // from describe's "aliases" (e.g. "local" for "file")
  std::string file;                  // absolute path of the shared object
  std::string plugin_version;
  std::uint16_t abi_major = 0;
  std::uint16_t abi_minor = 0;
  std::uint64_t capabilities = 0;
  json::Value description;  // the full describe response
};

// The outcome of one call across the ABI. ok == (status == SQLOP_OK and the response parsed).
struct CallResult {
  bool ok = false;
  int status = SQLOP_ERROR_INTERNAL;
  json::Value response;  // parsed response (on failure: {"error": ...} when the plugin sent one)
  std::string error;     // on failure: what went wrong, naming the plugin file
};

// The calls of a plugin table, for call_text.
enum class Call { describe, validate, render };

class Plugin {
 public:
  virtual ~Plugin() = default;
  const PluginInfo& info() const { return info_; }
  virtual CallResult describe() const = 0;
  virtual CallResult validate(const json::Value& request) const = 0;
  virtual CallResult render(const json::Value& request) const = 0;
  // Sends `request` as it is: it need not be valid JSON. Only the conformance kit uses this, to check that
  // a plugin answers malformed requests with an error status; the host always sends well-formed JSON.
  virtual CallResult call_text(Call call, const std::string& request) const = 0;

 protected:
  PluginInfo info_;
};

// How far loading got before it failed.
enum class LoadStage {
  open,       // the file is not a loadable shared object, or has no entry symbol
  negotiate,  // the entry point or its table failed the ABI negotiation
  describe,   // the describe call failed or its answer was unusable
};

struct LoadError {
  std::string file;    // the shared object at fault
  std::string reason;  // e.g. "missing entry symbol sqlop_plugin_entry", "plugin ABI major 2, host 1"
  LoadStage stage = LoadStage::open;
};

// Loads one shared object, negotiates the ABI, checks the table and calls describe.
// Never throws; a file that is not a usable plugin yields a LoadError naming the file and the reason.
std::variant<std::shared_ptr<const Plugin>, LoadError> load_plugin_file(const std::string& path);

}  // namespace sqlop::plugins
