// A catalogue of invalid SqliteDatabase manifests. Each must produce exactly one error, at the exact field
// path, with a reason that says what is wrong. Parse errors come first; a manifest that parses is then
// validated (cross-field rules), so one table covers both steps the controller runs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "host/model/parse.hpp"
#include "host/model/validate.hpp"
#include "host/yaml/yaml_json.hpp"

using namespace sqlop::model;

namespace {

struct InvalidCase {
  const char* yaml;    // a whole manifest if it starts with "apiVersion" or "kind", else the document after
                       // metadata; "{{64a}}" stands for 64 'a' characters
  const char* field;   // the one error's exact path
  const char* reason;  // a substring of its reason
  LitestreamFormat format = LitestreamFormat::V0_3;
};

const std::string kHeader = "apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: db}\n";
// A valid replica for the cases that must get past "Litestream has no replica".
#define REPLICA "litestream: {replicas: [{type: file, path: /backup}]}"

// clang-format off
const std::vector<InvalidCase>& catalogue() {
  static const std::vector<InvalidCase> cases = {
    // --- the object and its metadata
    {"apiVersion: database.sqlite.io/v1\nkind: SqliteDatabase\nmetadata: {name: db}\n", "apiVersion", "must be \"database.sqlite.io/v1alpha1\""},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SQLiteDatabase\nmetadata: {name: db}\n", "kind", "must be \"SqliteDatabase\""},
    {"kind: SqliteDatabase\nmetadata: {name: db}\n", "apiVersion", "is required"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {namespace: x}\n", "metadata.name", "is required"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: MyDb}\n", "metadata.name", "RFC 1123 subdomain"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: db_1}\n", "metadata.name", "RFC 1123 subdomain"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: {{64a}}}\n", "metadata.name", "app.kubernetes.io/instance"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: db, namespace: Prod}\n", "metadata.namespace", "RFC 1123 label"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: db, labels: {tier: 1}}\n", "metadata.labels[tier]", "must be a string"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: [db]\n", "metadata", "must be an object"},
    {"specs: {}\n", "specs", "unknown field"},
    {"spec: [database]\n", "spec", "must be an object"},
    {"spec: {backup: {enabled: true}}\n", "spec.backup", "unknown field"},

    // --- spec.database
    {"spec: {database: {name: data/app.db}}\n", "spec.database.name", "no path separators"},
    {"spec: {database: {name: ../app.db}}\n", "spec.database.name", "no path separators"},
    {"spec: {database: {name: app.db-wal}}\n", "spec.database.name", "-wal, -shm or -journal"},
    {"spec: {database: {name: app.db-shm}}\n", "spec.database.name", "-wal, -shm or -journal"},
    {"spec: {database: {name: app.db-journal}}\n", "spec.database.name", "-wal, -shm or -journal"},
    {"spec: {database: {name: .hidden.db}}\n", "spec.database.name", "start with a letter or digit"},
    {"spec: {database: {name: \"my app.db\"}}\n", "spec.database.name", "shell commands"},
    {"spec: {database: {name: \"app;rm.db\"}}\n", "spec.database.name", "shell commands"},
    {"spec: {database: {name: \"\"}}\n", "spec.database.name", "must not be empty"},
    {"spec: {database: {name: {{129x}}}}\n", "spec.database.name", "at most 128"},
    {"spec: {database: {initScript: Init_SQL}}\n", "spec.database.initScript", "ConfigMap name"},
    {"spec: {database: {initScriptKey: sql/init.sql}}\n", "spec.database.initScriptKey", "ConfigMap key"},
    {"spec: {database: {storage: {size: 1GB}}}\n", "spec.database.storage.size", "Kubernetes quantity"},
    {"spec: {database: {storage: {size: \"0\"}}}\n", "spec.database.storage.size", "greater than zero"},
    {"spec: {database: {storage: {size: -1Gi}}}\n", "spec.database.storage.size", "greater than zero"},
    {"spec: {database: {storage: {size: 5}}}\n", "spec.database.storage.size", "must be a string"},
    {"spec: {database: {storage: {accessMode: ReadOnlyMany}}}\n", "spec.database.storage.accessMode", "ReadOnlyMany cannot hold"},
    {"spec: {database: {storage: {accessMode: RWO}}}\n", "spec.database.storage.accessMode", "must be one of"},
    {"spec: {database: {storage: {retentionPolicy: Keep}}}\n", "spec.database.storage.retentionPolicy", "Retain"},
    {"spec: {database: {storage: {storageClass: Fast_SSD}}}\n", "spec.database.storage.storageClass", "StorageClass name"},
    {"spec: {database: {storage: {capacity: 1Gi}}}\n", "spec.database.storage.capacity", "unknown field"},

    // --- spec.litestream
    {"spec: {litestream: {enabled: \"yes\"}}\n", "spec.litestream.enabled", "must be a boolean"},
    {"spec: {litestream: {metrics: {port: 0}}}\n", "spec.litestream.metrics.port", "between 1 and 65535"},
    {"spec: {litestream: {metrics: {port: 70000}}}\n", "spec.litestream.metrics.port", "between 1 and 65535"},
    {"spec: {litestream: {metrics: {port: \"9090\"}}}\n", "spec.litestream.metrics.port", "must be an integer"},
    {"spec: {litestream: {metrics: {path: /metrics}}}\n", "spec.litestream.metrics.path", "unknown field"},
    {"spec: {litestream: {replicas: s3}}\n", "spec.litestream.replicas", "must be a list"},
    {"spec: {litestream: {replicas: [s3]}}\n", "spec.litestream.replicas[0]", "must be an object"},
    {"spec: {litestream: {replicas: [{bucket: b}]}}\n", "spec.litestream.replicas[0].type", "is required"},
    {"spec: {litestream: {replicas: [{type: \"\"}]}}\n", "spec.litestream.replicas[0].type", "must not be empty"},
    {"spec: {litestream: {replicas: [{type: s3, name: S3_Main}]}}\n", "spec.litestream.replicas[0].name", "lower-case"},
    {"spec: {litestream: {replicas: [{type: s3, retention: 1d}]}}\n", "spec.litestream.replicas[0].retention", "no days"},
    {"spec: {litestream: {replicas: [{type: s3, retention: 7 days}]}}\n", "spec.litestream.replicas[0].retention", "unknown unit"},
    {"spec: {litestream: {replicas: [{type: s3, syncInterval: 0s}]}}\n", "spec.litestream.replicas[0].syncInterval", "greater than zero"},
    {"spec: {litestream: {replicas: [{type: s3, snapshotInterval: \"10\"}]}}\n", "spec.litestream.replicas[0].snapshotInterval", "missing unit"},
    {"spec: {litestream: {replicas: [{type: s3, retentionCheckInterval: -1h}]}}\n", "spec.litestream.replicas[0].retentionCheckInterval", "greater than zero"},
    {"spec: {litestream: {replicas: [{type: s3, validationInterval: 60}]}}\n", "spec.litestream.replicas[0].validationInterval", "must be a string"},
    {"spec: {litestream: {replicas: [{type: s3, bucket: 5}]}}\n", "spec.litestream.replicas[0].bucket", "must be a string"},
    {"spec: {litestream: {replicas: [{type: s3, credentials: {secretName: S3Creds}}]}}\n", "spec.litestream.replicas[0].credentials.secretName", "Secret name"},
    {"spec: {litestream: {replicas: [{type: s3, credentials: {accessKeyField: access key}}]}}\n", "spec.litestream.replicas[0].credentials.accessKeyField", "Secret key"},
    {"spec: {litestream: {replicas: [{type: s3, credentials: {secretKey: k}}]}}\n", "spec.litestream.replicas[0].credentials.secretKey", "unknown field"},
    {"spec: {litestream: {replicas: [{type: s3, bukket: b}]}}\n", "spec.litestream.replicas[0].bukket", "unknown field"},
    {"spec: {litestream: {replicas: [{type: s3, settings: fast}]}}\n", "spec.litestream.replicas[0].settings", "must be an object"},
    // cross-field
    {"spec: {litestream: {enabled: true}}\n", "spec.litestream.replicas", "Litestream exits"},
    {"spec: {litestream: {replicas: []}}\n", "spec.litestream.replicas", "at least one replica"},
    {"spec: {litestream: {replicas: [{type: ftp}]}}\n", "spec.litestream.replicas[0].type", "no loaded plugin serves replica type \"ftp\""},
    {"spec: {litestream: {replicas: [{type: file, name: a, path: /x}, {type: s3, name: a}]}}\n", "spec.litestream.replicas[1].name", "duplicate replica name \"a\""},
    {"spec: {litestream: {replicas: [{type: file, name: s3, path: /x}, {type: s3}]}}\n", "spec.litestream.replicas[1].name", "duplicate replica name \"s3\""},
    {"spec: {litestream: {replicas: [{type: file, path: /x}, {type: s3}]}}\n", "spec.litestream.replicas", "exactly one replica per database", LitestreamFormat::V0_5},

    // --- spec.sqliteRest
    {"spec: {sqliteRest: {port: 0}}\n", "spec.sqliteRest.port", "between 1 and 65535"},
    {"spec: {sqliteRest: {port: \"8080\"}}\n", "spec.sqliteRest.port", "must be an integer"},
    {"spec: {sqliteRest: {metrics: {port: 70000}}}\n", "spec.sqliteRest.metrics.port", "between 1 and 65535"},
    {"spec: {sqliteRest: {metrics: {enabled: 1}}}\n", "spec.sqliteRest.metrics.enabled", "must be a boolean"},
    {"spec: {sqliteRest: {authSecret: JWT}}\n", "spec.sqliteRest.authSecret", "Secret name"},
    {"spec: {sqliteRest: {authSecretKey: \"tok en\"}}\n", "spec.sqliteRest.authSecretKey", "Secret key"},
    {"spec: {sqliteRest: {allowedTables: [\"*\"]}}\n", "spec.sqliteRest.allowedTables[0]", "not a wildcard"},
    {"spec: {sqliteRest: {allowedTables: [users, orders, users]}}\n", "spec.sqliteRest.allowedTables[2]", "duplicate table \"users\""},
    {"spec: {sqliteRest: {allowedTables: [user-data]}}\n", "spec.sqliteRest.allowedTables[0]", "SQLite table name"},
    {"spec: {sqliteRest: {allowedTables: \"users,orders\"}}\n", "spec.sqliteRest.allowedTables", "must be a list"},
    {"spec: {sqliteRest: {allowedTables: [1]}}\n", "spec.sqliteRest.allowedTables[0]", "must be a string"},
    {"spec: {sqliteRest: {authToken: x}}\n", "spec.sqliteRest.authToken", "unknown field"},
    // cross-field
    {"spec: {" REPLICA ", sqliteRest: {enabled: true, allowedTables: [t]}}\n", "spec.sqliteRest.authSecret", "HMAC key"},
    {"spec: {" REPLICA ", sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t], port: 9090}}\n", "spec.sqliteRest.port", "already used by spec.litestream.metrics.port"},
    {"spec: {" REPLICA ", sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t], metrics: {port: 8080}}}\n", "spec.sqliteRest.metrics.port", "already used by spec.sqliteRest.port"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: 1db}\nspec: {" REPLICA ", sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t]}}\n", "metadata.name", "DNS-1035 label"},
    {"apiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: {{56a}}}\nspec: {" REPLICA ", sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t]}}\n", "metadata.name", "at most 55 characters"},

    // --- spec.ingress
    {"spec: {ingress: {host: API.example.com}}\n", "spec.ingress.host", "lower-case DNS name"},
    {"spec: {ingress: {host: \"*\"}}\n", "spec.ingress.host", "lower-case DNS name"},
    {"spec: {ingress: {host: 10.0.0.1}}\n", "spec.ingress.host", "not an IP address"},
    {"spec: {ingress: {path: api}}\n", "spec.ingress.path", "must start with \"/\""},
    {"spec: {ingress: {path: /a//b}}\n", "spec.ingress.path", "segments"},
    {"spec: {ingress: {path: /a/../b}}\n", "spec.ingress.path", "segments"},
    {"spec: {ingress: {annotations: {nginx.ingress.kubernetes.io/ssl-redirect: true}}}\n", "spec.ingress.annotations[nginx.ingress.kubernetes.io/ssl-redirect]", "must be a string"},
    {"spec: {ingress: {className: Nginx}}\n", "spec.ingress.className", "IngressClass name"},
    {"spec: {ingress: {tls: {secretName: TLS}}}\n", "spec.ingress.tls.secretName", "Secret name"},
    {"spec: {ingress: {tls: {hosts: [a.example.com]}}}\n", "spec.ingress.tls.hosts", "unknown field"},
    // cross-field
    {"spec: {" REPLICA ", ingress: {enabled: true, host: a.example.com}}\n", "spec.ingress.enabled", "requires spec.sqliteRest.enabled"},
    {"spec: {" REPLICA ", sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t]}, ingress: {enabled: true}}\n", "spec.ingress.host", "is required"},
    {"spec: {" REPLICA ", sqliteRest: {enabled: true, authSecret: jwt, allowedTables: [t]}, ingress: {enabled: true, host: a.example.com, tls: {enabled: true}}}\n", "spec.ingress.tls.secretName", "is required"},

    // --- resources
    {"spec: {resources: {requests: {cpu: lots}}}\n", "spec.resources.requests[cpu]", "Kubernetes quantity"},
    {"spec: {resources: {requests: {cpu: true}}}\n", "spec.resources.requests[cpu]", "must be a quantity"},
    {"spec: {resources: {requests: {cpu: -1}}}\n", "spec.resources.requests[cpu]", "greater than or equal to 0"},
    {"spec: {resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}\n", "spec.resources.requests[memory]", "less than or equal to the memory limit"},
    {"spec: {resources: {limits: {gpu: 1}}}\n", "spec.resources.limits[gpu]", "container resource name"},
    {"spec: {resources: {claims: [{name: x}]}}\n", "spec.resources.claims", "not supported"},
    {"spec: {resources: {limit: {cpu: 1}}}\n", "spec.resources.limit", "unknown field"},
    {"spec: {resources: [cpu]}\n", "spec.resources", "must be an object"},
    {"spec: {sqliteRest: {resources: {limits: {cpu: 1x}}}}\n", "spec.sqliteRest.resources.limits[cpu]", "Kubernetes quantity"},
  };
  return cases;
}
// clang-format on

// Expands every "{{<count><char>}}" into <count> copies of <char>, for names near a length limit.
std::string expand_repeats(std::string yaml) {
  for (std::size_t open = yaml.find("{{"); open != std::string::npos; open = yaml.find("{{", open)) {
    const std::size_t close = yaml.find("}}", open);
    const std::string inner = yaml.substr(open + 2, close - open - 2);
    const std::string repeated(std::stoul(inner.substr(0, inner.size() - 1)), inner.back());
    yaml.replace(open, close + 2 - open, repeated);
    open += repeated.size();
  }
  return yaml;
}

std::string manifest_for(const InvalidCase& c) {
  const std::string yaml = expand_repeats(c.yaml);
  if (yaml.rfind("apiVersion", 0) == 0 || yaml.rfind("kind", 0) == 0) return yaml;
  return kHeader + yaml;
}

// Parse, then (only when parsing succeeded) validate: the order the controller runs them in.
Diagnostics diagnose(const InvalidCase& c, const std::string& yaml) {
  const auto loaded = sqlop::yaml::load_all(yaml);
  INFO(loaded.error);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.documents.size() == 1);
  const ParseResult parsed = parse_sqlite_database(loaded.documents[0].value);
  Diagnostics diagnostics = parsed.diagnostics;
  if (parsed.resource) {
    ValidationContext context;
    context.litestream_format = c.format;
    context.has_backend = [](const std::string& type) { return type == "s3" || type == "file"; };
    validate_sqlite_database(*parsed.resource, context, diagnostics);
  }
  return diagnostics;
}

}  // namespace

TEST_CASE("the invalid-manifest catalogue has at least 45 cases", "[model]") {
  CHECK(catalogue().size() >= 45);
}

TEST_CASE("every invalid manifest yields exactly its one error, at its field", "[model]") {
  for (const InvalidCase& c : catalogue()) {
    const std::string yaml = manifest_for(c);
    const Diagnostics d = diagnose(c, yaml);
    std::string found;
    for (const auto& e : d.errors) found += "  " + e.field + ": " + e.reason + "\n";
    INFO("manifest:\n" << yaml << "errors:\n" << found);
    CHECK(d.errors.size() == 1);
    if (d.errors.empty()) continue;
    CHECK(d.errors[0].field == c.field);
    CHECK_THAT(d.errors[0].reason, Catch::Contains(c.reason));
  }
}
