// Per-kind rules of the apiserver's registries that are not schema checks or defaults: what create resets
// (status), what the server converts (Secret stringData), and the kind-specific validation and
// immutability rules (ValidateDeployment, ValidateService, ... in Go) the operator's objects meet. Pure.
#pragma once

#include <vector>

#include "server/api_error.hpp"
#include "server/resource_info.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

// The status a builtin kind starts with on create (the strategy's PrepareForCreate), or null for none.
sqlop::json::Value initial_status(const ResourceInfo& info, const sqlop::json::Value& object);

// Conversions the server applies to every write before defaulting: Secret stringData merged into data;
// Namespace spec.finalizers ["kubernetes"] on create.
void normalize_for_write(const ResourceInfo& info, sqlop::json::Value& object, bool create);

// Kind-specific validation of the object to store; `live` is null on create.
std::vector<Cause> validate_kind_rules(const ResourceInfo& info, const sqlop::json::Value& object,
                                       const sqlop::json::Value* live);

}  // namespace sqlop::testserver
