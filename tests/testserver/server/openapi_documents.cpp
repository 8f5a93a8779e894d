#include "server/openapi_documents.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

constexpr const char* kMetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "database.sqlite.io" -> "io.sqlite.database": how OpenAPI names the schemas of a group.
std::string reversed_group(const std::string& group) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= group.size()) {
    std::size_t dot = group.find('.', start);
    if (dot == std::string::npos) dot = group.size();
    parts.push_back(group.substr(start, dot - start));
    start = dot + 1;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : ".") + *it;
  return out;
}

json::Value schema_ref(const std::string& schema) {
  json::Value r = json::Value::object();
  r["$ref"] = "#/components/schemas/" + schema;
  return r;
}

json::Value gvk(const ResourceInfo& info) {
  json::Value g = json::Value::object();
  g["group"] = info.group;
  g["kind"] = info.kind;
  g["version"] = info.version;
  return g;
}

json::Value query_param(const std::string& name, const std::string& type, const std::string& description) {
  json::Value p = json::Value::object();
  p["description"] = description;
  p["in"] = "query";
  p["name"] = name;
  p["schema"]["type"] = type;
  p["schema"]["uniqueItems"] = true;
  return p;
}

json::Value path_param(const std::string& name, const std::string& description) {
  json::Value p = json::Value::object();
  p["description"] = description;
  p["in"] = "path";
  p["name"] = name;
  p["required"] = true;
  p["schema"]["type"] = "string";
  p["schema"]["uniqueItems"] = true;
  return p;
}

json::Value write_params(bool patch) {
  json::Value params = json::Value::array();
  params.push_back(query_param("dryRun", "string", "When present, indicates that modifications should not be persisted."));
  params.push_back(query_param("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes."));
  params.push_back(query_param("fieldValidation", "string",
                               "fieldValidation instructs the server on how to handle objects in the request "
                               "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, "
                               "Warn, Strict."));
  if (patch) params.push_back(query_param("force", "boolean", "Force is going to \"force\" Apply requests."));
  return params;
}

json::Value list_params() {
  json::Value params = json::Value::array();
  params.push_back(query_param("allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."));
  params.push_back(query_param("continue", "string", "The continue option should be set when retrieving more results from the server."));
  params.push_back(query_param("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields."));
  params.push_back(query_param("labelSelector", "string", "A selector to restrict the list of returned objects by their labels."));
  params.push_back(query_param("limit", "integer", "limit is a maximum number of responses to return for a list call."));
  params.push_back(query_param("resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from."));
  params.push_back(query_param("timeoutSeconds", "integer", "Timeout for the list/watch call."));
  params.push_back(query_param("watch", "boolean", "Watch for changes to the described resources."));
  return params;
}

json::Value json_response(const std::string& schema, const std::string& description = "OK") {
  json::Value r = json::Value::object();
  r["description"] = description;
  r["content"]["application/json"]["schema"] = schema_ref(schema);
  r["content"]["application/yaml"]["schema"] = schema_ref(schema);
  return r;
}

json::Value operation(const ResourceInfo& info, const std::string& action, const std::string& id,
                      json::Value params, const std::string& response_schema, bool with_body,
                      const std::string& body_schema) {
  json::Value op = json::Value::object();
  op["description"] = action + " " + info.kind;
  op["operationId"] = id;
  if (!params.as_array().empty()) op["parameters"] = std::move(params);
  if (with_body) {
    json::Value body = json::Value::object();
    if (action == "patch") {
      for (const char* type : {"application/apply-patch+yaml", "application/json-patch+json",
                               "application/merge-patch+json"}) {
        body["content"][type]["schema"] = schema_ref(std::string(kMetaPrefix) + "Patch");
      }
    } else {
      body["content"]["*/*"]["schema"] = schema_ref(body_schema);
    }
    body["required"] = true;
    op["requestBody"] = std::move(body);
  }
  op["responses"]["200"] = json_response(response_schema);
  if (action == "create" || action == "update" || action == "patch") op["responses"]["201"] = json_response(response_schema, "Created");
  op["responses"]["401"]["description"] = "Unauthorized";
  op["tags"].push_back(reversed_group(info.group) + "_" + info.version);
  op["x-kubernetes-action"] = action;
  op["x-kubernetes-group-version-kind"] = gvk(info);
  return op;
}

// The schema of the custom resource itself: the CRD's schema plus apiVersion, kind and metadata.
json::Value resource_schema(const ResourceInfo& info) {
  json::Value schema = info.schema.is_object() ? info.schema : json::Value::object();
  if (!schema.find("type")) schema["type"] = "object";
  json::Value& props = schema["properties"];
  if (props.is_null()) props = json::Value::object();
  props["apiVersion"]["description"] = "APIVersion defines the versioned schema of this representation of an object.";
  props["apiVersion"]["type"] = "string";
  props["kind"]["description"] = "Kind is a string value representing the REST resource this object represents.";
  props["kind"]["type"] = "string";
  json::Value meta = json::Value::object();
  meta["allOf"].push_back(schema_ref(std::string(kMetaPrefix) + "ObjectMeta"));
  meta["default"] = json::Value::object();
  meta["description"] = "Standard object's metadata.";
  props["metadata"] = std::move(meta);
  json::Value g = json::Value::array();
  g.push_back(gvk(info));
  schema["x-kubernetes-group-version-kind"] = std::move(g);
  return schema;
}

json::Value list_schema(const ResourceInfo& info, const std::string& item_schema) {
  json::Value schema = json::Value::object();
  schema["description"] = info.list_kind + " is a list of " + info.kind;
  schema["required"].push_back("items");
  schema["type"] = "object";
  schema["properties"]["apiVersion"]["type"] = "string";
  schema["properties"]["items"]["type"] = "array";
  schema["properties"]["items"]["items"] = schema_ref(item_schema);
  schema["properties"]["kind"]["type"] = "string";
  schema["properties"]["metadata"]["allOf"].push_back(schema_ref(std::string(kMetaPrefix) + "ListMeta"));
  json::Value g = json::Value::object();
  g["group"] = info.group;
  g["kind"] = info.list_kind;
  g["version"] = info.version;
  schema["x-kubernetes-group-version-kind"].push_back(std::move(g));
  return schema;
}

void add_paths(json::Value& paths, const ResourceInfo& info, const std::string& item_schema,
               const std::string& list_schema_name) {
  const std::string base = "/apis/" + info.group + "/" + info.version;
  const std::string collection = info.namespaced ? base + "/namespaces/{namespace}/" + info.resource
                                                 : base + "/" + info.resource;
  const std::string id_kind = info.kind;
  const std::string status = std::string(kMetaPrefix) + "Status";

  json::Value coll = json::Value::object();
  coll["get"] = operation(info, "list", "list" + id_kind, list_params(), list_schema_name, false, "");
  coll["post"] = operation(info, "post", "create" + id_kind, write_params(false), item_schema, true, item_schema);
  coll["delete"] = operation(info, "deletecollection", "deletecollection" + id_kind, json::Value::array(), status, false, "");
  json::Value coll_params = json::Value::array();
  if (info.namespaced) coll_params.push_back(path_param("namespace", "object name and auth scope"));
  coll_params.push_back(query_param("pretty", "string", "If 'true', then the output is pretty printed."));
  coll["parameters"] = coll_params;
  paths[collection] = std::move(coll);

  json::Value item_params = coll_params;
  item_params.as_array().insert(item_params.as_array().begin(), path_param("name", "name of the " + info.kind));
  json::Value item = json::Value::object();
  item["get"] = operation(info, "get", "read" + id_kind, json::Value::array(), item_schema, false, "");
  item["put"] = operation(info, "put", "replace" + id_kind, write_params(false), item_schema, true, item_schema);
  item["patch"] = operation(info, "patch", "patch" + id_kind, write_params(true), item_schema, true, item_schema);
  item["delete"] = operation(info, "delete", "delete" + id_kind, json::Value::array(), status, false, "");
  item["parameters"] = item_params;
  paths[collection + "/{name}"] = std::move(item);

  if (info.has_status) {
    json::Value st = json::Value::object();
    st["get"] = operation(info, "get", "read" + id_kind + "Status", json::Value::array(), item_schema, false, "");
    st["put"] = operation(info, "put", "replace" + id_kind + "Status", write_params(false), item_schema, true, item_schema);
    st["patch"] = operation(info, "patch", "patch" + id_kind + "Status", write_params(true), item_schema, true, item_schema);
    st["parameters"] = item_params;
    paths[collection + "/{name}/status"] = std::move(st);
  }
  if (info.namespaced) {
    json::Value all = json::Value::object();
    all["get"] = operation(info, "list", "list" + id_kind + "ForAllNamespaces", list_params(), list_schema_name, false, "");
    paths[base + "/" + info.resource] = std::move(all);
  }
}

}  // namespace

std::string openapi_file_name(const std::string& api_path) {
  std::string name;
  for (const char c : api_path) {
    if (c == '/') {
      name += "__";
    } else {
      name += c;
    }
  }
  return name + "_openapi.json";
}

std::string sha512_hex_upper(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha512(), nullptr);
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

OpenApiDocuments::OpenApiDocuments(std::string builtin_dir, const ResourceTable& table)
    : dir_(std::move(builtin_dir)), table_(table) {}

std::optional<OpenApiDocuments::Document> OpenApiDocuments::builtin_document(const std::string& api_path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = builtin_cache_.find(api_path);
  if (it == builtin_cache_.end()) {
    auto text = read_file(dir_ + "/" + openapi_file_name(api_path));
    if (!text) return std::nullopt;
    auto doc = std::make_shared<const Document>(Document{*text, sha512_hex_upper(*text)});
    it = builtin_cache_.emplace(api_path, std::move(doc)).first;
  }
  return *it->second;
}

const json::Value& OpenApiDocuments::meta_schemas() {
  // Called with mu_ held. The meta/v1 schemas (ObjectMeta, ListMeta, Status, Patch, ...) that every CRD
  // document refers to, taken from the apiextensions document.
  if (!meta_schemas_) {
    json::Value schemas = json::Value::object();
    if (auto text = read_file(dir_ + "/" + openapi_file_name("apis/apiextensions.k8s.io/v1"))) {
      if (auto doc = json::parse(*text)) {
        if (const json::Value* all = doc->find_path({"components", "schemas"}); all && all->is_object()) {
          for (const auto& [name, schema] : all->as_object()) {
            if (name.rfind(kMetaPrefix, 0) == 0) schemas[name] = schema;
          }
        }
      }
    }
    meta_schemas_ = std::move(schemas);
  }
  return *meta_schemas_;
}

json::Value OpenApiDocuments::build_crd_document(const std::string& group, const std::string& version,
                                                 const std::vector<ResourceInfoPtr>& resources,
                                                 const json::Value& meta) {
  json::Value doc = json::Value::object();
  doc["openapi"] = "3.0.0";
  doc["info"]["title"] = "Kubernetes CRD Swagger";
  doc["info"]["version"] = "v0.1.0";
  json::Value paths = json::Value::object();
  json::Value schemas = meta.is_object() ? meta : json::Value::object();
  const std::string prefix = reversed_group(group) + "." + version + ".";
  for (const auto& info : resources) {
    const std::string item_schema = prefix + info->kind;
    const std::string list_name = prefix + info->list_kind;
    schemas[item_schema] = resource_schema(*info);
    schemas[list_name] = list_schema(*info, item_schema);
    add_paths(paths, *info, item_schema, list_name);
  }
  doc["paths"] = std::move(paths);
  doc["components"]["schemas"] = std::move(schemas);
  return doc;
}

std::optional<OpenApiDocuments::Document> OpenApiDocuments::document(const std::string& api_path) {
  std::string group;
  std::string version;
  if (api_path.rfind("api/", 0) == 0) {
    version = api_path.substr(4);
  } else if (api_path.rfind("apis/", 0) == 0) {
    const std::string rest = api_path.substr(5);
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos) return std::nullopt;
    group = rest.substr(0, slash);
    version = rest.substr(slash + 1);
  } else {
    return std::nullopt;
  }
  const auto infos = table_.in_group_version(group, version);
  if (infos.empty()) return std::nullopt;
  const bool custom = std::any_of(infos.begin(), infos.end(), [](const ResourceInfoPtr& i) { return !i->builtin; });
  if (!custom) return builtin_document(api_path);

  const std::uint64_t revision = table_.revision();
  std::lock_guard<std::mutex> lock(mu_);
  if (revision != crd_cache_revision_) {
    crd_cache_.clear();
    crd_cache_revision_ = revision;
  }
  auto it = crd_cache_.find(api_path);
  if (it == crd_cache_.end()) {
    const std::string text = json::dump(build_crd_document(group, version, infos, meta_schemas()));
    it = crd_cache_.emplace(api_path, std::make_shared<const Document>(Document{text, sha512_hex_upper(text)})).first;
  }
  return *it->second;
}

std::string OpenApiDocuments::index() {
  json::Value paths = json::Value::object();
  std::vector<std::string> api_paths{"api/v1"};
  for (const auto& g : table_.groups()) {
    for (const auto& v : g.versions) api_paths.push_back("apis/" + g.group + "/" + v);
  }
  for (const auto& p : api_paths) {
    if (auto doc = document(p)) {
      paths[p]["serverRelativeURL"] = "/openapi/v3/" + p + "?hash=" + doc->hash;
    }
  }
  json::Value out = json::Value::object();
  out["paths"] = std::move(paths);
  return json::dump(out);
}

}  // namespace sqlop::testserver
