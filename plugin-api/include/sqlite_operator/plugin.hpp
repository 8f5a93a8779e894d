// sqlite_operator/plugin.hpp: header-only C++ helper that turns a C++ class into a sqlite-operator plugin.
//
// Write a class derived from sqlop::plugin::Backend, then put SQLOP_PLUGIN(YourClass) in exactly one .cpp.
// The helper owns everything the C ABI (plugin.h) asks for: ABI negotiation, parsing requests, writing
// responses, allocating and freeing them, and catching every exception at the boundary. The C layout is
// never changed by this header: it only fills the C table.
//
// Contract for a Backend: its methods are const and may run on several threads at once; keep no mutable
// state. Throw RequestError for a malformed request (reported as SQLOP_ERROR_BAD_REQUEST); any other
// exception becomes SQLOP_ERROR_INTERNAL with its message.
#ifndef SQLITE_OPERATOR_PLUGIN_HPP
#define SQLITE_OPERATOR_PLUGIN_HPP

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/json.hpp"
#include "sqlite_operator/plugin.h"

namespace sqlop::plugin {

// A problem found in a request, with the field path of the resource field at fault,
// e.g. {"spec.litestream.replicas[0].bucket", "must be 3-63 characters"}.
struct Diagnostic {
  std::string field;
  std::string reason;
};

// Thrown by request accessors when the request does not carry what the ABI promises.
class RequestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class LitestreamFormat { V0_3, V0_5 };

// A Secret as the host passes it: name and namespace, data base64-encoded exactly as in the API.
class Secret {
 public:
  explicit Secret(const json::Value& v) : v_(v) {}
  std::string name() const { return v_.get_string("name"); }
  std::string namespace_() const { return v_.get_string("namespace"); }
  bool has(std::string_view key) const {
    const json::Value* data = v_.find("data");
    return data && data->find(key);
  }
  // The decoded value of `key`; nullopt when the key is missing or not valid base64.
  std::optional<std::string> value(std::string_view key) const {
    const json::Value* data = v_.find("data");
    const json::Value* enc = data ? data->find(key) : nullptr;
    if (!enc || !enc->is_string()) return std::nullopt;
    return base64::decode(enc->as_string());
  }

 private:
  const json::Value& v_;
};

// What validate and render both receive. See README.md for every member.
class ReplicaRequest {
 public:
  explicit ReplicaRequest(json::Value raw) : raw_(std::move(raw)) {
    if (!raw_.is_object()) throw RequestError("request must be a JSON object");
    const json::Value* replica = raw_.find("replica");
    if (!replica || !replica->is_object()) throw RequestError("request.replica must be an object");
    const std::string version = raw_.find("litestream") ? raw_.find("litestream")->get_string("format") : "";
    if (version == "0.3") format_ = LitestreamFormat::V0_3;
    else if (version == "0.5") format_ = LitestreamFormat::V0_5;
    else throw RequestError("request.litestream.format must be \"0.3\" or \"0.5\"");
  }

  const json::Value& raw() const { return raw_; }
  const json::Value& replica() const { return *raw_.find("replica"); }
  // A string member of the replica ("" when absent).
  std::string spec(std::string_view key) const { return replica().get_string(key); }
  // A member of replica.settings, the free-form map of backend-specific settings.
  const json::Value* setting(std::string_view key) const {
    const json::Value* s = replica().find("settings");
    return s ? s->find(key) : nullptr;
  }
  std::string setting_string(std::string_view key) const {
    const json::Value* v = setting(key);
    return v && v->is_string() ? v->as_string() : std::string();
  }
  std::string credentials(std::string_view key) const {
    const json::Value* c = replica().find("credentials");
    return c ? c->get_string(key) : std::string();
  }
  // Field path of the replica in the resource, e.g. "spec.litestream.replicas[0]".
  std::string field_path() const { return raw_.get_string("fieldPath", "replica"); }
  // Field path of a member of the replica, e.g. field("bucket") -> "spec.litestream.replicas[0].bucket".
  std::string field(std::string_view member) const { return field_path() + "." + std::string(member); }
  int index() const { return static_cast<int>(raw_.get_int("replicaIndex", 0)); }
  LitestreamFormat format() const { return format_; }
  const json::Value& database() const {
    static const json::Value empty = json::Value::object();
    const json::Value* d = raw_.find("database");
    return d ? *d : empty;
  }

 private:
  json::Value raw_;
  LitestreamFormat format_ = LitestreamFormat::V0_3;
};

class ValidateRequest : public ReplicaRequest {
 public:
  using ReplicaRequest::ReplicaRequest;
  // The credentials Secret when the host could read it.
  std::optional<Secret> secret() const {
    const json::Value* s = raw().find("secret");
    if (!s || !s->is_object()) return std::nullopt;
    return Secret(*s);
  }
  // All replicas of the resource, for rules that span replicas (index() is this one's position).
  const json::Array& replicas() const {
    static const json::Array none;
    const json::Value* r = raw().find("replicas");
    return r && r->is_array() ? r->as_array() : none;
  }
};

class RenderRequest : public ReplicaRequest {
 public:
  using ReplicaRequest::ReplicaRequest;
  // Every env var this replica emits must start with this prefix, so replicas never collide.
  std::string env_prefix() const { return raw().get_string("envPrefix", "LITESTREAM_REPLICA_0_"); }
  // Every volume this replica emits must start with this prefix.
  std::string volume_prefix() const { return raw().get_string("volumePrefix", "replica-0-"); }
  // A directory reserved for this replica's mounts inside the Litestream container.
  std::string mount_root() const { return raw().get_string("mountRoot", "/var/run/sqlite-operator/replica-0"); }
};

struct ValidateResult {
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  void error(std::string field, std::string reason) { errors.push_back({std::move(field), std::move(reason)}); }
  // One error per reason, all at `field` (for rule checks that return every problem they find).
  void error_each(const std::string& field, const std::vector<std::string>& reasons) {
    for (const std::string& reason : reasons) error(field, reason);
  }
  void warn(std::string field, std::string reason) { warnings.push_back({std::move(field), std::move(reason)}); }
};

struct RenderResult {
  json::Value replica = json::Value::object();  // the Litestream replica mapping, as JSON
  json::Array env;                              // core/v1 EnvVar objects
  json::Array volumes;                          // core/v1 Volume objects
  json::Array volume_mounts;                    // core/v1 VolumeMount objects (Litestream container)
  std::vector<Diagnostic> warnings;

  // An env var whose value comes from a Secret key: the only way credentials may reach Litestream.
  void add_secret_env(const std::string& name, const std::string& secret_name, const std::string& key) {
    json::Value ref = json::Value::object();
    ref["name"] = secret_name;
    ref["key"] = key;
    json::Value env_var = json::Value::object();
    env_var["name"] = name;
    env_var["valueFrom"]["secretKeyRef"] = std::move(ref);
    env.push_back(std::move(env_var));
  }
  // A plain env var (never a secret value).
  void add_env(const std::string& name, const std::string& value) {
    json::Value env_var = json::Value::object();
    env_var["name"] = name;
    env_var["value"] = value;
    env.push_back(std::move(env_var));
  }
};

// Litestream keys every replica type shares: names in the resource and in litestream.yml per format.
// 0.5.x dropped the per-replica retention and snapshot keys (the host moves them to the top level).
inline void add_common_replica_keys(const ReplicaRequest& request, json::Value& fragment) {
  struct Key {
    const char* spec;
    const char* litestream;
    bool in_0_5;
  };
  static const Key keys[] = {
      {"retention", "retention", false},
      {"retentionCheckInterval", "retention-check-interval", false},
      {"snapshotInterval", "snapshot-interval", false},
      {"validationInterval", "validation-interval", false},
      {"syncInterval", "sync-interval", true},
  };
  for (const Key& k : keys) {
    const std::string v = request.spec(k.spec);
    if (v.empty()) continue;
    if (request.format() == LitestreamFormat::V0_3 || k.in_0_5) fragment[k.litestream] = v;
  }
}

// A backend implemented in C++. See the top of this file for the threading and error contract.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* type() const = 0;
  virtual const char* version() const = 0;
  virtual std::uint64_t capabilities() const { return SQLOP_CAP_LITESTREAM_0_3 | SQLOP_CAP_LITESTREAM_0_5; }
  // The oldest host ABI minor this plugin needs; a host older than that is refused at load.
  virtual std::uint16_t min_host_abi_minor() const { return 0; }
  virtual json::Value describe() const = 0;
  virtual void validate(const ValidateRequest& request, ValidateResult& result) const = 0;
  virtual void render(const RenderRequest& request, RenderResult& result) const = 0;
};

// Logs through the host's logger (a no-op before load or with a host that has none). Never log secrets.
void log(sqlop_log_level level, const std::string& message);

namespace detail {

inline std::atomic<const sqlop_host_table*>& host_table() {
  static std::atomic<const sqlop_host_table*> host{nullptr};
  return host;
}

inline char* duplicate(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

inline int fail(char** response, sqlop_status status, const std::string& message) {
  json::Value err = json::Value::object();
  err["error"] = message;
  *response = duplicate(json::dump(err));
  return status;
}

inline json::Value diagnostics_to_json(const std::vector<Diagnostic>& list) {
  json::Value out = json::Value::array();
  for (const Diagnostic& d : list) {
    json::Value item = json::Value::object();
    item["field"] = d.field;
    item["reason"] = d.reason;
    out.push_back(std::move(item));
  }
  return out;
}

// Runs `body(request) -> json::Value` with every exception turned into a status code and error text.
template <typename Body>
int guarded_call(const char* request, char** response, Body body) noexcept {
  if (!response) return SQLOP_ERROR_BAD_REQUEST;
  *response = nullptr;
  try {
    json::ParseError perr;
    std::optional<json::Value> parsed = json::parse(request ? request : "", &perr);
    if (!parsed) {
      return fail(response, SQLOP_ERROR_BAD_REQUEST,
                  "request is not valid JSON at offset " + std::to_string(perr.offset) + ": " + perr.message);
    }
    const json::Value out = body(std::move(*parsed));
    *response = duplicate(json::dump(out));
    return *response ? SQLOP_OK : SQLOP_ERROR_INTERNAL;
  } catch (const RequestError& e) {
    return fail(response, SQLOP_ERROR_BAD_REQUEST, e.what());
  } catch (const std::exception& e) {
    return fail(response, SQLOP_ERROR_INTERNAL, e.what());
  } catch (...) {
    return fail(response, SQLOP_ERROR_INTERNAL, "unknown exception");
  }
}

template <typename B>
const B& instance() {
  static const B backend;
  return backend;
}

template <typename B>
int call_describe(const char* request, char** response) noexcept {
  return guarded_call(request, response, [](json::Value) { return instance<B>().describe(); });
}

template <typename B>
int call_validate(const char* request, char** response) noexcept {
  return guarded_call(request, response, [](json::Value raw) {
    const ValidateRequest req(std::move(raw));
    ValidateResult result;
    instance<B>().validate(req, result);
    json::Value out = json::Value::object();
    out["errors"] = diagnostics_to_json(result.errors);
    out["warnings"] = diagnostics_to_json(result.warnings);
    return out;
  });
}

template <typename B>
int call_render(const char* request, char** response) noexcept {
  return guarded_call(request, response, [](json::Value raw) {
    const RenderRequest req(std::move(raw));
    const bool supported = req.format() == LitestreamFormat::V0_3
                               ? (instance<B>().capabilities() & SQLOP_CAP_LITESTREAM_0_3) != 0
                               : (instance<B>().capabilities() & SQLOP_CAP_LITESTREAM_0_5) != 0;
    if (!supported) throw RequestError("this plugin cannot render the requested Litestream format");
    RenderResult result;
    instance<B>().render(req, result);
    json::Value out = json::Value::object();
    out["replica"] = std::move(result.replica);
    out["env"] = std::move(result.env);
    out["volumes"] = std::move(result.volumes);
    out["volumeMounts"] = std::move(result.volume_mounts);
    out["warnings"] = diagnostics_to_json(result.warnings);
    return out;
  });
}

inline void free_response(char* response) { std::free(response); }

inline void write_error(char* error, std::size_t size, const std::string& message) {
  if (!error || size == 0) return;
  const std::size_t n = message.size() < size - 1 ? message.size() : size - 1;
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

template <typename B>
const sqlop_plugin_table* entry(const sqlop_host_table* host, char* error, std::size_t error_size) noexcept {
  try {
    if (!host || host->struct_size < sizeof(std::uint32_t) + 2 * sizeof(std::uint16_t)) {
      write_error(error, error_size, "no host table given");
      return nullptr;
    }
    const B& backend = instance<B>();
    if (host->abi_major != SQLOP_PLUGIN_ABI_MAJOR) {
      write_error(error, error_size,
                  std::string("plugin '") + backend.type() + "' implements plugin ABI major " +
                      std::to_string(SQLOP_PLUGIN_ABI_MAJOR) + ", host offers " + std::to_string(host->abi_major));
      return nullptr;
    }
    if (host->abi_minor < backend.min_host_abi_minor()) {
      write_error(error, error_size,
                  std::string("plugin '") + backend.type() + "' needs host ABI 1." +
                      std::to_string(backend.min_host_abi_minor()) + " or newer, host offers 1." +
                      std::to_string(host->abi_minor));
      return nullptr;
    }
    host_table().store(host);
    static const std::string type = backend.type();
    static const std::string version = backend.version();
    static const sqlop_plugin_table table = {
        sizeof(sqlop_plugin_table), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR, type.c_str(),
        version.c_str(), backend.capabilities(), &call_describe<B>, &call_validate<B>, &call_render<B>,
        &free_response,
    };
    return &table;
  } catch (const std::exception& e) {
    write_error(error, error_size, std::string("plugin failed to initialise: ") + e.what());
  } catch (...) {
    write_error(error, error_size, "plugin failed to initialise");
  }
  return nullptr;
}

}  // namespace detail

inline void log(sqlop_log_level level, const std::string& message) {
  const sqlop_host_table* host = detail::host_table().load();
  if (host && host->log) host->log(host->context, level, message.c_str());
}

}  // namespace sqlop::plugin

// Exports the plugin entry point for Backend class `B`. Use once per shared object.
#define SQLOP_PLUGIN(B)                                                                               \
  extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* SQLOP_PLUGIN_ENTRY_NAME(                   \
      const sqlop_host_table* host, char* error, size_t error_size) {                                 \
    return ::sqlop::plugin::detail::entry<B>(host, error, error_size);                                \
  }

#endif  // SQLITE_OPERATOR_PLUGIN_HPP
