// apimachinery/managed.hpp (internal): metadata.managedFields decoded into per-manager field sets, and the
// steps shared by updates and applies (k8s.io/apimachinery/pkg/util/managedfields/internal).
#pragma once

#include <sqlite_operator/json.hpp>

#include <map>
#include <optional>
#include <string>

#include "apimachinery/apply.hpp"
#include "apimachinery/fieldset.hpp"
#include "apimachinery/structured.hpp"

namespace sqlop::apimachinery::detail {

struct ManagerEntry {
  std::string manager;
  std::string operation;    // "Apply" or "Update"
  std::string api_version;  // of the field set
  std::string subresource;
  std::optional<std::string> time;
  FieldSet fields;
};

// Keyed by the manager identifier (BuildManagerIdentifier: manager, operation, subresource, and apiVersion
// for Update entries), so one name can hold an Apply and an Update entry.
using Managed = std::map<std::string, ManagerEntry>;

std::string manager_identifier(const std::string& manager, const std::string& operation, const std::string& api_version,
                               const std::string& subresource);

// Decodes metadata.managedFields; nullopt and `error` when an entry is malformed.
std::optional<Managed> decode_managed(const json::Value* entries, std::string* error);
// Encodes in the apiserver's order; null when there is no entry.
json::Value encode_managed(const Managed& managed);
// `object` with metadata.managedFields set to `managed` (removed when empty).
json::Value with_managed(json::Value object, const Managed& managed);

// How the apiserver names a manager in a conflict: "\"name\"" [with subresource "s"] [using apiVersion].
std::string print_manager(const ManagerEntry& entry);

// The fields a manager never owns (StripMetaManager).
FieldSet stripped_fields();
// The context's reset fields as a set.
FieldSet reset_set(const ManagedFieldsContext& context);

// The object the apiserver compares a create against: the Go zero value of the kind, as the unstructured
// converter writes it (non-omitempty fields present as null or {}); {} for kinds it does not know.
json::Value zero_object(const std::string& api_version, const std::string& kind);

// Null members removed, recursively (typed decoding turns them into absent fields).
json::Value without_nulls(const json::Value& v);

}  // namespace sqlop::apimachinery::detail
