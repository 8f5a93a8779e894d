// Command line of kube-testserver.
#pragma once

#include <optional>
#include <string>

namespace sqlop::testserver {

struct Options {
  unsigned short port = 0;
  std::string kubeconfig;
  bool tls = false;
  std::string openapi_dir;
  std::string data_file;
  std::size_t watch_history = 10000;
  int bookmark_interval_ms = 60000;
  int watch_timeout_s = 1800;
  std::string token;  // empty: a random one
  std::string log_level = "info";
  std::string fault_file;  // JSON fault configuration applied at start (same form as /_testserver/faults)
};

std::string usage();
// The OpenAPI directory of the source tree this binary was built from.
std::string default_openapi_dir();
// nullopt and `error` on a bad command line; `help` set for --help.
std::optional<Options> parse_options(int argc, char** argv, bool* help, std::string* error);

}  // namespace sqlop::testserver
