// A valid replacement for the in-tree s3 plugin (type "s3"), used to test swapping a backend by a config
// reload while the operator runs. It renders a correct Litestream replica in both formats, but one that is
// easy to tell apart from the in-tree plugin's: the object path is prefixed with "alt-s3/" and its version
// is "9.9.9-alt". Validation is minimal on purpose (a bucket is required); credentials come from the
// replica's own Secret through env vars, as the host requires.
#include "sqlite_operator/plugin.hpp"

namespace {

namespace plugin = sqlop::plugin;
using sqlop::json::Value;

constexpr const char* kPathPrefix = "alt-s3/";

class AltS3 final : public plugin::Backend {
 public:
  const char* type() const override { return "s3"; }
  const char* version() const override { return "9.9.9-alt"; }
  Value describe() const override {
    Value d = Value::object();
    d["type"] = "s3";
    d["version"] = version();
    d["summary"] = "test replacement for the s3 backend (paths prefixed with alt-s3/)";
    d["litestreamFormats"] = sqlop::json::Array{"0.3", "0.5"};
    return d;
  }
  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& out) const override {
    if (request.spec("bucket").empty()) out.error(request.field("bucket"), "is required");
  }
  void render(const plugin::RenderRequest& request, plugin::RenderResult& out) const override {
    if (request.spec("bucket").empty()) throw plugin::RequestError("bucket is required");
    Value& r = out.replica;
    r["type"] = "s3";
    r["bucket"] = request.spec("bucket");
    r["path"] = kPathPrefix + request.spec("path");
    if (!request.spec("region").empty()) r["region"] = request.spec("region");
    if (!request.spec("endpoint").empty()) r["endpoint"] = request.spec("endpoint");
    plugin::add_common_replica_keys(request, r);
    const std::string secret = request.credentials("secretName");
    if (secret.empty()) return;
    const std::string key_id_env = request.env_prefix() + "ACCESS_KEY_ID";
    const std::string secret_key_env = request.env_prefix() + "SECRET_ACCESS_KEY";
    r["access-key-id"] = "${" + key_id_env + "}";
    r["secret-access-key"] = "${" + secret_key_env + "}";
    out.add_secret_env(key_id_env, secret, key_or(request.credentials("accessKeyField"), "access-key"));
    out.add_secret_env(secret_key_env, secret, key_or(request.credentials("secretKeyField"), "secret-key"));
  }

 private:
  static std::string key_or(const std::string& key, const char* fallback) { return key.empty() ? fallback : key; }
};

}  // namespace

SQLOP_PLUGIN(AltS3)
