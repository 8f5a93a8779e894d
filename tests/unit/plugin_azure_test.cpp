// The azure backend plugin, driven through the host's loader and the C ABI only (JSON in, JSON out).
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

std::string base64(const std::string& in) { return sqlop::base64::encode(in); }

// Recognisable fake credentials: no response may ever contain them, raw or base64-encoded. A real account
// key is 64 bytes shown as 88 base64 characters; this one has the same shape.
const std::string kAccountName = "fakeacct4711";
const std::string kAccountKey = base64("fake-azure-account-key-material/0123456789/abcdefghijklmnopqrstuv");
const std::string kOtherAccountName = "otheracct0815";
const std::string kOtherAccountKey = base64("other-azure-account-key-material/9876543210/zyxwvutsrqponmlkjihgf");

const std::string kReplica0 = "spec.litestream.replicas[0]";

std::shared_ptr<const Plugin> azure_plugin() {
  static const std::shared_ptr<const Plugin> plugin = [] {
    auto loaded = sqlop::plugins::load_plugin_file(SQLOP_PLUGIN_DIR "/sqlop-azure.so");
    if (auto* error = std::get_if<sqlop::plugins::LoadError>(&loaded)) FAIL("cannot load azure plugin: " << error->reason);
    return std::get<std::shared_ptr<const Plugin>>(loaded);
  }();
  return plugin;
}

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

Value azure_replica(const std::string& container = "sqlite-backups", const std::string& secret_name = "azure-creds") {
  Value r = Value::object();
  r["type"] = "azure";
  r["name"] = "azure-0";
  r["bucket"] = container;
  if (!secret_name.empty()) r["credentials"]["secretName"] = secret_name;
  return r;
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
Value secret(const std::vector<std::pair<std::string, std::string>>& raw_data, const std::string& name = "azure-creds") {
  Value s = Value::object();
  s["name"] = name;
  s["namespace"] = "default";
  s["data"] = Value::object();
  for (const auto& [key, value] : raw_data) s["data"][key] = base64(value);
  return s;
}

Value good_secret() { return secret({{"account-name", kAccountName}, {"account-key", kAccountKey}}); }

Value with_secret(Value req, Value s = good_secret()) {
  req["secret"] = std::move(s);
  return req;
}

// Fails if any credential (or its base64 form, or a given extra value) shows up anywhere in the response.
void require_no_secret_material(const Value& response, const std::vector<std::string>& extra = {}) {
  const std::string text = sqlop::json::dump(response);
  std::vector<std::string> needles = {kAccountName, kAccountKey, kOtherAccountName, kOtherAccountKey};
  needles.insert(needles.end(), extra.begin(), extra.end());
  for (const std::string& needle : needles) {
    INFO("secret material: " << needle.size() << " characters");
    CHECK(text.find(needle) == std::string::npos);
    CHECK(text.find(base64(needle)) == std::string::npos);
  }
}

Value validate(const Value& req, const std::vector<std::string>& extra_secrets = {}) {
  const CallResult result = azure_plugin()->validate(req);
  INFO(result.error);
  REQUIRE(result.ok);
  REQUIRE(result.response.find("errors"));
  REQUIRE(result.response.find("warnings"));
  require_no_secret_material(result.response, extra_secrets);
  return result.response;
}

Value render(const Value& req) {
  const CallResult result = azure_plugin()->render(req);
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
std::size_t warning_count(const Value& response) { return response.find("warnings")->as_array().size(); }
std::size_t errors_at(const Value& response, const std::string& field) {
  std::size_t n = 0;
  for (const Value& d : response.find("errors")->as_array()) n += d.get_string("field") == field ? 1 : 0;
  return n;
}

Value complete_replica() {
  Value r = azure_replica();
  r["path"] = "app/db";
  r["retention"] = "72h";
  r["retentionCheckInterval"] = "30m";
  r["snapshotInterval"] = "6h";
  r["validationInterval"] = "12h";
  r["syncInterval"] = "5s";
  return r;
}

}  // namespace

TEST_CASE("azure describe names its fields, Secret keys, alias and formats", "[plugin][azure]") {
  const auto plugin = azure_plugin();
  CHECK(plugin->info().type == "azure");
  CHECK(plugin->info().aliases == std::vector<std::string>{"abs"});
  const CallResult result = plugin->describe();
  REQUIRE(result.ok);
  const Value& d = result.response;
  CHECK(d.get_string("type") == "azure");
  CHECK(d.get_string("version") == "1.0.0");
  CHECK(!d.get_string("summary").empty());
  CHECK(*d.find("aliases") == Value(Array{"abs"}));
  CHECK(*d.find("settings") == Value(Array{}));
  CHECK(*d.find("processEnv") == Value(Array{}));
  CHECK(*d.find("litestreamFormats") == Value(Array{"0.3", "0.5"}));

  std::vector<std::string> names;
  for (const Value& f : d.find("fields")->as_array()) {
    names.push_back(f.get_string("name"));
    CHECK(!f.get_string("description").empty());
    REQUIRE(f.find("required"));
    const bool required = f.get_string("name") == "bucket" || f.get_string("name") == "credentials";
    CHECK(f.find("required")->as_bool() == required);
  }
  CHECK(names == std::vector<std::string>{"bucket", "path", "endpoint", "credentials"});

  const Array& keys = d.find("secretKeys")->as_array();
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].get_string("field") == "accessKeyField");
  CHECK(keys[0].get_string("default") == "account-name");
  CHECK(keys[1].get_string("field") == "secretKeyField");
  CHECK(keys[1].get_string("default") == "account-key");
}

TEST_CASE("azure accepts a complete replica with a good Secret without errors or warnings", "[plugin][azure]") {
  for (const std::string format : {"0.3", "0.5"}) {
    const Value response = validate(with_secret(request(complete_replica(), format)));
    INFO(sqlop::json::dump(response));
    CHECK(error_count(response) == 0);
    CHECK(warning_count(response) == 0);
  }
  Value azurite = azure_replica();
  azurite["endpoint"] = "http://127.0.0.1:10000/" + kAccountName;
  const Value response = validate(with_secret(request(azurite)));
  CHECK(error_count(response) == 0);
  CHECK(warning_count(response) == 0);
}

TEST_CASE("azure bucket is a blob container named by Azure's rules", "[plugin][azure]") {
  const std::string field = kReplica0 + ".bucket";
  SECTION("valid names") {
    for (const std::string& container :
         std::vector<std::string>{"abc", "my-container-1", "1abc", "a-b-c", std::string(63, 'x')}) {
      INFO(container);
      CHECK(errors_at(validate(request(azure_replica(container))), field) == 0);
    }
  }
  SECTION("missing") {
    Value replica = azure_replica();
    replica.as_object().erase("bucket");
    CHECK(has_error(validate(request(replica)), field, "is required: the name of the blob container"));
    CHECK(has_error(validate(request(azure_replica(""))), field, "is required"));
  }
  struct Case {
    std::string container;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"ab", "must be 3-63 characters long"},
      {std::string(64, 'a'), "must be 3-63 characters long"},
      {"My-Container", "only lowercase letters, digits and '-' (found 'M')"},
      {"my_container", "(found '_')"},
      {"my.container", "(found '.')"},
      {"$logs", "(found '$')"},
      {"-abc", "must start with a lowercase letter or digit"},
      {"ab--cd", "must not contain consecutive hyphens"},
      {"abc-", "must not end with a hyphen"},
  };
  for (const Case& c : cases) {
    SECTION("invalid: " + c.container) {
      const Value response = validate(request(azure_replica(c.container)));
      INFO(sqlop::json::dump(response));
      CHECK(has_error(response, field, c.reason));
    }
  }
  SECTION("every broken rule is its own error") {
    const Value response = validate(request(azure_replica("-A" + std::string(60, 'a') + "--")));
    CHECK(has_error(response, field, "must be 3-63 characters long (it has 64)"));
    CHECK(has_error(response, field, "(found 'A')"));
    CHECK(has_error(response, field, "must start with"));
    CHECK(has_error(response, field, "consecutive hyphens"));
    CHECK(has_error(response, field, "must not end with a hyphen"));
    CHECK(errors_at(response, field) == 5);
  }
}

TEST_CASE("azure refuses members and settings it does not use", "[plugin][azure]") {
  SECTION("region") {
    Value replica = azure_replica();
    replica["region"] = "westeurope";
    CHECK(has_error(validate(request(replica)), kReplica0 + ".region", "is not used by the azure backend"));
  }
  SECTION("any setting") {
    Value replica = azure_replica();
    replica["settings"]["sasToken"] = "x";
    replica["settings"]["skipVerify"] = true;
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".settings.sasToken", "is not a setting of the azure backend"));
    CHECK(has_error(response, kReplica0 + ".settings.skipVerify", "is not a setting of the azure backend"));
  }
  SECTION("settings that are not a map") {
    Value replica = azure_replica();
    replica["settings"] = "none";
    CHECK(has_error(validate(request(replica)), kReplica0 + ".settings", "must be a map"));
  }
  SECTION("an empty settings map is fine") {
    Value replica = azure_replica();
    replica["settings"] = Value::object();
    CHECK(error_count(validate(request(replica))) == 0);
  }
}

TEST_CASE("azure requires a credentials Secret and explains why", "[plugin][azure]") {
  const Value response = validate(request(azure_replica("sqlite-backups", "")));
  CHECK(has_error(response, kReplica0 + ".credentials.secretName", "is required"));
  CHECK(has_error(response, kReplica0 + ".credentials.secretName", "only with the storage account key"));

  SECTION("the two key fields must name different keys") {
    Value replica = azure_replica();
    replica["credentials"]["secretKeyField"] = "account-name";
    CHECK(has_error(validate(request(replica)), kReplica0 + ".credentials.secretKeyField",
                    "must differ from credentials.accessKeyField"));
  }
  SECTION("a Secret named but not read by the host: its contents are not checked") {
    CHECK(error_count(validate(request(complete_replica()))) == 0);
  }
}

TEST_CASE("azure checks the account name in the Secret without echoing it", "[plugin][azure]") {
  const std::string field = kReplica0 + ".credentials.accessKeyField";
  const Value req = request(azure_replica());

  SECTION("missing key names the Secret and the key") {
    const Value r = validate(with_secret(req, secret({{"account-key", kAccountKey}})));
    CHECK(has_error(r, field, "Secret default/azure-creds has no key \"account-name\""));
  }
  SECTION("custom key names are the ones read") {
    Value custom = req;
    custom["replica"]["credentials"]["accessKeyField"] = "AZURE_STORAGE_ACCOUNT";
    custom["replica"]["credentials"]["secretKeyField"] = "AZURE_STORAGE_KEY";
    const Value missing = validate(with_secret(custom));
    CHECK(has_error(missing, field, "has no key \"AZURE_STORAGE_ACCOUNT\""));
    CHECK(has_error(missing, kReplica0 + ".credentials.secretKeyField", "has no key \"AZURE_STORAGE_KEY\""));
    const Value ok = validate(
        with_secret(custom, secret({{"AZURE_STORAGE_ACCOUNT", kAccountName}, {"AZURE_STORAGE_KEY", kAccountKey}})));
    CHECK(error_count(ok) == 0);
  }
  SECTION("empty") {
    const Value r = validate(with_secret(req, secret({{"account-name", ""}, {"account-key", kAccountKey}})));
    CHECK(has_error(r, field, "key \"account-name\" is empty"));
    CHECK(errors_at(r, field) == 1);
  }
  SECTION("a trailing newline from echo is named as such, once") {
    const Value r =
        validate(with_secret(req, secret({{"account-name", kAccountName + "\n"}, {"account-key", kAccountKey}})),
                 {kAccountName + "\n"});
    CHECK(has_error(r, field, "ends with a newline"));
    CHECK(has_error(r, field, "echo -n"));
    CHECK(errors_at(r, field) == 1);
  }
  struct Case {
    std::string account;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"FakeAcct4711", "must contain only lowercase letters and digits"},
      {"fake-acct-4711", "must contain only lowercase letters and digits"},
      {"ab", "is too short for a storage account name"},
      {"fakeaccountnamethatistoolong", "is too long for a storage account name"},
      {"fake acct", "contains whitespace"},
  };
  for (const Case& c : cases) {
    SECTION("invalid account name: " + c.reason) {
      const Value r = validate(with_secret(req, secret({{"account-name", c.account}, {"account-key", kAccountKey}})),
                               {c.account});
      CHECK(has_error(r, field, "Secret default/azure-creds key \"account-name\" " + c.reason));
    }
  }
}

TEST_CASE("azure checks the account key in the Secret without echoing it", "[plugin][azure]") {
  const std::string field = kReplica0 + ".credentials.secretKeyField";
  const Value req = request(azure_replica());
  auto with_key = [&](const std::string& key) {
    return with_secret(req, secret({{"account-name", kAccountName}, {"account-key", key}}));
  };

  CHECK(has_error(validate(with_secret(req, secret({{"account-name", kAccountName}}))), field,
                  "Secret default/azure-creds has no key \"account-key\""));
  CHECK(has_error(validate(with_key("")), field, "key \"account-key\" is empty"));

  const Value newline = validate(with_key(kAccountKey + "\n"), {kAccountKey + "\n"});
  CHECK(has_error(newline, field, "ends with a newline"));
  CHECK(errors_at(newline, field) == 1);

  const std::string not_base64 = "fake!account*key#material";
  const Value bad = validate(with_key(not_base64), {not_base64});
  CHECK(has_error(bad, field, "key \"account-key\" is not valid base64"));
  CHECK(errors_at(bad, field) == 1);

  const std::string unpadded = kAccountKey.substr(0, kAccountKey.size() - 1);
  CHECK(has_error(validate(with_key(unpadded), {unpadded}), field, "is not valid base64"));

  const std::string spaced = kAccountKey.substr(0, 10) + " " + kAccountKey.substr(10);
  CHECK(has_error(validate(with_key(spaced), {spaced}), field, "contains whitespace"));

  SECTION("Secret data that is not base64 at all") {
    Value r = with_secret(req);
    r["secret"]["data"]["account-key"] = "%%%";
    CHECK(has_error(validate(r), field, "does not hold valid base64 data"));
  }
  SECTION("both keys wrong: both reported") {
    const Value r = validate(with_secret(req, secret({{"account-name", "BAD"}})), {"BAD"});
    CHECK(has_error(r, kReplica0 + ".credentials.accessKeyField", "lowercase letters and digits"));
    CHECK(has_error(r, field, "has no key"));
  }
}

TEST_CASE("azure endpoint is an http(s) service URL", "[plugin][azure]") {
  const std::string field = kReplica0 + ".endpoint";
  auto with_endpoint = [](const std::string& endpoint) {
    Value r = azure_replica();
    r["endpoint"] = endpoint;
    return r;
  };
  SECTION("valid endpoints") {
    for (const std::string endpoint :
         {"http://127.0.0.1:10000/devstoreaccount1", "https://fakeacct4711.blob.core.chinacloudapi.cn",
          "https://fakeacct4711.blob.core.usgovcloudapi.net/", "http://localhost:10000/devstoreaccount1/"}) {
      INFO(endpoint);
      const Value r = validate(request(with_endpoint(endpoint)));
      CHECK(errors_at(r, field) == 0);
      CHECK(warning_count(r) == 0);
    }
  }
  SECTION("a SAS token in the query is refused and not echoed") {
    const Value r = validate(request(with_endpoint("https://fakeacct4711.blob.core.windows.net?sv=2022&sig=FakeSig4711")));
    CHECK(has_error(r, field, "must not have a query string"));
    CHECK(sqlop::json::dump(r).find("FakeSig4711") == std::string::npos);
  }
  SECTION("user info is refused and not echoed") {
    const Value r = validate(request(with_endpoint("https://acct:FakePw4711@fakeacct4711.blob.core.windows.net")));
    CHECK(has_error(r, field, "must not contain credentials"));
    CHECK(sqlop::json::dump(r).find("FakePw4711") == std::string::npos);
  }
  SECTION("not URLs") {
    CHECK(has_error(validate(request(with_endpoint("127.0.0.1:10000"))), field, "http:// or https://"));
    CHECK(has_error(validate(request(with_endpoint("https://"))), field, "has no host name"));
    CHECK(has_error(validate(request(with_endpoint("https://host:65536"))), field, "invalid port"));
    CHECK(has_error(validate(request(with_endpoint("https://host/#x"))), field, "fragment"));
  }
  SECTION("an IP endpoint without the account in its path (Azurite) is warned about") {
    CHECK(has_warning(validate(request(with_endpoint("http://127.0.0.1:10000"))), field, "devstoreaccount1"));
    CHECK(has_warning(validate(request(with_endpoint("http://localhost:10000/"))), field, "names no storage account"));
  }
  SECTION("an in-cluster http endpoint naming the account is accepted without warnings") {
    const Value r = validate(request(with_endpoint("http://azurite.test.svc:10000/devstoreaccount1")));
    CHECK(error_count(r) == 0);
    CHECK(warning_count(r) == 0);
  }
  SECTION("an endpoint naming another account than the Secret is warned about") {
    const Value r = validate(with_secret(request(with_endpoint("http://127.0.0.1:10000/devstoreaccount1"))));
    CHECK(error_count(r) == 0);
    CHECK(has_warning(r, field, "names account \"devstoreaccount1\""));
    CHECK(has_warning(r, field, "Secret default/azure-creds key \"account-name\" holds a different account name"));
  }
}

TEST_CASE("azure path is a blob name prefix inside the container", "[plugin][azure]") {
  const std::string field = kReplica0 + ".path";
  auto with_path = [](const std::string& path) {
    Value r = azure_replica();
    r["path"] = path;
    return r;
  };
  CHECK(errors_at(validate(request(with_path("backups/app"))), field) == 0);
  CHECK(has_error(validate(request(with_path("/backups"))), field, "must not start with '/'"));
  CHECK(has_error(validate(request(with_path("a//b"))), field, "empty segments"));
  CHECK(has_error(validate(request(with_path("a/../b"))), field, "'..' segments"));
  CHECK(has_error(validate(request(with_path("abs://acct@container/x"))), field, "not a URL"));
  CHECK(has_error(validate(request(with_path("x/${POD}"))), field, "'$'"));
}

TEST_CASE("azure warns when the container equals the storage account name", "[plugin][azure]") {
  const Value r = validate(with_secret(request(azure_replica(kAccountName))));
  CHECK(error_count(r) == 0);
  CHECK(has_warning(r, kReplica0 + ".bucket", "bucket is the blob container inside the account"));
}

TEST_CASE("azure refuses two replicas writing to one container and path of one account", "[plugin][azure]") {
  Value a = azure_replica("shared");
  Value b = azure_replica("shared");
  b["type"] = "abs";
  b["name"] = "azure-1";
  CHECK(error_count(validate(request_for(Array{a, b}, 0))) == 0);
  CHECK(has_error(validate(request_for(Array{a, b}, 1)), "spec.litestream.replicas[1].path", "replica 0 already writes"));

  Value other_account = b;
  other_account["credentials"]["secretName"] = "other-creds";
  CHECK(error_count(validate(request_for(Array{a, other_account}, 1))) == 0);
  Value other_path = b;
  other_path["path"] = "second";
  CHECK(error_count(validate(request_for(Array{a, other_path}, 1))) == 0);
}

TEST_CASE("azure renders type abs with account name and key from env", "[plugin][azure]") {
  const Value response = render(request(complete_replica()));
  const Value expected = parse(R"({
    "type": "abs",
    "account-name": "${LITESTREAM_REPLICA_0_ACCOUNT_NAME}",
    "account-key": "${LITESTREAM_REPLICA_0_ACCOUNT_KEY}",
    "bucket": "sqlite-backups", "path": "app/db",
    "retention": "72h", "retention-check-interval": "30m", "snapshot-interval": "6h",
    "validation-interval": "12h", "sync-interval": "5s"})");
  CHECK(*response.find("replica") == expected);
  CHECK(*response.find("env") == parse(R"([
    {"name": "LITESTREAM_REPLICA_0_ACCOUNT_NAME",
     "valueFrom": {"secretKeyRef": {"name": "azure-creds", "key": "account-name"}}},
    {"name": "LITESTREAM_REPLICA_0_ACCOUNT_KEY",
     "valueFrom": {"secretKeyRef": {"name": "azure-creds", "key": "account-key"}}}])"));
  CHECK(*response.find("volumes") == Value(Array{}));
  CHECK(*response.find("volumeMounts") == Value(Array{}));
  CHECK(*response.find("warnings") == Value(Array{}));
  CHECK(!response.find("replica")->find("region"));
  CHECK(!response.find("replica")->find("endpoint"));
}

TEST_CASE("azure renders the 0.5 format without per-replica retention keys", "[plugin][azure]") {
  const Value replica = *render(request(complete_replica(), "0.5")).find("replica");
  CHECK(replica.get_string("type") == "abs");
  CHECK(replica.get_string("sync-interval") == "5s");
  CHECK(replica.get_string("account-key") == "${LITESTREAM_REPLICA_0_ACCOUNT_KEY}");
  for (const char* key : {"retention", "retention-check-interval", "snapshot-interval", "validation-interval"}) {
    INFO(key);
    CHECK(!replica.find(key));
  }
}

TEST_CASE("azure renders the endpoint as given and custom Secret keys", "[plugin][azure]") {
  Value replica = azure_replica("litestream", "azurite-creds");
  replica["endpoint"] = "http://127.0.0.1:10000/devstoreaccount1";
  replica["credentials"]["accessKeyField"] = "name";
  replica["credentials"]["secretKeyField"] = "key";
  const Value response = render(request(replica));
  CHECK(response.find("replica")->get_string("endpoint") == "http://127.0.0.1:10000/devstoreaccount1");
  CHECK(!response.find("replica")->find("path"));
  const Array& env = response.find("env")->as_array();
  REQUIRE(env.size() == 2);
  CHECK(*env[0].find_path({"valueFrom", "secretKeyRef"}) == parse(R"({"name": "azurite-creds", "key": "name"})"));
  CHECK(*env[1].find_path({"valueFrom", "secretKeyRef"}) == parse(R"({"name": "azurite-creds", "key": "key"})"));
}

TEST_CASE("azure gives two replicas distinct env names, each referencing its own Secret", "[plugin][azure]") {
  const Array both{azure_replica("first", "creds-a"), azure_replica("second", "creds-b")};
  const Value ra = render(request_for(both, 0));
  const Value rb = render(request_for(both, 1));
  CHECK(ra.find("replica")->get_string("account-name") == "${LITESTREAM_REPLICA_0_ACCOUNT_NAME}");
  CHECK(rb.find("replica")->get_string("account-name") == "${LITESTREAM_REPLICA_1_ACCOUNT_NAME}");
  CHECK(rb.find("replica")->get_string("account-key") == "${LITESTREAM_REPLICA_1_ACCOUNT_KEY}");
  std::vector<std::string> names;
  for (const Value* response : {&ra, &rb}) {
    for (const Value& env : response->find("env")->as_array()) names.push_back(env.get_string("name"));
  }
  CHECK(names == std::vector<std::string>{"LITESTREAM_REPLICA_0_ACCOUNT_NAME", "LITESTREAM_REPLICA_0_ACCOUNT_KEY",
                                          "LITESTREAM_REPLICA_1_ACCOUNT_NAME", "LITESTREAM_REPLICA_1_ACCOUNT_KEY"});
  for (const Value& env : ra.find("env")->as_array()) {
    CHECK(env.find_path({"valueFrom", "secretKeyRef", "name"})->as_string() == "creds-a");
  }
  for (const Value& env : rb.find("env")->as_array()) {
    CHECK(env.find_path({"valueFrom", "secretKeyRef", "name"})->as_string() == "creds-b");
  }
}

TEST_CASE("azure responses are deterministic", "[plugin][azure]") {
  const auto plugin = azure_plugin();
  Value req = with_secret(request(complete_replica()));
  req["replica"]["endpoint"] = "http://127.0.0.1:10000/devstoreaccount1";
  const std::string render_once = sqlop::json::dump(plugin->render(req).response);
  const std::string validate_once = sqlop::json::dump(plugin->validate(req).response);
  for (int i = 0; i < 3; ++i) {
    CHECK(sqlop::json::dump(plugin->render(req).response) == render_once);
    CHECK(sqlop::json::dump(plugin->validate(req).response) == validate_once);
  }
}

TEST_CASE("azure render refuses a replica without credentials", "[plugin][azure]") {
  const CallResult result = azure_plugin()->render(request(azure_replica("sqlite-backups", "")));
  CHECK(!result.ok);
  CHECK(result.status == SQLOP_ERROR_BAD_REQUEST);
  CHECK(result.response.get_string("error").find(kReplica0 + ".credentials.secretName") != std::string::npos);
}
