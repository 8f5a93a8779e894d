#include "host/render/replica_wiring.hpp"

#include <algorithm>
#include <set>

#include "host/render/names.hpp"

namespace sqlop::render {
namespace {

using model::Diagnostics;
using model::Replica;

std::string replica_path(std::size_t index) { return "spec.litestream.replicas[" + std::to_string(index) + "]"; }

const char* format_name(model::LitestreamFormat format) {
  return format == model::LitestreamFormat::V0_5 ? "0.5" : "0.3";
}

json::Value base_request(const model::SqliteDatabase& db, std::size_t index, const LitestreamTarget& target) {
  json::Value request = json::Value::object();
  request["replica"] = db.litestream.replicas[index].spec;
  request["fieldPath"] = replica_path(index);
  request["replicaIndex"] = static_cast<std::int64_t>(index);
  json::Value all = json::Value::array();
  for (const Replica& r : db.litestream.replicas) all.push_back(r.spec);
  request["replicas"] = std::move(all);
  request["litestream"]["version"] = target.version;
  request["litestream"]["format"] = format_name(target.format);
  json::Value& database = request["database"];
  database["name"] = db.database.name;
  database["path"] = database_path(db);
  database["pvcName"] = pvc_name(db);
  database["resourceName"] = db.metadata.name;
  database["namespace"] = db.metadata.namespace_;
  return request;
}

std::string plugin_label(const plugins::Plugin& plugin) {
  return "plugin '" + plugin.info().type + "' (" + plugin.info().file + ")";
}

// Copies a plugin's [{field, reason}] list into `out`; false if the list is malformed.
bool collect_diagnostics(const json::Value* list, std::vector<model::FieldError>& out) {
  if (!list) return true;
  if (!list->is_array()) return false;
  for (const json::Value& item : list->as_array()) {
    const json::Value* field = item.find("field");
    const json::Value* reason = item.find("reason");
    if (!field || !field->is_string() || !reason || !reason->is_string()) return false;
    out.push_back({field->as_string(), reason->as_string()});
  }
  return true;
}

// The Secret as plugins receive it: name, namespace and base64 data.
json::Value secret_for_plugin(const json::Value& secret, const std::string& name, const std::string& ns) {
  json::Value out = json::Value::object();
  out["name"] = name;
  out["namespace"] = ns;
  const json::Value* data = secret.find("data");
  out["data"] = data && data->is_object() ? *data : json::Value::object();
  return out;
}

std::set<std::string> process_env_names(const plugins::Plugin& plugin) {
  std::set<std::string> names;
  if (const json::Value* list = plugin.info().description.find("processEnv"); list && list->is_array()) {
    for (const json::Value& n : list->as_array()) {
      if (n.is_string()) names.insert(n.as_string());
    }
  }
  return names;
}

bool is_env_name(const std::string& name) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (name.empty() || !letter(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Everything a plugin's render output must satisfy before the host uses it.
class RenderOutputCheck {
 public:
  RenderOutputCheck(const plugins::Plugin& plugin, const Replica& replica, std::size_t index, Diagnostics& out)
      : plugin_(plugin), replica_(replica), index_(index), out_(out), process_env_(process_env_names(plugin)) {}

  std::optional<ReplicaWiring> check(const json::Value& response) {
    ReplicaWiring wiring;
    const json::Value* fragment = response.find("replica");
    if (!fragment || !fragment->is_object() || !fragment->find("type") || !fragment->find("type")->is_string()) {
      fail("render returned no Litestream replica mapping with a `type`");
      return std::nullopt;
    }
    wiring.env = list(response, "env");
    wiring.volumes = list(response, "volumes");
    wiring.volume_mounts = list(response, "volumeMounts");
    for (const json::Value& env : wiring.env) check_env(env);
    for (const json::Value& volume : wiring.volumes) check_volume(volume);
    for (const json::Value& mount : wiring.volume_mounts) check_mount(mount);
    check_references(*fragment);
    if (failed_) return std::nullopt;
    wiring.fragment = json::Value::object();
    wiring.fragment["name"] = replica_.name;
    for (const auto& [key, value] : fragment->as_object()) {
      if (key != "name") wiring.fragment[key] = value;
    }
    return wiring;
  }

 private:
  void fail(const std::string& reason) {
    failed_ = true;
    out_.error(replica_path(index_), plugin_label(plugin_) + ": " + reason);
  }

  json::Array list(const json::Value& response, const char* key) {
    const json::Value* v = response.find(key);
    if (!v || v->is_null()) return {};
    if (!v->is_array()) {
      fail(std::string("render returned `") + key + "` that is not a list");
      return {};
    }
    for (const json::Value& item : v->as_array()) {
      if (!item.is_object() || !item.find("name") || !item.find("name")->is_string()) {
        fail(std::string("render returned an entry in `") + key + "` without a name");
        return {};
      }
    }
    return v->as_array();
  }

  void check_env(const json::Value& env) {
    const std::string& name = env.find("name")->as_string();
    if (!is_env_name(name)) return fail("env var '" + name + "' is not a valid name");
    if (!starts_with(name, replica_env_prefix(index_)) && !process_env_.count(name)) {
      return fail("env var '" + name + "' does not start with this replica's prefix " + replica_env_prefix(index_) +
                  " and is not declared in processEnv");
    }
    defined_env_.insert(name);
    const json::Value* value = env.find("value");
    const json::Value* from = env.find("valueFrom");
    if (value && !from) {
      if (!value->is_string()) fail("env var '" + name + "' has a value that is not a string");
      return;
    }
    const json::Value* ref = from ? from->find("secretKeyRef") : nullptr;
    if (!ref || from->as_object().size() != 1 || value) {
      return fail("env var '" + name + "' must be a plain value or a secretKeyRef, nothing else");
    }
    if (ref->get_string("name") != replica_.credentials.secret_name || ref->get_string("key").empty()) {
      fail("env var '" + name + "' references a Secret other than this replica's credentials.secretName");
    }
  }

  void check_volume(const json::Value& volume) {
    const std::string& name = volume.find("name")->as_string();
    if (!starts_with(name, replica_volume_prefix(index_))) {
      return fail("volume '" + name + "' does not start with this replica's prefix " + replica_volume_prefix(index_));
    }
    static const std::set<std::string> allowed = {"secret", "configMap", "persistentVolumeClaim", "emptyDir"};
    int sources = 0;
    for (const auto& [key, value] : volume.as_object()) {
      if (key == "name") continue;
      if (!allowed.count(key)) return fail("volume '" + name + "' uses source '" + key + "', which is not allowed");
      ++sources;
    }
    if (sources != 1) return fail("volume '" + name + "' must have exactly one source");
    if (const json::Value* secret = volume.find("secret")) {
      if (secret->get_string("secretName") != replica_.credentials.secret_name) {
        fail("volume '" + name + "' mounts a Secret other than this replica's credentials.secretName");
      }
    }
    own_volumes_.insert(name);
  }

  void check_mount(const json::Value& mount) {
    const std::string& name = mount.find("name")->as_string();
    const std::string path = mount.get_string("mountPath");
    if (!own_volumes_.count(name)) return fail("volume mount '" + name + "' does not name one of its own volumes");
    const std::string root = replica_mount_root(index_);
    if (path != root && !starts_with(path, root + "/")) {
      fail("volume mount '" + name + "' at '" + path + "' is outside this replica's mount root " + root);
    }
  }

  // Every ${VAR} the fragment uses must be defined by this replica, or Litestream silently gets "".
  void check_references(const json::Value& v) {
    if (v.is_string()) {
      const std::string& s = v.as_string();
      for (std::size_t open = s.find("${"); open != std::string::npos; open = s.find("${", open + 2)) {
        const std::size_t close = s.find('}', open + 2);
        if (close == std::string::npos) break;
        const std::string var = s.substr(open + 2, close - open - 2);
        if (!defined_env_.count(var)) fail("the replica mapping references ${" + var + "}, which it does not define");
      }
    } else if (v.is_array()) {
      for (const json::Value& item : v.as_array()) check_references(item);
    } else if (v.is_object()) {
      for (const auto& member : v.as_object()) check_references(member.second);
    }
  }

  const plugins::Plugin& plugin_;
  const Replica& replica_;
  std::size_t index_;
  Diagnostics& out_;
  std::set<std::string> process_env_;
  std::set<std::string> defined_env_;
  std::set<std::string> own_volumes_;
  bool failed_ = false;
};

}  // namespace

std::optional<ReplicaWiring> check_render_output(const plugins::Plugin& plugin, const Replica& replica,
                                                 std::size_t index, const json::Value& response, Diagnostics& out) {
  return RenderOutputCheck(plugin, replica, index, out).check(response);
}

std::string replica_env_prefix(std::size_t index) { return "LITESTREAM_REPLICA_" + std::to_string(index) + "_"; }
std::string replica_volume_prefix(std::size_t index) { return "replica-" + std::to_string(index) + "-"; }
std::string replica_mount_root(std::size_t index) {
  return "/var/run/sqlite-operator/replica-" + std::to_string(index);
}

void validate_replicas(const model::SqliteDatabase& db, const plugins::Registry& registry,
                       const ReferencedObjects& referenced, const LitestreamTarget& target, Diagnostics& out) {
  for (std::size_t i = 0; i < db.litestream.replicas.size(); ++i) {
    const Replica& replica = db.litestream.replicas[i];
    const plugins::Plugin* plugin = registry.find(replica.type);
    if (!plugin) continue;  // the model's validation already reported the unknown type
    json::Value request = base_request(db, i, target);
    const std::string& secret_name = replica.credentials.secret_name;
    if (!secret_name.empty()) {
      const std::string qualified = db.metadata.namespace_ + "/" + secret_name;
      if (auto it = referenced.secrets.find(secret_name); it != referenced.secrets.end()) {
        request["secret"] = secret_for_plugin(it->second, secret_name, db.metadata.namespace_);
      } else if (referenced.complete) {
        out.error(replica_path(i) + ".credentials.secretName", "Secret " + qualified + " not found");
        continue;
      } else {
        out.warn(replica_path(i) + ".credentials.secretName",
                 "Secret " + qualified + " was not supplied, so its keys were not checked");
      }
    }
    const plugins::CallResult result = plugin->validate(request);
    if (!result.ok) {
      out.error(replica_path(i), result.error);
      continue;
    }
    if (!collect_diagnostics(result.response.find("errors"), out.errors) ||
        !collect_diagnostics(result.response.find("warnings"), out.warnings)) {
      out.error(replica_path(i), plugin_label(*plugin) + " returned a malformed validate response");
    }
  }
}

std::optional<std::vector<ReplicaWiring>> render_replicas(const model::SqliteDatabase& db,
                                                          const plugins::Registry& registry,
                                                          const LitestreamTarget& target, Diagnostics& out) {
  std::vector<ReplicaWiring> wired;
  std::set<std::string> env_names;
  bool ok = true;
  for (std::size_t i = 0; i < db.litestream.replicas.size(); ++i) {
    const Replica& replica = db.litestream.replicas[i];
    const plugins::Plugin* plugin = registry.find(replica.type);
    if (!plugin) {
      out.error(replica_path(i) + ".type", "no plugin serves backend type '" + replica.type + "'");
      ok = false;
      continue;
    }
    json::Value request = base_request(db, i, target);
    request["envPrefix"] = replica_env_prefix(i);
    request["volumePrefix"] = replica_volume_prefix(i);
    request["mountRoot"] = replica_mount_root(i);
    const plugins::CallResult result = plugin->render(request);
    if (!result.ok) {
      out.error(replica_path(i), result.error);
      ok = false;
      continue;
    }
    collect_diagnostics(result.response.find("warnings"), out.warnings);
    std::optional<ReplicaWiring> wiring = check_render_output(*plugin, replica, i, result.response, out);
    if (!wiring) {
      ok = false;
      continue;
    }
    for (const json::Value& env : wiring->env) {
      const std::string& name = env.find("name")->as_string();
      if (!env_names.insert(name).second) {
        out.error(replica_path(i), plugin_label(*plugin) + ": env var '" + name +
                                       "' is already set by another replica; they cannot share one Litestream process");
        ok = false;
      }
    }
    wired.push_back(std::move(*wiring));
  }
  if (!ok) return std::nullopt;
  return wired;
}

}  // namespace sqlop::render
