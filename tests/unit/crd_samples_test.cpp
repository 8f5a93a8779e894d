// crd/samples/*.yaml: every object validates strictly (SqliteDatabases against the CRD after defaulting,
// everything else against the Kubernetes documents), and every Secret, ConfigMap and PVC a SqliteDatabase
// names is in the same file with the keys it reads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "host/model/sqlite_database.hpp"
#include "openapi/builtin_schemas.hpp"
#include "openapi/manifest_files.hpp"
#include "openapi/object_validator.hpp"

namespace {

namespace json = sqlop::json;
namespace openapi = sqlop::openapi;

const char* const kSamplesDir = SQLOP_SOURCE_DIR "/crd/samples";
const char* const kCrdFile = SQLOP_SOURCE_DIR "/crd/bases/database.sqlite.io_sqlitedatabases.yaml";

const openapi::ObjectValidator& validator() {
  static const openapi::ObjectValidator instance = [] {
    openapi::ObjectValidator v(openapi::builtin_schemas());
    const openapi::ValidationErrors errors = v.add_crd(openapi::load_single_manifest(kCrdFile));
    if (!errors.empty()) throw std::runtime_error("the CRD is invalid:\n" + openapi::to_string(errors));
    return v;
  }();
  return instance;
}

std::vector<std::string> sample_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSamplesDir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<json::Value> objects_in(const std::string& name) {
  std::vector<json::Value> objects;
  for (sqlop::yaml::Document& d : openapi::load_manifest_file(std::string(kSamplesDir) + "/" + name)) {
    objects.push_back(std::move(d.value));
  }
  return objects;
}

const json::Value* find_object(const std::vector<json::Value>& objects, const std::string& kind, const std::string& name) {
  for (const json::Value& o : objects) {
    if (o.get_string("kind") == kind && o.find("metadata") && o.find("metadata")->get_string("name") == name) return &o;
  }
  return nullptr;
}

std::vector<const json::Value*> databases_in(const std::vector<json::Value>& objects) {
  std::vector<const json::Value*> out;
  for (const json::Value& o : objects) {
    if (o.get_string("kind") == sqlop::model::kKind) out.push_back(&o);
  }
  return out;
}

bool has_key(const json::Value& object, const std::string& key) {
  for (const char* map : {"data", "stringData", "binaryData"}) {
    if (const json::Value* m = object.find(map); m && m->find(key)) return true;
  }
  return false;
}

// Checks that `kind`/`name` is in the sample and, when `key` is not empty, that it holds `key`.
void check_reference(const std::vector<json::Value>& objects, const std::string& kind, const std::string& name,
                     const std::string& key) {
  INFO(kind << " " << name << " key " << key);
  const json::Value* target = find_object(objects, kind, name);
  REQUIRE(target != nullptr);
  if (!key.empty()) CHECK(has_key(*target, key));
}

void check_references(const std::vector<json::Value>& objects, const json::Value& db) {
  const json::Value& spec = *db.find("spec");
  if (const json::Value* init = spec.find_path({"database", "initScript"})) {
    const json::Value* database = spec.find("database");
    check_reference(objects, "ConfigMap", init->as_string(), database->get_string("initScriptKey", "init.sql"));
  }
  if (const json::Value* replicas = spec.find_path({"litestream", "replicas"})) {
    for (const json::Value& replica : replicas->as_array()) {
      if (const json::Value* credentials = replica.find("credentials")) {
        const std::string secret = credentials->get_string("secretName");
        check_reference(objects, "Secret", secret, credentials->get_string("accessKeyField"));
        check_reference(objects, "Secret", secret, credentials->get_string("secretKeyField"));
      }
      if (const json::Value* claim = replica.find_path({"settings", "claimName"})) {
        check_reference(objects, "PersistentVolumeClaim", claim->as_string(), "");
      }
    }
  }
  if (const json::Value* rest = spec.find("sqliteRest"); rest && rest->get_bool("enabled", false)) {
    check_reference(objects, "Secret", rest->get_string("authSecret"), rest->get_string("authSecretKey", "token"));
  }
  if (const json::Value* tls = spec.find_path({"ingress", "tls"}); tls && tls->get_bool("enabled", false)) {
    check_reference(objects, "Secret", tls->get_string("secretName"), "tls.crt");
    check_reference(objects, "Secret", tls->get_string("secretName"), "tls.key");
  }
}

}  // namespace

TEST_CASE("the expected samples exist", "[crd]") {
  std::set<std::string> names;
  for (const std::string& file : sample_files()) names.insert(std::filesystem::path(file).filename().string());
  for (const char* expected : {"s3.yaml", "s3-minio.yaml", "azure.yaml", "gcs.yaml", "file.yaml", "local.yaml",
                               "rest-api.yaml", "minimal.yaml", "multi-replica.yaml"}) {
    INFO(expected);
    CHECK(names.count(expected) == 1);
  }
}

TEST_CASE("every object in every sample validates strictly", "[crd]") {
  for (const std::string& file : sample_files()) {
    const std::vector<sqlop::yaml::Document> documents = openapi::load_manifest_file(file);
    CHECK_FALSE(documents.empty());
    for (const sqlop::yaml::Document& document : documents) {
      const openapi::ValidationErrors errors = validator().validate(document.value);
      INFO(file << ":" << document.line << "\n" << openapi::to_string(errors));
      CHECK(errors.empty());
    }
  }
}

TEST_CASE("every sample has a SqliteDatabase whose references are in the file", "[crd]") {
  for (const std::string& file : sample_files()) {
    INFO(file);
    const std::vector<json::Value> objects = objects_in(std::filesystem::path(file).filename().string());
    const std::vector<const json::Value*> databases = databases_in(objects);
    CHECK(databases.size() == 1);
    for (const json::Value* db : databases) check_references(objects, *db);
  }
}

TEST_CASE("a typo in a sample would be caught", "[crd]") {
  std::vector<json::Value> objects = objects_in("s3.yaml");
  const auto db = std::find_if(objects.begin(), objects.end(),
                               [](const json::Value& o) { return o.get_string("kind") == sqlop::model::kKind; });
  REQUIRE(db != objects.end());
  (*db)["spec"]["litestream"]["replicas"].as_array()[0]["bukcet"] = "x";
  const openapi::ValidationErrors errors = validator().validate(*db);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == "spec.litestream.replicas[0].bukcet");
}

TEST_CASE("each sample shows what its name says", "[crd]") {
  auto replicas_of = [](const std::string& name) {
    const std::vector<json::Value> objects = objects_in(name);
    return *databases_in(objects).at(0)->find_path({"spec", "litestream", "replicas"});
  };
  auto spec_of = [](const std::string& name) {
    const std::vector<json::Value> objects = objects_in(name);
    return *databases_in(objects).at(0)->find("spec");
  };

  const json::Array s3 = replicas_of("s3.yaml").as_array();
  REQUIRE(s3.size() == 1);
  CHECK(s3[0].get_string("type") == "s3");
  CHECK_FALSE(s3[0].get_string("region").empty());

  const json::Array minio = replicas_of("s3-minio.yaml").as_array();
  REQUIRE(minio.size() == 1);
  CHECK_THAT(minio[0].get_string("endpoint"), Catch::StartsWith("http"));
  CHECK(minio[0].find_path({"settings", "forcePathStyle"})->as_bool());

  CHECK(replicas_of("azure.yaml").as_array().at(0).get_string("type") == "azure");

  const json::Array gcs = replicas_of("gcs.yaml").as_array();
  CHECK(gcs.at(0).get_string("type") == "gcs");
  const std::vector<json::Value> gcs_objects = objects_in("gcs.yaml");
  const json::Value* key_secret = find_object(gcs_objects, "Secret", "gcs-credentials");
  REQUIRE(key_secret);
  const std::optional<json::Value> key = json::parse(key_secret->find_path({"stringData", "service-account.json"})->as_string());
  REQUIRE(key);  // a syntactically valid service-account JSON
  CHECK(key->get_string("type") == "service_account");
  CHECK_THAT(key->get_string("private_key"), Catch::StartsWith("-----BEGIN PRIVATE KEY-----\n"));
  CHECK_THAT(key->get_string("client_email"), Catch::EndsWith(".iam.gserviceaccount.com"));

  CHECK(replicas_of("file.yaml").as_array().at(0).get_string("type") == "file");
  CHECK(replicas_of("local.yaml").as_array().at(0).get_string("type") == "local");

  const json::Value rest = spec_of("rest-api.yaml");
  CHECK(rest.find_path({"sqliteRest", "enabled"})->as_bool());
  CHECK(rest.find_path({"sqliteRest", "authSecretKey"})->as_string() == "token");
  CHECK(rest.find_path({"sqliteRest", "allowedTables"})->as_array().size() >= 1);
  CHECK(rest.find_path({"ingress", "tls", "enabled"})->as_bool());
  CHECK(rest.find_path({"database", "initScriptKey"})->as_string() == "init.sql");

  const json::Array multi = replicas_of("multi-replica.yaml").as_array();
  REQUIRE(multi.size() == 3);
  CHECK(multi[0].get_string("type") == "s3");
  CHECK(multi[1].get_string("type") == "s3");
  CHECK(multi[2].get_string("type") == "file");
  CHECK(multi[0].find("credentials")->get_string("secretName") != multi[1].find("credentials")->get_string("secretName"));

  const std::vector<json::Value> minimal = objects_in("minimal.yaml");
  CHECK(minimal.size() == 1);
}

TEST_CASE("sample credentials are recognisable fakes", "[crd]") {
  const std::vector<json::Value> s3 = objects_in("s3.yaml");
  const json::Value* secret = find_object(s3, "Secret", "s3-credentials");
  REQUIRE(secret);
  CHECK(secret->find_path({"stringData", "access-key"})->as_string() == "AKIAEXAMPLE0000000000");
  for (const std::string& file : sample_files()) {
    for (const sqlop::yaml::Document& d : openapi::load_manifest_file(file)) {
      if (d.value.get_string("kind") != "Secret") continue;
      const std::string text = json::dump(d.value);
      INFO(file << " Secret " << d.value.find("metadata")->get_string("name"));
      const bool marked_fake = text.find("EXAMPLE") != std::string::npos || text.find("example") != std::string::npos ||
                               text.find("FAKE") != std::string::npos || text.find("RkFLRS") != std::string::npos;
      CHECK(marked_fake);
    }
  }
}
