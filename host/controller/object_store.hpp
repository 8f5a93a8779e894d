// The informer cache: Kubernetes objects by key, shared read-only with whoever reads them.
//
// The contract is client-go's tools/cache ThreadSafeStore + Indexer:
// - Keys are "namespace/name", or "name" for cluster-scoped objects (object_key below).
// - Objects are handed out as shared_ptr<const json::Value>: an object a reader holds stays valid (and
//   unchanged) after the store moved on. Unpacked (the default), readers share what the store holds without
//   copying it; never cast the const away: the same object is seen by every reader.
// - Secondary indexes: each named IndexFunc files an object under zero or more values; by_index(name, value)
//   answers "which objects have this value" (e.g. which SqliteDatabases reference Secret "ns/creds").
//   Index functions must be pure and quick; they may run under the store's write lock.
// - Thread-safe: any number of readers at once, writers exclusive. Each call is atomic on its own; a
//   get() followed by a list() may see different states.
//
// Packed mode (StoreOptions::packed): the store keeps each object as its compact JSON text (json::dump),
// deflated (packed_text.hpp), plus its resourceVersion and index values, instead of as a tree: a
// json::Value tree costs about 4.5 times its JSON size, and the cache is most of the operator's memory.
// Every read (get, list, by_index, and the old objects upsert/erase/replace return) then inflates and
// parses the text into a fresh object: readers get objects equal (json ==) to what was stored, never the
// stored pointer itself, and two reads of an unchanged object give two different pointers. A read costs
// microseconds for a few KiB, so list() of a large store is not cheap (and holds every tree at once:
// prefer keys() and get()). Everything else in the contract is the same in both modes.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/controller/packed_text.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::controller {

using ObjectPtr = std::shared_ptr<const json::Value>;

// client-go's MetaNamespaceKeyFunc: "namespace/name", "name" when metadata.namespace is absent or empty,
// "" when the object has no metadata.name.
std::string object_key(const json::Value& object);
std::string object_key(const std::string& namespace_name, const std::string& name);

// The values under which one index files `object` (none is fine; duplicates are ignored).
using IndexFunc = std::function<std::vector<std::string>(const json::Value& object)>;
using Indexers = std::map<std::string, IndexFunc>;  // index name -> function

// What replace() changed, for the informer to tell its handlers.
struct ReplaceResult {
  std::vector<ObjectPtr> added;
  std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;  // (stored before, stored now)
  std::vector<ObjectPtr> deleted;                        // the last stored state of each removed object
};

// Two states of one object differ when their metadata.resourceVersion differs (equality only: resource
// versions are opaque and must not be ordered), or, for objects without one, when their contents differ.
bool same_object_version(const json::Value& a, const json::Value& b);

struct StoreOptions {
  bool packed = false;  // see "Packed mode" above
};

class ObjectStore {
 public:
  explicit ObjectStore(Indexers indexers = {}, StoreOptions options = {});
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // --- reads -------------------------------------------------------------------------------------------
  ObjectPtr get(const std::string& key) const;  // null when absent
  std::vector<ObjectPtr> list() const;           // in no particular order
  std::vector<std::string> keys() const;         // in no particular order
  std::size_t size() const;
  // Objects (or their keys) filed under `value` in index `index_name`, in key order. Empty for an unknown
  // index name or value.
  std::vector<ObjectPtr> by_index(const std::string& index_name, const std::string& value) const;
  std::vector<std::string> index_keys(const std::string& index_name, const std::string& value) const;

  // --- writes ------------------------------------------------------------------------------------------
  // Stores `object` under its key and returns what it replaced (null when the key was new).
  // REQUIRES: object is not null and object_key(*object) is not empty.
  ObjectPtr upsert(ObjectPtr object);
  // Removes the object stored under `key`; returns it (null when there was none).
  ObjectPtr erase(const std::string& key);
  // Makes the store hold exactly `objects` (a full list; the store takes them over) and reports the
  // difference. A key listed twice (the API server never does that) ends with the last one, and may be
  // reported twice. An object whose version did not change (same_object_version)
  // keeps the stored object (and, unpacked, its pointer) and is not reported. Objects without a key are
  // skipped. The added and updated-to objects reported are the ones passed in.
  ReplaceResult replace(std::vector<ObjectPtr> objects);

 private:
  using KeySet = std::set<std::string>;
  using Index = std::unordered_map<std::string, KeySet>;  // index value -> keys filed under it

  // One stored object. Exactly one of `object` (unpacked) and `text` (packed) holds it.
  struct Entry {
    ObjectPtr object;
    std::string text;  // packer_.pack(json::dump(object))
    std::string resource_version;
    // What the object is filed under, per indexer (in indexers_ order), so that unfiling it needs no parse.
    std::vector<std::vector<std::string>> index_values;
  };

  Entry make_entry(ObjectPtr object) const;  // runs the index functions; no lock needed
  ObjectPtr object_of(const Entry& entry) const;  // the stored pointer, or a fresh parse when packed
  // same_object_version(stored object, object), parsing the stored one only when neither has a version.
  bool same_version(const Entry& stored, const json::Value& object) const;
  void index_locked(const std::string& key, const Entry& entry);    // EXCLUSIVE_LOCKS_REQUIRED(mutex_)
  void unindex_locked(const std::string& key, const Entry& entry);  // EXCLUSIVE_LOCKS_REQUIRED(mutex_)
  const KeySet* keys_under_locked(const std::string& index_name, const std::string& value) const;

  const Indexers indexers_;  // immutable after construction
  const StoreOptions options_;
  const TextPacker packer_;  // packed mode only; thread-safe
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> objects_;  // GUARDED_BY(mutex_)
  std::map<std::string, Index> indexes_;            // GUARDED_BY(mutex_); one per indexer name
};

}  // namespace sqlop::controller
