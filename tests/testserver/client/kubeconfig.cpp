#include "client/kubeconfig.hpp"

#include <fstream>
#include <sstream>

#include "host/yaml/yaml_json.hpp"
#include "server/base64.hpp"

namespace sqlop::testserver::client {

namespace json = sqlop::json;

namespace {

const json::Value* named(const json::Value& doc, const char* list, const std::string& name, const char* field) {
  const json::Value* items = doc.find(list);
  if (!items || !items->is_array()) return nullptr;
  for (const auto& item : items->as_array()) {
    if (item.get_string("name") == name) return item.find(field);
  }
  return nullptr;
}

std::string decoded(const json::Value& v, const char* key) {
  const std::string text = v.get_string(key);
  if (text.empty()) return {};
  return base64_decode(text).value_or("");
}

}  // namespace

std::optional<ClusterAccess> read_kubeconfig(const std::string& path, const std::string& context, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    if (error) *error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(ss.str());
  if (!loaded.ok() || loaded.documents.empty()) {
    if (error) *error = "cannot parse " + path + ": " + loaded.error;
    return std::nullopt;
  }
  const json::Value& doc = loaded.documents.front().value;
  const std::string ctx_name = context.empty() ? doc.get_string("current-context") : context;
  const json::Value* ctx = named(doc, "contexts", ctx_name, "context");
  if (!ctx) {
    if (error) *error = "no context " + ctx_name + " in " + path;
    return std::nullopt;
  }
  const json::Value* cluster = named(doc, "clusters", ctx->get_string("cluster"), "cluster");
  const json::Value* user = named(doc, "users", ctx->get_string("user"), "user");
  if (!cluster || !user) {
    if (error) *error = "incomplete context " + ctx_name + " in " + path;
    return std::nullopt;
  }
  ClusterAccess access;
  access.server = cluster->get_string("server");
  access.ca_pem = decoded(*cluster, "certificate-authority-data");
  access.token = user->get_string("token");
  access.client_cert_pem = decoded(*user, "client-certificate-data");
  access.client_key_pem = decoded(*user, "client-key-data");
  return access;
}

}  // namespace sqlop::testserver::client
