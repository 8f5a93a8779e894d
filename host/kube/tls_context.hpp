// The OpenSSL context of the transport's HTTPS connections, built from a ClientConfig's PEM material (held in
// memory, never written to disk). Private to the transport (http_transport.cpp).
#pragma once

#include <Poco/Net/Context.h>

#include <optional>
#include <string>

namespace sqlop::kube {

struct TlsSettings {
  std::string ca_pem;                  // "" = the system's trust store
  bool insecure_skip_tls_verify = false;
  std::string verify_host;             // the name (or IP) the server's certificate must carry
  std::string client_certificate_pem;  // "" = no client certificate
  std::string client_key_pem;
};

struct TlsContextBuild {
  Poco::Net::Context::Ptr context;
  std::optional<std::string> error;  // "the CA in the config holds no PEM certificate", never the material
};

// A client context verifying the peer against `settings` (chain and host name, checked by OpenSSL during the
// handshake), with the client identity when given.
TlsContextBuild make_tls_context(const TlsSettings& settings);

}  // namespace sqlop::kube
