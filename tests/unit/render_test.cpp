// The render path: which children exist, how they are wired, and that errors or unsafe plugin output
// produce no objects at all.
#include <catch2/catch.hpp>

#include "host/model/parse.hpp"
#include "host/render/render.hpp"
#include "host/yaml/yaml_json.hpp"
#include "sqlite_operator/base64.hpp"

using sqlop::json::Value;
namespace render = sqlop::render;

namespace {

const sqlop::plugins::Registry& registry() {
  static const sqlop::plugins::Registry r = sqlop::plugins::Registry::load(
      {SQLOP_PLUGIN_DIR, {{"echo", std::string(SQLOP_TEST_PLUGIN_DIR) + "/test-echo.so"}}});
  return r;
}

sqlop::model::SqliteDatabase resource(const std::string& yaml) {
  const auto docs = sqlop::yaml::load_all(yaml);
  REQUIRE(docs.ok());
  auto parsed = sqlop::model::parse_sqlite_database(docs.documents.at(0).value);
  for (const auto& e : parsed.diagnostics.errors) FAIL_CHECK(e.field << ": " << e.reason);
  REQUIRE(parsed.resource);
  return *parsed.resource;
}

Value secret(const std::string& name, std::initializer_list<std::pair<const char*, const char*>> data) {
  Value s = Value::object();
  s["apiVersion"] = "v1";
  s["kind"] = "Secret";
  s["metadata"]["name"] = name;
  for (const auto& [k, v] : data) s["data"][k] = sqlop::base64::encode(v);
  return s;
}

struct Rendered {
  render::RenderOutput out;
  const Value* find(const std::string& kind) const {
    for (const Value& o : out.objects) {
      if (o.get_string("kind") == kind) return &o;
    }
    return nullptr;
  }
  const Value& container(const std::string& name) const {
    for (const Value& c : find("Deployment")->find_path({"spec", "template", "spec", "containers"})->as_array()) {
      if (c.get_string("name") == name) return c;
    }
    FAIL("no container " << name);
    throw;
  }
  std::string litestream_yml() const { return find("ConfigMap")->find_path({"data", "litestream.yml"})->as_string(); }
  bool has_error(const std::string& field, const std::string& reason_part) const {
    for (const auto& e : out.diagnostics.errors) {
      if (e.field == field && e.reason.find(reason_part) != std::string::npos) return true;
    }
    return false;
  }
};

Rendered run(const sqlop::model::SqliteDatabase& db, const render::ReferencedObjects& refs = {},
             const std::string& litestream_image = "litestream/litestream:0.3.13") {
  sqlop::config::OperatorConfig config;
  config.images.litestream = litestream_image;
  return Rendered{render::render_children({db, config, registry(), refs})};
}

const char* kMinimal = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: db1, namespace: team-a, uid: 1111-2222}
spec:
  litestream:
    replicas:
    - type: s3
      bucket: backups-bucket
      credentials: {secretName: s3-creds}
)";

}  // namespace

TEST_CASE("a minimal resource renders PVC, ConfigMap and Deployment, in that order", "[render]") {
  const Rendered r = run(resource(kMinimal));
  REQUIRE(r.out.diagnostics.errors.empty());
  REQUIRE(r.out.objects.size() == 3);
  CHECK(r.out.objects[0].get_string("kind") == "PersistentVolumeClaim");
  CHECK(r.out.objects[1].get_string("kind") == "ConfigMap");
  CHECK(r.out.objects[2].get_string("kind") == "Deployment");
  CHECK(r.find("Service") == nullptr);
  CHECK(r.find("Ingress") == nullptr);
  const Value& dep = *r.find("Deployment");
  CHECK(dep.find_path({"metadata", "name"})->as_string() == "db1");
  CHECK(dep.find_path({"metadata", "namespace"})->as_string() == "team-a");
  CHECK(dep.find_path({"spec", "replicas"})->as_int() == 1);
  CHECK(dep.find_path({"spec", "strategy", "type"})->as_string() == "Recreate");
  CHECK(r.find("PersistentVolumeClaim")->find_path({"metadata", "name"})->as_string() == "db1-db-storage");
  CHECK(r.find("ConfigMap")->find_path({"metadata", "name"})->as_string() == "db1-litestream-config");
}

TEST_CASE("the PVC outlives the resource unless retentionPolicy is Delete, other children are owned", "[render]") {
  const Rendered retained = run(resource(kMinimal));
  CHECK(retained.find("PersistentVolumeClaim")->find_path({"metadata", "ownerReferences"}) == nullptr);
  const Value* owners = retained.find("Deployment")->find_path({"metadata", "ownerReferences"});
  REQUIRE(owners);
  CHECK(owners->as_array().at(0).get_string("uid") == "1111-2222");
  CHECK(owners->as_array().at(0).get_bool("controller", false));

  const Rendered deleted = run(resource(std::string(kMinimal) + "  database:\n    storage: {retentionPolicy: Delete}\n"));
  REQUIRE(deleted.out.diagnostics.errors.empty());
  CHECK(deleted.find("PersistentVolumeClaim")->find_path({"metadata", "ownerReferences"}));
}

TEST_CASE("the pod template restores, creates, replicates, credentials only by secretKeyRef", "[render]") {
  const Rendered r = run(resource(kMinimal));
  const Value& pod = *r.find("Deployment")->find_path({"spec", "template", "spec"});
  const auto& init = pod.find("initContainers")->as_array();
  REQUIRE(init.size() == 2);
  CHECK(init[0].get_string("name") == "restore");
  CHECK(sqlop::json::dump(*init[0].find("args")) ==
        R"(["restore","-if-db-not-exists","-if-replica-exists","-config","/etc/litestream/litestream.yml","/data/database.db"])");
  CHECK(init[1].get_string("name") == "create-database");
  const Value& litestream = r.container("litestream");
  for (const Value& env : litestream.find("env")->as_array()) {
    CHECK(env.find_path({"valueFrom", "secretKeyRef", "name"})->as_string() == "s3-creds");
    CHECK(env.find("value") == nullptr);
  }
  CHECK(pod.find_path({"securityContext", "runAsNonRoot"})->as_bool());
  CHECK(litestream.find_path({"securityContext", "readOnlyRootFilesystem"})->as_bool());
  CHECK(r.litestream_yml().find("access-key-id: ${LITESTREAM_REPLICA_0_ACCESS_KEY_ID}") != std::string::npos);
  const Value* hash = r.find("Deployment")->find_path(
      {"spec", "template", "metadata", "annotations", "database.sqlite.io/config-hash"});
  REQUIRE(hash);
  CHECK(hash->as_string() == r.out.config_hash);
  CHECK(hash->as_string().size() == 64);
}

TEST_CASE("the REST API adds its container, auth Secret mount, Service and Ingress", "[render]") {
  const std::string yaml = std::string(kMinimal) + R"(  sqliteRest:
    enabled: true
    authSecret: jwt
    allowedTables: [users, orders]
    metrics: {enabled: false}
  ingress:
    enabled: true
    host: db.example.com
    tls: {enabled: true, secretName: db-tls}
)";
  render::ReferencedObjects refs;
  refs.secrets["jwt"] = secret("jwt", {{"token", "0123456789abcdef0123456789abcdef-hmac"}});
  const Rendered r = run(resource(yaml), refs);
  REQUIRE(r.out.diagnostics.errors.empty());
  const Value& rest = r.container("sqlite-rest");
  const std::string args = sqlop::json::dump(*rest.find("args"));
  CHECK(args.find(R"("--auth-token-file","/etc/sqlite-rest/auth/token")") != std::string::npos);
  CHECK(args.find(R"("--security-allow-table","users,orders")") != std::string::npos);
  CHECK(args.find(R"("--metrics-addr","")") != std::string::npos);  // metrics disabled really disables them
  bool auth_volume = false;
  for (const Value& v : r.find("Deployment")->find_path({"spec", "template", "spec", "volumes"})->as_array()) {
    if (v.get_string("name") == "rest-auth") {
      auth_volume = true;
      CHECK(v.find_path({"secret", "secretName"})->as_string() == "jwt");
      CHECK(v.find_path({"secret", "items"})->as_array().at(0).get_string("key") == "token");
    }
  }
  CHECK(auth_volume);
  REQUIRE(r.find("Service"));
  REQUIRE(r.find("Ingress"));
  CHECK(r.find("Ingress")->find_path({"spec", "tls"})->as_array().at(0).get_string("secretName") == "db-tls");
  // No secret value anywhere in the output.
  for (const Value& o : r.out.objects) CHECK(sqlop::json::dump(o).find("0123456789abcdef") == std::string::npos);
}

TEST_CASE("Litestream 0.5 gets the single replica mapping and top-level snapshot settings", "[render]") {
  const std::string yaml = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: db5}
spec:
  litestream:
    replicas:
    - type: gcs
      bucket: my-gcs-bucket
      retention: 72h
)";
  const Rendered r = run(resource(yaml), {}, "litestream/litestream:0.5.16");
  REQUIRE(r.out.diagnostics.errors.empty());
  const auto config = sqlop::yaml::load_all(r.litestream_yml());
  REQUIRE(config.ok());
  const Value& db = config.documents.at(0).value.find("dbs")->as_array().at(0);
  CHECK(db.find("replicas") == nullptr);
  REQUIRE(db.find("replica"));
  CHECK(db.find("replica")->get_string("type") == "gs");
  CHECK(db.find("replica")->find("retention") == nullptr);
  CHECK(config.documents.at(0).value.find_path({"snapshot", "retention"})->as_string() == "72h");

  const Rendered r03 = run(resource(yaml));
  const auto config03 = sqlop::yaml::load_all(r03.litestream_yml());
  const Value& replica03 = config03.documents.at(0).value.find("dbs")->as_array().at(0).find("replicas")->as_array().at(0);
  CHECK(replica03.get_string("type") == "gcs");
  CHECK(replica03.get_string("retention") == "72h");
}

TEST_CASE("rendering is deterministic", "[render]") {
  const auto db = resource(kMinimal);
  const Rendered a = run(db);
  const Rendered b = run(db);
  REQUIRE(a.out.objects.size() == b.out.objects.size());
  for (std::size_t i = 0; i < a.out.objects.size(); ++i) {
    CHECK(sqlop::yaml::to_yaml(a.out.objects[i]) == sqlop::yaml::to_yaml(b.out.objects[i]));
  }
}

TEST_CASE("the config hash follows the Litestream config and the replica credentials", "[render]") {
  render::ReferencedObjects v1;
  v1.secrets["s3-creds"] = secret("s3-creds", {{"access-key", "AKIAONE"}, {"secret-key", "secretone"}});
  render::ReferencedObjects v2;
  v2.secrets["s3-creds"] = secret("s3-creds", {{"access-key", "AKIATWO"}, {"secret-key", "secrettwo"}});
  render::ReferencedObjects unrelated = v1;
  unrelated.secrets["other"] = secret("other", {{"k", "whatever-value"}});
  const auto db = resource(kMinimal);
  const std::string h1 = run(db, v1).out.config_hash;
  CHECK(run(db, v2).out.config_hash != h1);         // credentials rotated: the pod must restart
  CHECK(run(db, unrelated).out.config_hash == h1);  // an unrelated Secret changes nothing
  const auto changed = resource(std::string(kMinimal) + "      path: elsewhere\n");
  CHECK(run(changed, v1).out.config_hash != h1);
}

TEST_CASE("the config hash follows the REST API's HMAC key, which sqlite-rest reads only at start", "[render]") {
  const auto db = resource(std::string(kMinimal) + "  sqliteRest: {enabled: true, authSecret: jwt}\n");
  render::ReferencedObjects v1;
  v1.secrets["s3-creds"] = secret("s3-creds", {{"access-key", "AKIAONE"}, {"secret-key", "secretone"}});
  v1.secrets["jwt"] = secret("jwt", {{"token", "an-hmac-key-of-at-least-32-bytes-one"}});
  render::ReferencedObjects v2 = v1;
  v2.secrets["jwt"] = secret("jwt", {{"token", "an-hmac-key-of-at-least-32-bytes-two"}});
  const Rendered a = run(db, v1);
  REQUIRE_FALSE(a.out.objects.empty());
  CHECK(run(db, v2).out.config_hash != a.out.config_hash);
}

TEST_CASE("a missing Secret is an error when the inputs are complete, a warning otherwise", "[render]") {
  render::ReferencedObjects complete;
  complete.complete = true;
  const Rendered missing = run(resource(kMinimal), complete);
  CHECK(missing.out.objects.empty());
  CHECK(missing.has_error("spec.litestream.replicas[0].credentials.secretName", "Secret team-a/s3-creds not found"));

  const Rendered offline = run(resource(kMinimal));
  CHECK(offline.out.diagnostics.errors.empty());
  REQUIRE_FALSE(offline.out.diagnostics.warnings.empty());
  bool warned = false;
  for (const auto& w : offline.out.diagnostics.warnings) {
    warned = warned || w.reason.find("was not supplied") != std::string::npos;
  }
  CHECK(warned);
}

TEST_CASE("REST auth Secret and init script ConfigMap keys are checked when supplied", "[render]") {
  const std::string yaml = std::string(kMinimal) + R"(  database:
    initScript: schema
  sqliteRest: {enabled: true, authSecret: jwt}
)";
  render::ReferencedObjects refs;
  refs.secrets["jwt"] = secret("jwt", {{"not-token", "x"}});
  Value cm = Value::object();
  cm["metadata"]["name"] = "schema";
  cm["data"]["other.sql"] = "CREATE TABLE t(x);";
  refs.config_maps["schema"] = cm;
  const Rendered r = run(resource(yaml), refs);
  CHECK(r.out.objects.empty());
  CHECK(r.has_error("spec.sqliteRest.authSecretKey", "has no non-empty key \"token\""));
  CHECK(r.has_error("spec.database.initScriptKey", "ConfigMap team-a/schema has no key \"init.sql\""));
}

TEST_CASE("two s3 replicas with different Secrets get separate env names", "[render]") {
  const std::string yaml = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: two}
spec:
  litestream:
    replicas:
    - {type: s3, bucket: bucket-one, credentials: {secretName: one}}
    - {type: s3, bucket: bucket-two, credentials: {secretName: two}}
)";
  const Rendered r = run(resource(yaml));
  REQUIRE(r.out.diagnostics.errors.empty());
  const auto config = sqlop::yaml::load_all(r.litestream_yml());
  const auto& replicas = config.documents.at(0).value.find("dbs")->as_array().at(0).find("replicas")->as_array();
  REQUIRE(replicas.size() == 2);
  CHECK(replicas[0].get_string("name") == "s3-0");
  CHECK(replicas[1].get_string("name") == "s3-1");
  CHECK(replicas[0].get_string("access-key-id") == "${LITESTREAM_REPLICA_0_ACCESS_KEY_ID}");
  CHECK(replicas[1].get_string("access-key-id") == "${LITESTREAM_REPLICA_1_ACCESS_KEY_ID}");
  std::map<std::string, std::string> secret_of;
  for (const Value& env : r.container("litestream").find("env")->as_array()) {
    secret_of[env.get_string("name")] = env.find_path({"valueFrom", "secretKeyRef", "name"})->as_string();
  }
  CHECK(secret_of["LITESTREAM_REPLICA_0_ACCESS_KEY_ID"] == "one");
  CHECK(secret_of["LITESTREAM_REPLICA_1_ACCESS_KEY_ID"] == "two");
}

// The echo test plugin returns settings.render as its render output, so each case below is a plugin
// emitting something unsafe; the host must refuse it and render nothing.
TEST_CASE("unsafe plugin output is refused and nothing is rendered", "[render][plugin-output]") {
  struct Case {
    const char* render;
    const char* reason;
  };
  const Case cases[] = {
      {R"({"replica":{"path":"/x"}})", "no Litestream replica mapping with a `type`"},
      {R"({"replica":{"type":"file"},"env":[{"name":"AWS_SECRET","value":"x"}]})", "does not start with this replica's prefix"},
      {R"({"replica":{"type":"file"},"env":[{"name":"LITESTREAM_REPLICA_0_X","valueFrom":{"fieldRef":{"fieldPath":"x"}}}]})",
       "must be a plain value or a secretKeyRef"},
      {R"({"replica":{"type":"file"},"env":[{"name":"LITESTREAM_REPLICA_0_X","valueFrom":{"secretKeyRef":{"name":"someone-elses","key":"k"}}}]})",
       "references a Secret other than this replica's credentials.secretName"},
      {R"({"replica":{"type":"file"},"volumes":[{"name":"replica-0-host","hostPath":{"path":"/"}}]})",
       "uses source 'hostPath', which is not allowed"},
      {R"({"replica":{"type":"file"},"volumes":[{"name":"data","emptyDir":{}}]})", "does not start with this replica's prefix"},
      {R"({"replica":{"type":"file"},"volumes":[{"name":"replica-0-v","emptyDir":{}}],"volumeMounts":[{"name":"replica-0-v","mountPath":"/etc"}]})",
       "is outside this replica's mount root"},
      {R"({"replica":{"type":"file","path":"${LITESTREAM_REPLICA_0_TYPO}"}})", "references ${LITESTREAM_REPLICA_0_TYPO}"},
  };
  for (const Case& c : cases) {
    INFO(c.render);
    std::string yaml = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: echo}
spec:
  litestream:
    replicas:
    - type: echo
      credentials: {secretName: mine}
      settings:
        render: )";
    yaml += c.render;
    yaml += "\n";
    const Rendered r = run(resource(yaml));
    CHECK(r.out.objects.empty());
    CHECK(r.has_error("spec.litestream.replicas[0]", c.reason));
  }
}

TEST_CASE("a Secret value that a plugin leaks into the output is caught without being printed", "[render][plugin-output]") {
  // The echo plugin keeps the value it saw in validate and writes it into its render output.
  const std::string yaml = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: leak}
spec:
  litestream:
    replicas:
    - type: echo
      credentials: {secretName: mine}
      settings: {leakFromValidate: true}
)";
  render::ReferencedObjects refs;
  refs.secrets["mine"] = secret("mine", {{"secret-key", "hunter2-super-secret"}});
  const Rendered r = run(resource(yaml), refs);
  CHECK(r.out.objects.empty());
  REQUIRE(r.has_error("", "would contain the value of key \"secret-key\" of Secret mine"));
  for (const auto& e : r.out.diagnostics.errors) CHECK(e.reason.find("hunter2") == std::string::npos);
}

TEST_CASE("a Secret value the user also wrote in the spec is not a leak", "[render][plugin-output]") {
  // e.g. an Azure account name that appears in the endpoint URL the user wrote.
  const std::string yaml = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: public}
spec:
  litestream:
    replicas:
    - type: echo
      credentials: {secretName: mine}
      settings:
        render: {replica: {type: abs, endpoint: "http://127.0.0.1:10000/myaccountname"}}
)";
  render::ReferencedObjects refs;
  refs.secrets["mine"] = secret("mine", {{"account-name", "myaccountname"}});
  const Rendered r = run(resource(yaml), refs);
  CHECK(r.out.diagnostics.errors.empty());
  CHECK_FALSE(r.out.objects.empty());
}

TEST_CASE("plugin validation errors and plugin failures stop the render", "[render]") {
  const Rendered invalid = run(resource(R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: v}
spec:
  litestream:
    replicas:
    - type: echo
      settings: {failValidation: "bucket is wrong"}
)"));
  CHECK(invalid.out.objects.empty());
  CHECK(invalid.has_error("spec.litestream.replicas[0].settings.failValidation", "bucket is wrong"));

  const Rendered threw = run(resource(R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: t}
spec:
  litestream:
    replicas:
    - type: mirror
      settings: {throw: true}
)"));
  CHECK(threw.out.objects.empty());
  CHECK(threw.has_error("spec.litestream.replicas[0]", "validate threw on purpose"));
}
