#include "server/watch_hub.hpp"

#include <algorithm>

namespace sqlop::testserver {

bool Watcher::in_scope(const sqlop::json::Value& object) const { return !scope_.matches || scope_.matches(object); }

void Watcher::offer(const Change& change) {
  std::lock_guard<std::mutex> lock(mu_);
  progress_rv_ = std::max(progress_rv_, change.rv);
  if (closed_ || change.prefix != scope_.prefix) return;
  if (!scope_.ns.empty() && change.ns != scope_.ns) return;
  const bool now = change.type != ChangeType::Deleted && in_scope(*change.object);
  const bool before = change.type == ChangeType::Deleted ? in_scope(*change.object)
                                                         : (change.previous && in_scope(*change.previous));
  std::string type;
  if (change.type == ChangeType::Deleted) {
    if (before) type = "DELETED";
  } else if (now && before) {
    type = "MODIFIED";
  } else if (now) {
    type = "ADDED";
  } else if (before) {
    type = "DELETED";
  }
  if (type.empty()) return;
  if (queue_.size() >= max_queued_) {
    // A client this far behind is cut off, as the apiserver does; it re-watches or relists.
    overflowed_ = true;
    closed_ = true;
    cv_.notify_all();
    return;
  }
  queue_.push_back({type, change.object});
  cv_.notify_all();
}

void Watcher::push(WatchEvent event) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(event));
  cv_.notify_all();
}

Watcher::Wait Watcher::pop(WatchEvent& out, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return !queue_.empty() || closed_; });
  if (!queue_.empty()) {
    out = std::move(queue_.front());
    queue_.pop_front();
    return Wait::Event;
  }
  return closed_ ? Wait::Closed : Wait::Timeout;
}

std::int64_t Watcher::progress_rv() const {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_rv_;
}

void Watcher::set_progress_rv(std::int64_t rv) {
  std::lock_guard<std::mutex> lock(mu_);
  progress_rv_ = std::max(progress_rv_, rv);
}

void Watcher::close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

bool Watcher::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

bool Watcher::overflowed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return overflowed_;
}

void WatchHub::add(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.push_back(watcher);
}

void WatchHub::remove(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), watcher), watchers_.end());
}

void WatchHub::add_listener(ChangeListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(listener));
}

void WatchHub::publish(const Change& change) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& w : watchers_) w->offer(change);
  for (const auto& l : listeners_) l(change);
}

void WatchHub::close_all() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& w : watchers_) w->close();
}

std::size_t WatchHub::watcher_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

}  // namespace sqlop::testserver
