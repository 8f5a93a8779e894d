// core/v1 ResourceRequirements for a container, checked as the apiserver checks a Pod's containers, so a bad
// value is reported on the SqliteDatabase instead of surfacing later as a failed Deployment update.
#include <map>

#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The name part of a qualified name: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters.
bool is_qualified_name_part(std::string_view s) {
  if (s.empty() || s.size() > 63 || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (const char c : s) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// Container resources: cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource with a
// domain prefix ("nvidia.com/gpu").
bool is_container_resource_name(std::string_view name) {
  const std::size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    return name == "cpu" || name == "memory" || name == "ephemeral-storage" ||
           (name.substr(0, 10) == "hugepages-" && is_quantity(name.substr(10)));
  }
  return is_dns1123_subdomain(name.substr(0, slash)) && is_qualified_name_part(name.substr(slash + 1));
}

// The amount a quantity member stands for, or nullopt (reported) when it is not a quantity.
std::optional<double> read_quantity(const json::Value& value, const std::string& path, Diagnostics& out) {
  std::optional<double> amount;
  if (value.is_number()) {
    amount = value.as_double();
  } else if (value.is_string()) {
    amount = quantity_value(value.as_string());
    if (!amount) out.error(path, "must be a Kubernetes quantity such as \"500m\", \"1\" or \"256Mi\"");
  } else {
    out.error(path, "must be a quantity (a string or a number), not " + json_type_name(value));
  }
  if (amount && *amount < 0) {
    out.error(path, "must be greater than or equal to 0");
    return std::nullopt;
  }
  return amount;
}

// Checks one requests/limits map; returns its valid amounts by resource name and a copy without nulls.
std::map<std::string, double> read_quantities(const json::Value* map, const std::string& path, json::Value& kept,
                                              Diagnostics& out) {
  std::map<std::string, double> amounts;
  if (map == nullptr) return amounts;
  kept = json::Value::object();
  for (const auto& [name, value] : map->as_object()) {
    if (value.is_null()) continue;
    const std::string entry_path = key_path(path, name);
    kept.as_object().set(name, value);
    if (!is_container_resource_name(name)) {
      out.error(entry_path, "must be a container resource name: cpu, memory, ephemeral-storage, hugepages-<size> "
                            "or a domain-prefixed extended resource such as example.com/device");
      continue;
    }
    if (const std::optional<double> amount = read_quantity(value, entry_path, out)) amounts[name] = *amount;
  }
  return amounts;
}

}  // namespace

json::Value parse_resource_requirements(const json::Value* resources, const std::string& path, Diagnostics& out) {
  ObjectReader r(resources, path, out);
  if (!r.present()) return json::Value();
  json::Value kept = json::Value::object();
  json::Value requests_kept;
  json::Value limits_kept;
  const auto requests = read_quantities(r.object("requests"), r.field("requests"), requests_kept, out);
  const auto limits = read_quantities(r.object("limits"), r.field("limits"), limits_kept, out);
  if (r.any("claims") != nullptr) {
    out.error(r.field("claims"), "is not supported: the pod the operator renders declares no resource claims");
  }
  r.reject_unknown_fields();

  for (const auto& [name, request] : requests) {
    const auto limit = limits.find(name);
    if (limit != limits.end() && request > limit->second) {
      out.error(key_path(r.field("requests"), name), "must be less than or equal to the " + name + " limit");
    }
  }
  if (!requests_kept.is_null()) kept.as_object().set("requests", std::move(requests_kept));
  if (!limits_kept.is_null()) kept.as_object().set("limits", std::move(limits_kept));
  return kept;
}

}  // namespace sqlop::model
