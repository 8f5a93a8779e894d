// A plugin written against the raw C header whose describe lets a C++ exception escape.
#include <cstdlib>
#include <stdexcept>

#include "sqlite_operator/plugin.h"

namespace {
int throws(const char*, char**) { throw std::runtime_error("describe exploded"); }
void release(char* p) { std::free(p); }
const sqlop_plugin_table kTable = {sizeof(sqlop_plugin_table), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR,
                                   "throwing", "1.0.0", 0, throws, throws, throws, release};
}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
