// What the informer cache keeps of an object: everything the controller reads, nothing else. Per-object
// memory is what limits how many objects one operator can cache (goal: 10000 SqliteDatabases and their
// children in under 40 MiB), and the two biggest parts the controller never reads are managedFields (often
// larger than the object itself) and kubectl's last-applied-configuration annotation (a second copy of
// the object). Pure functions.
#pragma once

#include <functional>

#include "sqlite_operator/json.hpp"

namespace sqlop::controller {

// Changes an object in place before it is cached. Must be pure and thread-safe (informers call it from
// their own threads).
using ObjectTransform = std::function<void(json::Value& object)>;

inline constexpr const char* kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

// Removes metadata.managedFields and the last-applied-configuration annotation (and the annotations map
// when that leaves it empty: the API server omits empty maps too). Leaves everything else as it was.
void strip_unused_fields(json::Value& object);

}  // namespace sqlop::controller
