// openapi/manifest_files.hpp (tests only): reading manifest files (multi-document YAML) in tests.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/yaml/yaml_json.hpp"

namespace sqlop::openapi {

// Every non-empty document of a YAML/JSON file. Throws std::runtime_error (with the file name and the
// reason) when the file cannot be read or parsed, so a test fails with a clear message.
inline std::vector<yaml::Document> load_manifest_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  yaml::LoadResult loaded = yaml::load_all(text.str());
  if (!loaded.ok()) throw std::runtime_error(path + ": " + loaded.error);
  return std::move(loaded.documents);
}

// The first document of a file that has exactly one; throws otherwise.
inline json::Value load_single_manifest(const std::string& path) {
  std::vector<yaml::Document> documents = load_manifest_file(path);
  if (documents.size() != 1) throw std::runtime_error(path + ": expected exactly one document");
  return std::move(documents.front().value);
}

}  // namespace sqlop::openapi
