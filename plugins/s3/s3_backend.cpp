/*
 * sqlop-s3: the Amazon S3 backend (also MinIO, Cloudflare R2, Wasabi and other S3-compatible stores).
 *
 * Replica members used:
 *   bucket      required; AWS bucket naming rules
 *   path        optional key prefix inside the bucket (no leading '/', no '//' or '..')
 *   region      optional; an AWS region code, or any text without whitespace when endpoint is set
 *   endpoint    optional http(s) URL of an S3-compatible store; implies path-style addressing
 *   credentials optional Secret; without one Litestream uses the AWS default credential chain
 *               (IRSA, EKS Pod Identity, instance profile)
 * Settings (replica.settings):
 *   skipVerify      boolean  skip TLS certificate verification (warned about)
 *   forcePathStyle  boolean  path-style requests; default true with an endpoint, false without
 * Secret keys read (credentials.secretName):
 *   credentials.accessKeyField  default "access-key"  the access key ID
 *   credentials.secretKeyField  default "secret-key"  the secret access key
 * Renders, for Litestream 0.3 and 0.5:
 *   type: s3, bucket, path, region, endpoint, force-path-style, skip-verify, the common keys, and with a
 *   Secret: access-key-id: ${<envPrefix>ACCESS_KEY_ID}, secret-access-key: ${<envPrefix>SECRET_ACCESS_KEY};
 *   env <envPrefix>ACCESS_KEY_ID and <envPrefix>SECRET_ACCESS_KEY from secretKeyRef. No volumes.
 */
#include <optional>
#include <string>
#include <vector>

#include "sqlite_operator/backend_rules.hpp"
#include "s3_names.hpp"
#include "sqlite_operator/plugin.hpp"

namespace {

namespace json = sqlop::json;
namespace plugin = sqlop::plugin;
namespace rules = sqlop::plugin::rules;

constexpr const char* kType = "s3";
constexpr const char* kDefaultAccessKeyField = "access-key";
constexpr const char* kDefaultSecretKeyField = "secret-key";
constexpr const char* kSkipVerify = "skipVerify";
constexpr const char* kForcePathStyle = "forcePathStyle";

// credentials.* with the defaults applied to the key names.
struct Credentials {
  std::string secret_name;
  std::string access_key_field;
  std::string secret_key_field;
};

Credentials credentials_of(const plugin::ReplicaRequest& request) {
  Credentials c{request.credentials("secretName"), request.credentials("accessKeyField"),
                request.credentials("secretKeyField")};
  if (c.access_key_field.empty()) c.access_key_field = kDefaultAccessKeyField;
  if (c.secret_key_field.empty()) c.secret_key_field = kDefaultSecretKeyField;
  return c;
}

bool setting_is_true(const plugin::ReplicaRequest& request, const char* name) {
  const json::Value* v = request.setting(name);
  return v && v->is_bool() && v->as_bool();
}

// Litestream 0.3 and 0.5 default force-path-style to true when an endpoint is set; an explicit setting wins.
std::optional<bool> force_path_style(const plugin::ReplicaRequest& request) {
  const json::Value* v = request.setting(kForcePathStyle);
  if (v && v->is_bool()) return v->as_bool();
  if (!request.spec("endpoint").empty()) return true;
  return std::nullopt;
}

void check_bucket(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string bucket = request.spec("bucket");
  if (bucket.empty()) {
    out.error(request.field("bucket"), "is required: the name of the S3 bucket to replicate to");
    return;
  }
  out.error_each(request.field("bucket"), sqlop::s3::bucket_name_problems(bucket));
}

void check_region(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string region = request.spec("region");
  const bool has_endpoint = !request.spec("endpoint").empty();
  if (region.empty()) {
    if (!has_endpoint) {
      // Litestream 0.3 then calls GetBucketLocation against us-east-1 at start-up.
      out.warn(request.field("region"),
               "is not set: Litestream looks the bucket's region up at start-up, which needs the "
               "s3:GetBucketLocation permission; set region to skip the lookup");
    }
    return;
  }
  out.error_each(request.field("region"),
             has_endpoint ? sqlop::s3::compatible_region_problems(region) : sqlop::s3::aws_region_problems(region));
}

void check_endpoint(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string endpoint = request.spec("endpoint");
  if (endpoint.empty()) return;
  out.error_each(request.field("endpoint"), rules::check_endpoint(endpoint).problems);
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
    if (name != kSkipVerify && name != kForcePathStyle) {
      out.error(field, "is not a setting of the s3 backend (it accepts skipVerify and forcePathStyle)");
    } else if (!value.is_bool()) {
      out.error(field, "must be true or false (a boolean, not a string)");
    }
  }
  if (setting_is_true(request, kSkipVerify)) {
    out.warn(request.field(std::string("settings.") + kSkipVerify),
             "turns TLS certificate verification off: anyone on the network path can impersonate the store and "
             "read or alter backups; use it only for testing, or give the store a certificate the pod trusts");
  }
}

void check_credential_fields(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string secret_name = request.credentials("secretName");
  const std::string access_field = request.credentials("accessKeyField");
  const std::string secret_field = request.credentials("secretKeyField");
  if (secret_name.empty()) {
    const auto refuse_orphan = [&](const char* member, const std::string& value) {
      if (value.empty()) return;
      out.error(request.field(std::string("credentials.") + member),
                "is set but credentials.secretName is not: name the Secret that holds this key");
    };
    refuse_orphan("accessKeyField", access_field);
    refuse_orphan("secretKeyField", secret_field);
    if (access_field.empty() && secret_field.empty()) {
      out.warn(request.field("credentials.secretName"),
               "is not set: Litestream will use the AWS default credential chain (IRSA, EKS Pod Identity or the "
               "node's instance profile), so the pod must get access to the bucket that way");
    }
    return;
  }
  // The host checks that the key names are valid Secret keys; only their meaning is this backend's.
  const Credentials c = credentials_of(request);
  if (c.access_key_field == c.secret_key_field) {
    out.error(request.field("credentials.secretKeyField"),
              "must differ from credentials.accessKeyField: the access key ID and the secret access key are two "
              "different Secret keys");
  }
}

// Everything that can be checked without the Secret; render refuses a replica that fails here.
void check_spec(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  check_bucket(request, out);
  check_region(request, out);
  check_endpoint(request, out);
  out.error_each(request.field("path"), rules::key_prefix_problems(request.spec("path")));
  check_settings(request, out);
  check_credential_fields(request, out);
}

// One Secret key holding a credential: present, readable, non-empty, no whitespace, safe to paste into YAML.
void check_secret_value(const plugin::ReplicaRequest& request, const plugin::Secret& secret, const char* member,
                        const std::string& key, plugin::ValidateResult& out) {
  const std::string field = request.field(std::string("credentials.") + member);
  const std::string where = "Secret " + secret.namespace_() + "/" + secret.name() + " ";
  if (!secret.has(key)) {
    out.error(field, where + "has no key \"" + key + "\"");
    return;
  }
  const std::optional<std::string> value = secret.value(key);
  if (!value) {
    out.error(field, where + "key \"" + key + "\" does not hold valid base64 data");
    return;
  }
  for (const std::string& problem : rules::credential_value_problems(*value)) {
    out.error(field, where + "key \"" + key + "\" " + problem);
  }
  if (auto problem = rules::yaml_substitution_problem(*value)) out.error(field, where + "key \"" + key + "\" " + *problem);
}

void check_secret(const plugin::ValidateRequest& request, const plugin::Secret& secret, plugin::ValidateResult& out) {
  const Credentials c = credentials_of(request);
  check_secret_value(request, secret, "accessKeyField", c.access_key_field, out);
  check_secret_value(request, secret, "secretKeyField", c.secret_key_field, out);
  // Temporary STS keys (ASIA...) need a session token, which Litestream's config cannot carry.
  const std::optional<std::string> key_id = secret.has(c.access_key_field) ? secret.value(c.access_key_field) : std::nullopt;
  if (key_id && key_id->rfind("ASIA", 0) == 0 && request.spec("endpoint").empty()) {
    out.warn(request.field("credentials.accessKeyField"),
             "Secret " + secret.namespace_() + "/" + secret.name() + " key \"" + c.access_key_field +
                 "\" holds a temporary AWS access key (ASIA...): it needs a session token Litestream cannot be "
                 "given, and it expires; use a long-lived key or IRSA / EKS Pod Identity");
  }
}

std::string lower_case(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

std::string trimmed_path(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

// Two replicas writing to one bucket and prefix would race on the same objects.
void check_distinct_destination(const plugin::ValidateRequest& request, plugin::ValidateResult& out) {
  const json::Array& all = request.replicas();
  const auto same_destination = [&request](const json::Value& other) {
    return lower_case(other.get_string("type")) == kType && other.get_string("bucket") == request.spec("bucket") &&
           other.get_string("endpoint") == request.spec("endpoint") &&
           trimmed_path(other.get_string("path")) == trimmed_path(request.spec("path"));
  };
  for (int i = 0; i < request.index() && i < static_cast<int>(all.size()); ++i) {
    if (!same_destination(all[static_cast<std::size_t>(i)])) continue;
    out.error(request.field("path"),
              "replica " + std::to_string(i) + " already writes to this bucket and path: two replicas on one "
              "destination overwrite each other's files; give each its own bucket or path");
    return;
  }
}

void set_if_not_empty(json::Value& fragment, const char* key, const std::string& value) {
  if (!value.empty()) fragment[key] = value;
}

class S3Backend final : public plugin::Backend {
 public:
  const char* type() const override { return kType; }
  const char* version() const override { return "1.0.0"; }

  json::Value describe() const override {
    json::Value d = json::Value::object();
    d["type"] = kType;
    d["aliases"] = json::Value::array();
    d["version"] = version();
    d["summary"] = "Amazon S3 and S3-compatible object stores (MinIO, Cloudflare R2, Wasabi, ...)";
    d["fields"] = json::Array{
        field("bucket", true, "S3 bucket name (AWS bucket naming rules)"),
        field("path", false, "key prefix inside the bucket, e.g. backups/app (no leading '/')"),
        field("region", false, "AWS region code such as us-east-1; any value for an S3-compatible endpoint"),
        field("endpoint", false, "http(s) URL of an S3-compatible store; turns on path-style requests"),
        field("credentials", false,
              "Secret with the access key ID and secret access key; without it Litestream uses the AWS "
              "default credential chain (IRSA, EKS Pod Identity, instance profile)"),
    };
    d["settings"] = json::Array{
        setting(kSkipVerify, "skip TLS certificate verification of the endpoint (testing only)"),
        setting(kForcePathStyle, "path-style requests (bucket in the path); default true when endpoint is set"),
    };
    d["secretKeys"] = json::Array{
        secret_key("accessKeyField", kDefaultAccessKeyField, "key of the access key ID"),
        secret_key("secretKeyField", kDefaultSecretKeyField, "key of the secret access key"),
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
    r["bucket"] = request.spec("bucket");
    set_if_not_empty(r, "path", request.spec("path"));
    set_if_not_empty(r, "region", request.spec("region"));
    set_if_not_empty(r, "endpoint", request.spec("endpoint"));
    if (const std::optional<bool> path_style = force_path_style(request)) r["force-path-style"] = *path_style;
    if (setting_is_true(request, kSkipVerify)) r["skip-verify"] = true;
    plugin::add_common_replica_keys(request, r);

    const Credentials c = credentials_of(request);
    if (c.secret_name.empty()) return;
    const std::string key_id_env = request.env_prefix() + "ACCESS_KEY_ID";
    const std::string secret_key_env = request.env_prefix() + "SECRET_ACCESS_KEY";
    r["access-key-id"] = "${" + key_id_env + "}";
    r["secret-access-key"] = "${" + secret_key_env + "}";
    out.add_secret_env(key_id_env, c.secret_name, c.access_key_field);
    out.add_secret_env(secret_key_env, c.secret_name, c.secret_key_field);
  }

 private:
  static json::Value field(const char* name, bool required, const char* description) {
    json::Value f = json::Value::object();
    f["name"] = name;
    f["required"] = required;
    f["description"] = description;
    return f;
  }
  static json::Value setting(const char* name, const char* description) {
    json::Value s = json::Value::object();
    s["name"] = name;
    s["type"] = "boolean";
    s["description"] = description;
    return s;
  }
  static json::Value secret_key(const char* field, const char* default_key, const char* description) {
    json::Value k = json::Value::object();
    k["field"] = field;
    k["default"] = default_key;
    k["description"] = description;
    return k;
  }

  // Render never emits a config Litestream would reject or misread: the host validates first, so this
  // only fires for a caller that skipped validate.
  static void refuse_invalid(const plugin::RenderRequest& request) {
    plugin::ValidateResult result;
    check_spec(request, result);
    if (result.errors.empty()) return;
    const plugin::Diagnostic& first = result.errors.front();
    throw plugin::RequestError("cannot render an invalid s3 replica: " + first.field + " " + first.reason);
  }
};

}  // namespace

SQLOP_PLUGIN(S3Backend)
