#include "host/controller/work_queue.hpp"

#include <utility>

namespace sqlop::controller {

WorkQueue::WorkQueue(WorkQueueOptions options)
    : name_(std::move(options.name)),
      rate_limiter_(options.rate_limiter
                        ? std::move(options.rate_limiter)
                        : default_controller_rate_limiter(options.clock ? *options.clock : steady_clock())),
      clock_(options.clock ? *options.clock : steady_clock()),
      metrics_(std::move(options.metrics)) {
  // Last: the thread uses every member above.
  timer_ = std::thread([this] { run_timer(); });
}

WorkQueue::~WorkQueue() {
  shut_down();
  timer_.join();
}

// --- Queue --------------------------------------------------------------------------------------------

void WorkQueue::add(const std::string& key) {
  const std::lock_guard<std::mutex> lock(mutex_);
  add_locked(key);
}

void WorkQueue::add_locked(const std::string& key) {
  if (shutting_down_) return;
  // Dirty means "queued or held and added again": either way one more pass is already promised.
  if (!dirty_.emplace(key, clock_.now()).second) return;
  if (metrics_) metrics_->on_add();
  // A held key is queued again by done(), never handed to a second worker now.
  if (held_.count(key) != 0) return;
  ready_.push_back(key);
  set_depth_locked();
  key_ready_.notify_one();
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock<std::mutex> lock(mutex_);
  key_ready_.wait(lock, [this] { return shutting_down_ || !ready_.empty(); });
  if (shutting_down_) return std::nullopt;

  std::string key = std::move(ready_.front());
  ready_.pop_front();
  set_depth_locked();
  const Clock::TimePoint now = clock_.now();
  const auto dirty = dirty_.find(key);
  if (metrics_) metrics_->on_queue_latency(now - dirty->second);
  dirty_.erase(dirty);
  held_.emplace(key, now);
  return key;
}

void WorkQueue::done(const std::string& key) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto held = held_.find(key);
  if (held == held_.end()) return;
  if (metrics_) metrics_->on_work_duration(clock_.now() - held->second);
  held_.erase(held);
  // Added while held: now it may go to a worker again. Kept even during shutdown, so that every dirty,
  // unheld key is in ready_ (get() hands nothing out then anyway).
  if (dirty_.count(key) != 0) {
    ready_.push_back(key);
    set_depth_locked();
    key_ready_.notify_one();
  }
  if (held_.empty()) drained_.notify_all();
}

std::size_t WorkQueue::len() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ready_.size();
}

void WorkQueue::shut_down() {
  const std::lock_guard<std::mutex> lock(mutex_);
  shutting_down_ = true;
  key_ready_.notify_all();
  timer_wakeup_.notify_all();
}

void WorkQueue::shut_down_with_drain() {
  shut_down();
  std::unique_lock<std::mutex> lock(mutex_);
  drained_.wait(lock, [this] { return held_.empty(); });
}

bool WorkQueue::shutting_down() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return shutting_down_;
}

void WorkQueue::set_depth_locked() {
  if (metrics_) metrics_->on_depth(ready_.size());
}

// --- DelayingQueue ------------------------------------------------------------------------------------

void WorkQueue::add_after(const std::string& key, Clock::Duration delay) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (shutting_down_) return;
  if (delay <= Clock::Duration::zero()) {
    add_locked(key);
    return;
  }
  const Clock::TimePoint ready_at = clock_.now() + delay;
  const auto waiting = waiting_.find(key);
  if (waiting != waiting_.end()) {
    if (waiting->second->first <= ready_at) return;  // the earlier time wins
    timeline_.erase(waiting->second);
    waiting_.erase(waiting);
  }
  const auto entry = timeline_.emplace(ready_at, key);
  waiting_.emplace(key, entry);
  // Only a new earliest entry shortens the timer's wait.
  if (entry == timeline_.begin()) timer_wakeup_.notify_one();
}

void WorkQueue::release_due_locked() {
  const Clock::TimePoint now = clock_.now();
  while (!timeline_.empty() && timeline_.begin()->first <= now) {
    const auto due = timeline_.begin();
    waiting_.erase(due->second);
    add_locked(due->second);
    timeline_.erase(due);
  }
}

void WorkQueue::run_timer() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!shutting_down_) {
    release_due_locked();
    if (timeline_.empty()) {
      timer_wakeup_.wait(lock);
    } else {
      clock_.wait_until(timer_wakeup_, lock, timeline_.begin()->first);
    }
  }
}

// --- RateLimitingQueue --------------------------------------------------------------------------------

void WorkQueue::add_rate_limited(const std::string& key) {
  // Outside mutex_: the limiter has its own lock, and the two are never nested.
  const Clock::Duration delay = rate_limiter_->when(key);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (shutting_down_) return;
    if (metrics_) metrics_->on_retry();
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) { rate_limiter_->forget(key); }

int WorkQueue::num_requeues(const std::string& key) const { return rate_limiter_->num_requeues(key); }

}  // namespace sqlop::controller
