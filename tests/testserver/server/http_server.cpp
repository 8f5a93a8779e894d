#include "server/http_server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>

#include "server/kubeconfig_writer.hpp"

namespace sqlop::testserver {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class PocoSink : public ResponseSink {
 public:
  PocoSink(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) : req_(req), res_(res) {}

  void send(const HttpResponse& r) override {
    res_.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
    res_.setContentType(r.content_type);
    for (const auto& [k, v] : r.headers) res_.add(k, v);
    res_.sendBuffer(r.body.data(), r.body.size());
  }

  void begin_stream(int status, const std::string& content_type,
                    const std::vector<std::pair<std::string, std::string>>& headers) override {
    res_.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    res_.setContentType(content_type);
    res_.setChunkedTransferEncoding(true);
    for (const auto& [k, v] : headers) res_.add(k, v);
    out_ = &res_.send();
    out_->flush();
  }

  bool write(const std::string& data) override {
    if (!out_) return false;
    try {
      *out_ << data;
      out_->flush();
      return out_->good();
    } catch (...) {
      return false;
    }
  }

  bool client_gone() override {
    try {
      auto& impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(req_);
      Poco::Net::StreamSocket& socket = impl.socket();
      // A watch client sends nothing after its request: readable means closed (or TLS close_notify).
      if (!socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) return false;
      if (impl.secure()) return true;
      char byte;
      return socket.impl()->receiveBytes(&byte, 1, MSG_PEEK) <= 0;
    } catch (...) {
      return true;
    }
  }

 private:
  Poco::Net::HTTPServerRequest& req_;
  Poco::Net::HTTPServerResponse& res_;
  std::ostream* out_ = nullptr;
};

std::string client_cert_subject(Poco::Net::HTTPServerRequest& req) {
  try {
    auto& impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(req);
    if (!impl.secure()) return {};
    Poco::Net::SecureStreamSocket secure(impl.socket());
    if (!secure.havePeerCertificate()) return {};
    return secure.peerCertificate().commonName();
  } catch (...) {
    return {};
  }
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(ApiServer& api) : api_(api) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    HttpRequest request;
    request.method = req.getMethod();
    const Poco::URI uri(req.getURI());
    request.path = uri.getPath();
    request.query = parse_query(uri.getRawQuery());
    for (const auto& [k, v] : req) request.headers[lower(k)] = v;
    Poco::StreamCopier::copyToString(req.stream(), request.body);
    request.client_cert_subject = client_cert_subject(req);
    PocoSink sink(req, res);
    try {
      api_.handle(request, sink);
    } catch (const std::exception& e) {
      spdlog::error("request {} {} failed: {}", request.method, request.path, e.what());
      if (!res.sent()) {
        HttpResponse r;
        r.status = 500;
        r.body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                 "\"message\":\"Internal error occurred\",\"reason\":\"InternalError\",\"code\":500}";
        sink.send(r);
      }
    }
  }

 private:
  ApiServer& api_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ApiServer& api) : api_(api) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(api_);  // Poco takes ownership
  }

 private:
  ApiServer& api_;
};

Poco::ThreadPool& server_pool() {
  // Watches hold a thread each: room for many at once.
  static Poco::ThreadPool pool(4, 1024);
  return pool;
}

}  // namespace

HttpServer::HttpServer(ApiServer& api, unsigned short port, const TlsMaterial* tls, const std::string& cert_dir) {
  const Poco::Net::SocketAddress address("127.0.0.1", port);
  Poco::Net::ServerSocket socket;
  if (tls) {
    Poco::Net::initializeSSL();
    // Poco's Context loads PEM files: the serving identity and the CA go into a private directory.
    std::string error;
    const std::string cert = cert_dir + "/server.crt";
    const std::string key = cert_dir + "/server.key";
    const std::string ca = cert_dir + "/ca.crt";
    if (!write_file_atomically(cert, tls->server.certificate, &error) ||
        !write_file_atomically(key, tls->server.private_key, &error) ||
        !write_file_atomically(ca, tls->ca.certificate, &error)) {
      throw std::runtime_error(error);
    }
    Poco::Net::Context::Params params;
    params.privateKeyFile = key;
    params.certificateFile = cert;
    params.caLocation = ca;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;  // a client certificate is optional
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
    Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params));
    context->enableSessionCache(true, "kube-testserver");
    context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    socket = Poco::Net::SecureServerSocket(address, 256, context);
  } else {
    socket = Poco::Net::ServerSocket(address, 256);
  }
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(1000);
  params->setMaxQueued(1000);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(120, 0));
  params->setTimeout(Poco::Timespan(120, 0));
  params->setServerName("kube-testserver");
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(api), server_pool(), socket, params);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() { server_->start(); }

void HttpServer::stop() {
  if (server_) server_->stopAll(true);
}

}  // namespace sqlop::testserver
