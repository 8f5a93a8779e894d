// Field selectors: parsing (k8s.io/apimachinery/pkg/fields), the per-resource field labels of the builtin
// registries and of custom resources, and matching. See selectors.hpp.
#include <algorithm>

#include "apimachinery/selectors.hpp"

namespace sqlop::apimachinery {
namespace {

// Splits on unescaped commas (a backslash protects the next character).
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> terms;
  if (text.empty()) return terms;
  std::size_t start = 0;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == '\\') {
      escaped = true;
    } else if (text[i] == ',') {
      terms.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.emplace_back(text.substr(start));
  return terms;
}

// The first position where "!=", "==" or "=" starts (checked in that order at each position).
bool split_term(const std::string& term, std::string& field, FieldOperator& op, std::string& value) {
  for (std::size_t i = 0; i < term.size(); ++i) {
    const std::string_view rest = std::string_view(term).substr(i);
    std::size_t length = 0;
    if (rest.rfind("!=", 0) == 0) {
      op = FieldOperator::NotEquals;
      length = 2;
    } else if (rest.rfind("==", 0) == 0) {
      op = FieldOperator::DoubleEquals;
      length = 2;
    } else if (rest.rfind("=", 0) == 0) {
      op = FieldOperator::Equals;
      length = 1;
    } else {
      continue;
    }
    field = term.substr(0, i);
    value = term.substr(i + length);
    return true;
  }
  return false;
}

// fields.UnescapeValue: "\\", "\," and "\=" are the only escapes; a bare "," or "=" is an error.
std::optional<std::string> unescape(const std::string& value, std::string& error) {
  if (value.find_first_of("\\,=") == std::string::npos) return value;
  std::string out;
  bool escaped = false;
  for (const char c : value) {
    if (escaped) {
      if (c != '\\' && c != ',' && c != '=') {
        error = std::string("invalid field selector: invalid escape sequence: \\") + c;
        return std::nullopt;
      }
      out += c;
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == ',' || c == '=') {
      // Go prints the rune with %v: its code point.
      error = "invalid field selector: unescaped character in value: " + std::to_string(static_cast<int>(c));
      return std::nullopt;
    } else {
      out += c;
    }
  }
  if (escaped) {
    error = "invalid field selector: invalid escape sequence: \\";
    return std::nullopt;
  }
  return out;
}

struct ResourceFields {
  const char* group;
  const char* resource;
  std::vector<std::string> fields;
};

// Registries with their own field label conversion (pkg/apis/core/v1/conversion.go and friends). Every
// other builtin resource uses runtime.DefaultMetaV1FieldSelectorConversion.
const std::vector<ResourceFields>& custom_conversions() {
  static const std::vector<ResourceFields> table = {
      {"", "pods",
       {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName", "spec.host"}},
      {"", "nodes", {"metadata.name", "spec.unschedulable"}},
      {"", "replicationcontrollers", {"metadata.name", "metadata.namespace", "status.replicas"}},
      {"", "events",
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type", "metadata.namespace", "metadata.name"}},
      {"", "namespaces", {"status.phase", "metadata.name"}},
      {"", "secrets", {"type", "metadata.namespace", "metadata.name"}},
      {"", "services", {"metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"}},
  };
  return table;
}

const ResourceFields* conversion_for(std::string_view group, std::string_view resource) {
  for (const ResourceFields& r : custom_conversions()) {
    if (group == r.group && resource == r.resource) return &r;
  }
  return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string scalar_text(const json::Value& v) {
  switch (v.type()) {
    case json::Type::String: return v.as_string();
    case json::Type::Bool: return v.as_bool() ? "true" : "false";
    case json::Type::Int: return std::to_string(v.as_int());
    case json::Type::Double: return json::dump(v);
    default: return "";
  }
}

const json::Value* walk(const json::Value& object, std::string_view dotted) {
  const json::Value* v = &object;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = dotted.find('.', start);
    v = v->find(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (!v || dot == std::string_view::npos) return v;
    start = dot + 1;
  }
}

}  // namespace

Result<FieldSelector> parse_field_selector(std::string_view text) {
  std::vector<std::string> terms = split_terms(text);
  std::sort(terms.begin(), terms.end());
  FieldSelector selector;
  for (const std::string& term : terms) {
    if (term.empty()) continue;
    FieldRequirement r;
    std::string raw_value;
    if (!split_term(term, r.field, r.op, raw_value)) {
      return bad_request("invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'");
    }
    std::string error;
    std::optional<std::string> value = unescape(raw_value, error);
    if (!value) return bad_request(error);
    r.value = std::move(*value);
    selector.requirements.push_back(std::move(r));
  }
  return selector;
}

std::vector<std::string> supported_field_labels(std::string_view group, std::string_view resource) {
  if (const ResourceFields* r = conversion_for(group, resource)) return r->fields;
  return {"metadata.name", "metadata.namespace"};
}

std::optional<Error> check_builtin_field_labels(const FieldSelector& selector, std::string_view group,
                                                std::string_view resource) {
  const ResourceFields* conversion = conversion_for(group, resource);
  for (const FieldRequirement& r : selector.requirements) {
    if (conversion) {
      if (!contains(conversion->fields, r.field)) return bad_request("field label not supported: " + r.field);
    } else if (r.field != "metadata.name" && r.field != "metadata.namespace") {
      return bad_request("\"" + r.field + "\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
    }
  }
  return std::nullopt;
}

std::optional<Error> check_custom_field_labels(const FieldSelector& selector, bool namespaced,
                                               const std::vector<std::string>& selectable_fields) {
  for (const FieldRequirement& r : selector.requirements) {
    const bool ok = r.field == "metadata.name" || (namespaced && r.field == "metadata.namespace") ||
                    contains(selectable_fields, r.field);
    if (!ok) return bad_request("field label not supported: " + r.field);
  }
  return std::nullopt;
}

std::string field_label_value(const json::Value& object, std::string_view field) {
  // Registry field sets that do not mirror the JSON path.
  if (field == "source") field = "source.component";                 // events: Source.Component
  else if (field == "spec.host") field = "spec.nodeName";            // pods: legacy alias
  if (field == "status.podIP") {
    // The pod registry uses the first of status.podIPs, falling back to status.podIP.
    if (const json::Value* ips = object.find_path({"status", "podIPs"}); ips && ips->is_array() && !ips->as_array().empty()) {
      return ips->as_array().front().get_string("ip");
    }
  }
  const json::Value* v = walk(object, field);
  if (!v && field == "spec.hostNetwork") return "false";  // a Go bool: absent is false
  return v ? scalar_text(*v) : std::string();
}

bool matches(const FieldSelector& selector, const json::Value& object) {
  for (const FieldRequirement& r : selector.requirements) {
    const bool equal = field_label_value(object, r.field) == r.value;
    if ((r.op == FieldOperator::NotEquals) == equal) return false;
  }
  return true;
}

}  // namespace sqlop::apimachinery
