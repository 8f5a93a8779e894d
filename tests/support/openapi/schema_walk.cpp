#include "openapi/schema_walk.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <regex>

#include "openapi/formats.hpp"

namespace sqlop::openapi::detail {
namespace {

constexpr std::string_view kQuantitySchema = "io.k8s.apimachinery.pkg.api.resource.Quantity";
constexpr int kMaxRefDepth = 32;  // $ref chains in the documents are 2-3 deep; this only stops cycles

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void add_part(NodeView& view, const json::Value& node, const RefResolver* resolver, int depth) {
  if (!node.is_object() || depth > kMaxRefDepth) return;
  view.parts.push_back(&node);
  if (const json::Value* ref = node.find("$ref"); ref && ref->is_string() && resolver) {
    if (ends_with(ref->as_string(), kQuantitySchema)) view.quantity = true;
    if (const json::Value* target = resolver->resolve(ref->as_string())) add_part(view, *target, resolver, depth + 1);
  }
  if (const json::Value* all_of = node.find("allOf"); all_of && all_of->is_array()) {
    for (const json::Value& member : all_of->as_array()) add_part(view, member, resolver, depth + 1);
  }
}

// Compiled `pattern` keywords, cached per thread so concurrent validations share no mutable state.
const std::regex* compiled_pattern(const std::string& pattern) {
  thread_local std::map<std::string, std::optional<std::regex>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    std::optional<std::regex> compiled;
    try {
      compiled.emplace(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
    }
    it = cache.emplace(pattern, std::move(compiled)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::string quoted_list(const json::Array& values) {
  std::string out;
  for (const json::Value& v : values) {
    if (!out.empty()) out += ", ";
    out += json::dump(v);
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::vector<std::string> string_list(const json::Value* value) {
  std::vector<std::string> out;
  if (value && value->is_array()) {
    for (const json::Value& v : value->as_array()) {
      if (v.is_string()) out.push_back(v.as_string());
    }
  }
  return out;
}

bool type_matches(std::string_view type, const json::Value& value) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_int();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_bool();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return true;  // an unknown type name is the schema's problem (structural::check_schema reports it)
}

bool is_root_metadata_member(std::string_view key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

// One validation pass. Holds what every node needs so the recursive functions stay short.
class Walker {
 public:
  Walker(const WalkOptions& options, const RefResolver* resolver, ValidationErrors& out)
      : options_(options), resolver_(resolver), out_(out) {}

  void node(const NodeView& view, const json::Value& value, const std::string& path, bool is_root) {
    if (view.parts.empty()) return;
    if (value.is_null()) return null_value(view, path);
    if (view.quantity) return quantity(value, path);
    if (view.int_or_string()) {
      if (!int_or_string(value, path)) return;
    } else if (!type(view, value, path)) {
      return;
    }
    format(view, value, path);
    for (const json::Value* part : view.parts) keywords(*part, value, path);
    if (value.is_array()) array(view, value.as_array(), path);
    if (value.is_object()) object(view, value.as_object(), path, is_root);
  }

 private:
  void error(const std::string& path, std::string message) { out_.push_back({path, std::move(message)}); }

  void null_value(const NodeView& view, const std::string& path) {
    if (options_.dialect == Dialect::Builtin || view.flag("nullable")) return;
    if (view.type().empty() && !view.int_or_string()) return;  // untyped (free-form) node: any value
    error(path, "must not be null (the schema does not declare nullable: true)");
  }

  void quantity(const json::Value& value, const std::string& path) {
    if (value.is_number() || (value.is_string() && formats::is_quantity(value.as_string()))) return;
    error(path, "must be a quantity: a number or a string such as \"1Gi\", \"500m\", \"2\" or \"1e3\"");
  }

  bool int_or_string(const json::Value& value, const std::string& path) {
    if (!value.is_int() && !value.is_string()) {
      error(path, std::string("must be an integer or a string (got ") + json_type_name(value) + ")");
      return false;
    }
    if (options_.dialect == Dialect::Builtin && value.is_int() &&
        (value.as_int() < std::numeric_limits<std::int32_t>::min() ||
         value.as_int() > std::numeric_limits<std::int32_t>::max())) {
      error(path, "must fit in 32 bits (IntOrString holds an int32)");
      return false;
    }
    return true;
  }

  bool type(const NodeView& view, const json::Value& value, const std::string& path) {
    const std::string declared = view.type();
    if (declared.empty() || type_matches(declared, value)) return true;
    error(path, "must be of type " + declared + " (got " + json_type_name(value) + ")");
    return false;
  }

  void format(const NodeView& view, const json::Value& value, const std::string& path) {
    const json::Value* format = view.first("format");
    if (!format || !format->is_string()) return;
    const std::string& f = format->as_string();
    if (f == "int32" && value.is_int() &&
        (value.as_int() < std::numeric_limits<std::int32_t>::min() ||
         value.as_int() > std::numeric_limits<std::int32_t>::max())) {
      error(path, "must fit in 32 bits (format int32)");
    } else if (f == "date-time" && value.is_string() && !formats::is_date_time(value.as_string())) {
      error(path, "must be an RFC 3339 date-time such as 2024-01-02T15:04:05Z");
    } else if (f == "date" && value.is_string() && !formats::is_date(value.as_string())) {
      error(path, "must be an RFC 3339 date such as 2024-01-02");
    } else if (f == "byte" && value.is_string() && !formats::is_base64(value.as_string())) {
      error(path, "must be base64-encoded (standard alphabet, with padding)");
    }
  }

  // The value validations one part declares (enum, bounds, pattern, combinators).
  void keywords(const json::Value& part, const json::Value& value, const std::string& path) {
    enumeration(part, value, path);
    if (value.is_string()) string_bounds(part, value.as_string(), path);
    if (value.is_number()) number_bounds(part, value, path);
    if (value.is_array()) size_bound(part, value.as_array().size(), "minItems", "maxItems", "items", path);
    if (value.is_object()) size_bound(part, value.as_object().size(), "minProperties", "maxProperties", "properties", path);
    combinators(part, value, path);
  }

  void enumeration(const json::Value& part, const json::Value& value, const std::string& path) {
    const json::Value* allowed = part.find("enum");
    if (!allowed || !allowed->is_array()) return;
    for (const json::Value& candidate : allowed->as_array()) {
      if (candidate == value) return;
    }
    error(path, "Unsupported value: supported values: " + quoted_list(allowed->as_array()));
  }

  void string_bounds(const json::Value& part, const std::string& s, const std::string& path) {
    const std::size_t length = formats::utf8_length(s);
    if (const json::Value* min = part.find("minLength"); min && min->is_number() && length < std::size_t(min->as_int())) {
      error(path, "must be at least " + std::to_string(min->as_int()) + " characters long");
    }
    if (const json::Value* max = part.find("maxLength"); max && max->is_number() && length > std::size_t(max->as_int())) {
      error(path, "must be at most " + std::to_string(max->as_int()) + " characters long");
    }
    const json::Value* pattern = part.find("pattern");
    if (!pattern || !pattern->is_string()) return;
    const std::regex* re = compiled_pattern(pattern->as_string());
    if (!re) {
      error(path, "the schema's pattern is not a valid regular expression");
    } else if (!std::regex_search(s, *re)) {
      error(path, "must match the pattern " + pattern->as_string());
    }
  }

  void number_bounds(const json::Value& part, const json::Value& value, const std::string& path) {
    const double x = value.as_double();
    if (const json::Value* min = part.find("minimum"); min && min->is_number()) {
      const bool exclusive = part.get_bool("exclusiveMinimum", false);
      if (exclusive ? x <= min->as_double() : x < min->as_double()) {
        error(path, std::string("must be ") + (exclusive ? "greater than " : "greater than or equal to ") + json::dump(*min));
      }
    }
    if (const json::Value* max = part.find("maximum"); max && max->is_number()) {
      const bool exclusive = part.get_bool("exclusiveMaximum", false);
      if (exclusive ? x >= max->as_double() : x > max->as_double()) {
        error(path, std::string("must be ") + (exclusive ? "less than " : "less than or equal to ") + json::dump(*max));
      }
    }
    if (const json::Value* step = part.find("multipleOf"); step && step->is_number() && step->as_double() > 0) {
      const double quotient = x / step->as_double();
      if (std::fabs(quotient - std::round(quotient)) > 1e-9) error(path, "must be a multiple of " + json::dump(*step));
    }
  }

  void size_bound(const json::Value& part, std::size_t size, const char* min_key, const char* max_key,
                  const char* what, const std::string& path) {
    if (const json::Value* min = part.find(min_key); min && min->is_number() && size < std::size_t(min->as_int())) {
      error(path, "must have at least " + std::to_string(min->as_int()) + " " + what);
    }
    if (const json::Value* max = part.find(max_key); max && max->is_number() && size > std::size_t(max->as_int())) {
      error(path, "must have at most " + std::to_string(max->as_int()) + " " + what);
    }
  }

  // Runs a branch of anyOf/oneOf/not as a value validation: undeclared members are not its concern.
  bool branch_passes(const json::Value& branch, const json::Value& value) {
    ValidationErrors scratch;
    WalkOptions relaxed = options_;
    relaxed.unknown_fields_are_errors = false;
    relaxed.resource_root = false;
    Walker(relaxed, resolver_, scratch).node(view_of(branch, resolver_), value, "", false);
    return scratch.empty();
  }

  void combinators(const json::Value& part, const json::Value& value, const std::string& path) {
    if (const json::Value* any_of = part.find("anyOf"); any_of && any_of->is_array()) {
      bool any = false;
      for (const json::Value& branch : any_of->as_array()) any = any || branch_passes(branch, value);
      if (!any) error(path, "must match at least one of the schemas in anyOf");
    }
    if (const json::Value* one_of = part.find("oneOf"); one_of && one_of->is_array()) {
      std::size_t matches = 0;
      for (const json::Value& branch : one_of->as_array()) matches += branch_passes(branch, value) ? 1 : 0;
      if (matches != 1) {
        error(path, "must match exactly one of the schemas in oneOf (matches " + std::to_string(matches) + ")");
      }
    }
    if (const json::Value* negated = part.find("not"); negated && negated->is_object()) {
      if (branch_passes(*negated, value)) error(path, "must not match the schema in not");
    }
  }

  void array(const NodeView& view, const json::Array& items, const std::string& path) {
    if (view.flag("uniqueItems")) duplicates(items, {}, path, "uniqueItems");
    if (const json::Value* list_type = view.first("x-kubernetes-list-type"); list_type && list_type->is_string()) {
      if (list_type->as_string() == "set") duplicates(items, {}, path, "x-kubernetes-list-type set");
      if (list_type->as_string() == "map") {
        duplicates(items, string_list(view.first("x-kubernetes-list-map-keys")), path, "x-kubernetes-list-type map");
      }
    }
    const std::optional<NodeView> item_view = items_view(view, resolver_);
    if (!item_view) return;
    for (std::size_t i = 0; i < items.size(); ++i) node(*item_view, items[i], index_path(path, i), false);
  }

  // Reports each item equal to an earlier one: whole items, or only their `keys` members (a list map).
  void duplicates(const json::Array& items, const std::vector<std::string>& keys, const std::string& path,
                  const char* rule) {
    auto key_of = [&](const json::Value& item) {
      if (keys.empty()) return item;
      json::Value key = json::Value::object();
      for (const std::string& k : keys) {
        const json::Value* member = item.find(k);
        key[k] = member ? *member : json::Value();
      }
      return key;
    };
    for (std::size_t j = 1; j < items.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        if (key_of(items[i]) == key_of(items[j])) {
          const std::string what = keys.empty() ? "the same value" : "the same key (" + join(keys, ", ") + ")";
          error(index_path(path, j), "Duplicate value: item [" + std::to_string(i) + "] has " + what + " (" + rule + ")");
          break;
        }
      }
    }
  }

  bool free_form(const NodeView& view) const {
    if (view.flag("x-kubernetes-preserve-unknown-fields")) return true;
    if (options_.dialect == Dialect::Structural) return false;
    for (const json::Value* part : view.parts) {
      if ((part->find("properties") != nullptr) || (part->find("additionalProperties") != nullptr)) return false;
    }
    return true;
  }

  void required(const NodeView& view, const json::Object& members, const std::string& path) {
    std::vector<std::string> seen;
    for (const json::Value* part : view.parts) {
      for (const std::string& name : string_list(part->find("required"))) {
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
        seen.push_back(name);
        const json::Value* member = members.find(name);
        const bool null_is_missing = options_.dialect == Dialect::Builtin;
        if (!member || (null_is_missing && member->is_null())) error(member_path(path, name), "Required value");
      }
    }
  }

  void object(const NodeView& view, const json::Object& members, const std::string& path, bool is_root) {
    required(view, members, path);
    const bool skip_resource_members = (is_root && options_.resource_root) || view.flag("x-kubernetes-embedded-resource");
    const std::optional<NodeView> map_values = additional_view(view, resolver_);
    const bool members_are_free = free_form(view);
    for (const auto& [key, member] : members) {
      if (is_root && options_.resource_root && is_root_metadata_member(key)) continue;
      if (std::optional<NodeView> property = property_view(view, key, resolver_)) {
        node(*property, member, member_path(path, key), false);
      } else if (map_values) {
        node(*map_values, member, key_path(path, key), false);
      } else if (!members_are_free && !(skip_resource_members && is_root_metadata_member(key)) &&
                 options_.unknown_fields_are_errors) {
        error(member_path(path, key), "unknown field (not declared in the schema)");
      }
    }
  }

  const WalkOptions& options_;
  const RefResolver* resolver_;
  ValidationErrors& out_;
};

FieldMetadata metadata_of(const NodeView& view) {
  FieldMetadata m;
  m.type = view.type();
  auto text = [&](const char* key) {
    const json::Value* v = view.first(key);
    return v && v->is_string() ? v->as_string() : std::string();
  };
  m.patch_strategy = text("x-kubernetes-patch-strategy");
  m.patch_merge_key = text("x-kubernetes-patch-merge-key");
  m.list_type = text("x-kubernetes-list-type");
  m.list_map_keys = string_list(view.first("x-kubernetes-list-map-keys"));
  m.map_type = text("x-kubernetes-map-type");
  m.preserve_unknown_fields = view.flag("x-kubernetes-preserve-unknown-fields");
  const json::Value* additional = view.first("additionalProperties");
  m.is_map = additional && (additional->is_object() || (additional->is_bool() && additional->as_bool())) &&
             !view.first("properties");
  return m;
}

}  // namespace

const json::Value* NodeView::first(std::string_view key) const {
  for (const json::Value* part : parts) {
    if (const json::Value* v = part->find(key)) return v;
  }
  return nullptr;
}

bool NodeView::flag(std::string_view key) const {
  for (const json::Value* part : parts) {
    if (const json::Value* v = part->find(key); v && v->is_bool() && v->as_bool()) return true;
  }
  return false;
}

std::string NodeView::type() const {
  const json::Value* t = first("type");
  return t && t->is_string() ? t->as_string() : std::string();
}

bool NodeView::int_or_string() const {
  if (flag("x-kubernetes-int-or-string")) return true;
  const json::Value* f = first("format");
  return f && f->is_string() && f->as_string() == "int-or-string";
}

NodeView view_of(const json::Value& node, const RefResolver* resolver) {
  NodeView view;
  add_part(view, node, resolver, 0);
  return view;
}

std::optional<NodeView> property_view(const NodeView& view, std::string_view key, const RefResolver* resolver) {
  std::optional<NodeView> out;
  for (const json::Value* part : view.parts) {
    const json::Value* properties = part->find("properties");
    const json::Value* property = properties ? properties->find(key) : nullptr;
    if (!property) continue;
    if (!out) out.emplace();
    add_part(*out, *property, resolver, 0);
  }
  return out;
}

std::optional<NodeView> additional_view(const NodeView& view, const RefResolver* resolver) {
  const json::Value* additional = view.first("additionalProperties");
  if (!additional) return std::nullopt;
  if (additional->is_bool()) return additional->as_bool() ? std::optional<NodeView>(NodeView{}) : std::nullopt;
  return view_of(*additional, resolver);
}

std::optional<NodeView> items_view(const NodeView& view, const RefResolver* resolver) {
  const json::Value* items = view.first("items");
  if (!items || !items->is_object()) return std::nullopt;
  return view_of(*items, resolver);
}

void validate_value(const NodeView& view, const json::Value& value, const std::string& path, const WalkOptions& options,
                    const RefResolver* resolver, ValidationErrors& out) {
  Walker(options, resolver, out).node(view, value, path, true);
}

std::optional<FieldMetadata> lookup_field(const NodeView& root, const FieldPath& path, const RefResolver* resolver) {
  NodeView current = root;
  for (const std::string& segment : path) {
    while (current.type() == "array") {
      std::optional<NodeView> items = items_view(current, resolver);
      if (!items) return std::nullopt;
      current = std::move(*items);
    }
    if (std::optional<NodeView> property = property_view(current, segment, resolver)) {
      current = std::move(*property);
    } else if (std::optional<NodeView> values = additional_view(current, resolver)) {
      current = std::move(*values);
    } else {
      return std::nullopt;
    }
    if (current.parts.empty()) return std::nullopt;  // additionalProperties: true -- nothing declared below
  }
  return metadata_of(current);
}

std::string member_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

std::string index_path(const std::string& base, std::size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

std::string key_path(const std::string& base, std::string_view key) { return base + "[" + std::string(key) + "]"; }

const char* json_type_name(const json::Value& value) {
  switch (value.type()) {
    case json::Type::Null: return "null";
    case json::Type::Bool: return "boolean";
    case json::Type::Int: return "integer";
    case json::Type::Double: return "number";
    case json::Type::String: return "string";
    case json::Type::Array: return "array";
    case json::Type::Object: return "object";
  }
  return "unknown";
}

}  // namespace sqlop::openapi::detail
