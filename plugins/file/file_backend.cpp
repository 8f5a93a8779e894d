/*
 * file_backend.cpp: the file backend plugin (type "file", alias "local"): Litestream replicates into a
 * directory on a PersistentVolumeClaim of the user's choosing.
 *
 * Backups must survive the pod and the database volume, so they never go to the container's filesystem
 * (the earlier operator's mistake) nor to the database's own PVC (lost together with the database).
 *
 * Replica members it reads:
 *   settings.claimName   required; an existing PersistentVolumeClaim in the resource's namespace (a DNS-1123
 *                        subdomain), other than the database's own PVC
 *   path                 optional; a directory inside that volume, relative (no leading '/', no '..', no
 *                        empty segments, no control characters). Default: the resource name, so several
 *                        databases can share one backup PVC.
 *   retention, retentionCheckInterval, syncInterval, snapshotInterval, validationInterval (common keys)
 * Members it refuses: bucket, region, endpoint, credentials, and every other key in settings (subPath
 * included: `path` already chooses the directory).
 *
 * Secret keys it reads: none.
 *
 * What it renders (the same for Litestream 0.3 and 0.5):
 *   replica   {type: file, path: <mountRoot>/<path>, common keys}
 *   volumes   <volumePrefix>backup: persistentVolumeClaim {claimName}
 *   mounts    that volume, read-write, at <mountRoot>
 *   env       none
 */
#include <string>

#include "dns_subdomain.hpp"
#include "relative_path.hpp"
#include "sqlite_operator/plugin.hpp"

namespace {

namespace json = sqlop::json;
namespace plugin = sqlop::plugin;

constexpr const char* kType = "file";
constexpr const char* kClaimNameSetting = "claimName";
constexpr const char* kVolumeSuffix = "backup";

// A member counts as written when it carries content: null, "" and {} read as absent, so a host or user
// that spells out empty members is not told they are unused.
bool is_set(const json::Value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_object()) return !v->as_object().empty();
  return true;
}

json::Value doc(const char* name, const char* type_key, const char* type, bool required, const char* description) {
  json::Value f = json::Value::object();
  f["name"] = name;
  if (type_key) f[type_key] = type;
  f["required"] = required;
  f["description"] = description;
  return f;
}

// --- validate ------------------------------------------------------------------------------------------

void check_unused_members(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  static const char* const unused[] = {"bucket", "region", "endpoint", "credentials"};
  for (const char* member : unused) {
    if (is_set(request.replica().find(member))) {
      result.error(request.field(member),
                   "is not used by the file backend: it writes to the PersistentVolumeClaim named by "
                   "settings.claimName, which needs no bucket, region, endpoint or credentials");
    }
  }
}

void check_claim_name(const plugin::ValidateRequest& request, const json::Value* claim,
                      plugin::ValidateResult& result) {
  const std::string field = request.field(std::string("settings.") + kClaimNameSetting);
  if (!claim || claim->is_null() || (claim->is_string() && claim->as_string().empty())) {
    result.error(field,
                 "is required: the name of an existing PersistentVolumeClaim that holds the backups (they must be "
                 "on a durable volume, never on the container's filesystem, which is lost when the pod restarts)");
    return;
  }
  if (!claim->is_string()) {
    result.error(field, "must be a string: the name of a PersistentVolumeClaim");
    return;
  }
  const std::string& name = claim->as_string();
  if (!sqlop_file::is_dns1123_subdomain(name)) {
    result.error(field, "\"" + name + "\" is not a valid PersistentVolumeClaim name (lowercase letters, digits, "
                        "'-' and '.', starting and ending with a letter or digit, at most 253 characters)");
  }
  const std::string database_pvc = request.database().get_string("pvcName");
  if (!database_pvc.empty() && name == database_pvc) {
    result.error(field, "names the database's own PersistentVolumeClaim \"" + name +
                            "\": a backup on the same volume is lost together with the database; use a separate "
                            "PersistentVolumeClaim for backups");
  }
}

void check_settings(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  const json::Value* settings = request.replica().find("settings");
  if (settings && !settings->is_null() && !settings->is_object()) {
    result.error(request.field("settings"), "must be a map");
    return;
  }
  check_claim_name(request, request.setting(kClaimNameSetting), result);
  if (!settings || settings->is_null()) return;
  for (const auto& member : settings->as_object()) {
    if (member.first == kClaimNameSetting) continue;
    const std::string field = request.field("settings." + member.first);
    if (member.first == "subPath") {
      result.error(field, "is not supported by the file backend: use path to choose the directory inside the claim");
    } else {
      result.error(field, "is not a setting of the file backend (it accepts only claimName)");
    }
  }
}

void check_path(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  for (const std::string& problem : sqlop_file::relative_path_problems(request.spec("path"))) {
    result.error(request.field("path"), problem);
  }
}

// --- render --------------------------------------------------------------------------------------------

// The directory inside the volume: the replica's path, or the resource name so databases can share a claim.
std::string backup_directory(const plugin::RenderRequest& request) {
  const std::string path = request.spec("path");
  if (!path.empty()) return path;
  const std::string resource = request.database().get_string("resourceName");
  if (resource.empty()) {
    throw plugin::RequestError("request.database.resourceName is required when the replica has no path");
  }
  return resource;
}

class FileBackend final : public plugin::Backend {
 public:
  const char* type() const override { return kType; }
  const char* version() const override { return "1.0.0"; }

  json::Value describe() const override {
    json::Value d = json::Value::object();
    d["type"] = kType;
    d["aliases"] = json::Array{json::Value("local")};
    d["version"] = version();
    d["summary"] = "a directory on a separate PersistentVolumeClaim (never the container's filesystem)";
    d["fields"] = json::Array{
        doc("path", nullptr, nullptr, false,
            "directory inside the backup claim, relative, without '..' or empty segments; default: the "
            "SqliteDatabase's name, so several databases can share one claim"),
    };
    d["settings"] = json::Array{
        doc(kClaimNameSetting, "type", "string", true,
            "existing PersistentVolumeClaim in the same namespace that holds the backups; must not be the "
            "database's own claim (a backup there is lost with the database)"),
    };
    d["secretKeys"] = json::Value::array();
    d["processEnv"] = json::Value::array();
    d["litestreamFormats"] = json::Array{json::Value("0.3"), json::Value("0.5")};
    return d;
  }

  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& result) const override {
    check_unused_members(request, result);
    check_settings(request, result);
    check_path(request, result);
  }

  void render(const plugin::RenderRequest& request, plugin::RenderResult& result) const override {
    const std::string claim = request.setting_string(kClaimNameSetting);
    if (claim.empty()) throw plugin::RequestError("replica.settings.claimName is required (validate the replica first)");
    const std::string volume_name = request.volume_prefix() + kVolumeSuffix;

    json::Value volume = json::Value::object();
    volume["name"] = volume_name;
    volume["persistentVolumeClaim"]["claimName"] = claim;
    result.volumes.push_back(std::move(volume));

    json::Value mount = json::Value::object();
    mount["name"] = volume_name;
    mount["mountPath"] = request.mount_root();
    result.volume_mounts.push_back(std::move(mount));

    result.replica["type"] = kType;
    result.replica["path"] = request.mount_root() + "/" + backup_directory(request);
    plugin::add_common_replica_keys(request, result.replica);
  }
};

}  // namespace

SQLOP_PLUGIN(FileBackend)
