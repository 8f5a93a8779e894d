// A plugin whose table claims to be smaller than the ABI 1.0 table.
#include "sqlite_operator/plugin.h"

namespace {
const sqlop_plugin_table kTable = {16, SQLOP_PLUGIN_ABI_MAJOR, 0, "small", "1.0.0", 0, nullptr, nullptr, nullptr,
                                   nullptr};
}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
