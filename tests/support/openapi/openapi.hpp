// openapi/openapi.hpp: everything in the strict OpenAPI validator (test support library sqlop_openapi).
//
//   schema_set.hpp        the official Kubernetes OpenAPI v3 documents; strict validation of built-in kinds;
//                         strategic-merge / apply metadata of their fields
//   structural.hpp        a CRD's structural schema: validate, apply_defaults, prune, check_schema, field_metadata
//   crd.hpp               a CustomResourceDefinition as values; validating / defaulting / pruning its resources
//   object_validator.hpp  built-in and custom kinds behind one validate(object)
//   validation.hpp        ValidationError {path, message}, ValidateOptions
//   builtin_schemas.hpp   (tests only) the documents in SQLOP_OPENAPI_DIR, loaded once per process
//   manifest_files.hpp    (tests only) reading multi-document YAML files
// Internal (not part of the API): schema_walk.hpp (the engine), formats.hpp (format predicates).
#pragma once

#include "openapi/crd.hpp"
#include "openapi/field_metadata.hpp"
#include "openapi/group_version_kind.hpp"
#include "openapi/object_validator.hpp"
#include "openapi/schema_set.hpp"
#include "openapi/structural.hpp"
#include "openapi/validation.hpp"
