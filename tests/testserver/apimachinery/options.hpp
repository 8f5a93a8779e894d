// apimachinery/options.hpp: validation of the write options every create/update/patch/delete carries
// (ValidateCreateOptions, ValidateUpdateOptions, ValidatePatchOptions, ValidateDeleteOptions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apimachinery/result.hpp"

namespace sqlop::apimachinery {

enum class WriteVerb { Create, Update, Patch, Apply };

struct WriteOptions {
  std::string field_manager;             // fieldManager
  bool force_given = false;              // the force parameter was present at all
  std::vector<std::string> dry_run;      // dryRun values ("All" is the only valid one)
  std::string field_validation;          // "", "Ignore", "Warn", "Strict"
};

// nullopt when valid; else 422 Invalid for kind "CreateOptions"/"UpdateOptions"/"PatchOptions" in group
// meta.k8s.io with empty name, e.g. `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value:
// is required for apply patch`. Checks: apply needs a fieldManager; force only for apply; fieldManager at
// most 128 bytes of printable characters; dryRun only "All"; fieldValidation one of the four values.
std::optional<Error> validate_write_options(WriteVerb verb, const WriteOptions& options);

// DeleteOptions: propagationPolicy one of Foreground, Background, Orphan (not with orphanDependents), dryRun
// only "All". 422 for kind "DeleteOptions" in meta.k8s.io.
std::optional<Error> validate_delete_options(const std::optional<std::string>& propagation_policy,
                                             bool orphan_dependents_given, const std::vector<std::string>& dry_run);

}  // namespace sqlop::apimachinery
