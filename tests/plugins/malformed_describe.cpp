// A plugin whose describe answers text that is not JSON.
#include <cstdlib>
#include <cstring>

#include "sqlite_operator/plugin.h"

namespace {
int garbage(const char*, char** response) {
  const char text[] = "type: not-json";
  *response = static_cast<char*>(std::malloc(sizeof text));
  std::memcpy(*response, text, sizeof text);
  return SQLOP_OK;
}
void release(char* p) { std::free(p); }
const sqlop_plugin_table kTable = {sizeof(sqlop_plugin_table), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR,
                                   "garbage", "1.0.0", 0, garbage, garbage, garbage, release};
}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
