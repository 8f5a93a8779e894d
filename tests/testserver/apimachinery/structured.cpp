// Typed-value operations of server-side apply on JSON (see structured.hpp). The list merge order follows
// structured-merge-diff's mergingWalker exactly, since clients see the order of containers and ports.
#include "apimachinery/structured.hpp"

#include <algorithm>

namespace sqlop::apimachinery::detail {
namespace {

bool is_empty_container(const json::Value* v) {
  if (!v || v->is_null()) return true;
  if (v->is_object()) return v->as_object().empty();
  if (v->is_array()) return v->as_array().empty();
  return false;
}

bool contains(const std::string& list, const std::string& word) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    if (list.substr(start, comma == std::string::npos ? std::string::npos : comma - start) == word) return true;
    if (comma == std::string::npos) return false;
    start = comma + 1;
  }
}

// Index of an element in a list of path elements, or -1.
long find(const std::vector<PathElement>& list, const PathElement& e) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (detail::compare(list[i], e) == 0) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace

Comparison Comparison::excluding(const FieldSet& fields) const {
  return Comparison{added.recursive_difference(fields), modified.recursive_difference(fields),
                    removed.recursive_difference(fields)};
}

Structured::ListInfo Structured::list_info(const Keys& keys) const {
  const FieldSchema s = schema_(keys);
  ListInfo info;
  if (s.list_type == "map") {
    info.kind = ListKind::Map;
    info.keys = s.list_map_keys;
  } else if (s.list_type == "set") {
    info.kind = ListKind::Set;
  } else if (s.list_type.empty() && contains(s.patch_strategy, "merge")) {
    // Builtin schemas without x-kubernetes-list-type: the patch strategy decides (kube-openapi schemaconv).
    if (!s.patch_merge_key.empty()) {
      info.kind = ListKind::Map;
      info.keys = {s.patch_merge_key};
    } else {
      info.kind = ListKind::Set;
    }
  }
  if (info.kind == ListKind::Map && info.keys.empty()) info.kind = ListKind::Atomic;
  info.key_defaults = s.key_defaults;
  return info;
}

bool Structured::atomic_map(const Keys& keys) const {
  if (keys.empty()) return false;
  return schema_(keys).map_type == "atomic";
}

std::optional<PathElement> Structured::item_element(const json::Value& item, const ListInfo& info, std::string* error) const {
  if (info.kind == ListKind::Set) return PathElement::of_value(item);
  if (!item.is_object()) {
    if (error) *error = "associative list with keys may not have non-map elements";
    return std::nullopt;
  }
  std::vector<std::pair<std::string, json::Value>> keys;
  for (const std::string& name : info.keys) {
    const json::Value* v = item.find(name);
    if (v && !v->is_null()) {
      keys.emplace_back(name, *v);
    } else if (const json::Value* d = info.key_defaults.find(name)) {
      keys.emplace_back(name, *d);
    } else {
      if (error) *error = "associative list with keys has an element that omits key field \"" + name + "\" (and doesn't have default value)";
      return std::nullopt;
    }
  }
  return PathElement::of_keys(std::move(keys));
}

// ---- ToFieldSet ---------------------------------------------------------------------------------------

bool Structured::walk_set(const json::Value& v, Keys& keys, Path& path, FieldSet& out, std::string* error,
                          bool allow_duplicates) const {
  if (v.is_object()) {
    if (atomic_map(keys)) {
      out.insert(path);
      return true;
    }
    for (const auto& [k, child] : v.as_object()) {
      keys.push_back(k);
      path.push_back(PathElement::of_field(k));
      const bool ok = walk_set(child, keys, path, out, error, allow_duplicates);
      path.pop_back();
      keys.pop_back();
      if (!ok) return false;
    }
    return true;
  }
  if (v.is_array()) {
    const ListInfo info = list_info(keys);
    if (info.kind == ListKind::Atomic) {
      out.insert(path);
      return true;
    }
    std::vector<PathElement> seen;
    const json::Array& items = v.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string why;
      std::optional<PathElement> e = item_element(items[i], info, &why);
      if (!e) {
        if (allow_duplicates) continue;
        if (error) *error = path_string(path) + ": element " + std::to_string(i) + ": " + why;
        return false;
      }
      if (!allow_duplicates && find(seen, *e) >= 0) {
        if (error) *error = path_string(path) + ": duplicate entries for key " + e->to_string();
        return false;
      }
      seen.push_back(*e);
      path.push_back(*e);
      const bool ok = walk_set(items[i], keys, path, out, error, allow_duplicates);
      out.insert(path);
      path.pop_back();
      if (!ok) return false;
    }
    return true;
  }
  if (!path.empty()) out.insert(path);
  return true;
}

std::optional<FieldSet> Structured::to_field_set(const json::Value& object, std::string* error,
                                                 bool allow_duplicates) const {
  FieldSet out;
  Keys keys;
  Path path;
  if (!walk_set(object, keys, path, out, error, allow_duplicates)) return std::nullopt;
  return out;
}

// ---- Compare ------------------------------------------------------------------------------------------

void Structured::compare_node(const json::Value* l, const json::Value* r, Keys& keys, Path& path, Comparison& c) const {
  bool in_leaf = false;
  const auto leaf = [&] {
    in_leaf = true;
    if (!l) {
      c.added.insert(path);
    } else if (!r) {
      c.removed.insert(path);
    } else if (!(*l == *r)) {
      c.modified.insert(path);
    }
  };
  const json::Value* shape = r ? r : l;
  const bool l_fits = !l || l->is_null() || l->type() == shape->type();
  if (!l_fits || !(shape->is_object() || shape->is_array())) {
    leaf();
  } else if (shape->is_object()) {
    if (atomic_map(keys) || (is_empty_container(l) && is_empty_container(r))) {
      leaf();
    } else {
      std::vector<std::string> names;
      if (l && l->is_object()) {
        for (const auto& [k, v] : l->as_object()) names.push_back(k);
      }
      if (r && r->is_object()) {
        for (const auto& [k, v] : r->as_object()) {
          if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
        }
      }
      for (const std::string& k : names) {
        const json::Value* lv = l ? l->find(k) : nullptr;
        const json::Value* rv = r ? r->find(k) : nullptr;
        keys.push_back(k);
        path.push_back(PathElement::of_field(k));
        compare_node(lv, rv, keys, path, c);
        path.pop_back();
        keys.pop_back();
      }
    }
  } else {
    const ListInfo info = list_info(keys);
    if (info.kind == ListKind::Atomic || (is_empty_container(l) && is_empty_container(r))) {
      leaf();
    } else {
      // Items grouped by path element, in first-seen order (left then right).
      std::vector<PathElement> all;
      std::vector<std::vector<const json::Value*>> left;
      std::vector<std::vector<const json::Value*>> right;
      const auto index = [&](const json::Value* list, bool is_left) {
        if (!list || !list->is_array()) return;
        for (const json::Value& item : list->as_array()) {
          std::optional<PathElement> e = item_element(item, info, nullptr);
          if (!e) continue;
          long at = find(all, *e);
          if (at < 0) {
            all.push_back(*e);
            left.emplace_back();
            right.emplace_back();
            at = static_cast<long>(all.size() - 1);
          }
          (is_left ? left : right)[static_cast<std::size_t>(at)].push_back(&item);
        }
      };
      index(l, true);
      index(r, false);
      for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& ls = left[i];
        const auto& rs = right[i];
        path.push_back(all[i]);
        if (ls.size() <= 1 && rs.size() <= 1) {
          compare_node(ls.empty() ? nullptr : ls[0], rs.empty() ? nullptr : rs[0], keys, path, c);
        } else if (ls.size() >= 2 && rs.size() >= 2) {
          bool equal = ls.size() == rs.size();
          for (std::size_t j = 0; equal && j < ls.size(); ++j) equal = *ls[j] == *rs[j];
          if (!equal) c.modified.insert(path);
        } else if (ls.size() >= 2) {
          if (!rs.empty()) compare_node(nullptr, rs[0], keys, path, c);
          c.removed.insert(path);
        } else {
          if (!ls.empty()) compare_node(ls[0], nullptr, keys, path, c);
          c.added.insert(path);
        }
        path.pop_back();
      }
    }
  }
  if (!in_leaf && !path.empty()) {
    if (!l) {
      c.added.insert(path);
    } else if (!r) {
      c.removed.insert(path);
    }
  }
}

Comparison Structured::compare(const json::Value* lhs, const json::Value& rhs) const {
  Comparison c;
  Keys keys;
  Path path;
  static const json::Value kEmpty = json::Value::object();
  compare_node(lhs ? lhs : &kEmpty, &rhs, keys, path, c);
  return c;
}

// ---- Merge --------------------------------------------------------------------------------------------

std::optional<json::Value> Structured::merge_node(const json::Value* l, const json::Value* r, Keys& keys) const {
  if (!r) return l ? std::optional<json::Value>(*l) : std::nullopt;
  const bool l_object = l && l->is_object();
  const bool l_array = l && l->is_array();
  if (r->is_null()) {
    // A null map or list in the configuration leaves a non-empty live value alone; a null scalar wins.
    if ((l_object || l_array) && !is_empty_container(l)) return *l;
    return json::Value();
  }
  if (r->is_object() && (!l || l->is_null() || l_object)) {
    if (atomic_map(keys) || (is_empty_container(l) && is_empty_container(r))) return *r;
    json::Value out = json::Value::object();
    if (l_object) {
      for (const auto& [k, lv] : l->as_object()) {
        keys.push_back(k);
        std::optional<json::Value> merged = merge_node(&lv, r->find(k), keys);
        keys.pop_back();
        if (merged) out.as_object().set(k, std::move(*merged));
      }
    }
    for (const auto& [k, rv] : r->as_object()) {
      if (l_object && l->find(k)) continue;
      keys.push_back(k);
      std::optional<json::Value> merged = merge_node(nullptr, &rv, keys);
      keys.pop_back();
      if (merged) out.as_object().set(k, std::move(*merged));
    }
    return out;
  }
  if (r->is_array() && (!l || l->is_null() || l_array)) {
    const ListInfo info = list_info(keys);
    if (info.kind == ListKind::Atomic || (is_empty_container(l) && is_empty_container(r))) return *r;
    static const json::Array kNone;
    return merge_lists(l_array ? l->as_array() : kNone, r->as_array(), info, keys);
  }
  return *r;
}

json::Value Structured::merge_lists(const json::Array& lhs, const json::Array& rhs, const ListInfo& info, Keys& keys) const {
  std::vector<PathElement> l_pes;
  std::vector<const json::Value*> l_items;
  std::vector<PathElement> r_pes;
  std::vector<const json::Value*> r_items;
  for (const json::Value& item : lhs) {
    if (std::optional<PathElement> e = item_element(item, info, nullptr)) {
      l_pes.push_back(*e);
      l_items.push_back(&item);
    }
  }
  for (const json::Value& item : rhs) {
    if (std::optional<PathElement> e = item_element(item, info, nullptr)) {
      r_pes.push_back(*e);
      r_items.push_back(&item);
    }
  }
  // The first occurrence stands for a key; a duplicated live key merges as "no live value".
  const auto observed = [](const std::vector<PathElement>& pes, const std::vector<const json::Value*>& items,
                           const PathElement& e, bool& found) -> const json::Value* {
    found = false;
    const json::Value* first = nullptr;
    int count = 0;
    for (std::size_t i = 0; i < pes.size(); ++i) {
      if (detail::compare(pes[i], e) == 0) {
        if (count++ == 0) first = items[i];
        found = true;
      }
    }
    return count > 1 ? nullptr : first;
  };
  std::vector<PathElement> shared;
  for (const PathElement& e : r_pes) {
    bool found = false;
    observed(l_pes, l_items, e, found);
    if (found) shared.push_back(e);
  }
  std::size_t next_shared = 0;
  const auto shared_is = [&](const PathElement& e) { return next_shared < shared.size() && detail::compare(shared[next_shared], e) == 0; };

  json::Array out;
  std::vector<PathElement> merged_rhs;
  const auto merge_item = [&](const json::Value* l, const json::Value* r) {
    std::optional<json::Value> m = merge_node(l, r, keys);
    if (m) out.push_back(std::move(*m));
  };
  std::size_t li = 0;
  std::size_t ri = 0;
  while (li < l_pes.size() || ri < r_pes.size()) {
    if (li < l_pes.size() && ri < r_pes.size()) {
      const PathElement& pe = l_pes[li];
      if (detail::compare(pe, r_pes[ri]) == 0) {
        merged_rhs.push_back(pe);
        bool found = false;
        const json::Value* lc = observed(l_pes, l_items, pe, found);
        const json::Value* rc = observed(r_pes, r_items, pe, found);
        merge_item(lc, rc);
        ++li;
        ++ri;
        ++next_shared;
        continue;
      }
      bool in_rhs = false;
      observed(r_pes, r_items, pe, in_rhs);
      if (in_rhs && next_shared < shared.size() && !shared_is(pe)) {
        ++li;
        continue;
      }
    }
    if (li < l_pes.size()) {
      const PathElement& pe = l_pes[li];
      bool in_rhs = false;
      observed(r_pes, r_items, pe, in_rhs);
      if (!in_rhs) {
        merge_item(l_items[li], nullptr);
        ++li;
        continue;
      }
      if (find(merged_rhs, pe) >= 0) ++li;
    }
    if (ri < r_pes.size()) {
      const PathElement& pe = r_pes[ri];
      merged_rhs.push_back(pe);
      bool found = false;
      const json::Value* lc = observed(l_pes, l_items, pe, found);
      const json::Value* rc = observed(r_pes, r_items, pe, found);
      merge_item(lc, rc);
      ++ri;
      if (shared_is(pe)) ++next_shared;
    }
  }
  return json::Value(std::move(out));
}

json::Value Structured::merge(const json::Value& lhs, const json::Value& rhs) const {
  Keys keys;
  std::optional<json::Value> out = merge_node(&lhs, &rhs, keys);
  return out ? *out : json::Value::object();
}

// ---- RemoveItems --------------------------------------------------------------------------------------

std::optional<json::Value> Structured::remove_node(const json::Value& v, const FieldSet& to_remove, Keys& keys,
                                                   Path& path) const {
  if (v.is_object()) {
    if (v.as_object().empty() || atomic_map(keys)) return v;
    json::Object out;
    for (const auto& [k, child] : v.as_object()) {
      path.push_back(PathElement::of_field(k));
      keys.push_back(k);
      if (to_remove.has(path)) {
        // removed with everything below it
      } else if (to_remove.has_below(path)) {
        if (std::optional<json::Value> kept = remove_node(child, to_remove, keys, path)) out.set(k, std::move(*kept));
      } else {
        out.set(k, child);
      }
      keys.pop_back();
      path.pop_back();
    }
    if (out.empty()) return std::nullopt;
    return json::Value(std::move(out));
  }
  if (v.is_array()) {
    const ListInfo info = list_info(keys);
    if (v.as_array().empty() || info.kind == ListKind::Atomic) return v;
    json::Array out;
    for (const json::Value& item : v.as_array()) {
      std::optional<PathElement> e = item_element(item, info, nullptr);
      if (!e) {
        out.push_back(item);
        continue;
      }
      path.push_back(*e);
      if (to_remove.has(path)) {
        // dropped
      } else if (to_remove.has_below(path)) {
        std::optional<json::Value> kept = remove_node(item, to_remove, keys, path);
        out.push_back(kept ? std::move(*kept) : json::Value::object());
      } else {
        out.push_back(item);
      }
      path.pop_back();
    }
    if (out.empty()) return std::nullopt;
    return json::Value(std::move(out));
  }
  return v;
}

json::Value Structured::remove_items(const json::Value& value, const FieldSet& to_remove) const {
  Keys keys;
  Path path;
  std::optional<json::Value> out = remove_node(value, to_remove, keys, path);
  return out ? *out : json::Value::object();
}

}  // namespace sqlop::apimachinery::detail
