// Bind addresses for the metrics and health-probe servers, as the --metrics-bind-address and
// --health-probe-bind-address flags spell them (controller-runtime's conventions):
//   "host:port"   listen on that interface ("127.0.0.1:8080", "localhost:8080", "[::1]:8080")
//   ":port"       listen on every interface
//   port 0        let the system pick a free port (the server reports the one it got)
//   "0"           disabled: no server
// Parsing is pure; resolving the host happens when the server binds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqlop::serve {

struct BindAddress {
  std::string host;        // "" = every interface; IPv6 without brackets
  std::uint16_t port = 0;  // 0 = any free port
  bool all_interfaces() const { return host.empty(); }
  friend bool operator==(const BindAddress& a, const BindAddress& b) { return a.host == b.host && a.port == b.port; }
};

struct BindAddressParse {
  bool disabled = false;               // the text was "0"
  std::optional<BindAddress> address;  // set when ok() and not disabled
  std::string error;                   // set when the text is not a bind address; says why
  bool ok() const { return error.empty(); }
};

BindAddressParse parse_bind_address(std::string_view text);

// "host:port" with IPv6 hosts in brackets; "" host shown as "0.0.0.0".
std::string format_host_port(const std::string& host, std::uint16_t port);

}  // namespace sqlop::serve
