// apimachinery/structured.hpp (internal): the typed-value operations of server-side apply
// (sigs.k8s.io/structured-merge-diff typed: ToFieldSet, Compare, Merge, RemoveItems) on JSON values, with
// list and map semantics taken from the SchemaLookup.
#pragma once

#include <sqlite_operator/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "apimachinery/fieldset.hpp"
#include "apimachinery/schema.hpp"

namespace sqlop::apimachinery::detail {

enum class ListKind { Atomic, Set, Map };

struct Comparison {
  FieldSet added;
  FieldSet modified;
  FieldSet removed;
  bool same() const { return added.empty() && modified.empty() && removed.empty(); }
  // Comparison.ExcludeFields: drops the paths at or below members of `fields`.
  Comparison excluding(const FieldSet& fields) const;
};

class Structured {
 public:
  explicit Structured(const SchemaLookup& schema) : schema_(schema) {}

  // The field set an applied configuration claims; nullopt and `error` (the library's text, e.g.
  // ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]") when it is not a valid typed
  // value (an item of a keyed list without its key, duplicate keys).
  // `allow_duplicates` is for live objects (the apiserver tolerates duplicate keys already stored).
  std::optional<FieldSet> to_field_set(const json::Value& object, std::string* error = nullptr,
                                       bool allow_duplicates = false) const;
  // Compares two versions of an object; `lhs` may be nullptr.
  Comparison compare(const json::Value* lhs, const json::Value& rhs) const;
  // Merges an applied configuration into the live object: `rhs` wins; keyed lists merge by key.
  json::Value merge(const json::Value& lhs, const json::Value& rhs) const;
  // The value without the members of `to_remove` (maps and lists emptied by it disappear).
  json::Value remove_items(const json::Value& value, const FieldSet& to_remove) const;

 private:
  using Keys = std::vector<std::string>;
  struct ListInfo {
    ListKind kind = ListKind::Atomic;
    std::vector<std::string> keys;
    json::Value key_defaults;
  };
  ListInfo list_info(const Keys& keys) const;
  bool atomic_map(const Keys& keys) const;
  std::optional<PathElement> item_element(const json::Value& item, const ListInfo& info, std::string* error) const;

  bool walk_set(const json::Value& v, Keys& keys, Path& path, FieldSet& out, std::string* error,
                bool allow_duplicates) const;
  void compare_node(const json::Value* l, const json::Value* r, Keys& keys, Path& path, Comparison& c) const;
  std::optional<json::Value> merge_node(const json::Value* l, const json::Value* r, Keys& keys) const;
  json::Value merge_lists(const json::Array& l, const json::Array& r, const ListInfo& info, Keys& keys) const;
  std::optional<json::Value> remove_node(const json::Value& v, const FieldSet& to_remove, Keys& keys, Path& path) const;

  const SchemaLookup& schema_;
};

}  // namespace sqlop::apimachinery::detail
