// The SqliteDatabase custom resource (database.sqlite.io/v1alpha1) as plain values, after defaulting.
// Field names follow the resource; crd/ holds the matching schema and docs/ the reference.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::model {

inline constexpr const char* kGroup = "database.sqlite.io";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "database.sqlite.io/v1alpha1";
inline constexpr const char* kKind = "SqliteDatabase";

struct ObjectMeta {
  std::string name;
  std::string namespace_;  // "default" when the manifest has none
  std::string uid;         // empty offline (render command); ownerReferences need it
  std::int64_t generation = 0;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool deleting = false;  // metadata.deletionTimestamp is set
  std::vector<std::string> finalizers;
};

// What happens to the database PVC when the SqliteDatabase is deleted.
enum class RetentionPolicy { Retain, Delete };

struct StorageSpec {
  std::string size = "1Gi";            // a Kubernetes quantity
  std::string storage_class;           // "" = cluster default
  std::string access_mode = "ReadWriteOnce";
  RetentionPolicy retention_policy = RetentionPolicy::Retain;  // spec.database.storage.retentionPolicy
};

struct DatabaseSpec {
  std::string name = "database.db";    // file name inside the volume; no path separators
  std::string init_script;             // ConfigMap name; "" = none
  std::string init_script_key = "init.sql";
  StorageSpec storage;
};

struct Credentials {
  std::string secret_name;       // "" = no Secret (workload identity)
  std::string access_key_field;  // "" = the plugin's default
  std::string secret_key_field;  // "" = the plugin's default
};

// One Litestream replica. The host needs only a few typed members; the plugin receives `spec`, the
// replica exactly as written (with host defaults applied), and validates the rest.
struct Replica {
  std::string type;  // a loaded plugin's type or alias; normalised to lower case
  std::string name;  // Litestream replica name; defaults to "<type>-<index>"
  Credentials credentials;
  json::Value spec;  // the whole replica object
};

struct MetricsSpec {
  bool enabled = true;
  int port = 0;
};

struct LitestreamSpec {
  bool enabled = true;
  std::vector<Replica> replicas;
  MetricsSpec metrics{true, 9090};  // Litestream's `addr`
};

struct SqliteRestSpec {
  bool enabled = false;
  int port = 8080;
  std::string auth_secret;              // Secret holding the HMAC key; required when enabled
  std::string auth_secret_key = "token";
  std::vector<std::string> allowed_tables;
  MetricsSpec metrics{true, 8081};
};

struct IngressTlsSpec {
  bool enabled = false;
  std::string secret_name;
};

struct IngressSpec {
  bool enabled = false;
  std::string host;
  std::string class_name;  // ingressClassName; "" = cluster default
  std::string path = "/";
  std::map<std::string, std::string> annotations;
  IngressTlsSpec tls;
};

struct SqliteDatabase {
  ObjectMeta metadata;
  DatabaseSpec database;
  LitestreamSpec litestream;
  SqliteRestSpec sqlite_rest;
  IngressSpec ingress;
  json::Value resources;       // core/v1 ResourceRequirements for the Litestream container, or null
  json::Value rest_resources;  // spec.sqliteRest.resources, or null
};

}  // namespace sqlop::model
