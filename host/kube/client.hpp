// The typed Kubernetes API client the controller uses: get, list, create, update, patch (merge, JSON,
// server-side apply), delete and watch on any ResourceType, with errors as values (ApiError).
//
// Client is thread-safe: any number of threads may call it at once (each request borrows a pooled
// keep-alive connection). It talks through a Transport, which owns connections, TLS and credentials;
// make_http_transport() builds the real one from a ClientConfig (kubeconfig.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/kube/api_error.hpp"
#include "host/kube/kubeconfig.hpp"
#include "host/kube/resource.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::kube {

template <class T>
struct Result {
  std::optional<T> value;
  std::optional<ApiError> error;
  bool ok() const { return !error.has_value(); }
};

// --- the transport: one HTTP exchange, or one streamed response ------------------------------------------

struct HttpRequest {
  std::string method;          // GET, POST, PUT, PATCH, DELETE
  std::string path;            // with the query string: "/api/v1/namespaces/a/configmaps?limit=500"
  std::string body;            // "" = none
  std::string content_type;    // of the body
  std::string accept = "application/json";
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  int retry_after_seconds = 0;  // Retry-After header, 0 when absent
};

// A streamed response body read line by line (watch events are newline-delimited JSON).
class LineStream {
 public:
  virtual ~LineStream() = default;
  // The next line without its '\n'; nullopt when the stream ended (server closed it, cancel() was
  // called, or the connection broke; `error()` then says which).
  virtual std::optional<std::string> next_line() = 0;
  // Ends the stream from any thread; a next_line() blocked in another thread returns nullopt promptly.
  virtual void cancel() = 0;
  // Why the stream ended, when it was not a clean end by the server or by cancel().
  virtual std::optional<ApiError> error() const = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and reads the whole response. A transport failure (no response) is an ApiError
  // with code 0; any HTTP status, success or not, is a response.
  virtual Result<HttpResponse> round_trip(const HttpRequest& request) = 0;
  // Sends `request` and returns its body as a stream when the status is 200; otherwise the error (with
  // the Status of the response). REQUIRES: the response is a stream the server keeps open (a watch).
  virtual Result<std::unique_ptr<LineStream>> open_stream(const HttpRequest& request) = 0;
};

struct TransportOptions {
  int connect_timeout_ms = 10000;
  int request_timeout_ms = 30000;  // for ordinary requests; watches have no read timeout beyond the server's
  std::string user_agent = "sqlite-operator";
  // Called after every request with method and HTTP status (0 = transport failure), for
  // rest_client_requests_total. Must be thread-safe and quick.
  std::function<void(const std::string& method, int status)> on_request;
};

// The real transport over Poco Net/NetSSL: HTTPS verified against the config's CA (or the system's) unless
// insecure-skip-tls-verify, bearer token (a token file is re-read every minute and after a 401), client
// certificate and key, exec credential plugins (run when no credential is cached, the cached one expired,
// or the server answered 401), keep-alive connections pooled per host. Errors (in `error`) name what is
// wrong, never a credential.
Result<std::shared_ptr<Transport>> make_http_transport(const ClientConfig& config, TransportOptions options = {});

// --- typed requests --------------------------------------------------------------------------------------

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::int64_t limit = 0;          // 0 = no paging; Client::list follows continue tokens itself
  std::string resource_version;    // "" = most recent (a quorum read)
  // Applied to each item as its page arrives (after apiVersion/kind are filled in), so a large paged
  // list never holds every item in full at once; may be empty. Called on the calling thread.
  std::function<void(json::Value& item)> item_transform;
};

struct ObjectList {
  std::vector<json::Value> items;  // with apiVersion and kind filled in (the API server omits them)
  std::string resource_version;    // of the list: where a watch resumes
};

enum class PatchType { Merge, Json, StrategicMerge, Apply };

struct WriteOptions {
  std::string field_manager;       // "" = none
  std::string subresource;         // "status" for the status subresource
  bool force = false;              // server-side apply: take over fields other managers own
};

struct DeleteOptions {
  std::string propagation_policy;  // "", "Foreground", "Background", "Orphan"
  std::string precondition_uid;    // delete only this incarnation of the object
  std::string precondition_resource_version;
};

struct WatchOptions {
  std::string resource_version;    // resume point (from a list or the last event); "" = from now
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int timeout_seconds = 0;         // 0 = the server's default
};

struct WatchEvent {
  enum class Type { Added, Modified, Deleted, Bookmark, Error };
  Type type = Type::Added;
  json::Value object;  // the object; for Error, the metav1.Status
};

class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // Blocks for the next event. An ERROR event comes back as an error value (410 Expired -> is_gone()).
  // Both members empty: the stream ended (the server's timeout, or cancel()); resume from the last
  // resourceVersion seen.
  struct Next {
    std::optional<WatchEvent> event;
    std::optional<ApiError> error;
  };
  virtual Next next() = 0;
  virtual void cancel() = 0;  // from any thread
};

class Client {
 public:
  explicit Client(std::shared_ptr<Transport> transport);

  Result<json::Value> get(const ResourceType& type, const std::string& ns, const std::string& name) const;
  Result<ObjectList> list(const ResourceType& type, const std::string& ns, const ListOptions& options = {}) const;
  Result<json::Value> create(const ResourceType& type, const std::string& ns, const json::Value& object,
                             const WriteOptions& options = {}) const;
  // PUT; the object's metadata.resourceVersion makes it conditional (409 Conflict when stale).
  Result<json::Value> update(const ResourceType& type, const std::string& ns, const json::Value& object,
                             const WriteOptions& options = {}) const;
  Result<json::Value> patch(const ResourceType& type, const std::string& ns, const std::string& name, PatchType patch,
                            const std::string& body, const WriteOptions& options = {}) const;
  // Server-side apply of `object` (its metadata.name names the target). REQUIRES: options.field_manager.
  Result<json::Value> apply(const ResourceType& type, const std::string& ns, const json::Value& object,
                            const WriteOptions& options) const;
  // A 404 comes back as an error (is_not_found()); callers that only want the object gone treat it as done.
  std::optional<ApiError> remove(const ResourceType& type, const std::string& ns, const std::string& name,
                                 const DeleteOptions& options = {}) const;
  Result<std::unique_ptr<WatchStream>> watch(const ResourceType& type, const std::string& ns,
                                             const WatchOptions& options) const;

  Transport& transport() const { return *transport_; }

 private:
  std::shared_ptr<Transport> transport_;
};

}  // namespace sqlop::kube
