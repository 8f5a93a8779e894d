// The rendered pod, played for real with Litestream 0.3.13 and the sqlite3 CLI, replicating to a `file`
// replica on its own volume: create -> replicate -> lose the database -> restore -> create leaves it alone.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/e2e_pod.hpp"
#include "tests/support/e2e_render.hpp"
#include "tests/support/e2e_workspace.hpp"

using namespace sqlop::testing;
namespace fs = std::filesystem;

namespace {

const char* kShop = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: shop, namespace: e2e}
spec:
  database: {name: app.db, initScript: schema}
  litestream:
    metrics: {port: {{METRICS_PORT}}}
    replicas:
    - {type: file, path: backups, syncInterval: 1s, settings: {claimName: backup-volume}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: schema, namespace: e2e}
data:
  init.sql: |
    {{INIT_SQL}}
)";

const char* kGoodSchema =
    "CREATE TABLE orders(id INTEGER PRIMARY KEY, item TEXT NOT NULL); INSERT INTO orders(item) VALUES ('seed');";

RenderedResource render_shop(const std::string& init_sql, int metrics_port = free_port()) {
  const RenderedResource r =
      render_manifests(fill(kShop, {{"METRICS_PORT", std::to_string(metrics_port)}, {"INIT_SQL", init_sql}}));
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  return r;
}

}  // namespace

TEST_CASE("file backend: the rendered pod creates, replicates and restores the database", "[e2e][file]") {
  E2eWorkspace ws;
  const int metrics_port = free_port();
  const RenderedResource r = render_shop(kGoodSchema, metrics_port);
  PlayedPod pod(ws, r);
  const fs::path db = pod.database();

  // First start of the pod: no backup yet, so restore does nothing; create-database runs the init SQL.
  const CompletedProcess first_restore = pod.run_init("restore");
  INFO(first_restore.log);
  REQUIRE(first_restore.status.exited_zero());
  REQUIRE_FALSE(fs::exists(db));
  const CompletedProcess create = pod.run_init("create-database");
  INFO(create.log);
  REQUIRE(create.status.exited_zero());
  REQUIRE(fs::exists(db));
  CHECK_FALSE(fs::exists(db.string() + ".sqlite-operator-init"));  // built aside, then renamed into place
  CHECK(query(ws, db, "SELECT item FROM orders;") == "seed");
  CHECK(query(ws, db, "PRAGMA journal_mode;") == "wal");

  // Litestream replicates what the application writes.
  const auto litestream = pod.start_litestream();
  const bool metrics_up = eventually(std::chrono::seconds(15), [&] {
    return http_get(metrics_port, "/metrics").find("litestream_db_size") != std::string::npos;
  });
  if (!metrics_up) UNSCOPED_INFO(litestream->describe());
  CHECK(metrics_up);  // the readiness/liveness probe target answers on the rendered port
  REQUIRE(ws.sql(db, "INSERT INTO orders(item) VALUES ('apple'), ('pear'), ('plum');").status.exited_zero());

  const fs::path copy = ws.dir("restored") / "copy.db";
  std::string last_restore_log;
  const bool replicated = eventually(std::chrono::seconds(30), [&] {
    const CompletedProcess p = pod.restore_copy(copy);
    last_restore_log = p.log;
    return p.status.exited_zero() && query(ws, copy, "SELECT count(*) FROM orders;") == "4";
  });
  if (!replicated) UNSCOPED_INFO(litestream->describe() << "\nlast restore:\n" << last_restore_log);
  REQUIRE(replicated);
  // The backup is on the backup volume, under the replica's path, not on the database volume.
  CHECK(fs::is_directory(pod.simulator().claim_dir("backup-volume") / "backups" / "generations"));

  const ExitStatus stopped = litestream->stop();
  INFO(litestream->describe());
  CHECK(stopped.exited_zero());  // SIGTERM is a clean shutdown

  // The database volume is lost; the next pod start restores it.
  pod.remove_database();
  REQUIRE_FALSE(fs::exists(db));
  const CompletedProcess restore = pod.run_init("restore");
  INFO(restore.log);
  REQUIRE(restore.status.exited_zero());
  REQUIRE(fs::exists(db));
  CHECK(query(ws, db, "SELECT group_concat(item, ',') FROM (SELECT item FROM orders ORDER BY id);") ==
        "seed,apple,pear,plum");

  // create-database leaves the restored database alone, and restore leaves an existing one alone.
  const CompletedProcess create_again = pod.run_init("create-database");
  INFO(create_again.log);
  CHECK(create_again.status.exited_zero());
  CHECK(create_again.log.find("exists, nothing to create") != std::string::npos);
  REQUIRE(ws.sql(db, "INSERT INTO orders(item) VALUES ('kept');").status.exited_zero());
  const CompletedProcess restore_again = pod.run_init("restore");
  INFO(restore_again.log);
  CHECK(restore_again.status.exited_zero());
  CHECK(query(ws, db, "SELECT count(*) FROM orders;") == "5");
}

TEST_CASE("file backend: with no backup at all, restore exits 0 and creates nothing", "[e2e][file]") {
  E2eWorkspace ws;
  const RenderedResource r = render_shop(kGoodSchema);
  PlayedPod pod(ws, r);
  const CompletedProcess restore = pod.run_init("restore");
  INFO(restore.log);
  CHECK(restore.status.exited_zero());
  CHECK_FALSE(fs::exists(pod.database()));
  CHECK(fs::is_empty(pod.database().parent_path()));  // no temporary or sidecar files either
}

TEST_CASE("file backend: a failing init SQL leaves no database, and the fixed script then creates it", "[e2e][file]") {
  E2eWorkspace ws;
  {
    const RenderedResource broken = render_shop("CREATE TABLE orders(id INTEGER PRIMARY KEY); INSERT INTO missing VALUES (1);");
    PlayedPod pod(ws, broken);
    const CompletedProcess create = pod.run_init("create-database");
    INFO(create.log);
    CHECK_FALSE(create.status.exited_zero());
    CHECK(create.log.find("no such table: missing") != std::string::npos);
    CHECK_FALSE(fs::exists(pod.database()));  // Kubernetes retries the pod: no half-initialised db is left
  }
  // The user fixes the ConfigMap; the retried init container (same volume) starts clean and succeeds.
  const RenderedResource fixed = render_shop(kGoodSchema);
  PlayedPod pod(ws, fixed);
  const CompletedProcess create = pod.run_init("create-database");
  INFO(create.log);
  REQUIRE(create.status.exited_zero());
  CHECK(query(ws, pod.database(), "SELECT item FROM orders;") == "seed");
  CHECK_FALSE(fs::exists(pod.database().string() + ".sqlite-operator-init"));
}
