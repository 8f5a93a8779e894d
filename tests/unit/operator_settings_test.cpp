// Loading the operator config and plugins at start and on reload; mapping watch events to work.
#include <catch2/catch.hpp>

#include <filesystem>

#include "host/operator/settings_loader.hpp"
#include "host/operator/watch_mapping.hpp"
#include "tests/support/scratch_dir.hpp"

using sqlop::json::Value;
using sqlop::op::load_settings;
using sqlop::testing::ScratchDir;

namespace {

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

std::string test_plugin(const std::string& name) {
  return std::string(SQLOP_TEST_PLUGIN_DIR) + "/test-" + name + ".so";
}

std::string config(const ScratchDir& dir, const std::string& overrides) {
  return dir.write("operator.yaml", std::string("pluginDirectory: ") + SQLOP_PLUGIN_DIR + "\n" + overrides);
}

}  // namespace

TEST_CASE("operator settings: the built-in defaults load the in-tree plugins", "[opsettings]") {
  ScratchDir dir;
  const auto load = load_settings(config(dir, ""), nullptr);
  INFO((load.errors.empty() ? "" : load.errors.front()));
  REQUIRE(load.settings);
  for (const char* type : {"s3", "azure", "gcs", "file", "local", "abs"}) {
    CHECK(load.settings->registry.find(type));
  }
}

TEST_CASE("operator settings: a config error names the field and loads nothing", "[opsettings]") {
  ScratchDir dir;
  const auto load = load_settings(dir.write("operator.yaml", "imagez: {}\n"), nullptr);
  CHECK_FALSE(load.settings);
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].find("imagez") != std::string::npos);
}

TEST_CASE("operator settings: a reload swaps a backend to its override", "[opsettings]") {
  ScratchDir dir;
  const auto first = load_settings(config(dir, ""), nullptr);
  REQUIRE(first.settings);
  const std::string replacement = test_plugin("duplicate_s3");
  const auto second = load_settings(config(dir, "plugins:\n  s3: " + replacement + "\n"), first.settings.get());
  INFO((second.errors.empty() ? "" : second.errors.front()));
  REQUIRE(second.settings);
  CHECK(second.settings->registry.find("s3")->info().plugin_version == "0.0.1-duplicate");
}

TEST_CASE("operator settings: relative plugin paths in a config file are relative to the file, not the working "
          "directory",
          "[opsettings]") {
  ScratchDir dir;
  std::filesystem::copy_file(test_plugin("duplicate_s3"), dir.path() / "vendor-s3.so");
  std::filesystem::create_directories(dir.path() / "plugins");
  for (const char* type : {"azure", "gcs", "file"}) {
    const std::string name = std::string("sqlop-") + type + ".so";
    std::filesystem::copy_file(std::string(SQLOP_PLUGIN_DIR) + "/" + name, dir.path() / "plugins" / name);
  }
  const std::string path = dir.write("operator.yaml", "pluginDirectory: plugins\nplugins:\n  s3: ./vendor-s3.so\n");
  // The working directory stays the test's own, which holds neither file.
  REQUIRE_FALSE(std::filesystem::exists("vendor-s3.so"));
  const auto load = load_settings(path, nullptr);
  INFO((load.errors.empty() ? "" : load.errors.front()));
  REQUIRE(load.settings);
  CHECK(load.settings->registry.find("s3")->info().plugin_version == "0.0.1-duplicate");
  for (const char* type : {"azure", "gcs", "file"}) CHECK(load.settings->registry.find(type));
}

TEST_CASE("operator settings: a broken override fails the reload and names the file", "[opsettings]") {
  ScratchDir dir;
  const auto first = load_settings(config(dir, ""), nullptr);
  REQUIRE(first.settings);
  const std::string broken = test_plugin("throwing_entry");
  const auto reload = load_settings(config(dir, "plugins:\n  s3: " + broken + "\n"), first.settings.get());
  CHECK_FALSE(reload.settings);
  REQUIRE_FALSE(reload.errors.empty());
  CHECK(reload.errors.front().find(broken) != std::string::npos);
}

TEST_CASE("operator settings: a reload that would drop a backend type is refused", "[opsettings]") {
  ScratchDir plugins;
  plugins.copy(std::string(SQLOP_PLUGIN_DIR) + "/sqlop-s3.so");
  ScratchDir dir;
  const auto first = load_settings(config(dir, ""), nullptr);
  REQUIRE(first.settings);
  const auto reload =
      load_settings(dir.write("operator.yaml", "pluginDirectory: " + plugins.path().string() + "\n"), first.settings.get());
  CHECK_FALSE(reload.settings);
  bool names_azure = false;
  for (const auto& e : reload.errors) names_azure = names_azure || e.find("\"azure\"") != std::string::npos;
  CHECK(names_azure);
}

TEST_CASE("watch mapping: children map to their SqliteDatabase by the instance label", "[watchmapping]") {
  const Value child = parse(R"({"metadata":{"name":"shop-db-storage","namespace":"team","labels":{
    "app.kubernetes.io/instance":"shop","app.kubernetes.io/managed-by":"sqlite-operator"}}})");
  CHECK(sqlop::op::owner_key_of_child(child) == "team/shop");
  const Value foreign = parse(R"({"metadata":{"name":"x","namespace":"team","labels":{
    "app.kubernetes.io/instance":"shop","app.kubernetes.io/managed-by":"helm"}}})");
  CHECK(sqlop::op::owner_key_of_child(foreign).empty());
  CHECK(sqlop::op::managed_children_selector() == "app.kubernetes.io/managed-by=sqlite-operator");
}

TEST_CASE("watch mapping: status-only updates do not trigger a reconcile", "[watchmapping]") {
  const Value before = parse(R"({"metadata":{"name":"a","resourceVersion":"1","generation":1},"spec":{"x":1}})");
  Value status_only = before;
  status_only["metadata"]["resourceVersion"] = "2";
  status_only["status"]["phase"] = "Running";
  CHECK_FALSE(sqlop::op::database_changed(before, status_only));
  Value spec = before;
  spec["spec"]["x"] = 2;
  CHECK(sqlop::op::database_changed(before, spec));
  Value deleting = before;
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  CHECK(sqlop::op::database_changed(before, deleting));
  CHECK(sqlop::op::database_changed(before, before));  // a resync
}

TEST_CASE("watch mapping: a SqliteDatabase is indexed under the Secrets and ConfigMaps it references", "[watchmapping]") {
  const Value db = parse(R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase",
    "metadata":{"name":"shop","namespace":"team"},
    "spec":{"database":{"initScript":"schema"},
            "litestream":{"replicas":[{"type":"s3","bucket":"b","region":"r","credentials":{"secretName":"aws"}}]},
            "sqliteRest":{"enabled":true,"authSecret":"jwt"}}})");
  CHECK(sqlop::op::referenced_secret_keys(db) == std::vector<std::string>{"team/aws", "team/jwt"});
  CHECK(sqlop::op::referenced_config_map_keys(db) == std::vector<std::string>{"team/schema"});
}
