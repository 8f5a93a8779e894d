// The reconcile loop: outcomes drive the queue, exceptions are errors, one key never runs twice at once.
#include "host/controller/controller.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

using sqlop::controller::Controller;
using sqlop::controller::ControllerOptions;
using sqlop::controller::ReconcileReport;
using sqlop::controller::ReconcileResult;
using namespace std::chrono_literals;

namespace {

// Polls `condition` for up to five seconds.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

struct Recorder {
  std::mutex mutex;
  std::vector<ReconcileReport> reports;
  std::function<void(const ReconcileReport&)> hook() {
    return [this](const ReconcileReport& r) {
      const std::lock_guard<std::mutex> lock(mutex);
      reports.push_back(r);
    };
  }
  std::size_t count(const std::string& result) {
    const std::lock_guard<std::mutex> lock(mutex);
    std::size_t n = 0;
    for (const auto& r : reports) n += r.result == result ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("controller: a failing key is retried with backoff until it succeeds", "[controller]") {
  std::atomic<int> calls{0};
  Recorder recorder;
  ControllerOptions options;
  options.workers = 2;
  options.on_reconciled = recorder.hook();
  Controller c(
      [&](const std::string&) {
        return ++calls < 3 ? ReconcileResult::failure("not yet") : ReconcileResult::success();
      },
      std::move(options));
  c.enqueue("ns/a");
  c.start();
  REQUIRE(eventually([&] { return recorder.count("success") == 1; }));
  CHECK(calls == 3);
  CHECK(recorder.count("error") == 2);
  c.stop();
}

TEST_CASE("controller: an exception is an error, not a dead worker", "[controller]") {
  std::atomic<int> calls{0};
  Recorder recorder;
  ControllerOptions options;
  options.on_reconciled = recorder.hook();
  Controller c(
      [&](const std::string& key) -> ReconcileResult {
        ++calls;
        if (key == "ns/throws" && calls == 1) throw std::runtime_error("boom");
        return ReconcileResult::success();
      },
      std::move(options));
  c.start();
  c.enqueue("ns/throws");
  REQUIRE(eventually([&] { return recorder.count("success") == 1; }));
  CHECK(recorder.count("error") == 1);
  const std::lock_guard<std::mutex> lock(recorder.mutex);
  CHECK(recorder.reports.front().error.find("boom") != std::string::npos);
}

TEST_CASE("controller: one key is never reconciled by two workers at once", "[controller]") {
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};
  ControllerOptions options;
  options.workers = 4;
  Controller c(
      [&](const std::string&) {
        if (++running > 1) ++overlaps;
        std::this_thread::sleep_for(5ms);
        --running;
        ++calls;
        return ReconcileResult::success();
      },
      std::move(options));
  c.start();
  for (int i = 0; i < 50; ++i) {
    c.enqueue("ns/same");
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(eventually([&] { return c.queue_length() == 0 && running == 0; }));
  c.stop();
  CHECK(overlaps == 0);
  CHECK(calls >= 2);   // adds during a reconcile queue the key again...
  CHECK(calls <= 50);  // ...but are deduplicated
}

TEST_CASE("controller: requeue_after brings the key back later", "[controller]") {
  std::atomic<int> calls{0};
  Recorder recorder;
  ControllerOptions options;
  options.on_reconciled = recorder.hook();
  Controller c(
      [&](const std::string&) {
        ReconcileResult r;
        if (++calls == 1) r.requeue_after = 20ms;
        return r;
      },
      std::move(options));
  c.start();
  c.enqueue("ns/a");
  REQUIRE(eventually([&] { return calls == 2; }));
  CHECK(recorder.count("requeue_after") == 1);
}

TEST_CASE("controller: stop waits for the reconcile in flight and takes no new work", "[controller]") {
  std::atomic<bool> finished{false};
  std::atomic<bool> started{false};
  std::atomic<int> calls{0};
  Controller c(
      [&](const std::string&) {
        ++calls;
        started = true;
        std::this_thread::sleep_for(100ms);
        finished = true;
        return ReconcileResult::success();
      },
      {});
  c.start();
  c.enqueue("ns/slow");
  REQUIRE(eventually([&] { return started.load(); }));
  c.enqueue("ns/other");
  c.stop();
  CHECK(finished);
  CHECK(calls == 1);
}
