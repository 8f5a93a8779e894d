// A valid plugin (type "extra-members") whose describe, validate and render responses carry members this
// host does not know, at the top level and inside diagnostics, as a newer plugin's would. The host must
// ignore them. The SDK helper answers first; this file only adds the extra members to its answers.
#include "sqlite_operator/plugin.hpp"

namespace {

namespace json = sqlop::json;
namespace plugin = sqlop::plugin;

class Extra final : public plugin::Backend {
 public:
  const char* type() const override { return "extra-members"; }
  const char* version() const override { return "1.0.0"; }
  json::Value describe() const override {
    json::Value d = json::Value::object();
    d["type"] = "extra-members";
    d["aliases"] = json::Array{"extra"};
    return d;
  }
  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& result) const override {
    result.warn(request.field("path"), "a warning carrying an unknown member");
  }
  void render(const plugin::RenderRequest& request, plugin::RenderResult& result) const override {
    result.replica["type"] = "file";
    result.replica["path"] = request.mount_root() + "/extra";
    result.warnings.push_back({request.field("path"), "a render warning carrying an unknown member"});
  }
};

void add_unknown_members(json::Value& response) {
  response["futureMember"] = json::Value::object();
  response["futureMember"]["nested"] = json::Array{1, "two", nullptr};
  response["futureFlag"] = true;
  for (const char* list : {"errors", "warnings"}) {
    json::Value* items = response.find(list);
    if (!items || !items->is_array()) continue;
    for (json::Value& item : items->as_array()) item["severity"] = "future";
  }
}

// Runs the SDK's call, then re-serialises its successful response with unknown members added.
template <int (*Call)(const char*, char**)>
int with_unknown_members(const char* request, char** response) noexcept {
  const int status = Call(request, response);
  if (status != SQLOP_OK || !*response) return status;
  try {
    std::optional<json::Value> parsed = json::parse(*response);
    plugin::detail::free_response(*response);
    *response = nullptr;
    if (!parsed) return plugin::detail::fail(response, SQLOP_ERROR_INTERNAL, "SDK answered malformed JSON");
    add_unknown_members(*parsed);
    *response = plugin::detail::duplicate(json::dump(*parsed));
    return *response ? SQLOP_OK : SQLOP_ERROR_INTERNAL;
  } catch (...) {
    return plugin::detail::fail(response, SQLOP_ERROR_INTERNAL, "could not add members");
  }
}

const sqlop_plugin_table kTable = {
    sizeof(sqlop_plugin_table), SQLOP_PLUGIN_ABI_MAJOR, SQLOP_PLUGIN_ABI_MINOR, "extra-members", "1.0.0",
    SQLOP_CAP_LITESTREAM_0_3 | SQLOP_CAP_LITESTREAM_0_5, &with_unknown_members<&plugin::detail::call_describe<Extra>>,
    &with_unknown_members<&plugin::detail::call_validate<Extra>>,
    &with_unknown_members<&plugin::detail::call_render<Extra>>, &plugin::detail::free_response,
};

}  // namespace

extern "C" SQLOP_PLUGIN_EXPORT const sqlop_plugin_table* sqlop_plugin_entry(const sqlop_host_table*, char*, size_t) {
  return &kTable;
}
