// The file backend plugin (alias "local"), driven through the host's loader and the C ABI only.
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

std::shared_ptr<const Plugin> file_plugin() {
  static const std::shared_ptr<const Plugin> plugin = [] {
    auto loaded = sqlop::plugins::load_plugin_file(SQLOP_PLUGIN_DIR "/sqlop-file.so");
    if (auto* error = std::get_if<sqlop::plugins::LoadError>(&loaded)) FAIL("cannot load file plugin: " << error->reason);
    return std::get<std::shared_ptr<const Plugin>>(loaded);
  }();
  return plugin;
}

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

Value file_replica(const std::string& claim = "backup-pvc") {
  Value r = Value::object();
  r["type"] = "file";
  r["name"] = "file-0";
  r["settings"]["claimName"] = claim;
  return r;
}

Value request_at(const Value& replica, std::size_t index, const std::string& format = "0.3") {
  Value r = Value::object();
  r["replica"] = replica;
  r["fieldPath"] = "spec.litestream.replicas[" + std::to_string(index) + "]";
  r["replicaIndex"] = static_cast<int>(index);
  Array replicas(index + 1, parse(R"({"type":"s3","name":"other","bucket":"b"})"));
  replicas[index] = replica;
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

Value request(const Value& replica, const std::string& format = "0.3") { return request_at(replica, 0, format); }

Value validate(const Value& req) {
  const CallResult result = file_plugin()->validate(req);
  INFO(result.error);
  REQUIRE(result.ok);
  REQUIRE(result.response.find("errors"));
  REQUIRE(result.response.find("warnings"));
  return result.response;
}

Value render(const Value& req) {
  const CallResult result = file_plugin()->render(req);
  INFO(result.error);
  REQUIRE(result.ok);
  return result.response;
}

const Array& list(const Value& response, const char* member) { return response.find(member)->as_array(); }

std::vector<std::string> errors_at(const Value& response, const std::string& field) {
  std::vector<std::string> out;
  for (const Value& d : list(response, "errors")) {
    if (d.get_string("field") == field) out.push_back(d.get_string("reason"));
  }
  return out;
}

bool has_error(const Value& response, const std::string& field, const std::string& part) {
  for (const std::string& reason : errors_at(response, field)) {
    if (reason.find(part) != std::string::npos) return true;
  }
  return false;
}

const std::string kReplica0 = "spec.litestream.replicas[0]";

}  // namespace

TEST_CASE("file plugin loads and describes itself, with the alias local", "[plugin][file]") {
  const auto plugin = file_plugin();
  REQUIRE(plugin);
  CHECK(plugin->info().type == "file");
  CHECK(plugin->info().aliases == std::vector<std::string>{"local"});
  const Value& d = plugin->info().description;
  CHECK(d.get_string("type") == "file");
  CHECK(d.get_string("version") == plugin->info().plugin_version);
  CHECK_FALSE(d.get_string("summary").empty());
  CHECK(d.find("secretKeys")->as_array().empty());
  CHECK(d.find("processEnv")->as_array().empty());
  CHECK(d.find("litestreamFormats")->as_array() == Array{Value("0.3"), Value("0.5")});
  const Array& settings = d.find("settings")->as_array();
  REQUIRE(settings.size() == 1);
  CHECK(settings[0].get_string("name") == "claimName");
  CHECK(settings[0].get_string("type") == "string");
  CHECK(settings[0].get_bool("required", false));
  for (const Value& f : d.find("fields")->as_array()) {
    CHECK(f.get_string("name") != "bucket");
  }
}

TEST_CASE("file validate accepts a replica on a separate claim", "[plugin][file]") {
  Value replica = file_replica();
  replica["path"] = "team-a/mydb";
  replica["retention"] = "24h";
  const Value response = validate(request(replica));
  CHECK(list(response, "errors").empty());
  CHECK(list(response, "warnings").empty());
  CHECK(list(validate(request(file_replica("backups.example-1"))), "errors").empty());
}

TEST_CASE("file validate: settings.claimName is required and must name a durable, separate claim", "[plugin][file]") {
  const std::string field = kReplica0 + ".settings.claimName";
  SECTION("missing") {
    Value replica = file_replica();
    replica.as_object().erase("settings");
    CHECK(has_error(validate(request(replica)), field, "is required"));
    CHECK(has_error(validate(request(replica)), field, "container's filesystem"));
    replica["settings"] = Value::object();
    CHECK(has_error(validate(request(replica)), field, "is required"));
  }
  SECTION("empty") { CHECK(has_error(validate(request(file_replica(""))), field, "is required")); }
  SECTION("not a string") {
    Value replica = file_replica();
    replica["settings"]["claimName"] = 7;
    CHECK(has_error(validate(request(replica)), field, "must be a string"));
  }
  SECTION("not a DNS-1123 subdomain") {
    const std::string claim = GENERATE(as<std::string>{}, "Backup", "backup_pvc", "-backup", "backup-", "a..b",
                                       "back/up", std::string(254, 'a'));
    INFO(claim);
    CHECK(has_error(validate(request(file_replica(claim))), field, "not a valid PersistentVolumeClaim name"));
  }
  SECTION("the database's own claim") {
    const Value response = validate(request(file_replica("mydb-db-storage")));
    CHECK(has_error(response, field, "database's own PersistentVolumeClaim"));
    CHECK(has_error(response, field, "lost together with the database"));
  }
}

TEST_CASE("file validate: unknown settings are errors, subPath with a pointer to path", "[plugin][file]") {
  Value replica = file_replica();
  replica["settings"]["subPath"] = "x";
  replica["settings"]["claimname"] = "typo";
  const Value response = validate(request(replica));
  CHECK(has_error(response, kReplica0 + ".settings.subPath", "use path"));
  CHECK(has_error(response, kReplica0 + ".settings.claimname", "not a setting of the file backend"));
  CHECK(list(response, "errors").size() == 2);
}

TEST_CASE("file validate: path is a relative directory inside the claim", "[plugin][file]") {
  SECTION("good paths") {
    const std::string path = GENERATE(as<std::string>{}, "mydb", "a/b/c", "team_1/db-2.backup");
    Value replica = file_replica();
    replica["path"] = path;
    CHECK(errors_at(validate(request(replica)), kReplica0 + ".path").empty());
  }
  SECTION("bad paths") {
    struct Case {
      std::string path;
      std::string reason;
    };
    const Case c = GENERATE(values<Case>({
        {"/backups", "no leading '/'"},
        {"a/../b", "'..'"},
        {"../other-db", "'..'"},
        {"a//b", "empty segments"},
        {"backups/", "empty segments"},
        {"a\nb", "control characters"},
        {std::string("a") + char(0x7f), "control characters"},
    }));
    Value replica = file_replica();
    replica["path"] = c.path;
    const Value response = validate(request(replica));
    CHECK(has_error(response, kReplica0 + ".path", c.reason));
    CHECK(errors_at(response, kReplica0 + ".path").size() == 1);
  }
}

TEST_CASE("file validate: bucket, region, endpoint and credentials are errors, all reported", "[plugin][file]") {
  Value replica = file_replica("mydb-db-storage");
  replica["bucket"] = "b";
  replica["region"] = "r";
  replica["endpoint"] = "http://127.0.0.1:9000";
  replica["credentials"]["secretName"] = "s";
  replica["path"] = "/abs";
  const Value response = validate(request(replica));
  for (const char* member : {"bucket", "region", "endpoint", "credentials"}) {
    INFO(member);
    CHECK(has_error(response, kReplica0 + "." + member, "is not used by the file backend"));
  }
  CHECK(has_error(response, kReplica0 + ".settings.claimName", "database's own"));
  CHECK(has_error(response, kReplica0 + ".path", "no leading '/'"));
  CHECK(list(response, "errors").size() == 6);
}

TEST_CASE("file validate: empty members are not reported as unused", "[plugin][file]") {
  Value replica = file_replica();
  replica["bucket"] = "";
  replica["credentials"] = Value::object();
  replica["region"] = nullptr;
  CHECK(list(validate(request(replica)), "errors").empty());
}

TEST_CASE("file render: a claim volume mounted read-write, the same in both formats", "[plugin][file]") {
  const std::string format = GENERATE(as<std::string>{}, "0.3", "0.5");
  Value replica = file_replica();
  replica["path"] = "team-a/mydb";
  replica["syncInterval"] = "1s";
  replica["retention"] = "24h";
  const Value out = render(request(replica, format));

  Value expected = parse(R"({"type":"file","path":"/var/run/sqlite-operator/replica-0/team-a/mydb",
                             "retention":"24h","sync-interval":"1s"})");
  if (format == "0.5") expected.as_object().erase("retention");
  CHECK(*out.find("replica") == expected);
  CHECK(*out.find("volumes") ==
        parse(R"([{"name":"replica-0-backup","persistentVolumeClaim":{"claimName":"backup-pvc"}}])"));
  CHECK(*out.find("volumeMounts") ==
        parse(R"([{"name":"replica-0-backup","mountPath":"/var/run/sqlite-operator/replica-0"}])"));
  CHECK(list(out, "env").empty());
  CHECK(list(out, "warnings").empty());
}

TEST_CASE("file render: the path defaults to the resource name", "[plugin][file]") {
  const Value out = render(request(file_replica()));
  CHECK(out.find("replica")->get_string("path") == "/var/run/sqlite-operator/replica-0/mydb");

  Value replica = file_replica();
  replica["type"] = "local";  // the alias renders the same Litestream type
  CHECK(render(request(replica)).find("replica")->get_string("type") == "file");
}

TEST_CASE("file render: names stay inside the replica's prefixes", "[plugin][file]") {
  const std::size_t index = GENERATE(0u, 1u, 3u);
  const Value req = request_at(file_replica(), index);
  const Value out = render(req);
  REQUIRE(list(out, "volumes").size() == 1);
  CHECK(list(out, "volumes")[0].get_string("name") == "replica-" + std::to_string(index) + "-backup");
  REQUIRE(list(out, "volumeMounts").size() == 1);
  const std::string mount = list(out, "volumeMounts")[0].get_string("mountPath");
  CHECK(mount == req.get_string("mountRoot"));
  CHECK(out.find("replica")->get_string("path").rfind(mount + "/", 0) == 0);
}

TEST_CASE("file render output is valid core/v1 Volume and VolumeMount objects", "[plugin][file]") {
  const Value out = render(request(file_replica()));
  const auto& schemas = sqlop::openapi::builtin_schemas();
  REQUIRE(list(out, "volumes").size() == 1);
  REQUIRE(list(out, "volumeMounts").size() == 1);
  CHECK(sqlop::openapi::to_string(schemas.validate_as("io.k8s.api.core.v1.Volume", list(out, "volumes")[0])).empty());
  CHECK(sqlop::openapi::to_string(
            schemas.validate_as("io.k8s.api.core.v1.VolumeMount", list(out, "volumeMounts")[0])).empty());
}

TEST_CASE("file responses are deterministic", "[plugin][file]") {
  Value replica = file_replica("mydb-db-storage");
  replica["bucket"] = "b";
  replica["path"] = "x";
  const Value req = request(replica);
  CHECK(sqlop::json::dump(validate(req)) == sqlop::json::dump(validate(req)));
  const Value good = request(file_replica());
  CHECK(sqlop::json::dump(render(good)) == sqlop::json::dump(render(good)));
}

TEST_CASE("file render refuses malformed requests", "[plugin][file]") {
  SECTION("no claim") {
    Value replica = file_replica();
    replica.as_object().erase("settings");
    const CallResult result = file_plugin()->render(request(replica));
    CHECK_FALSE(result.ok);
    CHECK(result.status == SQLOP_ERROR_BAD_REQUEST);
    CHECK(result.error.find("claimName") != std::string::npos);
  }
  SECTION("no path and no resource name") {
    Value req = request(file_replica());
    req["database"].as_object().erase("resourceName");
    const CallResult result = file_plugin()->render(req);
    CHECK_FALSE(result.ok);
    CHECK(result.status == SQLOP_ERROR_BAD_REQUEST);
  }
  SECTION("unknown Litestream format") {
    Value req = request(file_replica());
    req["litestream"]["format"] = "1.0";
    CHECK(file_plugin()->render(req).status == SQLOP_ERROR_BAD_REQUEST);
  }
}
