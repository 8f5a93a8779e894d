#include "host/render/render.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <set>

#include "host/model/validate.hpp"
#include "host/render/children.hpp"
#include "host/render/litestream_config.hpp"
#include "host/render/names.hpp"
#include "host/render/replica_wiring.hpp"
#include "sqlite_operator/base64.hpp"

namespace sqlop::render {
namespace {

using model::Diagnostics;

std::string qualified(const model::SqliteDatabase& db, const std::string& name) {
  return db.metadata.namespace_ + "/" + name;
}

// The decoded value of a key of a Secret (data) or ConfigMap (data or binaryData); nullopt when absent.
std::optional<std::string> object_key(const json::Value& object, const std::string& key, bool base64_data) {
  if (const json::Value* data = object.find("data")) {
    if (const json::Value* v = data->find(key); v && v->is_string()) {
      return base64_data ? base64::decode(v->as_string()) : std::optional<std::string>(v->as_string());
    }
  }
  if (const json::Value* binary = object.find("binaryData")) {
    if (const json::Value* v = binary->find(key); v && v->is_string()) return base64::decode(v->as_string());
  }
  return std::nullopt;
}

void check_rest_auth_secret(const RenderInputs& in, Diagnostics& out) {
  const model::SqliteDatabase& db = in.resource;
  const model::SqliteRestSpec& rest = db.sqlite_rest;
  if (!rest.enabled || rest.auth_secret.empty()) return;
  const std::string name = qualified(db, rest.auth_secret);
  const auto it = in.referenced.secrets.find(rest.auth_secret);
  if (it == in.referenced.secrets.end()) {
    if (in.referenced.complete) {
      out.error("spec.sqliteRest.authSecret", "Secret " + name + " not found");
    } else {
      out.warn("spec.sqliteRest.authSecret", "Secret " + name + " was not supplied, so its key was not checked");
    }
    return;
  }
  const std::optional<std::string> key = object_key(it->second, rest.auth_secret_key, true);
  if (!key || key->empty()) {
    out.error("spec.sqliteRest.authSecretKey",
              "Secret " + name + " has no non-empty key \"" + rest.auth_secret_key + "\" (the JWT HMAC signing key)");
  } else if (key->size() < 32) {
    out.warn("spec.sqliteRest.authSecretKey", "the HMAC key in Secret " + name +
                                                  " is shorter than 32 bytes; tokens signed with it are easy to forge");
  }
}

void check_init_script(const RenderInputs& in, Diagnostics& out) {
  const model::DatabaseSpec& database = in.resource.database;
  if (database.init_script.empty()) return;
  const std::string name = qualified(in.resource, database.init_script);
  const auto it = in.referenced.config_maps.find(database.init_script);
  if (it == in.referenced.config_maps.end()) {
    if (in.referenced.complete) {
      out.error("spec.database.initScript", "ConfigMap " + name + " not found");
    } else {
      out.warn("spec.database.initScript", "ConfigMap " + name + " was not supplied, so its key was not checked");
    }
    return;
  }
  if (!object_key(it->second, database.init_script_key, false)) {
    out.error("spec.database.initScriptKey", "ConfigMap " + name + " has no key \"" + database.init_script_key + "\"");
  }
}

void warn_mutable_images(const RenderInputs& in, Diagnostics& out) {
  auto check = [&](const std::string& image, const char* field) {
    if (config::is_mutable_image_reference(image)) {
      out.warn(std::string("operator config ") + field,
               "image '" + image + "' has a mutable tag; pin a version or digest so pods cannot change under you");
    }
  };
  const model::SqliteDatabase& db = in.resource;
  if (db.litestream.enabled) check(in.config.images.litestream, "images.litestream");
  if (db.sqlite_rest.enabled) check(in.config.images.sqlite_rest, "images.sqliteRest");
  check(in.config.images.sqlite, "images.sqlite");
}

// Hash of what the pod reads outside its template: the Litestream config and the replicas' credentials.
std::string config_hash(const RenderInputs& in, const std::string& litestream_yaml) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(litestream_yaml);
  std::set<std::string> secret_names;
  for (const model::Replica& r : in.resource.litestream.replicas) {
    if (!r.credentials.secret_name.empty()) secret_names.insert(r.credentials.secret_name);
  }
  // sqlite-rest reads its HMAC key from the environment at start: a rotated key needs a new pod too.
  if (in.resource.sqlite_rest.enabled && !in.resource.sqlite_rest.auth_secret.empty()) {
    secret_names.insert(in.resource.sqlite_rest.auth_secret);
  }
  for (const std::string& name : secret_names) {
    const auto it = in.referenced.secrets.find(name);
    if (it == in.referenced.secrets.end()) continue;
    sha.update(std::string("\0secret\0", 8) + name);
    if (const json::Value* data = it->second.find("data"); data && data->is_object()) {
      std::vector<std::pair<std::string, std::string>> items;
      for (const auto& [key, value] : data->as_object()) {
        items.emplace_back(key, value.is_string() ? value.as_string() : std::string());
      }
      std::sort(items.begin(), items.end());
      for (const auto& [key, value] : items) sha.update("\0" + key + "=" + value);
    }
  }
  return Poco::DigestEngine::digestToHex(sha.digest());
}

void collect_strings(const json::Value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.as_string());
  } else if (v.is_array()) {
    for (const json::Value& item : v.as_array()) collect_strings(item, out);
  } else if (v.is_object()) {
    for (const auto& member : v.as_object()) collect_strings(member.second, out);
  }
}

// Defence in depth: no Secret value (or its base64 form) may appear anywhere in the output. A value the user
// also wrote in the resource's own replica specs is public already (an Azure account name in an endpoint
// URL), so it is not a leak.
class SecretLeakScan {
 public:
  SecretLeakScan(const ReferencedObjects& referenced, const model::SqliteDatabase& db) {
    std::vector<std::string> spec_text;
    for (const model::Replica& r : db.litestream.replicas) collect_strings(r.spec, spec_text);
    auto in_spec = [&](const std::string& value) {
      return std::any_of(spec_text.begin(), spec_text.end(),
                         [&](const std::string& s) { return s.find(value) != std::string::npos; });
    };
    for (const auto& [name, secret] : referenced.secrets) {
      const json::Value* data = secret.find("data");
      if (!data || !data->is_object()) continue;
      for (const auto& [key, encoded] : data->as_object()) {
        if (!encoded.is_string()) continue;
        const std::optional<std::string> value = base64::decode(encoded.as_string());
        // Very short values (a port, "true") would match innocent text; they are not credentials.
        if (!value || value->size() < 6 || in_spec(*value)) continue;
        needles_.push_back({*value, name, key});
        needles_.push_back({encoded.as_string(), name, key});
      }
    }
  }

  void scan(const json::Value& v, Diagnostics& out) const {
    if (v.is_string()) {
      for (const Needle& n : needles_) {
        if (v.as_string().size() >= n.text.size() && v.as_string().find(n.text) != std::string::npos) {
          out.error("", "refusing to render: the output would contain the value of key \"" + n.key + "\" of Secret " +
                            n.secret);
          return;
        }
      }
    } else if (v.is_array()) {
      for (const json::Value& item : v.as_array()) scan(item, out);
    } else if (v.is_object()) {
      for (const auto& member : v.as_object()) scan(member.second, out);
    }
  }

 private:
  struct Needle {
    std::string text;
    std::string secret;
    std::string key;
  };
  std::vector<Needle> needles_;
};

model::ValidationContext validation_context(const RenderInputs& in, const LitestreamTarget& target) {
  model::ValidationContext context;
  context.litestream_format = target.format;
  const plugins::Registry& registry = in.registry;
  context.has_backend = [&registry](const std::string& type) { return registry.find(type) != nullptr; };
  return context;
}

}  // namespace

RenderOutput render_children(const RenderInputs& in) {
  RenderOutput output;
  Diagnostics& diag = output.diagnostics;
  const model::SqliteDatabase& db = in.resource;

  const std::optional<std::string> version = config::litestream_version(in.config);
  const std::optional<model::LitestreamFormat> format = version ? config::litestream_format(*version) : std::nullopt;
  if (!format) {
    diag.error("", "the operator config names no supported Litestream version");
    return output;
  }
  const LitestreamTarget target{*version, *format};

  model::validate_sqlite_database(db, validation_context(in, target), diag);
  check_rest_auth_secret(in, diag);
  check_init_script(in, diag);
  if (db.litestream.enabled) validate_replicas(db, in.registry, in.referenced, target, diag);
  warn_mutable_images(in, diag);
  if (!diag.ok()) return output;

  std::vector<ReplicaWiring> replicas;
  std::string litestream_yaml;
  if (db.litestream.enabled) {
    std::optional<std::vector<ReplicaWiring>> wired = render_replicas(db, in.registry, target, diag);
    if (!wired) return output;
    replicas = std::move(*wired);
    litestream_yaml = litestream_config_yaml(db, replicas, target, diag);
  }
  output.config_hash = config_hash(in, litestream_yaml);

  std::vector<json::Value> objects;
  objects.push_back(render_pvc(db));
  if (db.litestream.enabled) objects.push_back(render_config_map(db, litestream_yaml));
  if (db.litestream.enabled || db.sqlite_rest.enabled) {
    objects.push_back(render_deployment(DeploymentInputs{db, in.config, replicas, output.config_hash}));
  }
  if (db.sqlite_rest.enabled) objects.push_back(render_service(db));
  if (db.ingress.enabled) objects.push_back(render_ingress(db));

  const SecretLeakScan scan(in.referenced, db);
  for (const json::Value& object : objects) scan.scan(object, diag);
  if (!diag.ok()) return output;
  output.objects = std::move(objects);
  return output;
}

}  // namespace sqlop::render
