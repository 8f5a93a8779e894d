// Rules for endpoint URLs, key prefixes and Secret values; see object_store_rules.hpp.
#include "object_store_rules.hpp"

#include <algorithm>

namespace sqlop::s3 {

const char* const kDollarReason =
    "must not contain '$': Litestream expands $VAR and ${VAR} in its config file, so the text after '$' "
    "would be replaced";

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_digit(c) || is_lower(c) || is_upper(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return is_upper(c) ? char(c - 'A' + 'a') : c; });
  return out;
}

bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

bool is_host_name_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool is_ipv6_char(char c) { return is_hex(c) || c == ':' || c == '.'; }

// A port: 1 to 65535, digits only.
bool is_valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !all_of(port, is_digit)) return false;
  const long n = std::stol(std::string(port));
  return n >= 1 && n <= 65535;
}

// Splits "host[:port]" or "[v6]:port" and reports what is wrong with either part.
void check_host_and_port(std::string_view hostport, EndpointCheck& out, std::string& host) {
  std::string_view port;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) {
      out.problems.push_back("has an IPv6 address without its closing ']'");
      return;
    }
    host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        out.problems.push_back("has unexpected text after the IPv6 address");
      } else {
        has_port = true;
        port = after.substr(1);
      }
    }
    if (host.empty() || !all_of(host, is_ipv6_char)) out.problems.push_back("has an invalid IPv6 address");
  } else {
    const std::size_t colon = hostport.find(':');
    host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port = hostport.substr(colon + 1);
    }
    if (host.empty()) {
      out.problems.push_back("has no host name (expected e.g. https://minio.example.com:9000)");
    } else if (!all_of(host, is_host_name_char)) {
      out.problems.push_back("has an invalid host name: only letters, digits, '.' and '-' are allowed");
    }
  }
  if (has_port && !is_valid_port(port)) out.problems.push_back("has an invalid port: it must be a number from 1 to 65535");
}

}  // namespace

bool has_whitespace_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

EndpointCheck check_endpoint(std::string_view url) {
  EndpointCheck out;
  if (has_whitespace_or_control(url)) out.problems.push_back("must not contain whitespace or control characters");
  if (url.find('$') != std::string_view::npos) out.problems.push_back(kDollarReason);

  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string_view::npos ? "" : to_lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    out.problems.push_back("must be a URL that starts with http:// or https:// (e.g. https://minio.example.com:9000)");
    return out;
  }

  const std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view tail = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);

  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    // The config lands in a ConfigMap: anything readable by whoever can read ConfigMaps.
    out.problems.push_back(
        "must not contain credentials (user:password@): the Litestream config is stored in a ConfigMap in "
        "plain text; keep credentials in the Secret");
    authority = authority.substr(at + 1);
  }
  if (tail.find('?') != std::string_view::npos) out.problems.push_back("must not have a query string ('?...')");
  if (tail.find('#') != std::string_view::npos) out.problems.push_back("must not have a fragment ('#...')");

  Endpoint endpoint;
  endpoint.scheme = scheme;
  endpoint.path = std::string(tail.substr(0, tail.find_first_of("?#")));
  check_host_and_port(authority, out, endpoint.host);
  if (!endpoint.host.empty()) out.endpoint = std::move(endpoint);
  return out;
}

std::vector<std::string> key_prefix_problems(std::string_view path) {
  std::vector<std::string> problems;
  if (path.empty()) return problems;
  if (path.find("://") != std::string_view::npos) {
    problems.push_back("must be a key prefix inside the bucket (e.g. backups/app), not a URL");
    return problems;
  }
  if (path.front() == '/') problems.push_back("must not start with '/': it is a key prefix inside the bucket (e.g. backups/app)");
  if (path.find("//") != std::string_view::npos) problems.push_back("must not contain empty segments ('//')");
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") {
      problems.push_back("must not contain '..' segments");
      break;
    }
    start = end + 1;
  }
  if (path.find('$') != std::string_view::npos) problems.push_back(kDollarReason);
  if (std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    problems.push_back("must not contain control characters");
  }
  return problems;
}

std::vector<std::string> credential_value_problems(std::string_view value) {
  std::vector<std::string> problems;
  if (value.empty()) {
    problems.push_back("is empty");
    return problems;
  }
  std::string_view body = value;
  bool trailing_newline = false;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) {
    body.remove_suffix(1);
    trailing_newline = true;
  }
  if (trailing_newline) {
    problems.push_back(
        "ends with a newline: the Secret was probably created from `echo` output; recreate it with `echo -n`, "
        "`printf '%s'` or `kubectl create secret generic --from-literal`");
  }
  if (has_whitespace_or_control(body)) problems.push_back("contains whitespace or control characters");
  return problems;
}

std::optional<std::string> yaml_substitution_problem(std::string_view value) {
  if (value.empty()) return std::nullopt;
  static const std::string_view kCannotStartPlain = ",[]{}#&*!|>'\"%@`";
  const bool bad_start = kCannotStartPlain.find(value.front()) != std::string_view::npos;
  const bool bad_end = value.back() == ':';
  const bool null_word = value == "~" || value == "null" || value == "Null" || value == "NULL";
  if (!bad_start && !bad_end && !null_word) return std::nullopt;
  return std::string(
      "cannot be used by Litestream: it pastes the value into its YAML config before parsing it, and YAML "
      "would misread a value that starts with one of , [ ] { } # & * ! | > ' \" % @ `, ends with ':' or is "
      "~ or null");
}

}  // namespace sqlop::s3
