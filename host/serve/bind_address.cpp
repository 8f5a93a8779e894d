#include "host/serve/bind_address.hpp"

namespace sqlop::serve {

namespace {

BindAddressParse failure(std::string_view text, const std::string& why) {
  BindAddressParse out;
  out.error = "invalid bind address \"" + std::string(text) + "\": " + why;
  return out;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

BindAddressParse parse_bind_address(std::string_view text) {
  if (text == "0") {
    BindAddressParse out;
    out.disabled = true;
    return out;
  }
  if (text.empty()) return failure(text, "empty (use \"0\" to disable)");
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return failure(text, "missing port (want host:port or :port)");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return failure(text, "unbalanced brackets around IPv6 host");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return failure(text, "IPv6 host must be in brackets, e.g. [::1]:8080");
  }
  const auto port = parse_port(port_text);
  if (!port) return failure(text, "port must be a number from 0 to 65535");
  BindAddressParse out;
  out.address = BindAddress{std::string(host), *port};
  return out;
}

std::string format_host_port(const std::string& host, std::uint16_t port) {
  const std::string shown = host.empty() ? "0.0.0.0" : host;
  const bool ipv6 = shown.find(':') != std::string::npos;
  return (ipv6 ? "[" + shown + "]" : shown) + ":" + std::to_string(port);
}

}  // namespace sqlop::serve
