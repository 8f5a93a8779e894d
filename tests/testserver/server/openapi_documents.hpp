// /openapi/v3: the index of per-group-version documents and the documents themselves. Builtin group
// versions are served byte for byte from the official Kubernetes documents (--openapi-dir); each
// custom-resource group version gets a document built from its CRDs' schemas, with the paths and the
// operation parameters (fieldValidation, fieldManager, ...) kubectl looks for to decide that the server
// validates fields itself.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server/resource_table.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

class OpenApiDocuments {
 public:
  OpenApiDocuments(std::string builtin_dir, const ResourceTable& table);

  struct Document {
    std::string text;
    std::string hash;  // upper-case hex SHA-512 of text, as the apiserver's ?hash= parameter
  };

  // The /openapi/v3 index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}.
  std::string index();
  // The document for "api/v1" or "apis/G/V"; nullopt when that group version is not served.
  std::optional<Document> document(const std::string& api_path);

  // The OpenAPI document for the custom resources of one group version (exposed for tests).
  static sqlop::json::Value build_crd_document(const std::string& group, const std::string& version,
                                               const std::vector<ResourceInfoPtr>& resources,
                                               const sqlop::json::Value& meta_schemas);

 private:
  std::optional<Document> builtin_document(const std::string& api_path);
  const sqlop::json::Value& meta_schemas();

  const std::string dir_;
  const ResourceTable& table_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Document>> builtin_cache_;
  std::map<std::string, std::shared_ptr<const Document>> crd_cache_;
  std::uint64_t crd_cache_revision_ = 0;
  std::optional<sqlop::json::Value> meta_schemas_;
};

// "apis/apps/v1" -> "apis__apps__v1_openapi.json"; "api/v1" -> "api__v1_openapi.json".
std::string openapi_file_name(const std::string& api_path);
std::string sha512_hex_upper(const std::string& text);

}  // namespace sqlop::testserver
