// kubeconfig parsing, kubectl's loading order, in-cluster config and the exec-credential protocol.
// Secret-looking values in the fixtures contain "SENTINEL"; no error message may ever contain it.
#include "host/kube/kubeconfig.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "../support/scratch_dir.hpp"
#include "sqlite_operator/json.hpp"

using sqlop::kube::ClientConfigLoad;
using sqlop::kube::ConfigError;
using sqlop::kube::KubeconfigLoad;
using sqlop::kube::LoadingRules;
using sqlop::testing::ScratchDir;

namespace {

const std::string kFixtures = SQLOP_SOURCE_DIR "/tests/fixtures/kubeconfig";
const std::string kFakeCa = "-----BEGIN CERTIFICATE-----\nfake-ca-for-tests\n-----END CERTIFICATE-----\n";
const std::string kFakeCert = "-----BEGIN CERTIFICATE-----\nfake-client-cert\n-----END CERTIFICATE-----\n";
const std::string kFakeKey = "fake-client-key-material-KEY-SENTINEL\n";

std::string fixture(const std::string& name) { return kFixtures + "/" + name; }

ClientConfigLoad resolve_file(const std::string& path, const std::string& context = "") {
  const KubeconfigLoad load = sqlop::kube::load_kubeconfig_file(path);
  if (!load.config) return {std::nullopt, load.error};
  return sqlop::kube::resolve_client_config(*load.config, context);
}

// Resolves an inline document; relative paths resolve against `dir`.
ClientConfigLoad resolve_text(const std::string& yaml, const std::string& context = "",
                              const std::string& dir = "/cfg") {
  const KubeconfigLoad load = sqlop::kube::parse_kubeconfig(yaml, "inline.yaml", dir);
  if (!load.config) return {std::nullopt, load.error};
  return sqlop::kube::resolve_client_config(*load.config, context);
}

ConfigError error_of(const ClientConfigLoad& load) {
  REQUIRE_FALSE(load.config);
  REQUIRE(load.error);
  CHECK(load.error->message().find("SENTINEL") == std::string::npos);
  return *load.error;
}

std::string with_cluster_and_user(const std::string& cluster_fields, const std::string& user_fields) {
  return "current-context: x\n"
         "clusters:\n- name: c\n  cluster:\n" +
         cluster_fields + "users:\n- name: u\n  user:\n" + user_fields +
         "contexts:\n- name: x\n  context: {cluster: c, user: u}\n";
}

const std::string kServer = "    server: https://127.0.0.1:6443\n";

}  // namespace

// --- parsing and resolving one file -------------------------------------------------------------------

TEST_CASE("kubeconfig: current context with a bearer token and inline CA", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_file(fixture("token.yaml"));
  REQUIRE(load.config);
  const auto& c = *load.config;
  CHECK(c.server == "https://dev.example.test:6443");
  CHECK(c.ca_pem == kFakeCa);
  CHECK(c.tls_server_name == "kubernetes.default");
  CHECK_FALSE(c.insecure_skip_tls_verify);
  CHECK(c.bearer_token == "TOKEN-SENTINEL-dev");
  CHECK(c.bearer_token_file.empty());
  CHECK(c.client_certificate_pem.empty());
  CHECK(c.namespace_name == "team-a");
  CHECK(c.context == "dev");
  CHECK(c.source == fixture("token.yaml"));
}

TEST_CASE("kubeconfig: --context overrides current-context", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_file(fixture("token.yaml"), "prod");
  REQUIRE(load.config);
  const auto& c = *load.config;
  CHECK(c.server == "https://prod.example.test:443");  // a bare host:port gets https://
  CHECK(c.insecure_skip_tls_verify);
  CHECK(c.ca_pem.empty());
  CHECK(c.bearer_token.empty());
  CHECK(c.client_certificate_pem == kFakeCert);
  CHECK(c.client_key_pem == kFakeKey);
  CHECK(c.namespace_name == "default");  // the context sets none
  CHECK(c.context == "prod");
}

TEST_CASE("kubeconfig: a context without a user is anonymous", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_file(fixture("token.yaml"), "anonymous");
  REQUIRE(load.config);
  CHECK(load.config->bearer_token.empty());
  CHECK(load.config->client_key_pem.empty());
  CHECK_FALSE(load.config->exec);
}

TEST_CASE("kubeconfig: file paths resolve against the kubeconfig's directory and are read", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_file(fixture("files.yaml"));
  REQUIRE(load.config);
  const auto& c = *load.config;
  CHECK(c.ca_pem == kFakeCa);
  CHECK(c.client_certificate_pem == kFakeCert);
  CHECK(c.client_key_pem == kFakeKey);
  CHECK(c.bearer_token == "TOKEN-SENTINEL-from-file");  // trailing newline trimmed
  CHECK(c.bearer_token_file == fixture("certs/token"));
}

TEST_CASE("kubeconfig: parsed paths are absolute, even for a relative kubeconfig path", "[kubeconfig]") {
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(kFixtures);
  const KubeconfigLoad load = sqlop::kube::load_kubeconfig_file("files.yaml");
  std::filesystem::current_path(previous);
  REQUIRE(load.config);
  REQUIRE(load.config->clusters.size() == 1);
  CHECK(load.config->clusters[0].value.certificate_authority == fixture("certs/ca.crt"));
  CHECK(load.config->users[0].value.client_key == fixture("certs/client.key"));
  CHECK(load.config->users[0].value.token_file == fixture("certs/token"));
}

TEST_CASE("kubeconfig: absolute paths are kept as they are", "[kubeconfig]") {
  const KubeconfigLoad load = sqlop::kube::parse_kubeconfig(
      "clusters:\n- name: c\n  cluster: {server: https://h, certificate-authority: /etc/ca.crt}\n", "f", "/cfg");
  REQUIRE(load.config);
  CHECK(load.config->clusters[0].value.certificate_authority == "/etc/ca.crt");
}

TEST_CASE("kubeconfig: exec plugin settings", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_file(fixture("exec.yaml"));
  REQUIRE(load.config);
  REQUIRE(load.config->exec);
  const auto& exec = *load.config->exec;
  CHECK(exec.command == fixture("bin/get-token"));  // contains '/': relative to the kubeconfig
  CHECK(exec.args == std::vector<std::string>{"--audience", "sqlite-operator"});
  REQUIRE(exec.env.size() == 2);
  CHECK(exec.env[0] == std::pair<std::string, std::string>{"PLUGIN_MODE", "test"});
  CHECK(exec.env[1] == std::pair<std::string, std::string>{"EMPTY", ""});
  CHECK(exec.api_version == "client.authentication.k8s.io/v1");
  CHECK(exec.interactive_mode == "Never");
  CHECK(exec.provide_cluster_info);
  CHECK(exec.install_hint == "install get-token from the test fixtures");
}

TEST_CASE("kubeconfig: a bare exec command stays a $PATH lookup, v1beta1 defaults interactiveMode", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_file(fixture("exec.yaml"), "path");
  REQUIRE(load.config);
  REQUIRE(load.config->exec);
  CHECK(load.config->exec->command == "kubelogin");
  CHECK(load.config->exec->interactive_mode == "IfAvailable");
  CHECK_FALSE(load.config->exec->provide_cluster_info);
}

TEST_CASE("kubeconfig: an empty file is an empty config", "[kubeconfig]") {
  const KubeconfigLoad load = sqlop::kube::parse_kubeconfig("", "empty.yaml", "/");
  REQUIRE(load.config);
  CHECK(load.config->contexts.empty());
  const ConfigError e = error_of(sqlop::kube::resolve_client_config(*load.config, ""));
  CHECK(e.field == "current-context");
  CHECK(e.reason == "not set, and no --context was given");
}

TEST_CASE("kubeconfig: unknown fields are ignored, as kubectl does", "[kubeconfig]") {
  const ClientConfigLoad load =
      resolve_text(with_cluster_and_user(kServer + "    proxy-url: http://proxy\n    extensions: []\n",
                                         "    token: t\n    as: someone\n") +
                   "preferences: {colors: true}\nextensions: []\n");
  REQUIRE(load.config);
  CHECK(load.config->bearer_token == "t");
}

// --- errors name the file and the field, never the secret -----------------------------------------------

TEST_CASE("kubeconfig error: bad base64 names file and field, not the value", "[kubeconfig]") {
  const std::string path = fixture("bad-key-data.yaml");
  const KubeconfigLoad load = sqlop::kube::load_kubeconfig_file(path);
  REQUIRE_FALSE(load.config);
  REQUIRE(load.error);
  CHECK(load.error->file == path);
  CHECK(load.error->field == "users[0].user.client-key-data");
  CHECK(load.error->reason == "not valid base64");
  CHECK(load.error->message() == path + ": users[0].user.client-key-data: not valid base64");
  CHECK(load.error->message().find("SENTINEL") == std::string::npos);
}

TEST_CASE("kubeconfig error: base64 split over lines is accepted (Go skips line breaks)", "[kubeconfig]") {
  const ClientConfigLoad load = resolve_text(with_cluster_and_user(
      kServer +
          "    certificate-authority-data: |\n      LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmZha2UtY2EtZm9yLXRlc3RzCi0t\n"
          "      LS0tRU5EIENFUlRJRklDQVRFLS0tLS0K\n",
      "    token: t\n"));
  REQUIRE(load.config);
  CHECK(load.config->ca_pem == kFakeCa);
}

TEST_CASE("kubeconfig error: wrongly typed fields", "[kubeconfig]") {
  CHECK(error_of(
            resolve_text(with_cluster_and_user(kServer + "    insecure-skip-tls-verify: \"yes\"\n", "    token: t\n")))
            .message() == "inline.yaml: clusters[0].cluster.insecure-skip-tls-verify: must be true or false");
  CHECK(error_of(resolve_text(with_cluster_and_user("    server: 6443\n", "    token: t\n"))).field ==
        "clusters[0].cluster.server");
  CHECK(error_of(resolve_text("clusters: {}\n")).message() == "inline.yaml: clusters: must be a list");
  CHECK(error_of(resolve_text("users:\n- name: u\n  user: [1]\n")).field == "users[0].user");
  CHECK(error_of(resolve_text("current-context: [a]\n")).field == "current-context");
  CHECK(error_of(resolve_text("contexts:\n- context: {cluster: c}\n")).field == "contexts[0].name");
  CHECK(error_of(resolve_text("- just\n- a list\n")).reason == "must be a mapping (a kubeconfig)");
}

TEST_CASE("kubeconfig error: invalid YAML and several documents", "[kubeconfig]") {
  const ConfigError e = error_of(resolve_text("clusters: [\n"));
  CHECK(e.file == "inline.yaml");
  CHECK(e.reason.rfind("not valid YAML: line", 0) == 0);
  CHECK(error_of(resolve_text("a: 1\n---\nb: 2\n")).reason == "holds more than one YAML document");
}

TEST_CASE("kubeconfig error: a name listed twice in one file", "[kubeconfig]") {
  const ConfigError e =
      error_of(resolve_text("users:\n- name: u\n  user: {token: a}\n- name: u\n  user: {token: b}\n"));
  CHECK(e.field == "users[1].name");
  CHECK(e.reason == "duplicate name \"u\"");
}

TEST_CASE("kubeconfig error: missing context, cluster, user, server", "[kubeconfig]") {
  const std::string path = fixture("token.yaml");
  ConfigError e = error_of(resolve_file(path, "nope"));
  CHECK(e.message() == path + ": no context named \"nope\" (from --context)");

  e = error_of(resolve_text("current-context: gone\n"));
  CHECK(e.message() == "inline.yaml: current-context: no context named \"gone\"");

  e = error_of(resolve_text("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"));
  CHECK(e.message() == "inline.yaml: contexts[0].context.cluster: no cluster named \"c\"");

  e = error_of(resolve_text("current-context: x\ncontexts:\n- name: x\n  context: {user: u}\n"));
  CHECK(e.message() == "inline.yaml: contexts[0].context.cluster: required");

  e =
      error_of(resolve_text("current-context: x\nclusters:\n- name: c\n  cluster: {server: https://h}\n"
                            "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"));
  CHECK(e.message() == "inline.yaml: contexts[0].context.user: no user named \"u\"");

  e = error_of(resolve_text(with_cluster_and_user("    tls-server-name: x\n", "    token: t\n")));
  CHECK(e.message() == "inline.yaml: clusters[0].cluster.server: required");

  e = error_of(resolve_text(with_cluster_and_user("    server: ftp://h\n", "    token: t\n")));
  CHECK(e.field == "clusters[0].cluster.server");
}

TEST_CASE("kubeconfig error: conflicting or incomplete TLS material", "[kubeconfig]") {
  const std::string cert_data = "    client-certificate-data: Y2VydA==\n";
  const std::string key_data = "    client-key-data: S0VZLVNFTlRJTkVM\n";  // "KEY-SENTINEL"
  const std::string token = "    token: TOKEN-SENTINEL\n";

  ConfigError e = error_of(resolve_text(with_cluster_and_user(kServer, token + cert_data)));
  CHECK(e.message() == "inline.yaml: users[0].user.client-key: required with a client certificate");

  e = error_of(resolve_text(with_cluster_and_user(kServer, token + key_data)));
  CHECK(e.field == "users[0].user.client-certificate");

  e = error_of(resolve_text(with_cluster_and_user(kServer, cert_data + key_data + "    client-key: k.pem\n")));
  CHECK(e.field == "users[0].user.client-key");
  CHECK(e.reason == "set together with client-key-data; keep one");

  e = error_of(resolve_text(with_cluster_and_user(kServer, cert_data + key_data + "    client-certificate: c.pem\n")));
  CHECK(e.field == "users[0].user.client-certificate");

  e = error_of(resolve_text(with_cluster_and_user(
      kServer + "    insecure-skip-tls-verify: true\n    certificate-authority: ca.pem\n", token)));
  CHECK(e.field == "clusters[0].cluster.insecure-skip-tls-verify");
}

TEST_CASE("kubeconfig error: unreadable files name the field and the path", "[kubeconfig]") {
  ConfigError e = error_of(
      resolve_text(with_cluster_and_user(kServer + "    certificate-authority: nowhere/ca.crt\n", "    token: t\n")));
  CHECK(e.field == "clusters[0].cluster.certificate-authority");
  CHECK(e.reason == "cannot read /cfg/nowhere/ca.crt: No such file or directory");

  e = error_of(resolve_text(with_cluster_and_user(kServer, "    tokenFile: /nonexistent/token\n")));
  CHECK(e.field == "users[0].user.tokenFile");

  e = error_of(resolve_text(
      with_cluster_and_user(kServer, "    client-certificate: /nonexistent/c\n    client-key: /nonexistent/k\n")));
  CHECK(e.field == "users[0].user.client-certificate");

  e = error_of(resolve_file("/nonexistent/kubeconfig"));
  CHECK(e.message() == "/nonexistent/kubeconfig: cannot read /nonexistent/kubeconfig: No such file or directory");
}

TEST_CASE("kubeconfig error: unsupported auth methods are refused only for the user in use", "[kubeconfig]") {
  const std::string doc = with_cluster_and_user(kServer, "    username: admin\n    password: PASSWORD-SENTINEL\n");
  const ConfigError e = error_of(resolve_text(doc));
  CHECK(e.field == "users[0].user.username");
  // The same user in the file but not used by the context: no error.
  const std::string unused = doc + "- name: other\n  context: {cluster: c}\n";
  CHECK(resolve_text(unused, "other").config);
  CHECK(error_of(resolve_text(with_cluster_and_user(kServer, "    auth-provider: {name: gcp}\n"))).field ==
        "users[0].user.auth-provider");
}

TEST_CASE("kubeconfig error: exec plugin settings kubectl would refuse", "[kubeconfig]") {
  const auto exec_user = [](const std::string& fields) { return "    exec:\n" + fields; };
  ConfigError e = error_of(resolve_text(with_cluster_and_user(kServer, exec_user("      command: x\n"))));
  CHECK(e.field == "users[0].user.exec.apiVersion");

  e = error_of(resolve_text(with_cluster_and_user(
      kServer, exec_user("      command: x\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"))));
  CHECK(e.field == "users[0].user.exec.apiVersion");

  e = error_of(resolve_text(with_cluster_and_user(
      kServer, exec_user("      command: x\n      apiVersion: client.authentication.k8s.io/v1\n"))));
  CHECK(e.field == "users[0].user.exec.interactiveMode");
  CHECK(e.reason.find("required") != std::string::npos);

  e = error_of(resolve_text(with_cluster_and_user(
      kServer,
      exec_user(
          "      command: x\n      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Always\n"))));
  CHECK(e.field == "users[0].user.exec.interactiveMode");
  CHECK(e.reason.find("terminal") != std::string::npos);

  e = error_of(resolve_text(with_cluster_and_user(
      kServer, exec_user("      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Never\n"))));
  CHECK(e.field == "users[0].user.exec.command");

  e = error_of(resolve_text(with_cluster_and_user(
      kServer,
      exec_user("      command: x\n      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Never\n"
                "      env:\n      - {value: SECRET-SENTINEL}\n"))));
  CHECK(e.field == "users[0].user.exec.env[0].name");
}

// --- the loading order ---------------------------------------------------------------------------------

namespace {

struct Environment {
  ScratchDir dir;
  LoadingRules rules;

  Environment() { rules.in_cluster.service_account_dir = dir.file("serviceaccount"); }

  void make_service_account(const std::string& token, const std::string& ns) const {
    std::filesystem::create_directories(dir.file("serviceaccount"));
    dir.write("serviceaccount/token", token);
    dir.write("serviceaccount/ca.crt", kFakeCa);
    if (!ns.empty()) dir.write("serviceaccount/namespace", ns);
  }
  void in_cluster(const std::string& host = "10.0.0.1", const std::string& port = "443") {
    rules.in_cluster.service_host = host;
    rules.in_cluster.service_port = port;
  }
  void make_home_config(const std::string& server) {
    std::filesystem::create_directories(dir.file("home/.kube"));
    dir.write("home/.kube/config", with_cluster_and_user("    server: " + server + "\n", "    token: home\n"));
    rules.home = dir.file("home");
  }
};

}  // namespace

TEST_CASE("loading order: an explicit path wins over $KUBECONFIG, in-cluster and home", "[kubeconfig]") {
  Environment env;
  env.make_service_account("TOKEN-SENTINEL-sa", "ns");
  env.in_cluster();
  env.make_home_config("https://home");
  env.rules.kubeconfig_env = fixture("merge-first.yaml");
  env.rules.explicit_path = fixture("token.yaml");
  const ClientConfigLoad load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  CHECK(load.config->server == "https://dev.example.test:6443");
}

TEST_CASE("loading order: a missing explicit path is an error, not a fallback", "[kubeconfig]") {
  Environment env;
  env.make_home_config("https://home");
  env.rules.explicit_path = env.dir.file("missing");
  const ConfigError e = error_of(sqlop::kube::load_client_config(env.rules));
  CHECK(e.file == env.dir.file("missing"));
}

TEST_CASE("loading order: $KUBECONFIG files merge, the first to name an entry wins", "[kubeconfig]") {
  Environment env;
  env.in_cluster();  // ignored: $KUBECONFIG is set
  env.rules.kubeconfig_env =
      env.dir.file("missing.yaml") + ":" + fixture("merge-first.yaml") + "::" + fixture("merge-second.yaml");
  ClientConfigLoad load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  CHECK(load.config->context == "shared");  // first file's current-context
  CHECK(load.config->server == "https://first.example.test");
  CHECK(load.config->bearer_token == "TOKEN-SENTINEL-first");
  CHECK(load.config->namespace_name == "first");
  CHECK(load.config->source == fixture("merge-first.yaml") + ":" + fixture("merge-second.yaml"));

  // A context only the second file has, pointing at a cluster name both have: the first file's cluster.
  env.rules.context = "only-second";
  load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  CHECK(load.config->server == "https://first.example.test");

  // Reversed order: the second file's entries win.
  env.rules.context = "";
  env.rules.kubeconfig_env = fixture("merge-second.yaml") + ":" + fixture("merge-first.yaml");
  load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  CHECK(load.config->context == "only-second");
  CHECK(load.config->server == "https://second.example.test");
  CHECK(load.config->bearer_token == "TOKEN-SENTINEL-second");
}

TEST_CASE("loading order: merge keeps errors pointing at the file an entry came from", "[kubeconfig]") {
  Environment env;
  const std::string broken =
      env.dir.write("broken.yaml",
                    "users:\n- name: shared-user\n  user: {token: x}\n- name: cert-only\n  user:\n"
                    "    client-certificate-data: Y2VydA==\ncontexts:\n- name: c2\n  context: {cluster: "
                    "shared-cluster, user: cert-only}\n");
  env.rules.kubeconfig_env = fixture("merge-first.yaml") + ":" + broken;
  env.rules.context = "c2";
  const ConfigError e = error_of(sqlop::kube::load_client_config(env.rules));
  CHECK(e.file == broken);
  CHECK(e.field == "users[1].user.client-key");
}

TEST_CASE("loading order: $KUBECONFIG naming no existing file is an error", "[kubeconfig]") {
  Environment env;
  env.make_home_config("https://home");  // not a fallback once $KUBECONFIG is set
  env.rules.kubeconfig_env = env.dir.file("a") + ":" + env.dir.file("b");
  const ConfigError e = error_of(sqlop::kube::load_client_config(env.rules));
  CHECK(e.reason == "$KUBECONFIG names no existing file");
}

TEST_CASE("loading order: a $KUBECONFIG file that does not parse is an error", "[kubeconfig]") {
  Environment env;
  env.rules.kubeconfig_env = fixture("merge-first.yaml") + ":" + fixture("bad-key-data.yaml");
  const ConfigError e = error_of(sqlop::kube::load_client_config(env.rules));
  CHECK(e.file == fixture("bad-key-data.yaml"));
}

TEST_CASE("loading order: in-cluster when $KUBECONFIG is unset, before ~/.kube/config", "[kubeconfig]") {
  Environment env;
  env.make_service_account("TOKEN-SENTINEL-sa\n", "team-b\n");
  env.in_cluster("10.96.0.1", "443");
  env.make_home_config("https://home");
  env.rules.kubeconfig_env = "";  // set but empty counts as unset
  const ClientConfigLoad load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  const auto& c = *load.config;
  CHECK(c.server == "https://10.96.0.1:443");
  CHECK(c.bearer_token == "TOKEN-SENTINEL-sa");
  CHECK(c.bearer_token_file == env.dir.file("serviceaccount/token"));
  CHECK(c.ca_pem == kFakeCa);
  CHECK(c.namespace_name == "team-b");
  CHECK(c.source == "in-cluster");
  CHECK(c.context.empty());
}

TEST_CASE("in-cluster: $POD_NAMESPACE wins, the default is 'default', IPv6 hosts get brackets", "[kubeconfig]") {
  Environment env;
  env.make_service_account("t", "from-file");
  env.in_cluster("fd00::1", "6443");
  env.rules.in_cluster.pod_namespace = "from-env";
  ClientConfigLoad load = sqlop::kube::in_cluster_client_config(env.rules.in_cluster);
  REQUIRE(load.config);
  CHECK(load.config->namespace_name == "from-env");
  CHECK(load.config->server == "https://[fd00::1]:6443");

  std::filesystem::remove(env.dir.file("serviceaccount/namespace"));
  env.rules.in_cluster.pod_namespace = "";
  load = sqlop::kube::in_cluster_client_config(env.rules.in_cluster);
  REQUIRE(load.config);
  CHECK(load.config->namespace_name == "default");
}

TEST_CASE("in-cluster errors name the file, never the token", "[kubeconfig]") {
  Environment env;
  env.in_cluster();
  ConfigError e = error_of(sqlop::kube::in_cluster_client_config(env.rules.in_cluster));
  CHECK(e.file == env.dir.file("serviceaccount/token"));

  env.make_service_account("TOKEN-SENTINEL", "");
  std::filesystem::remove(env.dir.file("serviceaccount/ca.crt"));
  e = error_of(sqlop::kube::in_cluster_client_config(env.rules.in_cluster));
  CHECK(e.file == env.dir.file("serviceaccount/ca.crt"));

  env.dir.write("serviceaccount/token", "\n");
  e = error_of(sqlop::kube::in_cluster_client_config(env.rules.in_cluster));
  CHECK(e.reason == "the service-account token file is empty");

  env.rules.in_cluster.service_host = "";
  e = error_of(sqlop::kube::in_cluster_client_config(env.rules.in_cluster));
  CHECK(e.reason.find("not running in a cluster") == 0);
}

TEST_CASE("loading order: ~/.kube/config last, --context skips in-cluster", "[kubeconfig]") {
  Environment env;
  env.make_home_config("https://home.example.test");
  ClientConfigLoad load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  CHECK(load.config->server == "https://home.example.test");
  CHECK(load.config->source == env.dir.file("home/.kube/config"));

  env.make_service_account("t", "");
  env.in_cluster();
  env.rules.context = "x";  // a kubeconfig context was asked for
  load = sqlop::kube::load_client_config(env.rules);
  REQUIRE(load.config);
  CHECK(load.config->server == "https://home.example.test");
}

TEST_CASE("loading order: nothing anywhere is an error that says what was tried", "[kubeconfig]") {
  Environment env;
  env.rules.home = env.dir.file("empty-home");
  const ConfigError e = error_of(sqlop::kube::load_client_config(env.rules));
  CHECK(e.reason.find("--kubeconfig") != std::string::npos);
  CHECK(e.reason.find("$KUBECONFIG") != std::string::npos);
  CHECK(e.reason.find("~/.kube/config") != std::string::npos);
}

// --- exec credentials ----------------------------------------------------------------------------------

TEST_CASE("exec credential request: interactive false, cluster info only when asked", "[kubeconfig]") {
  sqlop::kube::ExecConfig exec;
  exec.api_version = "client.authentication.k8s.io/v1";
  sqlop::kube::ClientConfig config;
  config.server = "https://127.0.0.1:6443";
  config.ca_pem = kFakeCa;
  config.tls_server_name = "kubernetes";
  config.bearer_token = "TOKEN-SENTINEL";

  auto request = sqlop::json::parse(sqlop::kube::exec_credential_request(exec, config));
  REQUIRE(request);
  CHECK(*request == *sqlop::json::parse(
                        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                            "spec":{"interactive":false}})"));

  exec.provide_cluster_info = true;
  exec.api_version = "client.authentication.k8s.io/v1beta1";
  const std::string text = sqlop::kube::exec_credential_request(exec, config);
  CHECK(text.find("SENTINEL") == std::string::npos);  // the plugin gets cluster facts, not credentials
  request = sqlop::json::parse(text);
  REQUIRE(request);
  CHECK(request->get_string("apiVersion") == "client.authentication.k8s.io/v1beta1");
  const auto* cluster = request->find_path({"spec", "cluster"});
  REQUIRE(cluster);
  CHECK(cluster->get_string("server") == "https://127.0.0.1:6443");
  CHECK(cluster->get_string("tls-server-name") == "kubernetes");
  CHECK(cluster->get_string("certificate-authority-data") ==
        "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmZha2UtY2EtZm9yLXRlc3RzCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K");
  CHECK_FALSE(cluster->find("insecure-skip-tls-verify"));
}

TEST_CASE("exec credential response: token with expiry, or certificate and key", "[kubeconfig]") {
  const std::string v1 = "client.authentication.k8s.io/v1";
  auto parsed = sqlop::kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"TOKEN-SENTINEL","expirationTimestamp":"2024-02-29T12:30:45+02:00"}})",
      v1);
  REQUIRE(parsed.credential);
  CHECK(parsed.credential->token == "TOKEN-SENTINEL");
  REQUIRE(parsed.credential->expiration);
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(parsed.credential->expiration->time_since_epoch()).count() ==
        1709202645);

  parsed = sqlop::kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "status":{"clientCertificateData":"CERT","clientKeyData":"KEY-SENTINEL"}})",
      "client.authentication.k8s.io/v1beta1");
  REQUIRE(parsed.credential);
  CHECK(parsed.credential->client_certificate_pem == "CERT");
  CHECK(parsed.credential->client_key_pem == "KEY-SENTINEL");
  CHECK(parsed.credential->token.empty());
  CHECK_FALSE(parsed.credential->expiration);
}

TEST_CASE("exec credential response errors name the field and never echo the output", "[kubeconfig]") {
  const std::string v1 = "client.authentication.k8s.io/v1";
  const auto error = [&](const std::string& text) {
    const auto parsed = sqlop::kube::parse_exec_credential(text, v1);
    CHECK_FALSE(parsed.credential);
    CHECK(parsed.error.find("SENTINEL") == std::string::npos);
    return parsed.error;
  };
  const std::string head = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)";
  CHECK(error("TOKEN-SENTINEL is not json").rfind("not valid JSON", 0) == 0);
  CHECK(
      error(
          R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"TOKEN-SENTINEL"}})")
          .rfind("apiVersion:", 0) == 0);
  CHECK(
      error(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Other","status":{"token":"TOKEN-SENTINEL"}})") ==
      "kind: must be ExecCredential");
  CHECK(error(head + R"("spec":{}})") == "status: required");
  CHECK(error(head + R"("status":{"clientCertificateData":"C"}})") ==
        "status.clientKeyData: required with status.clientCertificateData");
  CHECK(error(head + R"("status":{"clientKeyData":"KEY-SENTINEL"}})") ==
        "status.clientCertificateData: required with status.clientKeyData");
  CHECK(error(head + R"("status":{}})").rfind("status: holds neither", 0) == 0);
  CHECK(error(head + R"("status":{"token":7}})") == "status.token: must be a string");
  CHECK(error(head + R"("status":{"token":"TOKEN-SENTINEL","expirationTimestamp":"tomorrow"}})") ==
        "status.expirationTimestamp: not an RFC 3339 date-time");
}

TEST_CASE("RFC 3339 parsing", "[kubeconfig]") {
  const auto seconds = [](const std::string& text) -> std::optional<long long> {
    const auto t = sqlop::kube::parse_rfc3339(text);
    if (!t) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
  };
  CHECK(seconds("1970-01-01T00:00:00Z") == 0LL);
  CHECK(seconds("1969-12-31T23:59:59Z") == -1LL);
  CHECK(seconds("2024-02-29T10:30:45Z") == 1709202645LL);
  CHECK(seconds("2024-02-29t10:30:45z") == 1709202645LL);
  CHECK(seconds("2024-02-29T05:30:45-05:00") == 1709202645LL);
  CHECK(seconds("2100-03-01T00:00:00Z") == 4107542400LL);
  const auto fractional = sqlop::kube::parse_rfc3339("1970-01-01T00:00:01.25Z");
  REQUIRE(fractional);
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(fractional->time_since_epoch()).count() == 1250);
  for (const char* bad : {"", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
                          "2024-01-01T00:00:60Z", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z",
                          "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100", "2024-01-01T00:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(sqlop::kube::parse_rfc3339(bad));
  }
}
