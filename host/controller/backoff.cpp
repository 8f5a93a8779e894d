#include "host/controller/backoff.hpp"

#include <algorithm>
#include <memory>
#include <random>

namespace sqlop::controller {

RandomSource make_random_source() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

JitteredBackoff::JitteredBackoff(BackoffOptions options, RandomSource random)
    : options_(options), random_(random ? std::move(random) : make_random_source()) {}

std::chrono::milliseconds JitteredBackoff::next() {
  using std::chrono::milliseconds;
  const milliseconds cap = std::max(options_.max, options_.initial);
  milliseconds delay = options_.initial;
  // Doubling stops at the cap, so a long run of failures cannot overflow.
  for (int i = 0; i < failures_ && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  ++failures_;
  const double stretch = 1.0 + options_.jitter * std::clamp(random_(), 0.0, 1.0);
  return milliseconds(static_cast<milliseconds::rep>(static_cast<double>(delay.count()) * stretch));
}

int jittered_watch_timeout_seconds(std::chrono::seconds min_timeout, double random01) {
  const double r = std::clamp(random01, 0.0, 1.0);
  const auto seconds = static_cast<int>(static_cast<double>(min_timeout.count()) * (1.0 + r));
  return std::max(seconds, 1);
}

}  // namespace sqlop::controller
