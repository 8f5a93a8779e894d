// GCS has no local emulator, so the rendered pod is checked as far as Litestream goes without the network:
// Litestream 0.3.13 accepts the rendered `type: gcs` configuration, and the service-account file is mounted
// exactly where GOOGLE_APPLICATION_CREDENTIALS points.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/e2e_pod.hpp"
#include "tests/support/e2e_render.hpp"
#include "tests/support/e2e_workspace.hpp"

using namespace sqlop::testing;
namespace fs = std::filesystem;

namespace {

// A syntactically valid but fake service-account key (never sent anywhere).
const char* kServiceAccount =
    R"({"type": "service_account", "project_id": "e2e-project", "client_email": "backup@e2e-project.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDe2eFakeKeyOnly\n-----END PRIVATE KEY-----\n"})";

const char* kAnalytics = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: analytics, namespace: e2e}
spec:
  database: {name: events.db}
  litestream:
    metrics: {enabled: false}
    replicas:
    - {type: gcs, bucket: analytics-backups, path: warehouse/events, credentials: {secretName: gcp-backup-sa}}
---
apiVersion: v1
kind: Secret
metadata: {name: gcp-backup-sa, namespace: e2e}
stringData:
  service-account.json: '{{SERVICE_ACCOUNT}}'
)";

}  // namespace

TEST_CASE("gcs backend: Litestream 0.3.13 accepts the rendered config and finds the mounted key file", "[e2e][gcs]") {
  E2eWorkspace ws;
  const RenderedResource r = render_manifests(fill(kAnalytics, {{"SERVICE_ACCOUNT", kServiceAccount}}));
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  PlayedPod pod(ws, r);
  REQUIRE(pod.run_init("create-database").status.exited_zero());

  // The credentials file is where the env var says, with the Secret's content.
  const ContainerRun litestream = pod.simulator().container("litestream");
  REQUIRE(litestream.env.count("GOOGLE_APPLICATION_CREDENTIALS") == 1);
  const fs::path key_file = litestream.env.at("GOOGLE_APPLICATION_CREDENTIALS");
  CHECK(key_file.is_absolute());
  REQUIRE(fs::is_regular_file(key_file));
  CHECK(read_text_file(key_file) == kServiceAccount);
  // ... and the restore init container gets the same variable and file.
  const ContainerRun restore = pod.simulator().container("restore");
  REQUIRE(restore.env.count("GOOGLE_APPLICATION_CREDENTIALS") == 1);
  CHECK(read_text_file(restore.env.at("GOOGLE_APPLICATION_CREDENTIALS")) == kServiceAccount);
  CHECK(sqlop::json::dump(*r.container("restore").find("env")) == sqlop::json::dump(*r.container("litestream").find("env")));

  // Litestream loads the config, builds the gcs replica and lists the database with it.
  const CompletedProcess databases = pod.litestream({"databases", "-config", pod.config_file().string()}, "databases");
  INFO(databases.log);
  REQUIRE(databases.status.exited_zero());
  CHECK(databases.log.find(pod.database().string()) != std::string::npos);
  CHECK(databases.log.find("gcs") != std::string::npos);

  // Control: `databases` really checks replica types. The 0.5 spelling `gs` is unknown to 0.3.13.
  std::string config = read_text_file(pod.config_file());
  const std::size_t type_at = config.find("type: gcs");
  REQUIRE(type_at != std::string::npos);
  config.replace(type_at, 9, "type: gs");
  const fs::path gs_config = ws.dir("control") / "litestream-gs.yml";
  std::ofstream(gs_config) << config;
  const CompletedProcess refused = pod.litestream({"databases", "-config", gs_config.string()}, "databases-gs");
  INFO(refused.log);
  CHECK_FALSE(refused.status.exited_zero());
  CHECK(refused.log.find("unknown replica type") != std::string::npos);
}
