// parse_sqlite_database: defaults, what is copied from metadata, the original README's examples, replica
// naming and the plugin's view of a replica, type errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "host/model/parse.hpp"
#include "host/model/validate.hpp"
#include "host/yaml/yaml_json.hpp"

using namespace sqlop::model;
using sqlop::json::Value;

namespace {

Value load_one(const std::string& yaml) {
  const auto loaded = sqlop::yaml::load_all(yaml);
  INFO(loaded.error);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.documents.size() == 1);
  return loaded.documents[0].value;
}

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(SQLOP_SOURCE_DIR) + "/tests/fixtures/model/" + name);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* const kHeader = "apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\n";

// Parses a manifest that must be valid and returns the model.
SqliteDatabase parse_valid(const std::string& yaml) {
  const ParseResult result = parse_sqlite_database(load_one(yaml));
  for (const auto& e : result.diagnostics.errors) UNSCOPED_INFO(e.field << ": " << e.reason);
  REQUIRE(result.diagnostics.ok());
  REQUIRE(result.resource.has_value());
  return *result.resource;
}

std::string describe(const Diagnostics& d) {
  std::string text;
  for (const auto& e : d.errors) text += "error " + e.field + ": " + e.reason + "\n";
  for (const auto& w : d.warnings) text += "warning " + w.field + ": " + w.reason + "\n";
  return text;
}

bool has_error(const Diagnostics& d, const std::string& field, const std::string& reason_part) {
  for (const auto& e : d.errors) {
    if (e.field == field && e.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a minimal resource gets every default", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) + "metadata: {name: db}\n");
  CHECK(db.metadata.name == "db");
  CHECK(db.metadata.namespace_ == "default");
  CHECK(db.metadata.uid.empty());
  CHECK_FALSE(db.metadata.deleting);
  CHECK(db.database.name == "database.db");
  CHECK(db.database.init_script.empty());
  CHECK(db.database.init_script_key == "init.sql");
  CHECK(db.database.storage.size == "1Gi");
  CHECK(db.database.storage.storage_class.empty());
  CHECK(db.database.storage.access_mode == "ReadWriteOnce");
  CHECK(db.database.storage.retention_policy == RetentionPolicy::Retain);
  CHECK(db.litestream.enabled);
  CHECK(db.litestream.replicas.empty());
  CHECK(db.litestream.metrics.enabled);
  CHECK(db.litestream.metrics.port == 9090);
  CHECK_FALSE(db.sqlite_rest.enabled);
  CHECK(db.sqlite_rest.port == 8080);
  CHECK(db.sqlite_rest.auth_secret.empty());
  CHECK(db.sqlite_rest.auth_secret_key == "token");
  CHECK(db.sqlite_rest.allowed_tables.empty());
  CHECK(db.sqlite_rest.metrics.enabled);
  CHECK(db.sqlite_rest.metrics.port == 8081);
  CHECK_FALSE(db.ingress.enabled);
  CHECK(db.ingress.path == "/");
  CHECK(db.ingress.class_name.empty());
  CHECK_FALSE(db.ingress.tls.enabled);
  CHECK(db.resources.is_null());
  CHECK(db.rest_resources.is_null());
}

TEST_CASE("empty and null sections count as absent and keep their defaults", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata: {name: db}\n"
                                        "spec:\n"
                                        "  database:\n"
                                        "    name: ~\n"
                                        "    storage:\n"
                                        "  litestream: {}\n"
                                        "  sqliteRest:\n"
                                        "  ingress: {tls: null}\n");
  CHECK(db.database.name == "database.db");
  CHECK(db.database.storage.size == "1Gi");
  CHECK(db.litestream.enabled);
  CHECK(db.sqlite_rest.port == 8080);
  CHECK(db.ingress.path == "/");
}

TEST_CASE("metadata members the operator needs are copied", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata:\n"
                                        "  name: orders\n"
                                        "  namespace: shop\n"
                                        "  uid: 6d1f0c9e-1111-2222-3333-444455556666\n"
                                        "  generation: 7\n"
                                        "  resourceVersion: \"12345\"\n"
                                        "  labels: {team: payments}\n"
                                        "  annotations: {note: \"hello\"}\n"
                                        "  finalizers: [database.sqlite.io/cleanup]\n"
                                        "  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n"
                                        "  creationTimestamp: \"2023-01-01T00:00:00Z\"\n"
                                        "  managedFields: []\n");
  CHECK(db.metadata.name == "orders");
  CHECK(db.metadata.namespace_ == "shop");
  CHECK(db.metadata.uid == "6d1f0c9e-1111-2222-3333-444455556666");
  CHECK(db.metadata.generation == 7);
  CHECK(db.metadata.resource_version == "12345");
  CHECK(db.metadata.labels == std::map<std::string, std::string>{{"team", "payments"}});
  CHECK(db.metadata.annotations.at("note") == "hello");
  CHECK(db.metadata.finalizers == std::vector<std::string>{"database.sqlite.io/cleanup"});
  CHECK(db.metadata.deleting);
}

TEST_CASE("the original README's full example parses and validates unchanged", "[model]") {
  const SqliteDatabase db = parse_valid(read_fixture("readme-example.yaml"));
  CHECK(db.metadata.name == "my-database");
  CHECK(db.database.name == "app.db");
  CHECK(db.database.storage.size == "2Gi");
  CHECK(db.database.storage.access_mode == "ReadWriteOnce");  // not the old ReadWriteMany default
  REQUIRE(db.litestream.replicas.size() == 1);
  const Replica& replica = db.litestream.replicas[0];
  CHECK(replica.type == "s3");
  CHECK(replica.name == "s3");
  CHECK(replica.credentials.secret_name == "s3-credentials");
  CHECK(replica.credentials.access_key_field.empty());  // the plugin's default applies
  CHECK(replica.spec.get_string("bucket") == "my-backup-bucket");
  CHECK(replica.spec.get_string("region") == "us-west-2");
  CHECK(replica.spec.get_string("path") == "sqlite-backups");
  CHECK(replica.spec.find_path({"credentials", "secretName"})->as_string() == "s3-credentials");
  CHECK(db.sqlite_rest.enabled);
  CHECK(db.sqlite_rest.port == 8080);
  CHECK(db.sqlite_rest.auth_secret == "jwt-secret");
  CHECK(db.sqlite_rest.allowed_tables == std::vector<std::string>{"users", "products"});
  CHECK(db.ingress.enabled);
  CHECK(db.ingress.host == "api.example.com");
  CHECK(db.ingress.tls.enabled);
  CHECK(db.ingress.tls.secret_name == "api-tls");

  Diagnostics diagnostics;
  ValidationContext context;
  context.has_backend = [](const std::string& type) { return type == "s3"; };
  validate_sqlite_database(db, context, diagnostics);
  INFO(describe(diagnostics));
  CHECK(diagnostics.errors.empty());
  CHECK(diagnostics.warnings.empty());
}

TEST_CASE("the original README's configuration examples parse and validate", "[model]") {
  const auto loaded = sqlop::yaml::load_all(read_fixture("readme-configuration.yaml"));
  REQUIRE(loaded.ok());
  REQUIRE(loaded.documents.size() == 3);
  ValidationContext context;
  context.has_backend = [](const std::string& type) { return type == "s3" || type == "azure" || type == "gcs"; };
  for (const auto& document : loaded.documents) {
    const ParseResult result = parse_sqlite_database(document.value);
    Diagnostics diagnostics = result.diagnostics;
    if (result.resource) validate_sqlite_database(*result.resource, context, diagnostics);
    INFO("document at line " << document.line << "\n" << describe(diagnostics));
    CHECK(diagnostics.errors.empty());
    CHECK(diagnostics.warnings.empty());
  }
  const SqliteDatabase s3 = *parse_sqlite_database(loaded.documents[0].value).resource;
  CHECK(s3.database.init_script == "init-script-cm");
  CHECK(s3.database.storage.storage_class == "fast-ssd");
  CHECK(s3.litestream.replicas[0].credentials.access_key_field == "access-key");
  CHECK(s3.litestream.replicas[0].credentials.secret_key_field == "secret-key");
  CHECK(s3.litestream.replicas[0].spec.get_string("retention") == "168h");
  const SqliteDatabase azure = *parse_sqlite_database(loaded.documents[1].value).resource;
  CHECK(azure.litestream.replicas[0].type == "azure");
  CHECK(azure.litestream.replicas[0].credentials.access_key_field == "account-name");
}

TEST_CASE("replicas: types are lower-cased, names default by type and index", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata: {name: db}\n"
                                        "spec:\n"
                                        "  litestream:\n"
                                        "    replicas:\n"
                                        "      - {type: S3, bucket: a}\n"
                                        "      - {type: file, path: /backup}\n"
                                        "      - {type: s3, bucket: b}\n"
                                        "      - {type: azure, name: offsite, bucket: c}\n");
  REQUIRE(db.litestream.replicas.size() == 4);
  CHECK(db.litestream.replicas[0].type == "s3");
  CHECK(db.litestream.replicas[0].name == "s3-0");
  CHECK(db.litestream.replicas[1].name == "file");
  CHECK(db.litestream.replicas[2].name == "s3-2");
  CHECK(db.litestream.replicas[3].name == "offsite");
  // The plugin sees the defaulted name and the normalised type in the replica object itself.
  CHECK(db.litestream.replicas[0].spec.get_string("type") == "s3");
  CHECK(db.litestream.replicas[0].spec.get_string("name") == "s3-0");
  CHECK(db.litestream.replicas[0].spec.get_string("bucket") == "a");
  CHECK(db.litestream.replicas[1].spec.get_string("name") == "file");
}

TEST_CASE("replica settings are free-form and reach the plugin, null members do not", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata: {name: db}\n"
                                        "spec:\n"
                                        "  litestream:\n"
                                        "    replicas:\n"
                                        "      - type: s3\n"
                                        "        bucket: b\n"
                                        "        region: ~\n"
                                        "        syncInterval: 1s\n"
                                        "        settings:\n"
                                        "          forcePathStyle: true\n"
                                        "          anything: {nested: [1, 2]}\n");
  const Value& spec = db.litestream.replicas.at(0).spec;
  CHECK(spec.find("region") == nullptr);
  CHECK(spec.get_string("syncInterval") == "1s");
  CHECK(spec.find_path({"settings", "forcePathStyle"})->as_bool());
  CHECK(spec.find_path({"settings", "anything", "nested"})->as_array().size() == 2);
}

TEST_CASE("resources are kept for the renderer, numbers included", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata: {name: db}\n"
                                        "spec:\n"
                                        "  resources:\n"
                                        "    requests: {cpu: 100m, memory: 64Mi}\n"
                                        "    limits: {cpu: 1, memory: 128Mi, ephemeral-storage: ~}\n"
                                        "  sqliteRest:\n"
                                        "    resources: {limits: {cpu: 0.5}}\n");
  CHECK(db.resources.find_path({"requests", "cpu"})->as_string() == "100m");
  CHECK(db.resources.find_path({"limits", "cpu"})->as_int() == 1);
  CHECK(db.resources.find_path({"limits", "ephemeral-storage"}) == nullptr);
  CHECK(db.rest_resources.find_path({"limits", "cpu"})->as_double() == 0.5);
}

TEST_CASE("a limit below its request is refused, equal and missing limits are fine", "[model]") {
  const auto parse_resources = [](const std::string& resources) {
    return parse_sqlite_database(load_one(std::string(kHeader) + "metadata: {name: db}\nspec:\n  resources: " +
                                          resources + "\n"));
  };
  CHECK(parse_resources("{requests: {cpu: 1}, limits: {cpu: 1000m}}").diagnostics.ok());
  CHECK(parse_resources("{requests: {cpu: 2}}").diagnostics.ok());
  CHECK(parse_resources("{requests: {memory: 1Gi}, limits: {memory: 1024Mi}}").diagnostics.ok());
  const ParseResult over = parse_resources("{requests: {cpu: 1001m}, limits: {cpu: 1}}");
  CHECK(has_error(over.diagnostics, "spec.resources.requests[cpu]", "less than or equal to the cpu limit"));
}

TEST_CASE("ReadWriteMany parses with a warning about SQLite's WAL", "[model]") {
  const ParseResult result = parse_sqlite_database(
      load_one(std::string(kHeader) +
               "metadata: {name: db}\nspec: {database: {storage: {accessMode: ReadWriteMany}}}\n"));
  REQUIRE(result.resource.has_value());
  CHECK(result.resource->database.storage.access_mode == "ReadWriteMany");
  REQUIRE(result.diagnostics.warnings.size() == 1);
  CHECK(result.diagnostics.warnings[0].field == "spec.database.storage.accessMode");
  CHECK_THAT(result.diagnostics.warnings[0].reason, Catch::Contains("WAL"));
}

TEST_CASE("retentionPolicy Delete and the other storage members", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata: {name: db}\n"
                                        "spec:\n"
                                        "  database:\n"
                                        "    initScriptKey: schema.sql\n"
                                        "    storage: {size: 10G, storageClass: fast, accessMode: ReadWriteOncePod, "
                                        "retentionPolicy: Delete}\n");
  CHECK(db.database.init_script_key == "schema.sql");
  CHECK(db.database.storage.size == "10G");
  CHECK(db.database.storage.storage_class == "fast");
  CHECK(db.database.storage.access_mode == "ReadWriteOncePod");
  CHECK(db.database.storage.retention_policy == RetentionPolicy::Delete);
}

TEST_CASE("ingress members parse", "[model]") {
  const SqliteDatabase db = parse_valid(std::string(kHeader) +
                                        "metadata: {name: db}\n"
                                        "spec:\n"
                                        "  ingress:\n"
                                        "    enabled: true\n"
                                        "    host: \"*.example.com\"\n"
                                        "    className: nginx\n"
                                        "    path: /api/\n"
                                        "    annotations: {nginx.ingress.kubernetes.io/ssl-redirect: \"true\"}\n"
                                        "    tls: {enabled: true, secretName: wildcard-tls}\n");
  CHECK(db.ingress.host == "*.example.com");
  CHECK(db.ingress.class_name == "nginx");
  CHECK(db.ingress.path == "/api/");
  CHECK(db.ingress.annotations.at("nginx.ingress.kubernetes.io/ssl-redirect") == "true");
  CHECK(db.ingress.tls.secret_name == "wildcard-tls");
}

TEST_CASE("type errors name the field, the expected and the actual type", "[model]") {
  const ParseResult result = parse_sqlite_database(load_one(std::string(kHeader) +
                                                            "metadata: {name: db}\n"
                                                            "spec:\n"
                                                            "  database: {name: 42, storage: [1Gi]}\n"
                                                            "  litestream: {enabled: \"true\", replicas: {a: b}}\n"
                                                            "  sqliteRest: {port: 8080.5, allowedTables: [t, 7]}\n"
                                                            "  ingress: {tls: true}\n"));
  const Diagnostics& d = result.diagnostics;
  INFO(describe(d));
  CHECK_FALSE(result.resource.has_value());
  // Every problem is reported, not only the first.
  CHECK(d.errors.size() == 7);
  CHECK(has_error(d, "spec.database.name", "must be a string, not an integer"));
  CHECK(has_error(d, "spec.database.storage", "must be an object, not a list"));
  CHECK(has_error(d, "spec.litestream.enabled", "must be a boolean (true or false), not a string"));
  CHECK(has_error(d, "spec.litestream.replicas", "must be a list, not an object"));
  CHECK(has_error(d, "spec.sqliteRest.port", "must be an integer, not a number"));
  CHECK(has_error(d, "spec.sqliteRest.allowedTables[1]", "must be a string, not an integer"));
  CHECK(has_error(d, "spec.ingress.tls", "must be an object, not a boolean"));
}

TEST_CASE("a manifest that is not an object is refused as a whole", "[model]") {
  const ParseResult result = parse_sqlite_database(Value("just a string"));
  REQUIRE(result.diagnostics.errors.size() == 1);
  CHECK(result.diagnostics.errors[0].field.empty());
  CHECK_FALSE(result.resource.has_value());
}

TEST_CASE("unknown fields are reported with the fields that are known there", "[model]") {
  const ParseResult result = parse_sqlite_database(
      load_one(std::string(kHeader) + "metadata: {name: db}\nspec: {database: {storage: {sise: 1Gi}}}\n"));
  REQUIRE(result.diagnostics.errors.size() == 1);
  CHECK(result.diagnostics.errors[0].field == "spec.database.storage.sise");
  CHECK_THAT(result.diagnostics.errors[0].reason, Catch::Contains("unknown field") && Catch::Contains("size"));
}

TEST_CASE("status is accepted and ignored", "[model]") {
  const SqliteDatabase db =
      parse_valid(std::string(kHeader) + "metadata: {name: db}\nstatus: {phase: Running, anything: 1}\n");
  CHECK(db.metadata.name == "db");
}
