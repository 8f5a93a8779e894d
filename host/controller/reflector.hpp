// The reflector: keeps an ObjectStore equal to one resource type on the API server (client-go's
// tools/cache Reflector), on its own thread.
//
//   list (paged) -> store.replace -> watch from the list's resourceVersion -> apply events in order -> ...
//
// - Watches ask for bookmarks and a timeoutSeconds jittered in [min, 2*min); the last resourceVersion seen
//   (bookmarks included) is where the next watch resumes when a stream ends, so a cut stream costs one
//   watch request, not a relist.
// - 410 Gone / Expired (as a response or as an ERROR event) means the server no longer has the history
//   from that resourceVersion: the reflector lists again from scratch, and the store's replace() turns
//   whatever changed while it was away (deletions included) into changes.
// - Any other failure waits (JitteredBackoff: 800 ms doubling to 30 s; at least the server's Retry-After)
//   and tries again; the backoff starts over after a successful list or the first event of a watch.
// - Events are applied in the order the server sent them. Resource versions are never compared (they
//   are opaque): a MODIFIED event replaces the stored object whatever its resourceVersion.
// - Every change to the store is reported to the ChangeListener right after it was made, on the
//   reflector's thread; resync() reports every stored object as a Sync change. Store changes and listener
//   calls are serialized: the listener is never called twice at once, and sees each object's changes in
//   the order they were made. An event that does not change the stored version (same resourceVersion)
//   is not reported.
//
// Thread-safety: every public method may be called from any thread, except that the listener must not call
// stop() (the reflector's thread would wait for itself).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "host/controller/backoff.hpp"
#include "host/controller/object_store.hpp"
#include "host/controller/object_transform.hpp"
#include "host/kube/client.hpp"
#include "host/kube/resource.hpp"

namespace sqlop::controller {

struct StoreChange {
  enum class Type { Added, Updated, Deleted, Sync };
  Type type = Type::Added;
  ObjectPtr old_object;  // Updated, Deleted: the state stored before; Sync: the same as `object`; Added: null
  ObjectPtr object;      // the new state; for Deleted, the last state known (the DELETED event's object,
                         // or the stored one when a relist found the object gone)
};

// Called after each change to the store. Must be quick (it holds up the watch) and must not throw.
using ChangeListener = std::function<void(const StoreChange& change)>;

struct ReflectorOptions {
  std::string name;            // for logs, e.g. "secrets"; "" = the resource type's qualified name
  std::string namespace_name;  // "" = all namespaces (and for cluster-scoped types)
  std::string label_selector;  // "" = everything
  std::string field_selector;
  std::int64_t page_size = 500;                    // list page size; 0 = one unpaged list
  std::chrono::seconds min_watch_timeout{300};     // each watch lasts [min, 2*min) unless it ends sooner
  BackoffOptions backoff;                          // after failed lists and watches
  // A watch that ends cleanly without a single event sooner than this counts as a failure (backs off), so
  // a server that closes every watch at once is not hammered.
  std::chrono::milliseconds short_watch{1000};
  ObjectTransform transform = strip_unused_fields;  // applied to every object before it is stored; may be empty
  RandomSource random;                              // for jitter; empty = make_random_source()
};

class Reflector {
 public:
  // REQUIRES: `client` and `store` outlive the reflector.
  Reflector(const kube::Client& client, kube::ResourceType type, ObjectStore& store, ReflectorOptions options = {},
            ChangeListener listener = {});
  // stop()s.
  ~Reflector();
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  // Starts the thread. REQUIRES: not started before.
  void start();
  // Ends the thread and waits for it: an open watch is cancelled at once; a list or a watch request in
  // flight is waited for (bounded by the transport's request timeout). Idempotent. After stop() the store
  // keeps its last contents.
  void stop();

  // True once the first list has been stored (and ever after).
  bool has_synced() const { return synced_.load(); }
  // Waits until has_synced() or `timeout` passed or stop(); returns has_synced().
  bool wait_for_sync(std::chrono::milliseconds timeout) const;
  // Where the next watch resumes: the last list's or event's resourceVersion ("" before the first list).
  std::string last_resource_version() const;
  // Reports every stored object to the listener as a Sync change (serialized with the watch's changes).
  void resync();

  // How many list and watch requests this reflector has sent (for logs, metrics and tests).
  std::int64_t list_count() const { return lists_.load(); }
  std::int64_t watch_count() const { return watches_.load(); }

  const std::string& name() const { return name_; }
  const kube::ResourceType& type() const { return type_; }

 private:
  // How one watch ended, and so what the reflector does next.
  struct WatchEnd {
    enum class Next { Resume, Relist, Retry } next = Next::Resume;
    int retry_after_seconds = 0;  // Retry: the server's Retry-After, 0 = none
  };

  void run();
  // Lists and replaces the store's contents; on failure returns the error.
  std::optional<kube::ApiError> list_into_store();
  WatchEnd watch_once();
  WatchEnd read_events(kube::WatchStream& stream);
  WatchEnd on_watch_error(const kube::ApiError& error);
  void apply_event(kube::WatchEvent event);
  void pause_after_failure(int retry_after_seconds);
  void set_resource_version(std::string resource_version);
  void report(const StoreChange& change) const;  // REQUIRES: dispatch_mutex_ held
  bool stop_requested() const;

  const kube::Client& client_;
  const kube::ResourceType type_;
  ObjectStore& store_;
  const ReflectorOptions options_;
  const std::string name_;
  const ChangeListener listener_;

  RandomSource random_;          // used by the reflector's thread only
  JitteredBackoff backoff_;      // used by the reflector's thread only
  std::int64_t events_since_list_ = 0;  // used by the reflector's thread only

  // Held while the store changes and the listener hears about it, and by resync(): this is what keeps
  // the listener's calls serialized and in store order.
  mutable std::mutex dispatch_mutex_;

  mutable std::mutex state_mutex_;           // guards the members below
  mutable std::condition_variable wake_;     // stop(), and the first sync
  bool stop_requested_ = false;              // GUARDED_BY(state_mutex_)
  kube::WatchStream* open_stream_ = nullptr;  // GUARDED_BY(state_mutex_); owned by the thread, cancelled by stop()
  std::string resource_version_;             // GUARDED_BY(state_mutex_)

  std::atomic<bool> synced_{false};
  std::atomic<std::int64_t> lists_{0};
  std::atomic<std::int64_t> watches_{0};

  std::mutex join_mutex_;  // makes concurrent stop() calls join once
  std::thread thread_;
};

}  // namespace sqlop::controller
