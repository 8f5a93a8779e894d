#include "host/conformance/conformance.hpp"

#include <variant>

#include "host/conformance/check_context.hpp"
#include "host/conformance/sample.hpp"

namespace sqlop::conformance {
namespace {

std::string capability_names(std::uint64_t capabilities) {
  std::string out;
  auto add = [&](std::uint64_t flag, const char* name) {
    if (capabilities & flag) out += (out.empty() ? "" : "|") + std::string(name);
  };
  add(SQLOP_CAP_LITESTREAM_0_3, "LITESTREAM_0_3");
  add(SQLOP_CAP_LITESTREAM_0_5, "LITESTREAM_0_5");
  add(SQLOP_CAP_SECRET_FILES, "SECRET_FILES");
  return out.empty() ? "none" : out;
}

std::string abi_summary(const plugins::PluginInfo& info) {
  return "type " + info.type + ", ABI " + std::to_string(info.abi_major) + "." + std::to_string(info.abi_minor) +
         " (host " + std::to_string(SQLOP_PLUGIN_ABI_MAJOR) + "." + std::to_string(SQLOP_PLUGIN_ABI_MINOR) +
         "), capabilities " + capability_names(info.capabilities);
}

}  // namespace

void check_plugin(const plugins::Plugin& plugin, const Options& options, Report& report) {
  Sample sample = sample_for(plugin.info());
  if (options.sample) {
    auto parsed = parse_sample(*options.sample, plugin.info().type);
    if (const std::string* error = std::get_if<std::string>(&parsed)) {
      report.fail("sample", *error);
      return;
    }
    sample = std::get<Sample>(std::move(parsed));
  }
  CheckContext context(plugin, std::move(sample), report);
  check_describe(context);
  check_validate(context);
  check_render(context);
  check_stability(context);
  check_free_response(context);
}

Report check_plugin_file(const std::string& path, const Options& options, Report::Observer observer) {
  auto loaded = plugins::load_plugin_file(path);
  if (const auto* error = std::get_if<plugins::LoadError>(&loaded)) {
    Report report(error->file, std::move(observer));
    if (error->stage == plugins::LoadStage::describe) {
      report.pass("abi", "the host's loader accepted the plugin table");
      report.fail("describe", error->reason);
    } else {
      report.fail("abi", error->reason);
    }
    return report;
  }
  const auto& plugin = std::get<std::shared_ptr<const plugins::Plugin>>(loaded);
  Report report(plugin->info().file, std::move(observer));
  report.pass("abi", abi_summary(plugin->info()));
  check_plugin(*plugin, options, report);
  return report;
}

}  // namespace sqlop::conformance
