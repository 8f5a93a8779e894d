// The reconcile loop: a work queue of keys and N workers that call a reconcile function for each key
// (controller-runtime's internal Controller). Level-based: a key carries no event, the reconcile
// function reads current state itself.
//
// Per key, the outcome decides what the queue does next:
//   success                 -> forget the key's failures (its backoff starts from the shortest again)
//   success + requeue_after -> forget, and add the key again after the delay
//   error                   -> add the key again after its per-key exponential backoff
// An exception thrown by the reconcile function counts as an error (it must not kill a worker).
// One key is never reconciled by two workers at once (WorkQueue guarantees it).
//
// Thread-safe: enqueue() may be called from any thread (informer handlers) before and after start().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/controller/work_queue.hpp"

namespace sqlop::controller {

struct ReconcileResult {
  bool ok = true;
  std::string error;                                // when !ok; goes to the log
  std::chrono::milliseconds requeue_after{0};       // > 0: look again after this long
  static ReconcileResult success() { return {}; }
  static ReconcileResult failure(std::string error) { return {false, std::move(error), {}}; }
};

using ReconcileFunc = std::function<ReconcileResult(const std::string& key)>;

// What one reconcile did, for logs and metrics.
struct ReconcileReport {
  std::string key;
  std::chrono::duration<double> duration{0};
  std::string result;  // "success", "error", "requeue_after" (controller-runtime's result labels)
  std::string error;
};

struct ControllerOptions {
  std::string name = "sqlitedatabase";  // for logs and metrics
  int workers = 1;
  std::shared_ptr<QueueMetricsListener> queue_metrics;      // may be null
  std::unique_ptr<RateLimiter> rate_limiter;                // null = the default (5 ms doubling to 1000 s)
  std::function<void(const ReconcileReport&)> on_reconciled;  // may be null; called on the worker thread
  std::function<void(int delta)> on_active_workers;            // +1 / -1 around each reconcile; may be null
};

class Controller {
 public:
  Controller(ReconcileFunc reconcile, ControllerOptions options);
  ~Controller();  // stop()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void enqueue(const std::string& key);
  void enqueue_after(const std::string& key, std::chrono::milliseconds delay);

  // Launches the workers. Calling it twice is a no-op.
  void start();
  // Takes no new keys, waits for the reconciles in flight to finish, joins the workers. Idempotent.
  void stop();

  const std::string& name() const { return name_; }
  std::size_t queue_length() const { return queue_.len(); }

 private:
  void work();
  void process(const std::string& key);

  const std::string name_;
  const ReconcileFunc reconcile_;
  const int worker_count_;
  const std::function<void(const ReconcileReport&)> on_reconciled_;
  const std::function<void(int)> on_active_workers_;
  WorkQueue queue_;
  std::mutex lifecycle_mutex_;           // guards workers_ and started_
  std::vector<std::thread> workers_;
  bool started_ = false;
};

}  // namespace sqlop::controller
