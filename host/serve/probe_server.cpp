#include "host/serve/probe_server.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <exception>
#include <utility>

#include "host/serve/bind_address.hpp"

namespace sqlop::serve {

namespace {

constexpr const char* kPlainText = "text/plain; charset=utf-8";

// What one listener serves.
struct Routes {
  const metrics::Registry* registry = nullptr;  // null = no /metrics here
  const HealthChecks* healthz = nullptr;        // null = no probes here
  const HealthChecks* readyz = nullptr;
};

struct Reply {
  int status = 200;
  std::string content_type = kPlainText;
  std::string body;
};

bool has_query_flag(const Poco::URI& uri, const std::string& flag) {
  for (const auto& [name, value] : uri.getQueryParameters()) {
    if (name == flag) return true;
  }
  return false;
}

// "/healthz" -> (checks, ""), "/healthz/ping" -> (checks, "ping"); null checks when not a probe path.
std::pair<const HealthChecks*, std::string> probe_target(const Routes& routes, const std::string& path,
                                                         std::string* endpoint) {
  for (const auto& [name, checks] : {std::pair{"healthz", routes.healthz}, std::pair{"readyz", routes.readyz}}) {
    const std::string prefix = std::string("/") + name;
    if (!checks || path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = path.substr(prefix.size());
    if (rest.empty() || rest == "/") {
      *endpoint = name;
      return {checks, ""};
    }
    if (rest[0] == '/') {
      *endpoint = name;
      return {checks, rest.substr(1)};
    }
  }
  return {nullptr, ""};
}

Reply route(const Routes& routes, const Poco::URI& uri) {
  const std::string& path = uri.getPath();
  if (routes.registry && path == "/metrics") return Reply{200, metrics::kTextContentType, routes.registry->expose()};
  std::string endpoint;
  const auto [checks, check_name] = probe_target(routes, path, &endpoint);
  if (!checks) return Reply{404, kPlainText, "404 page not found\n"};
  const ProbeReply reply = check_name.empty()
                               ? render_probe_reply(endpoint, checks->run_all(), has_query_flag(uri, "verbose"))
                               : render_single_check_reply(checks->run_one(check_name));
  return Reply{reply.status, kPlainText, reply.body};
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Routes routes) : routes_(routes) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const std::string& method = request.getMethod();
    Reply reply;
    if (method != Poco::Net::HTTPRequest::HTTP_GET && method != Poco::Net::HTTPRequest::HTTP_HEAD) {
      reply = Reply{405, kPlainText, "405 method not allowed\n"};
      response.set("Allow", "GET, HEAD");
    } else {
      reply = answer(request.getURI());
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    response.setContentType(reply.content_type);
    response.set("X-Content-Type-Options", "nosniff");
    response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    std::ostream& out = response.send();
    if (method != Poco::Net::HTTPRequest::HTTP_HEAD) out << reply.body;
  }

 private:
  Reply answer(const std::string& target) const {
    try {
      return route(routes_, Poco::URI(target));
    } catch (const std::exception& e) {  // a malformed URI, or a collector that failed
      return Reply{500, kPlainText, std::string("internal server error: ") + e.what() + "\n"};
    }
  }

  const Routes routes_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(Routes routes) : routes_(routes) {}
  // Poco takes ownership of the handler it asks for.
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(routes_);
  }

 private:
  const Routes routes_;
};

Poco::Net::SocketAddress socket_address(const BindAddress& address) {
  return address.all_interfaces() ? Poco::Net::SocketAddress("0.0.0.0", address.port)
                                  : Poco::Net::SocketAddress(address.host, address.port);
}

}  // namespace

// One bound socket with its server. Members are destroyed in reverse order: server first, then the pool
// whose threads it used.
struct ProbeServer::Listener {
  Poco::ThreadPool pool;
  Poco::Net::ServerSocket socket;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  std::string address;  // as bound
  bool serves_metrics = false;
  bool serves_probes = false;

  explicit Listener(int max_threads) : pool(1, max_threads) {}
  ~Listener() { stop(); }

  void stop() {
    if (!server) return;
    server->stopAll(true);  // also shuts down every open connection, keep-alive ones included
    pool.joinAll();         // every handler has returned
    server.reset();
    socket.close();
  }
};

ProbeServer::ProbeServer(ProbeServerOptions options) : options_(std::move(options)) {}

ProbeServer::~ProbeServer() { stop(); }

std::optional<std::string> ProbeServer::start() {
  if (!listeners_.empty()) return std::string("probe server already started");
  struct Wanted {
    const char* flag;
    const std::string& text;
    BindAddressParse parsed;
  };
  Wanted wanted[] = {{"--metrics-bind-address", options_.metrics_bind_address, {}},
                     {"--health-probe-bind-address", options_.health_probe_bind_address, {}}};
  for (auto& w : wanted) {
    w.parsed = parse_bind_address(w.text);
    if (!w.parsed.ok()) return std::string(w.flag) + ": " + w.parsed.error;
  }
  const BindAddressParse& metrics = wanted[0].parsed;
  const BindAddressParse& probes = wanted[1].parsed;
  if (!metrics.disabled && !options_.registry) return std::string("--metrics-bind-address: no metrics registry");
  // One listener for both when they name the same fixed address (binding it twice would fail).
  const bool shared = !metrics.disabled && !probes.disabled && metrics.address->port != 0 &&
                      *metrics.address == *probes.address;

  for (int role = 0; role < 2; ++role) {
    const BindAddressParse& parsed = wanted[role].parsed;
    if (parsed.disabled || (shared && role == 1)) continue;
    auto listener = std::make_unique<Listener>(options_.max_threads_per_listener);
    listener->serves_metrics = role == 0;
    listener->serves_probes = role == 1 || shared;
    Routes routes;
    if (listener->serves_metrics) routes.registry = options_.registry;
    if (listener->serves_probes) {
      routes.healthz = &healthz_;
      routes.readyz = &readyz_;
    }
    try {
      // SO_REUSEADDR for quick restarts, never SO_REUSEPORT: a second process must not share the port.
      listener->socket.bind(socket_address(*parsed.address), /*reuseAddress=*/true, /*reusePort=*/false);
      listener->socket.listen(64);
      Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
      params->setMaxThreads(options_.max_threads_per_listener);
      params->setMaxQueued(64);
      params->setKeepAlive(true);
      params->setKeepAliveTimeout(Poco::Timespan(30, 0));  // longer than a 15-30 s scrape interval
      params->setTimeout(Poco::Timespan(10, 0));
      listener->server = std::make_unique<Poco::Net::HTTPServer>(
          Poco::Net::HTTPRequestHandlerFactory::Ptr(new HandlerFactory(routes)), listener->pool, listener->socket,
          params);
      listener->server->start();
      listener->address = listener->socket.address().toString();
    } catch (const Poco::Exception& e) {
      stop();
      return std::string(wanted[role].flag) + " " + wanted[role].text + ": " + e.displayText();
    }
    listeners_.push_back(std::move(listener));
  }
  return std::nullopt;
}

void ProbeServer::stop() {
  for (auto& listener : listeners_) listener->stop();
  listeners_.clear();
}

std::optional<std::string> ProbeServer::metrics_address() const {
  for (const auto& listener : listeners_) {
    if (listener->serves_metrics) return listener->address;
  }
  return std::nullopt;
}

std::optional<std::string> ProbeServer::probe_address() const {
  for (const auto& listener : listeners_) {
    if (listener->serves_probes) return listener->address;
  }
  return std::nullopt;
}

}  // namespace sqlop::serve
