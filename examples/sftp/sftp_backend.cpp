/*
 * sqlop-sftp: an example out-of-tree backend for Litestream's sftp replica (type "sftp"). It is built only
 * against the installed plugin SDK; copy this folder to start a plugin of your own (see README.md).
 *
 * Replica members used:
 *   path                         required; directory on the server (absolute, or relative to the login
 *                                directory); no '..' segments, no '$'
 *   credentials.secretName       required; the Secret holding the password or the private key
 *   credentials.secretKeyField   the Secret key to read; default "ssh-private-key" (auth privateKey) or
 *                                "password" (auth password)
 *   retention, retentionCheckInterval, syncInterval, snapshotInterval, validationInterval (common keys)
 * Members it refuses: bucket, region, endpoint, credentials.accessKeyField.
 * Settings (replica.settings, all strings):
 *   host      required; host or host:port of the SFTP server (port 22 when absent)
 *   user      required; the SSH login name
 *   hostKey   optional; the server's public host key, one line "<algorithm> <base64>" (ssh-keyscan output
 *             without the host name). Without it Litestream does not verify the server (warned about).
 *             Litestream 0.5 only: 0.3 has no host key verification, so setting it there is an error.
 *   auth      optional; "privateKey" (default) or "password"
 * Secret keys read (credentials.secretName):
 *   <secretKeyField>, default "ssh-private-key": an unencrypted OpenSSH or PEM private key (auth privateKey)
 *   <secretKeyField>, default "password": the SSH password (auth password)
 * Renders, for Litestream 0.3 and 0.5:
 *   replica  type: sftp, host, user, path, the common keys; host-key (0.5, when set); and either
 *            key-path: <mountRoot>/ssh-private-key, or password: ${<envPrefix>PASSWORD}
 *   volumes  privateKey: <volumePrefix>ssh-key, the one Secret key projected as file ssh-private-key (0440)
 *   mounts   that volume, read-only, at <mountRoot>
 *   env      password: <envPrefix>PASSWORD from secretKeyRef. Secret values never appear in the config.
 */
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "sftp_fields.hpp"
#include "ssh_keys.hpp"
#include "sqlite_operator/plugin.hpp"

namespace {

namespace json = sqlop::json;
namespace plugin = sqlop::plugin;

constexpr const char* kType = "sftp";
constexpr const char* kKeyFileName = "ssh-private-key";
constexpr const char* kVolumeSuffix = "ssh-key";
constexpr const char* kPasswordEnvSuffix = "PASSWORD";
// Owner and group read only: the pod's fsGroup owns Secret volume files, and Litestream runs in that group.
constexpr int kKeyFileMode = 0440;

enum class Auth { PrivateKey, Password };

const char* const kSettings[] = {"host", "user", "hostKey", "auth"};

// credentials.* and settings.auth with the defaults applied.
struct Credentials {
  std::string secret_name;
  std::string key_field;
  Auth auth = Auth::PrivateKey;
};

Auth auth_of(const plugin::ReplicaRequest& request) {
  return request.setting_string("auth") == "password" ? Auth::Password : Auth::PrivateKey;
}

Credentials credentials_of(const plugin::ReplicaRequest& request) {
  Credentials c{request.credentials("secretName"), request.credentials("secretKeyField"), auth_of(request)};
  if (c.key_field.empty()) c.key_field = c.auth == Auth::Password ? "password" : kKeyFileName;
  return c;
}

// --- validate: what can be checked without the Secret (render refuses a replica that fails here) -----

// A member counts as written when it carries content: null, "" and {} read as absent.
bool is_set(const json::Value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_object()) return !v->as_object().empty();
  return true;
}

void check_unused_members(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  for (const char* member : {"bucket", "region", "endpoint"}) {
    if (is_set(request.replica().find(member))) {
      out.error(request.field(member), "is not used by the sftp backend (it takes settings.host and path)");
    }
  }
  const json::Value* credentials = request.replica().find("credentials");
  if (credentials && is_set(credentials->find("accessKeyField"))) {
    out.error(request.field("credentials.accessKeyField"),
              "is not used by the sftp backend: credentials.secretKeyField names the one Secret key it reads");
  }
}

void check_settings(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const json::Value* settings = request.replica().find("settings");
  if (!settings || settings->is_null()) return;
  if (!settings->is_object()) {
    out.error(request.field("settings"), "must be a map of setting names to values");
    return;
  }
  for (const auto& [name, value] : settings->as_object()) {
    const std::string field = request.field("settings." + name);
    if (std::find(std::begin(kSettings), std::end(kSettings), name) == std::end(kSettings)) {
      out.error(field, "is not a setting of the sftp backend (it accepts host, user, hostKey and auth)");
    } else if (!value.is_string()) {
      out.error(field, "must be a string");
    }
  }
  const std::string auth = request.setting_string("auth");
  if (!auth.empty() && auth != "password" && auth != "privateKey") {
    out.error(request.field("settings.auth"), "must be \"privateKey\" or \"password\"");
  }
}

// A required string setting: missing is one error, otherwise every problem `check` finds.
template <typename Check>
void check_required_setting(const plugin::ReplicaRequest& request, const char* name, const char* what, Check check,
                            plugin::ValidateResult& out) {
  const std::string field = request.field(std::string("settings.") + name);
  const std::string value = request.setting_string(name);
  if (value.empty()) {
    if (!request.setting(name)) out.error(field, std::string("is required: ") + what);
    return;  // a non-string value is reported by check_settings
  }
  out.error_each(field, check(value));
}

void check_server(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  check_required_setting(request, "host", "the SFTP server as host or host:port", sftp_example::host_problems, out);
  check_required_setting(request, "user", "the SSH login name", sftp_example::user_problems, out);
  const std::string path = request.spec("path");
  if (path.empty()) {
    out.error(request.field("path"), "is required: the directory on the server that receives the backups");
  } else {
    out.error_each(request.field("path"), sftp_example::remote_path_problems(path));
  }
}

void check_host_key(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string field = request.field("settings.hostKey");
  const std::string host_key = request.setting_string("hostKey");
  if (request.format() == plugin::LitestreamFormat::V0_3) {
    if (!host_key.empty()) {
      out.error(field, "cannot be honoured by Litestream 0.3, which never verifies the server's host key and "
                       "would ignore it: use Litestream 0.5, or remove hostKey");
    } else {
      out.warn(request.field("settings.host"),
               "Litestream 0.3 does not verify the SFTP server's host key: a machine in the network path can "
               "pose as the server and receive the backups");
    }
    return;
  }
  if (host_key.empty()) {
    out.warn(field, "is not set: Litestream will not verify the SFTP server's host key, so a machine in the "
                    "network path can pose as the server; set it to the server's public key "
                    "(`ssh-keyscan -t ed25519 HOST`, without the host name)");
    return;
  }
  out.error_each(field, sftp_example::host_key_problems(host_key));
}

void check_credential_fields(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  if (request.credentials("secretName").empty()) {
    out.error(request.field("credentials.secretName"),
              "is required: name the Secret holding the SSH private key (or the password, with settings.auth "
              "\"password\")");
  }
}

void check_spec(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  check_unused_members(request, out);
  check_settings(request, out);
  check_server(request, out);
  check_host_key(request, out);
  check_credential_fields(request, out);
}

// --- validate: the Secret and the other replicas -----------------------------------------------------

void check_secret(const plugin::ValidateRequest& request, const plugin::Secret& secret, plugin::ValidateResult& out) {
  const Credentials c = credentials_of(request);
  const std::string field = request.field("credentials.secretKeyField");
  const std::string where = "Secret " + secret.namespace_() + "/" + secret.name() + " ";
  const char* holds = c.auth == Auth::Password ? "the SSH password" : "the SSH private key";
  if (!secret.has(c.key_field)) {
    out.error(field, where + "has no key \"" + c.key_field + "\" (" + holds + ")");
    return;
  }
  const std::optional<std::string> value = secret.value(c.key_field);
  if (!value) {
    out.error(field, where + "key \"" + c.key_field + "\" does not hold valid base64 data");
    return;
  }
  const auto problems = c.auth == Auth::Password ? sftp_example::password_problems(*value)
                                                 : sftp_example::private_key_problems(*value);
  for (const std::string& problem : problems) out.error(field, where + "key \"" + c.key_field + "\" " + problem);
}

std::string trimmed_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// Two replicas writing to one directory of one server overwrite each other's files.
void check_distinct_destination(const plugin::ValidateRequest& request, plugin::ValidateResult& out) {
  const json::Array& all = request.replicas();
  for (int i = 0; i < request.index() && i < static_cast<int>(all.size()); ++i) {
    const json::Value& other = all[static_cast<std::size_t>(i)];
    const json::Value* settings = other.find("settings");
    const std::string other_host = settings ? settings->get_string("host") : "";
    if (other.get_string("type") != kType || other_host != request.setting_string("host") ||
        trimmed_path(other.get_string("path")) != trimmed_path(request.spec("path"))) {
      continue;
    }
    out.error(request.field("path"), "replica " + std::to_string(i) + " already writes to this server and "
                                     "directory: give each replica its own path");
    return;
  }
}

// --- render ------------------------------------------------------------------------------------------

// The private key reaches Litestream as a file: one Secret key projected into a read-only volume.
void render_private_key(const plugin::RenderRequest& request, const Credentials& c, plugin::RenderResult& out) {
  const std::string volume_name = request.volume_prefix() + kVolumeSuffix;
  json::Value item = json::Value::object();
  item["key"] = c.key_field;
  item["path"] = kKeyFileName;
  json::Value volume = json::Value::object();
  volume["name"] = volume_name;
  volume["secret"]["secretName"] = c.secret_name;
  volume["secret"]["items"] = json::Array{std::move(item)};
  volume["secret"]["defaultMode"] = kKeyFileMode;
  out.volumes.push_back(std::move(volume));

  json::Value mount = json::Value::object();
  mount["name"] = volume_name;
  mount["mountPath"] = request.mount_root();
  mount["readOnly"] = true;
  out.volume_mounts.push_back(std::move(mount));

  out.replica["key-path"] = request.mount_root() + "/" + kKeyFileName;
}

// The password reaches Litestream through ${VAR} expansion of an env var read from the Secret.
void render_password(const plugin::RenderRequest& request, const Credentials& c, plugin::RenderResult& out) {
  const std::string env_name = request.env_prefix() + kPasswordEnvSuffix;
  out.add_secret_env(env_name, c.secret_name, c.key_field);
  out.replica["password"] = "${" + env_name + "}";
}

json::Value doc(const char* name, bool required, const char* description) {
  json::Value f = json::Value::object();
  f["name"] = name;
  f["required"] = required;
  f["description"] = description;
  return f;
}

json::Value string_setting(const char* name, bool required, const char* description) {
  json::Value s = json::Value::object();
  s["name"] = name;
  s["type"] = "string";
  s["required"] = required;
  s["description"] = description;
  return s;
}

json::Value secret_key_doc(const char* default_key, const char* description) {
  json::Value k = json::Value::object();
  k["field"] = "secretKeyField";
  k["default"] = default_key;
  k["description"] = description;
  return k;
}

class SftpBackend final : public plugin::Backend {
 public:
  const char* type() const override { return kType; }
  const char* version() const override { return "1.0.0"; }
  std::uint64_t capabilities() const override {
    return SQLOP_CAP_LITESTREAM_0_3 | SQLOP_CAP_LITESTREAM_0_5 | SQLOP_CAP_SECRET_FILES;
  }

  json::Value describe() const override {
    json::Value d = json::Value::object();
    d["type"] = kType;
    d["aliases"] = json::Value::array();
    d["version"] = version();
    d["summary"] = "an SFTP server (example out-of-tree plugin), with an SSH key or password from a Secret";
    d["fields"] = json::Array{
        doc("path", true, "directory on the server: absolute, or relative to the login directory"),
        doc("credentials.secretName", true, "Secret holding the SSH private key or the password"),
        doc("credentials.secretKeyField", false,
            "key of that Secret; default \"ssh-private-key\", or \"password\" with settings.auth \"password\""),
    };
    d["settings"] = json::Array{
        string_setting("host", true, "host or host:port of the SFTP server (port 22 when absent)"),
        string_setting("user", true, "the SSH login name"),
        string_setting("hostKey", false, "the server's public host key line, \"<algorithm> <base64>\"; Litestream 0.5 "
                                  "verifies the server with it (0.3 cannot)"),
        string_setting("auth", false, "\"privateKey\" (default) or \"password\""),
    };
    d["secretKeys"] = json::Array{
        secret_key_doc(kKeyFileName, "unencrypted SSH private key, mounted read-only as a file"),
        secret_key_doc("password", "SSH password (settings.auth \"password\"), passed as a secretKeyRef env var"),
    };
    d["processEnv"] = json::Value::array();
    d["litestreamFormats"] = json::Array{"0.3", "0.5"};
    return d;
  }

  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& out) const override {
    check_spec(request, out);
    check_distinct_destination(request, out);
    const std::optional<plugin::Secret> secret = request.secret();
    if (secret && !request.credentials("secretName").empty()) check_secret(request, *secret, out);
  }

  void render(const plugin::RenderRequest& request, plugin::RenderResult& out) const override {
    refuse_invalid(request);
    json::Value& r = out.replica;
    r["type"] = kType;
    r["host"] = request.setting_string("host");
    r["user"] = request.setting_string("user");
    r["path"] = request.spec("path");
    const std::string host_key = request.setting_string("hostKey");
    if (!host_key.empty()) r["host-key"] = host_key;  // validate allows it only for 0.5
    plugin::add_common_replica_keys(request, r);

    const Credentials c = credentials_of(request);
    if (c.auth == Auth::Password) {
      render_password(request, c, out);
    } else {
      render_private_key(request, c, out);
    }
  }

 private:
  // Render never emits a config Litestream would reject or misread: the host validates first, so this
  // only fires for a caller that skipped validate.
  static void refuse_invalid(const plugin::RenderRequest& request) {
    plugin::ValidateResult result;
    check_spec(request, result);
    if (result.errors.empty()) return;
    const plugin::Diagnostic& first = result.errors.front();
    throw plugin::RequestError("cannot render an invalid sftp replica: " + first.field + " " + first.reason);
  }
};

}  // namespace

SQLOP_PLUGIN(SftpBackend)
