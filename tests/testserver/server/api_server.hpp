// The whole test server minus the network: authentication, fault injection and counters, routing to
// discovery, OpenAPI, the admin endpoints and the resource service, plus the controllers. The HTTP layer
// (http_server.cpp) hands it parsed requests.
#pragma once

#include <memory>
#include <string>

#include "server/controllers.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "server/openapi_documents.hpp"
#include "server/request_counters.hpp"
#include "server/resource_service.hpp"
#include "server/resource_table.hpp"
#include "server/schema_support.hpp"
#include "server/store.hpp"
#include "server/watch_hub.hpp"

namespace sqlop::testserver {

struct ServerSettings {
  std::string openapi_dir;
  std::size_t watch_history = 10000;
  ServiceSettings service;
  bool require_auth = false;   // --tls: bearer token or client certificate required
  std::string token;           // the bearer token (never logged)
  std::string server_address;  // host:port, for /api serverAddressByClientCIDRs
};

class ApiServer {
 public:
  ApiServer(ServerSettings settings, std::unique_ptr<SchemaSupport> schemas);
  ~ApiServer();

  // Creates the namespaces every cluster has, establishes stored CRDs, starts the controllers.
  void start();
  // Ends every watch and stops the controllers (SIGTERM).
  void stop();

  void handle(const HttpRequest& req, ResponseSink& sink);

  Store& store() { return store_; }
  Faults& faults() { return faults_; }
  void set_server_address(const std::string& address) { settings_.server_address = address; }

 private:
  bool authenticated(const HttpRequest& req) const;
  bool handle_admin(const HttpRequest& req, ResponseSink& sink);
  bool handle_discovery(const HttpRequest& req, ResponseSink& sink);
  void handle_resource(const RequestInfo& ri, const HttpRequest& req, ResponseSink& sink);

  ServerSettings settings_;
  std::unique_ptr<SchemaSupport> schemas_;
  ResourceTable table_;
  WatchHub hub_;
  Store store_;
  Faults faults_;
  RequestCounters counters_;
  OpenApiDocuments openapi_;
  ResourceService service_;
  ControllerLoop controllers_;
};

}  // namespace sqlop::testserver
