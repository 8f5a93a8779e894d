// openapi/builtin_schemas.hpp (tests only): the Kubernetes 1.35 OpenAPI documents in SQLOP_OPENAPI_DIR (a
// compile definition from tests/CMakeLists.txt), loaded on first use and shared by every test in the process.
#pragma once

#include <stdexcept>

#include "openapi/schema_set.hpp"

#ifndef SQLOP_OPENAPI_DIR
#error "SQLOP_OPENAPI_DIR is not defined: link the target with sqlop_test_paths"
#endif

namespace sqlop::openapi {

// Throws std::runtime_error when the documents cannot be loaded (the test then fails with the reason).
inline const SchemaSet& builtin_schemas() {
  static const SchemaSet schemas = [] {
    SchemaSet::LoadResult loaded = SchemaSet::load_directory(SQLOP_OPENAPI_DIR);
    if (!loaded.schemas) throw std::runtime_error("cannot load the OpenAPI documents: " + loaded.error);
    return std::move(*loaded.schemas);
  }();
  return schemas;
}

}  // namespace sqlop::openapi
