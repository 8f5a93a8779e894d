// Leader election (host/controller/leader_election.hpp) against the real kube-testserver: candidates in one
// test process stand for operator processes, each with its own Client. Short durations keep the tests fast;
// every wait polls with a deadline, and the only time checks are lower bounds (nobody takes over a live lease
// early).
#include "host/controller/leader_election.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "host/controller/leader_election_config.hpp"
#include "host/kube/client.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using sqlop::controller::LeaderCallbacks;
using sqlop::controller::LeaderElectionConfig;
using sqlop::controller::LeaderElector;
using sqlop::controller::LeaseRecord;
using sqlop::controller::read_lease_record;
namespace rt = sqlop::runtime_testing;
namespace kube = sqlop::kube;

namespace {

const char* const kLeaseName = "sqlite-operator-leader";

// One candidate: its own Client (as another process would have), an elector and what its callbacks saw.
class Candidate {
 public:
  Candidate(const std::string& kubeconfig, const std::string& ns, const std::string& identity,
            std::chrono::milliseconds lease_duration, bool release_on_cancel = true)
      : client_(rt::make_client(kubeconfig, {}, fast_requests())) {
    LeaderElectionConfig config;
    config.lease_namespace = ns;
    config.lease_name = kLeaseName;
    config.identity = identity;
    config.lease_duration = lease_duration;
    config.renew_deadline = 1500ms;
    config.retry_period = 200ms;
    config.release_on_cancel = release_on_cancel;
    REQUIRE_FALSE(sqlop::controller::validate_leader_election_config(config));

    LeaderCallbacks callbacks;
    callbacks.on_started_leading = [this] { ++started_; };
    callbacks.on_stopped_leading = [this] {
      stopped_at_ = std::chrono::steady_clock::now().time_since_epoch().count();
      ++stopped_;
    };
    callbacks.on_new_leader = [this](const std::string& leader) {
      const std::lock_guard<std::mutex> lock(mutex_);
      new_leaders_.push_back(leader);
    };
    elector_ = std::make_unique<LeaderElector>(client_, config, callbacks);
  }

  // The elector's thread calls back into this object: end it before the members go.
  ~Candidate() { elector_->stop(); }
  Candidate(const Candidate&) = delete;
  Candidate& operator=(const Candidate&) = delete;

  LeaderElector& elector() { return *elector_; }
  const std::string& identity() const { return elector_->config().identity; }
  int started() const { return started_.load(); }
  int stopped() const { return stopped_.load(); }
  std::chrono::steady_clock::time_point stopped_at() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(stopped_at_.load()));
  }
  std::vector<std::string> new_leaders() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return new_leaders_;
  }

 private:
  // Attempts must end well inside the renew deadline (see leader_election.hpp).
  static kube::TransportOptions fast_requests() {
    kube::TransportOptions options;
    options.connect_timeout_ms = 500;
    options.request_timeout_ms = 500;
    return options;
  }

  kube::Client client_;
  std::unique_ptr<LeaderElector> elector_;
  std::atomic<int> started_{0};
  std::atomic<int> stopped_{0};
  std::atomic<std::chrono::steady_clock::duration::rep> stopped_at_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> new_leaders_;
};

LeaseRecord read_lease(const kube::Client& client, const std::string& ns) {
  const auto lease = client.get(kube::types::leases(), ns, kLeaseName);
  INFO((lease.error ? lease.error->to_string() : std::string()));
  REQUIRE(lease.ok());
  return read_lease_record(*lease.value);
}

std::string holder(const kube::Client& client, const std::string& ns) {
  const auto lease = client.get(kube::types::leases(), ns, kLeaseName);
  return lease.ok() ? read_lease_record(*lease.value).holder_identity : "";
}

struct Cluster {
  std::unique_ptr<rt::ServerProcess> server = rt::start_testserver();
  kube::Client admin = rt::make_client(server->kubeconfig_path());
  std::string ns = rt::create_namespace(admin, "leader");
};

}  // namespace

TEST_CASE("of two candidates exactly one leads, and the lease names it", "[leader]") {
  Cluster cluster;
  Candidate a(cluster.server->kubeconfig_path(), cluster.ns, "candidate-a", 2s);
  Candidate b(cluster.server->kubeconfig_path(), cluster.ns, "candidate-b", 2s);
  a.elector().start();
  b.elector().start();

  REQUIRE(rt::eventually([&] { return a.elector().is_leader() || b.elector().is_leader(); }));
  Candidate& leader = a.elector().is_leader() ? a : b;
  Candidate& standby = a.elector().is_leader() ? b : a;

  const LeaseRecord first = read_lease(cluster.admin, cluster.ns);
  CHECK(first.holder_identity == leader.identity());
  CHECK(first.lease_duration_seconds == 2);
  CHECK(first.lease_transitions == 0);
  const std::regex micro_time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  CHECK(std::regex_match(first.renew_time, micro_time));
  CHECK(std::regex_match(first.acquire_time, micro_time));
  CHECK(leader.started() == 1);

  // The standby learns who leads; over several retry periods and lease durations, never both lead, and the
  // leader keeps renewing (renewTime moves, acquireTime stays).
  REQUIRE(rt::eventually([&] { return standby.elector().leader_identity() == leader.identity(); }));
  CHECK(standby.new_leaders() == std::vector<std::string>{leader.identity()});
  CHECK(leader.new_leaders() == std::vector<std::string>{leader.identity()});
  const auto watch_until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < watch_until) {
    REQUIRE(leader.elector().is_leader());
    REQUIRE_FALSE(standby.elector().is_leader());
    std::this_thread::sleep_for(20ms);
  }
  const LeaseRecord later = read_lease(cluster.admin, cluster.ns);
  CHECK(later.holder_identity == leader.identity());
  CHECK(later.renew_time != first.renew_time);
  CHECK(later.acquire_time == first.acquire_time);
  CHECK(later.lease_transitions == 0);
  CHECK(standby.started() == 0);
  CHECK(leader.stopped() == 0);
}

TEST_CASE("a leader that stops releases the lease and the standby takes over at once", "[leader]") {
  Cluster cluster;
  // A lease of 30 s: the standby can only take over within the 10 s the test waits if the lease was released.
  Candidate a(cluster.server->kubeconfig_path(), cluster.ns, "candidate-a", 30s);
  a.elector().start();
  REQUIRE(rt::eventually([&] { return a.elector().is_leader(); }));
  Candidate b(cluster.server->kubeconfig_path(), cluster.ns, "candidate-b", 30s);
  b.elector().start();
  REQUIRE(rt::eventually([&] { return b.elector().leader_identity() == "candidate-a"; }));

  a.elector().stop();
  CHECK_FALSE(a.elector().is_leader());
  CHECK(a.stopped() == 0);  // stop() is not a loss of leadership

  REQUIRE(rt::eventually([&] { return b.elector().is_leader(); }, 10s));
  const LeaseRecord record = read_lease(cluster.admin, cluster.ns);
  CHECK(record.holder_identity == "candidate-b");
  CHECK(record.lease_duration_seconds == 30);
  CHECK(record.lease_transitions == 1);
  CHECK(b.new_leaders() == std::vector<std::string>{"candidate-a", "candidate-b"});

  b.elector().stop();
  const LeaseRecord released = read_lease(cluster.admin, cluster.ns);
  CHECK(released.holder_identity.empty());
  CHECK(released.lease_duration_seconds == 1);
  CHECK(released.lease_transitions == 1);
}

TEST_CASE("a leader that vanishes without releasing is replaced once its lease expires", "[leader]") {
  Cluster cluster;
  // release_on_cancel off: stop() leaves the lease as a crashed process would.
  Candidate a(cluster.server->kubeconfig_path(), cluster.ns, "candidate-a", 2s, /*release_on_cancel=*/false);
  Candidate b(cluster.server->kubeconfig_path(), cluster.ns, "candidate-b", 2s);
  a.elector().start();
  REQUIRE(rt::eventually([&] { return a.elector().is_leader(); }));
  b.elector().start();
  REQUIRE(rt::eventually([&] { return b.elector().leader_identity() == "candidate-a"; }));
  const std::string acquired_by_a = read_lease(cluster.admin, cluster.ns).acquire_time;

  a.elector().stop();
  const auto vanished = std::chrono::steady_clock::now();
  CHECK(holder(cluster.admin, cluster.ns) == "candidate-a");

  REQUIRE(rt::eventually([&] { return b.elector().is_leader(); }, 10s));
  // The standby last saw a's lease change at most one of its (jittered) retry periods, 0.44 s, before a
  // vanished, and waits a full lease duration from then: it cannot have taken over sooner.
  CHECK(std::chrono::steady_clock::now() - vanished >= 1500ms);
  const LeaseRecord record = read_lease(cluster.admin, cluster.ns);
  CHECK(record.holder_identity == "candidate-b");
  CHECK(record.lease_transitions == 1);
  CHECK(record.acquire_time != acquired_by_a);
  CHECK(a.stopped() == 0);
}

TEST_CASE("a leader whose lease writes fail steps down after the renew deadline", "[leader]") {
  Cluster cluster;
  Candidate a(cluster.server->kubeconfig_path(), cluster.ns, "candidate-a", 2s);
  a.elector().start();
  REQUIRE(rt::eventually([&] { return a.elector().is_leader(); }));
  REQUIRE(a.started() == 1);

  const kube::HttpResponse faults =
      rt::admin_request(cluster.admin, "PUT", "/_testserver/faults", R"({"errorRate": 1.0, "resources": ["leases"]})");
  REQUIRE(faults.status == 200);
  const auto faulted = std::chrono::steady_clock::now();

  REQUIRE(rt::eventually([&] { return a.stopped() == 1; }, 10s));
  CHECK_FALSE(a.elector().is_leader());
  // Its last successful renewal began at most one retry period (0.2 s) before the faults: it held on for the
  // rest of the 1.5 s renew deadline.
  CHECK(a.stopped_at() - faulted >= 1200ms);

  rt::admin_request(cluster.admin, "DELETE", "/_testserver/faults");
  // It does not try again (the process is expected to exit), and it cannot have released the lease.
  std::this_thread::sleep_for(500ms);
  CHECK(a.started() == 1);
  CHECK_FALSE(a.elector().is_leader());
  CHECK(holder(cluster.admin, cluster.ns) == "candidate-a");
  a.elector().stop();
  CHECK(holder(cluster.admin, cluster.ns) == "candidate-a");  // stop() after a loss releases nothing
}
