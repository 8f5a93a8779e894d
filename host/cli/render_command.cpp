// `sqlite-operator render -f FILE [-f FILE ...] [--config OPERATOR.yaml]`: the children of every
// SqliteDatabase in the files, as multi-document YAML on stdout. Any invalid input: every problem on stderr,
// nothing on stdout, exit 2.
#include <algorithm>
#include <iostream>

#include "host/cli/common.hpp"
#include "host/cli/manifest_inputs.hpp"
#include "host/cli/subcommands.hpp"
#include "host/render/render.hpp"
#include "host/yaml/yaml_json.hpp"

namespace sqlop::cli {
namespace {

constexpr const char* kUsage =
    "usage: sqlite-operator render -f FILE [-f FILE ...] [--config OPERATOR.yaml] [-o yaml|json]\n"
    "  Prints the Kubernetes objects the operator creates for every SqliteDatabase in the files.\n"
    "  The files may also hold the Secrets and ConfigMaps the resources reference; those are checked.\n"
    "  FILE '-' reads standard input. -o json prints one v1 List instead of YAML documents.\n"
    "  Exit status: 0 rendered, 2 invalid input.\n";

void print_problems(const char* level, const std::vector<InputProblem>& problems) {
  for (const InputProblem& p : problems) std::cerr << level << ": " << p.to_string() << "\n";
}

}  // namespace

int render_command(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string config_path;
  std::string output = "yaml";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "-f" || a == "--filename") && i + 1 < args.size()) {
      files.push_back(args[++i]);
    } else if (a == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else if ((a == "-o" || a == "--output") && i + 1 < args.size() &&
               (args[i + 1] == "yaml" || args[i + 1] == "json")) {
      output = args[++i];
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "render: unexpected argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (files.empty()) {
    std::cerr << "render: no input; give at least one -f FILE\n" << kUsage;
    return 2;
  }
  const std::optional<config::OperatorConfig> config = load_config_or_report(config_path);
  if (!config) return 2;
  const plugins::Registry registry = plugins::Registry::load(registry_options(*config));
  for (const plugins::LoadError& e : registry.errors()) {
    std::cerr << "warning: plugin " << e.file << " not loaded: " << e.reason << "\n";
  }

  ManifestInputs inputs = read_manifest_files(files);
  std::vector<json::Value> objects;
  const render::ReferencedObjects none;
  for (const ManifestInputs::Resource& r : inputs.resources) {
    const auto refs = inputs.referenced.find(r.resource.metadata.namespace_);
    const render::RenderOutput out = render::render_children(
        {r.resource, *config, registry, refs == inputs.referenced.end() ? none : refs->second});
    const std::string label = "SqliteDatabase " + r.resource.metadata.namespace_ + "/" + r.resource.metadata.name;
    for (const auto& e : out.diagnostics.errors) {
      // A manifest with parse errors is checked further on a best-effort model; a field already reported is
      // not reported again from there.
      const bool seen = !r.valid && std::any_of(inputs.errors.begin(), inputs.errors.end(), [&](const auto& p) {
        return p.object == label && p.file == r.file && p.field == e.field;
      });
      if (!seen) inputs.errors.push_back({r.file, label, e.field, e.reason});
    }
    for (const auto& w : out.diagnostics.warnings) inputs.warnings.push_back({r.file, label, w.field, w.reason});
    objects.insert(objects.end(), out.objects.begin(), out.objects.end());
  }
  print_problems("warning", inputs.warnings);
  if (!inputs.errors.empty()) {
    print_problems("error", inputs.errors);
    std::cerr << inputs.errors.size() << " problem(s); nothing rendered\n";
    return 2;
  }
  if (inputs.resources.empty()) std::cerr << "warning: no SqliteDatabase in the input\n";
  if (output == "json") {
    json::Value list = json::Value::object();
    list["apiVersion"] = "v1";
    list["kind"] = "List";
    list["items"] = json::Array(objects.begin(), objects.end());
    std::cout << json::dump(list, 2) << "\n";
  } else {
    for (const json::Value& object : objects) std::cout << "---\n" << yaml::to_yaml(object);
  }
  return 0;
}

}  // namespace sqlop::cli
