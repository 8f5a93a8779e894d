#include "server/api_server.hpp"

#include <chrono>
#include <thread>

#include "server/discovery.hpp"
#include "server/media_types.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

HttpResponse text_response(int status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = text;
  return r;
}

HttpResponse plain_json(const json::Value& body, const std::string& content_type = "application/json") {
  HttpResponse r;
  r.body = json::dump(body);
  r.content_type = content_type;
  return r;
}

// What the counters record of one request: its client, the attributes an authorizer would check, and the
// patch type (a server-side apply that creates an object is also authorized as "create").
CountedRequest counted_request(const HttpRequest& req, const std::string& verb, const std::string& label,
                               const RequestInfo* ri) {
  CountedRequest c;
  c.user_agent = req.header("user-agent");
  c.verb = verb;
  c.label = label;
  if (ri) {
    c.group = ri->group;
    c.resource = ri->resource;
    c.subresource = ri->subresource;
    c.namespace_ = ri->namespace_;
    c.name = ri->name;
  } else {
    c.path = req.path;
  }
  if (req.method == "PATCH") {
    const std::string type = req.header("content-type");
    c.patch_type = type.substr(0, type.find(';'));
  }
  return c;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

ApiServer::ApiServer(ServerSettings settings, std::unique_ptr<SchemaSupport> schemas)
    : settings_(std::move(settings)),
      schemas_(std::move(schemas)),
      store_(settings_.watch_history, hub_),
      openapi_(settings_.openapi_dir, table_),
      service_(table_, store_, *schemas_, faults_, settings_.service),
      controllers_(ControllerDeps{table_, store_, service_, *schemas_, {}}, hub_) {}

ApiServer::~ApiServer() { stop(); }

void ApiServer::start() {
  const ResourceInfoPtr ns_info = table_.find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    const bool exists = store_.transact([&](Store::Txn& txn) { return txn.get("/namespaces", "", name) != nullptr; });
    if (exists) continue;
    json::Value ns = json::Value::object();
    ns["apiVersion"] = "v1";
    ns["kind"] = "Namespace";
    ns["metadata"]["name"] = name;
    service_.create_internal(*ns_info, ns);
  }
  controllers_.run_once();
  controllers_.start();
}

void ApiServer::stop() {
  hub_.close_all();
  controllers_.stop();
}

bool ApiServer::authenticated(const HttpRequest& req) const {
  if (!settings_.require_auth) return true;
  if (!req.client_cert_subject.empty()) return true;
  const std::string auth = req.header("authorization");
  const std::string prefix = "Bearer ";
  return auth.size() > prefix.size() && auth.compare(0, prefix.size(), prefix) == 0 &&
         constant_time_equal(auth.substr(prefix.size()), settings_.token);
}

void ApiServer::handle(const HttpRequest& req, ResponseSink& sink) {
  const std::string& path = req.path;
  if (path == "/healthz" || path == "/livez" || path == "/readyz") {
    sink.send(text_response(200, "ok"));
    return;
  }
  if (!authenticated(req)) {
    counters_.count(counted_request(req, "unauthorized", path, nullptr));
    sink.send(error_response(unauthorized()));
    return;
  }
  if (path.rfind("/_testserver/", 0) == 0) {
    if (!handle_admin(req, sink)) sink.send(text_response(404, "404 page not found\n"));
    return;
  }
  const std::optional<RequestInfo> ri = parse_resource_request(req.method, path, req.query);
  const std::string verb = ri ? ri->verb : (req.method == "GET" ? std::string("get") : req.method);
  std::string resource = path;
  if (ri) {
    const ResourceInfoPtr info = table_.find(ri->group, ri->version, ri->resource);
    resource = info ? info->group_resource() : ri->resource;
    if (!ri->subresource.empty()) resource += "/" + ri->subresource;
  }
  counters_.count(counted_request(req, verb, resource, ri ? &*ri : nullptr));
  if (const int latency = faults_.latency_ms(verb, resource); latency > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(latency));
  }
  if (auto injected = faults_.request_error(verb, resource)) {
    sink.send(error_response(*injected));
    return;
  }
  if (ri) {
    handle_resource(*ri, req, sink);
    return;
  }
  if (!handle_discovery(req, sink)) sink.send(text_response(404, "404 page not found\n"));
}

void ApiServer::handle_resource(const RequestInfo& ri, const HttpRequest& req, ResponseSink& sink) {
  const ResourceInfoPtr info = table_.find(ri.group, ri.version, ri.resource);
  if (!info || (!info->namespaced && !ri.namespace_.empty())) {
    sink.send(error_response(not_found_resource()));
    return;
  }
  service_.serve(ri, info, req, sink);
}

bool ApiServer::handle_discovery(const HttpRequest& req, ResponseSink& sink) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  const std::string& path = req.path;
  const DiscoveryFormat format = choose_discovery_format(req.header("accept"));
  auto aggregated = [&](bool core) {
    const std::string version = format == DiscoveryFormat::AggregatedV2 ? "v2" : "v2beta1";
    HttpResponse r = plain_json(aggregated_discovery(table_, core, version),
                                "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList");
    r.headers.emplace_back("Vary", "Accept");
    return r;
  };
  if (path == "/version" || path == "/version/") {
    sink.send(plain_json(version_document()));
  } else if (path == "/api" || path == "/api/") {
    sink.send(format == DiscoveryFormat::Legacy ? plain_json(core_api_versions(settings_.server_address)) : aggregated(true));
  } else if (path == "/apis" || path == "/apis/") {
    sink.send(format == DiscoveryFormat::Legacy ? plain_json(api_group_list(table_)) : aggregated(false));
  } else if (path == "/api/v1") {
    sink.send(plain_json(api_resource_list(table_, "", "v1")));
  } else if (path.rfind("/apis/", 0) == 0) {
    const std::string rest = path.substr(6);
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      const json::Value group = api_group(table_, rest);
      sink.send(group.is_null() ? error_response(not_found_resource()) : plain_json(group));
    } else {
      const json::Value list = api_resource_list(table_, rest.substr(0, slash), rest.substr(slash + 1));
      sink.send(list.is_null() ? error_response(not_found_resource()) : plain_json(list));
    }
  } else if (path == "/openapi/v3" || path == "/openapi/v3/") {
    HttpResponse r;
    r.body = openapi_.index();
    sink.send(r);
  } else if (path.rfind("/openapi/v3/", 0) == 0) {
    const auto doc = openapi_.document(path.substr(12));
    if (!doc) {
      sink.send(text_response(404, "404 page not found\n"));
    } else {
      HttpResponse r;
      r.body = doc->text;
      r.headers.emplace_back("Etag", "\"" + doc->hash + "\"");
      if (!query_value(req.query, "hash").empty()) {
        r.headers.emplace_back("Cache-Control", "public, immutable");
      }
      sink.send(r);
    }
  } else {
    return false;
  }
  return true;
}

bool ApiServer::handle_admin(const HttpRequest& req, ResponseSink& sink) {
  const std::string sub = req.path.substr(std::string("/_testserver/").size());
  if (sub == "faults") {
    if (req.method == "GET") {
      sink.send(plain_json(fault_config_json(faults_.get())));
    } else if (req.method == "PUT" || req.method == "POST") {
      const auto doc = json::parse(req.body);
      std::string error;
      const auto config = doc ? parse_fault_config(*doc, &error) : std::nullopt;
      if (!config) {
        sink.send(error_response(bad_request(doc ? error : "the fault configuration is not JSON")));
        return true;
      }
      faults_.set(*config);
      sink.send(plain_json(fault_config_json(*config)));
    } else if (req.method == "DELETE") {
      faults_.set(FaultConfig{});
      sink.send(plain_json(fault_config_json(FaultConfig{})));
    } else {
      return false;
    }
    return true;
  }
  if (sub == "counters") {
    if (req.method == "GET") {
      sink.send(plain_json(counters_.to_json(query_value(req.query, "userAgent"))));
    } else if (req.method == "DELETE") {
      counters_.reset();
      sink.send(plain_json(counters_.to_json()));
    } else {
      return false;
    }
    return true;
  }
  if (sub == "compact" && req.method == "POST") {
    // Forgets the watch history: every resourceVersion before now is "too old" (410).
    store_.compact();
    json::Value out = json::Value::object();
    out["compactedResourceVersion"] = std::to_string(store_.compacted_rv());
    sink.send(plain_json(out));
    return true;
  }
  if (sub == "close-watches" && req.method == "POST") {
    hub_.close_all();
    sink.send(plain_json(json::Value::object()));
    return true;
  }
  if (sub == "state" && req.method == "GET") {
    json::Value out = json::Value::object();
    out["resourceVersion"] = std::to_string(store_.current_rv());
    out["compactedResourceVersion"] = std::to_string(store_.compacted_rv());
    out["objects"] = static_cast<long long>(store_.size());
    out["watches"] = static_cast<long long>(hub_.watcher_count());
    sink.send(plain_json(out));
    return true;
  }
  return false;
}

}  // namespace sqlop::testserver
