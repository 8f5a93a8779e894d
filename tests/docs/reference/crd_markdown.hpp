// The CustomResourceDefinition half of docs/crd-reference.md: identity, printer columns, and one table per
// object in the schema (every field with its type, default, validation and description), read from the
// CRD file itself so the reference cannot drift from what the API server enforces.
#pragma once

#include <string>

#include "sqlite_operator/json.hpp"

namespace sqlop::docs {

// Markdown for the first served version of `crd` (a parsed apiextensions.k8s.io/v1 CRD). Throws
// std::runtime_error when the document is not a CRD with a schema.
std::string crd_markdown(const json::Value& crd);

}  // namespace sqlop::docs
