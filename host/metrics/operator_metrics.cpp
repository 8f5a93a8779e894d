#include "host/metrics/operator_metrics.hpp"

#include <utility>

namespace sqlop::metrics {

namespace {

// Feeds one queue's workqueue_* children. The queue calls these with its mutex held: atomics only here.
class QueueListener final : public controller::QueueMetricsListener {
 public:
  QueueListener(Gauge& depth, Counter& adds, Counter& retries, Histogram& queue_duration, Histogram& work_duration)
      : depth_(depth), adds_(adds), retries_(retries), queue_duration_(queue_duration), work_duration_(work_duration) {}

  void on_depth(std::size_t depth) override { depth_.set(static_cast<double>(depth)); }
  void on_add() override { adds_.inc(); }
  void on_retry() override { retries_.inc(); }
  void on_queue_latency(Seconds waited) override { queue_duration_.observe(waited.count()); }
  void on_work_duration(Seconds held) override { work_duration_.observe(held.count()); }

 private:
  Gauge& depth_;
  Counter& adds_;
  Counter& retries_;
  Histogram& queue_duration_;
  Histogram& work_duration_;
};

}  // namespace

const char* to_string(ReconcileResult result) {
  switch (result) {
    case ReconcileResult::Success: return "success";
    case ReconcileResult::Error: return "error";
    case ReconcileResult::Requeue: return "requeue";
    case ReconcileResult::RequeueAfter: return "requeue_after";
  }
  return "unknown";
}

std::string status_code_label(int status) { return status <= 0 ? "<error>" : std::to_string(status); }

std::vector<double> reconcile_time_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
          0.7,   0.8,  0.9,   1.0,  1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5,
          6,     7,    8,     9,    10,   15,  20,   25,  30,  40,  50,  60};
}

std::vector<double> workqueue_duration_buckets() { return exponential_buckets(10e-9, 10, 12); }

void ControllerMetrics::observe_reconcile(ReconcileResult result, Seconds duration) const {
  switch (result) {
    case ReconcileResult::Success: total_success_->inc(); break;
    case ReconcileResult::Error:
      total_error_->inc();
      errors_->inc();
      break;
    case ReconcileResult::Requeue: total_requeue_->inc(); break;
    case ReconcileResult::RequeueAfter: total_requeue_after_->inc(); break;
  }
  time_->observe(duration.count());
}

OperatorMetrics::OperatorMetrics(Registry& registry)
    : registry_(registry),
      reconcile_total_(registry.counter("controller_runtime_reconcile_total",
                                        "Total number of reconciliations per controller", {"controller", "result"})),
      reconcile_errors_(registry.counter("controller_runtime_reconcile_errors_total",
                                         "Total number of reconciliation errors per controller", {"controller"})),
      reconcile_panics_(registry.counter("controller_runtime_reconcile_panics_total",
                                         "Total number of reconciliation panics per controller", {"controller"})),
      reconcile_time_(registry.histogram("controller_runtime_reconcile_time_seconds",
                                         "Length of time per reconciliation per controller", reconcile_time_buckets(),
                                         {"controller"})),
      active_workers_(registry.gauge("controller_runtime_active_workers",
                                     "Number of currently used workers per controller", {"controller"})),
      max_concurrent_(registry.gauge("controller_runtime_max_concurrent_reconciles",
                                     "Maximum number of concurrent reconciles per controller", {"controller"})),
      queue_depth_(registry.gauge("workqueue_depth", "Current depth of workqueue", {"name"})),
      queue_adds_(registry.counter("workqueue_adds_total", "Total number of adds handled by workqueue", {"name"})),
      queue_retries_(
          registry.counter("workqueue_retries_total", "Total number of retries handled by workqueue", {"name"})),
      queue_duration_(registry.histogram("workqueue_queue_duration_seconds",
                                         "How long in seconds an item stays in workqueue before being requested",
                                         workqueue_duration_buckets(), {"name"})),
      work_duration_(registry.histogram("workqueue_work_duration_seconds",
                                        "How long in seconds processing an item from workqueue takes",
                                        workqueue_duration_buckets(), {"name"})),
      rest_requests_(registry.counter("rest_client_requests_total",
                                      "Number of HTTP requests, partitioned by status code, method, and host",
                                      {"code", "method", "host"})),
      leader_status_(registry.gauge("leader_election_master_status",
                                    "Gauge of if the reporting system is master of the relevant lease, 0 indicates "
                                    "backup, 1 indicates master. 'name' is the string used to identify the lease.",
                                    {"name"})),
      managed_databases_(registry.gauge("sqliteoperator_managed_databases",
                                        "Number of SqliteDatabase objects the operator currently manages")),
      plugins_loaded_(registry.gauge("sqliteoperator_plugins_loaded", "Number of backend plugins currently loaded")),
      config_reloads_(registry.counter("sqliteoperator_config_reloads_total",
                                       "Operator configuration reloads, by result", {"result"})),
      config_last_reload_ok_(registry.gauge("sqliteoperator_config_last_reload_successful",
                                            "Whether the last operator configuration reload succeeded (1) or not (0)")) {
  registry.gauge("sqliteoperator_build_info", "Build information of the operator; the value is always 1",
                 {"version"})
      .with({SQLOP_VERSION})
      .set(1);
  config_reloads_.with({"success"});
  config_reloads_.with({"failure"});
  config_last_reload_ok_.get().set(1);  // the configuration loaded at start-up is in effect
}

ControllerMetrics OperatorMetrics::controller(const std::string& name, int max_concurrent_reconciles) {
  ControllerMetrics handle;
  handle.total_success_ = &reconcile_total_.with({name, to_string(ReconcileResult::Success)});
  handle.total_error_ = &reconcile_total_.with({name, to_string(ReconcileResult::Error)});
  handle.total_requeue_ = &reconcile_total_.with({name, to_string(ReconcileResult::Requeue)});
  handle.total_requeue_after_ = &reconcile_total_.with({name, to_string(ReconcileResult::RequeueAfter)});
  handle.errors_ = &reconcile_errors_.with({name});
  handle.panics_ = &reconcile_panics_.with({name});
  handle.time_ = &reconcile_time_.with({name});
  handle.active_workers_ = &active_workers_.with({name});
  max_concurrent_.with({name}).set(max_concurrent_reconciles);
  return handle;
}

std::shared_ptr<controller::QueueMetricsListener> OperatorMetrics::queue_listener(const std::string& queue_name) {
  return std::make_shared<QueueListener>(queue_depth_.with({queue_name}), queue_adds_.with({queue_name}),
                                         queue_retries_.with({queue_name}), queue_duration_.with({queue_name}),
                                         work_duration_.with({queue_name}));
}

RequestObserver OperatorMetrics::rest_client_observer(const std::string& host) {
  CounterFamily* family = &rest_requests_;
  return [family, host](const std::string& method, int status) {
    family->with({status_code_label(status), method, host}).inc();
  };
}

void OperatorMetrics::set_leader(const std::string& lease_name, bool leading) {
  leader_status_.with({lease_name}).set(leading ? 1 : 0);
}

void OperatorMetrics::set_managed_databases(std::size_t count) {
  managed_databases_.get().set(static_cast<double>(count));
}

void OperatorMetrics::set_plugins_loaded(std::size_t count) { plugins_loaded_.get().set(static_cast<double>(count)); }

void OperatorMetrics::record_config_reload(bool succeeded) {
  config_reloads_.with({succeeded ? "success" : "failure"}).inc();
  config_last_reload_ok_.get().set(succeeded ? 1 : 0);
}

}  // namespace sqlop::metrics
