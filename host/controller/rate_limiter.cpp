#include "host/controller/rate_limiter.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

namespace sqlop::controller {

namespace {

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint deadline) const override {
    cv.wait_until(lock, deadline);
  }
};

}  // namespace

const Clock& steady_clock() {
  static const SteadyClock clock;
  return clock;
}

// --- ItemExponentialRateLimiter ---------------------------------------------------------------------

ItemExponentialRateLimiter::ItemExponentialRateLimiter(Clock::Duration base, Clock::Duration max_delay)
    : base_(base), max_delay_(max_delay) {}

Clock::Duration ItemExponentialRateLimiter::when(const std::string& key) {
  int previous_failures = 0;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    int& failures = failures_[key];
    previous_failures = failures;
    if (failures < INT_MAX) ++failures;
  }
  // In floating point, so that 2^n for a key that has failed for days cannot overflow an integer.
  const double delay = static_cast<double>(base_.count()) * std::ldexp(1.0, previous_failures);
  if (!(delay < static_cast<double>(max_delay_.count()))) return max_delay_;
  return Clock::Duration(static_cast<Clock::Duration::rep>(delay));
}

void ItemExponentialRateLimiter::forget(const std::string& key) {
  const std::lock_guard<std::mutex> lock(mutex_);
  failures_.erase(key);
}

int ItemExponentialRateLimiter::num_requeues(const std::string& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

// --- TokenBucketRateLimiter -------------------------------------------------------------------------

TokenBucketRateLimiter::TokenBucketRateLimiter(double qps, int burst, const Clock& clock)
    : qps_(qps), burst_(burst), clock_(clock), tokens_(burst), updated_(clock.now()) {}

Clock::Duration TokenBucketRateLimiter::when(const std::string&) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const Clock::TimePoint now = clock_.now();
  if (now > updated_) {
    const double elapsed = std::chrono::duration<double>(now - updated_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    updated_ = now;
  }
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return Clock::Duration::zero();
  // The token this caller took exists only after the deficit has been refilled.
  return std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

// --- MaxOfRateLimiter -------------------------------------------------------------------------------

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

Clock::Duration MaxOfRateLimiter::when(const std::string& key) {
  Clock::Duration longest = Clock::Duration::zero();
  // Every limiter must see the failure (each keeps its own count), so no early exit.
  for (const auto& limiter : limiters_) longest = std::max(longest, limiter->when(key));
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& key) {
  for (const auto& limiter : limiters_) limiter->forget(key);
}

int MaxOfRateLimiter::num_requeues(const std::string& key) const {
  int most = 0;
  for (const auto& limiter : limiters_) most = std::max(most, limiter->num_requeues(key));
  return most;
}

std::unique_ptr<RateLimiter> default_controller_rate_limiter(const Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialRateLimiter>());
  limiters.push_back(std::make_unique<TokenBucketRateLimiter>(10.0, 100, clock));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace sqlop::controller
