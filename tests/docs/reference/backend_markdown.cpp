#include "reference/backend_markdown.hpp"

#include <vector>

#include "reference/markdown.hpp"

namespace sqlop::docs {
namespace {

const json::Array& list(const json::Value& description, std::string_view key) {
  static const json::Array empty;
  const json::Value* v = description.find(key);
  return v && v->is_array() ? v->as_array() : empty;
}

std::string names(const json::Array& values) {
  std::string out;
  for (const json::Value& v : values) {
    if (v.is_string()) out += (out.empty() ? "" : ", ") + code(v.as_string());
  }
  return out.empty() ? "none" : out;
}

std::string yes_no(const json::Value& item, std::string_view key) { return item.get_bool(key, false) ? "yes" : "no"; }

std::string fields_table(const json::Array& fields) {
  if (fields.empty()) return "It reads no replica members besides `type`, `name` and the intervals.\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const json::Value& f : fields) {
    rows.push_back({code(f.get_string("name")), yes_no(f, "required"), cell(f.get_string("description"))});
  }
  return "Replica members it reads (any other backend member is an error):\n\n" +
         table({"Member", "Required", "Description"}, rows) + "\n";
}

std::string settings_table(const json::Array& settings) {
  if (settings.empty()) return "`settings`: none; any key is an error.\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const json::Value& s : settings) {
    rows.push_back({code(s.get_string("name")), code(s.get_string("type", "string")), yes_no(s, "required"),
                    cell(s.get_string("description"))});
  }
  return "`settings` keys (any other key is an error):\n\n" + table({"Key", "Type", "Required", "Description"}, rows) +
         "\n";
}

std::string secret_table(const json::Array& keys) {
  if (keys.empty()) return "Secret: none.\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const json::Value& k : keys) {
    rows.push_back({code("credentials." + k.get_string("field")), code(k.get_string("default")),
                    cell(k.get_string("description"))});
  }
  return "Secret keys (the Secret is `credentials.secretName`; each key's name can be changed with the member in the "
         "first column):\n\n" +
         table({"Chosen by", "Default key", "Holds"}, rows) + "\n";
}

std::string backend_section(const plugins::PluginInfo& info) {
  const json::Value& d = info.description;
  std::string out = "### `" + info.type + "`\n\n";
  std::string summary = d.get_string("summary");
  if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z') summary[0] = static_cast<char>(summary[0] - 'a' + 'A');
  out += cell(summary) + ".\n\n";
  out += table({"", ""}, {{"Aliases", names(list(d, "aliases"))},
                          {"Plugin version", code(info.plugin_version)},
                          {"Litestream config formats", names(list(d, "litestreamFormats"))},
                          {"Process-wide environment", names(list(d, "processEnv"))}}) +
         "\n";
  out += fields_table(list(d, "fields"));
  out += settings_table(list(d, "settings"));
  out += secret_table(list(d, "secretKeys"));
  return out;
}

}  // namespace

std::string backends_markdown(const plugins::Registry& registry) {
  std::string out =
      "## Backends\n\n"
      "`spec.litestream.replicas[].type` names a backend plugin; the plugin validates the members of its replica, "
      "the free-form `settings` map and the credentials Secret. What follows is each in-tree plugin's own "
      "`describe` answer. A third-party plugin documents itself the same way ([plugin author "
      "guide](plugin-author-guide.md)).\n\n";
  for (const auto& plugin : registry.plugins()) out += backend_section(plugin->info());
  return out;
}

}  // namespace sqlop::docs
