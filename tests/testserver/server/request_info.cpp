#include "server/request_info.hpp"

#include <vector>

namespace sqlop::testserver {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (const char c : path) {
    if (c == '/') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

QueryParams parse_query(const std::string& query) {
  QueryParams out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string key = url_decode(pair.substr(0, eq));
      const std::string value = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
      out.emplace(key, value);  // the first occurrence wins, as Go's url.Values.Get does
    }
    start = end + 1;
  }
  return out;
}

bool query_flag(const QueryParams& query, const std::string& key) {
  const auto it = query.find(key);
  return it != query.end() && (it->second == "true" || it->second == "1");
}

std::string query_value(const QueryParams& query, const std::string& key, const std::string& fallback) {
  const auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

std::optional<RequestInfo> parse_resource_request(const std::string& method, const std::string& path,
                                                  const QueryParams& query) {
  std::vector<std::string> parts = split_path(path);
  RequestInfo info;
  std::size_t i = 0;
  if (parts.size() >= 3 && parts[0] == "api") {
    info.version = parts[1];
    i = 2;
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  if (i < parts.size() && parts[i] == "watch") {
    info.legacy_watch_path = true;
    ++i;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
  // /namespaces/{ns}/{resource}... is a namespaced request unless it addresses the namespace itself.
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    info.namespace_ = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  } else if (!rest.empty() && rest[0] == "namespaces" && rest.size() == 2) {
    info.resource = "namespaces";
    info.name = rest[1];
    rest.clear();
  }
  if (info.resource.empty()) {
    if (rest.empty() || rest.size() > 3) return std::nullopt;
    info.resource = rest[0];
    if (rest.size() >= 2) info.name = rest[1];
    if (rest.size() == 3) info.subresource = rest[2];
  }
  // /api/v1/namespaces/{ns}/status and /finalize address the namespace object's subresources.
  if (info.resource != "namespaces" && info.name.empty() && !info.namespace_.empty() && rest.empty()) {
    return std::nullopt;
  }
  if (!info.namespace_.empty() && (info.resource == "status" || info.resource == "finalize") && info.name.empty()) {
    info.subresource = info.resource;
    info.resource = "namespaces";
    info.name = info.namespace_;
    info.namespace_.clear();
  }

  const bool watch = info.legacy_watch_path || query_flag(query, "watch");
  if (method == "GET" || method == "HEAD") {
    info.verb = watch ? "watch" : (info.name.empty() ? "list" : "get");
  } else if (method == "POST") {
    info.verb = "create";
  } else if (method == "PUT") {
    info.verb = "update";
  } else if (method == "PATCH") {
    info.verb = "patch";
  } else if (method == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = method;
  }
  return info;
}

}  // namespace sqlop::testserver
