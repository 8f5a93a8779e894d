// Credentials reach Litestream only through the environment: the rendered litestream.yml and every
// container's command line carry ${VAR} references, never a Secret value, and every reference is defined in
// the containers that run Litestream. Litestream 0.3.13 itself accepts the config with every backend.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "tests/support/e2e_pod.hpp"
#include "tests/support/e2e_render.hpp"
#include "tests/support/e2e_workspace.hpp"

using namespace sqlop::testing;
using sqlop::json::Value;

namespace {

const char* kEveryBackend = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: vault, namespace: e2e}
spec:
  database: {name: vault.db}
  litestream:
    metrics: {enabled: false}
    replicas:
    - {type: s3, bucket: vault-one, region: us-east-1, credentials: {secretName: s3-one}}
    - {type: s3, bucket: vault-two, region: eu-west-1, credentials: {secretName: s3-two}}
    - {type: abs, bucket: vault-azure, path: vault, credentials: {secretName: azure}}
    - {type: gcs, bucket: vault-gcs, credentials: {secretName: gcp}}
    - {type: file, settings: {claimName: vault-local-backups}}
---
apiVersion: v1
kind: Secret
metadata: {name: s3-one, namespace: e2e}
stringData: {access-key: AKIAVAULTONE00000001, secret-key: s3-one-secret-value-do-not-leak-000000001}
---
apiVersion: v1
kind: Secret
metadata: {name: s3-two, namespace: e2e}
stringData: {access-key: AKIAVAULTTWO00000002, secret-key: s3-two-secret-value-do-not-leak-000000002}
---
apiVersion: v1
kind: Secret
metadata: {name: azure, namespace: e2e}
stringData:
  account-name: vaultaccount
  account-key: QXp1cmVLZXlUaGF0TXVzdE5vdExlYWtJbnRvVGhlUmVuZGVyZWRPdXRwdXQwMDAwMDAwMDAwMDAwMDA=
---
apiVersion: v1
kind: Secret
metadata: {name: gcp, namespace: e2e}
stringData:
  service-account.json: '{"type": "service_account", "client_email": "vault@e2e.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nZmFrZS1nY3Mta2V5LW5ldmVyLWxlYWs=\n-----END PRIVATE KEY-----\n"}'
)";

std::set<std::string> referenced_variables(const std::string& text) {
  std::set<std::string> names;
  const std::regex ref(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

std::string command_line(const Value& container) {
  std::string text;
  for (const char* list : {"command", "args"}) {
    if (const Value* items = container.find(list)) {
      for (const Value& a : items->as_array()) text += a.as_string() + "\n";
    }
  }
  return text;
}

}  // namespace

TEST_CASE("no Secret value reaches litestream.yml or a command line, and every referenced variable is defined", "[e2e][secrets]") {
  E2eWorkspace ws;
  const RenderedResource r = render_manifests(kEveryBackend);
  INFO(r.diagnostics());
  REQUIRE(r.ok());
  const std::string config = r.litestream_yml();

  for (const std::string& leak : leaked_secrets(r, config)) FAIL_CHECK("litestream.yml holds the value of " << leak);
  for (const char* name : {"restore", "create-database", "litestream"}) {
    const Value& c = r.container(name);
    for (const std::string& leak : leaked_secrets(r, command_line(c))) {
      FAIL_CHECK("container " << name << " command line holds the value of " << leak);
    }
    if (const Value* env = c.find("env")) {
      for (const Value& e : env->as_array()) {
        for (const std::string& leak : leaked_secrets(r, e.get_string("value"))) {
          FAIL_CHECK("container " << name << " env " << e.get_string("name") << " holds the value of " << leak);
        }
      }
    }
  }
  for (const Value& o : r.out.objects) {
    for (const std::string& leak : leaked_secrets(r, sqlop::json::dump(o))) {
      FAIL_CHECK(o.get_string("kind") << " holds the value of " << leak);
    }
  }

  // Each credential is a reference, each replica with its own variables...
  const std::set<std::string> refs = referenced_variables(config);
  CHECK(refs == std::set<std::string>{"LITESTREAM_REPLICA_0_ACCESS_KEY_ID", "LITESTREAM_REPLICA_0_SECRET_ACCESS_KEY",
                                      "LITESTREAM_REPLICA_1_ACCESS_KEY_ID", "LITESTREAM_REPLICA_1_SECRET_ACCESS_KEY",
                                      "LITESTREAM_REPLICA_2_ACCOUNT_NAME", "LITESTREAM_REPLICA_2_ACCOUNT_KEY"});
  // ... defined (from a Secret) in both containers that run Litestream: Litestream would silently expand an
  // undefined one to "".
  PlayedPod pod(ws, r);
  for (const char* name : {"restore", "litestream"}) {
    const ContainerRun run = pod.simulator().container(name);
    for (const std::string& var : refs) {
      INFO("container " << name << ", variable " << var);
      const auto it = run.env.find(var);
      CHECK(it != run.env.end());
      if (it != run.env.end()) CHECK_FALSE(it->second.empty());
    }
  }

  // The config as mounted into the pod is still free of values, and Litestream 0.3.13 accepts all five
  // replicas of it.
  for (const std::string& leak : leaked_secrets(r, read_text_file(pod.config_file()))) {
    FAIL_CHECK("the mounted litestream.yml holds the value of " << leak);
  }
  const CompletedProcess databases = pod.litestream({"databases", "-config", pod.config_file().string()}, "databases");
  INFO(databases.log);
  REQUIRE(databases.status.exited_zero());
  for (const char* replica : {"s3-0", "s3-1", "abs", "gcs", "file"}) {
    CHECK(databases.log.find(replica) != std::string::npos);
  }
  for (const std::string& leak : leaked_secrets(r, databases.log)) FAIL_CHECK("Litestream printed the value of " << leak);
}
