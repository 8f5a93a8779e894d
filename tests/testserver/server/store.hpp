// The in-memory object store: one global, monotonic resourceVersion (like etcd's revision), objects by
// collection/namespace/name in key order, and a bounded history of changes that watches start from.
// Thread-safe: every read and write takes the one store lock; writers run their whole
// read-modify-write inside transact(), so a write sees no interleaved change.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "server/watch_hub.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

class Store {
 public:
  Store(std::size_t history_limit, WatchHub& hub) : history_limit_(history_limit), hub_(hub) {}

  // A view of the store for the duration of one transaction.
  class Txn {
   public:
    ObjectPtr get(const std::string& prefix, const std::string& ns, const std::string& name) const;
    // Objects of a collection in key order (namespace, then name); ns empty: all namespaces.
    std::vector<ObjectPtr> list(const std::string& prefix, const std::string& ns) const;
    // The collection as it was at resourceVersion `rv` (a consistent later page of a paginated list),
    // rebuilt by undoing the newer changes of the history. Requires rv >= compacted_rv().
    std::vector<ObjectPtr> list_at(const std::string& prefix, const std::string& ns, std::int64_t rv) const;
    // Every stored object with its collection prefix (garbage collector, namespace cleanup).
    std::vector<std::pair<std::string, ObjectPtr>> all() const;
    // Stores the object under a new resourceVersion (written into metadata.resourceVersion) and publishes
    // ADDED or MODIFIED. Returns the stored snapshot.
    ObjectPtr put(const std::string& prefix, const std::string& ns, const std::string& name,
                  sqlop::json::Value object);
    // Removes the object and publishes DELETED with `last` stamped with the deletion's resourceVersion.
    ObjectPtr remove(const std::string& prefix, const std::string& ns, const std::string& name,
                     sqlop::json::Value last);
    std::int64_t rv() const;
    std::int64_t compacted_rv() const { return store_.compacted_rv_; }

   private:
    explicit Txn(Store& store) : store_(store) {}
    Store& store_;
    friend class Store;
  };

  template <class F>
  auto transact(F&& f) {
    std::lock_guard<std::mutex> lock(mu_);
    Txn txn(*this);
    return f(txn);
  }

  std::int64_t current_rv() const;

  // Starts a watch of `scope`. from_rv < 0: start now, after ADDED events for every object in scope
  // (a watch without a resourceVersion). from_rv >= 0: replay the changes after from_rv from the history,
  // or fail with the oldest resourceVersion still available when from_rv is older than the history.
  struct WatchStart {
    std::shared_ptr<Watcher> watcher;
    std::int64_t too_old_rv = 0;     // set when the history no longer reaches from_rv
    std::int64_t oldest_rv = 0;
    std::size_t initial_events = 0;
    std::int64_t start_rv = 0;       // the store's resourceVersion when the watch started  // ADDED events queued for the objects that existed at the start
  };
  WatchStart watch(WatchScope scope, std::int64_t from_rv, std::size_t max_queued);
  void stop_watch(const std::shared_ptr<Watcher>& watcher);

  // Forgets the history (a test forcing "410 Gone" on the next watch or continue).
  void compact();
  // The oldest resourceVersion a watch or a continue token can still start from.
  std::int64_t compacted_rv() const;
  void set_history_limit(std::size_t limit);

  // The whole state, for the data file, and back. load() replaces everything and publishes nothing.
  sqlop::json::Value dump() const;
  bool load(const sqlop::json::Value& state);
  std::size_t size() const;

 private:
  static std::string key(const std::string& prefix, const std::string& ns, const std::string& name);
  void record(Change change);

  mutable std::mutex mu_;
  std::map<std::string, ObjectPtr> objects_;
  std::deque<Change> history_;
  std::size_t history_limit_;
  std::int64_t rv_ = 1;
  std::int64_t compacted_rv_ = 0;
  WatchHub& hub_;
};

// metadata.resourceVersion of a stored object, 0 when absent or malformed.
std::int64_t object_rv(const sqlop::json::Value& object);

}  // namespace sqlop::testserver
