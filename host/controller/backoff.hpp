// The reflector's timing decisions, as pure values: how long to wait after a failed list or watch, and how
// long to ask the server to keep one watch open. client-go's reflector is the model (backoff 800 ms doubling
// to 30 s with jitter, reset once things work again; watch timeouts spread over [5, 10) minutes so that the
// watches of many clients do not all end at once).
#pragma once

#include <chrono>
#include <functional>

namespace sqlop::controller {

// A source of uniform random numbers in [0, 1). Called from one thread at a time.
using RandomSource = std::function<double()>;

// A RandomSource seeded from std::random_device; each call of this function makes an independent one.
RandomSource make_random_source();

struct BackoffOptions {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30000};
  // Each wait is stretched by a random share in [0, jitter) of itself, so clients that failed together
  // do not retry together. 0 = no jitter.
  double jitter = 0.25;
};

// Exponential backoff with jitter: the n-th consecutive failure (from 0) waits
//   d_n * (1 + jitter * r),  d_n = min(initial * 2^n, max),  r uniform in [0, 1),
// so a wait is in [d_n, d_n * (1 + jitter)). reset() starts over at `initial`.
// Not thread-safe: one reflector thread owns one.
class JitteredBackoff {
 public:
  // An empty `random` means make_random_source().
  explicit JitteredBackoff(BackoffOptions options = {}, RandomSource random = {});

  // The wait before the next retry; counts one more failure.
  std::chrono::milliseconds next();
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  const BackoffOptions options_;
  RandomSource random_;
  int failures_ = 0;
};

// The timeoutSeconds for one watch: min_timeout * (1 + r), r uniform in [0, 1), in whole seconds and at
// least 1. With the default 5 minutes that is [300, 600).
int jittered_watch_timeout_seconds(std::chrono::seconds min_timeout, double random01);

}  // namespace sqlop::controller
