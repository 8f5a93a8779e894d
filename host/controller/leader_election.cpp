#include "host/controller/leader_election.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "host/util/rfc3339.hpp"

namespace sqlop::controller {

namespace {

// client-go's JitterFactor for the acquire loop: waits are spread over [1, 2.2) retry periods.
constexpr double kAcquireJitter = 1.2;

const kube::ResourceType& leases() { return kube::types::leases(); }

std::string wall_clock_now() { return util::format_rfc3339_micro(std::chrono::system_clock::now()); }

std::string millis(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
}

}  // namespace

LeaderElector::LeaderElector(const kube::Client& client, LeaderElectionConfig config, LeaderCallbacks callbacks,
                             const Clock& clock)
    : client_(client),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      random_(std::random_device{}()) {}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  spdlog::info("leader election: {} is a candidate for lease {}", config_.identity, lease_key());
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!leading_.load()) return;
  if (config_.release_on_cancel) {
    release();
  } else {
    spdlog::info("leader election: {} stopped leading lease {} without releasing it", config_.identity, lease_key());
  }
  leading_ = false;
}

std::string LeaderElector::leader_identity() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return reported_leader_;
}

void LeaderElector::run() {
  acquire_loop();
  if (leading_.load()) renew_loop();
}

// Tries until the lease is mine or stop() is called.
void LeaderElector::acquire_loop() {
  for (;;) {
    if (stop_requested()) return;
    if (try_acquire_or_renew() == Attempt::Holding) {
      leading_ = true;
      spdlog::info("leader election: {} acquired lease {}", config_.identity, lease_key());
      if (stop_requested()) return;  // stop() releases it at once; nobody needs to start leading
      report_holder(config_.identity);
      if (callbacks_.on_started_leading) callbacks_.on_started_leading();
      return;
    }
    if (wait_until_stopped(clock_.now() + jittered_retry_period())) return;
  }
}

// Renews every retry period until stop() is called or leadership is lost. The renew deadline counts from the
// start of the last attempt that succeeded, the instant its renewTime describes.
void LeaderElector::renew_loop() {
  for (;;) {
    const MonotonicTime deadline = last_renewed_ + config_.renew_deadline;
    if (wait_until_stopped(std::min(clock_.now() + config_.retry_period, deadline))) return;
    if (clock_.now() >= deadline) {
      step_down("could not renew it for " + millis(clock_.now() - last_renewed_));
      return;
    }
    const Attempt attempt = try_acquire_or_renew();
    if (attempt == Attempt::HeldByOther) {
      step_down("it is now held by " + observed_record_->holder_identity);
      return;
    }
  }
}

LeaderElector::Attempt LeaderElector::try_acquire_or_renew() {
  const MonotonicTime now = clock_.now();
  if (leading_.load() && held_lease_) {
    if (const std::optional<Attempt> renewed = try_fast_renew(now)) return *renewed;
  }

  kube::Result<json::Value> current = client_.get(leases(), config_.lease_namespace, config_.lease_name);
  if (!current.ok() && !current.error->is_not_found()) {
    if (leading_.load()) {
      spdlog::warn("leader election: {} could not read lease {} to renew it: {}", config_.identity, lease_key(),
                   current.error->to_string());
    } else {
      spdlog::debug("leader election: reading lease {} failed: {}", lease_key(), current.error->to_string());
    }
    return Attempt::Failed;
  }
  observe(current.value, now);

  // A leader that finds another holder named has been deposed, however old that record looks.
  if (leading_.load() && observed_record_ && !observed_record_->holder_identity.empty() &&
      observed_record_->holder_identity != config_.identity) {
    return Attempt::HeldByOther;
  }
  const LeaseAction action =
      decide_lease_action(observed_record_, config_.identity, observed_at_, now, config_.lease_duration);
  switch (action) {
    case LeaseAction::Wait:
      report_holder(observed_record_->holder_identity);
      return Attempt::HeldByOther;
    case LeaseAction::Create:
      return write_lease(client_.create(leases(), config_.lease_namespace,
                                        lease_to_write(nullptr, action, config_, wall_clock_now())),
                         action, now);
    case LeaseAction::TakeOver:
    case LeaseAction::Renew:
      return write_lease(client_.update(leases(), config_.lease_namespace,
                                        lease_to_write(&*current.value, action, config_, wall_clock_now())),
                         action, now);
  }
  return Attempt::Failed;
}

// A leader renews with one conditional update of the lease it last wrote, without reading it first (as
// client-go does). nullopt when that did not work; the caller then reads the lease and decides afresh.
std::optional<LeaderElector::Attempt> LeaderElector::try_fast_renew(MonotonicTime now) {
  const json::Value lease = lease_to_write(&*held_lease_, LeaseAction::Renew, config_, wall_clock_now());
  const kube::Result<json::Value> written = client_.update(leases(), config_.lease_namespace, lease);
  if (written.ok()) return write_lease(written, LeaseAction::Renew, now);
  spdlog::debug("leader election: renewing lease {} failed: {}", lease_key(), written.error->to_string());
  return std::nullopt;
}

LeaderElector::Attempt LeaderElector::write_lease(const kube::Result<json::Value>& written, LeaseAction action,
                                                  MonotonicTime now) {
  if (!written.ok()) {
    const kube::ApiError& error = *written.error;
    // Losing a race to another candidate is routine; anything else while leading is worth a warning.
    if (leading_.load() && error.code != 409) {
      spdlog::warn("leader election: could not {} lease {}: {}", to_string(action), lease_key(), error.to_string());
    } else {
      spdlog::debug("leader election: could not {} lease {}: {}", to_string(action), lease_key(), error.to_string());
    }
    return Attempt::Failed;
  }
  held_lease_ = *written.value;
  observe(held_lease_, now);
  last_renewed_ = now;
  return Attempt::Holding;
}

// The lease's expiry is measured from when this process saw its record change, on the local monotonic clock.
void LeaderElector::observe(const std::optional<json::Value>& lease, MonotonicTime now) {
  std::optional<LeaseRecord> record;
  if (lease) record = read_lease_record(*lease);
  if (record != observed_record_) {
    observed_record_ = std::move(record);
    observed_at_ = now;
  }
}

void LeaderElector::report_holder(const std::string& holder) {
  if (holder.empty()) return;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (holder == reported_leader_) return;
    reported_leader_ = holder;
  }
  if (holder != config_.identity) {
    spdlog::info("leader election: lease {} is held by {}; {} waits", lease_key(), holder, config_.identity);
  }
  if (callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

void LeaderElector::step_down(const std::string& why) {
  leading_ = false;
  held_lease_.reset();
  spdlog::warn("leader election: {} lost lease {}: {}", config_.identity, lease_key(), why);
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
}

// Best effort: one conditional update, and one more after re-reading if another write slipped in (it may have
// been an edit that kept me as the holder).
void LeaderElector::release() {
  const std::string now = wall_clock_now();
  kube::Result<json::Value> written =
      client_.update(leases(), config_.lease_namespace, released_lease(*held_lease_, now));
  if (!written.ok() && written.error->is_conflict()) {
    const kube::Result<json::Value> current = client_.get(leases(), config_.lease_namespace, config_.lease_name);
    if (current.ok() && read_lease_record(*current.value).holder_identity == config_.identity) {
      written = client_.update(leases(), config_.lease_namespace, released_lease(*current.value, now));
    }
  }
  held_lease_.reset();
  if (written.ok()) {
    spdlog::info("leader election: {} released lease {}", config_.identity, lease_key());
  } else {
    spdlog::warn("leader election: {} could not release lease {} (a standby takes over when it expires): {}",
                 config_.identity, lease_key(), written.error->to_string());
  }
}

bool LeaderElector::stop_requested() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

bool LeaderElector::wait_until_stopped(MonotonicTime deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_ && clock_.now() < deadline) clock_.wait_until(stop_signal_, lock, deadline);
  return stopping_;
}

std::chrono::milliseconds LeaderElector::jittered_retry_period() {
  std::uniform_real_distribution<double> factor(0.0, kAcquireJitter);
  const auto extra = std::chrono::duration<double, std::milli>(config_.retry_period) * factor(random_);
  return config_.retry_period + std::chrono::duration_cast<std::chrono::milliseconds>(extra);
}

}  // namespace sqlop::controller
