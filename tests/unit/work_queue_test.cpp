// Work queue and rate limiters: client-go's workqueue contract (see host/controller/work_queue.hpp).
// Time-dependent behaviour runs on a hand-moved clock; the few real-time tests assert only lower bounds
// that steady_clock guarantees, or generous upper bounds.
#include "host/controller/work_queue.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/controller/rate_limiter.hpp"

using namespace std::chrono_literals;
using sqlop::controller::Clock;
using sqlop::controller::ItemExponentialRateLimiter;
using sqlop::controller::QueueMetricsListener;
using sqlop::controller::RateLimiter;
using sqlop::controller::TokenBucketRateLimiter;
using sqlop::controller::WorkQueue;
using sqlop::controller::WorkQueueOptions;

namespace {

// Time moves only when the test says so. Waiting polls in 1 ms real-time steps, so a queue's timer thread
// notices advance() promptly without the test sleeping for the simulated delay.
class ManualClock final : public Clock {
 public:
  TimePoint now() const override { return TimePoint(Duration(ticks_.load())); }
  void advance(Duration d) { ticks_ += d.count(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, TimePoint) const override {
    cv.wait_for(lock, 1ms);
  }

 private:
  std::atomic<Duration::rep> ticks_{Duration(1h).count()};
};

struct RecordingMetrics final : QueueMetricsListener {
  std::vector<std::size_t> depths;
  int adds = 0;
  int retries = 0;
  std::vector<double> latencies;
  std::vector<double> durations;
  void on_depth(std::size_t depth) override { depths.push_back(depth); }
  void on_add() override { ++adds; }
  void on_retry() override { ++retries; }
  void on_queue_latency(Seconds waited) override { latencies.push_back(waited.count()); }
  void on_work_duration(Seconds held) override { durations.push_back(held.count()); }
};

WorkQueueOptions manual_options(const ManualClock& clock, std::unique_ptr<RateLimiter> limiter = nullptr) {
  WorkQueueOptions options;
  options.name = "test";
  options.clock = &clock;
  options.rate_limiter = std::move(limiter);
  return options;
}

// Waits (in real time, bounded generously) until `done` holds; false on timeout.
template <class Predicate>
bool eventually(Predicate done, std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

// --- the base queue ---------------------------------------------------------------------------------

TEST_CASE("work queue hands keys out first in, first out", "[workqueue]") {
  WorkQueue queue;
  queue.add("ns/a");
  queue.add("ns/b");
  queue.add("ns/c");
  CHECK(queue.get() == std::optional<std::string>("ns/a"));
  CHECK(queue.get() == std::optional<std::string>("ns/b"));
  CHECK(queue.get() == std::optional<std::string>("ns/c"));
}

TEST_CASE("work queue deduplicates a key added many times before it is taken", "[workqueue]") {
  auto metrics = std::make_shared<RecordingMetrics>();
  WorkQueueOptions options;
  options.metrics = metrics;
  WorkQueue queue(std::move(options));
  for (int i = 0; i < 5; ++i) queue.add("ns/a");
  queue.add("ns/b");
  queue.add("ns/a");
  CHECK(queue.len() == 2);
  CHECK(metrics->adds == 2);
  CHECK(queue.get() == std::optional<std::string>("ns/a"));
  CHECK(queue.get() == std::optional<std::string>("ns/b"));
  CHECK(queue.len() == 0);
}

TEST_CASE("work queue never hands out a held key, an add while held re-queues it once at done", "[workqueue]") {
  WorkQueue queue;
  queue.add("ns/a");
  REQUIRE(queue.get() == std::optional<std::string>("ns/a"));

  for (int i = 0; i < 3; ++i) queue.add("ns/a");
  CHECK(queue.len() == 0);  // held: not ready, whatever the adds
  queue.add("ns/b");
  CHECK(queue.get() == std::optional<std::string>("ns/b"));  // the next worker gets b, not a

  queue.done("ns/a");
  CHECK(queue.len() == 1);  // three adds while held -> queued once
  CHECK(queue.get() == std::optional<std::string>("ns/a"));
  queue.done("ns/a");
  CHECK(queue.len() == 0);  // not added during the second hold: not queued again
}

TEST_CASE("work queue done for a key that is not held changes nothing", "[workqueue]") {
  WorkQueue queue;
  queue.add("ns/a");
  queue.done("ns/a");  // queued, not held
  queue.done("ns/zzz");
  CHECK(queue.len() == 1);
  CHECK(queue.get() == std::optional<std::string>("ns/a"));
}

TEST_CASE("work queue: 8 workers hammering one key never process it concurrently and miss no add", "[workqueue]") {
  WorkQueue queue;
  std::atomic<bool> busy{false};
  std::atomic<int> overlaps{0};
  std::atomic<int> passes{0};
  std::atomic<int> version{0};     // bumped by producers before each add
  std::atomic<int> seen_final{0};  // set when a pass starts after the final add

  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.get()) {
        if (busy.exchange(true)) ++overlaps;
        const int observed = version.load();
        for (int i = 0; i < 20; ++i) std::this_thread::yield();
        busy = false;
        ++passes;
        if (observed == -1) seen_final = 1;
        queue.done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        ++version;
        queue.add("ns/hot");
      }
    });
  }
  for (auto& t : producers) t.join();
  // The last change: a pass must start after it, even when the key is held right now.
  version = -1;
  queue.add("ns/hot");
  CHECK(eventually([&] { return seen_final.load() == 1; }));
  queue.shut_down();
  for (auto& t : workers) t.join();

  CHECK(overlaps == 0);
  CHECK(passes >= 1);
  CHECK(passes <= 20001);
}

TEST_CASE("work queue loses no key under concurrent producers and consumers", "[workqueue]") {
  WorkQueue queue;
  constexpr int kKeys = 2000;
  std::mutex seen_mutex;
  std::set<std::string> seen;
  std::atomic<int> in_flight_same_key{0};
  std::vector<std::atomic<int>> holders(kKeys);

  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.get()) {
        const int index = std::stoi(key->substr(key->find('-') + 1));
        if (holders[index].fetch_add(1) != 0) ++in_flight_same_key;
        {
          const std::lock_guard<std::mutex> lock(seen_mutex);
          seen.insert(*key);
        }
        holders[index].fetch_sub(1);
        queue.done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      // Every producer adds every key (heavy duplication), each in its own order.
      for (int i = 0; i < kKeys; ++i) queue.add("ns/item-" + std::to_string((i * (p + 1) * 7 + p) % kKeys));
    });
  }
  for (auto& t : producers) t.join();
  const bool all_seen = eventually([&] {
    const std::lock_guard<std::mutex> lock(seen_mutex);
    return seen.size() == kKeys;
  });
  queue.shut_down();
  for (auto& t : workers) t.join();
  CHECK(all_seen);
  CHECK(in_flight_same_key == 0);
}

// --- delays -----------------------------------------------------------------------------------------

TEST_CASE("work queue add_after releases keys in ready-time order, not before their time", "[workqueue]") {
  ManualClock clock;
  WorkQueue queue(manual_options(clock));
  queue.add_after("ns/c", 30s);
  queue.add_after("ns/a", 10s);
  queue.add_after("ns/b", 20s);
  CHECK(queue.len() == 0);

  clock.advance(10s);
  CHECK(queue.get() == std::optional<std::string>("ns/a"));
  clock.advance(25s);  // b and c are both due: they come out in ready-time order
  CHECK(queue.get() == std::optional<std::string>("ns/b"));
  CHECK(queue.get() == std::optional<std::string>("ns/c"));
}

TEST_CASE("work queue add_after: a key waits once, and the earlier ready time wins", "[workqueue]") {
  ManualClock clock;
  WorkQueue queue(manual_options(clock));
  queue.add_after("ns/k", 10s);
  queue.add_after("ns/k", 5s);   // earlier: replaces
  queue.add_after("ns/k", 20s);  // later: ignored
  clock.advance(5s);
  REQUIRE(queue.get() == std::optional<std::string>("ns/k"));
  queue.done("ns/k");

  // Had an entry for k at +10 s or +20 s survived, it would be released before the sentinel at +26 s.
  clock.advance(25s);
  queue.add_after("ns/sentinel", 1s);
  clock.advance(1s);
  CHECK(queue.get() == std::optional<std::string>("ns/sentinel"));
  CHECK(queue.len() == 0);
}

TEST_CASE("work queue add_after with no delay adds at once and still deduplicates", "[workqueue]") {
  ManualClock clock;
  WorkQueue queue(manual_options(clock));
  queue.add("ns/a");
  queue.add_after("ns/a", 0s);
  queue.add_after("ns/b", -1s);
  CHECK(queue.len() == 2);
}

TEST_CASE("work queue add_after honours real delays in order", "[workqueue]") {
  WorkQueue queue;
  const auto start = std::chrono::steady_clock::now();
  queue.add_after("ns/slow", 60ms);
  queue.add_after("ns/fast", 20ms);
  queue.add_after("ns/middle", 40ms);
  CHECK(queue.get() == std::optional<std::string>("ns/fast"));
  CHECK(std::chrono::steady_clock::now() - start >= 20ms);
  CHECK(queue.get() == std::optional<std::string>("ns/middle"));
  CHECK(queue.get() == std::optional<std::string>("ns/slow"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 60ms);
  CHECK(elapsed < 10s);
}

// --- rate limiting ----------------------------------------------------------------------------------

TEST_CASE("exponential rate limiter: 5 ms * 2^failures, capped at 1000 s, per key", "[workqueue]") {
  ItemExponentialRateLimiter limiter;
  CHECK(limiter.when("ns/a") == 5ms);
  CHECK(limiter.when("ns/a") == 10ms);
  CHECK(limiter.when("ns/a") == 20ms);
  CHECK(limiter.when("ns/a") == 40ms);
  CHECK(limiter.num_requeues("ns/a") == 4);
  CHECK(limiter.when("ns/b") == 5ms);  // keys are independent
  CHECK(limiter.num_requeues("ns/b") == 1);
  CHECK(limiter.num_requeues("ns/never") == 0);

  for (int n = 4; n < 17; ++n) limiter.when("ns/a");
  CHECK(limiter.when("ns/a") == 655360ms);              // 5 ms * 2^17
  CHECK(limiter.when("ns/a") == 1000s);                 // 5 ms * 2^18 = 1310.72 s > cap
  for (int n = 0; n < 2000; ++n) limiter.when("ns/a");  // 2^2000 must not overflow into a short delay
  CHECK(limiter.when("ns/a") == 1000s);
}

TEST_CASE("exponential rate limiter: forget starts the key over", "[workqueue]") {
  ItemExponentialRateLimiter limiter(1s, 60s);
  limiter.when("ns/a");
  limiter.when("ns/a");
  CHECK(limiter.when("ns/a") == 4s);
  limiter.forget("ns/a");
  CHECK(limiter.num_requeues("ns/a") == 0);
  CHECK(limiter.when("ns/a") == 1s);
}

TEST_CASE("token bucket rate limiter: burst, then qps, refilled by elapsed time", "[workqueue]") {
  ManualClock clock;
  TokenBucketRateLimiter limiter(10.0, 3, clock);
  CHECK(limiter.when("x") == 0s);
  CHECK(limiter.when("y") == 0s);
  CHECK(limiter.when("z") == 0s);
  CHECK(limiter.when("x") == 100ms);  // borrowed one token
  CHECK(limiter.when("x") == 200ms);  // and a second
  clock.advance(1s);                  // +10 tokens, capped at the burst of 3
  CHECK(limiter.when("x") == 0s);
  CHECK(limiter.when("x") == 0s);
  CHECK(limiter.when("x") == 0s);
  CHECK(limiter.when("x") == 100ms);
  CHECK(limiter.num_requeues("x") == 0);
}

TEST_CASE("default controller rate limiter: per-key backoff, and an overall cap of 10/s after 100", "[workqueue]") {
  ManualClock clock;
  const auto limiter = sqlop::controller::default_controller_rate_limiter(clock);
  CHECK(limiter->when("ns/a") == 5ms);
  CHECK(limiter->when("ns/a") == 10ms);
  CHECK(limiter->num_requeues("ns/a") == 2);
  limiter->forget("ns/a");
  CHECK(limiter->num_requeues("ns/a") == 0);
  for (int i = 0; i < 98; ++i) CHECK(limiter->when("ns/k" + std::to_string(i)) == 5ms);
  // The bucket's 100 tokens are spent (2 + 98): the next failure of a fresh key waits for the bucket.
  CHECK(limiter->when("ns/fresh") == 100ms);
}

TEST_CASE("work queue add_rate_limited backs off per key, forget resets", "[workqueue]") {
  ManualClock clock;
  auto metrics = std::make_shared<RecordingMetrics>();
  auto options = manual_options(clock, std::make_unique<ItemExponentialRateLimiter>(1s, 1000s));
  options.metrics = metrics;
  WorkQueue queue(std::move(options));

  queue.add_rate_limited("ns/a");
  CHECK(queue.num_requeues("ns/a") == 1);
  CHECK(queue.len() == 0);
  clock.advance(1s);
  REQUIRE(queue.get() == std::optional<std::string>("ns/a"));
  queue.done("ns/a");

  queue.add_rate_limited("ns/a");  // second failure: 2 s
  queue.add_after("ns/marker", 1500ms);
  clock.advance(2s);
  CHECK(queue.get() == std::optional<std::string>("ns/marker"));  // released before a, so a waited > 1.5 s
  CHECK(queue.get() == std::optional<std::string>("ns/a"));
  queue.done("ns/a");
  CHECK(queue.num_requeues("ns/a") == 2);
  CHECK(metrics->retries == 2);

  queue.forget("ns/a");
  CHECK(queue.num_requeues("ns/a") == 0);
  queue.add_rate_limited("ns/a");
  queue.add_after("ns/after", 1500ms);
  clock.advance(2s);
  CHECK(queue.get() == std::optional<std::string>("ns/a"));  // back to 1 s
}

// --- shutdown ---------------------------------------------------------------------------------------

TEST_CASE("work queue shut_down wakes blocked workers and stops handing out keys", "[workqueue]") {
  WorkQueue queue;
  std::atomic<int> exited{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] {
      if (!queue.get()) ++exited;
    });
  }
  queue.shut_down();
  for (auto& t : workers) t.join();
  CHECK(exited == 3);
  CHECK(queue.shutting_down());
}

TEST_CASE("work queue after shut_down: get returns nothing at once, adds are ignored", "[workqueue]") {
  ManualClock clock;
  WorkQueue queue(manual_options(clock));
  queue.add("ns/queued");
  queue.shut_down();
  CHECK_FALSE(queue.get().has_value());
  queue.add("ns/late");
  queue.add_after("ns/later", 1s);
  queue.add_rate_limited("ns/failed");
  CHECK(queue.len() == 1);  // only the key queued before shutdown, never handed out
  CHECK_FALSE(queue.get().has_value());
}

TEST_CASE("work queue shut_down_with_drain waits for every held key", "[workqueue]") {
  WorkQueue queue;
  queue.add("ns/a");
  queue.add("ns/b");
  const auto a = queue.get();
  const auto b = queue.get();
  REQUIRE(a);
  REQUIRE(b);

  std::atomic<bool> drained{false};
  std::thread drainer([&] {
    queue.shut_down_with_drain();
    drained = true;
  });
  REQUIRE(eventually([&] { return queue.shutting_down(); }));
  CHECK_FALSE(queue.get().has_value());  // no new work while draining
  queue.done(*a);
  std::this_thread::sleep_for(20ms);
  CHECK_FALSE(drained);  // b is still held
  queue.done(*b);
  drainer.join();
  CHECK(drained);
}

TEST_CASE("work queue shut_down_with_drain returns at once when nothing is held", "[workqueue]") {
  WorkQueue queue;
  queue.add("ns/a");
  queue.shut_down_with_drain();
  CHECK(queue.shutting_down());
}

TEST_CASE("work queue destructor stops the timer even with keys still waiting", "[workqueue]") {
  const auto start = std::chrono::steady_clock::now();
  {
    WorkQueue queue;
    queue.add_after("ns/a", 1h);
  }
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

// --- metrics ----------------------------------------------------------------------------------------

TEST_CASE("work queue reports depth, adds, queue latency and work duration", "[workqueue]") {
  ManualClock clock;
  auto metrics = std::make_shared<RecordingMetrics>();
  auto options = manual_options(clock);
  options.metrics = metrics;
  WorkQueue queue(std::move(options));

  queue.add("ns/a");
  queue.add("ns/b");
  queue.add("ns/a");
  clock.advance(2s);
  const auto a = queue.get();
  clock.advance(3s);
  queue.done(*a);

  CHECK(metrics->adds == 2);
  CHECK(metrics->depths == std::vector<std::size_t>{1, 2, 1});
  REQUIRE(metrics->latencies.size() == 1);
  CHECK(metrics->latencies[0] == Approx(2.0));
  REQUIRE(metrics->durations.size() == 1);
  CHECK(metrics->durations[0] == Approx(3.0));
  CHECK(metrics->retries == 0);
}
