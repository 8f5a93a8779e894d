// A plugin from a future minor of this ABI major: it says minor (this header's minor + 1) and its table is
// longer, with an appended optional call and flags word that this host does not know. The host must load it,
// use the calls it knows and never touch the rest; the appended call aborts the process if it is ever called.
#include <cstdlib>

#include "sqlite_operator/plugin.hpp"

namespace {

namespace plugin = sqlop::plugin;

class Future final : public plugin::Backend {
 public:
  const char* type() const override { return "future-minor"; }
  const char* version() const override { return "1.1.0"; }
  sqlop::json::Value describe() const override {
    sqlop::json::Value d = sqlop::json::Value::object();
    d["type"] = "future-minor";
    return d;
  }
  void validate(const plugin::ValidateRequest&, plugin::ValidateResult&) const override {}
  void render(const plugin::RenderRequest& request, plugin::RenderResult& result) const override {
    result.replica["type"] = "file";
    result.replica["path"] = request.mount_root() + "/future";
  }
};

int future_call(const char*, char**) { std::abort(); }

// How a later minor appends: the 1.0 table first, new fields after it, struct_size covering all of them.
struct GrownPluginTable {
  sqlop_plugin_table known;
  sqlop_call_fn restore_hint; /* "added in ABI 1.(minor+1)" */
  std::uint64_t future_flags;
};

const GrownPluginTable kTable = {
    {sizeof(GrownPluginTable), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR + 1, "future-minor", "1.1.0",
     SQLOP_CAP_LITESTREAM_0_3 | SQLOP_CAP_LITESTREAM_0_5 | (UINT64_C(1) << 40), &plugin::detail::call_describe<Future>,
     &plugin::detail::call_validate<Future>, &plugin::detail::call_render<Future>, &plugin::detail::free_response},
    &future_call,
    ~UINT64_C(0),
};

}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable.known;
}
