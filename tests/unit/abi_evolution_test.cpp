// The ABI compatibility rules of plugin.h, each proved with a real shared object:
// - tables grow only at the end: a plugin with exactly ABI 1.0's table loads, a plugin from a later minor
//   with a longer table loads and its unknown fields are never touched, and a plugin built against 1.0
//   accepts a host whose own table has grown (a later minor with an appended call);
// - another major is refused by both sides, with a message; a plugin refuses a host older than it needs;
// - JSON documents only grow: plugins ignore request members they do not know, the host ignores response
//   members it does not know.
#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "host/config/operator_config.hpp"
#include "host/model/parse.hpp"
#include "host/plugins/plugin.hpp"
#include "host/plugins/registry.hpp"
#include "host/render/render.hpp"
#include "host/yaml/yaml_json.hpp"
#include "sqlite_operator/json.hpp"
#include "sqlite_operator/plugin.h"
#include "tests/support/scratch_dir.hpp"

namespace fs = std::filesystem;
using sqlop::json::Array;
using sqlop::json::Value;
using sqlop::plugins::LoadError;
using sqlop::plugins::Plugin;
using sqlop::testing::ScratchDir;

namespace {

std::string test_plugin(const std::string& name) { return std::string(SQLOP_TEST_PLUGIN_DIR) + "/test-" + name + ".so"; }
std::string real_plugin(const std::string& type) { return std::string(SQLOP_PLUGIN_DIR) + "/sqlop-" + type + ".so"; }

std::shared_ptr<const Plugin> load(const std::string& file) {
  auto loaded = sqlop::plugins::load_plugin_file(file);
  if (auto* error = std::get_if<LoadError>(&loaded)) FAIL("cannot load " << file << ": " << error->reason);
  return std::get<std::shared_ptr<const Plugin>>(loaded);
}

LoadError refused(const std::string& file) {
  auto loaded = sqlop::plugins::load_plugin_file(file);
  REQUIRE(std::holds_alternative<LoadError>(loaded));
  return std::get<LoadError>(loaded);
}

Value parse(const std::string& text) {
  auto v = sqlop::json::parse(text);
  REQUIRE(v);
  return *v;
}

// A validate/render request as the host builds it for replica 0.
Value request_for(const Value& replica, const std::string& format = "0.5") {
  Value r = Value::object();
  r["replica"] = replica;
  r["fieldPath"] = "spec.litestream.replicas[0]";
  r["replicaIndex"] = 0;
  r["replicas"] = Array{replica};
  r["litestream"]["version"] = format == "0.3" ? "0.3.13" : "0.5.16";
  r["litestream"]["format"] = format;
  r["database"] = parse(R"({"name":"app.db","path":"/data/app.db","pvcName":"mydb-db-storage",
                            "resourceName":"mydb","namespace":"default"})");
  r["envPrefix"] = "LITESTREAM_REPLICA_0_";
  r["volumePrefix"] = "replica-0-";
  r["mountRoot"] = "/var/run/sqlite-operator/replica-0";
  return r;
}

// The same request as a newer host would send it: unknown members at every protocol level.
Value with_unknown_members(Value request) {
  request["futureTopLevel"] = parse(R"({"nested": [1, "two", null], "flag": true})");
  request["litestream"]["futureLitestream"] = "0.9";
  request["database"]["futureDatabase"] = 42;
  if (Value* secret = request.find("secret")) (*secret)["futureSecretMember"] = "not secret data";
  return request;
}

// --- a plugin as the host sees it through dlopen, for host tables the real loader never builds ----------

// One private copy of a plugin file, loaded on its own, so its statics (the host table pointer the SDK
// keeps) are not shared with the copy other tests load through the registry.
class PrivateCopy {
 public:
  explicit PrivateCopy(const std::string& file) {
    const std::string copy = dir_.file(fs::path(file).filename().string());
    fs::copy_file(file, copy);
    handle_ = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) FAIL("dlopen " << copy << ": " << dlerror());
    entry_ = reinterpret_cast<sqlop_plugin_entry_fn>(dlsym(handle_, SQLOP_PLUGIN_ENTRY_SYMBOL));
    if (!entry_) FAIL("no entry symbol in " << copy);
  }
  ~PrivateCopy() {
    if (handle_) dlclose(handle_);
  }
  PrivateCopy(const PrivateCopy&) = delete;
  PrivateCopy& operator=(const PrivateCopy&) = delete;

  // The plugin's answer to `host`; on refusal nullptr and the reason in error().
  const sqlop_plugin_table* negotiate(const sqlop_host_table* host) {
    error_.fill('\0');
    return entry_(host, error_.data(), error_.size());
  }
  std::string error() const { return std::string(error_.data()); }

 private:
  ScratchDir dir_;
  void* handle_ = nullptr;
  sqlop_plugin_entry_fn entry_ = nullptr;
  std::array<char, 512> error_{};
};

void ignore_log(void*, int, const char*) {}
void future_host_service(void*) {}

// How a later minor grows the host table: the 1.0 fields first, appended fields after, struct_size
// covering them all. Static: a plugin may keep the pointer for as long as it is loaded.
struct GrownHostTable {
  sqlop_host_table known;
  void (*future_service)(void* context); /* "added in ABI 1.(minor+1)" */
  std::uint64_t future_flags;
};

const sqlop_host_table* host_table(std::uint16_t major, std::uint16_t minor) {
  static GrownHostTable table;
  table = GrownHostTable{{sizeof(GrownHostTable), major, minor, nullptr, &ignore_log}, &future_host_service,
                         ~UINT64_C(0)};
  return &table.known;
}

// Calls one C function of a table and returns its parsed answer; the response goes back to the plugin.
Value call(const sqlop_plugin_table* table, sqlop_call_fn fn, const Value& request, int expected_status = SQLOP_OK) {
  char* raw = nullptr;
  const int status = fn(sqlop::json::dump(request).c_str(), &raw);
  REQUIRE(raw);
  const std::string text(raw);
  table->free_response(raw);
  CHECK(status == expected_status);
  return parse(text);
}

// A replica each in-tree plugin validates without errors and renders.
Value valid_replica(const std::string& type) {
  if (type == "s3") return parse(R"({"type":"s3","name":"s3-0","bucket":"backups-bucket","region":"us-east-1",
                                     "credentials":{"secretName":"s3-creds"}})");
  if (type == "azure") return parse(R"({"type":"azure","name":"azure-0","bucket":"backups",
                                        "credentials":{"secretName":"az-creds"}})");
  if (type == "gcs") return parse(R"({"type":"gcs","name":"gcs-0","bucket":"backups-bucket"})");
  return parse(R"({"type":"file","name":"file-0","settings":{"claimName":"backup-pvc"}})");
}

}  // namespace

TEST_CASE("a plugin whose table is exactly ABI 1.0's size loads in this host and serves", "[abi]") {
  const auto plugin = load(test_plugin("abi_1_0_table"));
  CHECK(plugin->info().abi_major == 1);
  CHECK(plugin->info().abi_minor == 0);
  const auto rendered = plugin->render(request_for(parse(R"({"type":"abi-one-zero","path":"db"})")));
  REQUIRE(rendered.ok);
  CHECK(rendered.response.find_path({"replica", "path"})->as_string() == "/var/run/sqlite-operator/replica-0/db");
  const auto validated = plugin->validate(request_for(parse(R"({"type":"abi-one-zero"})")));
  REQUIRE(validated.ok);
  CHECK(validated.response.find("errors")->as_array().size() == 1);
}

TEST_CASE("a plugin from a later minor with a longer table loads, the host ignores what it does not know", "[abi]") {
  // Its appended call aborts the process if called: this test passing shows the host never touched it.
  const auto plugin = load(test_plugin("newer_minor_table"));
  CHECK(plugin->info().abi_major == SQLOP_PLUGIN_ABI_MAJOR);
  CHECK(plugin->info().abi_minor == SQLOP_PLUGIN_ABI_MINOR + 1);
  CHECK((plugin->info().capabilities & SQLOP_CAP_LITESTREAM_0_5) != 0);  // known flags still read
  CHECK(plugin->validate(request_for(parse(R"({"type":"future-minor"})"))).ok);
  const auto rendered = plugin->render(request_for(parse(R"({"type":"future-minor"})")));
  REQUIRE(rendered.ok);
  CHECK(rendered.response.find_path({"replica", "path"})->as_string() == "/var/run/sqlite-operator/replica-0/future");
}

TEST_CASE("plugins built against ABI 1.0 accept a host whose table has grown (a later minor, an extra call)", "[abi]") {
  // Every in-tree plugin, and the SDK-built test plugin that needs nothing newer than 1.0.
  for (const std::string& file : {real_plugin("s3"), real_plugin("azure"), real_plugin("gcs"), real_plugin("file")}) {
    INFO(file);
    PrivateCopy copy(file);
    const sqlop_plugin_table* table = copy.negotiate(host_table(SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR + 1));
    REQUIRE(table);
    CHECK(table->abi_major == SQLOP_PLUGIN_ABI_MAJOR);
    CHECK(table->struct_size >= SQLOP_PLUGIN_TABLE_SIZE_1_0);
    const Value described = call(table, table->describe, Value::object());
    CHECK(described.get_string("type") == table->type);
    const Value request = request_for(valid_replica(table->type));
    CHECK(call(table, table->validate, request).find("errors")->as_array().empty());
    CHECK(call(table, table->render, request).find("replica")->is_object());
  }
}

TEST_CASE("a plugin refuses a host of another ABI major, and says which", "[abi]") {
  PrivateCopy copy(real_plugin("s3"));
  CHECK(copy.negotiate(host_table(SQLOP_PLUGIN_ABI_MAJOR + 1, 0)) == nullptr);
  CHECK_THAT(copy.error(), Catch::Contains("plugin 's3'") && Catch::Contains("ABI major 1") &&
                               Catch::Contains("host offers 2"));
  // The same plugin accepts a host of its own major again: the refusal was about the major only.
  CHECK(copy.negotiate(host_table(SQLOP_PLUGIN_ABI_MAJOR, 0)) != nullptr);
}

TEST_CASE("the host refuses a plugin of another ABI major with a message naming the file", "[abi]") {
  const std::string file = test_plugin("abi_major_2_table");
  const LoadError e = refused(file);
  CHECK(e.file == fs::absolute(file).lexically_normal().string());
  CHECK_THAT(e.reason, Catch::Contains("plugin implements ABI major 2, this host implements ABI major 1"));
  // Through the registry too: the refusal is reported, and the plugins beside it keep working.
  const auto registry = sqlop::plugins::Registry::load({SQLOP_PLUGIN_DIR, {{"future", file}}});
  REQUIRE(registry.errors().size() == 1);
  CHECK(registry.errors()[0].file == e.file);
  CHECK(registry.find("s3"));
}

TEST_CASE("a plugin refuses a host older than it needs, and accepts one new enough", "[abi]") {
  const LoadError e = refused(test_plugin("refuses_host"));
  CHECK_THAT(e.reason, Catch::Contains("plugin refused to load") && Catch::Contains("needs host ABI 1.99") &&
                           Catch::Contains("host offers 1." + std::to_string(SQLOP_PLUGIN_ABI_MINOR)));
  PrivateCopy copy(test_plugin("refuses_host"));
  CHECK(copy.negotiate(host_table(SQLOP_PLUGIN_ABI_MAJOR, 98)) == nullptr);
  CHECK(copy.negotiate(host_table(SQLOP_PLUGIN_ABI_MAJOR, 99)) != nullptr);
}

TEST_CASE("the in-tree plugins ignore request members they do not know", "[abi]") {
  const Value s3_secret = parse(R"({"name":"s3-creds","namespace":"default",
      "data":{"access-key":"QUtJQUlPU0ZPRE5ON0VYQU1QTEU=","secret-key":"d0phbHJYVXRuRkVNSS9LN01ERU5HL2JQeFJmaUNZRVhBTVBMRUtFWQ=="}})");
  for (const std::string type : {"s3", "azure", "gcs", "file"}) {
    INFO(type);
    const auto plugin = load(real_plugin(type));
    for (const std::string format : {"0.3", "0.5"}) {
      INFO(format);
      Value validate_request = request_for(valid_replica(type), format);
      if (type == "s3") validate_request["secret"] = s3_secret;
      const auto plain = plugin->validate(validate_request);
      const auto extended = plugin->validate(with_unknown_members(validate_request));
      REQUIRE(plain.ok);
      REQUIRE(extended.ok);
      CHECK(sqlop::json::dump(extended.response) == sqlop::json::dump(plain.response));

      const Value render_request = request_for(valid_replica(type), format);
      const auto rendered = plugin->render(render_request);
      const auto rendered_extended = plugin->render(with_unknown_members(render_request));
      REQUIRE(rendered.ok);
      REQUIRE(rendered_extended.ok);
      CHECK(sqlop::json::dump(rendered_extended.response) == sqlop::json::dump(rendered.response));
    }
  }
}

TEST_CASE("the host ignores response members it does not know and renders with the plugin", "[abi]") {
  const auto registry = sqlop::plugins::Registry::load({"", {{"extra-members", test_plugin("extra_members")}}});
  REQUIRE(registry.errors().empty());
  REQUIRE(registry.find("extra"));  // describe's aliases were read beside its unknown members

  const auto docs = sqlop::yaml::load_all(R"(
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: extra, namespace: default}
spec:
  litestream:
    replicas:
    - type: extra-members
)");
  REQUIRE(docs.ok());
  auto parsed = sqlop::model::parse_sqlite_database(docs.documents.at(0).value);
  REQUIRE(parsed.resource);
  sqlop::config::OperatorConfig config;
  config.images.litestream = "litestream/litestream:0.3.13";
  const sqlop::render::ReferencedObjects none;
  const auto out = sqlop::render::render_children({*parsed.resource, config, registry, none});
  for (const auto& e : out.diagnostics.errors) FAIL_CHECK(e.field << ": " << e.reason);
  REQUIRE_FALSE(out.objects.empty());
  std::string yml;
  for (const Value& o : out.objects) {
    if (o.get_string("kind") == "ConfigMap") yml = o.find_path({"data", "litestream.yml"})->as_string();
  }
  CHECK_THAT(yml, Catch::Contains("/var/run/sqlite-operator/replica-0/extra"));
  CHECK_THAT(yml, !Catch::Contains("future"));
  bool saw_plugin_warning = false;
  for (const auto& w : out.diagnostics.warnings) {
    if (w.reason.find("unknown member") != std::string::npos) saw_plugin_warning = true;
  }
  CHECK(saw_plugin_warning);
}
