// sqlite_operator/backend_rules.hpp: checks that object-store backends share -- endpoint URLs, key
// prefixes, credential values read from Secrets, and text that Litestream's ${VAR} expansion would break.
// Header-only and dependency-free, like the rest of the SDK; the in-tree s3 and azure plugins use it and
// outside plugins may too.
//
// Pure functions. Each returns every problem it finds, as a reason phrased to follow the field's path
// ("must not start with '/'"). Reasons never quote the checked text: an endpoint may carry credentials and
// a Secret value is a secret.
#ifndef SQLITE_OPERATOR_BACKEND_RULES_HPP
#define SQLITE_OPERATOR_BACKEND_RULES_HPP

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlop::plugin::rules {
// The parts of an endpoint URL this backend cares about.
struct Endpoint {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without the brackets of an IPv6 literal
  std::string path;    // "" or starting with '/'
};

struct EndpointCheck {
  std::optional<Endpoint> endpoint;  // set when the scheme and host could be read
  std::vector<std::string> problems;
};

// An http:// or https:// URL with a host and optional port and path; no user info, query or fragment.
EndpointCheck check_endpoint(std::string_view url);

// A key prefix inside a bucket: no leading '/', no empty ('//') or '..' segments, no '$'.
std::vector<std::string> key_prefix_problems(std::string_view path);

// Problems of a credential value read from a Secret (empty, a trailing newline, whitespace), phrased
// about "the value" without showing it, e.g. "is empty".
std::vector<std::string> credential_value_problems(std::string_view value);

// Litestream pastes ${VAR} values into its config text before parsing it as YAML, where the substitution
// lands as a plain scalar. A value that YAML would read as something else is reported.
std::optional<std::string> yaml_substitution_problem(std::string_view value);

// True for localhost, ::1 and 127.x.x.x.
bool is_loopback_host(std::string_view host);

// True when `text` contains a space, tab, line break or other control character.
bool has_whitespace_or_control(std::string_view text);

// The reason given for a '$' in config text: Litestream would treat it as a variable reference.


inline constexpr const char* kDollarReason =
    "must not contain '$': Litestream expands $VAR and ${VAR} in its config file, so the text after '$' "
    "would be replaced";

namespace detail {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_alnum(char c) { return is_digit(c) || is_lower(c) || is_upper(c); }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return is_upper(c) ? char(c - 'A' + 'a') : c; });
  return out;
}

inline bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

inline bool is_host_name_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }
inline bool is_ipv6_char(char c) { return is_hex(c) || c == ':' || c == '.'; }

// A port: 1 to 65535, digits only.
inline bool is_valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !all_of(port, is_digit)) return false;
  const long n = std::stol(std::string(port));
  return n >= 1 && n <= 65535;
}

// Splits "host[:port]" or "[v6]:port" and reports what is wrong with either part.
inline void check_host_and_port(std::string_view hostport, EndpointCheck& out, std::string& host) {
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

}  // namespace detail

inline bool has_whitespace_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

inline EndpointCheck check_endpoint(std::string_view url) {
  EndpointCheck out;
  if (has_whitespace_or_control(url)) out.problems.push_back("must not contain whitespace or control characters");
  if (url.find('$') != std::string_view::npos) out.problems.push_back(kDollarReason);

  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string_view::npos ? "" : detail::to_lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    out.problems.push_back("must be a URL that starts with http:// or https:// (e.g. https://storage.example.com:9000)");
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
  detail::check_host_and_port(authority, out, endpoint.host);
  if (!endpoint.host.empty()) out.endpoint = std::move(endpoint);
  return out;
}

// True for localhost, ::1 and 127.x.x.x: an emulator (Azurite, MinIO) on the same machine.
inline bool is_loopback_host(std::string_view host) {
  const std::string h = detail::to_lower(host);
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

inline std::vector<std::string> key_prefix_problems(std::string_view path) {
  std::vector<std::string> problems;
  if (path.empty()) return problems;
  if (path.find("://") != std::string_view::npos) {
    problems.push_back("must be a key prefix inside the bucket or container (e.g. backups/app), not a URL");
    return problems;
  }
  if (path.front() == '/') problems.push_back("must not start with '/': it is a key prefix inside the bucket or container (e.g. backups/app)");
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

inline std::vector<std::string> credential_value_problems(std::string_view value) {
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

inline std::optional<std::string> yaml_substitution_problem(std::string_view value) {
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


}  // namespace sqlop::plugin::rules

#endif  // SQLITE_OPERATOR_BACKEND_RULES_HPP
