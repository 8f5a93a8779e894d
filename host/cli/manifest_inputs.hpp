// Reading the render command's input files: multi-document YAML holding SqliteDatabases and the Secrets and
// ConfigMaps they reference. Pure apart from reading the files.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/model/sqlite_database.hpp"
#include "host/render/render.hpp"

namespace sqlop::cli {

// A problem tied to an input: "FILE: Kind namespace/name: field: reason".
struct InputProblem {
  std::string file;
  std::string object;  // "SqliteDatabase default/mydb", or "document 3" when it has no kind/name
  std::string field;
  std::string reason;
  std::string to_string() const;
};

struct ManifestInputs {
  struct Resource {
    std::string file;
    model::SqliteDatabase resource;
    bool valid = true;  // false: `resource` is a best-effort model of a manifest that already has errors
  };
  std::vector<Resource> resources;                              // sorted by namespace/name
  std::map<std::string, render::ReferencedObjects> referenced;  // by namespace
  std::vector<InputProblem> errors;
  std::vector<InputProblem> warnings;
};

ManifestInputs read_manifest_files(const std::vector<std::string>& files);

}  // namespace sqlop::cli
