// apimachinery/selectors.hpp: label selectors and field selectors, parsed and matched as the apiserver does
// (k8s.io/apimachinery/pkg/labels and pkg/fields).
//
// Label selector grammar (the `labelSelector` query parameter, `kubectl get -l`):
//   requirement {"," requirement}; requirement is one of
//   key = v | key == v | key != v | key in (v1, v2) | key notin (v1, v2) | key | !key | key > n | key < n
// Keys are qualified names ([prefix/]name), values label values; both are validated with the apiserver's
// messages. Matching: "!=" and "notin" match objects WITHOUT the key; "in", "=", ">" and "<" need it.
// An empty selector matches everything.
//
// Field selector grammar (`fieldSelector`): term {"," term}; term is field=value | field==value |
// field!=value, with "\" escaping ",", "=", "!" and "\" in values. Which fields a resource supports is a
// per-resource list (supported_field_labels); any other field is a 400 "field label not supported: <f>".
#pragma once

#include <sqlite_operator/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apimachinery/result.hpp"

namespace sqlop::apimachinery {

enum class LabelOperator { Equals, DoubleEquals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan };

struct LabelRequirement {
  std::string key;
  LabelOperator op = LabelOperator::Exists;
  std::vector<std::string> values;  // sorted, as the apiserver keeps them
};

struct LabelSelector {
  std::vector<LabelRequirement> requirements;  // sorted by key, as labels.Parse returns them
  bool matches_nothing = false;  // a metav1.LabelSelector can say "match nothing" (labels.Nothing())
  bool empty() const { return requirements.empty() && !matches_nothing; }
};

// Parses the `labelSelector` string. Error: 400 BadRequest with the apiserver's message, e.g.
// "unable to parse requirement: ..." or "found '(', expected: identifier" style parser messages.
Result<LabelSelector> parse_label_selector(std::string_view text);

// Converts a metav1.LabelSelector JSON object ({matchLabels, matchExpressions}) as LabelSelectorAsSelector
// does: null -> matches nothing, {} -> matches everything. Error messages name the bad expression.
Result<LabelSelector> label_selector_from_json(const json::Value& selector);

// True when the labels (a JSON object of string values; null = no labels) satisfy the selector.
bool matches_labels(const LabelSelector& selector, const json::Value& labels);
// Same, reading object.metadata.labels.
bool matches(const LabelSelector& selector, const json::Value& object);

// The selector as the apiserver prints it (labels.Selector.String()), e.g. "app=web,tier in (a,b)".
std::string to_string(const LabelSelector& selector);

enum class FieldOperator { Equals, DoubleEquals, NotEquals };

struct FieldRequirement {
  std::string field;  // e.g. "metadata.name"
  FieldOperator op = FieldOperator::Equals;
  std::string value;  // unescaped
};

struct FieldSelector {
  std::vector<FieldRequirement> requirements;
  bool empty() const { return requirements.empty(); }
};

// Parses the `fieldSelector` string. Error: 400 BadRequest "invalid selector: '<text>'; can't understand
// '<term>'" as fields.ParseSelector words it.
Result<FieldSelector> parse_field_selector(std::string_view text);

// The field labels the apiserver accepts for a builtin resource (group "" for core, plural resource name):
// pods: metadata.name, metadata.namespace, spec.nodeName, spec.restartPolicy, spec.schedulerName,
// spec.serviceAccountName, spec.hostNetwork, status.phase, status.podIP, status.podIPs,
// status.nominatedNodeName (and the legacy alias spec.host); events: metadata.*, involvedObject.{kind,
// namespace,name,uid,apiVersion,resourceVersion,fieldPath}, reason, reportingComponent, source, type;
// secrets: metadata.*, type; services: metadata.*, spec.clusterIP, spec.type; namespaces: metadata.name,
// status.phase; every other builtin resource: metadata.name, metadata.namespace.
std::vector<std::string> supported_field_labels(std::string_view group, std::string_view resource);

// nullopt when every field of the selector is supported for the builtin resource; else 400 BadRequest with
// the apiserver's text: "field label not supported: <f>" for resources with their own field labels (pods,
// events, secrets, services, namespaces, ...) and "\"<f>\" is not a known field selector: only
// \"metadata.name\", \"metadata.namespace\"" for the others (configmaps, deployments, ...).
std::optional<Error> check_builtin_field_labels(const FieldSelector& selector, std::string_view group,
                                                std::string_view resource);

// The same for a custom resource: metadata.name, metadata.namespace (namespaced CRDs only) and the CRD
// version's selectableFields (their jsonPath without the leading dot, e.g. "spec.color"); anything else is
// 400 "field label not supported: <f>".
std::optional<Error> check_custom_field_labels(const FieldSelector& selector, bool namespaced,
                                               const std::vector<std::string>& selectable_fields);

// The string value of a field label on an object, as the registry's field set computes it (bools as
// "true"/"false", numbers in decimal, missing as ""). Events' "source" is source.component and
// "reportingComponent" is reportingComponent (the reportingController field).
std::string field_label_value(const json::Value& object, std::string_view field);

bool matches(const FieldSelector& selector, const json::Value& object);

}  // namespace sqlop::apimachinery
