// The Service and Ingress in front of the REST API (rendered only when it is enabled).
#include "host/render/children.hpp"
#include "host/render/names.hpp"

namespace sqlop::render {
namespace {

json::Value service_port(const std::string& name, int port, const std::string& target) {
  json::Value p = json::Value::object();
  p["name"] = name;
  p["port"] = port;
  p["targetPort"] = target;
  p["protocol"] = "TCP";
  return p;
}

}  // namespace

json::Value render_service(const model::SqliteDatabase& db) {
  json::Value svc = json::Value::object();
  svc["apiVersion"] = "v1";
  svc["kind"] = "Service";
  svc["metadata"] = child_metadata(db, service_name(db), "api", true);
  json::Value& spec = svc["spec"];
  spec["type"] = "ClusterIP";
  spec["selector"] = selector_labels(db);
  json::Value ports = json::Value::array();
  ports.push_back(service_port("http", db.sqlite_rest.port, "http"));
  if (db.sqlite_rest.metrics.enabled) {
    ports.push_back(service_port("rest-metrics", db.sqlite_rest.metrics.port, "rest-metrics"));
  }
  if (db.litestream.enabled && db.litestream.metrics.enabled) {
    ports.push_back(service_port("metrics", db.litestream.metrics.port, "metrics"));
  }
  spec["ports"] = std::move(ports);
  return svc;
}

json::Value render_ingress(const model::SqliteDatabase& db) {
  const model::IngressSpec& in = db.ingress;
  json::Value ing = json::Value::object();
  ing["apiVersion"] = "networking.k8s.io/v1";
  ing["kind"] = "Ingress";
  ing["metadata"] = child_metadata(db, ingress_name(db), "api", true);
  if (!in.annotations.empty()) {
    for (const auto& [key, value] : in.annotations) ing["metadata"]["annotations"][key] = value;
  }
  json::Value& spec = ing["spec"];
  if (!in.class_name.empty()) spec["ingressClassName"] = in.class_name;
  if (in.tls.enabled) {
    json::Value tls = json::Value::object();
    tls["hosts"] = json::Array{in.host};
    tls["secretName"] = in.tls.secret_name;
    spec["tls"] = json::Array{std::move(tls)};
  }
  json::Value path = json::Value::object();
  path["path"] = in.path;
  path["pathType"] = "Prefix";
  path["backend"]["service"]["name"] = service_name(db);
  path["backend"]["service"]["port"]["name"] = "http";
  json::Value rule = json::Value::object();
  rule["host"] = in.host;
  rule["http"]["paths"] = json::Array{std::move(path)};
  spec["rules"] = json::Array{std::move(rule)};
  return ing;
}

}  // namespace sqlop::render
