// Placeholder: the gcs backend is being written.
#include "sqlite_operator/plugin.hpp"

namespace {
class Backend final : public sqlop::plugin::Backend {
 public:
  const char* type() const override { return "gcs"; }
  const char* version() const override { return "0.0.0"; }
  sqlop::json::Value describe() const override { return sqlop::json::Value::object(); }
  void validate(const sqlop::plugin::ValidateRequest&, sqlop::plugin::ValidateResult&) const override {}
  void render(const sqlop::plugin::RenderRequest&, sqlop::plugin::RenderResult&) const override {}
};
}  // namespace

SQLOP_PLUGIN(Backend)
