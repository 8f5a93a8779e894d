/*
 * sqlop-azure: the Azure Blob Storage backend (Litestream replica type "abs"; alias "abs").
 *
 * Replica members used:
 *   bucket      required; the blob container (Azure container naming rules)
 *   path        optional blob name prefix inside the container (no leading '/', no '//' or '..')
 *   endpoint    optional http(s) service URL: Azurite (http://127.0.0.1:10000/devstoreaccount1) or a sovereign
 *               cloud; without it Litestream uses https://<account>.blob.core.windows.net
 *   credentials required Secret: Litestream 0.3 signs Azure requests only with the storage account key
 *   region      not used: an error
 * Settings (replica.settings): none.
 * Secret keys read (credentials.secretName):
 *   credentials.accessKeyField  default "account-name"  the storage account name (3-24 lowercase letters, digits)
 *   credentials.secretKeyField  default "account-key"   the storage account key (base64)
 * Renders, for Litestream 0.3 and 0.5:
 *   type: abs, account-name: ${<envPrefix>ACCOUNT_NAME}, account-key: ${<envPrefix>ACCOUNT_KEY}, bucket, path,
 *   endpoint and the common keys; env <envPrefix>ACCOUNT_NAME and <envPrefix>ACCOUNT_KEY from secretKeyRef.
 *   No volumes.
 *
 * Checked against Litestream v0.3.13: cmd/litestream/main.go reads account-name, account-key, bucket, path
 * and endpoint into abs.ReplicaClient; abs/replica_client.go builds the service URL from endpoint (or
 * https://<account>.blob.core.windows.net) and appends "/<bucket>" to its path for the container URL, and
 * base64-decodes the account key (azblob.NewSharedKeyCredential), failing on anything else.
 */
#include <optional>
#include <string>
#include <vector>

#include "azure_names.hpp"
#include "sqlite_operator/backend_rules.hpp"
#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/plugin.hpp"

namespace {

namespace json = sqlop::json;
namespace plugin = sqlop::plugin;
namespace rules = sqlop::plugin::rules;

constexpr const char* kType = "azure";
constexpr const char* kLitestreamType = "abs";
constexpr const char* kDefaultAccountNameField = "account-name";
constexpr const char* kDefaultAccountKeyField = "account-key";

// credentials.* with the defaults applied to the key names.
struct Credentials {
  std::string secret_name;
  std::string account_name_field;
  std::string account_key_field;
};

Credentials credentials_of(const plugin::ReplicaRequest& request) {
  Credentials c{request.credentials("secretName"), request.credentials("accessKeyField"),
                request.credentials("secretKeyField")};
  if (c.account_name_field.empty()) c.account_name_field = kDefaultAccountNameField;
  if (c.account_key_field.empty()) c.account_key_field = kDefaultAccountKeyField;
  return c;
}

std::string secret_label(const plugin::Secret& secret) {
  return "Secret " + secret.namespace_() + "/" + secret.name();
}

bool is_ip_literal(const std::string& host) {
  const bool ipv4 = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
  return ipv4 || host.find(':') != std::string::npos;
}

// The first segment of an endpoint's path: the account name in path-style (Azurite) URLs.
std::string first_path_segment(const std::string& path) {
  const std::size_t start = path.find_first_not_of('/');
  if (start == std::string::npos) return {};
  return path.substr(start, path.find('/', start) - start);
}

void check_container(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string container = request.spec("bucket");
  if (container.empty()) {
    out.error(request.field("bucket"), "is required: the name of the blob container to replicate to");
    return;
  }
  out.error_each(request.field("bucket"), sqlop::azure::container_name_problems(container));
}

void check_unused_members(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  if (!request.spec("region").empty()) {
    out.error(request.field("region"),
              "is not used by the azure backend: a storage account's region is fixed when the account is created");
  }
}

void check_endpoint(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const std::string endpoint = request.spec("endpoint");
  if (endpoint.empty()) return;
  const rules::EndpointCheck check = rules::check_endpoint(endpoint);
  out.error_each(request.field("endpoint"), check.problems);
  if (!check.endpoint) return;
  const rules::Endpoint& e = *check.endpoint;
  // Litestream appends "/<container>" to the endpoint, so an IP-addressed (path-style) service such as
  // Azurite needs the account in the path: http://127.0.0.1:10000/devstoreaccount1.
  if ((is_ip_literal(e.host) || rules::is_loopback_host(e.host)) && first_path_segment(e.path).empty()) {
    out.warn(request.field("endpoint"),
             "addresses the service by IP or localhost but names no storage account in its path; Azurite and "
             "other path-style services expect e.g. http://127.0.0.1:10000/devstoreaccount1");
  }
}

void check_settings(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const json::Value* settings = request.replica().find("settings");
  if (!settings || settings->is_null()) return;
  if (!settings->is_object()) {
    out.error(request.field("settings"), "must be a map of setting names to values");
    return;
  }
  for (const auto& member : settings->as_object()) {
    out.error(request.field("settings." + member.first), "is not a setting of the azure backend (it accepts none)");
  }
}

void check_credential_fields(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  const Credentials c = credentials_of(request);
  if (c.secret_name.empty()) {
    out.error(request.field("credentials.secretName"),
              "is required: Litestream 0.3 authenticates to Azure Blob Storage only with the storage account key, "
              "which it reads from this Secret (the account name from credentials.accessKeyField, default "
              "\"account-name\"; the key from credentials.secretKeyField, default \"account-key\")");
    return;
  }
  // The host checks that the key names are valid Secret keys; only their meaning is this backend's.
  if (c.account_name_field == c.account_key_field) {
    out.error(request.field("credentials.secretKeyField"),
              "must differ from credentials.accessKeyField: the account name and the account key are two "
              "different Secret keys");
  }
}

// Everything that can be checked without the Secret; render refuses a replica that fails here.
void check_spec(const plugin::ReplicaRequest& request, plugin::ValidateResult& out) {
  check_container(request, out);
  check_unused_members(request, out);
  check_endpoint(request, out);
  out.error_each(request.field("path"), rules::key_prefix_problems(request.spec("path")));
  check_settings(request, out);
  check_credential_fields(request, out);
}

// Reads one Secret key, reporting a missing key, unreadable data, emptiness and whitespace. Returns the
// value only when it passed those checks.
std::optional<std::string> read_secret_value(const plugin::Secret& secret, const std::string& key,
                                             const std::string& field, plugin::ValidateResult& out) {
  const std::string where = secret_label(secret) + " ";
  if (!secret.has(key)) {
    out.error(field, where + "has no key \"" + key + "\"");
    return std::nullopt;
  }
  std::optional<std::string> value = secret.value(key);
  if (!value) {
    out.error(field, where + "key \"" + key + "\" does not hold valid base64 data");
    return std::nullopt;
  }
  const std::vector<std::string> problems = rules::credential_value_problems(*value);
  for (const std::string& problem : problems) out.error(field, where + "key \"" + key + "\" " + problem);
  if (!problems.empty()) return std::nullopt;
  return value;
}

void check_secret(const plugin::ValidateRequest& request, const plugin::Secret& secret, plugin::ValidateResult& out) {
  const Credentials c = credentials_of(request);
  const std::string name_field = request.field("credentials.accessKeyField");
  const std::string key_field = request.field("credentials.secretKeyField");
  const std::string where = secret_label(secret) + " ";

  const std::optional<std::string> account = read_secret_value(secret, c.account_name_field, name_field, out);
  if (account) {
    for (const std::string& problem : sqlop::azure::account_name_problems(*account)) {
      out.error(name_field, where + "key \"" + c.account_name_field + "\" " + problem);
    }
  }
  const std::optional<std::string> key = read_secret_value(secret, c.account_key_field, key_field, out);
  if (key && !sqlop::base64::decode(*key)) {
    out.error(key_field, where + "key \"" + c.account_key_field +
                             "\" is not valid base64: a storage account key is the base64 text shown under "
                             "\"Access keys\" (88 characters ending in \"==\"), stored as is");
  }
  if (!account) return;
  // The seed documentation once called `bucket` the storage account: catch that mix-up.
  if (request.spec("bucket") == *account) {
    out.warn(request.field("bucket"),
             "equals the storage account name from " + secret_label(secret) +
                 ": bucket is the blob container inside the account; check that a container of that name exists");
  }
  const rules::EndpointCheck endpoint = rules::check_endpoint(request.spec("endpoint"));
  const std::string path_account = endpoint.endpoint ? first_path_segment(endpoint.endpoint->path) : std::string();
  if (!request.spec("endpoint").empty() && !path_account.empty() && path_account != *account) {
    out.warn(request.field("endpoint"),
             "names account \"" + path_account + "\" in its path but " + secret_label(secret) + " key \"" +
                 c.account_name_field + "\" holds a different account name; requests would be signed for the "
                 "wrong account");
  }
}

std::string trimmed_path(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

bool is_azure_type(std::string type) {
  for (char& c : type) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return type == kType || type == kLitestreamType;
}

// Two replicas writing to one container and prefix of one account would race on the same blobs.
void check_distinct_destination(const plugin::ValidateRequest& request, plugin::ValidateResult& out) {
  const json::Array& all = request.replicas();
  const Credentials mine = credentials_of(request);
  const auto same_destination = [&](const json::Value& other) {
    const json::Value* creds = other.find("credentials");
    const std::string other_secret = creds ? creds->get_string("secretName") : std::string();
    std::string other_field = creds ? creds->get_string("accessKeyField") : std::string();
    if (other_field.empty()) other_field = kDefaultAccountNameField;
    return is_azure_type(other.get_string("type")) && other.get_string("bucket") == request.spec("bucket") &&
           other.get_string("endpoint") == request.spec("endpoint") &&
           trimmed_path(other.get_string("path")) == trimmed_path(request.spec("path")) &&
           other_secret == mine.secret_name && other_field == mine.account_name_field;
  };
  for (int i = 0; i < request.index() && i < static_cast<int>(all.size()); ++i) {
    if (!same_destination(all[static_cast<std::size_t>(i)])) continue;
    out.error(request.field("path"),
              "replica " + std::to_string(i) + " already writes to this container and path with the same "
              "credentials: two replicas on one destination overwrite each other's files; give each its own "
              "container or path");
    return;
  }
}

void set_if_not_empty(json::Value& fragment, const char* key, const std::string& value) {
  if (!value.empty()) fragment[key] = value;
}

class AzureBackend final : public plugin::Backend {
 public:
  const char* type() const override { return kType; }
  const char* version() const override { return "1.0.0"; }

  json::Value describe() const override {
    json::Value d = json::Value::object();
    d["type"] = kType;
    d["aliases"] = json::Array{kLitestreamType};
    d["version"] = version();
    d["summary"] = "Azure Blob Storage (Litestream type abs), authenticated with the storage account key";
    d["fields"] = json::Array{
        field("bucket", true, "blob container name (Azure container naming rules)"),
        field("path", false, "blob name prefix inside the container, e.g. backups/app (no leading '/')"),
        field("endpoint", false,
              "http(s) service URL for Azurite (http://127.0.0.1:10000/devstoreaccount1) or a sovereign "
              "cloud; default https://<account>.blob.core.windows.net"),
        field("credentials", true, "Secret with the storage account name and account key"),
    };
    d["settings"] = json::Value::array();
    d["secretKeys"] = json::Array{
        secret_key("accessKeyField", kDefaultAccountNameField,
                   "key of the storage account name (3-24 lowercase letters and digits)"),
        secret_key("secretKeyField", kDefaultAccountKeyField, "key of the storage account key (base64)"),
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
    const Credentials c = credentials_of(request);
    const std::string account_env = request.env_prefix() + "ACCOUNT_NAME";
    const std::string key_env = request.env_prefix() + "ACCOUNT_KEY";
    json::Value& r = out.replica;
    r["type"] = kLitestreamType;
    r["account-name"] = "${" + account_env + "}";
    r["account-key"] = "${" + key_env + "}";
    r["bucket"] = request.spec("bucket");
    set_if_not_empty(r, "path", request.spec("path"));
    set_if_not_empty(r, "endpoint", request.spec("endpoint"));
    plugin::add_common_replica_keys(request, r);
    out.add_secret_env(account_env, c.secret_name, c.account_name_field);
    out.add_secret_env(key_env, c.secret_name, c.account_key_field);
  }

 private:
  static json::Value field(const char* name, bool required, const char* description) {
    json::Value f = json::Value::object();
    f["name"] = name;
    f["required"] = required;
    f["description"] = description;
    return f;
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
    throw plugin::RequestError("cannot render an invalid azure replica: " + first.field + " " + first.reason);
  }
};

}  // namespace

SQLOP_PLUGIN(AzureBackend)
