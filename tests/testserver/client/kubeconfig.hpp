// Reads the kubeconfig kube-testserver writes: the server URL and the credentials of one context.
#pragma once

#include <optional>
#include <string>

namespace sqlop::testserver::client {

struct ClusterAccess {
  std::string server;       // http://127.0.0.1:PORT or https://...
  std::string ca_pem;       // certificate-authority-data, decoded
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
  bool tls() const { return server.rfind("https://", 0) == 0; }
};

// The access of `context` ("" = current-context); nullopt and `error` when the file does not parse.
std::optional<ClusterAccess> read_kubeconfig(const std::string& path, const std::string& context, std::string* error);

}  // namespace sqlop::testserver::client
