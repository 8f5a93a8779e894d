// Strategic merge patch as the apiserver applies it to builtin kinds (k8s.io/apimachinery/pkg/util/
// strategicpatch StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls, errors sorted by
// the apiserver's interpretStrategicMergePatchError). See patch.hpp.
//
// The order of results follows the library, including its quirks (how new list items interleave with the
// server's items, that "$patch": "delete" on a map leaves {}), because clients see that order.
#include <algorithm>
#include <set>

#include "apimachinery/go_format.hpp"
#include "apimachinery/patch.hpp"

namespace sqlop::apimachinery {
namespace {

using detail::go_format;
using detail::go_scalar_equal;
using detail::go_type_name;
using Path = std::vector<std::string>;

const char* const kDirective = "$patch";
const char* const kRetainKeys = "$retainKeys";
const char* const kDeleteFromPrimitiveList = "$deleteFromPrimitiveList";
const char* const kSetElementOrder = "$setElementOrder";

// How the apiserver classifies a failure (interpretStrategicMergePatchError).
struct Failure {
  enum Kind { BadRequest, Unprocessable, Internal } kind;
  std::string message;
};

[[noreturn]] void fail(Failure::Kind kind, std::string message) { throw Failure{kind, std::move(message)}; }

[[noreturn]] void bad_arg_type(const char* expected, const json::Value& actual) {
  fail(Failure::Internal, std::string("expected a ") + expected + ", but received a " + go_type_name(actual));
}

[[noreturn]] void no_merge_key(const json::Value& item, const std::string& key) {
  fail(Failure::Internal, "map: " + go_format(item) + " does not contain declared merge key: " + key);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

Path child(const Path& path, const std::string& key) {
  Path out = path;
  out.push_back(key);
  return out;
}

std::string path_name(const Path& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

// The field's patch strategy without "retainKeys" (extractRetainKeysPatchStrategy).
std::string patch_strategy(const FieldSchema& schema) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  const std::string& s = schema.patch_strategy;
  if (s.empty()) return "";
  for (;;) {
    const std::size_t comma = s.find(',', start);
    parts.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.size() == 1) return parts[0] == "retainKeys" ? "" : parts[0];
  if (parts.size() == 2) {
    if (parts[0] == "retainKeys") return parts[1];
    if (parts[1] == "retainKeys") return parts[0];
  }
  fail(Failure::Internal, "unexpected patch strategy: [" + [&] {
    std::string joined;
    for (std::size_t i = 0; i < parts.size(); ++i) joined += (i ? " " : "") + parts[i];
    return joined;
  }() + "]");
}

// The key after "<prefix>/" in a directive key.
std::string extract_key(const std::string& key, const std::string& prefix) {
  const std::size_t slash = key.find('/');
  if (slash == std::string::npos || key.substr(0, slash) != prefix) {
    if (prefix == kDeleteFromPrimitiveList) fail(Failure::BadRequest, "invalid patch format of primitive list");
    fail(Failure::BadRequest, "invalid patch format of setElementOrder list");
  }
  return key.substr(slash + 1);
}

// Null members dropped from maps, recursively (discardNullValuesFromPatch).
void discard_nulls(json::Value& v) {
  if (v.is_object()) {
    json::Object kept;
    for (auto& [k, member] : v.as_object()) {
      if (member.is_null()) continue;
      discard_nulls(member);
      kept.set(k, std::move(member));
    }
    v = json::Value(std::move(kept));
  } else if (v.is_array()) {
    for (auto& e : v.as_array()) discard_nulls(e);
  }
}

// removeDirectives: maps holding "$patch" disappear (from maps and lists alike). Returns false when the
// value itself is such a map.
bool remove_directives(json::Value& v) {
  if (v.is_object()) {
    if (v.find(kDirective)) return false;
    json::Object kept;
    for (auto& [k, member] : v.as_object()) {
      if (remove_directives(member)) kept.set(k, std::move(member));
    }
    v = json::Value(std::move(kept));
  } else if (v.is_array()) {
    json::Array kept;
    for (auto& e : v.as_array()) {
      if (remove_directives(e)) kept.push_back(std::move(e));
    }
    v = json::Value(std::move(kept));
  }
  return true;
}

// A value the patch adds where the original has nothing comparable: nulls and directives removed.
std::optional<json::Value> added_value(json::Value v) {
  discard_nulls(v);
  if (!remove_directives(v)) return std::nullopt;
  return v;
}

// Items are either all maps or all scalars of one Go type (sliceElementType).
enum class ElementKind { Map, Scalar };

ElementKind element_kind(const json::Array& a, const json::Array& b) {
  const json::Value* first = nullptr;
  for (const json::Array* list : {&a, &b}) {
    for (const json::Value& v : *list) {
      if (!first) {
        first = &v;
        if (v.is_array()) fail(Failure::Unprocessable, "lists of lists are not supported");
      } else if (go_type_name(*first) != go_type_name(v)) {
        json::Value both = json::Value::array();
        both.push_back(json::Value(a));
        both.push_back(json::Value(b));
        fail(Failure::Internal, "list element types are not identical: " + go_format(both));
      }
    }
  }
  if (!first) fail(Failure::Internal, "no elements in any of the given slices");
  return first->is_object() ? ElementKind::Map : ElementKind::Scalar;
}

// The value an item is ordered by: the merge key's value for maps, the item itself for scalars.
json::Value order_value(const json::Value& item, ElementKind kind, const std::string& merge_key) {
  if (kind == ElementKind::Scalar) return item;
  const json::Value* v = item.find(merge_key);
  return v ? *v : json::Value();
}

long index_of(const json::Array& list, const json::Value& item, ElementKind kind, const std::string& merge_key) {
  const json::Value wanted = order_value(item, kind, merge_key);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::Value candidate = order_value(list[i], kind, merge_key);
    if ((wanted.is_null() && candidate.is_null()) || go_scalar_equal(wanted, candidate)) return static_cast<long>(i);
  }
  return -1;
}

void validate_merge_key_in(const json::Array& list, const std::string& merge_key) {
  for (const json::Value& item : list) {
    if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
    if (!item.find(merge_key)) no_merge_key(item, merge_key);
  }
}

bool is_delete_item(const json::Value& item) {
  const json::Value* d = item.find(kDirective);
  return d && d->is_string() && d->as_string() == "delete";
}

// normalizeSliceOrder: a stable insertion sort by position in `order` (the library's comparison treats any
// item missing from `order` as "less", which this reproduces), delete directives last.
json::Array sort_by_order(json::Array items, const json::Array& order, ElementKind kind, const std::string& merge_key) {
  json::Array deletes;
  if (kind == ElementKind::Map) {
    validate_merge_key_in(items, merge_key);
    validate_merge_key_in(order, merge_key);
    json::Array kept;
    for (json::Value& item : items) {
      if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
      (is_delete_item(item) ? deletes : kept).push_back(std::move(item));
    }
    items = std::move(kept);
  }
  const auto less = [&](const json::Value& a, const json::Value& b) {
    const long ia = index_of(order, a, kind, merge_key);
    const long ib = index_of(order, b, kind, merge_key);
    return (ia >= 0 && ib >= 0) ? ia < ib : true;
  };
  for (std::size_t i = 1; i < items.size(); ++i) {
    for (std::size_t j = i; j > 0 && less(items[j], items[j - 1]); --j) std::swap(items[j], items[j - 1]);
  }
  for (json::Value& d : deletes) items.push_back(std::move(d));
  return items;
}

// mergeSortedSlice: server-only items and patch items interleaved by the server's order; an item the
// server does not know goes before the remaining server items.
json::Array merge_sorted(const json::Array& left, const json::Array& right, const json::Array& server_order,
                         ElementKind kind, const std::string& merge_key) {
  json::Array out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < left.size() || j < right.size()) {
    if (i >= left.size()) {
      out.push_back(right[j++]);
    } else if (j >= right.size()) {
      out.push_back(left[i++]);
    } else {
      const long li = index_of(server_order, left[i], kind, merge_key);
      const long ri = index_of(server_order, right[j], kind, merge_key);
      if (li >= 0 && ri >= 0 && li < ri) {
        out.push_back(left[i++]);
      } else {
        out.push_back(right[j++]);
      }
    }
  }
  return out;
}

json::Array normalize_order(const json::Array& patch_items, const json::Array& server_only, const json::Array& patch_order,
                            const json::Array& server_order, ElementKind kind, const std::string& merge_key) {
  const json::Array sorted_patch = sort_by_order(patch_items, patch_order, kind, merge_key);
  const json::Array sorted_server = sort_by_order(server_only, server_order, kind, merge_key);
  return merge_sorted(sorted_server, sorted_patch, server_order, kind, merge_key);
}

// Splits `merged` into the items present in `by` and the others (by merge key for maps).
void partition(const json::Array& merged, const json::Array& by, ElementKind kind, const std::string& merge_key,
               json::Array& present, json::Array& absent) {
  for (const json::Value& item : merged) {
    bool found = false;
    if (kind == ElementKind::Scalar) {
      found = std::any_of(by.begin(), by.end(), [&](const json::Value& b) { return go_scalar_equal(item, b); });
    } else {
      if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
      const json::Value* key = item.find(merge_key);
      if (!key) no_merge_key(item, merge_key);
      for (std::size_t k = 0; k < by.size(); ++k) {
        if (!by[k].is_object()) fail(Failure::Internal, "value for key " + std::to_string(k) + " is not a map");
        const json::Value* other = by[k].find(merge_key);
        if (other && go_scalar_equal(*other, *key)) {
          found = true;
          break;
        }
      }
    }
    (found ? present : absent).push_back(item);
  }
}

// deduplicateScalars, with the library's swap-with-last order (normalised afterwards anyway).
json::Array deduplicate(json::Array s) {
  std::size_t length = s.empty() ? 0 : s.size() - 1;
  for (std::size_t i = 0; i < length; ++i) {
    for (std::size_t j = i + 1; j <= length; ++j) {
      if (go_scalar_equal(s[i], s[j])) {
        s[j] = s[length];
        s.pop_back();
        --length;
        --j;
      }
    }
  }
  return s;
}

long find_by_key(const json::Array& list, const std::string& merge_key, const json::Value& value) {
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (!list[k].is_object()) fail(Failure::Internal, "value for key " + std::to_string(k) + " is not a map");
    const json::Value* v = list[k].find(merge_key);
    if (v && go_scalar_equal(*v, value)) return static_cast<long>(k);
  }
  return -1;
}

class Merger {
 public:
  explicit Merger(const SchemaLookup& schema) : schema_(schema) {}

  json::Value merge_map(json::Value original, json::Value patch, const Path& path) {
    if (const json::Value* directive = patch.find(kDirective)) {
      const std::string d = directive->is_string() ? directive->as_string() : std::string();
      if (d == "replace") {
        patch.as_object().erase(kDirective);
        return patch;
      }
      if (d == "delete") return json::Value::object();
      fail(Failure::Internal, "unknown patch type: " + go_format(*directive) + " in map: " + go_format(patch));
    }
    if (!original.is_object()) original = json::Value::object();
    apply_retain_keys(original, patch);
    merge_set_element_orders(original, patch, path);

    for (const auto& [raw_key, patch_value] : patch.as_object()) {
      std::string key = raw_key;
      bool delete_list = false;
      if (starts_with(key, kDeleteFromPrimitiveList)) {
        key = extract_key(key, kDeleteFromPrimitiveList);
        delete_list = true;
      }
      json::Object& target = original.as_object();
      if (patch_value.is_null()) {
        target.erase(key);
        continue;
      }
      json::Value* existing = target.find(key);
      if (!existing || go_type_name(*existing) != go_type_name(patch_value)) {
        if (!delete_list) {
          std::optional<json::Value> added = added_value(patch_value);
          if (added) {
            target.set(key, std::move(*added));
          } else {
            target.erase(key);
          }
        }
        continue;
      }
      const Path field = child(path, key);
      if (existing->is_object()) {
        const FieldSchema meta = schema_(field);
        *existing = patch_strategy(meta) == "replace" ? patch_value : merge_map(std::move(*existing), patch_value, field);
      } else if (existing->is_array()) {
        const FieldSchema meta = schema_(field);
        if (patch_strategy(meta) == "merge" || delete_list) {
          *existing = json::Value(merge_slice(existing->as_array(), patch_value.as_array(), field, meta.patch_merge_key,
                                              delete_list));
        } else {
          *existing = patch_value;
        }
      } else {
        *existing = patch_value;
      }
    }
    return original;
  }

 private:
  void apply_retain_keys(json::Value& original, json::Value& patch) {
    json::Value* retain = patch.find(kRetainKeys);
    if (!retain) return;
    const json::Value list = *retain;
    patch.as_object().erase(kRetainKeys);
    if (!list.is_array()) fail(Failure::BadRequest, "invalid patch format of retainKeys");
    std::set<std::string> keep;
    for (const json::Value& v : list.as_array()) {
      if (v.is_string()) keep.insert(v.as_string());
    }
    for (const auto& [k, v] : patch.as_object()) {
      if (v.is_null() || starts_with(k, kDeleteFromPrimitiveList) || starts_with(k, kSetElementOrder)) continue;
      if (!keep.count(k)) fail(Failure::BadRequest, "invalid patch format of retainKeys");
    }
    json::Object kept;
    for (auto& [k, v] : original.as_object()) {
      if (keep.count(k)) kept.set(k, std::move(v));
    }
    original = json::Value(std::move(kept));
  }

  // "$setElementOrder/<list>": merges <list> now and orders it as the directive says.
  void merge_set_element_orders(json::Value& original, json::Value& patch, const Path& path) {
    std::vector<std::string> directive_keys;
    for (const auto& [k, v] : patch.as_object()) {
      if (starts_with(k, kSetElementOrder)) directive_keys.push_back(k);
    }
    for (const std::string& directive_key : directive_keys) {
      const json::Value order_value = *patch.find(directive_key);
      patch.as_object().erase(directive_key);
      if (!order_value.is_array()) bad_arg_type("[]interface {}", order_value);
      const json::Array& order = order_value.as_array();
      const std::string key = extract_key(directive_key, kSetElementOrder);
      const json::Value* original_list = original.find(key);
      const json::Value* patch_list = patch.find(key);
      if (original_list && !original_list->is_array()) bad_arg_type("[]interface {}", *original_list);
      if (patch_list && !patch_list->is_array()) bad_arg_type("[]interface {}", *patch_list);
      const json::Array original_items = original_list ? original_list->as_array() : json::Array{};
      const json::Array patch_items = patch_list ? patch_list->as_array() : json::Array{};
      const Path field = child(path, key);
      const FieldSchema meta = schema_(field);
      const std::string strategy = patch_strategy(meta);
      validate_order(patch_items, order, meta.patch_merge_key);

      json::Array merged;
      if (original_list && !patch_list) {
        merged = original_items;
      } else if (!original_list && patch_list) {
        json::Value cleaned(patch_items);
        remove_directives(cleaned);
        merged = cleaned.as_array();
      } else if (original_list && patch_list) {
        merged = strategy == "merge" ? merge_slice(original_items, patch_items, field, meta.patch_merge_key, false)
                                     : patch_items;
      } else {
        continue;
      }
      const ElementKind kind = element_kind(original_items, patch_items);
      json::Array in_order;
      json::Array server_only;
      partition(merged, order, meta.patch_merge_key.empty() ? ElementKind::Scalar : ElementKind::Map,
                meta.patch_merge_key, in_order, server_only);
      original.as_object().set(key, json::Value(normalize_order(in_order, server_only, order, original_items, kind,
                                                                meta.patch_merge_key)));
      patch.as_object().erase(key);
    }
  }

  // validatePatchWithSetOrderList: the patch's items must appear in the directive's order.
  static void validate_order(const json::Array& patch_items, const json::Array& order, const std::string& merge_key) {
    if (order.empty() || patch_items.empty()) return;
    json::Array non_delete;
    for (const json::Value& item : patch_items) {
      if (!merge_key.empty()) {
        if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
        if (is_delete_item(item)) continue;
      }
      non_delete.push_back(item);
    }
    std::size_t p = 0;
    std::size_t o = 0;
    while (p < non_delete.size() && o < order.size()) {
      if (non_delete[p].is_object() && non_delete[p].find(kDirective)) {
        ++p;
        continue;
      }
      bool equal = false;
      if (merge_key.empty()) {
        equal = go_scalar_equal(non_delete[p], order[o]);
      } else {
        if (!non_delete[p].is_object()) bad_arg_type("map[string]interface {}", non_delete[p]);
        if (!order[o].is_object()) bad_arg_type("map[string]interface {}", order[o]);
        const json::Value* left = non_delete[p].find(merge_key);
        if (!left) no_merge_key(non_delete[p], merge_key);
        const json::Value* right = order[o].find(merge_key);
        if (!right) no_merge_key(order[o], merge_key);
        equal = go_scalar_equal(*left, *right);
      }
      if (equal) ++p;
      ++o;
    }
    if (p < non_delete.size() && o >= order.size()) {
      fail(Failure::Internal, "The order in patch list:\n" + go_format(json::Value(patch_items)) + "\n doesn't match " +
                                  kSetElementOrder + " list:\n" + go_format(json::Value(order)) + "\n");
    }
  }

  json::Array merge_slice(json::Array original, json::Array patch, const Path& path, const std::string& merge_key,
                          bool delete_list) {
    if (original.empty() && patch.empty()) return original;
    const ElementKind kind = element_kind(original, patch);
    json::Array merged;
    if (kind == ElementKind::Scalar) {
      if (delete_list) {
        json::Array kept;
        for (const json::Value& v : original) {
          const bool doomed = std::any_of(patch.begin(), patch.end(), [&](const json::Value& d) { return go_scalar_equal(v, d); });
          if (!doomed) kept.push_back(v);
        }
        return kept;
      }
      json::Array both = original;
      both.insert(both.end(), patch.begin(), patch.end());
      merged = deduplicate(std::move(both));
    } else {
      if (merge_key.empty()) fail(Failure::Internal, "cannot merge lists without merge key for " + path_name(path));
      apply_special_items(original, patch, merge_key);
      merged = merge_items(original, patch, path, merge_key);
    }
    json::Array in_patch;
    json::Array server_only;
    partition(merged, patch, kind, merge_key, in_patch, server_only);
    return normalize_order(in_patch, server_only, patch, original, kind, merge_key);
  }

  // "$patch": "delete" items remove their match; "$patch": "replace" makes the other patch items the list.
  static void apply_special_items(json::Array& original, json::Array& patch, const std::string& merge_key) {
    json::Array plain;
    bool replace = false;
    for (const json::Value& item : patch) {
      if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
      const json::Value* directive = item.find(kDirective);
      if (!directive) {
        plain.push_back(item);
        continue;
      }
      const std::string d = directive->is_string() ? directive->as_string() : std::string();
      if (d == "delete") {
        const json::Value* key = item.find(merge_key);
        if (!key) no_merge_key(item, merge_key);
        for (long at; (at = find_by_key(original, merge_key, *key)) >= 0;) original.erase(original.begin() + at);
      } else if (d == "replace") {
        replace = true;
      } else if (d == "merge") {
        fail(Failure::Internal, "merging lists cannot yet be specified in the patch");
      } else {
        fail(Failure::Internal, "unknown patch type: " + go_format(*directive) + " in map: " + go_format(item));
      }
    }
    if (replace) {
      original = std::move(plain);
      patch.clear();
    } else {
      patch = std::move(plain);
    }
  }

  json::Array merge_items(json::Array original, const json::Array& patch, const Path& path, const std::string& merge_key) {
    for (const json::Value& item : patch) {
      const json::Value* key = item.find(merge_key);
      if (!key) no_merge_key(item, merge_key);
      const long at = find_by_key(original, merge_key, *key);
      if (at >= 0) {
        original[static_cast<std::size_t>(at)] = merge_map(original[static_cast<std::size_t>(at)], item, path);
      } else {
        // Appended as the patch has it; nulls and directives inside vanish when the apiserver decodes.
        json::Value added = item;
        discard_nulls(added);
        original.push_back(std::move(added));
      }
    }
    return original;
  }

  const SchemaLookup& schema_;
};

}  // namespace

Result<json::Value> apply_strategic_merge_patch(const json::Value& original, const json::Value& patch,
                                                const SchemaLookup& schema) {
  if (patch.is_null()) return original;
  if (!patch.is_object()) {
    const std::string type = patch.is_array() ? "array" : patch.is_string() ? "string" : patch.is_bool() ? "bool" : "number";
    return bad_request("json: cannot unmarshal " + type + " into Go value of type map[string]interface {}");
  }
  try {
    Merger merger(schema);
    return merger.merge_map(original.is_object() ? original : json::Value::object(), patch, {});
  } catch (const Failure& f) {
    switch (f.kind) {
      case Failure::BadRequest: return bad_request(f.message);
      case Failure::Unprocessable: return unprocessable(f.message);
      case Failure::Internal: break;
    }
    return internal_error(f.message);
  }
}

}  // namespace sqlop::apimachinery
