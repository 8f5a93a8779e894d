#include "openapi/object_validator.hpp"

#include "openapi/schema_walk.hpp"

namespace sqlop::openapi {

ValidationErrors ObjectValidator::add_crd(const json::Value& crd_object) {
  CrdParseResult parsed = parse_crd(crd_object, &builtins_);
  if (parsed.crd) add_crd(std::move(*parsed.crd));
  return parsed.errors;
}

void ObjectValidator::add_crd(CustomResourceDefinition crd) {
  for (CustomResourceDefinition& existing : crds_) {
    if (existing.group == crd.group && existing.kind == crd.kind) {
      existing = std::move(crd);
      return;
    }
  }
  crds_.push_back(std::move(crd));
}

const CustomResourceDefinition* ObjectValidator::find_crd(const std::string& group, const std::string& kind) const {
  for (const CustomResourceDefinition& crd : crds_) {
    if (crd.group == group && crd.kind == kind) return &crd;
  }
  return nullptr;
}

ValidationErrors ObjectValidator::validate(const json::Value& object, const ValidateOptions& options) const {
  const std::optional<GroupVersionKind> gvk = GroupVersionKind::of(object);
  if (gvk && gvk->group.empty() && gvk->version == "v1" && gvk->kind == "List") {
    ValidationErrors errors;
    const json::Value* items = object.find("items");
    if (!items || !items->is_array()) return {{"items", "must be an array of objects"}};
    for (std::size_t i = 0; i < items->as_array().size(); ++i) {
      for (ValidationError& e : validate(items->as_array()[i], options)) {
        const std::string prefix = detail::index_path("items", i);
        errors.push_back({e.path.empty() ? prefix : prefix + "." + e.path, std::move(e.message)});
      }
    }
    return errors;
  }
  if (gvk) {
    if (const CustomResourceDefinition* crd = find_crd(gvk->group, gvk->kind)) {
      json::Value defaulted = object;
      default_custom_resource(*crd, defaulted);
      return validate_custom_resource(*crd, defaulted, &builtins_, options);
    }
  }
  return builtins_.validate(object, options);
}

}  // namespace sqlop::openapi
