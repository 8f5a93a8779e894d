// Deciding whether a child object must be written: the controller's "a pass that changes nothing writes
// nothing" rule, without fighting the API server's defaults. Pure.
//
// A desired child carries, in an annotation, a hash of itself as rendered (desired_with_hash). The live
// object needs a write when
//   - its hash annotation differs: the desired state changed (this also catches removed fields and list
//     entries, which a comparison against the live object could not tell from server defaults), or
//   - the desired fields are not all present with equal values in the live object (is_subset): someone
//     edited or removed a field the operator owns (drift), while fields the server or others added are fine.
// Writes are server-side applies, so fields the operator stops setting are removed by the server.
#pragma once

#include <string>

#include "sqlite_operator/json.hpp"

namespace sqlop::controller {

inline constexpr const char* kAppliedHashAnnotation = "database.sqlite.io/applied-hash";

// `desired` with metadata.annotations[kAppliedHashAnnotation] set to the hash of `desired` (computed
// without that annotation, so the result is a fixed point: hashing it again gives the same hash).
json::Value desired_with_hash(const json::Value& desired);

// True when every member of `desired` is in `live` with an equal value: objects compare member by member
// (extra live members are ignored), arrays must have the same length and match element by element,
// numbers compare by value (1 == 1.0), and a null in `desired` matches an absent live member.
bool is_subset(const json::Value& desired, const json::Value& live);

// Why `live` needs a write to become `desired` (as returned by desired_with_hash); "" when it does not.
// REQUIRES: `live` is the current object (not null).
std::string write_reason(const json::Value& desired, const json::Value& live);

}  // namespace sqlop::controller
