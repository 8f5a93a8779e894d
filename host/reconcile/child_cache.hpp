// What the controller caches of the children it manages, and how it still notices drift in them.
//
// A cached child keeps only what a reconcile reads without the full object: identity (name, namespace,
// uid, resourceVersion), labels, ownerReferences, deletionTimestamp, the operator's applied-hash
// annotation, the status fields the SqliteDatabase status is computed from (Deployment availability, PVC
// phase), and a digest of everything else (kContentDigestMember). This keeps a cached Deployment to a few
// hundred bytes instead of tens of KiB (the informer cache is what limits how many resources one
// operator can serve).
//
// Drift is then found by digest: VerifiedChildren remembers, per child uid, the digest of the last full
// object the operator wrote or checked. A cached child whose digest is still that one cannot have drifted;
// any other digest (someone edited it, or the operator restarted and has checked nothing yet) makes the
// reconciler read the full object once and compare it with the desired state (child_diff.hpp).
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "sqlite_operator/json.hpp"

namespace sqlop::reconcile {

inline constexpr const char* kContentDigestMember = "sqlite-operator.content-digest";

// Digest of an object's content: all of it but status, metadata.resourceVersion and metadata.managedFields
// (which change without the content changing), apiVersion and kind (fixed for a child). Equal for the same
// object however it was read (list, watch, get, apply response). Pure.
std::string content_digest(const json::Value& object);

// Replaces a child with its cached projection (see above). Objects the operator does not manage (no
// app.kubernetes.io/managed-by=sqlite-operator label) are left as they are. Pure; an informer transform.
void compact_managed_child(json::Value& object);

// The digest a cached projection carries, or "" for a full object.
std::string cached_digest(const json::Value& cached);

// Child uid -> digest of the last full state the operator wrote or compared. Thread-safe.
class VerifiedChildren {
 public:
  void remember(const std::string& uid, std::string digest);
  bool is_verified(const std::string& uid, const std::string& digest) const;
  void forget(const std::string& uid);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> digests_;  // GUARDED_BY(mutex_)
};

}  // namespace sqlop::reconcile
