// The server's view of HTTP, independent of the HTTP library: a parsed request, a complete response, and a
// sink that either takes one response or streams chunks (watch). http_server.cpp adapts Poco to these.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/request_info.hpp"

namespace sqlop::testserver {

struct HttpRequest {
  std::string method;
  std::string path;
  QueryParams query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // Who the TLS layer says the client is (the CN of a verified client certificate), "" otherwise.
  std::string client_cert_subject;

  std::string header(const std::string& lower_name, const std::string& fallback = {}) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? fallback : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void send(const HttpResponse& response) = 0;
  // Starts a chunked response; then write() each piece. write() returns false once the client is gone.
  virtual void begin_stream(int status, const std::string& content_type,
                            const std::vector<std::pair<std::string, std::string>>& headers) = 0;
  virtual bool write(const std::string& data) = 0;
  // True when the client has closed its side of an idle stream (checked between watch events).
  virtual bool client_gone() { return false; }
};

}  // namespace sqlop::testserver
