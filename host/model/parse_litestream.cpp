// spec.litestream: whether Litestream runs, its metrics endpoint, and the replicas it writes to.
// The host checks the members every replica shares; the backend plugin validates the rest of
// Replica::spec (bucket rules, settings, Secret keys).
#include <array>
#include <cctype>
#include <map>

#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

// Litestream's replica name: ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ (a DNS-1123 label, which also caps the length).
void check_replica_name(const std::string& name, const std::string& path, Diagnostics& out) {
  if (!is_dns1123_label(name)) {
    out.error(path, "must be lower-case letters, digits and '-', starting and ending with a letter or digit, at "
                    "most 63 characters");
  }
}

void check_duration(ObjectReader& r, std::string_view key) {
  const std::optional<std::string> text = r.string(key);
  if (!text) return;
  std::string why;
  const std::optional<std::int64_t> ns = parse_go_duration(*text, &why);
  if (!ns) return r.diagnostics().error(r.field(key), why);
  if (*ns <= 0) r.diagnostics().error(r.field(key), "must be greater than zero");
}

Credentials parse_credentials(const json::Value* credentials, const std::string& path, Diagnostics& out) {
  Credentials creds;
  ObjectReader r(credentials, path, out);
  if (auto secret = r.string("secretName")) {
    creds.secret_name = std::move(*secret);
    if (!is_dns1123_subdomain(creds.secret_name)) {
      out.error(r.field("secretName"), "must be a Secret name (a lower-case RFC 1123 subdomain)");
    }
  }
  for (const auto& [key, member] : {std::pair{"accessKeyField", &creds.access_key_field},
                                    std::pair{"secretKeyField", &creds.secret_key_field}}) {
    if (auto field = r.string(key)) {
      *member = std::move(*field);
      if (!is_config_map_key(*member)) {
        out.error(r.field(key), "must be a Secret key: letters, digits, '-', '_' and '.'");
      }
    }
  }
  r.reject_unknown_fields();
  return creds;
}

std::string lower_case(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The replica object as written, minus null members (absent, as everywhere else), for the plugin.
json::Value replica_object_for_plugin(const json::Value& item) {
  json::Value copy = json::Value::object();
  for (const auto& [key, value] : item.as_object()) {
    if (!value.is_null()) copy.as_object().set(key, value);
  }
  return copy;
}

Replica parse_replica(const json::Value& item, const std::string& path, Diagnostics& out) {
  Replica replica;
  if (!item.is_object()) {
    out.error(path, "must be an object, not " + json_type_name(item));
    return replica;
  }
  ObjectReader r(&item, path, out);
  if (const auto type = r.string("type")) {
    replica.type = lower_case(*type);
    if (replica.type.empty()) out.error(r.field("type"), "must not be empty");
  } else if (r.any("type") == nullptr) {
    out.error(r.field("type"), "is required: the storage backend, e.g. s3, azure, gcs or file");
  }
  if (auto name = r.string("name")) {
    replica.name = std::move(*name);
    check_replica_name(replica.name, r.field("name"), out);
  }
  for (const char* key : {"bucket", "region", "endpoint", "path"}) r.string(key);
  for (const char* key : {"retention", "retentionCheckInterval", "syncInterval", "snapshotInterval",
                          "validationInterval"}) {
    check_duration(r, key);
  }
  replica.credentials = parse_credentials(r.object("credentials"), r.field("credentials"), out);
  r.object("settings");  // free-form: the plugin validates it
  r.reject_unknown_fields();
  replica.spec = replica_object_for_plugin(item);
  return replica;
}

// A replica without a name is called after its type when it is the only one of that type, else
// "<type>-<index>", so names are stable while the list keeps its order.
void assign_default_names(std::vector<Replica>& replicas) {
  std::map<std::string, int> count_by_type;
  for (const Replica& replica : replicas) ++count_by_type[replica.type];
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    Replica& replica = replicas[i];
    if (replica.name.empty()) {
      replica.name = count_by_type[replica.type] == 1 ? replica.type : replica.type + "-" + std::to_string(i);
    }
    if (replica.spec.is_object()) {
      replica.spec.as_object().set("type", replica.type);
      replica.spec.as_object().set("name", replica.name);
    }
  }
}

}  // namespace

LitestreamSpec parse_litestream(const json::Value* litestream, Diagnostics& out) {
  LitestreamSpec spec;
  ObjectReader r(litestream, "spec.litestream", out);
  if (const auto enabled = r.boolean("enabled")) spec.enabled = *enabled;
  spec.metrics = parse_metrics(r.object("metrics"), r.field("metrics"), spec.metrics, out);
  if (const json::Value* replicas = r.array("replicas")) {
    const json::Array& items = replicas->as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      spec.replicas.push_back(parse_replica(items[i], index_path(r.field("replicas"), i), out));
    }
    assign_default_names(spec.replicas);
  }
  r.reject_unknown_fields();
  return spec;
}

}  // namespace sqlop::model
