// apimachinery/objects.hpp: the object rules the apiserver's registries apply around every write:
// name validation, generateName, metadata.generation, "a no-op update keeps the resourceVersion", and
// which fields an endpoint resets.
#pragma once

#include <sqlite_operator/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "apimachinery/result.hpp"

namespace sqlop::apimachinery {

// ---- names ---------------------------------------------------------------------------------------------

enum class NameRule {
  Dns1123Subdomain,  // most kinds: ConfigMap, Secret, Deployment, Pod, PVC, Ingress, Lease, custom resources
  Dns1123Label,      // Namespace
  Dns1035Label,      // Service
};

// The rule the apiserver uses for metadata.name of a kind (group "" for core).
NameRule name_rule_for(const std::string& group, const std::string& kind);

// The messages of a failed name check (empty when valid), exactly as the apiserver words them, e.g.
// "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must
// start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '...')".
// `prefix` is true for a generateName prefix (the trailing "-" is allowed then).
std::vector<std::string> name_problems(NameRule rule, const std::string& name, bool prefix = false);

// Causes for metadata as ValidateObjectMeta reports them: name/generateName (required, format), namespace
// presence, labels (qualified-name keys, label values), annotations (keys, total size 256 KiB),
// finalizers (qualified names), ownerReferences (apiVersion, kind, name, uid required). Field paths are
// "metadata.name", "metadata.labels", ... as the apiserver prints them.
std::vector<Cause> validate_object_meta(const json::Value& object, NameRule rule, bool namespaced);

// Causes for an update as ValidateObjectMetaUpdate reports them: name, namespace, uid, creationTimestamp,
// deletionTimestamp and deletionGracePeriodSeconds are immutable ("Invalid value: ...: field is immutable"),
// generation must not be decremented, no new finalizers once deletionTimestamp is set ("Forbidden: no new
// finalizers can be added if the object is being deleted, found new finalizers []string{\"x\"}"), plus the
// labels/annotations/ownerReferences/finalizers format checks. (The resourceVersion rules are the server's:
// a PUT without one is an unconditional update for every kind here.)
std::vector<Cause> validate_object_meta_update(const json::Value& live, const json::Value& updated);

// The label key/value checks on their own (also used for selectors): messages as the apiserver's.
std::vector<std::string> qualified_name_problems(const std::string& key);
std::vector<std::string> label_value_problems(const std::string& value);

// metadata.name for a generateName prefix: the prefix cut to 58 characters plus 5 characters from
// "bcdfghjklmnpqrstvwxz2456789". `random_below(n)` returns a uniform number in [0, n).
std::string generate_name(const std::string& prefix, const std::function<unsigned(unsigned)>& random_below);

// ---- generation ----------------------------------------------------------------------------------------

enum class GenerationPolicy {
  None,                   // no metadata.generation (ConfigMap, Secret, Service, PVC, Namespace, Lease, ...)
  Spec,                   // 1 on create, +1 when spec changes (Ingress, Pod, CRDs themselves)
  SpecOrAnnotations,      // apps/v1 Deployment: +1 when spec or metadata.annotations change
  AllButMetadataStatus,   // custom resources with a status subresource: +1 when anything outside
                          // metadata and status changes
  AllButMetadata,         // custom resources without a status subresource: +1 when anything but metadata
};

// `custom_resource`: a kind served from a CRD (every custom resource tracks generation).
GenerationPolicy generation_policy_for(const std::string& group, const std::string& kind, bool custom_resource = false,
                                       bool has_status_subresource = false);

// metadata.generation after an update of `live` to `updated` under `policy`: the live generation (clients
// cannot set it), plus one when the policy's fields changed (compared as Go's Semantic.DeepEqual does: null,
// missing, [] and {} are the same). 0 means "no generation". Writes through /status keep the live value.
std::int64_t next_generation(const json::Value& live, const json::Value& updated, GenerationPolicy policy);

// Setting deletionTimestamp (graceful deletion or finalizers pending) bumps a generation that is set.
std::int64_t generation_after_deletion_mark(std::int64_t generation);

// ---- no-op writes --------------------------------------------------------------------------------------

// True when storing `updated` over `live` would change nothing, so the apiserver skips the write and the
// resourceVersion stays: the objects are equal ignoring metadata.resourceVersion and the "time" of
// managedFields entries (the apiserver drops timestamp-only managedFields changes).
bool is_noop_update(const json::Value& live, const json::Value& updated);

// ---- registry strategies ------------------------------------------------------------------------------

// What the kind's registry does to a new object before storing it (rest.BeforeCreate + PrepareForCreate),
// after defaulting: metadata.generation 1 for kinds that track it; status reset for kinds with a status
// subresource to what the apiserver stores (Deployment {}, Service and Ingress {"loadBalancer":{}}, PVC
// {"phase":"Pending"}, Namespace {"phase":"Active"} plus spec.finalizers ["kubernetes"], Pod
// {"phase":"Pending","qosClass":...}); custom resources with a status subresource lose status.
json::Value prepare_for_create(const json::Value& object, bool custom_resource = false,
                               bool has_status_subresource = false);

// What the registry does to an update (rest.BeforeUpdate + PrepareForUpdate), after defaulting:
// generation from the live object (+1 per the generation policy), uid, creationTimestamp, deletionTimestamp
// and deletionGracePeriodSeconds kept from the live object; a main-resource write keeps the live status
// (kinds with a status subresource) and, for Namespaces, the live spec.finalizers; a /status write keeps
// everything but status from the live object (builtin kinds: the live spec, and for Deployments the live
// labels; custom resources: everything but status and metadata.managedFields).
json::Value prepare_for_update(const json::Value& live, const json::Value& updated, const std::string& subresource,
                               bool custom_resource = false, bool has_status_subresource = false);

// ---- reset fields -------------------------------------------------------------------------------------

// The fields a write through `subresource` ("" or "status") resets (the strategy's GetResetFields), for
// ManagedFieldsContext::reset_fields: main resource of a kind with a status subresource {{"status"}};
// /status of Deployment {{"spec"}, {"metadata","labels"}}, of other builtin kinds {{"spec"}}, of custom
// resources and CRDs {{"metadata"}, {"spec"}}. Kinds without a status subresource: empty.
std::vector<std::vector<std::string>> reset_fields_for(const std::string& group, const std::string& kind,
                                                       const std::string& subresource, bool custom_resource = false,
                                                       bool has_status_subresource = false);

// Whether a builtin kind has a status subresource (Deployment, Pod, Service, PVC, Namespace, Ingress, CRD,
// ...; not ConfigMap, Secret, ServiceAccount, Lease, Event).
bool builtin_has_status_subresource(const std::string& group, const std::string& kind);

}  // namespace sqlop::apimachinery
