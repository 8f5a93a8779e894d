// Write and delete option validation (k8s.io/apimachinery/pkg/apis/meta/v1/validation). See options.hpp.
#include "apimachinery/options.hpp"

#include <cstdio>

namespace sqlop::apimachinery {
namespace {

json::Value string_list(const std::vector<std::string>& values) {
  json::Value out = json::Value::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

void validate_dry_run(const std::vector<std::string>& dry_run, std::vector<Cause>& causes) {
  for (const std::string& v : dry_run) {
    if (v != "All") {
      causes.push_back(field_not_supported("dryRun", string_list(dry_run), {"All"}));
      return;
    }
  }
}

// unicode.IsPrint on each rune; the apiserver reports "invalid character U+0007 (at position 3)".
void validate_field_manager(const std::string& manager, std::vector<Cause>& causes) {
  if (manager.size() > 128) causes.push_back(field_too_long("fieldManager", 128));
  for (std::size_t i = 0; i < manager.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(manager[i]);
    if (c < 0x20 || c == 0x7f) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", c);
      causes.push_back(field_invalid("fieldManager", manager,
                                     std::string("invalid character ") + code + " (at position " + std::to_string(i) + ")"));
    }
  }
}

}  // namespace

std::optional<Error> validate_write_options(WriteVerb verb, const WriteOptions& options) {
  std::vector<Cause> causes;
  const char* kind = verb == WriteVerb::Create ? "CreateOptions" : verb == WriteVerb::Update ? "UpdateOptions" : "PatchOptions";
  if (verb == WriteVerb::Apply && options.field_manager.empty()) {
    causes.push_back(field_required("fieldManager", "is required for apply patch"));
  }
  if (verb == WriteVerb::Patch && options.force_given) {
    causes.push_back(field_forbidden("force", "may not be specified for non-apply patch"));
  }
  validate_field_manager(options.field_manager, causes);
  validate_dry_run(options.dry_run, causes);
  const std::string& v = options.field_validation;
  if (!(v.empty() || v == "Ignore" || v == "Warn" || v == "Strict")) {
    causes.push_back(field_not_supported("fieldValidation", v, {"", "Ignore", "Strict", "Warn"}));
  }
  if (causes.empty()) return std::nullopt;
  return invalid("meta.k8s.io", kind, "", std::move(causes));
}

std::optional<Error> validate_delete_options(const std::optional<std::string>& propagation_policy,
                                             bool orphan_dependents_given, const std::vector<std::string>& dry_run) {
  std::vector<Cause> causes;
  if (propagation_policy && orphan_dependents_given) {
    causes.push_back(field_invalid("propagationPolicy", *propagation_policy,
                                   "orphanDependents and deletionPropagation cannot be both set"));
  }
  if (propagation_policy && *propagation_policy != "Foreground" && *propagation_policy != "Background" &&
      *propagation_policy != "Orphan") {
    causes.push_back(field_not_supported("propagationPolicy", *propagation_policy, {"Foreground", "Background", "Orphan", "nil"}));
  }
  validate_dry_run(dry_run, causes);
  if (causes.empty()) return std::nullopt;
  return invalid("meta.k8s.io", "DeleteOptions", "", std::move(causes));
}

}  // namespace sqlop::apimachinery
