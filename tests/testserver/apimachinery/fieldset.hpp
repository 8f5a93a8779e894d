// apimachinery/fieldset.hpp (internal): sets of field paths, the ownership unit of server-side apply
// (sigs.k8s.io/structured-merge-diff fieldpath), with the FieldsV1 encoding stored in managedFields.
#pragma once

#include <sqlite_operator/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sqlop::apimachinery::detail {

// One step of a path: a map field, a keyed list item, a set list item or a list index.
struct PathElement {
  enum class Kind { Field, Key, Value, Index };
  Kind kind = Kind::Field;
  std::string field;                                      // Field
  std::vector<std::pair<std::string, json::Value>> keys;  // Key: sorted by name
  json::Value value;                                      // Value
  long index = 0;                                         // Index

  static PathElement of_field(std::string name);
  static PathElement of_keys(std::vector<std::pair<std::string, json::Value>> keys);
  static PathElement of_value(json::Value v);
  static PathElement of_index(long i);

  // "f:name", "k:{\"name\":\"x\"}", "v:\"x\"", "i:0" -- the FieldsV1 key.
  std::string encode() const;
  // ".name", "[name=\"x\"]", "[=\"x\"]", "[0]" -- as the apiserver prints paths in conflicts.
  std::string to_string() const;
};

// The structured-merge-diff order: fields < keys < values < indices, each ordered within.
int compare(const PathElement& a, const PathElement& b);
struct PathElementLess {
  bool operator()(const PathElement& a, const PathElement& b) const { return compare(a, b) < 0; }
};

using Path = std::vector<PathElement>;
std::string path_string(const Path& path);

// A tree of path elements; a node marked `member` is in the set.
class FieldSet {
 public:
  void insert(const Path& path);
  bool has(const Path& path) const;
  // Whether some member lies strictly below `path`.
  bool has_below(const Path& path) const;
  bool empty() const;

  FieldSet union_with(const FieldSet& other) const;
  // Members of this set that are not members of `other` (children of other's members stay).
  FieldSet difference(const FieldSet& other) const;
  FieldSet intersection(const FieldSet& other) const;
  // Members of this set that are neither members of `other` nor below one.
  FieldSet recursive_difference(const FieldSet& other) const;

  // The set plus, under every keyed list item it holds, that item's key fields (EnsureNamedFieldsAreMembers).
  FieldSet with_key_fields() const;

  // Every member path, in the library's iteration order (a node's members, then its children).
  void for_each(const std::function<void(const Path&)>& f) const;

  json::Value to_fields_v1() const;
  static std::optional<FieldSet> from_fields_v1(const json::Value& fields);

 private:
  struct Node {
    bool member = false;
    std::map<PathElement, Node, PathElementLess> children;
  };
  static bool node_empty(const Node& n);
  static void prune(Node& n);
  static void merge(Node& into, const Node& from);
  static Node diff(const Node& a, const Node* b);
  static Node intersect(const Node& a, const Node& b);
  static Node recursive_diff(const Node& a, const Node* b);
  static void visit(const Node& n, Path& prefix, const std::function<void(const Path&)>& f);
  static json::Value encode(const Node& n, bool include_self);
  static bool decode(const json::Value& v, Node& n);
  static void add_key_fields(Node& n);

  Node root_;
};

}  // namespace sqlop::apimachinery::detail
