// A plugin from a future ABI major that ignores the host's version and returns its table anyway.
#include <cstdlib>

#include "sqlite_operator/plugin.h"

namespace {
int answer(const char*, char** response) {
  *response = static_cast<char*>(std::calloc(3, 1));
  (*response)[0] = '{';
  (*response)[1] = '}';
  return SQLOP_OK;
}
void release(char* p) { std::free(p); }
const sqlop_plugin_table kTable = {sizeof(sqlop_plugin_table), 2, 0, "future", "9.0.0", 0, answer, answer, answer,
                                   release};
}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
