#include "server/json_path.hpp"

#include <cctype>

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

using Nodes = std::vector<const json::Value*>;

Nodes child(const Nodes& in, const std::string& key) {
  Nodes out;
  for (const json::Value* v : in) {
    if (const json::Value* c = v->find(key)) out.push_back(c);
  }
  return out;
}

Nodes all_children(const Nodes& in) {
  Nodes out;
  for (const json::Value* v : in) {
    if (v->is_array()) {
      for (const auto& item : v->as_array()) out.push_back(&item);
    } else if (v->is_object()) {
      for (const auto& [k, item] : v->as_object()) out.push_back(&item);
    }
  }
  return out;
}

Nodes index(const Nodes& in, long i) {
  Nodes out;
  for (const json::Value* v : in) {
    if (!v->is_array()) continue;
    const auto& arr = v->as_array();
    const long n = static_cast<long>(arr.size());
    const long at = i < 0 ? n + i : i;
    if (at >= 0 && at < n) out.push_back(&arr[static_cast<std::size_t>(at)]);
  }
  return out;
}

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// `?(@.a.b=="x")` applied to the items of each array in `in`.
Nodes filter(const Nodes& in, const std::string& expr) {
  std::string body = trim(expr);
  if (body.size() < 4 || body[0] != '?' || body[1] != '(' || body.back() != ')') return {};
  body = trim(body.substr(2, body.size() - 3));
  bool negate = false;
  std::size_t op = body.find("==");
  if (op == std::string::npos) {
    op = body.find("!=");
    negate = true;
  }
  if (op == std::string::npos || body.rfind("@", 0) != 0) return {};
  const std::string left = trim(body.substr(1, op - 1));
  std::string right = trim(body.substr(op + 2));
  json::Value expected;
  if (right.size() >= 2 && (right.front() == '"' || right.front() == '\'') && right.back() == right.front()) {
    expected = right.substr(1, right.size() - 2);
  } else if (auto parsed = json::parse(right)) {
    expected = *parsed;
  } else {
    return {};
  }
  Nodes out;
  for (const json::Value* item : all_children(in)) {
    const std::vector<json::Value> got = evaluate_json_path(*item, left);
    const bool equal = !got.empty() && got.front() == expected;
    if (equal != negate) out.push_back(item);
  }
  return out;
}

}  // namespace

std::vector<json::Value> evaluate_json_path(const json::Value& root, const std::string& raw) {
  std::string path = trim(raw);
  if (path.size() >= 2 && path.front() == '{' && path.back() == '}') path = trim(path.substr(1, path.size() - 2));
  if (!path.empty() && path[0] == '$') path = path.substr(1);
  Nodes nodes{&root};
  std::size_t i = 0;
  while (i < path.size() && !nodes.empty()) {
    const char c = path[i];
    if (c == '.') {
      ++i;
      if (i < path.size() && path[i] == '*') {
        nodes = all_children(nodes);
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      if (end > i) nodes = child(nodes, path.substr(i, end - i));
      i = end;
    } else if (c == '[') {
      // Find the matching ']' (filters may contain brackets inside quotes).
      std::size_t end = i + 1;
      char quote = 0;
      int depth = 1;
      for (; end < path.size(); ++end) {
        const char d = path[end];
        if (quote) {
          if (d == quote) quote = 0;
        } else if (d == '"' || d == '\'') {
          quote = d;
        } else if (d == '[') {
          ++depth;
        } else if (d == ']' && --depth == 0) {
          break;
        }
      }
      if (end >= path.size()) return {};
      const std::string inner = trim(path.substr(i + 1, end - i - 1));
      if (inner == "*") {
        nodes = all_children(nodes);
      } else if (!inner.empty() && inner[0] == '?') {
        nodes = filter(nodes, inner);
      } else if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"')) {
        nodes = child(nodes, inner.substr(1, inner.size() - 2));
      } else {
        try {
          nodes = index(nodes, std::stol(inner));
        } catch (...) {
          return {};
        }
      }
      i = end + 1;
    } else {
      // A path without a leading dot ("status.phase").
      std::size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      nodes = child(nodes, path.substr(i, end - i));
      i = end;
    }
  }
  std::vector<json::Value> out;
  for (const json::Value* v : nodes) out.push_back(*v);
  return out;
}

}  // namespace sqlop::testserver
