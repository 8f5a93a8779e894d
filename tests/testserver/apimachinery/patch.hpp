// apimachinery/patch.hpp: the three PATCH content types the apiserver accepts besides apply.
//
//   application/merge-patch+json            apply_merge_patch            (RFC 7386)
//   application/json-patch+json             apply_json_patch             (RFC 6902)
//   application/strategic-merge-patch+json  apply_strategic_merge_patch  (builtin kinds only; the server
//                                            answers 415 for custom resources before calling this)
//
// All three take the current object and the parsed patch body and return the patched object (not yet
// defaulted or validated: the server decodes, defaults and validates the result as it does for an update).
// Errors carry the code, reason and message the apiserver uses: a malformed patch is 400 BadRequest; a JSON
// patch whose operation cannot be applied is 422 Invalid with the apiserver's fixed message (Error::detail
// names the failing operation and path); a strategic merge patch the apiserver cannot apply is 400, 422 or
// 500 as interpretStrategicMergePatchError sorts it.
#pragma once

#include <sqlite_operator/json.hpp>

#include "apimachinery/result.hpp"
#include "apimachinery/schema.hpp"

namespace sqlop::apimachinery {

// RFC 7386: objects merge recursively, null deletes a key, anything else (arrays included) replaces.
// A non-object patch replaces the whole document.
Result<json::Value> apply_merge_patch(const json::Value& target, const json::Value& patch);

// RFC 6902 operations add/remove/replace/move/copy/test with JSON pointers ("~0" "~1" escapes, "-" for
// appending), with the leniencies of the json-patch v4 library the apiserver uses (replace of a missing
// object key adds it; a test of a missing key against null passes). The patch must be an array of operation
// objects (else 400 "json: cannot unmarshal ..."); more than 10000 operations is 413. An operation that fails
// stops the patch: 422 whose detail is the library's text, e.g. "testing value /spec/replicas failed: test
// failed" or "replace operation does not apply: doc is missing path: /spec/x/y: missing value".
Result<json::Value> apply_json_patch(const json::Value& target, const json::Value& patch);

// Strategic merge patch as the apiserver applies it to builtin kinds
// (k8s.io/apimachinery/pkg/util/strategicpatch, StrategicMergePatch):
// - maps merge recursively; null deletes a key;
// - lists whose field has patch strategy "merge" and a merge key (containers, env, ports, volumes, ...)
//   merge item by item on that key, patch items not in the original are appended; primitive lists with
//   strategy "merge" (finalizers) take the union; any other list is replaced;
// - directives: "$patch": "replace" (the map becomes the patch) | "delete" (the map becomes {}) in a map;
//   as a list item {"$patch": "replace"} (the list becomes the other patch items) and
//   {"<mergeKey>": v, "$patch": "delete"} (removes that item); "$patch": "merge" is refused as the
//   apiserver refuses it;
//   "$retainKeys": [...] (keys not listed are cleared, strategy "retainKeys");
//   "$setElementOrder/<list>": [...] (order of the merged list);
//   "$deleteFromPrimitiveList/<list>": [...] (remove those values from a primitive merge list).
// The patch must be a JSON object (else 400). Invalid directives are 400 as the apiserver words them.
Result<json::Value> apply_strategic_merge_patch(const json::Value& original, const json::Value& patch,
                                                const SchemaLookup& schema);

}  // namespace sqlop::apimachinery
