// Field path sets and their FieldsV1 encoding (see fieldset.hpp).
#include "apimachinery/fieldset.hpp"

#include <algorithm>

#include "apimachinery/go_format.hpp"

namespace sqlop::apimachinery::detail {
namespace {

// value.Compare: numbers (ints and floats numerically) < strings < bools < lists < maps < null.
int rank(const json::Value& v) {
  switch (v.type()) {
    case json::Type::Int:
    case json::Type::Double: return 0;
    case json::Type::String: return 1;
    case json::Type::Bool: return 2;
    case json::Type::Array: return 3;
    case json::Type::Object: return 4;
    case json::Type::Null: return 5;
  }
  return 5;
}

int compare_values(const json::Value& a, const json::Value& b) {
  const int ra = rank(a);
  const int rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case json::Type::Int:
    case json::Type::Double: {
      if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : (a.as_int() == b.as_int() ? 0 : 1);
      const double x = a.as_double();
      const double y = b.as_double();
      return x < y ? -1 : (x == y ? 0 : 1);
    }
    case json::Type::String: return a.as_string().compare(b.as_string()) < 0 ? -1 : (a.as_string() == b.as_string() ? 0 : 1);
    case json::Type::Bool: return a.as_bool() == b.as_bool() ? 0 : (!a.as_bool() ? -1 : 1);
    case json::Type::Array: {
      const json::Array& x = a.as_array();
      const json::Array& y = b.as_array();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (const int c = compare_values(x[i], y[i])) return c;
      }
      return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
    }
    case json::Type::Object: return json::dump(a) < json::dump(b) ? -1 : (a == b ? 0 : 1);
    case json::Type::Null: return 0;
  }
  return 0;
}

// value.ToString: strings quoted (%q), numbers and bools bare.
std::string value_text(const json::Value& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) {
    std::string out;
    json::append_quoted(out, v.as_string());
    return out;
  }
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.as_array().size(); ++i) out += (i ? "," : "") + value_text(v.as_array()[i]);
    return out + "]";
  }
  return go_format(v);
}

}  // namespace

PathElement PathElement::of_field(std::string name) {
  PathElement e;
  e.kind = Kind::Field;
  e.field = std::move(name);
  return e;
}

PathElement PathElement::of_keys(std::vector<std::pair<std::string, json::Value>> keys) {
  PathElement e;
  e.kind = Kind::Key;
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  e.keys = std::move(keys);
  return e;
}

PathElement PathElement::of_value(json::Value v) {
  PathElement e;
  e.kind = Kind::Value;
  e.value = std::move(v);
  return e;
}

PathElement PathElement::of_index(long i) {
  PathElement e;
  e.kind = Kind::Index;
  e.index = i;
  return e;
}

std::string PathElement::encode() const {
  switch (kind) {
    case Kind::Field: return "f:" + field;
    case Kind::Key: {
      std::string out = "k:{";
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i) out += ",";
        out += go_json(json::Value(keys[i].first)) + ":" + go_json(keys[i].second);
      }
      return out + "}";
    }
    case Kind::Value: return "v:" + go_json(value);
    case Kind::Index: return "i:" + std::to_string(index);
  }
  return "";
}

std::string PathElement::to_string() const {
  switch (kind) {
    case Kind::Field: return "." + field;
    case Kind::Key: {
      std::string out = "[";
      for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i].first + "=" + value_text(keys[i].second);
      return out + "]";
    }
    case Kind::Value: return "[=" + value_text(value) + "]";
    case Kind::Index: return "[" + std::to_string(index) + "]";
  }
  return "";
}

int compare(const PathElement& a, const PathElement& b) {
  if (a.kind != b.kind) return static_cast<int>(a.kind) < static_cast<int>(b.kind) ? -1 : 1;
  switch (a.kind) {
    case PathElement::Kind::Field: return a.field < b.field ? -1 : (a.field == b.field ? 0 : 1);
    case PathElement::Kind::Key:
      for (std::size_t i = 0; i < a.keys.size() && i < b.keys.size(); ++i) {
        if (a.keys[i].first != b.keys[i].first) return a.keys[i].first < b.keys[i].first ? -1 : 1;
        if (const int c = compare_values(a.keys[i].second, b.keys[i].second)) return c;
      }
      return a.keys.size() == b.keys.size() ? 0 : (a.keys.size() < b.keys.size() ? -1 : 1);
    case PathElement::Kind::Value: return compare_values(a.value, b.value);
    case PathElement::Kind::Index: return a.index < b.index ? -1 : (a.index == b.index ? 0 : 1);
  }
  return 0;
}

std::string path_string(const Path& path) {
  std::string out;
  for (const PathElement& e : path) out += e.to_string();
  return out;
}

void FieldSet::insert(const Path& path) {
  Node* n = &root_;
  for (const PathElement& e : path) n = &n->children[e];
  n->member = true;
}

bool FieldSet::has(const Path& path) const {
  const Node* n = &root_;
  for (const PathElement& e : path) {
    auto it = n->children.find(e);
    if (it == n->children.end()) return false;
    n = &it->second;
  }
  return n->member;
}

bool FieldSet::has_below(const Path& path) const {
  const Node* n = &root_;
  for (const PathElement& e : path) {
    auto it = n->children.find(e);
    if (it == n->children.end()) return false;
    n = &it->second;
  }
  for (const auto& [e, child] : n->children) {
    if (!node_empty(child)) return true;
  }
  return false;
}

void FieldSet::add_key_fields(Node& n) {
  for (auto& [e, child] : n.children) {
    if (e.kind == PathElement::Kind::Key) {
      for (const auto& key : e.keys) child.children[PathElement::of_field(key.first)].member = true;
    }
    add_key_fields(child);
  }
}

FieldSet FieldSet::with_key_fields() const {
  FieldSet out = *this;
  add_key_fields(out.root_);
  return out;
}

bool FieldSet::node_empty(const Node& n) {
  if (n.member) return false;
  for (const auto& [e, child] : n.children) {
    if (!node_empty(child)) return false;
  }
  return true;
}

bool FieldSet::empty() const { return node_empty(root_); }

void FieldSet::prune(Node& n) {
  for (auto it = n.children.begin(); it != n.children.end();) {
    prune(it->second);
    it = node_empty(it->second) ? n.children.erase(it) : std::next(it);
  }
}

void FieldSet::merge(Node& into, const Node& from) {
  into.member = into.member || from.member;
  for (const auto& [e, child] : from.children) merge(into.children[e], child);
}

FieldSet FieldSet::union_with(const FieldSet& other) const {
  FieldSet out = *this;
  merge(out.root_, other.root_);
  return out;
}

FieldSet::Node FieldSet::diff(const Node& a, const Node* b) {
  Node out;
  out.member = a.member && !(b && b->member);
  for (const auto& [e, child] : a.children) {
    const Node* other = nullptr;
    if (b) {
      auto it = b->children.find(e);
      if (it != b->children.end()) other = &it->second;
    }
    out.children[e] = diff(child, other);
  }
  return out;
}

FieldSet FieldSet::difference(const FieldSet& other) const {
  FieldSet out;
  out.root_ = diff(root_, &other.root_);
  prune(out.root_);
  return out;
}

FieldSet::Node FieldSet::intersect(const Node& a, const Node& b) {
  Node out;
  out.member = a.member && b.member;
  for (const auto& [e, child] : a.children) {
    auto it = b.children.find(e);
    if (it != b.children.end()) out.children[e] = intersect(child, it->second);
  }
  return out;
}

FieldSet FieldSet::intersection(const FieldSet& other) const {
  FieldSet out;
  out.root_ = intersect(root_, other.root_);
  prune(out.root_);
  return out;
}

FieldSet::Node FieldSet::recursive_diff(const Node& a, const Node* b) {
  Node out;
  out.member = a.member && !(b && b->member);
  for (const auto& [e, child] : a.children) {
    const Node* other = nullptr;
    if (b) {
      auto it = b->children.find(e);
      if (it != b->children.end()) other = &it->second;
    }
    if (other && other->member) continue;  // everything below a removed member goes
    out.children[e] = recursive_diff(child, other);
  }
  return out;
}

FieldSet FieldSet::recursive_difference(const FieldSet& other) const {
  FieldSet out;
  out.root_ = recursive_diff(root_, &other.root_);
  prune(out.root_);
  return out;
}

void FieldSet::visit(const Node& n, Path& prefix, const std::function<void(const Path&)>& f) {
  for (const auto& [e, child] : n.children) {
    if (child.member) {
      prefix.push_back(e);
      f(prefix);
      prefix.pop_back();
    }
  }
  for (const auto& [e, child] : n.children) {
    prefix.push_back(e);
    visit(child, prefix, f);
    prefix.pop_back();
  }
}

void FieldSet::for_each(const std::function<void(const Path&)>& f) const {
  Path prefix;
  visit(root_, prefix, f);
}

json::Value FieldSet::encode(const Node& n, bool include_self) {
  json::Value out = json::Value::object();
  if (include_self && !n.children.empty()) out["."] = json::Value::object();
  for (const auto& [e, child] : n.children) {
    if (node_empty(child)) continue;
    out.as_object().set(e.encode(), encode(child, child.member));
  }
  return out;
}

json::Value FieldSet::to_fields_v1() const { return encode(root_, false); }

namespace {

std::optional<PathElement> decode_element(const std::string& key) {
  if (key.size() < 2 || key[1] != ':') return std::nullopt;
  const std::string body = key.substr(2);
  switch (key[0]) {
    case 'f': return PathElement::of_field(body);
    case 'v': {
      std::optional<json::Value> v = json::parse(body);
      if (!v) return std::nullopt;
      return PathElement::of_value(std::move(*v));
    }
    case 'k': {
      std::optional<json::Value> v = json::parse(body);
      if (!v || !v->is_object()) return std::nullopt;
      std::vector<std::pair<std::string, json::Value>> keys;
      for (const auto& [name, value] : v->as_object()) keys.emplace_back(name, value);
      return PathElement::of_keys(std::move(keys));
    }
    case 'i': {
      try {
        return PathElement::of_index(std::stol(body));
      } catch (...) {
        return std::nullopt;
      }
    }
    default: return std::nullopt;
  }
}

}  // namespace

bool FieldSet::decode(const json::Value& v, Node& n) {
  if (!v.is_object()) return false;
  for (const auto& [key, child] : v.as_object()) {
    if (key == ".") {
      n.member = true;
      continue;
    }
    std::optional<PathElement> e = decode_element(key);
    if (!e) return false;
    Node& sub = n.children[*e];
    if (!child.is_object()) return false;
    if (child.as_object().empty()) {
      sub.member = true;
    } else if (!decode(child, sub)) {
      return false;
    }
  }
  return true;
}

std::optional<FieldSet> FieldSet::from_fields_v1(const json::Value& fields) {
  FieldSet out;
  if (fields.is_null()) return out;
  if (!decode(fields, out.root_)) return std::nullopt;
  out.root_.member = false;
  return out;
}

}  // namespace sqlop::apimachinery::detail
