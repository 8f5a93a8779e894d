// A plugin of type "flaky" that is correct call by call but renders a different path on every call (a call
// counter), the way a plugin with hidden mutable state would: the conformance kit's determinism and
// concurrency checks must fail it, and nothing else.
#include <atomic>

#include "sqlite_operator/plugin.hpp"

namespace {

namespace plugin = sqlop::plugin;
using sqlop::json::Value;

std::atomic<long> render_calls{0};

class Flaky final : public plugin::Backend {
 public:
  const char* type() const override { return "flaky"; }
  const char* version() const override { return "1.0.0"; }
  Value describe() const override {
    Value d = Value::object();
    d["type"] = "flaky";
    d["version"] = version();
    Value key = Value::object();
    key["field"] = "secretKeyField";
    key["default"] = "token";
    d["secretKeys"] = sqlop::json::Array{std::move(key)};
    d["litestreamFormats"] = sqlop::json::Array{"0.3", "0.5"};
    return d;
  }
  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& out) const override {
    if (request.credentials("secretName").empty()) out.error(request.field("credentials"), "is required");
    const std::optional<plugin::Secret> secret = request.secret();
    if (secret && secret->value("token").value_or("").empty()) {
      out.error(request.field("credentials.secretName"), "the Secret has no non-empty key \"token\"");
    }
  }
  void render(const plugin::RenderRequest& request, plugin::RenderResult& out) const override {
    out.replica["type"] = "file";
    out.replica["path"] = request.mount_root() + "/" + std::to_string(render_calls.fetch_add(1));
    const std::string env = request.env_prefix() + "TOKEN";
    out.replica["token"] = "${" + env + "}";
    out.add_secret_env(env, request.credentials("secretName"), "token");
  }
};

}  // namespace

SQLOP_PLUGIN(Flaky)
