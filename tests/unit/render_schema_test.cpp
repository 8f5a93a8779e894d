// Every object rendered from every sample in crd/samples/, with both Litestream formats where the sample
// allows, validated strictly (unknown fields are errors) against the official Kubernetes 1.35 OpenAPI
// documents. Also: rendering is refused for nothing in the samples, and no Secret value of a sample appears
// in what is rendered from it.
#include <catch2/catch.hpp>

#include <filesystem>

#include "host/cli/manifest_inputs.hpp"
#include "host/render/render.hpp"
#include "host/yaml/yaml_json.hpp"
#include "openapi/builtin_schemas.hpp"
#include "openapi/object_validator.hpp"
#include "sqlite_operator/base64.hpp"

namespace fs = std::filesystem;
using sqlop::json::Value;

namespace {

std::vector<std::string> sample_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SQLOP_SOURCE_DIR) / "crd" / "samples")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

const sqlop::plugins::Registry& registry() {
  static const sqlop::plugins::Registry r = sqlop::plugins::Registry::load({SQLOP_PLUGIN_DIR, {}});
  return r;
}

std::vector<std::string> secret_values(const sqlop::render::ReferencedObjects& refs) {
  std::vector<std::string> values;
  for (const auto& [name, secret] : refs.secrets) {
    if (const Value* data = secret.find("data")) {
      for (const auto& [key, encoded] : data->as_object()) {
        const auto decoded = sqlop::base64::decode(encoded.as_string());
        if (decoded && decoded->size() >= 6) values.push_back(*decoded);
      }
    }
  }
  return values;
}

}  // namespace

TEST_CASE("every sample renders, and every rendered object passes the official schemas strictly", "[schema][render]") {
  const sqlop::openapi::ObjectValidator validator(sqlop::openapi::builtin_schemas());
  const std::vector<std::string> files = sample_files();
  REQUIRE(files.size() >= 8);
  for (const char* image : {"litestream/litestream:0.3.13", "litestream/litestream:0.5.16"}) {
    sqlop::config::OperatorConfig config;
    config.images.litestream = image;
    for (const std::string& file : files) {
      INFO(file << " with " << image);
      const sqlop::cli::ManifestInputs inputs = sqlop::cli::read_manifest_files({file});
      for (const auto& e : inputs.errors) FAIL_CHECK(e.to_string());
      REQUIRE_FALSE(inputs.resources.empty());
      for (const auto& r : inputs.resources) {
        const auto refs_it = inputs.referenced.find(r.resource.metadata.namespace_);
        const sqlop::render::ReferencedObjects refs =
            refs_it == inputs.referenced.end() ? sqlop::render::ReferencedObjects{} : refs_it->second;
        const sqlop::render::RenderOutput out = sqlop::render::render_children({r.resource, config, registry(), refs});
        if (r.resource.litestream.replicas.size() > 1 && std::string(image).find(":0.5") != std::string::npos) {
          // Litestream 0.5 runs one replica per database: a multi-replica sample must be refused, not rendered.
          CHECK(out.objects.empty());
          CHECK_FALSE(out.diagnostics.errors.empty());
          continue;
        }
        for (const auto& e : out.diagnostics.errors) FAIL_CHECK(e.field << ": " << e.reason);
        REQUIRE_FALSE(out.objects.empty());
        const std::vector<std::string> secrets = secret_values(refs);
        for (const Value& object : out.objects) {
          INFO(object.get_string("kind") << " " << object.find_path({"metadata", "name"})->as_string());
          const auto errors = validator.validate(object);
          CHECK(sqlop::openapi::to_string(errors) == "");
          const std::string text = sqlop::yaml::to_yaml(object);
          for (const std::string& s : secrets) CHECK(text.find(s) == std::string::npos);
        }
      }
    }
  }
}
