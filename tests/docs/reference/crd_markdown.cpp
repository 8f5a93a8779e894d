#include "reference/crd_markdown.hpp"

#include <set>
#include <stdexcept>
#include <vector>

#include "reference/markdown.hpp"

namespace sqlop::docs {
namespace {

const json::Value& member(const json::Value& v, std::string_view key, const char* what) {
  const json::Value* found = v.find(key);
  if (!found) throw std::runtime_error(std::string("the CRD has no ") + what);
  return *found;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

std::string number(const json::Value& v) { return json::dump(v); }

// An object whose members are documented in a section of their own.
bool has_section(const json::Value& schema) {
  const json::Value* properties = schema.find("properties");
  return properties && properties->is_object() && !properties->as_object().empty();
}

const json::Value* array_items(const json::Value& schema) {
  return schema.get_string("type") == "array" ? schema.find("items") : nullptr;
}

// The anchor of a section: the field path with '.' and "[]" made URL-friendly.
std::string anchor(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == '.') out += '-';
    else if (c != '[' && c != ']') out += c;
  }
  return out;
}

std::string type_of(const json::Value& schema) {
  if (schema.get_bool("x-kubernetes-int-or-string", false)) return "int-or-string";
  const std::string type = schema.get_string("type");
  if (const json::Value* items = array_items(schema)) return "[]" + type_of(*items);
  if (type == "object") {
    if (const json::Value* values = schema.find("additionalProperties"); values && values->is_object()) {
      return "map[string]" + type_of(*values);
    }
    if (schema.get_bool("x-kubernetes-preserve-unknown-fields", false)) return "object (free-form)";
  }
  const std::string format = schema.get_string("format");
  return format.empty() ? type : type + " (" + format + ")";
}

// Length, range and item-count bounds as one phrase, e.g. "length 1–255", "max length 253", "min 0".
std::string bounds(const json::Value& schema, const char* min_key, const char* max_key, const std::string& noun) {
  const json::Value* min = schema.find(min_key);
  const json::Value* max = schema.find(max_key);
  const std::string spaced = noun.empty() ? "" : " " + noun;
  if (min && max) return (noun.empty() ? "" : noun + " ") + number(*min) + "–" + number(*max);
  if (min) return "min" + spaced + " " + number(*min);
  if (max) return "max" + spaced + " " + number(*max);
  return "";
}

// Every constraint of one schema node, without the item or value constraints of collections.
std::vector<std::string> own_constraints(const json::Value& schema) {
  std::vector<std::string> out;
  if (const json::Value* values = schema.find("enum"); values && values->is_array()) {
    std::vector<std::string> names;
    for (const json::Value& v : values->as_array()) names.push_back(code(v.is_string() ? v.as_string() : json::dump(v)));
    out.push_back("one of " + join(names, ", "));
  }
  for (const std::string& b : {bounds(schema, "minLength", "maxLength", "length"),
                               bounds(schema, "minimum", "maximum", ""),
                               bounds(schema, "minItems", "maxItems", "items")}) {
    if (!b.empty()) out.push_back(b);
  }
  if (const std::string pattern = schema.get_string("pattern"); !pattern.empty()) {
    out.push_back("pattern " + code(pattern));
  }
  if (const std::string list_type = schema.get_string("x-kubernetes-list-type"); !list_type.empty()) {
    std::string text = "list type " + code(list_type);
    if (const json::Value* keys = schema.find("x-kubernetes-list-map-keys"); keys && keys->is_array()) {
      std::vector<std::string> names;
      for (const json::Value& k : keys->as_array()) names.push_back(code(k.as_string()));
      text += " (keys " + join(names, ", ") + ")";
    }
    out.push_back(text);
  }
  if (schema.get_bool("x-kubernetes-preserve-unknown-fields", false)) out.push_back("any members (checked elsewhere)");
  return out;
}

std::string validation_of(const json::Value& schema, bool required) {
  std::vector<std::string> parts;
  if (required) parts.push_back("**required**");
  for (std::string& c : own_constraints(schema)) parts.push_back(std::move(c));
  if (const json::Value* items = array_items(schema); items && !has_section(*items)) {
    const std::vector<std::string> item_rules = own_constraints(*items);
    if (!item_rules.empty()) parts.push_back("each item: " + join(item_rules, ", "));
  }
  if (const json::Value* values = schema.find("additionalProperties"); values && values->is_object()) {
    const std::vector<std::string> value_rules = own_constraints(*values);
    if (!value_rules.empty()) parts.push_back("each value: " + join(value_rules, ", "));
  }
  return parts.empty() ? "" : join(parts, "; ");
}

std::string default_of(const json::Value& schema) {
  const json::Value* value = schema.find("default");
  if (!value) return "";
  return code(value->is_string() ? value->as_string() : json::dump(*value));
}

std::string described(const json::Value& schema) { return cell(schema.get_string("description")); }

struct Section {
  std::string path;
  const json::Value* schema;
};

// One table row per property; nested objects are queued as sections of their own.
std::string section_markdown(const Section& section, std::vector<Section>& queue) {
  const json::Value& schema = *section.schema;
  std::set<std::string> required;
  if (const json::Value* names = schema.find("required"); names && names->is_array()) {
    for (const json::Value& n : names->as_array()) required.insert(n.as_string());
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<Section> nested;
  for (const auto& [name, property] : schema.find("properties")->as_object()) {
    std::string label = code(name);
    const json::Value* items = array_items(property);
    const json::Value* documented = has_section(property) ? &property : items && has_section(*items) ? items : nullptr;
    if (documented) {
      const std::string path = section.path + "." + name + (documented == items ? "[]" : "");
      label = "[" + label + "](#" + anchor(path) + ")";
      nested.push_back({path, documented});
    }
    rows.push_back({label, code(type_of(property)), default_of(property), validation_of(property, required.count(name) > 0),
                    described(property)});
  }
  queue.insert(queue.begin(), nested.begin(), nested.end());
  std::string out = "### <a id=\"" + anchor(section.path) + "\"></a>`" + section.path + "`\n\n";
  if (const std::string description = schema.get_string("description"); !description.empty()) {
    out += cell(description) + "\n\n";
  }
  out += table({"Field", "Type", "Default", "Validation", "Description"}, rows);
  return out + "\n";
}

// Sections in document order: each object right after the table that mentions it.
std::string sections_markdown(const std::string& root, const json::Value& schema) {
  std::vector<Section> queue = {{root, &schema}};
  std::string out;
  while (!queue.empty()) {
    const Section next = queue.front();
    queue.erase(queue.begin());
    out += section_markdown(next, queue);
  }
  return out;
}

std::string printer_columns(const json::Value& version) {
  const json::Value* columns = version.find("additionalPrinterColumns");
  if (!columns || !columns->is_array()) return "";
  std::vector<std::vector<std::string>> rows;
  for (const json::Value& c : columns->as_array()) {
    rows.push_back({c.get_string("name"), code(c.get_string("type")), code(c.get_string("jsonPath")),
                    cell(c.get_string("description"))});
  }
  return "## Printer columns\n\n`kubectl get sqlitedatabases` (or `kubectl get sqldb`) shows:\n\n" +
         table({"Column", "Type", "JSONPath", "Description"}, rows) + "\n";
}

std::string identity(const json::Value& crd, const json::Value& version) {
  const json::Value& spec = member(crd, "spec", "spec");
  const json::Value& names = member(spec, "names", "spec.names");
  std::vector<std::string> short_names;
  if (const json::Value* s = names.find("shortNames"); s && s->is_array()) {
    for (const json::Value& n : s->as_array()) short_names.push_back(code(n.as_string()));
  }
  std::vector<std::string> categories;
  if (const json::Value* s = names.find("categories"); s && s->is_array()) {
    for (const json::Value& n : s->as_array()) categories.push_back(code(n.as_string()));
  }
  const bool status_subresource = version.find_path({"subresources", "status"}) != nullptr;
  std::vector<std::vector<std::string>> rows = {
      {"API version", code(spec.get_string("group") + "/" + version.get_string("name"))},
      {"Kind", code(names.get_string("kind")) + " (list: " + code(names.get_string("listKind")) + ")"},
      {"Resource", code(names.get_string("plural")) + " (singular " + code(names.get_string("singular")) + ")"},
      {"Short names", short_names.empty() ? "none" : join(short_names, ", ")},
      {"Categories", categories.empty() ? "none" : join(categories, ", ")},
      {"Scope", spec.get_string("scope")},
      {"Status subresource", status_subresource ? "yes: the operator writes `status` through `/status`" : "no"},
  };
  return table({"", ""}, rows) + "\n";
}

}  // namespace

std::string crd_markdown(const json::Value& crd) {
  if (crd.get_string("kind") != "CustomResourceDefinition") throw std::runtime_error("not a CustomResourceDefinition");
  const json::Value& versions = member(member(crd, "spec", "spec"), "versions", "spec.versions");
  const json::Value* served = nullptr;
  for (const json::Value& v : versions.as_array()) {
    if (v.get_bool("served", false)) {
      served = &v;
      break;
    }
  }
  if (!served) throw std::runtime_error("the CRD serves no version");
  const json::Value* schema = served->find_path({"schema", "openAPIV3Schema"});
  if (!schema) throw std::runtime_error("the served version has no openAPIV3Schema");

  std::string out = identity(crd, *served);
  out += described(*schema) + "\n\n";
  out += printer_columns(*served);
  out += "## Spec\n\n";
  out += "Defaults are applied by the API server when the resource is stored, so `kubectl get -o yaml` shows them. "
         "Fields with a section of their own link to it.\n\n";
  out += sections_markdown("spec", member(member(*schema, "properties", "properties"), "spec", "spec schema"));
  out += "## Status\n\nWritten by the operator only.\n\n";
  out += sections_markdown("status", member(member(*schema, "properties", "properties"), "status", "status schema"));
  return out;
}

}  // namespace sqlop::docs
