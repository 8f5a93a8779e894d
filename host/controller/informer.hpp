// A shared informer (client-go's SharedInformer, much reduced): one Reflector filling one ObjectStore,
// plus event handlers and an optional periodic resync. The controller reads objects from store() and
// learns what changed through the handlers, which only enqueue keys.
//
// Contract:
// - Eventually consistent: the store follows the server with a delay; after has_synced() it holds every
//   object the server had at the first list, and later every change the watch delivered.
// - Handlers run after the store changed (so store().get(key) already answers the new state), one call at
//   a time (never concurrently), in order per object (not across objects). They run on the informer's
//   reflector thread, or, for resyncs, on its resync thread. They must be quick and must not call stop().
// - on_add: a new object (from the first list, a relist or the watch). on_update(old, new): a changed
//   object, including one a relist found changed; resync calls on_update(obj, obj) for every object.
//   on_delete(obj): an object is gone; obj is its last known state (when a relist found it gone while the
//   watch was down, that state may be older than the real final one).
// - Keys are "namespace/name" (object_key).
// Thread-safety: every method may be called from any thread; add_handlers only before start().
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/controller/object_store.hpp"
#include "host/controller/reflector.hpp"
#include "host/kube/client.hpp"
#include "host/kube/resource.hpp"

namespace sqlop::controller {

struct InformerHandlers {
  std::function<void(const ObjectPtr& object)> on_add;  // each may be empty
  std::function<void(const ObjectPtr& old_object, const ObjectPtr& new_object)> on_update;
  std::function<void(const ObjectPtr& object)> on_delete;
};

struct InformerOptions {
  std::string name;  // for logs, e.g. "sqlitedatabases"; "" = the resource type's qualified name
  Indexers indexers;  // secondary indexes of the store
  // How the store holds objects. Packed (see object_store.hpp) costs a parse per read and makes handlers
  // and readers see equal objects rather than the same pointer (except that a resync's on_update gets one
  // pointer twice).
  StoreOptions store;
  // Every period, on_update(obj, obj) for every stored object (controller-runtime's SyncPeriod). 0 = never.
  std::chrono::milliseconds resync_period{0};
  // Namespace, selectors, paging, watch timeout, backoff and transform (its name is ignored: `name` wins).
  ReflectorOptions reflector;
};

class Informer {
 public:
  // REQUIRES: `client` outlives the informer.
  Informer(const kube::Client& client, kube::ResourceType type, InformerOptions options = {});
  // stop()s.
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // REQUIRES: before start().
  void add_handlers(InformerHandlers handlers);
  // Starts listing and watching (and the resync timer). REQUIRES: not started before.
  void start();
  // Stops watching and resyncing and waits for both threads; no handler runs after it returns. The store
  // keeps its contents. Idempotent. REQUIRES: not called from a handler.
  void stop();

  bool has_synced() const { return reflector_.has_synced(); }
  bool wait_for_sync(std::chrono::milliseconds timeout) const { return reflector_.wait_for_sync(timeout); }

  const ObjectStore& store() const { return store_; }
  const Reflector& reflector() const { return reflector_; }
  const std::string& name() const { return reflector_.name(); }
  const kube::ResourceType& type() const { return reflector_.type(); }

 private:
  void dispatch(const StoreChange& change) const;  // called by the reflector, serialized
  void run_resync();

  const std::chrono::milliseconds resync_period_;
  std::vector<InformerHandlers> handlers_;  // fixed once started
  ObjectStore store_;
  Reflector reflector_;  // after store_ and handlers_: it uses both

  std::mutex resync_mutex_;             // guards resync_stop_
  std::condition_variable resync_wake_;
  bool resync_stop_ = false;            // GUARDED_BY(resync_mutex_)
  std::mutex join_mutex_;               // makes concurrent stop() calls join once
  std::thread resync_thread_;
};

}  // namespace sqlop::controller
