// Render time per SqliteDatabase: parse + validate + plugin calls + children, and the YAML output, on this
// machine. Prints figures; asserts nothing. Usage: render_bench [iterations]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "host/model/parse.hpp"
#include "host/render/render.hpp"
#include "host/yaml/yaml_json.hpp"
#include "sqlite_operator/base64.hpp"

namespace {

const char* kResource = R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: bench, namespace: default, uid: 0000-1111}
spec:
  database:
    name: app.db
    initScript: schema
    storage: {size: 2Gi}
  litestream:
    replicas:
    - {type: s3, bucket: backups-one, region: us-east-1, path: db, retention: 72h, credentials: {secretName: s3}}
    - {type: azure, bucket: backups-two, path: db, credentials: {secretName: azure}}
  sqliteRest:
    enabled: true
    authSecret: jwt
    allowedTables: [users, orders]
  ingress:
    enabled: true
    host: db.example.com
    tls: {enabled: true, secretName: tls}
)";

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

sqlop::json::Value secret(std::initializer_list<std::pair<const char*, const char*>> data) {
  sqlop::json::Value s = sqlop::json::Value::object();
  for (const auto& [k, v] : data) s["data"][k] = sqlop::base64::encode(v);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  const sqlop::json::Value manifest = sqlop::yaml::load_all(kResource).documents.at(0).value;
  const sqlop::config::OperatorConfig config;
  const sqlop::plugins::Registry registry = sqlop::plugins::Registry::load({SQLOP_PLUGIN_DIR, {}});
  sqlop::render::ReferencedObjects refs;
  refs.complete = true;
  refs.secrets["s3"] = secret({{"access-key", "AKIAEXAMPLE0000000000"}, {"secret-key", "example-secret-key-000"}});
  refs.secrets["azure"] = secret({{"account-name", "benchaccount"}, {"account-key", "ZXhhbXBsZS1rZXk="}});
  refs.secrets["jwt"] = secret({{"token", "0123456789abcdef0123456789abcdef"}});
  refs.config_maps["schema"]["data"]["init.sql"] = "CREATE TABLE t(x);";

  using clock = std::chrono::steady_clock;
  std::size_t objects = 0;
  std::size_t bytes = 0;
  double render_only = 0;
  const auto start = clock::now();
  for (int i = 0; i < iterations; ++i) {
    const auto parsed = sqlop::model::parse_sqlite_database(manifest);
    const auto t0 = clock::now();
    const auto out = sqlop::render::render_children({*parsed.resource, config, registry, refs});
    render_only += std::chrono::duration<double, std::micro>(clock::now() - t0).count();
    if (out.objects.empty()) {
      std::fprintf(stderr, "render failed: %s\n", out.diagnostics.errors.at(0).reason.c_str());
      return 1;
    }
    objects += out.objects.size();
    for (const auto& o : out.objects) bytes += sqlop::yaml::to_yaml(o).size();
  }
  const double total = std::chrono::duration<double, std::micro>(clock::now() - start).count();
  std::printf("render_bench: %d resources (2 replicas, REST API, Ingress; %zu objects each) on %s\n", iterations,
              objects / iterations, cpu_model().c_str());
  std::printf("  render_children only:           %8.1f us per resource\n", render_only / iterations);
  std::printf("  parse + render + YAML output:   %8.1f us per resource (%.0f resources/s, %zu bytes of YAML each)\n",
              total / iterations, 1e6 * iterations / total, bytes / iterations);
  return 0;
}
