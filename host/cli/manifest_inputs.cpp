#include "host/cli/manifest_inputs.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <tuple>
#include <sstream>

#include "host/model/parse.hpp"
#include "host/yaml/yaml_json.hpp"
#include "sqlite_operator/base64.hpp"

namespace sqlop::cli {
namespace {

std::string object_label(const json::Value& doc, std::size_t index) {
  const std::string kind = doc.get_string("kind");
  const json::Value* meta = doc.find("metadata");
  const std::string name = meta ? meta->get_string("name") : "";
  if (kind.empty() || name.empty()) return "document " + std::to_string(index + 1);
  const std::string ns = meta->get_string("namespace", "default");
  return kind + " " + ns + "/" + name;
}

// Folds stringData into data (base64), as the API server does, and checks every data value is base64.
json::Value normalise_secret(json::Value secret, const std::string& file, const std::string& label,
                             std::vector<InputProblem>& errors) {
  json::Value& data = secret["data"];
  if (!data.is_object()) data = json::Value::object();
  for (const auto& [key, value] : data.as_object()) {
    if (!value.is_string() || !base64::decode(value.as_string())) {
      errors.push_back({file, label, "data." + key, "must be base64-encoded (use stringData for plain text)"});
    }
  }
  if (const json::Value* string_data = secret.find("stringData"); string_data && string_data->is_object()) {
    for (const auto& [key, value] : string_data->as_object()) {
      if (!value.is_string()) {
        errors.push_back({file, label, "stringData." + key, "must be a string"});
        continue;
      }
      data[key] = base64::encode(value.as_string());
    }
  }
  secret.as_object().erase("stringData");
  return secret;
}

bool read_file(const std::string& path, std::string& text) {
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
    return true;
  }
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return true;
}

void add_document(ManifestInputs& out, const std::string& file, const json::Value& doc, std::size_t index) {
  const std::string label = object_label(doc, index);
  if (!doc.is_object()) {
    out.errors.push_back({file, label, "", "expected a Kubernetes object (a YAML mapping)"});
    return;
  }
  const std::string kind = doc.get_string("kind");
  const json::Value* meta = doc.find("metadata");
  const std::string ns = meta ? meta->get_string("namespace", "default") : "default";
  const std::string name = meta ? meta->get_string("name") : "";
  if (kind == "SqliteDatabase") {
    model::ParseResult parsed = model::parse_sqlite_database(doc);
    for (const auto& e : parsed.diagnostics.errors) out.errors.push_back({file, label, e.field, e.reason});
    for (const auto& w : parsed.diagnostics.warnings) out.warnings.push_back({file, label, w.field, w.reason});
    if (parsed.resource) {
      out.resources.push_back({file, std::move(*parsed.resource), true});
    } else if (parsed.best_effort) {
      out.resources.push_back({file, std::move(*parsed.best_effort), false});
    }
  } else if ((kind == "Secret" || kind == "ConfigMap") && doc.get_string("apiVersion") == "v1") {
    if (name.empty()) {
      out.errors.push_back({file, label, "metadata.name", "is required"});
      return;
    }
    render::ReferencedObjects& refs = out.referenced[ns];
    if (kind == "Secret") {
      refs.secrets[name] = normalise_secret(doc, file, label, out.errors);
    } else {
      refs.config_maps[name] = doc;
    }
  } else {
    out.warnings.push_back({file, label, "", "ignored: render reads SqliteDatabases and the Secrets and ConfigMaps "
                                             "they reference"});
  }
}

}  // namespace

std::string InputProblem::to_string() const {
  std::string s = file + ": " + object;
  if (!field.empty()) s += ": " + field;
  return s + ": " + reason;
}

ManifestInputs read_manifest_files(const std::vector<std::string>& files) {
  ManifestInputs out;
  for (const std::string& file : files) {
    std::string text;
    if (!read_file(file, text)) {
      out.errors.push_back({file, "file", "", "cannot be read"});
      continue;
    }
    const yaml::LoadResult loaded = yaml::load_all(text);
    if (!loaded.ok()) {
      out.errors.push_back({file, "YAML", "", loaded.error});
      continue;
    }
    for (std::size_t i = 0; i < loaded.documents.size(); ++i) add_document(out, file, loaded.documents[i].value, i);
  }
  std::stable_sort(out.resources.begin(), out.resources.end(), [](const auto& a, const auto& b) {
    return std::tie(a.resource.metadata.namespace_, a.resource.metadata.name) <
           std::tie(b.resource.metadata.namespace_, b.resource.metadata.name);
  });
  for (std::size_t i = 1; i < out.resources.size(); ++i) {
    const auto& a = out.resources[i - 1].resource.metadata;
    const auto& b = out.resources[i].resource.metadata;
    if (a.namespace_ == b.namespace_ && a.name == b.name) {
      out.errors.push_back({out.resources[i].file, "SqliteDatabase " + b.namespace_ + "/" + b.name, "metadata.name",
                            "is defined twice"});
    }
  }
  return out;
}

}  // namespace sqlop::cli
