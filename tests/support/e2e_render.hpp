// Rendering a SqliteDatabase for an end-to-end test, the way the controller does: from YAML written in the
// test (the resource first, then the Secrets and ConfigMaps it references), with the real backend plugins.
#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include "host/config/operator_config.hpp"
#include "host/model/parse.hpp"
#include "host/plugins/registry.hpp"
#include "host/render/names.hpp"
#include "host/render/render.hpp"
#include "host/yaml/yaml_json.hpp"
#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testing {

inline const plugins::Registry& real_plugins() {
  static const plugins::Registry registry = [] {
    plugins::Registry r = plugins::Registry::load({SQLOP_PLUGIN_DIR, {}});
    if (!r.errors().empty() || !r.find("file") || !r.find("s3") || !r.find("abs") || !r.find("gcs")) {
      throw std::runtime_error(std::string("the backend plugins did not all load from ") + SQLOP_PLUGIN_DIR);
    }
    return r;
  }();
  return registry;
}

struct RenderedResource {
  render::RenderOutput out;
  render::ReferencedObjects referenced;  // every Secret and ConfigMap the test wrote (stringData folded)

  const json::Value* find(const std::string& kind) const {
    for (const json::Value& o : out.objects) {
      if (o.get_string("kind") == kind) return &o;
    }
    return nullptr;
  }
  const json::Value& container(const std::string& name) const {
    const json::Value* dep = find("Deployment");
    if (!dep) throw std::runtime_error("nothing rendered: no Deployment");
    const json::Value& pod = *dep->find_path({"spec", "template", "spec"});
    for (const char* list : {"initContainers", "containers"}) {
      for (const json::Value& c : pod.find(list)->as_array()) {
        if (c.get_string("name") == name) return c;
      }
    }
    throw std::runtime_error("rendered pod has no container " + name);
  }
  std::string litestream_yml() const {
    const json::Value* cm = find("ConfigMap");
    if (!cm) throw std::runtime_error("nothing rendered: no ConfigMap");
    return cm->find_path({"data", render::kLitestreamConfigKey})->as_string();
  }
  // Errors and warnings, one a line, for failure messages (they never hold Secret values by contract).
  std::string diagnostics() const {
    std::string text;
    for (const auto& e : out.diagnostics.errors) text += "error: " + e.field + ": " + e.reason + "\n";
    for (const auto& w : out.diagnostics.warnings) text += "warning: " + w.field + ": " + w.reason + "\n";
    return text;
  }
  bool ok() const { return out.diagnostics.errors.empty() && find("Deployment") != nullptr; }
};

// The API server's view of a Secret: stringData folded into base64 data.
inline json::Value fold_string_data(json::Value secret) {
  if (const json::Value* string_data = secret.find("stringData")) {
    const json::Value copy = *string_data;
    for (const auto& [key, value] : copy.as_object()) secret["data"][key] = base64::encode(value.as_string());
    secret.as_object().erase("stringData");
  }
  return secret;
}

// The image whose binary the tests run (the npm package holds Litestream 0.3.13).
inline constexpr const char* kLitestreamImage = "litestream/litestream:0.3.13";

struct RenderOptions {
  std::string litestream_image = kLitestreamImage;
  // Secrets the test writes (the pod needs them) but keeps from the renderer, which then treats them as
  // "not supplied" (as the offline render command does).
  std::set<std::string> withheld_from_render;
};

// `yaml`: the SqliteDatabase first, then any Secrets and ConfigMaps. Throws on malformed test input.
inline RenderedResource render_manifests(const std::string& yaml, const RenderOptions& options = {}) {
  const yaml::LoadResult docs = yaml::load_all(yaml);
  if (!docs.ok()) throw std::runtime_error("test YAML: " + docs.error);
  if (docs.documents.empty()) throw std::runtime_error("test YAML has no documents");
  const model::ParseResult parsed = model::parse_sqlite_database(docs.documents.front().value);
  if (!parsed.resource) {
    std::string reasons;
    for (const auto& e : parsed.diagnostics.errors) reasons += "\n  " + e.field + ": " + e.reason;
    throw std::runtime_error("test SqliteDatabase does not parse:" + reasons);
  }
  RenderedResource r;
  render::ReferencedObjects for_render;
  for (std::size_t i = 1; i < docs.documents.size(); ++i) {
    const json::Value& doc = docs.documents[i].value;
    const std::string name = doc.find_path({"metadata", "name"})->as_string();
    if (doc.get_string("kind") == "Secret") {
      r.referenced.secrets[name] = fold_string_data(doc);
      if (!options.withheld_from_render.count(name)) for_render.secrets[name] = r.referenced.secrets[name];
    } else if (doc.get_string("kind") == "ConfigMap") {
      r.referenced.config_maps[name] = doc;
      for_render.config_maps[name] = doc;
    } else {
      throw std::runtime_error("test YAML document " + std::to_string(i + 1) + " is neither a Secret nor a ConfigMap");
    }
  }
  // Complete like the controller's cache, unless the test withholds something on purpose.
  for_render.complete = options.withheld_from_render.empty();
  r.referenced.complete = true;
  config::OperatorConfig config;
  config.images.litestream = options.litestream_image;
  r.out = render::render_children({*parsed.resource, config, real_plugins(), for_render});
  return r;
}

}  // namespace sqlop::testing
