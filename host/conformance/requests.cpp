#include "host/conformance/requests.hpp"

#include <set>

#include "host/render/replica_wiring.hpp"
#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/plugin.h"

namespace sqlop::conformance {
namespace {

json::Value base_request(const json::Value& replica, const std::string& format, std::size_t index) {
  json::Value request = json::Value::object();
  request["replica"] = replica;
  request["fieldPath"] = "spec.litestream.replicas[" + std::to_string(index) + "]";
  request["replicaIndex"] = static_cast<std::int64_t>(index);
  json::Value all = json::Value::array();
  for (std::size_t i = 0; i <= index; ++i) all.push_back(replica);
  request["replicas"] = std::move(all);
  request["litestream"]["version"] = format == "0.5" ? "0.5.16" : "0.3.13";
  request["litestream"]["format"] = format;
  json::Value& database = request["database"];
  database["name"] = "app.db";
  database["path"] = "/data/app.db";
  database["pvcName"] = "conformance-db-storage";
  database["resourceName"] = "conformance";
  database["namespace"] = "default";
  return request;
}

bool contains(const json::Value& v, const std::string& needle) {
  if (v.is_string()) return v.as_string().find(needle) != std::string::npos;
  if (v.is_array()) {
    for (const json::Value& item : v.as_array()) {
      if (contains(item, needle)) return true;
    }
  }
  if (v.is_object()) {
    for (const auto& [key, member] : v.as_object()) {
      if (key.find(needle) != std::string::npos || contains(member, needle)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> supported_formats(std::uint64_t capabilities) {
  std::vector<std::string> out;
  if (capabilities & SQLOP_CAP_LITESTREAM_0_3) out.push_back("0.3");
  if (capabilities & SQLOP_CAP_LITESTREAM_0_5) out.push_back("0.5");
  return out;
}

std::vector<std::string> unsupported_formats(std::uint64_t capabilities) {
  std::vector<std::string> out;
  if (!(capabilities & SQLOP_CAP_LITESTREAM_0_3)) out.push_back("0.3");
  if (!(capabilities & SQLOP_CAP_LITESTREAM_0_5)) out.push_back("0.5");
  return out;
}

json::Value secret_member(const std::string& name, const SecretValues& values) {
  json::Value secret = json::Value::object();
  secret["name"] = name;
  secret["namespace"] = "default";
  secret["data"] = json::Value::object();
  for (const auto& [key, value] : values) secret["data"][key] = base64::encode(value);
  return secret;
}

json::Value with_secret_name(json::Value replica, const std::string& name) {
  json::Value* credentials = replica.find("credentials");
  if (credentials && credentials->find("secretName")) (*credentials)["secretName"] = name;
  return replica;
}

json::Value validate_request(const json::Value& replica, const std::string& format) {
  return base_request(replica, format, 0);
}

json::Value render_request(const json::Value& replica, const std::string& format, std::size_t index) {
  json::Value request = base_request(replica, format, index);
  request["envPrefix"] = render::replica_env_prefix(index);
  request["volumePrefix"] = render::replica_volume_prefix(index);
  request["mountRoot"] = render::replica_mount_root(index);
  return request;
}

model::Replica host_replica(const json::Value& spec) {
  model::Replica replica;
  replica.type = spec.get_string("type");
  replica.name = spec.get_string("name");
  if (const json::Value* credentials = spec.find("credentials")) {
    replica.credentials.secret_name = credentials->get_string("secretName");
    replica.credentials.access_key_field = credentials->get_string("accessKeyField");
    replica.credentials.secret_key_field = credentials->get_string("secretKeyField");
  }
  replica.spec = spec;
  return replica;
}

std::optional<std::size_t> find_needle(const json::Value& v, const std::vector<std::string>& needles) {
  for (std::size_t i = 0; i < needles.size(); ++i) {
    if (needles[i].empty()) continue;
    if (contains(v, needles[i]) || contains(v, base64::encode(needles[i]))) return i;
  }
  return std::nullopt;
}

std::vector<std::string> duplicate_names(const json::Value* list) {
  std::vector<std::string> duplicates;
  if (!list || !list->is_array()) return duplicates;
  std::set<std::string> seen;
  for (const json::Value& item : list->as_array()) {
    const std::string name = item.get_string("name");
    if (!seen.insert(name).second) duplicates.push_back(name);
  }
  return duplicates;
}

}  // namespace sqlop::conformance
