// Cross-field rules on a parsed SqliteDatabase: each one stops a spec that would render children which
// cannot start or do not do what the spec says.
#include "host/model/validate.hpp"

#include <utility>
#include <vector>

#include "host/model/object_reader.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

// "<name>-service" must be a DNS-1035 label of at most 63 characters.
constexpr std::size_t kMaxNameWithService = 63 - std::char_traits<char>::length("-service");

void check_ingress(const SqliteDatabase& db, Diagnostics& out) {
  const IngressSpec& ingress = db.ingress;
  if (!ingress.enabled) return;
  if (!db.sqlite_rest.enabled) {
    out.error("spec.ingress.enabled", "requires spec.sqliteRest.enabled: the Ingress routes to the REST API's "
                                      "Service, which exists only while the REST API is enabled");
  }
  if (ingress.host.empty()) out.error("spec.ingress.host", "is required when the Ingress is enabled");
  if (ingress.tls.enabled && ingress.tls.secret_name.empty()) {
    out.error("spec.ingress.tls.secretName", "is required when TLS is enabled: the kubernetes.io/tls Secret "
                                             "holding the certificate for the host");
  }
}

void check_sqlite_rest(const SqliteDatabase& db, Diagnostics& out) {
  const SqliteRestSpec& rest = db.sqlite_rest;
  if (!rest.enabled) return;
  if (rest.auth_secret.empty()) {
    out.error("spec.sqliteRest.authSecret",
              "is required when the REST API is enabled: sqlite-rest refuses to start without an HMAC key "
              "for its JWTs; create a Secret with the key under \"" + rest.auth_secret_key +
                  "\" (e.g. kubectl create secret generic NAME --from-literal=" + rest.auth_secret_key +
                  "=$(openssl rand -hex 32)) and name it here");
  }
  if (rest.allowed_tables.empty()) {
    out.warn("spec.sqliteRest.allowedTables", "is empty: sqlite-rest exposes no table until tables are listed");
  }
  const std::string& name = db.metadata.name;
  if (!is_dns1035_label(name) || name.size() > kMaxNameWithService) {
    out.error("metadata.name", "must be a DNS-1035 label (lower-case letters, digits and '-', starting with a "
                               "letter) of at most 55 characters when the REST API is enabled: the Service is "
                               "named \"" + name + "-service\"");
  }
}

void check_replicas(const SqliteDatabase& db, const ValidationContext& context, Diagnostics& out) {
  const std::vector<Replica>& replicas = db.litestream.replicas;
  if (!db.litestream.enabled) return;  // replicas are only rendered for a running Litestream
  if (replicas.empty()) {
    out.error("spec.litestream.replicas", "must list at least one replica while Litestream is enabled: "
                                          "Litestream exits when it has no replica to write to");
  }
  if (context.litestream_format == LitestreamFormat::V0_5 && replicas.size() > 1) {
    out.error("spec.litestream.replicas", "Litestream 0.5 supports exactly one replica per database, and " +
                                              std::to_string(replicas.size()) + " are listed");
  }
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    const std::string path = index_path("spec.litestream.replicas", i);
    if (context.has_backend && !replicas[i].type.empty() && !context.has_backend(replicas[i].type)) {
      out.error(path + ".type", "no loaded plugin serves replica type \"" + replicas[i].type + "\"");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (replicas[j].name == replicas[i].name) {
        out.error(path + ".name", "duplicate replica name \"" + replicas[i].name + "\" (also " +
                                      index_path("spec.litestream.replicas", j) +
                                      "); give each replica a unique name");
        break;
      }
    }
  }
}

// Every container of the one pod shares its network namespace, so the enabled ports must differ.
void check_ports(const SqliteDatabase& db, Diagnostics& out) {
  std::vector<std::pair<const char*, int>> ports;
  if (db.litestream.enabled && db.litestream.metrics.enabled) {
    ports.emplace_back("spec.litestream.metrics.port", db.litestream.metrics.port);
  }
  if (db.sqlite_rest.enabled) {
    ports.emplace_back("spec.sqliteRest.port", db.sqlite_rest.port);
    if (db.sqlite_rest.metrics.enabled) {
      ports.emplace_back("spec.sqliteRest.metrics.port", db.sqlite_rest.metrics.port);
    }
  }
  for (std::size_t i = 0; i < ports.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (ports[i].second == ports[j].second) {
        out.error(ports[i].first, "port " + std::to_string(ports[i].second) + " is already used by " +
                                      ports[j].first + "; the containers share one pod, so every port must differ");
        break;
      }
    }
  }
}

void check_something_runs(const SqliteDatabase& db, Diagnostics& out) {
  if (db.litestream.enabled || db.sqlite_rest.enabled) return;
  out.warn("spec.litestream.enabled", "neither Litestream nor the REST API is enabled: only the volume is "
                                      "managed and nothing is backed up");
}

}  // namespace

void validate_sqlite_database(const SqliteDatabase& db, const ValidationContext& context, Diagnostics& out) {
  check_ingress(db, out);
  check_sqlite_rest(db, out);
  check_replicas(db, context, out);
  check_ports(db, out);
  check_something_runs(db, out);
}

}  // namespace sqlop::model
