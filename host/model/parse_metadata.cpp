// metadata: the name and namespace the operator derives child names and labels from, plus the server-set
// members it needs for ownerReferences, status and deletion. Other metadata members (managedFields,
// creationTimestamp, ownerReferences, ...) are the apiserver's business and pass without comment.
#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

// The name becomes the app.kubernetes.io/instance label value, so it must also be a valid label value.
constexpr std::size_t kMaxNameLength = 63;

void check_name(const std::string& name, const std::string& path, Diagnostics& out) {
  if (!is_dns1123_subdomain(name)) {
    out.error(path, "must be a lower-case RFC 1123 subdomain: letters a-z, digits, '-' and '.', starting and "
                    "ending with a letter or digit");
  } else if (name.size() > kMaxNameLength) {
    out.error(path, "must be at most 63 characters (it is " + std::to_string(name.size()) +
                        "): it becomes the app.kubernetes.io/instance label value");
  }
}

}  // namespace

ObjectMeta parse_metadata(const json::Value* metadata, Diagnostics& out) {
  ObjectMeta meta;
  ObjectReader r(metadata, "metadata", out);
  const bool metadata_of_wrong_type = metadata != nullptr && !metadata->is_null() && !metadata->is_object();
  if (const auto name = r.string("name")) {
    meta.name = *name;
    check_name(meta.name, r.field("name"), out);
  } else if (r.any("name") == nullptr && !metadata_of_wrong_type) {
    out.error(r.field("name"), "is required");  // (a name or metadata of the wrong type is already reported)
  }
  if (const auto ns = r.string("namespace")) {
    meta.namespace_ = *ns;
    if (!is_dns1123_label(*ns)) {
      out.error(r.field("namespace"), "must be a lower-case RFC 1123 label (at most 63 characters)");
    }
  } else {
    meta.namespace_ = "default";
  }
  if (const auto uid = r.string("uid")) meta.uid = *uid;
  if (const auto generation = r.integer("generation")) meta.generation = *generation;
  if (const auto version = r.string("resourceVersion")) meta.resource_version = *version;
  if (auto labels = r.string_map("labels")) meta.labels = std::move(*labels);
  if (auto annotations = r.string_map("annotations")) meta.annotations = std::move(*annotations);
  if (auto finalizers = r.string_list("finalizers")) meta.finalizers = std::move(*finalizers);
  meta.deleting = r.any("deletionTimestamp") != nullptr;
  return meta;
}

}  // namespace sqlop::model
