// spec.database: the database file, its optional init script and the volume it lives on.
#include <array>

#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

constexpr std::size_t kMaxDatabaseNameLength = 128;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_file_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// The name goes into shell commands and paths inside the pod, hence the narrow alphabet:
// ^[A-Za-z0-9][A-Za-z0-9._-]*$, which also rules out "." and "..".
void check_database_file_name(const std::string& name, const std::string& path, Diagnostics& out) {
  if (name.empty()) return out.error(path, "must not be empty");
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) {
    return out.error(path, "must be a plain file name with no path separators ('/'); the file lives at the "
                           "root of the database volume");
  }
  if (name.size() > kMaxDatabaseNameLength) {
    return out.error(path, "must be at most 128 characters (it is " + std::to_string(name.size()) + ")");
  }
  const bool first_ok = is_file_name_char(name[0]) && name[0] != '.' && name[0] != '_' && name[0] != '-';
  bool rest_ok = true;
  for (const char c : name) rest_ok = rest_ok && is_file_name_char(c);
  if (!first_ok || !rest_ok) {
    return out.error(path, "must start with a letter or digit and contain only letters, digits, '.', '_' and "
                           "'-' (it is used in shell commands and paths)");
  }
  for (const std::string_view reserved : {"-wal", "-shm", "-journal"}) {
    if (ends_with(name, reserved)) {
      return out.error(path, "must not end in -wal, -shm or -journal: SQLite keeps its own files under those "
                             "names next to the database");
    }
  }
}

void check_storage_size(const std::string& size, const std::string& path, Diagnostics& out) {
  const std::optional<double> bytes = quantity_value(size);
  if (!bytes) return out.error(path, "must be a Kubernetes quantity such as \"1Gi\" or \"500Mi\"");
  if (*bytes <= 0) out.error(path, "must be greater than zero");
}

void check_access_mode(const std::string& mode, const std::string& path, Diagnostics& out) {
  if (mode == "ReadWriteOnce" || mode == "ReadWriteOncePod") return;
  if (mode == "ReadWriteMany") {
    return out.warn(path, "ReadWriteMany lets pods on different nodes open the database, but SQLite's WAL "
                          "needs every writer on one node (shared memory); keep every pod that opens it on "
                          "the Litestream pod's node");
  }
  if (mode == "ReadOnlyMany") {
    return out.error(path, "ReadOnlyMany cannot hold the database: Litestream and the applications write it; "
                           "use ReadWriteOnce, ReadWriteOncePod or ReadWriteMany");
  }
  out.error(path, "must be one of ReadWriteOnce, ReadWriteOncePod, ReadWriteMany, not \"" + mode + "\"");
}

StorageSpec parse_storage(const json::Value* storage, Diagnostics& out) {
  StorageSpec spec;
  ObjectReader r(storage, "spec.database.storage", out);
  if (auto size = r.string("size")) {
    spec.size = std::move(*size);
    check_storage_size(spec.size, r.field("size"), out);
  }
  if (auto storage_class = r.string("storageClass")) {
    spec.storage_class = std::move(*storage_class);
    if (!is_dns1123_subdomain(spec.storage_class)) {
      out.error(r.field("storageClass"), "must be a StorageClass name (a lower-case RFC 1123 subdomain)");
    }
  }
  if (auto mode = r.string("accessMode")) {
    spec.access_mode = std::move(*mode);
    check_access_mode(spec.access_mode, r.field("accessMode"), out);
  }
  if (const auto policy = r.string("retentionPolicy")) {
    if (*policy == "Retain") {
      spec.retention_policy = RetentionPolicy::Retain;
    } else if (*policy == "Delete") {
      spec.retention_policy = RetentionPolicy::Delete;
    } else {
      out.error(r.field("retentionPolicy"), "must be Retain (the volume outlives the SqliteDatabase) or Delete, "
                                            "not \"" + *policy + "\"");
    }
  }
  r.reject_unknown_fields();
  return spec;
}

}  // namespace

DatabaseSpec parse_database(const json::Value* database, Diagnostics& out) {
  DatabaseSpec spec;
  ObjectReader r(database, "spec.database", out);
  if (auto name = r.string("name")) {
    spec.name = std::move(*name);
    check_database_file_name(spec.name, r.field("name"), out);
  }
  if (auto init_script = r.string("initScript")) {
    spec.init_script = std::move(*init_script);
    if (!is_dns1123_subdomain(spec.init_script)) {
      out.error(r.field("initScript"), "must be a ConfigMap name (a lower-case RFC 1123 subdomain)");
    }
  }
  if (auto key = r.string("initScriptKey")) {
    spec.init_script_key = std::move(*key);
    if (!is_config_map_key(spec.init_script_key)) {
      out.error(r.field("initScriptKey"), "must be a ConfigMap key: letters, digits, '-', '_' and '.'");
    }
  }
  spec.storage = parse_storage(r.object("storage"), out);
  r.reject_unknown_fields();
  return spec;
}

}  // namespace sqlop::model
