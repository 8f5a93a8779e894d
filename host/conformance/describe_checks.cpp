// The describe call: the document of plugin-api/README.md ("describe"), consistent with the plugin's table.
#include <algorithm>
#include <set>

#include "host/conformance/check_context.hpp"
#include "host/conformance/requests.hpp"

namespace sqlop::conformance {
namespace {

using Problems = std::vector<std::string>;

bool is_env_name(const std::string& name) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (name.empty() || !letter(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// A list member is optional; when present it must be an array whose entries `entry_ok` accepts.
template <typename EntryCheck>
void check_list(const json::Value& d, const char* member, EntryCheck entry_ok, const char* expected, Problems& out) {
  const json::Value* list = d.find(member);
  if (!list) return;
  if (!list->is_array()) {
    out.push_back(std::string("`") + member + "` is not a list");
    return;
  }
  for (const json::Value& entry : list->as_array()) {
    if (!entry_ok(entry)) {
      out.push_back(std::string("an entry of `") + member + "` is not " + expected);
      return;
    }
  }
}

bool is_documented_name(const json::Value& entry, const char* key) {
  if (!entry.is_object() || entry.get_string(key).empty()) return false;
  const json::Value* required = entry.find("required");
  const json::Value* description = entry.find("description");
  return (!required || required->is_bool()) && (!description || description->is_string());
}

void check_identity(const json::Value& d, const plugins::PluginInfo& info, Problems& out) {
  if (d.get_string("type") != info.type) out.push_back("`type` is not the table's type '" + info.type + "'");
  const std::string version = d.get_string("version");
  if (version.empty()) {
    out.push_back("`version` is missing or empty");
  } else if (!info.plugin_version.empty() && version != info.plugin_version) {
    out.push_back("`version` '" + version + "' differs from the table's plugin_version '" + info.plugin_version + "'");
  }
  if (const json::Value* summary = d.find("summary"); summary && !summary->is_string()) {
    out.push_back("`summary` is not a string");
  }
}

void check_formats(const json::Value& d, std::uint64_t capabilities, Problems& out) {
  const json::Value* formats = d.find("litestreamFormats");
  if (!formats) return;
  std::set<std::string> listed;
  if (formats->is_array()) {
    for (const json::Value& f : formats->as_array()) listed.insert(f.is_string() ? f.as_string() : "?");
  }
  const std::vector<std::string> promised = supported_formats(capabilities);
  if (!formats->is_array() || listed != std::set<std::string>(promised.begin(), promised.end())) {
    out.push_back("`litestreamFormats` does not match the SQLOP_CAP_LITESTREAM_* capabilities of the table");
  }
}

Problems describe_problems(const json::Value& d, const plugins::PluginInfo& info) {
  Problems out;
  check_identity(d, info, out);
  check_list(d, "aliases", [](const json::Value& e) { return e.is_string(); }, "a string", out);
  check_list(d, "fields", [](const json::Value& e) { return is_documented_name(e, "name"); },
             "an object with a non-empty `name`", out);
  check_list(d, "settings", [](const json::Value& e) { return is_documented_name(e, "name"); },
             "an object with a non-empty `name`", out);
  check_list(d, "secretKeys",
             [](const json::Value& e) { return is_documented_name(e, "field") && !e.get_string("default").empty(); },
             "an object with a non-empty `field` and `default`", out);
  check_list(d, "processEnv", [](const json::Value& e) { return e.is_string() && is_env_name(e.as_string()); },
             "a valid env var name", out);
  check_formats(d, info.capabilities, out);
  return out;
}

std::string join(const Problems& problems) {
  std::string out;
  for (const std::string& p : problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

void check_describe(CheckContext& context) {
  const plugins::CallResult again = context.plugin().describe();
  if (!again.ok) return context.report().fail("describe", again.error);
  Problems problems = describe_problems(again.response, context.info());
  if (json::dump(again.response) != json::dump(context.info().description)) {
    problems.push_back("a second describe call answered differently from the first");
  }
  if (!problems.empty()) return context.report().fail("describe", join(problems));
  const json::Value* keys = again.response.find("secretKeys");
  const std::size_t key_count = keys && keys->is_array() ? keys->as_array().size() : 0;
  context.report().pass("describe", "type " + context.info().type + ", version " +
                                        again.response.get_string("version") + ", " + std::to_string(key_count) +
                                        " Secret key(s) with defaults");
}

}  // namespace sqlop::conformance
