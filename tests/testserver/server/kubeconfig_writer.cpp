#include "server/kubeconfig_writer.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "host/yaml/yaml_json.hpp"
#include "server/base64.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

json::Value named(const std::string& name, const char* field, json::Value body) {
  json::Value entry = json::Value::object();
  entry["name"] = name;
  entry[field] = std::move(body);
  return entry;
}

json::Value context(const std::string& user) {
  json::Value ctx = json::Value::object();
  ctx["cluster"] = "kube-testserver";
  ctx["user"] = user;
  ctx["namespace"] = "default";
  return ctx;
}

}  // namespace

std::string render_kubeconfig(const KubeconfigSpec& spec) {
  json::Value cfg = json::Value::object();
  cfg["apiVersion"] = "v1";
  cfg["kind"] = "Config";
  json::Value cluster = json::Value::object();
  cluster["server"] = spec.server_url;
  if (spec.tls) cluster["certificate-authority-data"] = base64_encode(spec.tls->ca.certificate);
  cfg["clusters"].push_back(named("kube-testserver", "cluster", cluster));

  json::Value token_user = json::Value::object();
  if (spec.tls) token_user["token"] = spec.token;
  cfg["users"].push_back(named("testserver-token", "user", token_user));
  cfg["contexts"].push_back(named("kube-testserver", "context", context("testserver-token")));
  if (spec.tls) {
    json::Value cert_user = json::Value::object();
    cert_user["client-certificate-data"] = base64_encode(spec.tls->client.certificate);
    cert_user["client-key-data"] = base64_encode(spec.tls->client.private_key);
    cfg["users"].push_back(named("testserver-cert", "user", cert_user));
    cfg["contexts"].push_back(named("kube-testserver-cert", "context", context("testserver-cert")));
  }
  cfg["current-context"] = "kube-testserver";
  cfg["preferences"] = json::Value::object();
  return sqlop::yaml::to_yaml(cfg);
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string* error) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      if (error) *error = "cannot write " + tmp;
      return false;
    }
    ::chmod(tmp.c_str(), 0600);
    out << text;
    if (!out.flush()) {
      if (error) *error = "cannot write " + tmp;
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (error) *error = "cannot rename " + tmp + " to " + path;
    return false;
  }
  return true;
}

}  // namespace sqlop::testserver
