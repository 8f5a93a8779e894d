// spec.sqliteRest: the optional sqlite-rest container (a JWT-protected HTTP API over the database).
#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

// Unquoted SQLite identifier, ^[A-Za-z_][A-Za-z0-9_]*$: the names go into sqlite-rest's comma-separated
// --security-allow-table flag, so neither commas nor quoting can appear.
bool is_sqlite_identifier(std::string_view s) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty() || !letter(s[0])) return false;
  for (const char c : s) {
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

void check_allowed_tables(const std::vector<std::string>& tables, const std::string& path, Diagnostics& out) {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const std::string item_path = index_path(path, i);
    const std::string& table = tables[i];
    if (table == "*") {
      out.error(item_path, "\"*\" is not a wildcard in sqlite-rest (it would allow a table named \"*\"): list "
                           "every table to expose by name");
      continue;
    }
    if (!is_sqlite_identifier(table)) {
      out.error(item_path, "must be a SQLite table name: a letter or '_' followed by letters, digits and '_'");
      continue;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (tables[j] == table) {
        out.error(item_path, "duplicate table \"" + table + "\" (already at " + index_path(path, j) + ")");
        break;
      }
    }
  }
}

}  // namespace

SqliteRestSpec parse_sqlite_rest(const json::Value* sqlite_rest, json::Value& resources, Diagnostics& out) {
  SqliteRestSpec spec;
  ObjectReader r(sqlite_rest, "spec.sqliteRest", out);
  if (const auto enabled = r.boolean("enabled")) spec.enabled = *enabled;
  spec.port = r.port("port", spec.port);
  if (auto secret = r.string("authSecret")) {
    spec.auth_secret = std::move(*secret);
    if (!is_dns1123_subdomain(spec.auth_secret)) {
      out.error(r.field("authSecret"), "must be a Secret name (a lower-case RFC 1123 subdomain)");
    }
  }
  if (auto key = r.string("authSecretKey")) {
    spec.auth_secret_key = std::move(*key);
    if (!is_config_map_key(spec.auth_secret_key)) {
      out.error(r.field("authSecretKey"), "must be a Secret key: letters, digits, '-', '_' and '.'");
    }
  }
  if (auto tables = r.string_list("allowedTables")) {
    spec.allowed_tables = std::move(*tables);
    check_allowed_tables(spec.allowed_tables, r.field("allowedTables"), out);
  }
  spec.metrics = parse_metrics(r.object("metrics"), r.field("metrics"), spec.metrics, out);
  resources = parse_resource_requirements(r.any("resources"), r.field("resources"), out);
  r.reject_unknown_fields();
  return spec;
}

}  // namespace sqlop::model
