// The plugin conformance kit (host/conformance/): the four in-tree plugins pass every check, and each
// deliberately broken test plugin fails, for the check that names what it breaks.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "host/conformance/conformance.hpp"
#include "sqlite_operator/json.hpp"

namespace {

using sqlop::conformance::Options;
using sqlop::conformance::Report;

const std::vector<std::string> kAllChecks = {
    "abi", "describe", "validate-good", "validate-missing-secret", "validate-empty-secret-values",
    "validate-malformed-request", "validate-huge-input", "validate-unicode", "validate-unknown-fields",
    "render-0.3", "render-0.5", "render-malformed-request", "render-hostile-input", "render-unknown-fields",
    "determinism", "concurrency", "no-leak-across-calls", "free-response"};

std::string test_plugin(const std::string& name) { return SQLOP_TEST_PLUGIN_DIR "/test-" + name + ".so"; }

std::set<std::string> failed_checks(const Report& report) {
  std::set<std::string> out;
  for (const auto& r : report.results()) {
    if (!r.passed) out.insert(r.name);
  }
  return out;
}

Options with_sample(const std::string& text) {
  Options options;
  options.sample = sqlop::json::parse(text);
  REQUIRE(options.sample);
  return options;
}

// Echo keeps the Secret's "secret-key" from validate and renders it into the Litestream config.
constexpr const char* kEchoLeakSample = R"({
  "replica": {"type": "echo", "settings": {"leakFromValidate": true}, "credentials": {"secretName": "echo-creds"}},
  "secret": {"secret-key": "leakCanary4711Qz"}})";

// Echo renders an env var from a Secret that is not the replica's own.
constexpr const char* kEchoForeignSecretSample = R"({
  "replica": {"type": "echo", "settings": {"render": {"replica": {"type": "s3"}, "env": [
    {"name": "LITESTREAM_REPLICA_0_KEY", "valueFrom": {"secretKeyRef": {"name": "someone-elses", "key": "k"}}}]}}}})";

}  // namespace

TEST_CASE("the in-tree plugins pass every conformance check", "[conformance]") {
  for (const std::string type : {"s3", "azure", "gcs", "file"}) {
    const Report report = sqlop::conformance::check_plugin_file(SQLOP_PLUGIN_DIR "/sqlop-" + type + ".so", {});
    INFO(type << ":\n" << sqlop::conformance::format_text(report));
    CHECK(report.passed());
    std::vector<std::string> names;
    for (const auto& r : report.results()) names.push_back(r.name);
    CHECK(names == kAllChecks);
  }
}

TEST_CASE("a plugin the host refuses fails the abi check and nothing else runs", "[conformance]") {
  for (const std::string name : {"abi_major_2_table", "refuses_host", "no_entry_symbol", "throwing_entry", "small_table"}) {
    const Report report = sqlop::conformance::check_plugin_file(test_plugin(name), {});
    INFO(name << ":\n" << sqlop::conformance::format_text(report));
    CHECK(failed_checks(report) == std::set<std::string>{"abi"});
    CHECK(report.results().size() == 1);
  }
  const Report major2 = sqlop::conformance::check_plugin_file(test_plugin("abi_major_2_table"), {});
  CHECK_THAT(major2.results().front().detail, Catch::Contains("ABI major 2"));
}

TEST_CASE("a plugin whose describe fails at load fails the describe check", "[conformance]") {
  for (const std::string name : {"throwing_describe", "malformed_describe"}) {
    const Report report = sqlop::conformance::check_plugin_file(test_plugin(name), {});
    INFO(name << ":\n" << sqlop::conformance::format_text(report));
    CHECK(failed_checks(report) == std::set<std::string>{"describe"});
    REQUIRE(report.find("abi"));
    CHECK(report.find("abi")->passed);
  }
}

TEST_CASE("loaded plugins that misbehave fail the checks for what they break", "[conformance]") {
  struct Case {
    std::string plugin;
    Options options;
    std::set<std::string> failed;  // exactly these checks fail
  };
  const std::vector<Case> cases = {
      {"nondeterministic", {}, {"determinism", "concurrency", "render-unknown-fields"}},
      {"sloppy_raw", {}, {"validate-malformed-request", "render-malformed-request", "free-response"}},
      {"fragile", {}, {"validate-huge-input", "validate-unknown-fields"}},
  };
  for (const Case& c : cases) {
    const Report report = sqlop::conformance::check_plugin_file(test_plugin(c.plugin), c.options);
    INFO(c.plugin << ":\n" << sqlop::conformance::format_text(report));
    CHECK(failed_checks(report) == c.failed);
    CHECK(report.results().size() == kAllChecks.size());
  }
}

TEST_CASE("a plugin that carries a Secret value from validate into render fails the leak check", "[conformance]") {
  const Report report = sqlop::conformance::check_plugin_file(test_plugin("echo"), with_sample(kEchoLeakSample));
  const std::string text = sqlop::conformance::format_text(report);
  INFO(text);
  const std::set<std::string> failed = failed_checks(report);
  CHECK(failed.count("no-leak-across-calls"));
  CHECK(failed.count("render-0.3"));
  CHECK(failed.count("render-0.5"));
  CHECK_FALSE(failed.count("validate-good"));
  // The report names the leak but never shows the Secret value.
  CHECK(text.find("leakCanary4711Qz") == std::string::npos);
  CHECK(text.find("bGVha0NhbmFyeTQ3MTFReg") == std::string::npos);
}

TEST_CASE("render output the host would refuse fails the render checks", "[conformance]") {
  const Report report =
      sqlop::conformance::check_plugin_file(test_plugin("echo"), with_sample(kEchoForeignSecretSample));
  INFO(sqlop::conformance::format_text(report));
  REQUIRE(report.find("render-0.3"));
  CHECK_FALSE(report.find("render-0.3")->passed);
  CHECK_THAT(report.find("render-0.3")->detail, Catch::Contains("references a Secret other than"));
  CHECK(report.find("validate-good")->passed);
}

TEST_CASE("a plugin with minimal validation fails the empty-Secret check", "[conformance]") {
  const Report report = sqlop::conformance::check_plugin_file(test_plugin("alt_s3"), {});
  INFO(sqlop::conformance::format_text(report));
  CHECK(failed_checks(report) == std::set<std::string>{"validate-empty-secret-values"});
}

TEST_CASE("a malformed sample is reported, not run", "[conformance]") {
  const Report report =
      sqlop::conformance::check_plugin_file(SQLOP_PLUGIN_DIR "/sqlop-s3.so", with_sample(R"({"secret": {}})"));
  CHECK(failed_checks(report) == std::set<std::string>{"sample"});
}

TEST_CASE("the conformance report prints one line per check and a JSON form", "[conformance]") {
  Report report("x.so");
  report.pass("abi", "ok");
  report.fail("describe", "no version");
  CHECK(sqlop::conformance::format_text(report) == "PASS abi: ok\nFAIL describe: no version\n1 passed, 1 failed\n");
  const sqlop::json::Value json = sqlop::conformance::to_json(report);
  CHECK(json.get_string("file") == "x.so");
  CHECK_FALSE(json.get_bool("passed", true));
  REQUIRE(json.find("checks")->as_array().size() == 2);
  CHECK(json.find("checks")->as_array()[1].get_string("name") == "describe");
}
