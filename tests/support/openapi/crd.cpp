#include "openapi/crd.hpp"

#include <algorithm>
#include <cctype>

#include "openapi/schema_walk.hpp"
#include "openapi/structural.hpp"

namespace sqlop::openapi {
namespace {

constexpr const char* kObjectMetaSchema = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

bool is_dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (const char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

bool is_kind_name(const std::string& s) {
  if (s.empty() || !std::isupper(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> strings_of(const json::Value* value) {
  std::vector<std::string> out;
  if (value && value->is_array()) {
    for (const json::Value& v : value->as_array()) {
      if (v.is_string()) out.push_back(v.as_string());
    }
  }
  return out;
}

void read_names(const json::Value& spec, CustomResourceDefinition& crd, ValidationErrors& errors) {
  const json::Value* names = spec.find("names");
  if (!names || !names->is_object()) return errors.push_back({"spec.names", "Required value"});
  crd.plural = names->get_string("plural");
  crd.kind = names->get_string("kind");
  crd.singular = names->get_string("singular", lower(crd.kind));
  crd.list_kind = names->get_string("listKind", crd.kind + "List");
  crd.short_names = strings_of(names->find("shortNames"));
  crd.categories = strings_of(names->find("categories"));
  if (!is_dns_label(crd.plural)) errors.push_back({"spec.names.plural", "must be a lower-case DNS label"});
  if (!is_dns_label(crd.singular)) errors.push_back({"spec.names.singular", "must be a lower-case DNS label"});
  if (!is_kind_name(crd.kind)) errors.push_back({"spec.names.kind", "must be a CamelCase name starting upper-case"});
  if (!is_kind_name(crd.list_kind)) errors.push_back({"spec.names.listKind", "must be a CamelCase name starting upper-case"});
  for (std::size_t i = 0; i < crd.short_names.size(); ++i) {
    if (!is_dns_label(crd.short_names[i])) {
      errors.push_back({detail::index_path("spec.names.shortNames", i), "must be a lower-case DNS label"});
    }
  }
}

CrdVersion read_version(const json::Value& v, const std::string& path, ValidationErrors& errors) {
  CrdVersion version;
  version.name = v.get_string("name");
  version.served = v.get_bool("served", false);
  version.storage = v.get_bool("storage", false);
  version.deprecated = v.get_bool("deprecated", false);
  if (const json::Value* schema = v.find_path({"schema", "openAPIV3Schema"})) version.schema = *schema;
  if (const json::Value* status = v.find_path({"subresources", "status"})) version.status_subresource = !status->is_null();
  if (const json::Value* scale = v.find_path({"subresources", "scale"})) version.scale_subresource = *scale;
  if (const json::Value* columns = v.find("additionalPrinterColumns")) version.printer_columns = *columns;
  if (!is_dns_label(version.name)) errors.push_back({detail::member_path(path, "name"), "must be a lower-case DNS label"});
  const std::string schema_path = detail::member_path(path, "schema.openAPIV3Schema");
  if (version.schema.is_null()) {
    errors.push_back({schema_path, "Required value: apiextensions.k8s.io/v1 needs a schema for every version"});
  } else {
    for (const ValidationError& e : structural::check_schema(version.schema)) {
      errors.push_back({e.path.empty() ? schema_path : schema_path + "." + e.path, e.message});
    }
  }
  return version;
}

void read_versions(const json::Value& spec, CustomResourceDefinition& crd, ValidationErrors& errors) {
  const json::Value* versions = spec.find("versions");
  if (!versions || !versions->is_array() || versions->as_array().empty()) {
    return errors.push_back({"spec.versions", "Required value: at least one version"});
  }
  std::size_t storage_count = 0;
  for (std::size_t i = 0; i < versions->as_array().size(); ++i) {
    const std::string path = detail::index_path("spec.versions", i);
    CrdVersion version = read_version(versions->as_array()[i], path, errors);
    if (crd.version(version.name)) errors.push_back({detail::member_path(path, "name"), "Duplicate value"});
    storage_count += version.storage ? 1 : 0;
    crd.versions.push_back(std::move(version));
  }
  if (storage_count != 1) errors.push_back({"spec.versions", "exactly one version must be the storage version"});
}

// The version a resource's apiVersion names, or nullptr.
const CrdVersion* version_of(const CustomResourceDefinition& crd, const json::Value& object) {
  const std::optional<GroupVersionKind> gvk = GroupVersionKind::of(object);
  if (!gvk || gvk->group != crd.group) return nullptr;
  return crd.version(gvk->version);
}

void validate_metadata(const CrdVersion& version, const json::Value& object, const SchemaSet* builtins,
                       const ValidateOptions& options, ValidationErrors& errors) {
  const json::Value* metadata = object.find("metadata");
  if (!metadata) return;
  if (!metadata->is_object()) return errors.push_back({"metadata", "must be of type object"});
  if (builtins) {
    for (ValidationError& e : builtins->validate_as(kObjectMetaSchema, *metadata, "metadata", options)) {
      errors.push_back(std::move(e));
    }
  }
  // The CRD may constrain name and generateName (and nothing else) of its resources' metadata.
  for (const char* member : {"name", "generateName"}) {
    const json::Value* rule = version.schema.find_path({"properties", "metadata", "properties", member});
    const json::Value* value = metadata->find(member);
    if (!rule || !value) continue;
    structural::Options at;
    at.base_path = std::string("metadata.") + member;
    for (ValidationError& e : structural::validate(*rule, *value, at)) errors.push_back(std::move(e));
  }
}

}  // namespace

const CrdVersion* CustomResourceDefinition::version(std::string_view name) const {
  for (const CrdVersion& v : versions) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

const CrdVersion* CustomResourceDefinition::storage_version() const {
  for (const CrdVersion& v : versions) {
    if (v.storage) return &v;
  }
  return nullptr;
}

CrdParseResult parse_crd(const json::Value& object, const SchemaSet* builtins) {
  CrdParseResult result;
  ValidationErrors& errors = result.errors;
  if (object.get_string("apiVersion") != "apiextensions.k8s.io/v1" || object.get_string("kind") != "CustomResourceDefinition") {
    errors.push_back({"kind", "must be an apiextensions.k8s.io/v1 CustomResourceDefinition"});
    return result;
  }
  if (builtins) errors = builtins->validate(object);
  CustomResourceDefinition crd;
  if (const json::Value* metadata = object.find("metadata")) crd.name = metadata->get_string("name");
  const json::Value* spec = object.find("spec");
  if (!spec || !spec->is_object()) {
    errors.push_back({"spec", "Required value"});
    return result;
  }
  crd.group = spec->get_string("group");
  if (crd.group.empty() || crd.group.find('.') == std::string::npos) {
    errors.push_back({"spec.group", "must be a DNS subdomain with at least one dot"});
  }
  const std::string scope = spec->get_string("scope");
  if (scope != "Namespaced" && scope != "Cluster") {
    errors.push_back({"spec.scope", "Unsupported value: supported values: \"Cluster\", \"Namespaced\""});
  }
  crd.namespaced = scope != "Cluster";
  read_names(*spec, crd, errors);
  if (crd.name != crd.plural + "." + crd.group) {
    errors.push_back({"metadata.name", "must be spec.names.plural + \".\" + spec.group"});
  }
  read_versions(*spec, crd, errors);
  if (errors.empty()) result.crd = std::move(crd);
  return result;
}

ValidationErrors validate_custom_resource(const CustomResourceDefinition& crd, const json::Value& object,
                                          const SchemaSet* builtins, const ValidateOptions& options) {
  if (!object.is_object()) return {{"", "must be an object (a Kubernetes resource)"}};
  const CrdVersion* version = version_of(crd, object);
  if (!version || !version->served) {
    return {{"apiVersion", "must be a served version of " + crd.name + " (" + crd.group + "/<version>)"}};
  }
  ValidationErrors errors;
  if (object.get_string("kind") != crd.kind) errors.push_back({"kind", "must be " + crd.kind});
  validate_metadata(*version, object, builtins, options, errors);
  structural::Options structural_options;
  structural_options.unknown_fields_are_errors = options.unknown_fields_are_errors;
  structural_options.resource_root = true;
  for (ValidationError& e : structural::validate(version->schema, object, structural_options)) errors.push_back(std::move(e));
  return errors;
}

void default_custom_resource(const CustomResourceDefinition& crd, json::Value& object) {
  const CrdVersion* version = version_of(crd, object);
  if (!version || version->schema.is_null()) return;
  structural::Options options;
  options.resource_root = true;
  structural::apply_defaults(version->schema, object, options);
}

std::vector<std::string> prune_custom_resource(const CustomResourceDefinition& crd, json::Value& object) {
  const CrdVersion* version = version_of(crd, object);
  if (!version || version->schema.is_null()) return {};
  structural::Options options;
  options.resource_root = true;
  return structural::prune(version->schema, object, options);
}

}  // namespace sqlop::openapi
