// The SqliteDatabase CRD (crd/bases/database.sqlite.io_sqlitedatabases.yaml): accepted by the apiserver's
// rules, structural, documented, in step with host/model/sqlite_database.hpp, and defaulting as designed.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "host/model/sqlite_database.hpp"
#include "host/yaml/yaml_json.hpp"
#include "openapi/builtin_schemas.hpp"
#include "openapi/crd.hpp"
#include "openapi/manifest_files.hpp"
#include "openapi/structural.hpp"

namespace {

namespace json = sqlop::json;
namespace model = sqlop::model;
namespace openapi = sqlop::openapi;
namespace structural = sqlop::openapi::structural;
using openapi::ValidationError;
using openapi::ValidationErrors;

const char* const kCrdFile = SQLOP_SOURCE_DIR "/crd/bases/database.sqlite.io_sqlitedatabases.yaml";

const json::Value& crd_object() {
  static const json::Value crd = openapi::load_single_manifest(kCrdFile);
  return crd;
}

const openapi::CustomResourceDefinition& crd() {
  static const openapi::CustomResourceDefinition parsed = [] {
    openapi::CrdParseResult result = openapi::parse_crd(crd_object(), &openapi::builtin_schemas());
    if (!result.crd) throw std::runtime_error("the CRD does not parse:\n" + openapi::to_string(result.errors));
    return std::move(*result.crd);
  }();
  return parsed;
}

const json::Value& schema() { return crd().versions.at(0).schema; }

json::Value yaml_value(const std::string& text) {
  sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(text);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.documents.size() == 1);
  return loaded.documents.front().value;
}

json::Value resource(const std::string& spec_yaml) {
  json::Value object = yaml_value("{apiVersion: database.sqlite.io/v1alpha1, kind: SqliteDatabase, metadata: {name: db}}");
  object["spec"] = yaml_value(spec_yaml);
  return object;
}

// What the apiserver does on create: default, then validate strictly.
ValidationErrors admit(json::Value object) {
  openapi::default_custom_resource(crd(), object);
  return openapi::validate_custom_resource(crd(), object, &openapi::builtin_schemas());
}

std::string error_at(const ValidationErrors& errors, const std::string& path) {
  INFO(openapi::to_string(errors));
  std::string message;
  int count = 0;
  for (const ValidationError& e : errors) {
    if (e.path == path) {
      message = e.message;
      ++count;
    }
  }
  CHECK(count == 1);
  return message;
}

// Calls `visit(node, path)` for the root and every node below it reached through properties, items and
// additionalProperties (the nodes that describe data, not value validations).
void for_each_data_node(const json::Value& node, const std::string& path,
                        const std::function<void(const json::Value&, const std::string&)>& visit) {
  visit(node, path);
  if (const json::Value* properties = node.find("properties")) {
    for (const auto& [name, child] : properties->as_object()) for_each_data_node(child, path + "." + name, visit);
  }
  if (const json::Value* items = node.find("items")) for_each_data_node(*items, path + "[]", visit);
  if (const json::Value* values = node.find("additionalProperties"); values && values->is_object()) {
    for_each_data_node(*values, path + "{}", visit);
  }
}

}  // namespace

TEST_CASE("the CRD validates strictly as an apiextensions.k8s.io/v1 CustomResourceDefinition", "[crd]") {
  const ValidationErrors errors = openapi::builtin_schemas().validate(crd_object());
  INFO(openapi::to_string(errors));
  CHECK(errors.empty());
  const openapi::CrdParseResult parsed = openapi::parse_crd(crd_object(), &openapi::builtin_schemas());
  INFO(openapi::to_string(parsed.errors));
  CHECK(parsed.errors.empty());
  CHECK(parsed.crd.has_value());
}

TEST_CASE("the CRD's schema is structural and every field is documented", "[crd]") {
  const ValidationErrors errors = structural::check_schema(schema());
  INFO(openapi::to_string(errors));
  CHECK(errors.empty());

  int nodes = 0;
  for_each_data_node(schema(), "", [&](const json::Value& node, const std::string& path) {
    ++nodes;
    INFO(path);
    const bool typed = !node.get_string("type").empty();
    const bool exempt = node.get_bool("x-kubernetes-int-or-string", false) ||
                        node.get_bool("x-kubernetes-preserve-unknown-fields", false);
    CHECK((typed || exempt));
    // Every named field has a description (kubectl explain shows it); list items and map values may not.
    const bool named_field = !path.empty() && path.back() != ']' && path.back() != '}';
    if (named_field || path.empty()) CHECK_FALSE(node.get_string("description").empty());
  });
  CHECK(nodes > 80);
}

TEST_CASE("the CRD's names, scope, version and subresources", "[crd]") {
  const openapi::CustomResourceDefinition& d = crd();
  CHECK(d.name == "sqlitedatabases.database.sqlite.io");
  CHECK(d.group == model::kGroup);
  CHECK(d.kind == model::kKind);
  CHECK(d.list_kind == "SqliteDatabaseList");
  CHECK(d.plural == "sqlitedatabases");
  CHECK(d.singular == "sqlitedatabase");
  CHECK(d.short_names == std::vector<std::string>{"sqldb"});
  CHECK(d.categories == std::vector<std::string>{"sqlite"});
  CHECK(d.namespaced);
  REQUIRE(d.versions.size() == 1);
  const openapi::CrdVersion& v = d.versions[0];
  CHECK(v.name == model::kVersion);
  CHECK(v.served);
  CHECK(v.storage);
  CHECK(v.status_subresource);
  CHECK(v.scale_subresource.is_null());
}

TEST_CASE("the CRD's printer columns", "[crd]") {
  const json::Value& columns = crd().versions[0].printer_columns;
  REQUIRE(columns.is_array());
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"Phase", "string", ".status.phase"},
      {"Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"},
      {"Replicas", "integer", ".status.replicas"},
      {"PVC", "string", ".status.pvcName"},
      {"Age", "date", ".metadata.creationTimestamp"},
  };
  REQUIRE(columns.as_array().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const json::Value& column = columns.as_array()[i];
    CHECK(column.get_string("name") == std::get<0>(expected[i]));
    CHECK(column.get_string("type") == std::get<1>(expected[i]));
    CHECK(column.get_string("jsonPath") == std::get<2>(expected[i]));
  }
}

TEST_CASE("the CRD declares every field of the model with its type", "[crd]") {
  const std::vector<std::pair<openapi::FieldPath, std::string>> fields = {
      {{"spec", "database"}, "object"},
      {{"spec", "database", "name"}, "string"},
      {{"spec", "database", "initScript"}, "string"},
      {{"spec", "database", "initScriptKey"}, "string"},
      {{"spec", "database", "storage"}, "object"},
      {{"spec", "database", "storage", "size"}, "string"},
      {{"spec", "database", "storage", "storageClass"}, "string"},
      {{"spec", "database", "storage", "accessMode"}, "string"},
      {{"spec", "database", "storage", "retentionPolicy"}, "string"},
      {{"spec", "litestream", "enabled"}, "boolean"},
      {{"spec", "litestream", "metrics", "enabled"}, "boolean"},
      {{"spec", "litestream", "metrics", "port"}, "integer"},
      {{"spec", "litestream", "replicas"}, "array"},
      {{"spec", "litestream", "replicas", "type"}, "string"},
      {{"spec", "litestream", "replicas", "name"}, "string"},
      {{"spec", "litestream", "replicas", "bucket"}, "string"},
      {{"spec", "litestream", "replicas", "region"}, "string"},
      {{"spec", "litestream", "replicas", "endpoint"}, "string"},
      {{"spec", "litestream", "replicas", "path"}, "string"},
      {{"spec", "litestream", "replicas", "retention"}, "string"},
      {{"spec", "litestream", "replicas", "retentionCheckInterval"}, "string"},
      {{"spec", "litestream", "replicas", "syncInterval"}, "string"},
      {{"spec", "litestream", "replicas", "snapshotInterval"}, "string"},
      {{"spec", "litestream", "replicas", "validationInterval"}, "string"},
      {{"spec", "litestream", "replicas", "credentials", "secretName"}, "string"},
      {{"spec", "litestream", "replicas", "credentials", "accessKeyField"}, "string"},
      {{"spec", "litestream", "replicas", "credentials", "secretKeyField"}, "string"},
      {{"spec", "litestream", "replicas", "settings"}, "object"},
      {{"spec", "sqliteRest", "enabled"}, "boolean"},
      {{"spec", "sqliteRest", "port"}, "integer"},
      {{"spec", "sqliteRest", "authSecret"}, "string"},
      {{"spec", "sqliteRest", "authSecretKey"}, "string"},
      {{"spec", "sqliteRest", "allowedTables"}, "array"},
      {{"spec", "sqliteRest", "metrics", "enabled"}, "boolean"},
      {{"spec", "sqliteRest", "metrics", "port"}, "integer"},
      {{"spec", "sqliteRest", "resources", "limits"}, "object"},
      {{"spec", "sqliteRest", "resources", "requests"}, "object"},
      {{"spec", "ingress", "enabled"}, "boolean"},
      {{"spec", "ingress", "host"}, "string"},
      {{"spec", "ingress", "className"}, "string"},
      {{"spec", "ingress", "path"}, "string"},
      {{"spec", "ingress", "annotations"}, "object"},
      {{"spec", "ingress", "tls", "enabled"}, "boolean"},
      {{"spec", "ingress", "tls", "secretName"}, "string"},
      {{"spec", "resources", "limits"}, "object"},
      {{"spec", "resources", "requests"}, "object"},
      {{"status", "phase"}, "string"},
      {{"status", "message"}, "string"},
      {{"status", "observedGeneration"}, "integer"},
      {{"status", "pvcName"}, "string"},
      {{"status", "databasePath"}, "string"},
      {{"status", "replicas"}, "integer"},
      {{"status", "lastBackup"}, "string"},
      {{"status", "endpoints", "rest"}, "string"},
      {{"status", "endpoints", "metrics"}, "string"},
      {{"status", "conditions", "type"}, "string"},
      {{"status", "conditions", "status"}, "string"},
      {{"status", "conditions", "observedGeneration"}, "integer"},
      {{"status", "conditions", "lastTransitionTime"}, "string"},
      {{"status", "conditions", "reason"}, "string"},
      {{"status", "conditions", "message"}, "string"},
  };
  for (const auto& [path, type] : fields) {
    std::string name;
    for (const std::string& segment : path) name += "." + segment;
    INFO(name);
    const std::optional<openapi::FieldMetadata> field = structural::field_metadata(schema(), path);
    REQUIRE(field.has_value());
    CHECK(field->type == type);
  }
  const auto conditions = structural::field_metadata(schema(), {"status", "conditions"});
  REQUIRE(conditions);
  CHECK(conditions->list_type == "map");
  CHECK(conditions->list_map_keys == std::vector<std::string>{"type"});
  const auto settings = structural::field_metadata(schema(), {"spec", "litestream", "replicas", "settings"});
  REQUIRE(settings);
  CHECK(settings->preserve_unknown_fields);
}

TEST_CASE("a minimal SqliteDatabase is defaulted to the model's defaults", "[crd]") {
  json::Value object = resource("{litestream: {replicas: [{type: file, settings: {claimName: backups}}]}}");
  openapi::default_custom_resource(crd(), object);

  const model::DatabaseSpec database;
  const model::LitestreamSpec litestream;
  const model::SqliteRestSpec rest;
  const model::IngressSpec ingress;
  const json::Value expected = yaml_value(R"(
database:
  name: )" + database.name + R"(
  initScriptKey: )" + database.init_script_key + R"(
  storage:
    size: )" + database.storage.size + R"(
    accessMode: )" + database.storage.access_mode + R"(
    retentionPolicy: Retain
litestream:
  enabled: true
  metrics: {enabled: true, port: 9090}
  replicas: [{type: file, settings: {claimName: backups}}]
sqliteRest:
  enabled: false
  port: 8080
  authSecretKey: token
  metrics: {enabled: true, port: 8081}
ingress:
  enabled: false
  path: /
  tls: {enabled: false}
)");
  INFO(json::dump(*object.find("spec"), 2));
  CHECK(*object.find("spec") == expected);

  // The same numbers as the model, which applies them when a manifest skips the API server (render command).
  CHECK(litestream.enabled);
  CHECK(litestream.metrics.port == 9090);
  CHECK(rest.port == 8080);
  CHECK(rest.auth_secret_key == "token");
  CHECK(rest.metrics.port == 8081);
  CHECK(ingress.path == "/");
  CHECK(database.storage.retention_policy == model::RetentionPolicy::Retain);
  CHECK(admit(object).empty());

  SECTION("an object without spec gets the whole default spec") {
    json::Value bare = yaml_value("{apiVersion: database.sqlite.io/v1alpha1, kind: SqliteDatabase, metadata: {name: x}}");
    openapi::default_custom_resource(crd(), bare);
    REQUIRE(bare.find("spec") != nullptr);
    CHECK(bare.find_path({"spec", "database", "storage", "size"})->as_string() == "1Gi");
    CHECK(bare.find_path({"spec", "litestream", "replicas"}) == nullptr);
  }
  SECTION("explicit values are kept") {
    json::Value custom = resource("{database: {name: app.db, storage: {accessMode: ReadWriteMany}}, sqliteRest: {port: 9000}}");
    openapi::default_custom_resource(crd(), custom);
    CHECK(custom.find_path({"spec", "database", "name"})->as_string() == "app.db");
    CHECK(custom.find_path({"spec", "database", "storage", "accessMode"})->as_string() == "ReadWriteMany");
    CHECK(custom.find_path({"spec", "database", "storage", "size"})->as_string() == "1Gi");
    CHECK(custom.find_path({"spec", "sqliteRest", "port"})->as_int() == 9000);
  }
  SECTION("replica credentials get no defaults: each backend has its own") {
    json::Value with_secret = resource("{litestream: {replicas: [{type: s3, bucket: b, credentials: {secretName: s}}]}}");
    openapi::default_custom_resource(crd(), with_secret);
    CHECK(*with_secret.find_path({"spec", "litestream", "replicas"}) ==
          yaml_value("[{type: s3, bucket: b, credentials: {secretName: s}}]"));
  }
}

TEST_CASE("the CRD accepts what the design allows", "[crd]") {
  const char* const accepted[] = {
      // type is open: any installed plugin, and `local` as an alias of file
      "{litestream: {replicas: [{type: webdav, settings: {url: 'https://dav.example.com', nested: {a: [1]}}}]}}",
      "{litestream: {replicas: [{type: local, path: backups}]}}",
      // bucket is not required (file backends have none)
      "{litestream: {replicas: [{type: file, settings: {claimName: c}}]}}",
      "{litestream: {enabled: false}}",
      "{database: {storage: {size: 500Mi, accessMode: ReadWriteOncePod, retentionPolicy: Delete}}}",
      "{litestream: {replicas: [{type: s3, bucket: b, retention: 24h, retentionCheckInterval: 1h30m, syncInterval: 500ms,"
      " snapshotInterval: 1.5h, validationInterval: 12h}]}}",
      "{resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 1, memory: 1Gi}}}",
      "{sqliteRest: {enabled: true, authSecret: api-auth, allowedTables: ['*'], resources: {limits: {memory: 128Mi}}}}",
      "{ingress: {enabled: true, host: '*.example.com', annotations: {a.example.com/b: 'true'}, tls: {enabled: true, secretName: t}}}",
  };
  for (const char* spec : accepted) {
    INFO(spec);
    const ValidationErrors errors = admit(resource(spec));
    INFO(openapi::to_string(errors));
    CHECK(errors.empty());
  }
}

TEST_CASE("the CRD rejects what it must, at the field's path", "[crd]") {
  CHECK(error_at(admit(resource("{litestream: {replicas: [{bucket: b}]}}")), "spec.litestream.replicas[0].type") ==
        "Required value");
  CHECK_THAT(error_at(admit(resource("{litestream: {replicas: [{type: s3, bukket: b}]}}")),
                      "spec.litestream.replicas[0].bukket"),
             Catch::Contains("unknown field"));
  CHECK_THAT(error_at(admit(resource("{databse: {}}")), "spec.databse"), Catch::Contains("unknown field"));
  CHECK_THAT(error_at(admit(resource("{database: {storage: {accessMode: ReadWriteMany2}}}")), "spec.database.storage.accessMode"),
             Catch::Contains("Unsupported value"));
  CHECK_THAT(error_at(admit(resource("{database: {storage: {retentionPolicy: Keep}}}")), "spec.database.storage.retentionPolicy"),
             Catch::Contains("Unsupported value"));
  CHECK_THAT(error_at(admit(resource("{database: {storage: {size: 1 Gi}}}")), "spec.database.storage.size"),
             Catch::Contains("pattern"));
  CHECK_THAT(error_at(admit(resource("{database: {name: ../etc/passwd}}")), "spec.database.name"), Catch::Contains("pattern"));
  CHECK_THAT(error_at(admit(resource("{sqliteRest: {port: 0}}")), "spec.sqliteRest.port"), Catch::Contains("greater than"));
  CHECK_THAT(error_at(admit(resource("{litestream: {metrics: {port: 70000}}}")), "spec.litestream.metrics.port"),
             Catch::Contains("less than"));
  CHECK_THAT(error_at(admit(resource("{sqliteRest: {port: '8080'}}")), "spec.sqliteRest.port"), Catch::Contains("integer"));
  CHECK_THAT(error_at(admit(resource("{litestream: {replicas: [{type: s3, retention: 1 day}]}}")),
                      "spec.litestream.replicas[0].retention"),
             Catch::Contains("pattern"));
  CHECK_THAT(error_at(admit(resource("{litestream: {replicas: [{type: s3, credentials: {secretName: My_Secret}}]}}")),
                      "spec.litestream.replicas[0].credentials.secretName"),
             Catch::Contains("pattern"));
  CHECK_THAT(error_at(admit(resource("{resources: {limits: {memory: 1 Gi}}}")), "spec.resources.limits[memory]"),
             Catch::Contains("pattern"));
  CHECK_THAT(error_at(admit(resource("{resources: {claims: []}}")), "spec.resources.claims"), Catch::Contains("unknown field"));
  CHECK_THAT(error_at(admit(resource("{sqliteRest: {allowedTables: [a, a]}}")), "spec.sqliteRest.allowedTables[1]"),
             Catch::Contains("Duplicate value"));
  CHECK_THAT(error_at(admit(resource("{ingress: {path: api}}")), "spec.ingress.path"), Catch::Contains("pattern"));
  CHECK_THAT(error_at(admit(resource("{ingress: {annotations: {a: 1}}}")), "spec.ingress.annotations[a]"),
             Catch::Contains("string"));
  CHECK_THAT(error_at(admit(resource("{litestream: {replicas: {type: s3}}}")), "spec.litestream.replicas"),
             Catch::Contains("array"));

  SECTION("metadata is checked strictly as ObjectMeta") {
    json::Value object = resource("{}");
    object["metadata"]["labelz"] = json::Value::object();
    CHECK_THAT(error_at(admit(object), "metadata.labelz"), Catch::Contains("unknown field"));
  }
  SECTION("an unserved version or another kind") {
    json::Value object = resource("{}");
    object["apiVersion"] = "database.sqlite.io/v1";
    CHECK_THAT(error_at(admit(object), "apiVersion"), Catch::Contains("served version"));
    json::Value other_kind = resource("{}");
    other_kind["kind"] = "SqliteDb";
    CHECK(error_at(admit(other_kind), "kind") == "must be SqliteDatabase");
  }
}

TEST_CASE("the status the operator writes validates, a malformed one does not", "[crd]") {
  json::Value object = resource("{}");
  object["status"] = yaml_value(R"(
phase: Running
message: ""
observedGeneration: 3
pvcName: db-db-storage
databasePath: /data/database.db
replicas: 2
lastBackup: "2025-06-01T12:00:00Z"
endpoints: {rest: "http://db-service.default.svc:8080", metrics: "http://db-service.default.svc:9090/metrics"}
conditions:
  - {type: Ready, status: "True", observedGeneration: 3, lastTransitionTime: "2025-06-01T12:00:00Z", reason: Reconciled, message: ""}
  - {type: Degraded, status: "False", lastTransitionTime: "2025-06-01T12:00:00Z", reason: AsExpected, message: ok}
)");
  CHECK(admit(object).empty());

  object["status"]["phase"] = "Ready";
  json::Array& conditions = object["status"]["conditions"].as_array();
  conditions[1]["type"] = "Ready";
  conditions[0]["status"] = true;
  conditions[0].as_object().erase("reason");
  conditions[1]["lastTransitionTime"] = "now";
  const ValidationErrors errors = admit(object);
  CHECK(errors.size() == 5);
  CHECK_THAT(error_at(errors, "status.phase"), Catch::Contains("Unsupported value"));
  CHECK_THAT(error_at(errors, "status.conditions[1]"), Catch::Contains("Duplicate value"));
  CHECK_THAT(error_at(errors, "status.conditions[0].status"), Catch::Contains("string"));
  CHECK(error_at(errors, "status.conditions[0].reason") == "Required value");
  CHECK_THAT(error_at(errors, "status.conditions[1].lastTransitionTime"), Catch::Contains("RFC 3339"));
}
