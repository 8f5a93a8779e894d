// The plugin loader and registry: real plugins load; every kind of broken file is refused with a message that
// names the file and the reason, and the other plugins keep working.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "host/plugins/registry.hpp"
#include "tests/support/scratch_dir.hpp"

namespace fs = std::filesystem;
using sqlop::plugins::LoadError;
using sqlop::plugins::Plugin;
using sqlop::plugins::Registry;
using sqlop::testing::ScratchDir;

namespace {

std::string test_plugin(const std::string& name) { return std::string(SQLOP_TEST_PLUGIN_DIR) + "/test-" + name + ".so"; }
std::string real_plugin(const std::string& type) { return std::string(SQLOP_PLUGIN_DIR) + "/sqlop-" + type + ".so"; }

LoadError expect_refused(const std::string& file) {
  auto loaded = sqlop::plugins::load_plugin_file(file);
  REQUIRE(std::holds_alternative<LoadError>(loaded));
  const LoadError error = std::get<LoadError>(loaded);
  CHECK(error.file == fs::absolute(file).lexically_normal().string());
  return error;
}

}  // namespace

TEST_CASE("the in-tree plugins load from the build tree's plugin directory", "[registry]") {
  const Registry registry = Registry::load({SQLOP_PLUGIN_DIR, {}});
  CHECK(registry.errors().empty());
  REQUIRE(registry.plugins().size() == 4);
  for (const char* type : {"azure", "file", "gcs", "s3"}) {
    const Plugin* plugin = registry.find(type);
    REQUIRE(plugin);
    CHECK(plugin->info().type == type);
    CHECK(plugin->info().abi_major == SQLOP_PLUGIN_ABI_MAJOR);
    CHECK(plugin->info().file == real_plugin(type));
  }
  CHECK(registry.find("S3") == registry.find("s3"));        // case-insensitive
  CHECK(registry.find("local") == registry.find("file"));   // alias
  CHECK(registry.find("sftp") == nullptr);
}

TEST_CASE("a plugin with another ABI major is refused by name", "[registry]") {
  const LoadError e = expect_refused(test_plugin("abi_major_2_table"));
  CHECK_THAT(e.reason, Catch::Contains("ABI major 2") && Catch::Contains("ABI major 1"));
}

TEST_CASE("a plugin that needs a newer host refuses this one, and says why", "[registry]") {
  const LoadError e = expect_refused(test_plugin("refuses_host"));
  CHECK_THAT(e.reason, Catch::Contains("plugin refused to load") && Catch::Contains("needs host ABI 1.99"));
}

TEST_CASE("a shared object without the entry symbol is refused", "[registry]") {
  const LoadError e = expect_refused(test_plugin("no_entry_symbol"));
  CHECK_THAT(e.reason, Catch::Contains("missing entry symbol sqlop_plugin_entry"));
}

TEST_CASE("exceptions escaping a plugin are contained", "[registry]") {
  CHECK_THAT(expect_refused(test_plugin("throwing_entry")).reason, Catch::Contains("threw an exception"));
  CHECK_THAT(expect_refused(test_plugin("throwing_describe")).reason,
             Catch::Contains("describe threw an exception across the C ABI"));
}

TEST_CASE("malformed answers and short tables are refused", "[registry]") {
  CHECK_THAT(expect_refused(test_plugin("malformed_describe")).reason, Catch::Contains("malformed JSON"));
  CHECK_THAT(expect_refused(test_plugin("small_table")).reason, Catch::Contains("plugin table is too small"));
}

TEST_CASE("a file that is not a shared object is refused", "[registry]") {
  ScratchDir dir;
  dir.write("notes.so", "this is not an ELF file\n");
  const std::string reason = expect_refused((dir.path() / "notes.so").string()).reason;
  CHECK_THAT(reason, Catch::Contains("not a loadable shared object"));
  CHECK_THAT(reason, Catch::Contains("file too short") || Catch::Contains("invalid ELF header"));  // the loader's words
  CHECK_THAT(reason, !Catch::Contains("boost::") && !Catch::Contains("Bad file descriptor"));    // not the wrapper's
}

TEST_CASE("a missing plugin file is refused with the loader's reason", "[registry]") {
  ScratchDir dir;
  const std::string reason = expect_refused((dir.path() / "absent.so").string()).reason;
  CHECK_THAT(reason, Catch::EndsWith("absent.so: cannot open shared object file: No such file or directory"));
}

TEST_CASE("one broken or duplicate file does not stop the others", "[registry]") {
  ScratchDir dir;
  dir.copy(real_plugin("s3"));
  dir.copy(real_plugin("azure"));
  dir.copy(test_plugin("duplicate_s3"));
  dir.copy(test_plugin("no_entry_symbol"));
  dir.write("garbage.so", "garbage");
  dir.write("README.txt", "not a plugin and not *.so: ignored");
  const Registry registry = Registry::load({dir.path().string(), {}});
  REQUIRE(registry.find("s3"));
  REQUIRE(registry.find("azure"));
  REQUIRE(registry.errors().size() == 3);
  // Files load in name order: sqlop-s3.so comes after test-duplicate_s3.so, so the duplicate is the later one.
  bool saw_duplicate = false;
  for (const LoadError& e : registry.errors()) {
    CHECK_FALSE(e.file.empty());
    if (e.reason.find("duplicate type 's3'") != std::string::npos) {
      saw_duplicate = true;
      CHECK_THAT(e.reason, Catch::Contains("already served by"));
    }
  }
  CHECK(saw_duplicate);
}

TEST_CASE("a configured override replaces the directory's plugin for that type", "[registry]") {
  const Registry registry = Registry::load({SQLOP_PLUGIN_DIR, {{"s3", test_plugin("duplicate_s3")}}});
  CHECK(registry.errors().empty());
  REQUIRE(registry.find("s3"));
  CHECK(registry.find("s3")->info().plugin_version == "0.0.1-duplicate");
  CHECK(registry.find("azure"));
}

TEST_CASE("an override naming a plugin of another type is refused and the type stays unserved", "[registry]") {
  const Registry registry = Registry::load({SQLOP_PLUGIN_DIR, {{"s3", real_plugin("azure")}}});
  REQUIRE(registry.errors().size() == 1);
  CHECK_THAT(registry.errors()[0].reason, Catch::Contains("configured for type 's3'"));
  CHECK(registry.find("s3") == nullptr);  // never silently fall back to another file
  CHECK(registry.find("azure"));          // the directory's azure plugin is unaffected
}

TEST_CASE("a missing plugin directory is reported", "[registry]") {
  const Registry registry = Registry::load({"/nonexistent/plugins", {}});
  REQUIRE(registry.errors().size() == 1);
  CHECK_THAT(registry.errors()[0].reason, Catch::Contains("cannot read plugin directory"));
}
