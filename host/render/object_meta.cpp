#include "host/render/children.hpp"
#include "host/render/names.hpp"

namespace sqlop::render {

json::Value child_metadata(const model::SqliteDatabase& db, const std::string& name, const std::string& component,
                           bool owned) {
  json::Value meta = json::Value::object();
  meta["name"] = name;
  meta["namespace"] = db.metadata.namespace_;
  meta["labels"] = child_labels(db, component);
  if (owned && !db.metadata.uid.empty()) {
    json::Value owner = json::Value::object();
    owner["apiVersion"] = model::kApiVersion;
    owner["kind"] = model::kKind;
    owner["name"] = db.metadata.name;
    owner["uid"] = db.metadata.uid;
    owner["controller"] = true;
    owner["blockOwnerDeletion"] = true;
    meta["ownerReferences"] = json::Array{std::move(owner)};
  }
  return meta;
}

}  // namespace sqlop::render
