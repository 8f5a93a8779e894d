// Writes the kubeconfig clients use to reach this server. Written atomically (temporary file + rename) once
// the server listens, so a test that waits for the file never reads half of it.
#pragma once

#include <string>

#include "server/tls_material.hpp"

namespace sqlop::testserver {

struct KubeconfigSpec {
  std::string server_url;      // http://127.0.0.1:PORT or https://127.0.0.1:PORT
  const TlsMaterial* tls = nullptr;  // null: plain HTTP, no credentials
  std::string token;           // bearer token (TLS only)
};

// The kubeconfig document: context "kube-testserver" (token user, the current context) and, with TLS,
// context "kube-testserver-cert" (client certificate user).
std::string render_kubeconfig(const KubeconfigSpec& spec);

// Writes `text` to `path` atomically with mode 0600 (it holds credentials). Returns false and fills `error`.
bool write_file_atomically(const std::string& path, const std::string& text, std::string* error);

}  // namespace sqlop::testserver
