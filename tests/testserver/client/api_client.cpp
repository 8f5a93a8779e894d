#include "client/api_client.hpp"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <istream>
#include <sstream>
#include <stdexcept>

namespace sqlop::testserver::client {

namespace json = sqlop::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void ensure_ssl_initialized() {
  static const bool once = [] {
    Poco::Net::initializeSSL();
    return true;
  }();
  (void)once;
}

// Loads PEM text into the SSL_CTX: CA certificates into the trust store, or the client identity.
void load_pem(SSL_CTX* ctx, const std::string& ca, const std::string& cert, const std::string& key) {
  if (!ca.empty()) {
    BIO* bio = BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size()));
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!x) throw std::runtime_error("bad CA certificate in kubeconfig");
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), x);
    X509_free(x);
  }
  if (!cert.empty() && !key.empty()) {
    BIO* cbio = BIO_new_mem_buf(cert.data(), static_cast<int>(cert.size()));
    X509* x = PEM_read_bio_X509(cbio, nullptr, nullptr, nullptr);
    BIO_free(cbio);
    BIO* kbio = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kbio, nullptr, nullptr, nullptr);
    BIO_free(kbio);
    if (!x || !pkey) throw std::runtime_error("bad client certificate in kubeconfig");
    SSL_CTX_use_certificate(ctx, x);
    SSL_CTX_use_PrivateKey(ctx, pkey);
    X509_free(x);
    EVP_PKEY_free(pkey);
  }
}

void prepare(Poco::Net::HTTPRequest& req, const ClusterAccess& access, const RequestOptions& options) {
  req.set("Accept", options.accept);
  req.set("User-Agent", "kube-testserver-client/1.0");
  if (options.send_credentials && !access.token.empty()) req.set("Authorization", "Bearer " + access.token);
  for (const auto& [k, v] : options.headers) req.set(k, v);
}

Response read_response(Poco::Net::HTTPResponse& res, std::istream& in) {
  Response out;
  out.status = static_cast<int>(res.getStatus());
  for (const auto& [k, v] : res) out.headers.emplace(lower(k), v);
  out.content_type = res.getContentType();
  Poco::StreamCopier::copyToString(in, out.body);
  return out;
}

}  // namespace

const json::Value& Response::json() const {
  if (!parsed_) {
    auto v = json::parse(body);
    parsed_ = v ? std::move(*v) : json::Value();
  }
  return *parsed_;
}

std::string Response::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::vector<std::string> Response::warnings() const {
  std::vector<std::string> out;
  const auto range = headers.equal_range("warning");
  for (auto it = range.first; it != range.second; ++it) {
    std::string w = it->second;
    const std::size_t q = w.find('"');
    if (q != std::string::npos && w.size() > q + 1 && w.back() == '"') w = w.substr(q + 1, w.size() - q - 2);
    // Go's quoting escapes quotes inside the text.
    std::string unescaped;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] == '\\' && i + 1 < w.size()) ++i;
      unescaped += w[i];
    }
    out.push_back(unescaped);
  }
  return out;
}

ApiClient::ApiClient(ClusterAccess access) : access_(std::move(access)) {
  const Poco::URI uri(access_.server);
  host_ = uri.getHost();
  port_ = uri.getPort();
  if (access_.tls()) {
    ensure_ssl_initialized();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!MD5";
    Poco::Net::Context::Ptr ctx(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
    load_pem(ctx->sslContext(), access_.ca_pem, access_.client_cert_pem, access_.client_key_pem);
    tls_context_ = std::make_shared<Poco::Net::Context::Ptr>(ctx);
  }
}

ApiClient::~ApiClient() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> ApiClient::new_session() const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (access_.tls()) {
    const auto& ctx = *std::static_pointer_cast<Poco::Net::Context::Ptr>(tls_context_);
    session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, ctx);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
  }
  session->setKeepAlive(true);
  session->setTimeout(Poco::Timespan(30, 0));
  return session;
}

Response ApiClient::request(const std::string& method, const std::string& path, const std::string& body,
                            const RequestOptions& options) {
  for (int attempt = 0;; ++attempt) {
    if (!session_) session_ = new_session();
    try {
      Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
      prepare(req, access_, options);
      if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        req.setContentType(options.content_type);
        req.setContentLength(static_cast<std::streamsize>(body.size()));
      }
      std::ostream& out = session_->sendRequest(req);
      out << body;
      Poco::Net::HTTPResponse res;
      std::istream& in = session_->receiveResponse(res);
      Response response = read_response(res, in);
      if (!res.getKeepAlive()) session_.reset();
      return response;
    } catch (const Poco::Exception&) {
      // A kept-alive connection the server closed: retry once on a fresh one.
      session_.reset();
      if (attempt >= 1) throw;
    }
  }
}

Response ApiClient::get(const std::string& path, const std::string& accept) {
  RequestOptions o;
  o.accept = accept;
  return request("GET", path, {}, o);
}

Response ApiClient::post(const std::string& path, const json::Value& body) { return request("POST", path, json::dump(body)); }

Response ApiClient::put(const std::string& path, const json::Value& body) { return request("PUT", path, json::dump(body)); }

Response ApiClient::patch(const std::string& path, const std::string& body, const std::string& content_type) {
  RequestOptions o;
  o.content_type = content_type;
  return request("PATCH", path, body, o);
}

Response ApiClient::del(const std::string& path, const std::string& body) { return request("DELETE", path, body); }

std::unique_ptr<WatchStream> ApiClient::watch(const std::string& path_and_query, const std::string& accept) {
  std::unique_ptr<WatchStream> stream(new WatchStream());
  stream->session_ = new_session();
  stream->session_->setTimeout(Poco::Timespan(3600, 0));
  Poco::Net::HTTPRequest req("GET", path_and_query, Poco::Net::HTTPMessage::HTTP_1_1);
  RequestOptions o;
  o.accept = accept;
  prepare(req, access_, o);
  stream->session_->sendRequest(req);
  Poco::Net::HTTPResponse res;
  std::istream& in = stream->session_->receiveResponse(res);
  stream->status_ = static_cast<int>(res.getStatus());
  if (stream->status_ != 200) {
    Poco::StreamCopier::copyToString(in, stream->error_body_);
    stream->eof_ = true;
    return stream;
  }
  stream->body_ = &in;
  stream->reader_ = std::thread([s = stream.get()] { s->read_loop(); });
  return stream;
}

void WatchStream::read_loop() {
  std::string line;
  try {
    while (std::getline(*body_, line)) {
      if (line.empty()) continue;
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
      cv_.notify_all();
    }
  } catch (...) {
    // The connection was closed under us (destructor) or failed: the stream has ended either way.
  }
  std::lock_guard<std::mutex> lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

std::optional<json::Value> WatchStream::next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !lines_.empty() || eof_; });
  if (lines_.empty()) return std::nullopt;
  const std::string line = std::move(lines_.front());
  lines_.pop_front();
  auto v = json::parse(line);
  return v ? std::optional<json::Value>(*v) : std::optional<json::Value>(json::Value(line));
}

bool WatchStream::ended(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] { return eof_ && lines_.empty(); });
  return eof_ && lines_.empty();
}

WatchStream::~WatchStream() {
  if (session_) {
    try {
      session_->abort();
    } catch (...) {
    }
  }
  if (reader_.joinable()) reader_.join();
}

}  // namespace sqlop::testserver::client
