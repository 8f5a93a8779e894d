// The namespace lifecycle controller: a terminating namespace has its content deleted, then its
// "kubernetes" finalizer removed, which lets the namespace go.
#include <set>

#include "server/controllers.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

bool run_namespace_controller(ControllerDeps& deps) {
  const ResourceInfoPtr ns_info = deps.table.find("", "v1", "namespaces");
  const std::vector<std::pair<std::string, ObjectPtr>> all = deps.store.transact([](Store::Txn& txn) { return txn.all(); });
  std::set<std::string> terminating;
  for (const auto& [prefix, obj] : all) {
    if (prefix == "/namespaces" && obj->find_path({"metadata", "deletionTimestamp"})) {
      terminating.insert(obj->find_path({"metadata", "name"})->as_string());
    }
  }
  if (terminating.empty()) return false;
  bool wrote = false;
  std::set<std::string> non_empty;
  for (const auto& [prefix, obj] : all) {
    const json::Value* ns = obj->find_path({"metadata", "namespace"});
    if (!ns || !ns->is_string() || !terminating.count(ns->as_string())) continue;
    non_empty.insert(ns->as_string());
    if (obj->find_path({"metadata", "deletionTimestamp"})) continue;
    const std::size_t slash = prefix.find('/');
    const ResourceInfoPtr info = deps.table.find_any_version(prefix.substr(0, slash), prefix.substr(slash + 1));
    if (!info) continue;
    deps.service.delete_internal(*info, ns->as_string(), obj->find_path({"metadata", "name"})->as_string(), {});
    wrote = true;
  }
  for (const auto& name : terminating) {
    if (non_empty.count(name)) continue;
    const auto outcome = deps.service.update_internal(*ns_info, "", name, [](json::Value& o) {
      json::Value* f = o.find_path({"spec", "finalizers"}) ? &o["spec"]["finalizers"] : nullptr;
      if (!f || !f->is_array() || f->as_array().empty()) return false;
      *f = json::Value::array();
      return true;
    }, "finalize");
    wrote = wrote || outcome == ResourceService::Outcome::Done;
  }
  return wrote;
}

}  // namespace sqlop::testserver
