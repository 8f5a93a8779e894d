// End-to-end: the real `sqlite-operator run` binary against the real kube-testserver (issue 4, "How we will
// know"). Every sample of crd/samples converges and its children pass the official schemas; invalid specs
// and missing Secrets are reported on the status without writing a Deployment; spec changes, Secret
// rotation and hand edits are followed; deletion honours the retention policy; a converged operator writes
// nothing through a resync; --namespace confines it; no Secret value reaches an Event, a child, the status or
// the log.
//
// The test cases share one plain-HTTP server (operator_harness.hpp): each works in a namespace of its own
// with an operator confined to it. The test server runs no kubelet, so the tests report Deployments
// available and PVCs bound themselves through /status.
#include <catch2/catch.hpp>

#include <thread>

#include "openapi/builtin_schemas.hpp"
#include "openapi/object_validator.hpp"
#include "operator_harness.hpp"

namespace rt = sqlop::runtime_testing;
namespace json = sqlop::json;
namespace kube = sqlop::kube;
namespace types = sqlop::kube::types;
using json::Value;
using namespace std::chrono_literals;

namespace {


Value the_database(const std::vector<Value>& docs) {
  const std::vector<Value> dbs = rt::of_kind(docs, "SqliteDatabase");
  REQUIRE(dbs.size() == 1);
  return dbs.front();
}

// The strict validator: the official Kubernetes 1.35 documents plus the SqliteDatabase CRD.
const sqlop::openapi::ObjectValidator& validator() {
  static const sqlop::openapi::ObjectValidator v = [] {
    sqlop::openapi::ObjectValidator out(sqlop::openapi::builtin_schemas());
    const auto errors = out.add_crd(rt::read_manifests("crd/bases/database.sqlite.io_sqlitedatabases.yaml").front());
    if (!errors.empty()) throw std::runtime_error("CRD: " + sqlop::openapi::to_string(errors));
    return out;
  }();
  return v;
}

// What every child of `db` must carry: the official schema, labels, the applied-hash annotation and a
// controller ownerReference to the database (the PVC only with retentionPolicy Delete).
void check_child(const Value& child, const Value& db) {
  const std::string what = child.get_string("kind") + " " + rt::name_of(child);
  INFO(what);
  CHECK(sqlop::openapi::to_string(validator().validate(child)) == "");
  const Value* labels = child.find_path({"metadata", "labels"});
  REQUIRE(labels);
  CHECK(labels->get_string("app.kubernetes.io/managed-by") == "sqlite-operator");
  CHECK(labels->get_string("app.kubernetes.io/instance") == rt::name_of(db));
  CHECK_FALSE(labels->get_string("app.kubernetes.io/name").empty());
  CHECK_FALSE(labels->get_string("app.kubernetes.io/component").empty());
  CHECK_FALSE(rt::annotation(child, "database.sqlite.io/applied-hash").empty());
  const Value* owners = child.find_path({"metadata", "ownerReferences"});
  const Value* policy = db.find_path({"spec", "database", "storage", "retentionPolicy"});
  if (child.get_string("kind") == "PersistentVolumeClaim" && !(policy && policy->as_string() == "Delete")) {
    CHECK(owners == nullptr);  // retained data must not be garbage-collected with the database
    return;
  }
  REQUIRE(owners);
  REQUIRE(owners->as_array().size() == 1);
  CHECK(owners->as_array()[0].get_string("uid") == db.find_path({"metadata", "uid"})->as_string());
  CHECK(owners->as_array()[0].get_bool("controller", false));
}

std::vector<Value> events_about(const kube::Client& client, const std::string& ns, const std::string& name,
                                const std::string& reason = {}) {
  std::vector<Value> out;
  for (Value& e : rt::list_in(client, types::events(), ns)) {
    const Value* involved = e.find("involvedObject");
    if (!involved || involved->get_string("name") != name || involved->get_string("kind") != "SqliteDatabase") continue;
    if (!reason.empty() && e.get_string("reason") != reason) continue;
    out.push_back(std::move(e));
  }
  return out;
}

bool has_event(const kube::Client& client, const std::string& ns, const std::string& name, const std::string& reason,
               const std::string& type) {
  for (const Value& e : events_about(client, ns, name, reason)) {
    if (e.get_string("type") == type) return true;
  }
  return false;
}

std::string uid_of(const Value& object) { return object.find_path({"metadata", "uid"})->as_string(); }

void merge_patch(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                 const std::string& name, const std::string& body) {
  const auto patched = client.patch(type, ns, name, kube::PatchType::Merge, body);
  INFO(type.kind << " " << name << ": " << (patched.error ? patched.error->to_string() : std::string()));
  REQUIRE(patched.ok());
}

void json_patch(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                const std::string& name, const std::string& body) {
  const auto patched = client.patch(type, ns, name, kube::PatchType::Json, body);
  INFO(type.kind << " " << name << ": " << (patched.error ? patched.error->to_string() : std::string()));
  REQUIRE(patched.ok());
}

std::string first_image(const Value& deployment) {
  return deployment.find_path({"spec", "template", "spec", "containers"})->as_array()[0].get_string("image");
}

}  // namespace

TEST_CASE("every sample converges: children pass the official schemas, status follows the Deployment and PVC, "
          "and no Secret value reaches an Event, child, status or the log",
          "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-samples");
  std::vector<Value> all;
  for (const std::string& s : rt::sample_names()) {
    const std::vector<Value> docs = rt::sample(s);
    rt::create_all_in(client, ns, docs);
    all.insert(all.end(), docs.begin(), docs.end());
  }
  rt::OperatorRun op(rt::operator_in(cluster, ns));

  const std::vector<Value> databases = rt::of_kind(all, "SqliteDatabase");
  REQUIRE(databases.size() == rt::sample_names().size());
  for (const Value& spec : databases) {
    const std::string name = rt::name_of(spec);
    INFO("sample database " << name);
    const Value db = rt::wait_until_waiting_for_deployment(client, ns, name);
    CHECK(validator().validate(db).empty());
    CHECK(rt::condition_field(db, "ReplicationConfigured", "status") == "True");
    CHECK(rt::condition_field(db, "ReplicationConfigured", "reason") == "Configured");
    CHECK(rt::condition_field(db, "StorageBound", "reason") == "Pending");
    CHECK(db.find_path({"status", "pvcName"})->as_string() == name + "-db-storage");
    const Value* db_file = spec.find_path({"spec", "database", "name"});
    CHECK(db.find_path({"status", "databasePath"})->as_string() ==
          "/data/" + (db_file ? db_file->as_string() : std::string("database.db")));

    std::vector<Value> children = {rt::get_required(client, types::persistent_volume_claims(), ns, name + "-db-storage"),
                                   rt::get_required(client, types::config_maps(), ns, name + "-litestream-config"),
                                   rt::get_required(client, types::deployments(), ns, name)};
    CHECK_FALSE(rt::config_hash(children.back()).empty());
    const bool rest = name == "shop";
    if (rest) {
      children.push_back(rt::get_required(client, types::services(), ns, "shop-service"));
      children.push_back(rt::get_required(client, types::ingresses(), ns, "shop-ingress"));
      CHECK(db.find_path({"status", "endpoints", "rest"})->as_string() == "http://shop-service." + ns + ".svc:8080");
    } else {
      CHECK(rt::absent(client, types::services(), ns, name + "-service"));
      CHECK(rt::absent(client, types::ingresses(), ns, name + "-ingress"));
    }
    for (const Value& child : children) check_child(child, db);

    // The test plays kubelet and volume binder: the operator follows the children's status.
    rt::mark_deployment_available(client, ns, name);
    rt::mark_pvc_bound(client, ns, name + "-db-storage");
  }
  for (const Value& spec : databases) {
    const std::string name = rt::name_of(spec);
    const Value db = rt::wait_for_database(
        client, ns, name,
        [](const Value& d) {
          return rt::phase_of(d) == "Running" && rt::condition_field(d, "Ready", "reason") == "Available" &&
                 rt::condition_field(d, "StorageBound", "status") == "True";
        },
        "phase Running, Ready=True Available, StorageBound=True");
    CHECK(rt::condition_field(db, "Ready", "status") == "True");
    CHECK(rt::condition_field(db, "StorageBound", "reason") == "Bound");
    CHECK(rt::observed_current(db));
    CHECK(validator().validate(db).empty());
    CHECK(rt::eventually([&] { return has_event(client, ns, name, "Reconciled", "Normal"); }));
  }

  // No Secret value anywhere the operator writes or logs.
  const std::vector<std::string> secrets = rt::secret_values(all);
  REQUIRE(secrets.size() >= 8);
  std::vector<std::pair<std::string, std::string>> texts = {{"operator log", op.log()}};
  for (const auto* type : {&types::events(), &types::config_maps(), &types::deployments(), &types::services(),
                           &types::ingresses(), &types::sqlite_databases(), &types::persistent_volume_claims()}) {
    for (const Value& object : rt::list_in(client, *type, ns)) {
      texts.emplace_back(type->kind + " " + rt::name_of(object), json::dump(object));
    }
  }
  for (const auto& [where, text] : texts) {
    for (std::size_t i = 0; i < secrets.size(); ++i) {
      INFO(where << " must not contain the value of Secret entry #" << i);
      CHECK(text.find(secrets[i]) == std::string::npos);
    }
  }
}

TEST_CASE("an invalid spec is refused on the status naming the field, no Deployment is written, and fixing it "
          "converges",
          "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-invalid");
  Value unknown_type = rt::s3_database("unknown-type");
  unknown_type["spec"]["litestream"]["replicas"].as_array()[0]["type"] = "nosuchbackend";
  rt::create_in(client, ns, unknown_type);
  rt::create_in(client, ns, rt::s3_database("bad-bucket", "Not_A_Valid_Bucket"));  // the CRD admits it, s3 does not
  rt::OperatorRun op(rt::operator_in(cluster, ns));

  const std::map<std::string, std::string> field_at_fault = {
      {"unknown-type", "spec.litestream.replicas[0].type"}, {"bad-bucket", "spec.litestream.replicas[0].bucket"}};
  for (const auto& [name, field] : field_at_fault) {
    INFO(name);
    const Value db = rt::wait_for_ready_reason(client, ns, name, "InvalidSpec");
    CHECK(rt::phase_of(db) == "Failed");
    CHECK(rt::condition_field(db, "Ready", "status") == "False");
    CHECK(rt::condition_field(db, "Ready", "message").find(field) != std::string::npos);
    CHECK(db.find_path({"status", "message"})->as_string().find(field) != std::string::npos);
    CHECK(rt::condition_field(db, "ReplicationConfigured", "status") == "False");
    CHECK(rt::has_operator_finalizer(db));
    CHECK(rt::absent(client, types::deployments(), ns, name));
    CHECK(rt::absent(client, types::config_maps(), ns, name + "-litestream-config"));
    CHECK(rt::eventually([&] { return has_event(client, ns, name, "InvalidSpec", "Warning"); }));
  }

  merge_patch(client, types::sqlite_databases(), ns, "bad-bucket",
              R"({"spec":{"litestream":{"replicas":[{"type":"s3","bucket":"a-valid-bucket","region":"us-east-1"}]}}})");
  rt::wait_until_waiting_for_deployment(client, ns, "bad-bucket");
  CHECK_FALSE(rt::absent(client, types::deployments(), ns, "bad-bucket"));
  CHECK(rt::absent(client, types::deployments(), ns, "unknown-type"));
}

TEST_CASE("a missing Secret is reported by name, and creating it converges", "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-secret");
  const std::vector<Value> docs = rt::sample("s3");
  rt::create_in(client, ns, the_database(docs));
  rt::OperatorRun op(rt::operator_in(cluster, ns));

  const Value db = rt::wait_for_ready_reason(client, ns, "orders", "ReferenceNotFound");
  CHECK(rt::condition_field(db, "Ready", "message").find("s3-credentials") != std::string::npos);
  CHECK(rt::condition_field(db, "Ready", "message").find("spec.litestream.replicas[0].credentials.secretName") !=
        std::string::npos);
  CHECK(rt::phase_of(db) == "Failed");
  CHECK(rt::absent(client, types::deployments(), ns, "orders"));
  CHECK(rt::eventually([&] { return has_event(client, ns, "orders", "ReferenceNotFound", "Warning"); }));

  for (const Value& secret : rt::of_kind(docs, "Secret")) rt::create_in(client, ns, secret);
  rt::wait_until_waiting_for_deployment(client, ns, "orders");
  CHECK_FALSE(rt::absent(client, types::deployments(), ns, "orders"));
}

TEST_CASE("Secrets of types that are never credentials (Helm releases) are not cached: naming one is a missing "
          "Secret, and an Opaque one of the same name converges",
          "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-secret-type");
  const std::vector<Value> docs = rt::sample("s3");
  const std::vector<Value> secrets = rt::of_kind(docs, "Secret");
  REQUIRE(secrets.size() == 1);
  Value helm_typed = secrets.front();
  helm_typed["type"] = "helm.sh/release.v1";
  rt::create_in(client, ns, helm_typed);
  rt::create_in(client, ns, the_database(docs));
  rt::OperatorRun op(rt::operator_in(cluster, ns));

  const Value db = rt::wait_for_ready_reason(client, ns, "orders", "ReferenceNotFound");
  CHECK(rt::condition_field(db, "Ready", "message").find("s3-credentials") != std::string::npos);
  CHECK(rt::absent(client, types::deployments(), ns, "orders"));

  REQUIRE_FALSE(client.remove(types::secrets(), ns, rt::name_of(helm_typed)));
  rt::create_in(client, ns, secrets.front());
  rt::wait_until_waiting_for_deployment(client, ns, "orders");
  CHECK_FALSE(rt::absent(client, types::deployments(), ns, "orders"));
}

TEST_CASE("a spec change updates the children and the config hash, and a Secret rotation changes the hash",
          "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-change");
  rt::create_all_in(client, ns, rt::sample("s3"));
  rt::OperatorRun op(rt::operator_in(cluster, ns));
  rt::wait_until_waiting_for_deployment(client, ns, "orders");
  const Value config_before = rt::get_required(client, types::config_maps(), ns, "orders-litestream-config");
  const std::string hash_before = rt::config_hash(rt::get_required(client, types::deployments(), ns, "orders"));
  REQUIRE(rt::litestream_yml(config_before).find("orders-archive") == std::string::npos);

  json_patch(client, types::sqlite_databases(), ns, "orders",
             R"([{"op":"replace","path":"/spec/litestream/replicas/0/path","value":"orders-archive"}])");
  rt::wait_for_object(client, types::config_maps(), ns, "orders-litestream-config", [](const Value& cm) {
    return rt::litestream_yml(cm).find("orders-archive") != std::string::npos;
  }, "the new replica path in litestream.yml");
  const Value changed = rt::wait_for_object(client, types::deployments(), ns, "orders", [&](const Value& d) {
    return rt::config_hash(d) != hash_before;
  }, "a new config hash after the spec change");
  rt::wait_until_waiting_for_deployment(client, ns, "orders");
  const std::string hash_after_change = rt::config_hash(changed);

  merge_patch(client, types::secrets(), ns, "s3-credentials",
              R"({"stringData":{"secret-key":"rotated/secret/value/0000000000000000"}})");
  const Value rotated = rt::wait_for_object(client, types::deployments(), ns, "orders", [&](const Value& d) {
    return rt::config_hash(d) != hash_after_change;
  }, "a new config hash after the Secret rotation");
  CHECK(rt::config_hash(rotated) != hash_before);
  CHECK(json::dump(rotated).find("rotated/secret/value") == std::string::npos);
  CHECK(rt::litestream_yml(rt::get_required(client, types::config_maps(), ns, "orders-litestream-config"))
            .find("rotated/secret/value") == std::string::npos);
}

TEST_CASE("children deleted or edited by hand are restored", "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-drift");
  rt::create_all_in(client, ns, rt::sample("rest-api"));
  rt::OperatorRun op(rt::operator_in(cluster, ns));
  rt::wait_until_waiting_for_deployment(client, ns, "shop");
  const Value config_map = rt::get_required(client, types::config_maps(), ns, "shop-litestream-config");
  const Value deployment = rt::get_required(client, types::deployments(), ns, "shop");
  const Value service = rt::get_required(client, types::services(), ns, "shop-service");

  SECTION("deleted") {
    for (const auto& [type, name, original] :
         {std::make_tuple(&types::config_maps(), "shop-litestream-config", config_map),
          std::make_tuple(&types::deployments(), "shop", deployment),
          std::make_tuple(&types::services(), "shop-service", service)}) {
      INFO(type->kind << " " << name);
      REQUIRE_FALSE(client.remove(*type, ns, name));
      const Value recreated = rt::wait_for_object(client, *type, ns, name, [&](const Value& o) {
        return uid_of(o) != uid_of(original);
      }, "recreated");
      check_child(recreated, rt::get_required(client, types::sqlite_databases(), ns, "shop"));
    }
  }
  SECTION("edited") {
    merge_patch(client, types::config_maps(), ns, "shop-litestream-config", R"({"data":{"litestream.yml":"dbs: []\n"}})");
    rt::wait_for_object(client, types::config_maps(), ns, "shop-litestream-config", [&](const Value& cm) {
      return rt::litestream_yml(cm) == rt::litestream_yml(config_map);
    }, "litestream.yml restored");

    json_patch(client, types::deployments(), ns, "shop",
               R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"example.com/evil:1"}])");
    rt::wait_for_object(client, types::deployments(), ns, "shop", [&](const Value& d) {
      return first_image(d) == first_image(deployment);
    }, "the image restored");

    // A field the operator owns (a key somebody else adds to the selector is theirs, as with kubectl apply).
    merge_patch(client, types::services(), ns, "shop-service",
                R"({"spec":{"selector":{"app.kubernetes.io/instance":"somebody-else"}}})");
    rt::wait_for_object(client, types::services(), ns, "shop-service", [&](const Value& s) {
      return json::dump(*s.find_path({"spec", "selector"})) == json::dump(*service.find_path({"spec", "selector"}));
    }, "the selector restored");
  }
}

TEST_CASE("disabling the REST API deletes its Service and Ingress", "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-rest");
  rt::create_all_in(client, ns, rt::sample("rest-api"));
  rt::OperatorRun op(rt::operator_in(cluster, ns));
  rt::wait_until_waiting_for_deployment(client, ns, "shop");
  REQUIRE_FALSE(rt::absent(client, types::services(), ns, "shop-service"));
  REQUIRE_FALSE(rt::absent(client, types::ingresses(), ns, "shop-ingress"));

  merge_patch(client, types::sqlite_databases(), ns, "shop",
              R"({"spec":{"sqliteRest":{"enabled":false},"ingress":{"enabled":false}}})");
  rt::wait_until_absent(client, types::services(), ns, "shop-service");
  rt::wait_until_absent(client, types::ingresses(), ns, "shop-ingress");
  const Value db = rt::wait_until_waiting_for_deployment(client, ns, "shop");
  CHECK(db.find_path({"status", "endpoints"}) == nullptr);
  CHECK_FALSE(rt::absent(client, types::deployments(), ns, "shop"));  // Litestream still runs
}

TEST_CASE("a deleted SqliteDatabase loses its children, and its PVC is retained by default and deleted with "
          "retentionPolicy Delete",
          "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-delete");
  rt::create_in(client, ns, rt::s3_database("keep"));
  Value drop = rt::s3_database("drop");
  drop["spec"]["database"]["storage"]["retentionPolicy"] = "Delete";
  rt::create_in(client, ns, drop);
  rt::OperatorRun op(rt::operator_in(cluster, ns));
  const std::string keep_uid = uid_of(rt::wait_until_waiting_for_deployment(client, ns, "keep"));
  rt::wait_until_waiting_for_deployment(client, ns, "drop");

  for (const char* name : {"keep", "drop"}) REQUIRE_FALSE(client.remove(types::sqlite_databases(), ns, name));
  for (const std::string name : {"keep", "drop"}) {
    INFO(name);
    rt::wait_until_absent(client, types::sqlite_databases(), ns, name);
    rt::wait_until_absent(client, types::deployments(), ns, name);
    rt::wait_until_absent(client, types::config_maps(), ns, name + "-litestream-config");
  }
  rt::wait_until_absent(client, types::persistent_volume_claims(), ns, "drop-db-storage");
  // Retained, and no longer owned: the garbage collector has had its chance at the owner's children above.
  const Value kept = rt::get_required(client, types::persistent_volume_claims(), ns, "keep-db-storage");
  CHECK(json::dump(kept).find(keep_uid) == std::string::npos);
  CHECK(has_event(client, ns, "keep", "StorageRetained", "Normal"));
  CHECK(has_event(client, ns, "drop", "StorageDeleted", "Normal"));
}

TEST_CASE("a converged operator writes nothing over a quiet minute with resyncs", "[operator][e2e][steady]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string ns = rt::create_namespace(client, "e2e-steady");
  std::vector<Value> databases;
  for (const std::string& s : rt::sample_names()) {
    const std::vector<Value> docs = rt::sample(s);
    rt::create_all_in(client, ns, docs);
    databases.push_back(the_database(docs));
  }
  rt::OperatorOptions options = rt::operator_in(cluster, ns);
  options.sync_period = "20s";
  rt::OperatorRun op(options);
  for (const Value& db : databases) {
    const std::string name = rt::name_of(db);
    rt::wait_until_waiting_for_deployment(client, ns, name);
    rt::mark_deployment_available(client, ns, name);
    rt::mark_pvc_bound(client, ns, name + "-db-storage");
  }
  for (const Value& db : databases) {
    rt::wait_for_database(client, ns, rt::name_of(db), [](const Value& d) {
      return rt::phase_of(d) == "Running" && rt::condition_field(d, "StorageBound", "status") == "True";
    }, "Running and StorageBound");
  }

  rt::reset_request_counts(client);
  const int reconciled_before = op.reconciled_lines();
  // The issue's quiet minute: long enough for two resyncs, each of which reconciles every database again.
  std::this_thread::sleep_for(60s);
  INFO(op.describe());
  CHECK(op.reconciled_lines() >= reconciled_before + 2 * static_cast<int>(databases.size()));
  const auto writes = rt::writes_in(rt::request_counts(client));
  INFO("write requests during the quiet period: " << rt::describe_counts(writes));
  CHECK(writes.empty());
}

TEST_CASE("the --namespace flag confines the operator to one namespace", "[operator][e2e]") {
  rt::TestCluster& cluster = rt::shared_cluster();
  const kube::Client& client = cluster.client();
  const std::string mine = rt::create_namespace(client, "e2e-mine");
  const std::string other = rt::create_namespace(client, "e2e-other");
  rt::create_in(client, other, rt::s3_database("elsewhere"));
  rt::create_in(client, mine, rt::s3_database("here"));
  rt::OperatorRun op(rt::operator_in(cluster, mine));
  rt::wait_until_waiting_for_deployment(client, mine, "here");

  const Value untouched = rt::get_required(client, types::sqlite_databases(), other, "elsewhere");
  CHECK_FALSE(rt::has_operator_finalizer(untouched));
  CHECK(untouched.find("status") == nullptr);
  CHECK(rt::absent(client, types::deployments(), other, "elsewhere"));
  CHECK(rt::absent(client, types::persistent_volume_claims(), other, "elsewhere-db-storage"));
  CHECK(op.reconciled_lines(other + "/elsewhere") == 0);
  CHECK(op.reconciled_lines(mine + "/here") > 0);
}
