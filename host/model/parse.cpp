// parse_sqlite_database: the top level of the manifest; each spec section has its own parse_*.cpp.
#include "host/model/parse.hpp"

#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"

namespace sqlop::model {
namespace {

void check_constant(ObjectReader& root, std::string_view key, std::string_view expected) {
  const std::optional<std::string> value = root.string(key);
  if (!value) {
    if (root.any(key) == nullptr) {
      root.diagnostics().error(root.field(key), "is required (\"" + std::string(expected) + "\")");
    }
    return;
  }
  if (*value != expected) {
    root.diagnostics().error(root.field(key), "must be \"" + std::string(expected) + "\", not \"" + *value + "\"");
  }
}

}  // namespace

ParseResult parse_sqlite_database(const json::Value& manifest) {
  ParseResult result;
  Diagnostics& out = result.diagnostics;
  if (!manifest.is_object()) {
    out.error("", "must be a SqliteDatabase object, not " + json_type_name(manifest));
    return result;
  }
  ObjectReader root(&manifest, "", out);
  check_constant(root, "apiVersion", kApiVersion);
  check_constant(root, "kind", kKind);

  SqliteDatabase db;
  db.metadata = parse_metadata(root.any("metadata"), out);
  root.any("status");  // written by the operator; never an input

  ObjectReader spec(root.any("spec"), "spec", out);
  db.database = parse_database(spec.object("database"), out);
  db.litestream = parse_litestream(spec.object("litestream"), out);
  db.sqlite_rest = parse_sqlite_rest(spec.object("sqliteRest"), db.rest_resources, out);
  db.ingress = parse_ingress(spec.object("ingress"), out);
  db.resources = parse_resource_requirements(spec.any("resources"), spec.field("resources"), out);
  spec.reject_unknown_fields();
  root.reject_unknown_fields();

  if (out.ok()) result.resource = db;
  result.best_effort = std::move(db);
  return result;
}

}  // namespace sqlop::model
