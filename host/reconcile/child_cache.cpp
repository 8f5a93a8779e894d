#include "host/reconcile/child_cache.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "host/controller/child_diff.hpp"
#include "host/controller/object_transform.hpp"
#include "host/render/names.hpp"

namespace sqlop::reconcile {
namespace {

void copy_member(const json::Value& from, json::Value& to, const char* key) {
  if (const json::Value* v = from.find(key)) to[key] = *v;
}

json::Value compact_metadata(const json::Value& metadata) {
  json::Value out = json::Value::object();
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "labels", "ownerReferences",
                          "deletionTimestamp", "finalizers"}) {
    copy_member(metadata, out, key);
  }
  if (const json::Value* hash = metadata.find_path({"annotations", controller::kAppliedHashAnnotation})) {
    out["annotations"][controller::kAppliedHashAnnotation] = *hash;
  }
  return out;
}

// The status fields database_status.cpp reads.
json::Value compact_status(const json::Value& status) {
  json::Value out = json::Value::object();
  copy_member(status, out, "phase");              // PersistentVolumeClaim
  copy_member(status, out, "availableReplicas");  // Deployment
  if (const json::Value* conditions = status.find("conditions"); conditions && conditions->is_array()) {
    json::Value kept = json::Value::array();
    for (const json::Value& c : conditions->as_array()) {
      json::Value entry = json::Value::object();
      copy_member(c, entry, "type");
      copy_member(c, entry, "status");
      kept.push_back(std::move(entry));
    }
    out["conditions"] = std::move(kept);
  }
  return out;
}

}  // namespace

std::string content_digest(const json::Value& object) {
  json::Value content = object;
  controller::strip_unused_fields(content);  // as the informer does before it digests
  if (content.is_object()) {
    // apiVersion and kind are left out: the client appends them to list items (the API server omits
    // them there), so their place in the text differs between a listed and a read object.
    content.as_object().erase("apiVersion");
    content.as_object().erase("kind");
    content.as_object().erase("status");
    content.as_object().erase(kContentDigestMember);
    if (json::Value* metadata = content.find("metadata"); metadata && metadata->is_object()) {
      metadata->as_object().erase("resourceVersion");
      metadata->as_object().erase("managedFields");
    }
  }
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(json::dump(content));
  return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

void compact_managed_child(json::Value& object) {
  const json::Value* managed_by = object.find_path({"metadata", "labels", "app.kubernetes.io/managed-by"});
  if (!managed_by || !managed_by->is_string() || managed_by->as_string() != render::kManagedBy) return;
  json::Value compact = json::Value::object();
  copy_member(object, compact, "apiVersion");
  copy_member(object, compact, "kind");
  if (const json::Value* metadata = object.find("metadata")) compact["metadata"] = compact_metadata(*metadata);
  if (const json::Value* status = object.find("status"); status && status->is_object()) {
    compact["status"] = compact_status(*status);
  }
  compact[kContentDigestMember] = content_digest(object);
  object = std::move(compact);
}

std::string cached_digest(const json::Value& cached) {
  const json::Value* digest = cached.find(kContentDigestMember);
  return digest && digest->is_string() ? digest->as_string() : "";
}

void VerifiedChildren::remember(const std::string& uid, std::string digest) {
  const std::lock_guard<std::mutex> lock(mutex_);
  digests_[uid] = std::move(digest);
}

bool VerifiedChildren::is_verified(const std::string& uid, const std::string& digest) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = digests_.find(uid);
  return it != digests_.end() && !digest.empty() && it->second == digest;
}

void VerifiedChildren::forget(const std::string& uid) {
  const std::lock_guard<std::mutex> lock(mutex_);
  digests_.erase(uid);
}

}  // namespace sqlop::reconcile
