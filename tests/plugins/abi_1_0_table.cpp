// A plugin built the way an ABI 1.0 plugin is: its table is exactly ABI 1.0's size and says minor 0, whatever
// the header it is compiled with has grown to since. The calls are the SDK helper's (type "abi-one-zero").
#include "sqlite_operator/plugin.hpp"

namespace {

namespace plugin = sqlop::plugin;

class OneZero final : public plugin::Backend {
 public:
  const char* type() const override { return "abi-one-zero"; }
  const char* version() const override { return "1.0.0"; }
  sqlop::json::Value describe() const override {
    sqlop::json::Value d = sqlop::json::Value::object();
    d["type"] = "abi-one-zero";
    return d;
  }
  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& result) const override {
    if (request.spec("path").empty()) result.error(request.field("path"), "is required");
  }
  void render(const plugin::RenderRequest& request, plugin::RenderResult& result) const override {
    result.replica["type"] = "file";
    result.replica["path"] = request.mount_root() + "/" + request.spec("path");
  }
};

const sqlop_plugin_table kTable = {
    static_cast<std::uint32_t>(SQLOP_PLUGIN_TABLE_SIZE_1_0), 1, 0, "abi-one-zero", "1.0.0",
    SQLOP_CAP_LITESTREAM_0_3 | SQLOP_CAP_LITESTREAM_0_5, &plugin::detail::call_describe<OneZero>,
    &plugin::detail::call_validate<OneZero>, &plugin::detail::call_render<OneZero>, &plugin::detail::free_response,
};

}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
