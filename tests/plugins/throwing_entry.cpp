// A careless plugin whose entry point lets a C++ exception escape into the host.
#include <stdexcept>

#include "sqlite_operator/plugin.h"

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  throw std::runtime_error("boom");
}
