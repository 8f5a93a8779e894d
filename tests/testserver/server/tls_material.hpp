// The TLS identities of one server run, generated at start with OpenSSL's libcrypto: a CA, a serving
// certificate for 127.0.0.1/localhost signed by it, and a client certificate signed by it (for clients that
// authenticate with a certificate instead of the bearer token). Nothing is read from or written to disk here.
#pragma once

#include <optional>
#include <string>

namespace sqlop::testserver {

struct PemPair {
  std::string certificate;  // PEM
  std::string private_key;  // PEM (PKCS#8)
};

struct TlsMaterial {
  PemPair ca;
  PemPair server;
  PemPair client;  // CN=testserver-admin, O=system:masters
};

// ECDSA P-256 keys, SHA-256 signatures, valid from one hour ago for one year. nullopt (and `error`) when
// OpenSSL fails.
std::optional<TlsMaterial> generate_tls_material(std::string* error);

// The Common Name of a PEM certificate's subject ("" when it does not parse); used by tests.
std::string certificate_common_name(const std::string& pem);

}  // namespace sqlop::testserver
