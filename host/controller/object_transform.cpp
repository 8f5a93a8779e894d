#include "host/controller/object_transform.hpp"

namespace sqlop::controller {

void strip_unused_fields(json::Value& object) {
  json::Value* metadata = object.find("metadata");
  if (!metadata || !metadata->is_object()) return;
  json::Object& fields = metadata->as_object();
  fields.erase("managedFields");
  json::Value* annotations = fields.find("annotations");
  if (annotations && annotations->is_object()) {
    annotations->as_object().erase(kLastAppliedAnnotation);
    if (annotations->as_object().empty()) fields.erase("annotations");
  }
}

}  // namespace sqlop::controller
