// `sqlite-operator plugins check FILE.so [--json] [--sample SAMPLE.json]`: the conformance kit. Prints one
// line per check (PASS/FAIL name: detail) as it is made, so a plugin that crashes the process still leaves
// the checks before it on screen; exits 0 when all pass, 1 when any fails, 2 on a usage error.
#include <fstream>
#include <iostream>
#include <sstream>

#include "host/cli/subcommands.hpp"
#include "host/conformance/conformance.hpp"

namespace sqlop::cli {
namespace {

constexpr const char* kUsage =
    "usage: sqlite-operator plugins check FILE.so [--json] [--sample SAMPLE.json]\n"
    "  --json     print the report as one JSON document instead of lines\n"
    "  --sample   a known-good input for the plugin: {\"replica\": {...}, \"secret\": {\"key\": \"plain value\"}}\n";

struct CheckArgs {
  std::string file;
  bool json = false;
  std::string sample_path;
};

std::optional<CheckArgs> parse_args(const std::vector<std::string>& args) {
  CheckArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      out.json = true;
    } else if (args[i] == "--sample" && i + 1 < args.size()) {
      out.sample_path = args[++i];
    } else if (out.file.empty() && !args[i].empty() && args[i][0] != '-') {
      out.file = args[i];
    } else {
      return std::nullopt;
    }
  }
  if (out.file.empty()) return std::nullopt;
  return out;
}

std::optional<json::Value> read_sample(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot be read\n";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  json::ParseError error;
  std::optional<json::Value> sample = json::parse(text.str(), &error);
  if (!sample) std::cerr << path << ": not JSON: " << error.message << " at byte " << error.offset << "\n";
  return sample;
}

}  // namespace

int plugins_check_command(const std::vector<std::string>& args) {
  const std::optional<CheckArgs> parsed = parse_args(args);
  if (!parsed) {
    std::cerr << kUsage;
    return 2;
  }
  conformance::Options options;
  if (!parsed->sample_path.empty()) {
    options.sample = read_sample(parsed->sample_path);
    if (!options.sample) return 2;
  }
  conformance::Report::Observer print_line;
  if (!parsed->json) {
    print_line = [](const conformance::CheckResult& r) { std::cout << conformance::format_line(r) << std::endl; };
  }
  const conformance::Report report = conformance::check_plugin_file(parsed->file, options, print_line);
  if (parsed->json) {
    std::cout << json::dump(conformance::to_json(report), 2) << "\n";
  } else {
    std::cout << report.results().size() - report.failures() << " passed, " << report.failures() << " failed\n";
  }
  return report.passed() ? 0 : 1;
}

}  // namespace sqlop::cli
