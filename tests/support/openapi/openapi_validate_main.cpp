// openapi-validate: strict schema validation of Kubernetes manifests, without a cluster.
//
//   openapi-validate --schemas DIR [--crd CRD.yaml ...] [--ignore-unknown-fields] FILE...
//
// Every object in every FILE (multi-document YAML or JSON; "-" is standard input) is validated: built-in
// kinds against the OpenAPI v3 documents in DIR, custom resources against the schemas of the CRDs given
// with --crd (after the CRD's defaults, as the apiserver stores them). The CRDs themselves are validated
// first. Each problem is printed as
//   FILE:LINE: Kind/name: field.path: message
// Exit status: 0 when everything is valid, 1 when anything is not, 2 on a usage or I/O error.
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "host/yaml/yaml_json.hpp"
#include "openapi/object_validator.hpp"

namespace {

namespace json = sqlop::json;
namespace openapi = sqlop::openapi;

struct Arguments {
  std::string schemas_dir;
  std::vector<std::string> crd_files;
  std::vector<std::string> files;
  bool ignore_unknown_fields = false;
};

constexpr const char* kUsage =
    "usage: openapi-validate --schemas DIR [--crd CRD.yaml ...] [--ignore-unknown-fields] FILE...\n";

std::optional<Arguments> parse_arguments(int argc, char** argv) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--schemas" && i + 1 < argc) {
      args.schemas_dir = argv[++i];
    } else if (arg == "--crd" && i + 1 < argc) {
      args.crd_files.push_back(argv[++i]);
    } else if (arg == "--ignore-unknown-fields") {
      args.ignore_unknown_fields = true;
    } else if (arg == "-h" || arg == "--help" || (arg.size() > 1 && arg[0] == '-' && arg != "-")) {
      return std::nullopt;
    } else {
      args.files.push_back(arg);
    }
  }
  if (args.schemas_dir.empty() || args.files.empty()) return std::nullopt;
  return args;
}

std::optional<std::string> read_input(const std::string& file) {
  std::ostringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::vector<sqlop::yaml::Document>> load(const std::string& file) {
  const std::optional<std::string> text = read_input(file);
  if (!text) {
    std::cerr << file << ": cannot read\n";
    return std::nullopt;
  }
  sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(*text);
  if (!loaded.ok()) {
    std::cerr << file << ": " << loaded.error << "\n";
    return std::nullopt;
  }
  return std::move(loaded.documents);
}

std::string describe(const json::Value& object) {
  std::string kind = object.get_string("kind", "<no kind>");
  const json::Value* metadata = object.find("metadata");
  const std::string name = metadata ? metadata->get_string("name", "<no name>") : "<no name>";
  return kind + "/" + name;
}

// Prints the errors of one object; returns how many there were.
std::size_t report(const std::string& file, const sqlop::yaml::Document& document, const openapi::ValidationErrors& errors) {
  for (const openapi::ValidationError& e : errors) {
    std::cout << file << ":" << document.line << ": " << describe(document.value) << ": " << openapi::to_string(e) << "\n";
  }
  return errors.size();
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Arguments> args = parse_arguments(argc, argv);
  if (!args) {
    std::cerr << kUsage;
    return 2;
  }
  openapi::SchemaSet::LoadResult schemas = openapi::SchemaSet::load_directory(args->schemas_dir);
  if (!schemas.schemas) {
    std::cerr << "openapi-validate: " << schemas.error << "\n";
    return 2;
  }
  openapi::ObjectValidator validator(std::move(*schemas.schemas));
  openapi::ValidateOptions options;
  options.unknown_fields_are_errors = !args->ignore_unknown_fields;

  std::size_t problems = 0;
  std::size_t objects = 0;
  for (const std::string& file : args->crd_files) {
    const auto documents = load(file);
    if (!documents) return 2;
    for (const sqlop::yaml::Document& document : *documents) {
      ++objects;
      problems += report(file, document, validator.add_crd(document.value));
    }
  }
  for (const std::string& file : args->files) {
    const auto documents = load(file);
    if (!documents) return 2;
    for (const sqlop::yaml::Document& document : *documents) {
      ++objects;
      problems += report(file, document, validator.validate(document.value, options));
    }
  }
  std::cout.flush();
  std::cerr << "openapi-validate: " << objects << " object(s), " << problems << " problem(s)\n";
  return problems == 0 ? 0 : 1;
}
