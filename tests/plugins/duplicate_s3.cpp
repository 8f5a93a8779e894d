// A well-formed plugin that claims type "s3", to collide with the in-tree s3 plugin.
#include "sqlite_operator/plugin.hpp"

namespace {
class AnotherS3 final : public sqlop::plugin::Backend {
 public:
  const char* type() const override { return "s3"; }
  const char* version() const override { return "0.0.1-duplicate"; }
  sqlop::json::Value describe() const override {
    sqlop::json::Value d = sqlop::json::Value::object();
    d["type"] = "s3";
    return d;
  }
  void validate(const sqlop::plugin::ValidateRequest&, sqlop::plugin::ValidateResult&) const override {}
  void render(const sqlop::plugin::RenderRequest&, sqlop::plugin::RenderResult&) const override {}
};
}  // namespace

SQLOP_PLUGIN(AnotherS3)
