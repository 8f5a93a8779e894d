// Leader election on a coordination.k8s.io/v1 Lease, after client-go's tools/leaderelection with a LeaseLock.
//
// A LeaderElector runs on its own thread. Until it leads it tries to acquire the lease every retry_period
// (jittered by up to 1.2x, as client-go does, so standbys do not move in step); once it leads it renews every
// retry_period. Writes are conditional on resourceVersion: a 409 just means "someone else wrote first, look
// again at the next attempt". The decisions themselves are the pure functions of lease_decision.hpp; this
// class adds the I/O, the local monotonic "observed at" time of the record, and the callbacks.
//
// Leadership ends in exactly one of two ways:
// - lost: renewals kept failing for renew_deadline, or the lease was found naming another holder. The
//   elector calls on_stopped_leading and its thread ends; it does not try again. The caller is expected to
//   exit the process, as controller-runtime does: work done by a deposed leader is not safe.
// - stop(): the caller shuts down. A leader releases the lease first (when release_on_cancel), so a standby
//   takes over on its next attempt instead of after lease_duration. on_stopped_leading is NOT called.
//
// Each attempt is bounded by the client's request timeout, not by the elector: give the client a request
// timeout well below renew_deadline (client-go bounds every attempt by the renew deadline), or a hung request
// delays stepping down.
//
// Thread-safety: is_leader() and leader_identity() may be called from any thread; start() and stop() from
// one controlling thread. Callbacks run on the elector's thread, one at a time; they must return promptly
// (start long work on another thread), must not throw and must not call stop().
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "host/controller/leader_election_config.hpp"
#include "host/controller/lease_decision.hpp"
#include "host/controller/rate_limiter.hpp"
#include "host/kube/client.hpp"

namespace sqlop::controller {

struct LeaderCallbacks {
  std::function<void()> on_started_leading;                 // this process now leads
  std::function<void()> on_stopped_leading;                 // leadership lost (see above); not on stop()
  std::function<void(const std::string&)> on_new_leader;    // the lease names a new, non-empty holder (me too)
};

class LeaderElector {
 public:
  // REQUIRES: validate_leader_election_config(config) found no problem; `client` and `clock` outlive this
  // elector. `clock` must be monotonic; it times attempts and measures lease expiry.
  LeaderElector(const kube::Client& client, LeaderElectionConfig config, LeaderCallbacks callbacks,
                const Clock& clock = steady_clock());
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;
  ~LeaderElector();  // stop()

  // Starts the election thread. REQUIRES: not started before.
  void start();
  // Ends the election: wakes the thread (an attempt already in flight finishes first), joins it, and, if
  // this process leads and release_on_cancel is set, releases the lease. Returns once that is done. Safe to
  // call more than once, and before start().
  void stop();

  bool is_leader() const { return leading_.load(); }
  // The last non-empty holder this elector saw in the lease ("" before it saw one).
  std::string leader_identity() const;
  const LeaderElectionConfig& config() const { return config_; }

 private:
  enum class Attempt { Holding, HeldByOther, Failed };

  void run();
  void acquire_loop();
  void renew_loop();
  Attempt try_acquire_or_renew();
  std::optional<Attempt> try_fast_renew(MonotonicTime now);
  Attempt write_lease(const kube::Result<json::Value>& written, LeaseAction action, MonotonicTime now);
  void observe(const std::optional<json::Value>& lease, MonotonicTime now);
  void report_holder(const std::string& holder);
  void step_down(const std::string& why);
  void release();
  bool stop_requested() const;
  // Waits until `deadline` or until stop() is called; true when stopping.
  bool wait_until_stopped(MonotonicTime deadline);
  std::chrono::milliseconds jittered_retry_period();
  std::string lease_key() const { return config_.lease_namespace + "/" + config_.lease_name; }

  const kube::Client& client_;
  const LeaderElectionConfig config_;
  const LeaderCallbacks callbacks_;
  const Clock& clock_;

  std::thread thread_;
  std::atomic<bool> leading_{false};

  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;        // GUARDED_BY(mutex_)
  std::string reported_leader_;  // GUARDED_BY(mutex_)

  // Owned by the election thread while it runs; by stop() after it has been joined.
  std::optional<LeaseRecord> observed_record_;
  MonotonicTime observed_at_{};
  std::optional<json::Value> held_lease_;  // the Lease as I last wrote it, while I lead
  MonotonicTime last_renewed_{};           // when the attempt that last wrote held_lease_ began
  std::mt19937_64 random_;
};

}  // namespace sqlop::controller
