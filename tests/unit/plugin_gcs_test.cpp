// The gcs backend plugin, driven through the host's loader and the C ABI only (JSON in, JSON out).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "host/plugins/plugin.hpp"
#include "openapi/builtin_schemas.hpp"
#include "sqlite_operator/json.hpp"

namespace {

using sqlop::json::Array;
using sqlop::json::Value;
using sqlop::plugins::CallResult;
using sqlop::plugins::Plugin;

// Recognisable fake key material: no response may ever contain any of it.
const std::string kPrivateKeyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakeKEYmaterial";
const std::string kClientEmail = "backup-writer@secret-project-4711.iam.gserviceaccount.com";
const std::string kPrivateKeyId = "0123456789abcdefprivatekeyid";

std::shared_ptr<const Plugin> gcs_plugin() {
  static const std::shared_ptr<const Plugin> plugin = [] {
    auto loaded = sqlop::plugins::load_plugin_file(SQLOP_PLUGIN_DIR "/sqlop-gcs.so");
    if (auto* error = std::get_if<sqlop::plugins::LoadError>(&loaded)) FAIL("cannot load gcs plugin: " << error->reason);
    return std::get<std::shared_ptr<const Plugin>>(loaded);
  }();
  return plugin;
}

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

std::string base64(const std::string& in) {
  static const char* const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned n = (unsigned char)in[i] << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned n = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string pem_key() {
  return "-----BEGIN PRIVATE KEY-----\n" + kPrivateKeyBody + "\n-----END PRIVATE KEY-----\n";
}

// A service-account key file as Google issues it (fake material).
Value service_account_json() {
  Value key = Value::object();
  key["type"] = "service_account";
  key["project_id"] = "secret-project-4711";
  key["private_key_id"] = kPrivateKeyId;
  key["private_key"] = pem_key();
  key["client_email"] = kClientEmail;
  key["client_id"] = "123456789";
  return key;
}

Value gcs_replica(const std::string& bucket = "sqlite-backups") {
  Value r = Value::object();
  r["type"] = "gcs";
  r["name"] = "gcs-0";
  r["bucket"] = bucket;
  return r;
}

Value with_secret(Value replica, const std::string& secret_name) {
  replica["credentials"]["secretName"] = secret_name;
  return replica;
}

// A validate/render request for replicas[index], with the resource's replicas given in full.
Value request_for(const Array& replicas, std::size_t index, const std::string& format = "0.3") {
  Value r = Value::object();
  r["replica"] = replicas.at(index);
  r["fieldPath"] = "spec.litestream.replicas[" + std::to_string(index) + "]";
  r["replicaIndex"] = static_cast<int>(index);
  r["replicas"] = replicas;
  r["litestream"]["version"] = format == "0.3" ? "0.3.13" : "0.5.16";
  r["litestream"]["format"] = format;
  r["database"] = parse(R"({"name":"app.db","path":"/data/app.db","pvcName":"mydb-db-storage",
                            "resourceName":"mydb","namespace":"default"})");
  r["envPrefix"] = "LITESTREAM_REPLICA_" + std::to_string(index) + "_";
  r["volumePrefix"] = "replica-" + std::to_string(index) + "-";
  r["mountRoot"] = "/var/run/sqlite-operator/replica-" + std::to_string(index);
  return r;
}

Value request(const Value& replica, const std::string& format = "0.3") { return request_for(Array{replica}, 0, format); }

// The Secret as the host passes it: data values base64-encoded.
Value secret_with(const std::string& key, const std::string& raw_value, const std::string& name = "gcs-creds") {
  Value s = Value::object();
  s["name"] = name;
  s["namespace"] = "default";
  s["data"][key] = base64(raw_value);
  return s;
}

// Every string in a response (reasons, names, values), unescaped, one per line.
void collect_strings(const Value& v, std::string& out) {
  if (v.is_string()) {
    out += v.as_string();
    out += '\n';
  } else if (v.is_array()) {
    for (const Value& item : v.as_array()) collect_strings(item, out);
  } else if (v.is_object()) {
    for (const auto& member : v.as_object()) {
      out += member.first;
      out += '\n';
      collect_strings(member.second, out);
    }
  }
}

// Fails if the fake key material, or any 20-byte stretch of `secret_value` (the Secret value as the plugin
// decoded it), shows up anywhere in the response. Only offsets are reported, never the text.
void require_no_secret_material(const Value& response, const std::string& secret_value = {}) {
  std::string text;
  collect_strings(response, text);
  CHECK(text.find(kPrivateKeyBody.substr(0, 20)) == std::string::npos);
  CHECK(text.find(kClientEmail.substr(0, 20)) == std::string::npos);
  CHECK(text.find(kPrivateKeyId) == std::string::npos);
  constexpr std::size_t kWindow = 20;
  std::size_t leaked_at = std::string::npos;
  for (std::size_t i = 0; i + kWindow <= secret_value.size() && leaked_at == std::string::npos; ++i) {
    if (text.find(secret_value.substr(i, kWindow)) != std::string::npos) leaked_at = i;
  }
  INFO("the response repeats the Secret value from byte " << leaked_at);
  CHECK(leaked_at == std::string::npos);
}

Value validate(const Value& req) {
  const CallResult result = gcs_plugin()->validate(req);
  INFO(result.error);
  REQUIRE(result.ok);
  REQUIRE(result.response.find("errors"));
  REQUIRE(result.response.find("warnings"));
  return result.response;
}

Value render(const Value& req) {
  Value without_secret = req;
  without_secret.as_object().erase("secret");
  const CallResult result = gcs_plugin()->render(without_secret);
  INFO(result.error);
  REQUIRE(result.ok);
  return result.response;
}

const Array& list(const Value& response, const char* member) { return response.find(member)->as_array(); }

// The diagnostics of `kind` ("errors"/"warnings") at exactly `field`.
std::vector<std::string> reasons_at(const Value& response, const char* kind, const std::string& field) {
  std::vector<std::string> out;
  for (const Value& d : list(response, kind)) {
    if (d.get_string("field") == field) out.push_back(d.get_string("reason"));
  }
  return out;
}

bool has_diagnostic(const Value& response, const char* kind, const std::string& field, const std::string& part) {
  for (const std::string& reason : reasons_at(response, kind, field)) {
    if (reason.find(part) != std::string::npos) return true;
  }
  return false;
}

bool has_error(const Value& response, const std::string& field, const std::string& part) {
  return has_diagnostic(response, "errors", field, part);
}

const std::string kReplica0 = "spec.litestream.replicas[0]";
const std::string kReplica1 = "spec.litestream.replicas[1]";

}  // namespace

TEST_CASE("gcs plugin loads and describes itself", "[plugin][gcs]") {
  const auto plugin = gcs_plugin();
  REQUIRE(plugin);
  CHECK(plugin->info().type == "gcs");
  CHECK(plugin->info().aliases.empty());
  const Value& d = plugin->info().description;
  CHECK(d.get_string("type") == "gcs");
  CHECK(d.get_string("version") == plugin->info().plugin_version);
  CHECK_FALSE(d.get_string("summary").empty());
  CHECK(d.find("processEnv")->as_array() == Array{Value("GOOGLE_APPLICATION_CREDENTIALS")});
  CHECK(d.find("litestreamFormats")->as_array() == Array{Value("0.3"), Value("0.5")});
  CHECK(d.find("settings")->as_array().empty());

  const Array& keys = d.find("secretKeys")->as_array();
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].get_string("field") == "secretKeyField");
  CHECK(keys[0].get_string("default") == "service-account.json");
  CHECK_FALSE(keys[0].get_string("description").empty());

  bool bucket_required = false;
  for (const Value& f : d.find("fields")->as_array()) {
    if (f.get_string("name") == "bucket") bucket_required = f.get_bool("required", false);
    CHECK(f.get_string("name") != "region");
    CHECK(f.get_string("name") != "endpoint");
  }
  CHECK(bucket_required);
}

TEST_CASE("gcs validate accepts a complete replica with a service-account Secret", "[plugin][gcs]") {
  Value replica = with_secret(gcs_replica(), "gcs-creds");
  replica["path"] = "backups/mydb";
  replica["retention"] = "72h";
  Value req = request(replica);
  req["secret"] = secret_with("service-account.json", sqlop::json::dump(service_account_json()));
  const Value response = validate(req);
  CHECK(list(response, "errors").empty());
  CHECK(list(response, "warnings").empty());
  require_no_secret_material(response, sqlop::json::dump(service_account_json()));
}

TEST_CASE("gcs validate: no Secret means Application Default Credentials, with a warning", "[plugin][gcs]") {
  const Value response = validate(request(gcs_replica()));
  CHECK(list(response, "errors").empty());
  REQUIRE(list(response, "warnings").size() == 1);
  CHECK(has_diagnostic(response, "warnings", kReplica0 + ".credentials.secretName", "Application Default Credentials"));
}

TEST_CASE("gcs validate: bucket names that GCS accepts", "[plugin][gcs]") {
  const std::string name = GENERATE(as<std::string>{}, "abc", "my-bucket", "my_bucket-01", "0abc9",
                                    std::string(63, 'a'), "backups.example.com", "1.2.3.4.5", "256.1.1.1",
                                    std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                                        "." + std::string(30, 'd'),  // 222 characters
                                    "my-googl-bucket", "my-goo-gle");
  INFO(name);
  const Value response = validate(request(gcs_replica(name)));
  CHECK(reasons_at(response, "errors", kReplica0 + ".bucket").empty());
}

TEST_CASE("gcs validate: bucket names that GCS refuses", "[plugin][gcs]") {
  struct Case {
    std::string name;
    std::string reason;
  };
  const Case c = GENERATE(values<Case>({
      {"", "is required"},
      {"ab", "at least 3 characters"},
      {std::string(64, 'a'), "at most 63 characters"},
      {std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(31, 'd'),
       "at most 222 characters"},
      {std::string(64, 'a') + ".example", "component longer than 63"},
      {"my..bucket", "empty dot-separated components"},
      {"My-Bucket", "only lowercase letters, digits"},
      {"my bucket", "only lowercase letters, digits"},
      {"my/bucket", "only lowercase letters, digits"},
      {"-bucket", "start and end with a lowercase letter or digit"},
      {"bucket_", "start and end with a lowercase letter or digit"},
      {"bucket.", "start and end with a lowercase letter or digit"},
      {"192.168.5.4", "IP address"},
      {"goog-backups", "must not start with \"goog\""},
      {"my-google-backups", "\"google\" or a close misspelling"},
      {"my-g00gle-backups", "\"google\" or a close misspelling"},
      {"backups-go0g1e", "\"google\" or a close misspelling"},
  }));
  INFO(c.name);
  const Value response = validate(request(gcs_replica(c.name)));
  CHECK(has_error(response, kReplica0 + ".bucket", c.reason));
}

TEST_CASE("gcs validate: path must be a relative prefix without '..' or empty segments", "[plugin][gcs]") {
  SECTION("good paths") {
    const std::string path = GENERATE(as<std::string>{}, "backups", "a/b/c", "team_1/db-2.backup");
    Value replica = gcs_replica();
    replica["path"] = path;
    CHECK(reasons_at(validate(request(replica)), "errors", kReplica0 + ".path").empty());
  }
  SECTION("bad paths") {
    struct Case {
      std::string path;
      std::string reason;
    };
    const Case c = GENERATE(values<Case>({
        {"/backups", "no leading '/'"},
        {"a/../b", "'..'"},
        {"..", "'..'"},
        {"a//b", "empty segments"},
        {"backups/", "empty segments"},
        {"a\tb", "control characters"},
        {std::string(897, 'p'), "at most 896 bytes"},
    }));
    Value replica = gcs_replica();
    replica["path"] = c.path;
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".path", c.reason));
    CHECK(reasons_at(response, "errors", kReplica0 + ".path").size() == 1);
  }
}

TEST_CASE("gcs validate: members the backend does not use are errors, all reported", "[plugin][gcs]") {
  Value replica = with_secret(gcs_replica("Bad..Bucket"), "gcs-creds");
  replica["region"] = "europe-west1";
  replica["endpoint"] = "https://storage.googleapis.com";
  replica["credentials"]["accessKeyField"] = "access-key";
  replica["settings"]["projectId"] = "p";
  replica["settings"]["skipVerify"] = true;
  replica["path"] = "/abs";
  const Value response = validate(request(replica));
  CHECK(has_error(response, kReplica0 + ".region", "is not used by the gcs backend"));
  CHECK(has_error(response, kReplica0 + ".endpoint", "is not used by the gcs backend"));
  CHECK(has_error(response, kReplica0 + ".credentials.accessKeyField", "is not used by the gcs backend"));
  CHECK(has_error(response, kReplica0 + ".settings.projectId", "not a setting of the gcs backend"));
  CHECK(has_error(response, kReplica0 + ".settings.skipVerify", "not a setting of the gcs backend"));
  CHECK(has_error(response, kReplica0 + ".bucket", "only lowercase"));
  CHECK(has_error(response, kReplica0 + ".path", "no leading '/'"));
}

TEST_CASE("gcs validate: empty members are not reported as unused", "[plugin][gcs]") {
  Value replica = gcs_replica();
  replica["region"] = "";
  replica["endpoint"] = nullptr;
  replica["settings"] = Value::object();
  const Value response = validate(request(replica));
  CHECK(list(response, "errors").empty());
}

TEST_CASE("gcs validate: credentials.secretKeyField", "[plugin][gcs]") {
  SECTION("without a Secret it is an error") {
    Value replica = gcs_replica();
    replica["credentials"]["secretKeyField"] = "key.json";
    CHECK(has_error(validate(request(replica)), kReplica0 + ".credentials.secretKeyField",
                    "credentials.secretName is not"));
  }
  SECTION("it must be a valid Secret key") {
    Value replica = with_secret(gcs_replica(), "gcs-creds");
    replica["credentials"]["secretKeyField"] = "keys/sa.json";
    CHECK(has_error(validate(request(replica)), kReplica0 + ".credentials.secretKeyField", "not a valid Secret key"));
  }
  SECTION("it names the key that is read, instead of the default") {
    Value replica = with_secret(gcs_replica(), "gcs-creds");
    replica["credentials"]["secretKeyField"] = "sa.json";
    Value req = request(replica);
    req["secret"] = secret_with("sa.json", sqlop::json::dump(service_account_json()));
    CHECK(list(validate(req), "errors").empty());

    req["secret"] = secret_with("service-account.json", sqlop::json::dump(service_account_json()));
    const Value response = validate(req);
    CHECK(has_error(response, kReplica0 + ".credentials.secretKeyField",
                    "Secret default/gcs-creds has no key \"sa.json\""));
    require_no_secret_material(response, sqlop::json::dump(service_account_json()));
  }
}

TEST_CASE("gcs validate: the Secret must hold a service-account JSON key", "[plugin][gcs]") {
  const std::string field = kReplica0 + ".credentials.secretKeyField";
  Value req = request(with_secret(gcs_replica(), "gcs-creds"));

  SECTION("missing key") {
    req["secret"] = secret_with("credentials.json", sqlop::json::dump(service_account_json()));
    const Value response = validate(req);
    CHECK(has_error(response, field, "Secret default/gcs-creds has no key \"service-account.json\""));
    require_no_secret_material(response, sqlop::json::dump(service_account_json()));
  }
  SECTION("not base64") {
    req["secret"] = secret_with("service-account.json", "x");
    req["secret"]["data"]["service-account.json"] = "%%%not-base64";
    const Value response = validate(req);
    CHECK(has_error(response, field, "is not valid base64"));
    CHECK(sqlop::json::dump(response).find("%%%not-base64") == std::string::npos);
  }
  SECTION("not JSON") {
    const std::string broken = "{\"type\": \"service_account\", \"private_key\": \"" + kPrivateKeyBody;
    req["secret"] = secret_with("service-account.json", broken);
    const Value response = validate(req);
    CHECK(has_error(response, field, "is not valid JSON"));
    require_no_secret_material(response, broken);
  }
  SECTION("JSON but not an object") {
    req["secret"] = secret_with("service-account.json", "[\"" + kClientEmail + "\"]");
    const Value response = validate(req);
    CHECK(has_error(response, field, "is not a JSON object"));
    require_no_secret_material(response, "[\"" + kClientEmail + "\"]");
  }
  SECTION("user credentials instead of a service account") {
    Value key = service_account_json();
    key["type"] = "authorized_user";
    req["secret"] = secret_with("service-account.json", sqlop::json::dump(key));
    const Value response = validate(req);
    CHECK(has_error(response, field, "\"type\" member must be \"service_account\""));
    CHECK(sqlop::json::dump(response).find("authorized_user") == std::string::npos);
    require_no_secret_material(response, sqlop::json::dump(key));
  }
  SECTION("no client_email") {
    Value key = service_account_json();
    key["client_email"] = "";
    req["secret"] = secret_with("service-account.json", sqlop::json::dump(key));
    const Value response = validate(req);
    CHECK(has_error(response, field, "\"client_email\""));
    require_no_secret_material(response, sqlop::json::dump(key));
  }
  SECTION("no private_key") {
    Value key = service_account_json();
    key.as_object().erase("private_key");
    req["secret"] = secret_with("service-account.json", sqlop::json::dump(key));
    const Value response = validate(req);
    CHECK(has_error(response, field, "no non-empty \"private_key\""));
    require_no_secret_material(response, sqlop::json::dump(key));
  }
  SECTION("private_key that is not PEM") {
    Value key = service_account_json();
    key["private_key"] = kPrivateKeyBody;
    req["secret"] = secret_with("service-account.json", sqlop::json::dump(key));
    const Value response = validate(req);
    CHECK(has_error(response, field, "not a PEM block"));
    require_no_secret_material(response, sqlop::json::dump(key));
  }
  SECTION("every problem is reported") {
    Value key = Value::object();
    key["type"] = "external_account";
    key["private_key"] = kPrivateKeyBody;
    req["secret"] = secret_with("service-account.json", sqlop::json::dump(key));
    const Value response = validate(req);
    CHECK(reasons_at(response, "errors", field).size() == 3);
    require_no_secret_material(response, sqlop::json::dump(key));
  }
  SECTION("Secret not read by the host: its checks are skipped silently") {
    const Value response = validate(req);
    CHECK(list(response, "errors").empty());
    CHECK(list(response, "warnings").empty());
  }
}

TEST_CASE("gcs validate: one service account per Litestream process", "[plugin][gcs]") {
  const std::string why = "process-wide GOOGLE_APPLICATION_CREDENTIALS";
  SECTION("different Secrets: the later replica is refused, with the reason") {
    const Array replicas{with_secret(gcs_replica("first-bucket"), "creds-a"),
                         with_secret(gcs_replica("second-bucket"), "creds-b")};
    CHECK(list(validate(request_for(replicas, 0)), "errors").empty());
    const Value response = validate(request_for(replicas, 1));
    CHECK(has_error(response, kReplica1 + ".credentials.secretName", why));
    CHECK(has_error(response, kReplica1 + ".credentials.secretName", "one service account"));
    CHECK(has_error(response, kReplica1 + ".credentials.secretName", "\"creds-a\""));
  }
  SECTION("a Secret and none") {
    const Array replicas{gcs_replica("first-bucket"), with_secret(gcs_replica("second-bucket"), "creds-b")};
    CHECK(has_error(validate(request_for(replicas, 1)), kReplica1 + ".credentials.secretName", why));
    const Array reversed{with_secret(gcs_replica("first-bucket"), "creds-a"), gcs_replica("second-bucket")};
    CHECK(has_error(validate(request_for(reversed, 1)), kReplica1 + ".credentials.secretName", why));
  }
  SECTION("the same Secret but another key") {
    Value second = with_secret(gcs_replica("second-bucket"), "creds-a");
    second["credentials"]["secretKeyField"] = "other.json";
    const Array replicas{with_secret(gcs_replica("first-bucket"), "creds-a"), second};
    CHECK(has_error(validate(request_for(replicas, 1)), kReplica1 + ".credentials.secretKeyField", why));
  }
  SECTION("the same Secret is fine, and so is no Secret at all") {
    const Array same{with_secret(gcs_replica("first-bucket"), "creds-a"),
                     with_secret(gcs_replica("second-bucket"), "creds-a")};
    CHECK(list(validate(request_for(same, 1)), "errors").empty());
    const Array none{gcs_replica("first-bucket"), gcs_replica("second-bucket")};
    CHECK(list(validate(request_for(none, 1)), "errors").empty());
  }
  SECTION("replicas of other types do not count; the type is matched case-insensitively") {
    Value s3 = parse(R"({"type":"s3","name":"s3-0","bucket":"b","credentials":{"secretName":"s3-creds"}})");
    const Array mixed{s3, with_secret(gcs_replica(), "creds-a")};
    CHECK(list(validate(request_for(mixed, 1)), "errors").empty());
    Value upper = with_secret(gcs_replica("first-bucket"), "creds-a");
    upper["type"] = "GCS";
    const Array replicas{upper, with_secret(gcs_replica("second-bucket"), "creds-b")};
    CHECK(has_error(validate(request_for(replicas, 1)), kReplica1 + ".credentials.secretName", why));
  }
}

TEST_CASE("gcs render for Litestream 0.3", "[plugin][gcs]") {
  Value replica = with_secret(gcs_replica(), "gcs-creds");
  replica["path"] = "backups/mydb";
  replica["retention"] = "72h";
  replica["retentionCheckInterval"] = "1h";
  replica["snapshotInterval"] = "24h";
  replica["validationInterval"] = "12h";
  replica["syncInterval"] = "1s";
  const Value out = render(request(replica));

  CHECK(*out.find("replica") == parse(R"({"type":"gcs","bucket":"sqlite-backups","path":"backups/mydb",
      "retention":"72h","retention-check-interval":"1h","snapshot-interval":"24h","validation-interval":"12h",
      "sync-interval":"1s"})"));
  CHECK(*out.find("volumes") == parse(R"([{"name":"replica-0-gcp-credentials","secret":{"secretName":"gcs-creds",
      "items":[{"key":"service-account.json","path":"service-account.json"}]}}])"));
  CHECK(*out.find("volumeMounts") == parse(R"([{"name":"replica-0-gcp-credentials",
      "mountPath":"/var/run/sqlite-operator/replica-0","readOnly":true}])"));
  CHECK(*out.find("env") == parse(R"([{"name":"GOOGLE_APPLICATION_CREDENTIALS",
      "value":"/var/run/sqlite-operator/replica-0/service-account.json"}])"));
  CHECK(list(out, "warnings").empty());
}

TEST_CASE("gcs render for Litestream 0.5 uses type gs and no per-replica retention", "[plugin][gcs]") {
  Value replica = gcs_replica();
  replica["retention"] = "72h";
  replica["snapshotInterval"] = "24h";
  replica["syncInterval"] = "1s";
  const Value out = render(request(replica, "0.5"));
  CHECK(*out.find("replica") == parse(R"({"type":"gs","bucket":"sqlite-backups","sync-interval":"1s"})"));
  CHECK(list(out, "volumes").empty());
  CHECK(list(out, "volumeMounts").empty());
  CHECK(list(out, "env").empty());
}

TEST_CASE("gcs render: the key named by secretKeyField is projected as service-account.json", "[plugin][gcs]") {
  Value replica = with_secret(gcs_replica(), "gcs-creds");
  replica["credentials"]["secretKeyField"] = "sa.json";
  const Value out = render(request(replica, "0.5"));
  const Value& item = out.find("volumes")->as_array().at(0).find_path({"secret", "items"})->as_array().at(0);
  CHECK(item.get_string("key") == "sa.json");
  CHECK(item.get_string("path") == "service-account.json");
  CHECK(out.find("replica")->get_string("type") == "gs");
}

TEST_CASE("gcs render: the first replica naming a Secret provides it for the whole process", "[plugin][gcs]") {
  const Array replicas{parse(R"({"type":"s3","name":"s3-0","bucket":"b"})"),
                       with_secret(gcs_replica("first-bucket"), "gcs-creds"),
                       with_secret(gcs_replica("second-bucket"), "gcs-creds")};
  const Value first = render(request_for(replicas, 1));
  const Value second = render(request_for(replicas, 2));

  REQUIRE(list(first, "volumes").size() == 1);
  CHECK(list(first, "volumes")[0].get_string("name") == "replica-1-gcp-credentials");
  CHECK(list(first, "volumeMounts")[0].get_string("mountPath") == "/var/run/sqlite-operator/replica-1");
  CHECK(list(first, "env")[0].get_string("value") == "/var/run/sqlite-operator/replica-1/service-account.json");

  CHECK(list(second, "volumes").empty());
  CHECK(list(second, "volumeMounts").empty());
  CHECK(list(second, "env").empty());
  CHECK(second.find("replica")->get_string("bucket") == "second-bucket");
}

TEST_CASE("gcs render: names stay inside the replica's prefixes", "[plugin][gcs]") {
  const std::size_t index = GENERATE(0u, 1u, 2u);
  Array replicas{parse(R"({"type":"s3","name":"s3-0","bucket":"b"})"), parse(R"({"type":"file","name":"f"})"),
                 parse(R"({"type":"s3","name":"s3-2","bucket":"c"})")};
  replicas[index] = with_secret(gcs_replica(), "gcs-creds");
  const Value req = request_for(replicas, index);
  const Value out = render(req);
  const std::vector<std::string> process_env{"GOOGLE_APPLICATION_CREDENTIALS"};
  for (const Value& env : list(out, "env")) {
    const std::string name = env.get_string("name");
    const bool prefixed = name.rfind(req.get_string("envPrefix"), 0) == 0;
    const bool process_wide = name == process_env[0];
    CHECK((prefixed || process_wide));
    CHECK_FALSE(env.find("valueFrom"));  // the key file is mounted; the variable holds only its path
  }
  REQUIRE_FALSE(list(out, "volumes").empty());
  for (const Value& volume : list(out, "volumes")) {
    CHECK(volume.get_string("name").rfind(req.get_string("volumePrefix"), 0) == 0);
  }
  for (const Value& mount : list(out, "volumeMounts")) {
    CHECK(mount.get_string("mountPath").rfind(req.get_string("mountRoot"), 0) == 0);
  }
}

TEST_CASE("gcs render output is valid core/v1 Volume, VolumeMount and EnvVar objects", "[plugin][gcs]") {
  const std::string format = GENERATE(as<std::string>{}, "0.3", "0.5");
  Value replica = with_secret(gcs_replica(), "gcs-creds");
  replica["credentials"]["secretKeyField"] = "sa.json";
  const Value out = render(request(replica, format));
  const auto& schemas = sqlop::openapi::builtin_schemas();
  REQUIRE(list(out, "volumes").size() == 1);
  REQUIRE(list(out, "volumeMounts").size() == 1);
  REQUIRE(list(out, "env").size() == 1);
  for (const Value& v : list(out, "volumes")) {
    CHECK(sqlop::openapi::to_string(schemas.validate_as("io.k8s.api.core.v1.Volume", v)).empty());
  }
  for (const Value& m : list(out, "volumeMounts")) {
    CHECK(sqlop::openapi::to_string(schemas.validate_as("io.k8s.api.core.v1.VolumeMount", m)).empty());
  }
  for (const Value& e : list(out, "env")) {
    CHECK(sqlop::openapi::to_string(schemas.validate_as("io.k8s.api.core.v1.EnvVar", e)).empty());
  }
}

TEST_CASE("gcs responses are deterministic", "[plugin][gcs]") {
  Value replica = with_secret(gcs_replica(), "gcs-creds");
  replica["path"] = "p";
  replica["region"] = "us";
  Value req = request(replica);
  req["secret"] = secret_with("service-account.json", "{}");
  CHECK(sqlop::json::dump(validate(req)) == sqlop::json::dump(validate(req)));
  CHECK(sqlop::json::dump(render(req)) == sqlop::json::dump(render(req)));
}

TEST_CASE("gcs render refuses malformed requests", "[plugin][gcs]") {
  SECTION("unknown Litestream format") {
    Value req = request(gcs_replica());
    req["litestream"]["format"] = "0.4";
    const CallResult result = gcs_plugin()->render(req);
    CHECK_FALSE(result.ok);
    CHECK(result.status == SQLOP_ERROR_BAD_REQUEST);
  }
  SECTION("no bucket") {
    const CallResult result = gcs_plugin()->render(request(gcs_replica("")));
    CHECK_FALSE(result.ok);
    CHECK(result.status == SQLOP_ERROR_BAD_REQUEST);
    CHECK(result.error.find("bucket") != std::string::npos);
  }
}
