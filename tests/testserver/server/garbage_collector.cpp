// The garbage collector: dependents whose owners are gone are deleted (background propagation), owners
// deleted with propagationPolicy=Orphan release their dependents first, owners deleted with Foreground
// wait until their blocking dependents are gone. Owners are matched by uid, as the real collector does.
#include <algorithm>
#include <map>
#include <set>

#include "server/controllers.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

struct Node {
  std::string prefix;
  ObjectPtr object;
};

std::string meta_string(const json::Value& o, const char* key) {
  const json::Value* v = o.find_path({"metadata", key});
  return v && v->is_string() ? v->as_string() : "";
}

bool deleting(const json::Value& o) { return !meta_string(o, "deletionTimestamp").empty(); }

bool has_finalizer(const json::Value& o, const std::string& f) {
  const json::Value* list = o.find_path({"metadata", "finalizers"});
  if (!list || !list->is_array()) return false;
  return std::any_of(list->as_array().begin(), list->as_array().end(),
                     [&](const json::Value& v) { return v.is_string() && v.as_string() == f; });
}

const json::Array* owner_refs(const json::Value& o) {
  const json::Value* refs = o.find_path({"metadata", "ownerReferences"});
  return refs && refs->is_array() && !refs->as_array().empty() ? &refs->as_array() : nullptr;
}

bool refers_to(const json::Value& dependent, const std::string& uid) {
  const json::Array* refs = owner_refs(dependent);
  return refs && std::any_of(refs->begin(), refs->end(), [&](const json::Value& r) { return r.get_string("uid") == uid; });
}

ResourceInfoPtr info_for_prefix(const ResourceTable& table, const std::string& prefix) {
  const std::size_t slash = prefix.find('/');
  return table.find_any_version(prefix.substr(0, slash), prefix.substr(slash + 1));
}

bool remove_finalizer(ControllerDeps& deps, const Node& node, const std::string& finalizer) {
  const ResourceInfoPtr info = info_for_prefix(deps.table, node.prefix);
  if (!info) return false;
  const auto outcome = deps.service.update_internal(
      *info, meta_string(*node.object, "namespace"), meta_string(*node.object, "name"), [&](json::Value& o) {
        json::Value& list = o["metadata"]["finalizers"];
        if (!list.is_array()) return false;
        auto& arr = list.as_array();
        const auto before = arr.size();
        arr.erase(std::remove_if(arr.begin(), arr.end(), [&](const json::Value& v) { return v.is_string() && v.as_string() == finalizer; }),
                  arr.end());
        return arr.size() != before;
      });
  return outcome == ResourceService::Outcome::Done;
}

bool remove_owner_refs(ControllerDeps& deps, const Node& node, const std::set<std::string>& uids) {
  const ResourceInfoPtr info = info_for_prefix(deps.table, node.prefix);
  if (!info) return false;
  const auto outcome = deps.service.update_internal(
      *info, meta_string(*node.object, "namespace"), meta_string(*node.object, "name"), [&](json::Value& o) {
        json::Value& refs = o["metadata"]["ownerReferences"];
        if (!refs.is_array()) return false;
        auto& arr = refs.as_array();
        const auto before = arr.size();
        arr.erase(std::remove_if(arr.begin(), arr.end(), [&](const json::Value& r) { return uids.count(r.get_string("uid")) > 0; }),
                  arr.end());
        if (arr.empty()) o["metadata"].as_object().erase("ownerReferences");
        return arr.size() != before;
      });
  return outcome == ResourceService::Outcome::Done;
}

bool delete_node(ControllerDeps& deps, const Node& node, const std::string& policy) {
  const ResourceInfoPtr info = info_for_prefix(deps.table, node.prefix);
  if (!info) return false;
  DeleteRequest request;
  request.propagation = policy;
  request.precondition_uid = meta_string(*node.object, "uid");
  return deps.service.delete_internal(*info, meta_string(*node.object, "namespace"), meta_string(*node.object, "name"),
                                      request) == ResourceService::Outcome::Done;
}

}  // namespace

bool run_garbage_collector(ControllerDeps& deps) {
  const std::vector<std::pair<std::string, ObjectPtr>> all = deps.store.transact([](Store::Txn& txn) { return txn.all(); });
  std::map<std::string, Node> by_uid;
  for (const auto& [prefix, obj] : all) by_uid[meta_string(*obj, "uid")] = Node{prefix, obj};
  auto dependents_of = [&](const std::string& uid) {
    std::vector<Node> out;
    for (const auto& [prefix, obj] : all) {
      if (refers_to(*obj, uid)) out.push_back(Node{prefix, obj});
    }
    return out;
  };

  bool wrote = false;
  for (const auto& [prefix, obj] : all) {
    if (!deleting(*obj)) continue;
    const Node owner{prefix, obj};
    const std::string uid = meta_string(*obj, "uid");
    if (has_finalizer(*obj, "orphan")) {
      for (const Node& d : dependents_of(uid)) wrote = remove_owner_refs(deps, d, {uid}) || wrote;
      wrote = remove_finalizer(deps, owner, "orphan") || wrote;
    } else if (has_finalizer(*obj, "foregroundDeletion")) {
      bool blocked = false;
      for (const Node& d : dependents_of(uid)) {
        if (!deleting(*d.object)) {
          const bool has_own_dependents = !dependents_of(meta_string(*d.object, "uid")).empty();
          wrote = delete_node(deps, d, has_own_dependents ? "Foreground" : "Background") || wrote;
        }
        for (const json::Value& r : *owner_refs(*d.object)) {
          if (r.get_string("uid") == uid && r.get_bool("blockOwnerDeletion", false)) blocked = true;
        }
      }
      if (!blocked) wrote = remove_finalizer(deps, owner, "foregroundDeletion") || wrote;
    }
  }

  // Dependents with dangling owner references.
  for (const auto& [prefix, obj] : all) {
    const json::Array* refs = owner_refs(*obj);
    if (!refs || deleting(*obj)) continue;
    std::set<std::string> dangling;
    std::size_t waiting = 0;  // owners being deleted in the foreground
    for (const json::Value& r : *refs) {
      const std::string api_version = r.get_string("apiVersion");
      const std::size_t slash = api_version.find('/');
      const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
      const std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
      const ResourceInfoPtr owner_info = deps.table.find_kind(group, version, r.get_string("kind"));
      if (!owner_info) continue;  // an owner kind the server does not know is left alone
      const auto it = by_uid.find(r.get_string("uid"));
      const bool present = it != by_uid.end() && meta_string(*it->second.object, "name") == r.get_string("name") &&
                           (!owner_info->namespaced ||
                            meta_string(*it->second.object, "namespace") == meta_string(*obj, "namespace"));
      if (!present) {
        dangling.insert(r.get_string("uid"));
      } else if (deleting(*it->second.object) && has_finalizer(*it->second.object, "foregroundDeletion")) {
        ++waiting;
      }
    }
    if (dangling.empty()) continue;
    const Node node{prefix, obj};
    if (dangling.size() + waiting == refs->size()) {
      wrote = delete_node(deps, node, "Background") || wrote;
    } else {
      wrote = remove_owner_refs(deps, node, dangling) || wrote;
    }
  }
  return wrote;
}

}  // namespace sqlop::testserver
