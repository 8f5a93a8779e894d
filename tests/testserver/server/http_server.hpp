// The network side: a Poco HTTP(S) server on 127.0.0.1 that turns each request into an HttpRequest for
// ApiServer and writes its answer (whole, or chunked for watches). With TLS it serves the generated
// certificate and verifies client certificates against the generated CA when a client presents one.
#pragma once

#include <memory>
#include <string>

#include "server/api_server.hpp"
#include "server/tls_material.hpp"

namespace Poco::Net {
class HTTPServer;
}

namespace sqlop::testserver {

class HttpServer {
 public:
  // port 0: any free port. `tls` null: plain HTTP.
  HttpServer(ApiServer& api, unsigned short port, const TlsMaterial* tls, const std::string& cert_dir);
  ~HttpServer();
  unsigned short port() const { return port_; }
  void start();
  // Stops accepting and aborts open connections.
  void stop();

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  unsigned short port_ = 0;
};

}  // namespace sqlop::testserver
