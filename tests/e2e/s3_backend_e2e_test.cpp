// The rendered pod replicating to S3, played against s3rver with Litestream 0.3.13. s3rver cannot serve a
// restore (its delimiter listing is wrong for folders that hold only folders), so the tests read what
// arrived from s3rver's data directory, and restore from a copy of those objects to prove they hold the data.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/e2e_emulators.hpp"
#include "tests/support/e2e_pod.hpp"
#include "tests/support/e2e_render.hpp"
#include "tests/support/e2e_workspace.hpp"

using namespace sqlop::testing;
namespace fs = std::filesystem;

namespace {

bool has_key_like(const std::vector<std::string>& keys, const std::string& part, const std::string& suffix) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
    return k.find(part) != std::string::npos && k.size() >= suffix.size() &&
           k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0;
  });
}

// Litestream 0.3 keeps its position in <dir>/.<db>-litestream/generations/<id>: the generation it uploads.
std::string local_generation(const fs::path& db) {
  const fs::path generations = db.parent_path() / ("." + db.filename().string() + "-litestream") / "generations";
  if (!fs::is_directory(generations)) return {};
  for (const auto& entry : fs::directory_iterator(generations)) return entry.path().filename().string();
  return {};
}

// True once the store holds a snapshot and a WAL segment of `generation` under `prefix`.
bool uploaded(const S3rver& s3, const std::string& prefix, const std::string& generation) {
  if (generation.empty()) return false;
  const std::vector<std::string> keys = s3.object_keys(prefix);
  const std::string dir = prefix + "/generations/" + generation + "/";
  return has_key_like(keys, dir + "snapshots/", ".snapshot.lz4") && has_key_like(keys, dir + "wal/", ".wal.lz4");
}

// Restores from a copy of the uploaded objects and returns the query's rows.
std::string rows_in_upload(E2eWorkspace& ws, PlayedPod& pod, const S3rver& s3, const std::string& prefix,
                           const std::string& label, const std::string& sql) {
  const fs::path replica = ws.dir(label + "-replica-copy");
  copy_objects_as_file_replica(s3.bucket_dir(), s3.object_keys(prefix), prefix, replica);
  const fs::path out = ws.dir(label + "-restored") / "copy.db";
  const CompletedProcess p = pod.litestream({"restore", "-o", out.string(), "file://" + replica.string()}, label + "-restore");
  if (!p.status.exited_zero()) return "<restore failed: " + p.log + ">";
  return query(ws, out, sql);
}

const char* kInventory = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: inventory, namespace: e2e}
spec:
  database: {name: inventory.db}
  litestream:
    metrics: {port: {{METRICS_PORT}}}
    replicas:
    - type: s3
      bucket: inventory-backups
      path: prod/inventory
      region: us-east-1
      endpoint: {{ENDPOINT}}
      syncInterval: 1s
      credentials: {secretName: s3-credentials}
---
apiVersion: v1
kind: Secret
metadata: {name: s3-credentials, namespace: e2e}
stringData: {access-key: AKIAE2EINVENTORY0001, secret-key: e2e-inventory-secret-0000000000000000001}
)";

}  // namespace

TEST_CASE("s3 backend: Litestream uploads snapshot and WAL of the live generation to s3rver", "[e2e][s3]") {
  E2eWorkspace ws;
  S3rver s3(ws, "s3rver", "inventory-backups", {"AKIAE2EINVENTORY0001", "e2e-inventory-secret-0000000000000000001"});
  const RenderedResource r =
      render_manifests(fill(kInventory, {{"METRICS_PORT", std::to_string(free_port())}, {"ENDPOINT", s3.endpoint()}}));
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  PlayedPod pod(ws, r);
  REQUIRE(pod.run_init("create-database").status.exited_zero());
  REQUIRE(ws.sql(pod.database(), "CREATE TABLE stock(sku TEXT PRIMARY KEY, qty INTEGER);"
                                 "INSERT INTO stock VALUES ('bolt', 500), ('nut', 750);").status.exited_zero());

  const auto litestream = pod.start_litestream();
  const bool arrived = eventually(std::chrono::seconds(30), [&] {
    return uploaded(s3, "prod/inventory", local_generation(pod.database()));
  });
  if (!arrived) UNSCOPED_INFO(litestream->describe() << "\n" << s3.process().describe());
  REQUIRE(arrived);
  CHECK(litestream->stop().exited_zero());
  INFO(litestream->describe());
  CHECK(litestream->log().find("level=ERROR") == std::string::npos);
  for (const std::string& leak : leaked_secrets(r, litestream->log())) FAIL_CHECK("Litestream logged the value of " << leak);

  // What reached the store is the database.
  CHECK(rows_in_upload(ws, pod, s3, "prod/inventory", "s3", "SELECT sum(qty) FROM stock;") == "1250");
}

namespace {

const char* kTwoStores = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: orders, namespace: e2e}
spec:
  database: {name: orders.db}
  litestream:
    metrics: {port: {{METRICS_PORT}}}
    replicas:
    - {type: s3, bucket: primary-backups, path: orders, region: us-east-1, endpoint: {{ENDPOINT_0}},
       syncInterval: 1s, credentials: {secretName: primary-store}}
    - {type: s3, bucket: dr-backups, path: orders-dr, region: eu-west-1, endpoint: {{ENDPOINT_1}},
       syncInterval: 1s, credentials: {secretName: dr-store, accessKeyField: id, secretKeyField: secret}}
---
apiVersion: v1
kind: Secret
metadata: {name: primary-store, namespace: e2e}
stringData: {access-key: AKIAE2EPRIMARY000001, secret-key: e2e-primary-secret-00000000000000000001}
---
apiVersion: v1
kind: Secret
metadata: {name: dr-store, namespace: e2e}
stringData: {id: AKIAE2EDISASTER00002, secret: e2e-disaster-secret-0000000000000000002}
)";

const S3KeyPair kPrimaryKeys{"AKIAE2EPRIMARY000001", "e2e-primary-secret-00000000000000000001"};
const S3KeyPair kDrKeys{"AKIAE2EDISASTER00002", "e2e-disaster-secret-0000000000000000002"};

}  // namespace

TEST_CASE("s3 backend: two replicas with different credentials in one Litestream process", "[e2e][s3]") {
  E2eWorkspace ws;
  // Each server accepts only its own key pair (Signature V4 checked), so an upload proves which env vars
  // the replica signed with.
  S3rver primary(ws, "s3rver-primary", "primary-backups", kPrimaryKeys);
  S3rver dr(ws, "s3rver-dr", "dr-backups", kDrKeys);
  const RenderedResource r = render_manifests(fill(kTwoStores, {{"METRICS_PORT", std::to_string(free_port())},
                                                                {"ENDPOINT_0", primary.endpoint()},
                                                                {"ENDPOINT_1", dr.endpoint()}}));
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  PlayedPod pod(ws, r);
  REQUIRE(pod.run_init("create-database").status.exited_zero());
  REQUIRE(ws.sql(pod.database(), "CREATE TABLE orders(id INTEGER PRIMARY KEY, total INTEGER);"
                                 "INSERT INTO orders(total) VALUES (10), (20), (30);").status.exited_zero());

  const auto litestream = pod.start_litestream();
  const bool both = eventually(std::chrono::seconds(30), [&] {
    const std::string generation = local_generation(pod.database());
    return uploaded(primary, "orders", generation) && uploaded(dr, "orders-dr", generation);
  });
  if (!both) {
    UNSCOPED_INFO(litestream->describe() << "\n" << primary.process().describe() << "\n"
                                         << dr.process().describe());
  }
  REQUIRE(both);
  CHECK(litestream->stop().exited_zero());
  INFO(litestream->describe());
  CHECK(litestream->log().find("level=ERROR") == std::string::npos);
  CHECK(rows_in_upload(ws, pod, primary, "orders", "primary", "SELECT sum(total) FROM orders;") == "60");
  CHECK(rows_in_upload(ws, pod, dr, "orders-dr", "dr", "SELECT sum(total) FROM orders;") == "60");

  // Control: the servers check the secret too, not only the key id. Replica 1 listing its snapshots with
  // its own env is accepted; with the right key id but replica 0's secret it is refused.
  // (Litestream 0.3.13 `snapshots` logs such an error but exits 0, so the log is what tells.)
  const std::vector<std::string> list_dr = {"snapshots", "-config", pod.config_file().string(), "-replica", "s3-1",
                                            pod.database().string()};
  const CompletedProcess accepted = pod.litestream(list_dr, "litestream-own-keys");
  INFO(accepted.log);
  CHECK(accepted.log.find("SignatureDoesNotMatch") == std::string::npos);
  ContainerRun swapped = pod.simulator().container("litestream");
  swapped.env["LITESTREAM_REPLICA_1_SECRET_ACCESS_KEY"] = kPrimaryKeys.secret_access_key;
  std::vector<std::string> argv{swapped.argv.front()};
  argv.insert(argv.end(), list_dr.begin(), list_dr.end());
  const CompletedProcess refused = ws.run(argv, swapped.env, "litestream-swapped-secret");
  INFO(refused.log);
  CHECK(refused.log.find("signature does not match the registered secret") != std::string::npos);
}
