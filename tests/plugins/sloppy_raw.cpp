// A plugin written against the raw C ABI (no SDK helper) that does not read its requests: validate answers
// "no errors" to anything, malformed JSON included, and render returns no response at all (NULL) for a
// request without a replica. The conformance kit's malformed-request and free-response checks must fail it.
#include <cstdlib>
#include <cstring>

#include "sqlite_operator/plugin.h"

namespace {

char* copy(const char* text) {
  const std::size_t size = std::strlen(text) + 1;
  char* out = static_cast<char*>(std::malloc(size));
  if (out) std::memcpy(out, text, size);
  return out;
}

int describe(const char*, char** response) {
  *response = copy(R"({"type": "sloppy", "version": "1.0.0", "litestreamFormats": ["0.3", "0.5"]})");
  return SQLOP_OK;
}

int validate(const char*, char** response) {
  *response = copy(R"({"errors": [], "warnings": []})");
  return SQLOP_OK;
}

int render(const char* request, char** response) {
  if (!request || !std::strstr(request, "\"replica\"")) {
    *response = nullptr;
    return SQLOP_ERROR_BAD_REQUEST;
  }
  *response = copy(R"({"replica": {"type": "file", "path": "/backups"}, "env": [], "volumes": [], "volumeMounts": []})");
  return SQLOP_OK;
}

void release(char* p) { std::free(p); }

const sqlop_plugin_table kTable = {sizeof(sqlop_plugin_table), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR,
                                   "sloppy", "1.0.0", SQLOP_CAP_LITESTREAM_0_3 | SQLOP_CAP_LITESTREAM_0_5,
                                   describe, validate, render, release};

}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
