#include "host/controller/controller.hpp"

#include <exception>

namespace sqlop::controller {
namespace {

WorkQueueOptions queue_options(ControllerOptions& options) {
  WorkQueueOptions q;
  q.name = options.name;
  q.rate_limiter = std::move(options.rate_limiter);
  q.metrics = options.queue_metrics;
  return q;
}

}  // namespace

Controller::Controller(ReconcileFunc reconcile, ControllerOptions options)
    : name_(options.name),
      reconcile_(std::move(reconcile)),
      worker_count_(options.workers < 1 ? 1 : options.workers),
      on_reconciled_(std::move(options.on_reconciled)),
      on_active_workers_(std::move(options.on_active_workers)),
      queue_(queue_options(options)) {}

Controller::~Controller() { stop(); }

void Controller::enqueue(const std::string& key) { queue_.add(key); }

void Controller::enqueue_after(const std::string& key, std::chrono::milliseconds delay) {
  queue_.add_after(key, delay);
}

void Controller::start() {
  const std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { work(); });
}

void Controller::stop() {
  queue_.shut_down_with_drain();
  const std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void Controller::work() {
  while (const std::optional<std::string> key = queue_.get()) {
    process(*key);
    queue_.done(*key);
  }
}

void Controller::process(const std::string& key) {
  if (on_active_workers_) on_active_workers_(+1);
  const auto started = std::chrono::steady_clock::now();
  ReconcileResult result;
  try {
    result = reconcile_(key);
  } catch (const std::exception& e) {
    result = ReconcileResult::failure(std::string("reconcile threw: ") + e.what());
  } catch (...) {
    result = ReconcileResult::failure("reconcile threw an unknown exception");
  }
  ReconcileReport report;
  report.key = key;
  report.duration = std::chrono::steady_clock::now() - started;
  if (!result.ok) {
    report.result = "error";
    report.error = result.error;
    queue_.add_rate_limited(key);
  } else if (result.requeue_after.count() > 0) {
    report.result = "requeue_after";
    queue_.forget(key);
    queue_.add_after(key, result.requeue_after);
  } else {
    report.result = "success";
    queue_.forget(key);
  }
  if (on_active_workers_) on_active_workers_(-1);
  if (on_reconciled_) on_reconciled_(report);
}

}  // namespace sqlop::controller
