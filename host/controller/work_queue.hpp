// The controller's work queue: which object keys ("namespace/name") need a reconcile, handed to workers.
//
// The contract is client-go's util/workqueue, in three layers (each an interface below):
//   Queue              add, get, done, len, shut_down, shut_down_with_drain, shutting_down
//   DelayingQueue      + add_after: a key becomes ready only after a delay
//   RateLimitingQueue  + add_rate_limited / forget / num_requeues: retries back off per key (rate_limiter.hpp)
// and WorkQueue implements all three. Guarantees:
// - Fair: keys are handed out in the order they became ready (added, or their delay ran out).
// - Stingy: a key is queued at most once however often it is added before a worker takes it, and a key a
//   worker holds (between get and done) is never handed to a second worker. Adding a held key marks it
//   dirty; done() then queues it again, so the change that arrived during the reconcile is not lost.
// - Many producers and consumers: every method may be called from any thread.
// - Delays: add_after(key, d) makes the key ready d from now; if the key is already waiting, the earlier
//   ready time wins. One timer thread per queue serves every delayed key (no thread per key).
// - Shutdown (deliberately stricter than client-go, whose get() keeps handing out keys already queued):
//   after shut_down() adds are ignored and get() returns nullopt at once, even while keys are queued -- a
//   stopping operator takes no new work, and reconciles are level-based, so the next leader loses nothing.
//   shut_down_with_drain() additionally blocks until every key handed out has been marked done.
// Keys are opaque strings to the queue; "namespace/name" (or "name" for cluster-scoped objects) by convention.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "host/controller/rate_limiter.hpp"

namespace sqlop::controller {

class Queue {
 public:
  Queue() = default;
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
  virtual ~Queue() = default;

  // Marks `key` as needing processing. Ignored after shutdown.
  virtual void add(const std::string& key) = 0;
  // Blocks until a key is ready (returns it; the caller now holds it and MUST call done) or the queue is
  // shut down (returns nullopt: the worker should exit).
  virtual std::optional<std::string> get() = 0;
  // Ends the caller's hold on `key`; queues it again if it was added meanwhile. Unknown keys are ignored.
  virtual void done(const std::string& key) = 0;
  // Keys ready to be handed out (neither held nor still waiting for a delay).
  virtual std::size_t len() const = 0;
  virtual void shut_down() = 0;
  // shut_down(), then waits until no key is held. REQUIRES: the calling thread holds no key.
  virtual void shut_down_with_drain() = 0;
  virtual bool shutting_down() const = 0;
};

class DelayingQueue : public Queue {
 public:
  // Adds `key` once `delay` has passed (at once for delay <= 0). Ignored after shutdown.
  virtual void add_after(const std::string& key, Clock::Duration delay) = 0;
};

class RateLimitingQueue : public DelayingQueue {
 public:
  // Records a failure of `key` with the rate limiter and adds it after the delay the limiter says.
  virtual void add_rate_limited(const std::string& key) = 0;
  // Clears the failure record of `key` (after a successful reconcile). It does not remove a queued key.
  virtual void forget(const std::string& key) = 0;
  virtual int num_requeues(const std::string& key) const = 0;
};

// Hooks for the queue's metrics (Prometheus: workqueue_depth, workqueue_adds_total, workqueue_retries_total,
// workqueue_queue_duration_seconds, workqueue_work_duration_seconds). Every hook has an empty default.
// Hooks are called with the queue's mutex held: they must be quick and must not call back into the queue.
class QueueMetricsListener {
 public:
  using Seconds = std::chrono::duration<double>;
  virtual ~QueueMetricsListener() = default;

  virtual void on_depth(std::size_t /*depth*/) {}       // len() changed to `depth`
  virtual void on_add() {}                              // a key became dirty (deduplicated adds do not count)
  virtual void on_retry() {}                            // add_rate_limited was called
  virtual void on_queue_latency(Seconds /*waited*/) {}  // a key was handed out, `waited` after it was added
  virtual void on_work_duration(Seconds /*held*/) {}    // a key was marked done, `held` after it was handed out
};

struct WorkQueueOptions {
  std::string name;                               // for logs and metrics, e.g. "sqlitedatabase"
  std::unique_ptr<RateLimiter> rate_limiter;      // null = default_controller_rate_limiter()
  const Clock* clock = nullptr;                   // null = steady_clock(); must outlive the queue
  std::shared_ptr<QueueMetricsListener> metrics;  // null = none
};

class WorkQueue final : public RateLimitingQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});
  // Shuts the queue down (without draining) and stops the timer thread.
  ~WorkQueue() override;

  const std::string& name() const { return name_; }

  void add(const std::string& key) override;
  std::optional<std::string> get() override;
  void done(const std::string& key) override;
  std::size_t len() const override;
  void shut_down() override;
  void shut_down_with_drain() override;
  bool shutting_down() const override;

  void add_after(const std::string& key, Clock::Duration delay) override;

  void add_rate_limited(const std::string& key) override;
  void forget(const std::string& key) override;
  int num_requeues(const std::string& key) const override;

 private:
  using Timeline = std::multimap<Clock::TimePoint, std::string>;  // equal times keep insertion order

  void add_locked(const std::string& key);  // EXCLUSIVE_LOCKS_REQUIRED(mutex_)
  void set_depth_locked();                  // EXCLUSIVE_LOCKS_REQUIRED(mutex_)
  void release_due_locked();                // EXCLUSIVE_LOCKS_REQUIRED(mutex_)
  void run_timer();                         // the timer thread's body

  const std::string name_;
  const std::unique_ptr<RateLimiter> rate_limiter_;  // thread-safe on its own; never called under mutex_
  const Clock& clock_;
  const std::shared_ptr<QueueMetricsListener> metrics_;  // may be null

  mutable std::mutex mutex_;              // guards every member below
  std::condition_variable key_ready_;     // signalled when ready_ grows or on shutdown (get() waits)
  std::condition_variable timer_wakeup_;  // signalled when the earliest delay changes or on shutdown
  std::condition_variable drained_;       // signalled when held_ becomes empty (drain waits)

  std::deque<std::string> ready_;  // GUARDED_BY(mutex_); keys to hand out, in order; each is dirty, none held
  // GUARDED_BY(mutex_); keys that need processing -> when they became dirty (for queue latency).
  std::unordered_map<std::string, Clock::TimePoint> dirty_;
  // GUARDED_BY(mutex_); keys a worker holds -> when get() handed them out (for work duration).
  std::unordered_map<std::string, Clock::TimePoint> held_;
  Timeline timeline_;                                            // GUARDED_BY(mutex_); delayed keys by ready time
  std::unordered_map<std::string, Timeline::iterator> waiting_;  // GUARDED_BY(mutex_); key -> its timeline entry
  bool shutting_down_ = false;                                   // GUARDED_BY(mutex_)

  std::thread timer_;  // started last in the constructor, joined in the destructor
};

}  // namespace sqlop::controller
