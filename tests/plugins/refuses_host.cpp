// A plugin that needs host ABI 1.99: the SDK helper refuses this (1.0) host with a reason.
#include "sqlite_operator/plugin.hpp"

namespace {
class Picky final : public sqlop::plugin::Backend {
 public:
  const char* type() const override { return "picky"; }
  const char* version() const override { return "1.0.0"; }
  std::uint16_t min_host_abi_minor() const override { return 99; }
  sqlop::json::Value describe() const override { return sqlop::json::Value::object(); }
  void validate(const sqlop::plugin::ValidateRequest&, sqlop::plugin::ValidateResult&) const override {}
  void render(const sqlop::plugin::RenderRequest&, sqlop::plugin::RenderResult&) const override {}
};
}  // namespace

SQLOP_PLUGIN(Picky)
