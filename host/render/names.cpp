#include "host/render/names.hpp"

namespace sqlop::render {

json::Value selector_labels(const model::SqliteDatabase& db) {
  json::Value labels = json::Value::object();
  labels["app.kubernetes.io/name"] = kAppName;
  labels["app.kubernetes.io/instance"] = db.metadata.name;
  return labels;
}

json::Value child_labels(const model::SqliteDatabase& db, const std::string& component) {
  json::Value labels = selector_labels(db);
  labels["app.kubernetes.io/managed-by"] = kManagedBy;
  labels["app.kubernetes.io/component"] = component;
  return labels;
}

}  // namespace sqlop::render
