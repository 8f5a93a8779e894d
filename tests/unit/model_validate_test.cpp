// validate_sqlite_database: the cross-field rules that are not errors (warnings, and the combinations that
// must pass). The errors themselves are in model_invalid_catalogue_test.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "host/model/parse.hpp"
#include "host/model/validate.hpp"
#include "host/yaml/yaml_json.hpp"

using namespace sqlop::model;

namespace {

SqliteDatabase parse_spec(const std::string& spec, const std::string& name = "db") {
  const auto loaded = sqlop::yaml::load_all("apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\n"
                                            "metadata: {name: " + name + "}\nspec: " + spec + "\n");
  REQUIRE(loaded.ok());
  const ParseResult parsed = parse_sqlite_database(loaded.documents.at(0).value);
  for (const auto& e : parsed.diagnostics.errors) UNSCOPED_INFO(e.field << ": " << e.reason);
  REQUIRE(parsed.resource.has_value());
  return *parsed.resource;
}

Diagnostics validate(const SqliteDatabase& db, LitestreamFormat format = LitestreamFormat::V0_3) {
  ValidationContext context;
  context.litestream_format = format;
  Diagnostics out;
  validate_sqlite_database(db, context, out);
  return out;
}

std::string describe(const Diagnostics& d) {
  std::string text;
  for (const auto& e : d.errors) text += "error " + e.field + ": " + e.reason + "\n";
  for (const auto& w : d.warnings) text += "warning " + w.field + ": " + w.reason + "\n";
  return text;
}

const char* const kRestOn = "sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [users]}";

}  // namespace

TEST_CASE("neither Litestream nor the REST API: a warning that nothing is backed up", "[model]") {
  const Diagnostics d = validate(parse_spec("{litestream: {enabled: false}}"));
  INFO(describe(d));
  CHECK(d.errors.empty());
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].field == "spec.litestream.enabled");
  CHECK_THAT(d.warnings[0].reason, Catch::Contains("only the volume is managed") && Catch::Contains("backed up"));
}

TEST_CASE("the REST API alone is valid without replicas and without the warning", "[model]") {
  const Diagnostics d = validate(parse_spec(std::string("{litestream: {enabled: false}, ") + kRestOn + "}"));
  INFO(describe(d));
  CHECK(d.errors.empty());
  CHECK(d.warnings.empty());
}

TEST_CASE("an empty allowedTables list is a warning: sqlite-rest then exposes nothing", "[model]") {
  const Diagnostics d = validate(
      parse_spec("{litestream: {replicas: [{type: s3}]}, sqliteRest: {enabled: true, authSecret: jwt}}"));
  INFO(describe(d));
  CHECK(d.errors.empty());
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].field == "spec.sqliteRest.allowedTables");
}

TEST_CASE("the authSecret error tells the user which Secret key to create", "[model]") {
  const Diagnostics d = validate(parse_spec(
      "{litestream: {enabled: false}, sqliteRest: {enabled: true, authSecretKey: hmac, allowedTables: [t]}}"));
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].field == "spec.sqliteRest.authSecret");
  CHECK_THAT(d.errors[0].reason, Catch::Contains("refuses to start") && Catch::Contains("\"hmac\""));
}

TEST_CASE("ports collide only when their containers or endpoints are enabled", "[model]") {
  // The REST API is off: its port may equal Litestream's metrics port.
  CHECK(validate(parse_spec("{litestream: {replicas: [{type: s3}]}, sqliteRest: {port: 9090}}")).ok());
  // Litestream metrics off: the REST API may use 9090.
  CHECK(validate(parse_spec(std::string("{litestream: {replicas: [{type: s3}], metrics: {enabled: false}}, ") +
                            "sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t], port: 9090}}"))
            .ok());
  // REST metrics off: the metrics port may equal the REST port.
  CHECK(validate(parse_spec(std::string("{litestream: {enabled: false}, ") +
                            "sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t], "
                            "metrics: {enabled: false, port: 8080}}}"))
            .ok());
  // Litestream off: its metrics port does not count.
  CHECK(validate(parse_spec("{litestream: {enabled: false, metrics: {port: 8080}}, " + std::string(kRestOn) + "}"))
            .ok());
}

TEST_CASE("Litestream 0.3 takes several replicas, 0.5 exactly one", "[model]") {
  const SqliteDatabase two = parse_spec("{litestream: {replicas: [{type: s3}, {type: file, path: /b}]}}");
  CHECK(validate(two, LitestreamFormat::V0_3).ok());
  CHECK_FALSE(validate(two, LitestreamFormat::V0_5).ok());
  CHECK(validate(parse_spec("{litestream: {replicas: [{type: s3}]}}"), LitestreamFormat::V0_5).ok());
}

TEST_CASE("replica rules apply only while Litestream is enabled", "[model]") {
  const SqliteDatabase db = parse_spec(
      "{litestream: {enabled: false, replicas: [{type: ftp, name: a}, {type: ftp, name: a}]}, " +
      std::string(kRestOn) + "}");
  ValidationContext context;
  context.litestream_format = LitestreamFormat::V0_5;
  context.has_backend = [](const std::string&) { return false; };
  Diagnostics d;
  validate_sqlite_database(db, context, d);
  INFO(describe(d));
  CHECK(d.ok());
}

TEST_CASE("without a has_backend function every replica type is accepted", "[model]") {
  CHECK(validate(parse_spec("{litestream: {replicas: [{type: anything-new}]}}")).ok());
}

TEST_CASE("has_backend is asked with the lower-cased type", "[model]") {
  const SqliteDatabase db = parse_spec("{litestream: {replicas: [{type: Local, path: /b}]}}");
  std::string asked;
  ValidationContext context;
  context.has_backend = [&](const std::string& type) {
    asked = type;
    return true;
  };
  Diagnostics d;
  validate_sqlite_database(db, context, d);
  CHECK(d.ok());
  CHECK(asked == "local");
}

TEST_CASE("with the REST API a 55-character name is the longest that fits <name>-service", "[model]") {
  const std::string rest_only = "{litestream: {enabled: false}, " + std::string(kRestOn) + "}";
  CHECK(validate(parse_spec(rest_only, std::string(55, 'a'))).ok());
  CHECK_FALSE(validate(parse_spec(rest_only, std::string(56, 'a'))).ok());
  // Without the REST API no Service is made, so the name only has to be a valid resource name.
  CHECK(validate(parse_spec("{litestream: {replicas: [{type: s3}]}}", std::string(63, 'a'))).ok());
  CHECK(validate(parse_spec("{litestream: {replicas: [{type: s3}]}}", "1db")).ok());
}

TEST_CASE("an enabled Ingress with the REST API, a host and TLS is valid", "[model]") {
  const Diagnostics d = validate(
      parse_spec("{litestream: {replicas: [{type: s3}]}, " + std::string(kRestOn) +
                 ", ingress: {enabled: true, host: api.example.com, tls: {enabled: true, secretName: api-tls}}}"));
  INFO(describe(d));
  CHECK(d.ok());
  CHECK(d.warnings.empty());
}

TEST_CASE("validation reports every cross-field problem at once", "[model]") {
  const Diagnostics d = validate(parse_spec(
      "{litestream: {replicas: []}, sqliteRest: {enabled: true, port: 9090, allowedTables: [t]}, "
      "ingress: {enabled: true, tls: {enabled: true}}}"));
  INFO(describe(d));
  CHECK(d.errors.size() == 5);  // replicas, authSecret, port, ingress host, tls secretName
}
