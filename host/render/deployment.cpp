// The Deployment that runs one database's processes: init containers that restore or create the database,
// the Litestream container, and the sqlite-rest container when the REST API is enabled.
//
// Safety choices (see reference/litestream.md): replicas 1 and strategy Recreate, because two Litestream
// processes on one database corrupt the replica history; sqlite-rest in the same pod, so every process
// that opens the database shares one node (WAL needs shared memory).
#include <algorithm>

#include "host/render/children.hpp"
#include "host/render/names.hpp"

namespace sqlop::render {
namespace {

constexpr const char* kInitScriptDir = "/etc/sqlite-operator/init";
constexpr const char* kRestAuthDir = "/etc/sqlite-rest/auth";
constexpr std::int64_t kNonRootId = 65532;

// Creates the database only when it is missing (not restored), atomically: the init SQL runs into a
// temporary file that is renamed into place, so a failing script never leaves a half-initialised database
// behind and the next attempt starts clean. $1 = database path, $2 = init SQL file or "".
constexpr const char* kCreateDatabaseScript = R"(set -eu
db="$1"
script="$2"
if [ -e "$db" ]; then
  echo "sqlite-operator: $db exists, nothing to create"
  exit 0
fi
tmp="$db.sqlite-operator-init"
rm -f "$tmp" "$tmp-journal" "$tmp-wal" "$tmp-shm"
if [ -n "$script" ]; then
  sqlite3 -bail "$tmp" < "$script"
fi
sqlite3 "$tmp" "PRAGMA journal_mode=WAL;" > /dev/null
mv "$tmp" "$db"
echo "sqlite-operator: created $db"
)";

json::Value restricted_security_context() {
  json::Value sc = json::Value::object();
  sc["allowPrivilegeEscalation"] = false;
  sc["readOnlyRootFilesystem"] = true;
  sc["runAsNonRoot"] = true;
  sc["capabilities"]["drop"] = json::Array{"ALL"};
  return sc;
}

json::Value pod_security_context() {
  json::Value sc = json::Value::object();
  sc["runAsNonRoot"] = true;
  sc["runAsUser"] = kNonRootId;
  sc["runAsGroup"] = kNonRootId;
  sc["fsGroup"] = kNonRootId;  // makes the volume writable for the non-root user
  sc["fsGroupChangePolicy"] = "OnRootMismatch";
  sc["seccompProfile"]["type"] = "RuntimeDefault";
  return sc;
}

json::Value mount(const std::string& name, const std::string& path, bool read_only) {
  json::Value m = json::Value::object();
  m["name"] = name;
  m["mountPath"] = path;
  if (read_only) m["readOnly"] = true;
  return m;
}

json::Value container_port(const std::string& name, int port) {
  json::Value p = json::Value::object();
  p["name"] = name;
  p["containerPort"] = port;
  p["protocol"] = "TCP";
  return p;
}

json::Value http_probe(const std::string& path, const std::string& port, int period, int failures) {
  json::Value probe = json::Value::object();
  probe["httpGet"]["path"] = path;
  probe["httpGet"]["port"] = port;
  probe["periodSeconds"] = period;
  probe["failureThreshold"] = failures;
  return probe;
}

json::Value tcp_probe(const std::string& port, int period, int failures) {
  json::Value probe = json::Value::object();
  probe["tcpSocket"]["port"] = port;
  probe["periodSeconds"] = period;
  probe["failureThreshold"] = failures;
  return probe;
}

json::Value base_container(const std::string& name, const std::string& image, const config::OperatorConfig& config) {
  json::Value c = json::Value::object();
  c["name"] = name;
  c["image"] = image;
  c["imagePullPolicy"] = config.images.pull_policy;
  return c;
}

void set_resources(json::Value& container, const json::Value& resources) {
  if (!resources.is_null()) container["resources"] = resources;
}

// What every container that runs Litestream (restore and replicate) needs: the plugins' env and mounts.
struct LitestreamWiring {
  json::Array env;
  json::Array mounts;
  json::Array volumes;
};

LitestreamWiring collect_wiring(const std::vector<ReplicaWiring>& replicas) {
  LitestreamWiring w;
  w.mounts.push_back(mount("data", kDataMountPath, false));
  w.mounts.push_back(mount("litestream-config", kLitestreamConfigDir, true));
  w.mounts.push_back(mount("tmp", "/tmp", false));
  for (const ReplicaWiring& r : replicas) {
    w.env.insert(w.env.end(), r.env.begin(), r.env.end());
    w.mounts.insert(w.mounts.end(), r.volume_mounts.begin(), r.volume_mounts.end());
    w.volumes.insert(w.volumes.end(), r.volumes.begin(), r.volumes.end());
  }
  return w;
}

json::Value litestream_resources(const DeploymentInputs& in) {
  return in.db.resources.is_null() ? in.config.default_resources : in.db.resources;
}

json::Value restore_container(const DeploymentInputs& in, const LitestreamWiring& w) {
  json::Value c = base_container("restore", in.config.images.litestream, in.config);
  // Exits 0 when the database exists or no backup exists; restores otherwise.
  c["args"] = json::Array{"restore", "-if-db-not-exists", "-if-replica-exists", "-config", kLitestreamConfigFile,
                          database_path(in.db)};
  if (!w.env.empty()) c["env"] = w.env;
  c["volumeMounts"] = w.mounts;
  set_resources(c, litestream_resources(in));
  c["securityContext"] = restricted_security_context();
  return c;
}

json::Value create_container(const DeploymentInputs& in) {
  json::Value c = base_container("create-database", in.config.images.sqlite, in.config);
  const bool has_script = !in.db.database.init_script.empty();
  c["command"] = json::Array{"/bin/sh", "-c", kCreateDatabaseScript, "create-database", database_path(in.db),
                             has_script ? std::string(kInitScriptDir) + "/init.sql" : std::string()};
  json::Array mounts{mount("data", kDataMountPath, false), mount("tmp", "/tmp", false)};
  if (has_script) mounts.push_back(mount("init-script", kInitScriptDir, true));
  c["volumeMounts"] = std::move(mounts);
  set_resources(c, litestream_resources(in));
  c["securityContext"] = restricted_security_context();
  return c;
}

json::Value litestream_container(const DeploymentInputs& in, const LitestreamWiring& w) {
  json::Value c = base_container("litestream", in.config.images.litestream, in.config);
  c["args"] = json::Array{"replicate", "-config", kLitestreamConfigFile};
  if (in.db.litestream.metrics.enabled) {
    c["ports"] = json::Array{container_port("metrics", in.db.litestream.metrics.port)};
    c["readinessProbe"] = http_probe("/metrics", "metrics", 10, 3);
    c["livenessProbe"] = http_probe("/metrics", "metrics", 20, 6);
  }
  if (!w.env.empty()) c["env"] = w.env;
  c["volumeMounts"] = w.mounts;
  set_resources(c, litestream_resources(in));
  c["securityContext"] = restricted_security_context();
  return c;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

json::Value rest_container(const DeploymentInputs& in) {
  const model::SqliteRestSpec& rest = in.db.sqlite_rest;
  json::Value c = base_container("sqlite-rest", in.config.images.sqlite_rest, in.config);
  c["command"] = json::Array{"/bin/sqlite-rest"};
  c["args"] = json::Array{"serve",
                          "--db-dsn", database_path(in.db),
                          "--http-addr", ":" + std::to_string(rest.port),
                          "--auth-token-file", std::string(kRestAuthDir) + "/token",
                          "--security-allow-table", join(rest.allowed_tables, ","),
                          // an empty address turns sqlite-rest's metrics server off
                          "--metrics-addr", rest.metrics.enabled ? ":" + std::to_string(rest.metrics.port) : ""};
  json::Array ports{container_port("http", rest.port)};
  if (rest.metrics.enabled) ports.push_back(container_port("rest-metrics", rest.metrics.port));
  c["ports"] = std::move(ports);
  c["readinessProbe"] = tcp_probe("http", 10, 3);
  c["livenessProbe"] = tcp_probe("http", 20, 6);
  c["volumeMounts"] = json::Array{mount("data", kDataMountPath, false), mount("rest-auth", kRestAuthDir, true),
                                  mount("tmp", "/tmp", false)};
  set_resources(c, in.db.rest_resources);
  c["securityContext"] = restricted_security_context();
  return c;
}

json::Value keyed_volume(const std::string& name, const char* source, const char* name_field,
                         const std::string& object_name, const std::string& key, const std::string& path) {
  json::Value item = json::Value::object();
  item["key"] = key;
  item["path"] = path;
  json::Value v = json::Value::object();
  v["name"] = name;
  v[source][name_field] = object_name;
  v[source]["items"] = json::Array{std::move(item)};
  return v;
}

json::Array pod_volumes(const DeploymentInputs& in, const LitestreamWiring& w) {
  const model::SqliteDatabase& db = in.db;
  json::Array volumes;
  json::Value data = json::Value::object();
  data["name"] = "data";
  data["persistentVolumeClaim"]["claimName"] = pvc_name(db);
  volumes.push_back(std::move(data));
  json::Value tmp = json::Value::object();
  tmp["name"] = "tmp";
  tmp["emptyDir"] = json::Value::object();
  volumes.push_back(std::move(tmp));
  if (db.litestream.enabled) {
    json::Value cfg = json::Value::object();
    cfg["name"] = "litestream-config";
    cfg["configMap"]["name"] = config_map_name(db);
    volumes.push_back(std::move(cfg));
  }
  if (!db.database.init_script.empty()) {
    volumes.push_back(keyed_volume("init-script", "configMap", "name", db.database.init_script,
                                   db.database.init_script_key, "init.sql"));
  }
  if (db.sqlite_rest.enabled) {
    volumes.push_back(keyed_volume("rest-auth", "secret", "secretName", db.sqlite_rest.auth_secret,
                                   db.sqlite_rest.auth_secret_key, "token"));
  }
  volumes.insert(volumes.end(), w.volumes.begin(), w.volumes.end());
  return volumes;
}

}  // namespace

json::Value render_deployment(const DeploymentInputs& in) {
  const model::SqliteDatabase& db = in.db;
  const LitestreamWiring wiring = collect_wiring(in.replicas);

  json::Value pod = json::Value::object();
  pod["automountServiceAccountToken"] = false;  // nothing in the pod talks to the API server
  pod["securityContext"] = pod_security_context();
  json::Array init;
  if (db.litestream.enabled) init.push_back(restore_container(in, wiring));
  init.push_back(create_container(in));
  pod["initContainers"] = std::move(init);
  json::Array containers;
  if (db.litestream.enabled) containers.push_back(litestream_container(in, wiring));
  if (db.sqlite_rest.enabled) containers.push_back(rest_container(in));
  pod["containers"] = std::move(containers);
  pod["volumes"] = pod_volumes(in, wiring);

  json::Value template_meta = json::Value::object();
  template_meta["labels"] = child_labels(db, "database");
  // Changes to the rendered config or to credentials restart the pod; the template itself does not hold them.
  template_meta["annotations"][kConfigHashAnnotation] = in.config_hash;

  json::Value dep = json::Value::object();
  dep["apiVersion"] = "apps/v1";
  dep["kind"] = "Deployment";
  dep["metadata"] = child_metadata(db, deployment_name(db), "database", true);
  json::Value& spec = dep["spec"];
  spec["replicas"] = 1;
  spec["strategy"]["type"] = "Recreate";
  spec["selector"]["matchLabels"] = selector_labels(db);
  spec["template"]["metadata"] = std::move(template_meta);
  spec["template"]["spec"] = std::move(pod);
  return dep;
}

}  // namespace sqlop::render
