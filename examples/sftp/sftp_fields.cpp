#include "sftp_fields.hpp"

#include <algorithm>

#include "sqlite_operator/backend_rules.hpp"

namespace sftp_example {
namespace {

namespace rules = sqlop::plugin::rules;

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}
bool is_valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const long n = std::stol(std::string(port));
  return n >= 1 && n <= 65535;
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Splits off ":port" (after "]" for an IPv6 literal) and checks both parts.
void check_host_and_port(std::string_view text, std::vector<std::string>& problems) {
  std::string_view name = text;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      problems.push_back("has an IPv6 address without its closing ']'");
      return;
    }
    name = text.substr(1, close - 1);
    const std::string_view after = text.substr(close + 1);
    if (!after.empty() && after.front() != ':') problems.push_back("has unexpected text after the IPv6 address");
    if (!after.empty()) {
      has_port = true;
      port = after.substr(1);
    }
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_ipv6_char)) {
      problems.push_back("has an invalid IPv6 address");
    }
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      name = text.substr(0, colon);
      port = text.substr(colon + 1);
      has_port = true;
    }
    if (name.empty()) {
      problems.push_back("has no host name (expected host or host:port, e.g. backup.example.com:22)");
    } else if (!std::all_of(name.begin(), name.end(), is_host_char)) {
      problems.push_back("has an invalid host name: only letters, digits, '.' and '-' are allowed "
                         "(write an IPv6 address as [address]:port)");
    }
  }
  if (has_port && !is_valid_port(port)) problems.push_back("has an invalid port: it must be a number from 1 to 65535");
}

}  // namespace

std::vector<std::string> host_problems(std::string_view host) {
  std::vector<std::string> problems;
  if (host.find("://") != std::string_view::npos) {
    problems.push_back("must be host or host:port, not a URL (drop the sftp:// scheme and any path)");
    return problems;
  }
  if (host.find('@') != std::string_view::npos) {
    problems.push_back("must not contain a user name: set settings.user instead of user@host");
    return problems;
  }
  check_host_and_port(host, problems);
  return problems;
}

std::vector<std::string> user_problems(std::string_view user) {
  std::vector<std::string> problems;
  if (rules::has_whitespace_or_control(user)) problems.push_back("must not contain whitespace or control characters");
  if (user.find('$') != std::string_view::npos) problems.push_back(rules::kDollarReason);
  if (user.find('@') != std::string_view::npos || user.find(':') != std::string_view::npos) {
    problems.push_back("must be the login name only, without '@host' or ':password'");
  }
  if (user.size() > 256) problems.push_back("is longer than 256 characters");
  return problems;
}

std::vector<std::string> remote_path_problems(std::string_view path) {
  std::vector<std::string> problems;
  if (path.find('$') != std::string_view::npos) problems.push_back(rules::kDollarReason);
  if (has_control(path)) problems.push_back("must not contain control characters");
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") {
      problems.push_back("must not contain '..' segments: name the backup directory directly");
      break;
    }
    start = end + 1;
  }
  if (path == "/") problems.push_back("must not be the server's root directory: give backups a directory of their own");
  return problems;
}

std::vector<std::string> password_problems(std::string_view password) {
  std::vector<std::string> problems;
  if (password.empty()) {
    problems.push_back("is empty");
    return problems;
  }
  if (password.back() == '\n' || password.back() == '\r') {
    problems.push_back("ends with a newline: the Secret was probably created from `echo` output; recreate it "
                       "with `printf '%s'` or `kubectl create secret generic --from-literal`");
  } else if (has_control(password)) {
    problems.push_back("contains line breaks or control characters, which Litestream's YAML config cannot carry");
  }
  if (password.find(": ") != std::string_view::npos || password.find(" #") != std::string_view::npos) {
    problems.push_back("contains \": \" or \" #\": Litestream pastes the value into its YAML config, where those "
                       "sequences end the value early");
  }
  if (auto problem = rules::yaml_substitution_problem(password)) problems.push_back(*problem);
  return problems;
}

}  // namespace sftp_example
