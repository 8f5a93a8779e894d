// CustomResourceDefinition controller: serves each CRD's resources once it is valid, sets NamesAccepted
// and Established, and on deletion removes every custom resource before releasing the CRD's finalizer.
#include <algorithm>
#include <set>

#include "server/controllers.hpp"
#include "server/ids_and_time.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

constexpr const char* kCrdPrefix = "apiextensions.k8s.io/customresourcedefinitions";
constexpr const char* kCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

bool deleting(const json::Value& o) {
  const json::Value* ts = o.find_path({"metadata", "deletionTimestamp"});
  return ts && ts->is_string() && !ts->as_string().empty();
}

std::vector<std::string> strings(const json::Value* v) {
  std::vector<std::string> out;
  if (v && v->is_array()) {
    for (const auto& s : v->as_array()) {
      if (s.is_string()) out.push_back(s.as_string());
    }
  }
  return out;
}

void set_condition(json::Value& crd, const std::string& type, const std::string& status, const std::string& reason,
                   const std::string& message) {
  json::Value& conditions = crd["status"]["conditions"];
  if (!conditions.is_array()) conditions = json::Value::array();
  for (auto& c : conditions.as_array()) {
    if (c.get_string("type") != type) continue;
    if (c.get_string("status") != status) c["lastTransitionTime"] = now_rfc3339();
    c["status"] = status;
    c["reason"] = reason;
    c["message"] = message;
    return;
  }
  json::Value c = json::Value::object();
  c["type"] = type;
  c["status"] = status;
  c["lastTransitionTime"] = now_rfc3339();
  c["reason"] = reason;
  c["message"] = message;
  conditions.push_back(std::move(c));
}

json::Value accepted_names(const json::Value& crd) {
  json::Value names = crd.find_path({"spec", "names"}) ? *crd.find_path({"spec", "names"}) : json::Value::object();
  std::string kind = names.get_string("kind");
  if (names.get_string("singular").empty()) {
    std::string lower = kind;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    names["singular"] = lower;
  }
  if (names.get_string("listKind").empty()) names["listKind"] = kind + "List";
  return names;
}

std::string storage_version(const json::Value& crd) {
  const json::Value* versions = crd.find_path({"spec", "versions"});
  if (versions && versions->is_array()) {
    for (const auto& v : versions->as_array()) {
      if (v.get_bool("storage", false)) return v.get_string("name");
    }
  }
  return {};
}

// Status after establishing: the names accepted, Established, the storage version recorded.
bool establish(json::Value& crd) {
  const json::Value before = crd;
  crd["status"]["acceptedNames"] = accepted_names(crd);
  set_condition(crd, "NamesAccepted", "True", "NoConflicts", "no conflicts found");
  set_condition(crd, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted");
  const std::string storage = storage_version(crd);
  std::vector<std::string> stored = strings(crd.find_path({"status", "storedVersions"}));
  if (!storage.empty() && std::find(stored.begin(), stored.end(), storage) == stored.end()) {
    crd["status"]["storedVersions"].push_back(storage);
  }
  return !(crd == before);
}

PrinterColumn column_of(const json::Value& c) {
  PrinterColumn col;
  col.name = c.get_string("name");
  col.type = c.get_string("type");
  col.format = c.get_string("format");
  col.description = c.get_string("description");
  col.json_path = c.get_string("jsonPath");
  col.priority = static_cast<int>(c.get_int("priority", 0));
  return col;
}

}  // namespace

std::vector<ResourceInfoPtr> crd_resources(const json::Value& crd, const SchemaSupport& schemas) {
  const SchemaSupport::CrdCheck check = schemas.check_crd(crd);
  std::vector<ResourceInfoPtr> out;
  if (!check.crd) return out;
  const auto& def = *check.crd;
  const std::string storage = def.storage_version() ? def.storage_version()->name : "";
  for (const auto& v : def.versions) {
    if (!v.served) continue;
    auto info = std::make_shared<ResourceInfo>();
    info->group = def.group;
    info->version = v.name;
    info->resource = def.plural;
    info->singular = def.singular;
    info->kind = def.kind;
    info->list_kind = def.list_kind;
    info->namespaced = def.namespaced;
    info->has_status = v.status_subresource;
    info->tracks_generation = true;
    info->builtin = false;
    info->short_names = def.short_names;
    info->categories = def.categories;
    info->verbs = standard_verbs(true);
    info->crd_name = def.name;
    info->storage_version = storage;
    if (v.printer_columns.is_array()) {
      for (const auto& c : v.printer_columns.as_array()) info->columns.push_back(column_of(c));
    }
    info->schema = v.schema;
    info->crd = check.crd;
    out.push_back(std::move(info));
  }
  return out;
}

bool run_crd_controller(ControllerDeps& deps) {
  const ResourceInfoPtr crd_info = deps.table.find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  std::vector<ObjectPtr> crds = deps.store.transact([&](Store::Txn& txn) { return txn.list(kCrdPrefix, ""); });
  bool wrote = false;
  std::set<std::string> present;
  for (const ObjectPtr& crd : crds) {
    const std::string name = crd->find_path({"metadata", "name"})->as_string();
    present.insert(name);
    if (deleting(*crd)) {
      // Remove every custom resource, then release the CRD.
      std::size_t remaining = 0;
      for (const ResourceInfoPtr& info : deps.table.all()) {
        if (info->crd_name != name || info->version != info->storage_version) continue;
        const std::vector<ObjectPtr> items =
            deps.store.transact([&](Store::Txn& txn) { return txn.list(info->storage_prefix(), ""); });
        for (const ObjectPtr& item : items) {
          ++remaining;
          const json::Value& meta = *item->find("metadata");
          if (!meta.find("deletionTimestamp")) {
            deps.service.delete_internal(*info, meta.get_string("namespace"), meta.get_string("name"), {});
            wrote = true;
          }
        }
      }
      if (remaining == 0) {
        const auto outcome = deps.service.update_internal(*crd_info, "", name, [](json::Value& o) {
          std::vector<std::string> f = strings(o.find_path({"metadata", "finalizers"}));
          const auto it = std::find(f.begin(), f.end(), kCleanupFinalizer);
          if (it == f.end()) return false;
          f.erase(it);
          json::Value arr = json::Value::array();
          for (const auto& s : f) arr.push_back(s);
          o["metadata"]["finalizers"] = std::move(arr);
          return true;
        });
        wrote = wrote || outcome == ResourceService::Outcome::Done;
      }
      continue;
    }
    // Serve first, then report Established: a client that saw Established can use the resource.
    const std::string rv = crd->find_path({"metadata", "resourceVersion"})->as_string();
    if (deps.crd_served_rv[name] != rv) {
      deps.table.set_crd_resources(name, crd_resources(*crd, deps.schemas));
      deps.crd_served_rv[name] = rv;
    }
    json::Value established = *crd;
    if (establish(established)) {
      const auto outcome = deps.service.update_internal(*crd_info, "", name, establish, "status");
      wrote = wrote || outcome == ResourceService::Outcome::Done;
    }
  }
  // CRDs that are gone stop being served.
  std::set<std::string> served;
  for (const ResourceInfoPtr& info : deps.table.all()) {
    if (!info->builtin) served.insert(info->crd_name);
  }
  for (const auto& name : served) {
    if (!present.count(name)) {
      deps.table.set_crd_resources(name, {});
      deps.crd_served_rv.erase(name);
    }
  }
  return wrote;
}

}  // namespace sqlop::testserver
