// Checks of the plain-text members of an sftp replica and of a password read from its Secret. Pure
// functions; each returns every problem it finds as a reason that completes "<field> ...". The password
// check never quotes the password.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sftp_example {

// "host" or "host:port" or "[ipv6]:port", as Litestream's `host` key takes it (port 22 when absent).
std::vector<std::string> host_problems(std::string_view host);

// The SSH login name.
std::vector<std::string> user_problems(std::string_view user);

// The directory on the server: absolute, or relative to the login directory.
std::vector<std::string> remote_path_problems(std::string_view path);

// A password Litestream receives through ${VAR} expansion of its YAML config.
std::vector<std::string> password_problems(std::string_view password);

}  // namespace sftp_example
