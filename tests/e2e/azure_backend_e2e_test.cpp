// The rendered pod replicating to Azure Blob Storage, played against Azurite with Litestream 0.3.13:
// replicate -> lose the database -> the rendered restore init container brings it back.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/e2e_emulators.hpp"
#include "tests/support/e2e_pod.hpp"
#include "tests/support/e2e_render.hpp"
#include "tests/support/e2e_workspace.hpp"

using namespace sqlop::testing;
namespace fs = std::filesystem;

namespace {

// The endpoint names the account, as every path-style Azure endpoint does (Azurite, Azure Stack).
const char* kLedger = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: ledger, namespace: e2e}
spec:
  litestream:
    metrics: {port: {{METRICS_PORT}}}
    replicas:
    - type: abs
      bucket: ledger-backups
      path: team-a/ledger
      endpoint: {{ENDPOINT}}
      syncInterval: 1s
      credentials: {secretName: azure-storage}
---
apiVersion: v1
kind: Secret
metadata: {name: azure-storage, namespace: e2e}
stringData:
  account-name: {{ACCOUNT}}
  account-key: {{KEY}}
)";

std::string ledger_yaml(const Azurite& azurite) {
  return fill(kLedger, {{"METRICS_PORT", std::to_string(free_port())},
                        {"ENDPOINT", azurite.endpoint()},
                        {"ACCOUNT", kAzuriteAccount},
                        {"KEY", kAzuriteAccountKey}});
}

}  // namespace

TEST_CASE("azure backend: replicate to Azurite, then the rendered restore brings the database back", "[e2e][azure]") {
  E2eWorkspace ws;
  Azurite azurite(ws);
  const std::string container_problem = azurite.create_container("ledger-backups");
  INFO(azurite.process().describe());
  REQUIRE(container_problem.empty());

  const RenderedResource r = render_manifests(ledger_yaml(azurite));
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  PlayedPod pod(ws, r);
  const fs::path db = pod.database();

  // Fresh pod: restore finds no backup (an empty container), create-database makes an empty database.
  const CompletedProcess first_restore = pod.run_init("restore");
  INFO(first_restore.log);
  REQUIRE(first_restore.status.exited_zero());
  REQUIRE_FALSE(fs::exists(db));
  REQUIRE(pod.run_init("create-database").status.exited_zero());
  REQUIRE(ws.sql(db, "CREATE TABLE entries(id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);"
                     "INSERT INTO entries(amount) VALUES (100), (-40), (15);").status.exited_zero());

  const auto litestream = pod.start_litestream();
  const fs::path copy = ws.dir("restored") / "copy.db";
  std::string last_restore_log;
  const bool replicated = eventually(std::chrono::seconds(30), [&] {
    const CompletedProcess p = pod.restore_copy(copy);
    last_restore_log = p.log;
    return p.status.exited_zero() && query(ws, copy, "SELECT sum(amount) FROM entries;") == "75";
  });
  if (!replicated) UNSCOPED_INFO(litestream->describe() << "\nlast restore:\n" << last_restore_log);
  REQUIRE(replicated);
  const ExitStatus stopped = litestream->stop();
  INFO(litestream->describe());
  CHECK(stopped.exited_zero());
  for (const std::string& leak : leaked_secrets(r, litestream->log(), {"account-name"})) {
    FAIL_CHECK("Litestream logged the value of " << leak);
  }

  pod.remove_database();
  const CompletedProcess restore = pod.run_init("restore");
  INFO(restore.log);
  REQUIRE(restore.status.exited_zero());
  REQUIRE(fs::exists(db));
  CHECK(query(ws, db, "SELECT count(*), sum(amount) FROM entries;") == "3|75");
}

// With the Secret supplied (as the controller always does), the endpoint contains the Secret's account-name
// value; the user wrote it in the spec, so the renderer's leak check must not refuse it.
TEST_CASE("azure backend: an Azurite endpoint naming the account renders with the Secret supplied", "[e2e][azure]") {
  const std::string yaml = fill(kLedger, {{"METRICS_PORT", "9090"},
                                          {"ENDPOINT", "http://127.0.0.1:10000/devstoreaccount1"},
                                          {"ACCOUNT", kAzuriteAccount},
                                          {"KEY", kAzuriteAccountKey}});
  const RenderedResource r = render_manifests(yaml);
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  const std::string config = r.litestream_yml();
  CHECK(config.find("account-key: ${LITESTREAM_REPLICA_0_ACCOUNT_KEY}") != std::string::npos);
  CHECK(config.find(kAzuriteAccountKey) == std::string::npos);
}
