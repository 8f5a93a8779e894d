// The reflector's timing decisions (host/controller/backoff.hpp): backoff after failures and the jittered
// watch timeout. Pure: random numbers come from the test.
#include "host/controller/backoff.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

using namespace std::chrono_literals;
using sqlop::controller::BackoffOptions;
using sqlop::controller::JitteredBackoff;
using sqlop::controller::jittered_watch_timeout_seconds;
using sqlop::controller::make_random_source;

namespace {

// Always the same random number.
sqlop::controller::RandomSource constant(double r) {
  return [r] { return r; };
}

}  // namespace

TEST_CASE("backoff without jitter doubles from 800 ms and stops at 30 s", "[informer]") {
  BackoffOptions options;
  options.jitter = 0;
  JitteredBackoff backoff(options, constant(0.7));
  std::vector<long long> waits;
  for (int i = 0; i < 9; ++i) waits.push_back(backoff.next().count());
  CHECK(waits == std::vector<long long>{800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000});
  CHECK(backoff.failures() == 9);
}

TEST_CASE("backoff reset starts over at the initial delay", "[informer]") {
  BackoffOptions options;
  options.jitter = 0;
  JitteredBackoff backoff(options, constant(0));
  backoff.next();
  backoff.next();
  backoff.next();
  backoff.reset();
  CHECK(backoff.failures() == 0);
  CHECK(backoff.next() == 800ms);
  CHECK(backoff.next() == 1600ms);
}

TEST_CASE("backoff jitter stretches each wait by a share from 0 up to the jitter", "[informer]") {
  BackoffOptions options;  // defaults: 800 ms, 30 s, jitter 0.25
  JitteredBackoff lowest(options, constant(0.0));
  JitteredBackoff highest(options, constant(0.999));
  JitteredBackoff middle(options, constant(0.5));
  CHECK(lowest.next() == 800ms);
  CHECK(highest.next() == 999ms);  // 800 * (1 + 0.25 * 0.999) = 999.8, truncated
  CHECK(middle.next() == 900ms);
  for (int i = 0; i < 10; ++i) {
    lowest.next();
    highest.next();
  }
  CHECK(lowest.next() == 30000ms);
  CHECK(highest.next() == 37492ms);  // the cap applies before the jitter
}

TEST_CASE("backoff with real randomness stays within its bounds and varies", "[informer]") {
  BackoffOptions options;
  options.initial = 100ms;
  options.max = 1000ms;
  options.jitter = 0.5;
  JitteredBackoff backoff(options, make_random_source());
  bool varied = false;
  std::chrono::milliseconds first_of_run{0};
  for (int run = 0; run < 50; ++run) {
    backoff.reset();
    const long long expected_base[] = {100, 200, 400, 800, 1000, 1000};
    for (const long long base : expected_base) {
      const auto wait = backoff.next();
      CHECK(wait.count() >= base);
      CHECK(wait.count() < base + base / 2);
      if (base == 100) {
        if (run > 0 && wait != first_of_run) varied = true;
        first_of_run = wait;
      }
    }
  }
  CHECK(varied);
}

TEST_CASE("backoff options are honoured (small values for tests)", "[informer]") {
  BackoffOptions options;
  options.initial = 10ms;
  options.max = 35ms;
  options.jitter = 0;
  JitteredBackoff backoff(options, constant(0.3));
  CHECK(backoff.next() == 10ms);
  CHECK(backoff.next() == 20ms);
  CHECK(backoff.next() == 35ms);
  CHECK(backoff.next() == 35ms);
}

TEST_CASE("backoff survives a long run of failures without overflow", "[informer]") {
  BackoffOptions options;
  options.jitter = 0;
  JitteredBackoff backoff(options, constant(0));
  for (int i = 0; i < 10000; ++i) backoff.next();
  CHECK(backoff.next() == 30000ms);
}

TEST_CASE("watch timeout is jittered from min up to twice min seconds", "[informer]") {
  CHECK(jittered_watch_timeout_seconds(300s, 0.0) == 300);
  CHECK(jittered_watch_timeout_seconds(300s, 0.5) == 450);
  CHECK(jittered_watch_timeout_seconds(300s, 0.9999) == 599);
  CHECK(jittered_watch_timeout_seconds(2s, 0.7) == 3);
  CHECK(jittered_watch_timeout_seconds(0s, 0.5) == 1);  // never 0, which would mean the server's default
  const auto random = make_random_source();
  for (int i = 0; i < 200; ++i) {
    const int t = jittered_watch_timeout_seconds(300s, random());
    CHECK(t >= 300);
    CHECK(t < 600);
  }
}
