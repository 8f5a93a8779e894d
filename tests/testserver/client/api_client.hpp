// A small Kubernetes API client for tests and the benchmark: plain requests and watch streams over HTTP or
// HTTPS with the kubeconfig's CA, bearer token or client certificate. One ApiClient keeps one keep-alive
// connection and is not thread-safe; use one per thread. WatchStream reads on its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/kubeconfig.hpp"
#include "sqlite_operator/json.hpp"

namespace Poco::Net {
class HTTPClientSession;
class Context;
}  // namespace Poco::Net

namespace sqlop::testserver::client {

struct Response {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string content_type;

 private:
  mutable std::optional<sqlop::json::Value> parsed_;
 public:

  // The body parsed as JSON (null when it is not JSON); parsed once, valid as long as the Response.
  const sqlop::json::Value& json() const;
  std::string header(const std::string& lower_name) const;
  // Values of the Warning headers, without the "299 - " prefix and quotes.
  std::vector<std::string> warnings() const;
};

struct RequestOptions {
  std::string content_type = "application/json";
  std::string accept = "application/json";
  std::map<std::string, std::string> headers;
  bool send_credentials = true;
};

class WatchStream;

class ApiClient {
 public:
  explicit ApiClient(ClusterAccess access);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  Response request(const std::string& method, const std::string& path, const std::string& body = {},
                   const RequestOptions& options = {});
  Response get(const std::string& path, const std::string& accept = "application/json");
  Response post(const std::string& path, const sqlop::json::Value& body);
  Response put(const std::string& path, const sqlop::json::Value& body);
  Response patch(const std::string& path, const std::string& body, const std::string& content_type);
  Response del(const std::string& path, const std::string& body = {});

  // Opens a watch (path with query, e.g. "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=5").
  std::unique_ptr<WatchStream> watch(const std::string& path_and_query, const std::string& accept = "application/json");

  const ClusterAccess& access() const { return access_; }

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> new_session() const;

  ClusterAccess access_;
  std::string host_;
  unsigned short port_ = 0;
  std::shared_ptr<void> tls_context_;  // Poco::Net::Context::Ptr kept alive
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  friend class WatchStream;
};

class WatchStream {
 public:
  ~WatchStream();
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  int status() const { return status_; }
  // The response body when the watch did not start (status != 200).
  const std::string& error_body() const { return error_body_; }
  // The next event, or nullopt when none arrives within `timeout` or the stream has ended.
  std::optional<sqlop::json::Value> next(std::chrono::milliseconds timeout);
  // True once the server has ended the stream (and every event was read).
  bool ended(std::chrono::milliseconds wait = std::chrono::milliseconds(0));

 private:
  WatchStream() = default;
  void read_loop();

  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::istream* body_ = nullptr;
  int status_ = 0;
  std::string error_body_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  bool eof_ = false;
  std::thread reader_;
  friend class ApiClient;
};

}  // namespace sqlop::testserver::client
