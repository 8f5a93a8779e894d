// Where the transport's credentials come from: the config's inline token or client certificate, a token file
// that is re-read (projected service-account tokens rotate), or an exec credential plugin. Private to the
// transport (http_transport.cpp).
//
// Thread-safe: any number of requests may ask for the current credential at once; a refresh (file read or
// plugin run) happens once, under a lock, while the others wait for its result.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "host/kube/kubeconfig.hpp"

namespace sqlop::kube {

struct Credential {
  std::string bearer_token;  // "" = none
  std::string client_certificate_pem;  // with its key; "" = none
  std::string client_key_pem;
};

struct CredentialLookup {
  std::optional<Credential> credential;
  std::string error;  // when no credential could be had: names the file or plugin, never a secret
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The credential to send now (refreshing it first when due).
  virtual CredentialLookup current() = 0;
  // The server answered 401 to `rejected`: the next current() obtains a fresh credential (unless another
  // thread already did). Returns false when this source cannot refresh (an inline token), so a retry
  // would be pointless.
  virtual bool reject(const Credential& rejected) = 0;
};

using Clock = std::function<std::chrono::steady_clock::time_point()>;
using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct CredentialTiming {
  std::chrono::seconds token_file_reread{60};
  std::chrono::milliseconds exec_timeout{30000};
  Clock now = [] { return std::chrono::steady_clock::now(); };
  WallClock wall_now = [] { return std::chrono::system_clock::now(); };
};

// The source `config` calls for: exec plugin, else token file, else the inline token and certificate.
std::unique_ptr<CredentialSource> make_credential_source(const ClientConfig& config, CredentialTiming timing = {});

}  // namespace sqlop::kube
