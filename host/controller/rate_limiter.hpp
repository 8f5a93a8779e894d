// Rate limiters for the work queue: how long a key that failed waits before it is handed out again.
//
// The contract is client-go's (util/workqueue/default_rate_limiters.go):
// - when(key) records one more failure of `key` and returns how long to wait before retrying it;
// - forget(key) drops what the limiter knows about `key` (called when a reconcile succeeds, so the next
//   failure starts again from the shortest delay);
// - num_requeues(key) is how many failures are on record for `key`.
// Implementations are thread-safe: several workers call them at once.
//
// The clock is an interface so that tests can move time by hand: the limiter math and the delaying
// queue's timer then need no real sleeps.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sqlop::controller {

// A monotonic clock plus the one blocking primitive the queue needs, so a fake clock can control both.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  virtual TimePoint now() const = 0;
  // Blocks on `cv` (REQUIRES: `lock` holds cv's mutex; it is held again on return) until notified, until
  // `deadline` has passed on this clock, or spuriously. Callers re-check their condition in a loop.
  virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          TimePoint deadline) const = 0;
};

// std::chrono::steady_clock. The returned object lives for the whole program.
const Clock& steady_clock();

class RateLimiter {
 public:
  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;
  virtual ~RateLimiter() = default;

  virtual Clock::Duration when(const std::string& key) = 0;
  virtual void forget(const std::string& key) = 0;
  virtual int num_requeues(const std::string& key) const = 0;
};

// Per-key exponential backoff: the n-th consecutive failure (counting from 0) waits base * 2^n, never
// more than max_delay. client-go's and controller-runtime's per-item default is 5 ms and 1000 s.
class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  static constexpr std::chrono::milliseconds kDefaultBase{5};
  static constexpr std::chrono::seconds kDefaultMax{1000};

  explicit ItemExponentialRateLimiter(Clock::Duration base = kDefaultBase, Clock::Duration max_delay = kDefaultMax);

  Clock::Duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  int num_requeues(const std::string& key) const override;

 private:
  const Clock::Duration base_;
  const Clock::Duration max_delay_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int> failures_;  // GUARDED_BY(mutex_); only keys with >= 1 failure
};

// One token bucket shared by all keys (golang.org/x/time/rate semantics): `qps` tokens per second, at most
// `burst` saved up. Each when() takes a token, borrowing from the future when none is left, and returns
// how long until that token exists. It caps the overall retry rate when many keys fail at once. It keeps
// no per-key state, so forget() does nothing and num_requeues() is 0.
class TokenBucketRateLimiter final : public RateLimiter {
 public:
  // REQUIRES: qps > 0, burst >= 1, `clock` outlives this limiter.
  TokenBucketRateLimiter(double qps, int burst, const Clock& clock = steady_clock());

  Clock::Duration when(const std::string& key) override;
  void forget(const std::string&) override {}
  int num_requeues(const std::string&) const override { return 0; }

 private:
  const double qps_;
  const double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_;             // GUARDED_BY(mutex_); negative when future tokens are already promised
  Clock::TimePoint updated_;  // GUARDED_BY(mutex_); when tokens_ was last brought up to date
};

// Combines limiters: the longest delay wins, forget() reaches every limiter, num_requeues() is the largest.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

  Clock::Duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  int num_requeues(const std::string& key) const override;

 private:
  const std::vector<std::unique_ptr<RateLimiter>> limiters_;  // immutable; each is thread-safe itself
};

// controller-runtime's default: per-key exponential 5 ms .. 1000 s, and overall 10 retries per second
// with a burst of 100.
std::unique_ptr<RateLimiter> default_controller_rate_limiter(const Clock& clock = steady_clock());

}  // namespace sqlop::controller
