// Fan-out of committed changes to open watches. The store publishes each change while it holds its lock,
// so every watcher sees changes in resourceVersion order; a watcher's queue is drained by the HTTP thread
// that serves that watch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

using ObjectPtr = std::shared_ptr<const sqlop::json::Value>;

enum class ChangeType { Added, Modified, Deleted };

// One committed change to one object.
struct Change {
  std::int64_t rv = 0;
  ChangeType type = ChangeType::Added;
  std::string prefix;  // storage prefix, "apps/deployments"
  std::string ns;
  std::string name;
  ObjectPtr object;    // after the change; for Deleted the last state, carrying the deletion's resourceVersion
  ObjectPtr previous;  // before the change; null for Added
};

// What one watch wants: a collection, optionally one namespace, and a predicate for label/field selectors.
struct WatchScope {
  std::string prefix;
  std::string ns;  // empty: every namespace
  std::function<bool(const sqlop::json::Value&)> matches;  // empty: everything
};

// An event as sent to a client: ADDED, MODIFIED, DELETED (BOOKMARK and ERROR are made by the stream).
struct WatchEvent {
  std::string type;
  ObjectPtr object;
};

class Watcher {
 public:
  Watcher(WatchScope scope, std::size_t max_queued) : scope_(std::move(scope)), max_queued_(max_queued) {}

  // Translates a change into what this watch sees: an object entering the selector is ADDED, one leaving
  // it is DELETED, as the apiserver's watch cache does.
  void offer(const Change& change);
  // Queues an event directly (initial ADDED events of a watch started without a resourceVersion).
  void push(WatchEvent event);

  enum class Wait { Event, Timeout, Closed };
  // Waits until an event is queued, the deadline passes or the watch is closed.
  Wait pop(WatchEvent& out, std::chrono::steady_clock::time_point deadline);

  // The newest resourceVersion this watch has been told about (matching or not): a BOOKMARK may carry it.
  std::int64_t progress_rv() const;
  void set_progress_rv(std::int64_t rv);
  void close();
  bool closed() const;
  bool overflowed() const;

 private:
  bool in_scope(const sqlop::json::Value& object) const;

  const WatchScope scope_;
  const std::size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WatchEvent> queue_;
  std::int64_t progress_rv_ = 0;
  bool closed_ = false;
  bool overflowed_ = false;

  friend class WatchHub;
};

// Receives every committed change, in order, while the store lock is held: must only queue work.
using ChangeListener = std::function<void(const Change&)>;

class WatchHub {
 public:
  void add(const std::shared_ptr<Watcher>& watcher);
  void remove(const std::shared_ptr<Watcher>& watcher);
  void add_listener(ChangeListener listener);
  void publish(const Change& change);
  // Ends every watch (shutdown, or a test asking to cut all streams).
  void close_all();
  std::size_t watcher_count() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::vector<ChangeListener> listeners_;
};

}  // namespace sqlop::testserver
