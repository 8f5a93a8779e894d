// The database volume and the Litestream configuration.
#include "host/render/children.hpp"
#include "host/render/names.hpp"

namespace sqlop::render {

json::Value render_pvc(const model::SqliteDatabase& db) {
  const model::StorageSpec& storage = db.database.storage;
  json::Value pvc = json::Value::object();
  pvc["apiVersion"] = "v1";
  pvc["kind"] = "PersistentVolumeClaim";
  // Data safety: the PVC is owned (and so garbage-collected with the resource) only when the user asked
  // for retentionPolicy: Delete.
  pvc["metadata"] = child_metadata(db, pvc_name(db), "storage",
                                   storage.retention_policy == model::RetentionPolicy::Delete);
  json::Value& spec = pvc["spec"];
  spec["accessModes"] = json::Array{storage.access_mode};
  spec["resources"]["requests"]["storage"] = storage.size;
  if (!storage.storage_class.empty()) spec["storageClassName"] = storage.storage_class;
  spec["volumeMode"] = "Filesystem";
  return pvc;
}

json::Value render_config_map(const model::SqliteDatabase& db, const std::string& litestream_yaml) {
  json::Value cm = json::Value::object();
  cm["apiVersion"] = "v1";
  cm["kind"] = "ConfigMap";
  cm["metadata"] = child_metadata(db, config_map_name(db), "config", true);
  cm["data"][kLitestreamConfigKey] = litestream_yaml;
  return cm;
}

}  // namespace sqlop::render
