#include "openapi/schema_set.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "openapi/schema_walk.hpp"

namespace sqlop::openapi {

struct SchemaSet::Data final : detail::RefResolver {
  std::map<std::string, json::Value, std::less<>> documents;         // API path -> whole document
  std::map<std::string, const json::Value*, std::less<>> schemas;   // component name -> schema (first wins)
  std::map<GroupVersionKind, std::string> kinds;                     // kind -> component name

  const json::Value* resolve(std::string_view ref) const override {
    constexpr std::string_view prefix = "#/components/schemas/";
    if (ref.substr(0, prefix.size()) != prefix) return nullptr;
    auto it = schemas.find(ref.substr(prefix.size()));
    return it == schemas.end() ? nullptr : it->second;
  }

  // Indexes the component schemas of every document. Documents are never changed afterwards, so the
  // pointers stay valid for the lifetime of this Data.
  void index() {
    for (const auto& [path, document] : documents) {
      const json::Value* components = document.find_path({"components", "schemas"});
      if (!components || !components->is_object()) continue;
      for (const auto& [name, schema] : components->as_object()) {
        if (!schemas.emplace(name, &schema).second) continue;
        index_kinds(name, schema);
      }
    }
  }

  void index_kinds(const std::string& name, const json::Value& schema) {
    const json::Value* gvks = schema.find("x-kubernetes-group-version-kind");
    if (!gvks || !gvks->is_array()) return;
    for (const json::Value& gvk : gvks->as_array()) {
      kinds.emplace(GroupVersionKind{gvk.get_string("group"), gvk.get_string("version"), gvk.get_string("kind")}, name);
    }
  }
};

namespace {

// "apis__apps__v1_openapi.json" -> "apis/apps/v1"; "" when the name does not follow the upstream scheme.
std::string api_path_of(const std::string& file_name) {
  constexpr std::string_view suffix = "_openapi.json";
  if (file_name.size() <= suffix.size() || file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {};
  }
  std::string path = file_name.substr(0, file_name.size() - suffix.size());
  for (std::size_t at = path.find("__"); at != std::string::npos; at = path.find("__", at + 1)) path.replace(at, 2, "/");
  return path;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

SchemaSet::LoadResult SchemaSet::load_directory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!api_path_of(entry.path().filename().string()).empty()) files.push_back(entry.path());
  }
  if (ec) return {std::nullopt, dir + ": " + ec.message()};
  if (files.empty()) return {std::nullopt, dir + ": no *_openapi.json documents"};
  std::vector<std::pair<std::string, json::Value>> documents;
  for (const auto& file : files) {
    const std::optional<std::string> text = read_file(file);
    if (!text) return {std::nullopt, file.string() + ": cannot read"};
    json::ParseError error;
    std::optional<json::Value> document = json::parse(*text, &error);
    if (!document) return {std::nullopt, file.string() + ": offset " + std::to_string(error.offset) + ": " + error.message};
    documents.emplace_back(api_path_of(file.filename().string()), std::move(*document));
  }
  return from_documents(std::move(documents));
}

SchemaSet::LoadResult SchemaSet::from_documents(std::vector<std::pair<std::string, json::Value>> documents) {
  auto data = std::make_shared<Data>();
  for (auto& [path, document] : documents) {
    if (!document.find_path({"components", "schemas"})) return {std::nullopt, path + ": no components.schemas"};
    data->documents.emplace(std::move(path), std::move(document));
  }
  data->index();
  return {SchemaSet(std::move(data)), {}};
}

std::optional<std::string> SchemaSet::schema_name(const GroupVersionKind& gvk) const {
  auto it = data_->kinds.find(gvk);
  if (it == data_->kinds.end()) return std::nullopt;
  return it->second;
}

std::vector<GroupVersionKind> SchemaSet::kinds() const {
  std::vector<GroupVersionKind> out;
  for (const auto& entry : data_->kinds) out.push_back(entry.first);
  return out;
}

const json::Value* SchemaSet::schema(std::string_view name) const {
  auto it = data_->schemas.find(name);
  return it == data_->schemas.end() ? nullptr : it->second;
}

ValidationErrors SchemaSet::validate(const json::Value& object, const ValidateOptions& options) const {
  if (!object.is_object()) return {{"", "must be an object (a Kubernetes resource)"}};
  const std::optional<GroupVersionKind> gvk = GroupVersionKind::of(object);
  if (!gvk) {
    ValidationErrors errors;
    if (object.get_string("apiVersion").empty()) errors.push_back({"apiVersion", "Required value"});
    if (object.get_string("kind").empty()) errors.push_back({"kind", "Required value"});
    return errors;
  }
  const std::optional<std::string> name = schema_name(*gvk);
  if (!name) return {{"kind", "no schema for " + gvk->to_string() + " in the OpenAPI documents"}};
  return validate_as(*name, object, {}, options);
}

ValidationErrors SchemaSet::validate_as(std::string_view schema_name, const json::Value& value, std::string_view base_path,
                                        const ValidateOptions& options) const {
  const json::Value* root = schema(schema_name);
  if (!root) return {{std::string(base_path), "no schema named " + std::string(schema_name)}};
  ValidationErrors errors;
  detail::WalkOptions walk;
  walk.dialect = detail::Dialect::Builtin;
  walk.unknown_fields_are_errors = options.unknown_fields_are_errors;
  detail::validate_value(detail::view_of(*root, data_.get()), value, std::string(base_path), walk, data_.get(), errors);
  return errors;
}

std::optional<FieldMetadata> SchemaSet::field_metadata(const GroupVersionKind& gvk, const FieldPath& path) const {
  const std::optional<std::string> name = schema_name(gvk);
  if (!name) return std::nullopt;
  return field_metadata_in(*name, path);
}

std::optional<FieldMetadata> SchemaSet::field_metadata_in(std::string_view schema_name, const FieldPath& path) const {
  const json::Value* root = schema(schema_name);
  if (!root) return std::nullopt;
  return detail::lookup_field(detail::view_of(*root, data_.get()), path, data_.get());
}

std::vector<std::string> SchemaSet::document_paths() const {
  std::vector<std::string> out;
  for (const auto& entry : data_->documents) out.push_back(entry.first);
  return out;
}

const json::Value* SchemaSet::document(std::string_view api_path) const {
  auto it = data_->documents.find(api_path);
  return it == data_->documents.end() ? nullptr : &it->second;
}

}  // namespace sqlop::openapi
