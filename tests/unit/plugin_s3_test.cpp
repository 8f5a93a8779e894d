// The s3 backend plugin, driven through the host's loader and the C ABI only (JSON in, JSON out).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "host/plugins/plugin.hpp"
#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/json.hpp"

namespace {

using sqlop::json::Array;
using sqlop::json::Value;
using sqlop::plugins::CallResult;
using sqlop::plugins::Plugin;

// Recognisable fake credentials: no response may ever contain them, raw or base64-encoded.
const std::string kAccessKeyId = "AKIAFAKEKEYID4711XYZ";
const std::string kSecretAccessKey = "fakeSecret4711AccessKey/0123456789+abcdEF";
const std::string kOtherAccessKeyId = "AKIAOTHERKEYID0815QQ";
const std::string kOtherSecretAccessKey = "otherSecret0815AccessKey/9876543210+zyxwVU";

const std::string kReplica0 = "spec.litestream.replicas[0]";

std::shared_ptr<const Plugin> s3_plugin() {
  static const std::shared_ptr<const Plugin> plugin = [] {
    auto loaded = sqlop::plugins::load_plugin_file(SQLOP_PLUGIN_DIR "/sqlop-s3.so");
    if (auto* error = std::get_if<sqlop::plugins::LoadError>(&loaded)) FAIL("cannot load s3 plugin: " << error->reason);
    return std::get<std::shared_ptr<const Plugin>>(loaded);
  }();
  return plugin;
}

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

std::string base64(const std::string& in) { return sqlop::base64::encode(in); }

Value s3_replica(const std::string& bucket = "my-backup-bucket") {
  Value r = Value::object();
  r["type"] = "s3";
  r["name"] = "s3-0";
  r["bucket"] = bucket;
  return r;
}

Value with_secret(Value replica, const std::string& secret_name = "s3-creds") {
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
Value secret(const std::vector<std::pair<std::string, std::string>>& raw_data, const std::string& name = "s3-creds") {
  Value s = Value::object();
  s["name"] = name;
  s["namespace"] = "default";
  s["data"] = Value::object();
  for (const auto& [key, value] : raw_data) s["data"][key] = base64(value);
  return s;
}

Value good_secret(const std::string& name = "s3-creds") {
  return secret({{"access-key", kAccessKeyId}, {"secret-key", kSecretAccessKey}}, name);
}

// Fails if any credential (or its base64 form, or a given extra value) shows up anywhere in the response.
void require_no_secret_material(const Value& response, const std::vector<std::string>& extra = {}) {
  const std::string text = sqlop::json::dump(response);
  std::vector<std::string> needles = {kAccessKeyId, kSecretAccessKey, kOtherAccessKeyId, kOtherSecretAccessKey};
  needles.insert(needles.end(), extra.begin(), extra.end());
  for (const std::string& needle : needles) {
    INFO("secret material: " << needle.size() << " characters");
    CHECK(text.find(needle) == std::string::npos);
    CHECK(text.find(base64(needle)) == std::string::npos);
  }
}

Value validate(const Value& req) {
  const CallResult result = s3_plugin()->validate(req);
  INFO(result.error);
  REQUIRE(result.ok);
  REQUIRE(result.response.find("errors"));
  REQUIRE(result.response.find("warnings"));
  require_no_secret_material(result.response);
  return result.response;
}

Value render(const Value& req) {
  const CallResult result = s3_plugin()->render(req);
  INFO(result.error);
  REQUIRE(result.ok);
  require_no_secret_material(result.response);
  return result.response;
}

bool has_diagnostic(const Value& response, const char* list, const std::string& field, const std::string& reason_part) {
  for (const Value& d : response.find(list)->as_array()) {
    if (d.get_string("field") == field && d.get_string("reason").find(reason_part) != std::string::npos) return true;
  }
  return false;
}
bool has_error(const Value& response, const std::string& field, const std::string& reason_part) {
  return has_diagnostic(response, "errors", field, reason_part);
}
bool has_warning(const Value& response, const std::string& field, const std::string& reason_part) {
  return has_diagnostic(response, "warnings", field, reason_part);
}
std::size_t error_count(const Value& response) { return response.find("errors")->as_array().size(); }
std::size_t errors_at(const Value& response, const std::string& field) {
  std::size_t n = 0;
  for (const Value& d : response.find("errors")->as_array()) n += d.get_string("field") == field ? 1 : 0;
  return n;
}

// A fully specified replica that must pass without errors or warnings.
Value complete_replica() {
  Value r = with_secret(s3_replica());
  r["region"] = "us-west-2";
  r["path"] = "sqlite-backups/app";
  r["retention"] = "168h";
  r["retentionCheckInterval"] = "1h";
  r["snapshotInterval"] = "24h";
  r["validationInterval"] = "12h";
  r["syncInterval"] = "10s";
  return r;
}

Value complete_request(const std::string& format = "0.3") {
  Value req = request(complete_replica(), format);
  req["secret"] = good_secret();
  return req;
}

}  // namespace

TEST_CASE("s3 describe names its fields, settings, Secret keys and formats", "[plugin][s3]") {
  const auto plugin = s3_plugin();
  CHECK(plugin->info().type == "s3");
  const CallResult result = plugin->describe();
  REQUIRE(result.ok);
  const Value& d = result.response;
  CHECK(d.get_string("type") == "s3");
  CHECK(d.get_string("version") == "1.0.0");
  CHECK(!d.get_string("summary").empty());
  CHECK(*d.find("aliases") == Value(Array{}));
  CHECK(*d.find("processEnv") == Value(Array{}));
  CHECK(*d.find("litestreamFormats") == Value(Array{"0.3", "0.5"}));

  std::vector<std::string> field_names;
  for (const Value& f : d.find("fields")->as_array()) {
    field_names.push_back(f.get_string("name"));
    CHECK(!f.get_string("description").empty());
    REQUIRE(f.find("required"));
    CHECK(f.find("required")->as_bool() == (f.get_string("name") == "bucket"));
  }
  CHECK(field_names == std::vector<std::string>{"bucket", "path", "region", "endpoint", "credentials"});

  const Array& settings = d.find("settings")->as_array();
  REQUIRE(settings.size() == 2);
  CHECK(settings[0].get_string("name") == "skipVerify");
  CHECK(settings[1].get_string("name") == "forcePathStyle");
  for (const Value& s : settings) CHECK(s.get_string("type") == "boolean");

  const Array& keys = d.find("secretKeys")->as_array();
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].get_string("field") == "accessKeyField");
  CHECK(keys[0].get_string("default") == "access-key");
  CHECK(keys[1].get_string("field") == "secretKeyField");
  CHECK(keys[1].get_string("default") == "secret-key");
}

TEST_CASE("s3 accepts a complete replica with a good Secret without errors or warnings", "[plugin][s3]") {
  for (const std::string format : {"0.3", "0.5"}) {
    const Value response = validate(complete_request(format));
    INFO(sqlop::json::dump(response));
    CHECK(error_count(response) == 0);
    CHECK(response.find("warnings")->as_array().empty());
  }
}

TEST_CASE("s3 bucket names follow the AWS naming rules, one reason per broken rule", "[plugin][s3]") {
  const std::string field = kReplica0 + ".bucket";

  SECTION("valid names") {
    for (const std::string& bucket :
         std::vector<std::string>{"abc", "my-bucket", "my.bucket.name", "1bucket", "bucket-1.example",
                                  "a" + std::string(62, 'b'), "192.168.5", "xn-bucket", "s3alias-first"}) {
      INFO(bucket);
      CHECK(errors_at(validate(request(with_secret(s3_replica(bucket)))), field) == 0);
    }
  }
  SECTION("missing") {
    Value replica = with_secret(s3_replica());
    replica.as_object().erase("bucket");
    CHECK(has_error(validate(request(replica)), field, "is required"));
    CHECK(has_error(validate(request(with_secret(s3_replica("")))), field, "is required"));
  }
  struct Case {
    std::string bucket;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"ab", "must be 3-63 characters long"},
      {std::string(64, 'a'), "must be 3-63 characters long"},
      {"MyBucket", "only lowercase letters, digits, '.' and '-' (found 'M')"},
      {"my_bucket", "(found '_')"},
      {"my bucket", "(found ' ')"},
      {"-bucket", "must begin with a lowercase letter or digit"},
      {".bucket", "must begin with a lowercase letter or digit"},
      {"bucket-", "must end with a lowercase letter or digit"},
      {"bucket.", "must end with a lowercase letter or digit"},
      {"my..bucket", "must not contain two adjacent dots"},
      {"192.168.5.4", "must not be formatted as an IP address"},
      {"xn--bucket", "must not start with \"xn--\""},
      {"sthree-bucket", "must not start with \"sthree-\""},
      {"amzn-s3-demo-bucket", "must not start with \"amzn-s3-demo-\""},
      {"bucket-s3alias", "must not end with \"-s3alias\""},
      {"bucket--ol-s3", "must not end with \"--ol-s3\""},
      {"bucket.mrap", "must not end with \".mrap\""},
      {"bucket--x-s3", "must not end with \"--x-s3\""},
      {"bucket--table-s3", "must not end with \"--table-s3\""},
  };
  for (const Case& c : cases) {
    SECTION("invalid: " + c.bucket) {
      const Value response = validate(request(with_secret(s3_replica(c.bucket))));
      INFO(sqlop::json::dump(response));
      CHECK(has_error(response, field, c.reason));
    }
  }
  SECTION("every broken rule is its own error") {
    const Value response = validate(request(with_secret(s3_replica("-A"))));
    CHECK(has_error(response, field, "must be 3-63 characters long"));
    CHECK(has_error(response, field, "(found 'A')"));
    CHECK(has_error(response, field, "must begin with"));
    CHECK(has_error(response, field, "must end with"));
    CHECK(errors_at(response, field) == 4);
  }
}

TEST_CASE("s3 region is an AWS region code unless an endpoint is set", "[plugin][s3]") {
  const std::string field = kReplica0 + ".region";
  auto with_region = [](const std::string& region, const std::string& endpoint = "") {
    Value r = with_secret(s3_replica());
    r["region"] = region;
    if (!endpoint.empty()) r["endpoint"] = endpoint;
    return r;
  };

  SECTION("AWS regions") {
    for (const std::string region : {"us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-4",
                                     "us-iso-east-1", "us-isob-east-1", "il-central-1", "ca-west-1"}) {
      INFO(region);
      const Value response = validate(request(with_region(region)));
      CHECK(errors_at(response, field) == 0);
      CHECK(response.find("warnings")->as_array().empty());
    }
  }
  SECTION("not AWS region codes") {
    CHECK(has_error(validate(request(with_region("US-EAST-1"))), field, "must be lower case"));
    CHECK(has_error(validate(request(with_region("us-east-1a"))), field, "availability zone"));
    for (const std::string region : {"useast1", "auto", "europe", "us-east", "us-east-one", "u-east-1",
                                     "us-foo-east-1", "us-east-123", "us east 1"}) {
      INFO(region);
      const Value response = validate(request(with_region(region)));
      CHECK(has_error(response, field, "must be an AWS region code such as us-east-1"));
      CHECK(has_error(response, field, "needs endpoint set"));
    }
  }
  SECTION("with an endpoint any region without whitespace is accepted") {
    for (const std::string region : {"auto", "garage", "us-east-1", "de-fra-1", "EU"}) {
      INFO(region);
      CHECK(errors_at(validate(request(with_region(region, "https://s3.example.com"))), field) == 0);
    }
    CHECK(has_error(validate(request(with_region("my region", "https://s3.example.com"))), field, "whitespace"));
    CHECK(has_error(validate(request(with_region("eu\n", "https://s3.example.com"))), field, "whitespace"));
    CHECK(has_error(validate(request(with_region("${REGION}", "https://s3.example.com"))), field, "'$'"));
  }
  SECTION("no region and no endpoint: a warning about the start-up lookup") {
    const Value response = validate(request(with_secret(s3_replica())));
    CHECK(error_count(response) == 0);
    CHECK(has_warning(response, field, "s3:GetBucketLocation"));
  }
  SECTION("no region with an endpoint: no warning") {
    Value replica = with_secret(s3_replica());
    replica["endpoint"] = "https://minio.example.com:9000";
    CHECK(validate(request(replica)).find("warnings")->as_array().empty());
  }
}

TEST_CASE("s3 endpoint must be a plain http(s) URL with a host", "[plugin][s3]") {
  const std::string field = kReplica0 + ".endpoint";
  auto with_endpoint = [](const std::string& endpoint) {
    Value r = with_secret(s3_replica());
    r["endpoint"] = endpoint;
    return r;
  };

  SECTION("valid endpoints") {
    for (const std::string endpoint :
         {"https://minio.example.com:9000", "http://127.0.0.1:9000", "http://localhost:4568", "https://[::1]:9000",
          "https://s3.wasabisys.com", "https://0123abcd.r2.cloudflarestorage.com", "HTTPS://S3.EXAMPLE.COM",
          "https://gateway.example.com/s3"}) {
      INFO(endpoint);
      CHECK(errors_at(validate(request(with_endpoint(endpoint))), field) == 0);
    }
  }
  struct Case {
    std::string endpoint;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"minio:9000", "must be a URL that starts with http:// or https://"},
      {"ftp://minio.example.com", "must be a URL that starts with http:// or https://"},
      {"s3.amazonaws.com", "must be a URL that starts with http:// or https://"},
      {"https://", "has no host name"},
      {"https://:9000", "has no host name"},
      {"https://minio.example.com?versionId=1", "must not have a query string"},
      {"https://minio.example.com/#top", "must not have a fragment"},
      {"https://minio.example.com:99999", "has an invalid port"},
      {"https://minio.example.com:0", "has an invalid port"},
      {"https://minio.example.com:", "has an invalid port"},
      {"https://minio.example.com:http", "has an invalid port"},
      {"https://mini_o.example.com", "has an invalid host name"},
      {"https://[::1", "without its closing ']'"},
      {"https://[zz::1]:9000", "has an invalid IPv6 address"},
      {"https://minio .example.com", "whitespace"},
      {"https://${MINIO_HOST}:9000", "'$'"},
  };
  for (const Case& c : cases) {
    SECTION("invalid: " + c.endpoint) {
      const Value response = validate(request(with_endpoint(c.endpoint)));
      INFO(sqlop::json::dump(response));
      CHECK(has_error(response, field, c.reason));
    }
  }
  SECTION("user info is refused and never echoed") {
    const Value response = validate(request(with_endpoint("https://minio:Sup3rS3cretPw@minio.example.com")));
    CHECK(has_error(response, field, "must not contain credentials"));
    CHECK(sqlop::json::dump(response).find("Sup3rS3cretPw") == std::string::npos);
  }
  SECTION("an in-cluster http endpoint (the MinIO sample) is accepted without warnings") {
    const Value response = validate(request(with_endpoint("http://minio.minio.svc.cluster.local:9000")));
    CHECK(error_count(response) == 0);
    CHECK(response.find("warnings")->as_array().empty());
  }
}

TEST_CASE("s3 path is a key prefix inside the bucket", "[plugin][s3]") {
  const std::string field = kReplica0 + ".path";
  auto with_path = [](const std::string& path) {
    Value r = with_secret(s3_replica());
    r["path"] = path;
    return r;
  };
  for (const std::string path : {"backups", "backups/app", "a/b/c.d", "backups/", "app..db/x"}) {
    INFO(path);
    CHECK(errors_at(validate(request(with_path(path))), field) == 0);
  }
  CHECK(has_error(validate(request(with_path("/backups"))), field, "must not start with '/'"));
  CHECK(has_error(validate(request(with_path("a//b"))), field, "must not contain empty segments ('//')"));
  CHECK(has_error(validate(request(with_path(".."))), field, "must not contain '..' segments"));
  CHECK(has_error(validate(request(with_path("../escape"))), field, "must not contain '..' segments"));
  CHECK(has_error(validate(request(with_path("a/../b"))), field, "must not contain '..' segments"));
  CHECK(has_error(validate(request(with_path("a/.."))), field, "must not contain '..' segments"));
  CHECK(has_error(validate(request(with_path("s3://bucket/backups"))), field, "not a URL"));
  CHECK(has_error(validate(request(with_path("backups/$HOSTNAME"))), field, "'$'"));
  CHECK(has_error(validate(request(with_path("a\tb"))), field, "control characters"));

  const Value several = validate(request(with_path("/a//../b")));
  CHECK(has_error(several, field, "must not start with '/'"));
  CHECK(has_error(several, field, "empty segments"));
  CHECK(has_error(several, field, "'..' segments"));
}

TEST_CASE("s3 settings: skipVerify and forcePathStyle are booleans, anything else is refused", "[plugin][s3]") {
  Value replica = with_secret(s3_replica());
  replica["endpoint"] = "https://minio.example.com:9000";

  SECTION("skipVerify true is accepted with a warning") {
    replica["settings"]["skipVerify"] = true;
    const Value response = validate(request(replica));
    CHECK(error_count(response) == 0);
    CHECK(has_warning(response, kReplica0 + ".settings.skipVerify", "TLS certificate verification off"));
  }
  SECTION("skipVerify false draws no warning") {
    replica["settings"]["skipVerify"] = false;
    const Value response = validate(request(replica));
    CHECK(error_count(response) == 0);
    CHECK(response.find("warnings")->as_array().empty());
  }
  SECTION("non-boolean values") {
    replica["settings"]["skipVerify"] = "true";
    replica["settings"]["forcePathStyle"] = 1;
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".settings.skipVerify", "must be true or false"));
    CHECK(has_error(response, kReplica0 + ".settings.forcePathStyle", "must be true or false"));
  }
  SECTION("unknown settings (typos) are errors") {
    replica["settings"]["skipverify"] = true;
    replica["settings"]["storageClass"] = "GLACIER";
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".settings.skipverify", "is not a setting of the s3 backend"));
    CHECK(has_error(response, kReplica0 + ".settings.storageClass", "accepts skipVerify and forcePathStyle"));
  }
  SECTION("settings that are not a map") {
    replica["settings"] = Array{"skipVerify"};
    CHECK(has_error(validate(request(replica)), kReplica0 + ".settings", "must be a map"));
  }
}

TEST_CASE("s3 credentials fields: optional Secret, key names", "[plugin][s3]") {
  SECTION("no Secret: valid, with a warning about the AWS default chain") {
    Value replica = s3_replica();
    replica["region"] = "us-east-1";
    const Value response = validate(request(replica));
    CHECK(error_count(response) == 0);
    CHECK(has_warning(response, kReplica0 + ".credentials.secretName", "AWS default credential chain"));
    CHECK(has_warning(response, kReplica0 + ".credentials.secretName", "IRSA"));
  }
  SECTION("key fields without a Secret name are errors") {
    Value replica = s3_replica();
    replica["credentials"]["accessKeyField"] = "id";
    replica["credentials"]["secretKeyField"] = "key";
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".credentials.accessKeyField", "credentials.secretName is not"));
    CHECK(has_error(response, kReplica0 + ".credentials.secretKeyField", "credentials.secretName is not"));
  }
  SECTION("only one key field without a Secret name") {
    Value replica = s3_replica();
    replica["credentials"]["secretKeyField"] = "key";
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".credentials.secretKeyField", "credentials.secretName is not"));
    CHECK(errors_at(response, kReplica0 + ".credentials.accessKeyField") == 0);
  }
  SECTION("both key fields naming one key") {
    Value replica = with_secret(s3_replica());
    replica["credentials"]["accessKeyField"] = "secret-key";
    CHECK(has_error(validate(request(replica)), kReplica0 + ".credentials.secretKeyField",
                    "must differ from credentials.accessKeyField"));
  }
  SECTION("a Secret named but not read by the host: its contents are not checked") {
    const Value response = validate(request(complete_replica()));
    CHECK(error_count(response) == 0);
    CHECK(response.find("warnings")->as_array().empty());
  }
}

TEST_CASE("s3 checks the Secret's contents without ever echoing them", "[plugin][s3]") {
  const std::string access_field = kReplica0 + ".credentials.accessKeyField";
  const std::string secret_field = kReplica0 + ".credentials.secretKeyField";
  Value req = request(complete_replica());

  SECTION("missing keys name the Secret and the key") {
    req["secret"] = secret({{"access-key", kAccessKeyId}});
    const Value response = validate(req);
    CHECK(has_error(response, secret_field, "Secret default/s3-creds has no key \"secret-key\""));
    CHECK(errors_at(response, access_field) == 0);
  }
  SECTION("custom key names are the ones read") {
    req["replica"]["credentials"]["accessKeyField"] = "AWS_ACCESS_KEY_ID";
    req["replica"]["credentials"]["secretKeyField"] = "AWS_SECRET_ACCESS_KEY";
    req["secret"] = good_secret();
    const Value missing = validate(req);
    CHECK(has_error(missing, access_field, "has no key \"AWS_ACCESS_KEY_ID\""));
    CHECK(has_error(missing, secret_field, "has no key \"AWS_SECRET_ACCESS_KEY\""));
    req["secret"] = secret({{"AWS_ACCESS_KEY_ID", kAccessKeyId}, {"AWS_SECRET_ACCESS_KEY", kSecretAccessKey}});
    CHECK(error_count(validate(req)) == 0);
  }
  SECTION("empty values") {
    req["secret"] = secret({{"access-key", ""}, {"secret-key", kSecretAccessKey}});
    CHECK(has_error(validate(req), access_field, "Secret default/s3-creds key \"access-key\" is empty"));
  }
  SECTION("a trailing newline from echo is named as such") {
    req["secret"] = secret({{"access-key", kAccessKeyId}, {"secret-key", kSecretAccessKey + "\n"}});
    const Value response = validate(req);
    CHECK(has_error(response, secret_field, "key \"secret-key\" ends with a newline"));
    CHECK(has_error(response, secret_field, "echo -n"));
    CHECK(errors_at(response, secret_field) == 1);
    require_no_secret_material(response, {kSecretAccessKey + "\n"});
  }
  SECTION("whitespace inside a value") {
    req["secret"] = secret({{"access-key", "AKIA FAKE"}, {"secret-key", kSecretAccessKey}});
    const Value response = validate(req);
    CHECK(has_error(response, access_field, "contains whitespace"));
    require_no_secret_material(response, {"AKIA FAKE"});
  }
  SECTION("data that is not base64") {
    req["secret"] = good_secret();
    req["secret"]["data"]["secret-key"] = "%%not-base64%%";
    const Value response = validate(req);
    CHECK(has_error(response, secret_field, "does not hold valid base64 data"));
    require_no_secret_material(response, {"%%not-base64%%"});
  }
  SECTION("values YAML would misread after ${VAR} substitution") {
    for (const std::string bad : {"*fakeSecretAlias", "&fakeSecretAnchor", "'fakeSecretQuoted", "fakeSecretColon:",
                                  "[fakeSecretFlow", "null", "~"}) {
      INFO("value shape " << bad.front() << "..." << bad.back());
      req["secret"] = secret({{"access-key", kAccessKeyId}, {"secret-key", bad}});
      const Value response = validate(req);
      CHECK(has_error(response, secret_field, "pastes the value into its YAML config"));
      require_no_secret_material(response, {bad.size() > 4 ? bad : "fakeSecret"});
    }
    for (const std::string fine : {"-fakeSecretDash", "fake:Secret", "fake#Secret", "+/fakeSecret="}) {
      req["secret"] = secret({{"access-key", kAccessKeyId}, {"secret-key", fine}});
      CHECK(error_count(validate(req)) == 0);
    }
  }
  SECTION("temporary STS keys are warned about") {
    req["secret"] = secret({{"access-key", "ASIAFAKETEMPORARY123"}, {"secret-key", kSecretAccessKey}});
    const Value response = validate(req);
    CHECK(error_count(response) == 0);
    CHECK(has_warning(response, access_field, "temporary AWS access key"));
    require_no_secret_material(response, {"ASIAFAKETEMPORARY123"});
  }
  SECTION("every problem of both keys is reported") {
    req["secret"] = secret({{"access-key", ""}});
    const Value response = validate(req);
    CHECK(has_error(response, access_field, "is empty"));
    CHECK(has_error(response, secret_field, "has no key"));
  }
  SECTION("a Secret sent without credentials.secretName is ignored") {
    Value replica = s3_replica();
    replica["region"] = "us-east-1";
    Value no_name = request(replica);
    no_name["secret"] = secret({{"access-key", ""}});
    CHECK(error_count(validate(no_name)) == 0);
  }
}

TEST_CASE("s3 reports every problem of a replica, not just the first", "[plugin][s3]") {
  Value replica = s3_replica("Bad_Bucket");
  replica["region"] = "mars 1";
  replica["endpoint"] = "minio:9000";
  replica["path"] = "/abs";
  replica["settings"]["noSuchSetting"] = true;
  replica["credentials"]["accessKeyField"] = "id";
  const Value response = validate(request(replica));
  CHECK(errors_at(response, kReplica0 + ".bucket") >= 1);
  CHECK(errors_at(response, kReplica0 + ".region") == 1);
  CHECK(errors_at(response, kReplica0 + ".endpoint") == 1);
  CHECK(errors_at(response, kReplica0 + ".path") == 1);
  CHECK(errors_at(response, kReplica0 + ".settings.noSuchSetting") == 1);
  CHECK(errors_at(response, kReplica0 + ".credentials.accessKeyField") == 1);
}

TEST_CASE("s3 refuses two replicas writing to the same bucket and path", "[plugin][s3]") {
  Value a = with_secret(s3_replica("shared-bucket"), "creds-a");
  a["region"] = "us-east-1";
  a["path"] = "backups";
  Value b = a;
  b["name"] = "s3-1";
  b["type"] = "S3";  // the host routes types case-insensitively and passes the object as written
  b["credentials"]["secretName"] = "creds-b";
  b["path"] = "backups/";

  const Array same{a, b};
  CHECK(error_count(validate(request_for(same, 0))) == 0);
  CHECK(has_error(validate(request_for(same, 1)), "spec.litestream.replicas[1].path", "replica 0 already writes"));

  b["path"] = "backups-2";
  CHECK(error_count(validate(request_for(Array{a, b}, 1))) == 0);
  b["path"] = "backups";
  b["endpoint"] = "https://minio.example.com";
  b["region"] = "local";
  CHECK(error_count(validate(request_for(Array{a, b}, 1))) == 0);
}

TEST_CASE("s3 renders an AWS replica with credentials from its Secret", "[plugin][s3]") {
  const Value response = render(request(complete_replica()));
  const Value expected_replica = parse(R"({
    "type": "s3", "bucket": "my-backup-bucket", "path": "sqlite-backups/app", "region": "us-west-2",
    "retention": "168h", "retention-check-interval": "1h", "snapshot-interval": "24h",
    "validation-interval": "12h", "sync-interval": "10s",
    "access-key-id": "${LITESTREAM_REPLICA_0_ACCESS_KEY_ID}",
    "secret-access-key": "${LITESTREAM_REPLICA_0_SECRET_ACCESS_KEY}"})");
  CHECK(*response.find("replica") == expected_replica);
  const Value expected_env = parse(R"([
    {"name": "LITESTREAM_REPLICA_0_ACCESS_KEY_ID",
     "valueFrom": {"secretKeyRef": {"name": "s3-creds", "key": "access-key"}}},
    {"name": "LITESTREAM_REPLICA_0_SECRET_ACCESS_KEY",
     "valueFrom": {"secretKeyRef": {"name": "s3-creds", "key": "secret-key"}}}])");
  CHECK(*response.find("env") == expected_env);
  CHECK(*response.find("volumes") == Value(Array{}));
  CHECK(*response.find("volumeMounts") == Value(Array{}));
  CHECK(*response.find("warnings") == Value(Array{}));
  // No force-path-style or skip-verify on plain AWS.
  CHECK(!response.find("replica")->find("force-path-style"));
  CHECK(!response.find("replica")->find("skip-verify"));
}

TEST_CASE("s3 renders the 0.5 format without per-replica retention keys", "[plugin][s3]") {
  const Value replica = *render(request(complete_replica(), "0.5")).find("replica");
  CHECK(replica.get_string("type") == "s3");
  CHECK(replica.get_string("sync-interval") == "10s");
  CHECK(replica.get_string("access-key-id") == "${LITESTREAM_REPLICA_0_ACCESS_KEY_ID}");
  for (const char* key : {"retention", "retention-check-interval", "snapshot-interval", "validation-interval"}) {
    INFO(key);
    CHECK(!replica.find(key));
  }
}

TEST_CASE("s3 renders endpoint, path style and skip-verify for S3-compatible stores", "[plugin][s3]") {
  Value replica = with_secret(s3_replica());
  replica["endpoint"] = "https://minio.example.com:9000";
  replica["region"] = "auto";

  SECTION("an endpoint implies force-path-style: true") {
    const Value r = *render(request(replica)).find("replica");
    CHECK(r.get_string("endpoint") == "https://minio.example.com:9000");
    CHECK(r.get_string("region") == "auto");
    REQUIRE(r.find("force-path-style"));
    CHECK(*r.find("force-path-style") == Value(true));
    CHECK(!r.find("skip-verify"));
  }
  SECTION("forcePathStyle false is rendered explicitly (Litestream defaults to true with an endpoint)") {
    replica["settings"]["forcePathStyle"] = false;
    const Value r = *render(request(replica)).find("replica");
    REQUIRE(r.find("force-path-style"));
    CHECK(*r.find("force-path-style") == Value(false));
  }
  SECTION("forcePathStyle true without an endpoint") {
    Value aws = with_secret(s3_replica());
    aws["settings"]["forcePathStyle"] = true;
    const Value r = *render(request(aws)).find("replica");
    CHECK(*r.find("force-path-style") == Value(true));
    CHECK(!r.find("endpoint"));
  }
  SECTION("skipVerify true renders skip-verify: true, false renders nothing") {
    replica["settings"]["skipVerify"] = true;
    CHECK(*render(request(replica)).find("replica")->find("skip-verify") == Value(true));
    replica["settings"]["skipVerify"] = false;
    CHECK(!render(request(replica)).find("replica")->find("skip-verify"));
  }
}

TEST_CASE("s3 without a Secret renders no credential keys and no env", "[plugin][s3]") {
  Value replica = s3_replica();
  replica["region"] = "eu-central-1";
  const Value response = render(request(replica));
  CHECK(*response.find("replica") ==
        parse(R"({"type": "s3", "bucket": "my-backup-bucket", "region": "eu-central-1"})"));
  CHECK(*response.find("env") == Value(Array{}));
}

TEST_CASE("s3 gives two replicas distinct env names, each referencing its own Secret", "[plugin][s3]") {
  Value a = with_secret(s3_replica("bucket-a"), "creds-a");
  Value b = with_secret(s3_replica("bucket-b"), "creds-b");
  b["credentials"]["accessKeyField"] = "id";
  b["credentials"]["secretKeyField"] = "key";
  const Array both{a, b};
  const Value ra = render(request_for(both, 0));
  const Value rb = render(request_for(both, 1));

  CHECK(ra.find("replica")->get_string("access-key-id") == "${LITESTREAM_REPLICA_0_ACCESS_KEY_ID}");
  CHECK(ra.find("replica")->get_string("secret-access-key") == "${LITESTREAM_REPLICA_0_SECRET_ACCESS_KEY}");
  CHECK(rb.find("replica")->get_string("access-key-id") == "${LITESTREAM_REPLICA_1_ACCESS_KEY_ID}");
  CHECK(rb.find("replica")->get_string("secret-access-key") == "${LITESTREAM_REPLICA_1_SECRET_ACCESS_KEY}");

  std::vector<std::string> names;
  for (const Value* response : {&ra, &rb}) {
    for (const Value& env : response->find("env")->as_array()) names.push_back(env.get_string("name"));
  }
  CHECK(names == std::vector<std::string>{"LITESTREAM_REPLICA_0_ACCESS_KEY_ID", "LITESTREAM_REPLICA_0_SECRET_ACCESS_KEY",
                                          "LITESTREAM_REPLICA_1_ACCESS_KEY_ID", "LITESTREAM_REPLICA_1_SECRET_ACCESS_KEY"});
  const Array& env_b = rb.find("env")->as_array();
  CHECK(*env_b[0].find_path({"valueFrom", "secretKeyRef"}) == parse(R"({"name": "creds-b", "key": "id"})"));
  CHECK(*env_b[1].find_path({"valueFrom", "secretKeyRef"}) == parse(R"({"name": "creds-b", "key": "key"})"));
  const Array& env_a = ra.find("env")->as_array();
  CHECK(*env_a[0].find_path({"valueFrom", "secretKeyRef"}) == parse(R"({"name": "creds-a", "key": "access-key"})"));
  CHECK(*env_a[1].find_path({"valueFrom", "secretKeyRef"}) == parse(R"({"name": "creds-a", "key": "secret-key"})"));
}

TEST_CASE("s3 env names follow the host's prefix", "[plugin][s3]") {
  Value req = request(with_secret(s3_replica()));
  req["envPrefix"] = "LS_R7_";
  const Value response = render(req);
  const Array& env = response.find("env")->as_array();
  REQUIRE(env.size() == 2);
  for (const Value& var : env) CHECK(var.get_string("name").rfind("LS_R7_", 0) == 0);
  CHECK(response.find("replica")->get_string("access-key-id") == "${LS_R7_ACCESS_KEY_ID}");
}

TEST_CASE("s3 responses are deterministic", "[plugin][s3]") {
  const auto plugin = s3_plugin();
  Value req = complete_request();
  req["replica"]["endpoint"] = "http://minio.example.com:9000";
  req["replica"]["settings"]["skipVerify"] = true;
  const std::string render_once = sqlop::json::dump(plugin->render(req).response);
  const std::string validate_once = sqlop::json::dump(plugin->validate(req).response);
  for (int i = 0; i < 3; ++i) {
    CHECK(sqlop::json::dump(plugin->render(req).response) == render_once);
    CHECK(sqlop::json::dump(plugin->validate(req).response) == validate_once);
  }
  CHECK(sqlop::json::dump(plugin->describe().response) == sqlop::json::dump(plugin->describe().response));
}

TEST_CASE("s3 render refuses an invalid replica and a malformed request", "[plugin][s3]") {
  const auto plugin = s3_plugin();
  const CallResult invalid = plugin->render(request(s3_replica("Not_A_Bucket")));
  CHECK(!invalid.ok);
  CHECK(invalid.status == SQLOP_ERROR_BAD_REQUEST);
  CHECK(invalid.response.get_string("error").find(kReplica0 + ".bucket") != std::string::npos);

  Value no_format = request(s3_replica());
  no_format.as_object().erase("litestream");
  CHECK(plugin->render(no_format).status == SQLOP_ERROR_BAD_REQUEST);
  CHECK(plugin->validate(no_format).status == SQLOP_ERROR_BAD_REQUEST);
}
