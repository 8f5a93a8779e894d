/*
 * gcs_backend.cpp: the Google Cloud Storage backend plugin (type "gcs").
 *
 * Replica members it reads:
 *   bucket                       required; a GCS bucket name (bucket_name.cpp has the rules)
 *   path                         optional; object-name prefix inside the bucket (relative, no ".." or "//")
 *   credentials.secretName       optional; the Secret holding a service-account JSON key. Without it
 *                                Litestream uses Application Default Credentials (GKE workload identity or
 *                                the node's service account), which is valid but reported as a warning.
 *   credentials.secretKeyField   the Secret key holding that JSON key; default "service-account.json"
 *   retention, retentionCheckInterval, syncInterval, snapshotInterval, validationInterval (common keys)
 * Members it refuses: region, endpoint, credentials.accessKeyField, and every key in settings (it has none).
 *
 * Secret keys it reads: <secretKeyField>, which must hold a JSON object with "type": "service_account", a
 * non-empty "client_email" and a PEM "private_key". Reasons never quote any of it.
 *
 * What it renders:
 *   replica   0.3: {type: gcs, bucket, path, common keys}; 0.5: {type: gs, bucket, path, sync-interval}
 *   volumes   <volumePrefix>gcp-credentials: the Secret key projected as service-account.json
 *   mounts    that volume, read-only, at <mountRoot>
 *   env       GOOGLE_APPLICATION_CREDENTIALS=<mountRoot>/service-account.json (a path, not a secret)
 * The volume, mount and env come only from the FIRST gcs replica naming a given Secret: the variable is
 * process-wide (describe.processEnv), so one Litestream process has one service account, and validate
 * refuses gcs replicas of one resource that name different Secrets (or a Secret and none).
 */
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bucket_name.hpp"
#include "object_path.hpp"
#include "process_credentials.hpp"
#include "service_account_key.hpp"
#include "sqlite_operator/plugin.hpp"

namespace {

namespace json = sqlop::json;
namespace plugin = sqlop::plugin;
using sqlop_gcs::CredentialSource;

constexpr const char* kVolumeSuffix = "gcp-credentials";

// A member counts as written when it carries content: null, "" and {} read as absent, so a host or user
// that spells out empty members is not told they are unused.
bool is_set(const json::Value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_object()) return !v->as_object().empty();
  return true;
}

// Kubernetes Secret keys: letters, digits, '-', '_' and '.', at most 253 characters.
bool is_valid_secret_key(const std::string& key) {
  if (key.empty() || key.size() > 253 || key == "." || key == "..") return false;
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::size_t replica_index(const plugin::ReplicaRequest& request) {
  return request.index() < 0 ? 0 : static_cast<std::size_t>(request.index());
}

// All replicas of the resource; render requests carry them too, though RenderRequest has no accessor.
const json::Array& all_replicas(const plugin::ReplicaRequest& request) {
  static const json::Array none;
  const json::Value* replicas = request.raw().find("replicas");
  return replicas && replicas->is_array() ? replicas->as_array() : none;
}

std::string describe_source(const CredentialSource& source) {
  return source.uses_secret() ? "Secret \"" + source.secret_name + "\""
                              : "no Secret (Application Default Credentials)";
}

json::Value field_doc(const char* name, bool required, const char* description) {
  json::Value f = json::Value::object();
  f["name"] = name;
  f["required"] = required;
  f["description"] = description;
  return f;
}

// --- validate ------------------------------------------------------------------------------------------

void check_unused_members(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  if (is_set(request.replica().find("region"))) {
    result.error(request.field("region"),
                 "is not used by the gcs backend: GCS bucket names are global and Litestream's gcs replica "
                 "has no region");
  }
  if (is_set(request.replica().find("endpoint"))) {
    result.error(request.field("endpoint"),
                 "is not used by the gcs backend: Litestream's gcs replica always talks to Google Cloud Storage");
  }
  const json::Value* credentials = request.replica().find("credentials");
  if (credentials && is_set(credentials->find("accessKeyField"))) {
    result.error(request.field("credentials.accessKeyField"),
                 "is not used by the gcs backend: the service-account JSON key is read from the Secret key "
                 "named by credentials.secretKeyField (default \"service-account.json\")");
  }
}

void check_bucket(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  const std::string bucket = request.spec("bucket");
  if (bucket.empty()) {
    result.error(request.field("bucket"), "is required: the name of the GCS bucket Litestream writes to");
    return;
  }
  for (const std::string& problem : sqlop_gcs::bucket_name_problems(bucket)) {
    result.error(request.field("bucket"), "\"" + bucket + "\" is not a valid GCS bucket name: it " + problem);
  }
}

void check_path(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  for (const std::string& problem : sqlop_gcs::object_path_problems(request.spec("path"))) {
    result.error(request.field("path"), problem);
  }
}

void check_settings(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  const json::Value* settings = request.replica().find("settings");
  if (!settings || settings->is_null()) return;
  if (!settings->is_object()) {
    result.error(request.field("settings"), "must be a map");
    return;
  }
  for (const auto& member : settings->as_object()) {
    result.error(request.field("settings." + member.first), "is not a setting of the gcs backend (it has none)");
  }
}

void check_credentials(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  const std::string secret_name = request.credentials("secretName");
  const std::string key_field = request.credentials("secretKeyField");
  if (secret_name.empty()) {
    if (!key_field.empty()) {
      result.error(request.field("credentials.secretKeyField"),
                   "is set but credentials.secretName is not: name the Secret that holds the service-account key");
    }
    result.warn(request.field("credentials.secretName"),
                "no Secret named: Litestream will use Google Application Default Credentials (GKE workload "
                "identity or the node's service account), which must be allowed to write to the bucket");
    return;
  }
  if (!key_field.empty() && !is_valid_secret_key(key_field)) {
    result.error(request.field("credentials.secretKeyField"),
                 "\"" + key_field + "\" is not a valid Secret key (letters, digits, '-', '_' and '.', at most 253)");
  }
}

void check_secret_contents(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  const std::optional<plugin::Secret> secret = request.secret();
  const CredentialSource source = sqlop_gcs::credential_source(request.replica());
  // Without the Secret the host has already warned that it was not checked.
  if (!secret || !source.uses_secret() || !is_valid_secret_key(source.key_field)) return;

  const std::string where = secret->namespace_().empty() ? secret->name() : secret->namespace_() + "/" + secret->name();
  const std::string field = request.field("credentials.secretKeyField");
  if (!secret->has(source.key_field)) {
    result.error(field, "Secret " + where + " has no key \"" + source.key_field +
                            "\" (the service-account JSON key; credentials.secretKeyField names another key)");
    return;
  }
  const std::optional<std::string> key_file = secret->value(source.key_field);
  if (!key_file) {
    result.error(field, "Secret " + where + " key \"" + source.key_field + "\" is not valid base64");
    return;
  }
  for (const std::string& problem : sqlop_gcs::service_account_key_problems(*key_file)) {
    result.error(field, "Secret " + where + " key \"" + source.key_field + "\" " + problem);
  }
}

// One Litestream process, one GOOGLE_APPLICATION_CREDENTIALS: every gcs replica must agree with the first.
void check_one_service_account(const plugin::ValidateRequest& request, plugin::ValidateResult& result) {
  const json::Array& replicas = request.replicas();
  const std::optional<std::size_t> first = sqlop_gcs::first_gcs_replica_before(replicas, replica_index(request));
  if (!first) return;
  const CredentialSource mine = sqlop_gcs::credential_source(request.replica());
  const CredentialSource theirs = sqlop_gcs::credential_source(replicas[*first]);
  if (mine == theirs) return;

  const std::string why =
      ": Litestream reads Google credentials only from the process-wide GOOGLE_APPLICATION_CREDENTIALS, so one "
      "Litestream process can use only one service account; give every gcs replica of this resource the same "
      "Secret and key (or none at all)";
  const std::string other = "the gcs replica at index " + std::to_string(*first);
  if (mine.secret_name != theirs.secret_name) {
    result.error(request.field("credentials.secretName"),
                 other + " uses " + describe_source(theirs) + " but this one uses " + describe_source(mine) + why);
  } else {
    result.error(request.field("credentials.secretKeyField"),
                 other + " reads key \"" + theirs.key_field + "\" of Secret \"" + theirs.secret_name +
                     "\" but this one reads key \"" + mine.key_field + "\"" + why);
  }
}

// --- render --------------------------------------------------------------------------------------------

// The key file and the process-wide variable pointing at it, emitted once per Secret.
void render_credentials(const plugin::RenderRequest& request, plugin::RenderResult& result) {
  const CredentialSource source = sqlop_gcs::credential_source(request.replica());
  if (!source.uses_secret()) return;
  if (!sqlop_gcs::first_to_use_secret(all_replicas(request), replica_index(request), source.secret_name)) return;

  const std::string volume_name = request.volume_prefix() + kVolumeSuffix;
  json::Value item = json::Value::object();
  item["key"] = source.key_field;
  item["path"] = sqlop_gcs::kKeyFileName;
  json::Value volume = json::Value::object();
  volume["name"] = volume_name;
  volume["secret"]["secretName"] = source.secret_name;
  volume["secret"]["items"] = json::Array{std::move(item)};
  result.volumes.push_back(std::move(volume));

  json::Value mount = json::Value::object();
  mount["name"] = volume_name;
  mount["mountPath"] = request.mount_root();
  mount["readOnly"] = true;
  result.volume_mounts.push_back(std::move(mount));

  result.add_env(sqlop_gcs::kCredentialsEnv, request.mount_root() + "/" + sqlop_gcs::kKeyFileName);
}

class GcsBackend final : public plugin::Backend {
 public:
  const char* type() const override { return sqlop_gcs::kType; }
  const char* version() const override { return "1.0.0"; }

  json::Value describe() const override {
    json::Value d = json::Value::object();
    d["type"] = sqlop_gcs::kType;
    d["aliases"] = json::Value::array();
    d["version"] = version();
    d["summary"] = "Google Cloud Storage bucket, with a service-account key Secret or Application Default Credentials";
    d["fields"] = json::Array{
        field_doc("bucket", true, "GCS bucket name (3-63 characters, up to 222 with dots; lowercase letters, "
                                  "digits, '-', '_', '.'; not starting with \"goog\" nor containing \"google\")"),
        field_doc("path", false, "object-name prefix inside the bucket; relative, without '..' or empty segments"),
        field_doc("credentials.secretName", false,
                  "Secret holding a service-account JSON key; without it Litestream uses Application Default "
                  "Credentials (workload identity). All gcs replicas of one resource must name the same Secret"),
        field_doc("credentials.secretKeyField", false,
                  "key of that Secret holding the JSON key (default \"service-account.json\")"),
    };
    d["settings"] = json::Value::array();
    json::Value key = json::Value::object();
    key["field"] = "secretKeyField";
    key["default"] = sqlop_gcs::kDefaultKeyField;
    key["description"] =
        "service-account JSON key file (type \"service_account\"), mounted read-only and named by "
        "GOOGLE_APPLICATION_CREDENTIALS";
    d["secretKeys"] = json::Array{std::move(key)};
    d["processEnv"] = json::Array{json::Value(sqlop_gcs::kCredentialsEnv)};
    d["litestreamFormats"] = json::Array{json::Value("0.3"), json::Value("0.5")};
    return d;
  }

  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& result) const override {
    check_unused_members(request, result);
    check_bucket(request, result);
    check_path(request, result);
    check_settings(request, result);
    check_credentials(request, result);
    check_secret_contents(request, result);
    check_one_service_account(request, result);
  }

  void render(const plugin::RenderRequest& request, plugin::RenderResult& result) const override {
    const std::string bucket = request.spec("bucket");
    if (bucket.empty()) throw plugin::RequestError("replica.bucket is required (validate the replica first)");
    // Litestream 0.5 renamed the replica type; "gcs" is an unknown type there.
    result.replica["type"] = request.format() == plugin::LitestreamFormat::V0_3 ? "gcs" : "gs";
    result.replica["bucket"] = bucket;
    const std::string path = request.spec("path");
    if (!path.empty()) result.replica["path"] = path;
    plugin::add_common_replica_keys(request, result.replica);
    render_credentials(request, result);
  }
};

}  // namespace

SQLOP_PLUGIN(GcsBackend)
