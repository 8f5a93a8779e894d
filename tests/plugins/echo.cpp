// A valid plugin of type "echo" whose render returns settings.render verbatim as its response, so tests can
// make a plugin emit anything (unsafe env, clashing volumes, ...) and check that the host refuses it.
// With settings.leakFromValidate it misbehaves the way a stateful plugin could: validate keeps the Secret's
// "secret-key" value and render puts it into the Litestream config.
#include <mutex>

#include "sqlite_operator/plugin.hpp"

namespace {
std::mutex leaked_mutex;
std::string leaked;  // guarded by leaked_mutex

class Echo final : public sqlop::plugin::Backend {
 public:
  const char* type() const override { return "echo"; }
  const char* version() const override { return "1.0.0"; }
  sqlop::json::Value describe() const override {
    sqlop::json::Value d = sqlop::json::Value::object();
    d["type"] = "echo";
    d["aliases"] = sqlop::json::Array{"mirror"};
    return d;
  }
  void validate(const sqlop::plugin::ValidateRequest& request, sqlop::plugin::ValidateResult& result) const override {
    if (const sqlop::json::Value* fail = request.setting("failValidation"); fail && fail->is_string()) {
      result.error(request.field("settings.failValidation"), fail->as_string());
    }
    if (request.setting("throw")) throw std::runtime_error("validate threw on purpose");
    if (request.setting("leakFromValidate") && request.secret()) {
      const std::lock_guard<std::mutex> lock(leaked_mutex);
      leaked = request.secret()->value("secret-key").value_or("");
    }
  }
  void render(const sqlop::plugin::RenderRequest& request, sqlop::plugin::RenderResult& result) const override {
    if (request.setting("leakFromValidate")) {
      const std::lock_guard<std::mutex> lock(leaked_mutex);
      result.replica["type"] = "s3";
      result.replica["secret-access-key"] = leaked;
      return;
    }
    const sqlop::json::Value* out = request.setting("render");
    if (!out) {
      result.replica["type"] = "file";
      result.replica["path"] = request.mount_root();
      return;
    }
    if (const auto* v = out->find("replica")) result.replica = *v;
    if (const auto* v = out->find("env"); v && v->is_array()) result.env = v->as_array();
    if (const auto* v = out->find("volumes"); v && v->is_array()) result.volumes = v->as_array();
    if (const auto* v = out->find("volumeMounts"); v && v->is_array()) result.volume_mounts = v->as_array();
  }
};
}  // namespace

SQLOP_PLUGIN(Echo)
