// make_http_transport: the Transport over Poco Net/NetSSL (see client.hpp for the contract).
#include <sys/socket.h>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <atomic>
#include <istream>
#include <mutex>
#include <vector>

#include "host/kube/client.hpp"
#include "host/kube/credentials.hpp"
#include "host/kube/tls_context.hpp"

namespace sqlop::kube {

namespace {

using Session = Poco::Net::HTTPClientSession;
using SessionPtr = std::unique_ptr<Session>;

constexpr std::size_t kMaxIdleSessions = 4;
// A watch has no read timeout of its own (the server ends it, with bookmarks in between); this only bounds
// how long a silently dead connection can hold a watcher.
constexpr int kStreamReceiveTimeoutSeconds = 15 * 60;

struct Endpoint {
  bool tls = false;
  std::string host;
  unsigned short port = 0;
  std::string base_path;    // a server URL's path prefix ("/k8s/clusters/c1"), without a trailing '/'
  std::string server_name;  // tls-server-name: the name sent in SNI and checked in the certificate
  std::string display;      // "https://127.0.0.1:6443", for error messages
};

std::optional<Endpoint> parse_endpoint(const ClientConfig& config, std::string* error) {
  try {
    const Poco::URI uri(config.server);
    Endpoint endpoint;
    endpoint.tls = uri.getScheme() == "https";
    if (!endpoint.tls && uri.getScheme() != "http") {
      *error = "server " + config.server + ": the scheme must be https or http";
      return std::nullopt;
    }
    endpoint.host = uri.getHost();
    endpoint.port = uri.getPort();
    endpoint.base_path = uri.getPath();
    while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') endpoint.base_path.pop_back();
    endpoint.server_name = config.tls_server_name;
    endpoint.display = uri.getScheme() + "://" + uri.getAuthority();
    return endpoint;
  } catch (const Poco::Exception& e) {
    *error = "server " + config.server + ": not a URL (" + e.message() + ")";
    return std::nullopt;
  }
}

// What went wrong, in words an operator can act on; never a credential (exceptions carry none).
std::string describe_failure(const Poco::Exception& e) {
  const std::string text = e.displayText();
  if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e)) return "connection refused";
  if (dynamic_cast<const Poco::TimeoutException*>(&e)) return "timed out";
  if (text.find("certificate verify failed") != std::string::npos ||
      dynamic_cast<const Poco::Net::CertificateValidationException*>(&e)) {
    return "TLS certificate verification failed (" + text + ")";
  }
  if (dynamic_cast<const Poco::Net::SSLException*>(&e)) return "TLS failed (" + text + ")";
  if (dynamic_cast<const Poco::Net::NoMessageException*>(&e)) return "the server closed the connection";
  if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&e)) return "connection reset";
  if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&e)) return "host not found";
  return text;
}

int parse_retry_after(const std::string& value) {
  // Only the delay-seconds form: the API server never sends an HTTP-date.
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 6) return 0;
  return std::stoi(value);
}

// TLS contexts per client identity: the config's certificate, or the one an exec plugin returned last.
class TlsContexts {
 public:
  explicit TlsContexts(TlsSettings base) : base_(std::move(base)) {}

  TlsContextBuild for_credential(const Credential& credential) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!current_.isNull() && credential.client_certificate_pem == certificate_ && credential.client_key_pem == key_) {
      return {current_, std::nullopt};
    }
    TlsSettings settings = base_;
    settings.client_certificate_pem = credential.client_certificate_pem;
    settings.client_key_pem = credential.client_key_pem;
    TlsContextBuild built = make_tls_context(settings);
    if (built.error) return built;
    current_ = built.context;
    certificate_ = credential.client_certificate_pem;
    key_ = credential.client_key_pem;
    return built;
  }

 private:
  const TlsSettings base_;
  std::mutex mu_;
  Poco::Net::Context::Ptr current_;
  std::string certificate_;
  std::string key_;
};

// Idle keep-alive sessions, each tagged with the TLS context it was made with.
class SessionPool {
 public:
  struct Borrowed {
    SessionPtr session;
    bool reused = false;
  };

  // An idle session made with `context`, or nothing. Idle sessions the server has closed are dropped.
  Borrowed take(const Poco::Net::Context* context) {
    std::lock_guard<std::mutex> lock(mu_);
    while (!idle_.empty()) {
      Idle entry = std::move(idle_.back());
      idle_.pop_back();
      if (entry.context == context && still_open(*entry.session)) return {std::move(entry.session), true};
    }
    return {};
  }

  void give_back(SessionPtr session, const Poco::Net::Context* context) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleSessions) idle_.push_back({std::move(session), context});
  }

 private:
  struct Idle {
    SessionPtr session;
    const Poco::Net::Context* context;
  };

  // An idle connection is readable only when the server closed it (or broke the protocol).
  static bool still_open(Session& session) {
    try {
      return session.connected() && !session.socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ);
    } catch (const Poco::Exception&) {
      return false;
    }
  }

  std::mutex mu_;
  std::vector<Idle> idle_;
};

// A watch response read line by line from its dedicated session.
class SessionLineStream : public LineStream {
 public:
  SessionLineStream(SessionPtr session, std::istream& body, std::string description)
      : session_(std::move(session)), body_(body), description_(std::move(description)) {
    socket_fd_ = session_->socket().impl()->sockfd();
  }

  std::optional<std::string> next_line() override {
    if (cancelled_) return std::nullopt;
    std::string line;
    if (std::getline(body_, line)) return line;
    if (!cancelled_ && body_.bad()) {
      const Poco::Exception* cause = session_->networkException();
      std::lock_guard<std::mutex> lock(mu_);
      error_ = transport_error("watch stream from " + description_ + " broke: " +
                               (cause ? describe_failure(*cause) : std::string("read failed")));
    }
    return std::nullopt;
  }

  void cancel() override {
    cancelled_ = true;
    // Shutting the socket down wakes a reader blocked in recv() without touching the TLS state it uses.
    if (socket_fd_ >= 0) ::shutdown(socket_fd_, SHUT_RDWR);
  }

  std::optional<ApiError> error() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  const SessionPtr session_;
  std::istream& body_;
  const std::string description_;
  int socket_fd_ = -1;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  std::optional<ApiError> error_;
};

class HttpTransport : public Transport {
 public:
  HttpTransport(Endpoint endpoint, std::unique_ptr<CredentialSource> credentials, TlsSettings tls,
                TransportOptions options)
      : endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        tls_contexts_(std::move(tls)),
        options_(std::move(options)) {}

  Result<HttpResponse> round_trip(const HttpRequest& request) override {
    for (int attempt = 0;; ++attempt) {
      CredentialLookup lookup = credentials_->current();
      if (!lookup.credential) return failure(request, "cannot obtain credentials: " + lookup.error);
      Result<HttpResponse> result = send_on_pooled_session(request, *lookup.credential);
      // A 401 may mean a rotated token or an expired plugin credential: refresh it and try once more.
      if (result.ok() && result.value->status == 401 && attempt == 0 && credentials_->reject(*lookup.credential)) {
        continue;
      }
      return result;
    }
  }

  Result<std::unique_ptr<LineStream>> open_stream(const HttpRequest& request) override {
    for (int attempt = 0;; ++attempt) {
      CredentialLookup lookup = credentials_->current();
      if (!lookup.credential) return {std::nullopt, failure(request, "cannot obtain credentials: " + lookup.error).error};
      Result<std::unique_ptr<LineStream>> result = open_stream_once(request, *lookup.credential);
      if (!result.ok() && result.error->is_unauthorized() && attempt == 0 &&
          credentials_->reject(*lookup.credential)) {
        continue;
      }
      return result;
    }
  }

 private:
  struct SessionFor {
    SessionPtr session;
    Poco::Net::Context::Ptr context;  // null for http
    bool reused = false;              // an idle keep-alive session from the pool
    std::optional<std::string> error;
  };

  // Sends on an idle session when there is one; a reused connection that broke is retried once on a fresh
  // one when that is safe (a GET, or nothing was sent).
  Result<HttpResponse> send_on_pooled_session(const HttpRequest& request, const Credential& credential) {
    for (int attempt = 0;; ++attempt) {
      SessionFor made = session_for(credential, /*pooled=*/true);
      if (made.error) return failure(request, *made.error);
      bool sent = false;
      Result<HttpResponse> result = exchange(*made.session, request, credential, &sent);
      if (result.ok()) {
        if (made.session->connected()) pool_.give_back(std::move(made.session), made.context.get());
        return result;
      }
      const bool safe = request.method == "GET" || !sent;
      if (!(attempt == 0 && made.reused && safe)) return result;
    }
  }

  SessionFor session_for(const Credential& credential, bool pooled) {
    SessionFor out;
    if (endpoint_.tls) {
      TlsContextBuild built = tls_contexts_.for_credential(credential);
      if (built.error) {
        out.error = *built.error;
        return out;
      }
      out.context = built.context;
    }
    if (pooled) {
      SessionPool::Borrowed borrowed = pool_.take(out.context.get());
      if (borrowed.session) {
        out.session = std::move(borrowed.session);
        out.reused = true;
        return out;
      }
    }
    out.session = new_session(out.context);
    return out;
  }

  SessionPtr new_session(const Poco::Net::Context::Ptr& context) const {
    SessionPtr session;
    if (!endpoint_.tls) {
      session = std::make_unique<Session>(endpoint_.host, endpoint_.port);
    } else if (!endpoint_.server_name.empty()) {
      // The name to present (SNI) differs from the host to connect to.
      Poco::Net::SecureStreamSocket socket(context);
      socket.setPeerHostName(endpoint_.server_name);
      auto https = std::make_unique<Poco::Net::HTTPSClientSession>(socket);
      https->setHost(endpoint_.host);
      https->setPort(endpoint_.port);
      session = std::move(https);
    } else {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(endpoint_.host, endpoint_.port, context);
    }
    session->setKeepAlive(true);
    const Poco::Timespan request_timeout(Poco::Timespan::TimeDiff(options_.request_timeout_ms) * 1000);
    session->setTimeout(Poco::Timespan(Poco::Timespan::TimeDiff(options_.connect_timeout_ms) * 1000), request_timeout,
                        request_timeout);
    return session;
  }

  Poco::Net::HTTPRequest make_poco_request(const HttpRequest& request, const Credential& credential) const {
    Poco::Net::HTTPRequest out(request.method, endpoint_.base_path + request.path, Poco::Net::HTTPMessage::HTTP_1_1);
    out.set("Accept", request.accept);
    out.set("User-Agent", options_.user_agent);
    if (!credential.bearer_token.empty()) out.set("Authorization", "Bearer " + credential.bearer_token);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      if (!request.content_type.empty()) out.setContentType(request.content_type);
      out.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    out.setKeepAlive(true);
    return out;
  }

  // One exchange on `session`; `sent` says whether the request left (when it fails afterwards).
  Result<HttpResponse> exchange(Session& session, const HttpRequest& request, const Credential& credential,
                                bool* sent) {
    try {
      Poco::Net::HTTPRequest poco_request = make_poco_request(request, credential);
      std::ostream& body = session.sendRequest(poco_request);
      *sent = true;
      body << request.body;
      Poco::Net::HTTPResponse poco_response;
      std::istream& in = session.receiveResponse(poco_response);
      HttpResponse response;
      response.status = static_cast<int>(poco_response.getStatus());
      response.content_type = poco_response.getContentType();
      response.retry_after_seconds = parse_retry_after(poco_response.get("Retry-After", ""));
      Poco::StreamCopier::copyToString(in, response.body);
      if (in.bad()) throw Poco::IOException("the response body broke off");
      if (!poco_response.getKeepAlive()) session.reset();
      notify(request.method, response.status);
      return {std::move(response), std::nullopt};
    } catch (const Poco::Exception& e) {
      session.reset();
      return failure(request, describe_failure(e));
    }
  }

  Result<std::unique_ptr<LineStream>> open_stream_once(const HttpRequest& request, const Credential& credential) {
    SessionFor made = session_for(credential, /*pooled=*/false);
    if (made.error) return {std::nullopt, failure(request, *made.error).error};
    const Poco::Timespan connect_timeout(Poco::Timespan::TimeDiff(options_.connect_timeout_ms) * 1000);
    made.session->setTimeout(connect_timeout,
                             Poco::Timespan(Poco::Timespan::TimeDiff(options_.request_timeout_ms) * 1000),
                             Poco::Timespan(kStreamReceiveTimeoutSeconds, 0));
    try {
      Poco::Net::HTTPRequest poco_request = make_poco_request(request, credential);
      made.session->sendRequest(poco_request);
      Poco::Net::HTTPResponse poco_response;
      std::istream& in = made.session->receiveResponse(poco_response);
      const int status = static_cast<int>(poco_response.getStatus());
      notify(request.method, status);
      if (status != 200) {
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        return {std::nullopt, api_error_from_response(status, body,
                                                      parse_retry_after(poco_response.get("Retry-After", "")))};
      }
      std::unique_ptr<LineStream> stream =
          std::make_unique<SessionLineStream>(std::move(made.session), in, endpoint_.display);
      return {std::move(stream), std::nullopt};
    } catch (const Poco::Exception& e) {
      return {std::nullopt, failure(request, describe_failure(e)).error};
    }
  }

  // A transport failure: names the server and the request, counts as status 0.
  Result<HttpResponse> failure(const HttpRequest& request, const std::string& what) {
    notify(request.method, 0);
    const std::string path = request.path.substr(0, request.path.find('?'));
    return {std::nullopt, transport_error(what + ": " + endpoint_.display + " (" + request.method + " " + path + ")")};
  }

  void notify(const std::string& method, int status) const {
    if (options_.on_request) options_.on_request(method, status);
  }

  const Endpoint endpoint_;
  const std::unique_ptr<CredentialSource> credentials_;
  TlsContexts tls_contexts_;
  const TransportOptions options_;
  SessionPool pool_;
};

}  // namespace

Result<std::shared_ptr<Transport>> make_http_transport(const ClientConfig& config, TransportOptions options) {
  std::string error;
  std::optional<Endpoint> endpoint = parse_endpoint(config, &error);
  if (!endpoint) return {std::nullopt, transport_error(error)};
  TlsSettings tls;
  tls.ca_pem = config.ca_pem;
  tls.insecure_skip_tls_verify = config.insecure_skip_tls_verify;
  tls.verify_host = config.tls_server_name.empty() ? endpoint->host : config.tls_server_name;
  if (endpoint->tls) {
    // Build once up front so that a bad CA or client certificate is reported at start, not per request.
    TlsContextBuild built = make_tls_context(
        TlsSettings{tls.ca_pem, tls.insecure_skip_tls_verify, tls.verify_host, config.client_certificate_pem,
                    config.client_key_pem});
    if (built.error) return {std::nullopt, transport_error(*built.error)};
  }
  std::shared_ptr<Transport> transport = std::make_shared<HttpTransport>(
      std::move(*endpoint), make_credential_source(config), std::move(tls), std::move(options));
  return {std::move(transport), std::nullopt};
}

}  // namespace sqlop::kube
