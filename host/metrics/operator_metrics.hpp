// The operator's named metrics. Names and labels match controller-runtime and client-go, so existing
// controller-runtime dashboards and alerts work unchanged:
//   controller_runtime_reconcile_total{controller,result}      result: success, error, requeue, requeue_after
//   controller_runtime_reconcile_errors_total{controller}
//   controller_runtime_reconcile_panics_total{controller}      reconciles that threw (caught by the worker)
//   controller_runtime_reconcile_time_seconds{controller}      histogram, controller-runtime's buckets
//   controller_runtime_active_workers{controller}
//   controller_runtime_max_concurrent_reconciles{controller}
//   workqueue_depth{name}, workqueue_adds_total{name}, workqueue_retries_total{name}
//   workqueue_queue_duration_seconds{name}, workqueue_work_duration_seconds{name}   histograms, 1e-8 s .. 1e3 s
//   rest_client_requests_total{code,method,host}               code "<error>" when no response arrived
//   leader_election_master_status{name}                        1 while this process holds the lease
// and the operator's own:
//   sqliteoperator_build_info{version}                         always 1
//   sqliteoperator_managed_databases                           SqliteDatabases in the cache
//   sqliteoperator_plugins_loaded                              backend plugins currently registered
//   sqliteoperator_config_reloads_total{result}                result: success, failure
//   sqliteoperator_config_last_reload_successful               1 or 0
//
// Thread-safety: every method may be called from any thread. The per-controller and per-queue handles
// (ControllerMetrics, the queue listener) hold references to their children, so updates take no lock.
// Lifetime: OperatorMetrics and everything it hands out borrow the Registry, which must outlive them.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/controller/work_queue.hpp"
#include "host/metrics/registry.hpp"

namespace sqlop::metrics {

// How a reconcile ended, as controller-runtime labels it.
enum class ReconcileResult { Success, Error, Requeue, RequeueAfter };
const char* to_string(ReconcileResult result);  // "success", "error", "requeue", "requeue_after"

// The metrics of one controller. Cheap to copy; its members point into the registry.
class ControllerMetrics {
 public:
  using Seconds = std::chrono::duration<double>;

  // Counts the outcome and its duration; an Error also counts in reconcile_errors_total.
  void observe_reconcile(ReconcileResult result, Seconds duration) const;
  // A reconcile threw; the worker caught it (count it as an Error result as well).
  void observe_panic() const { panics_->inc(); }
  void worker_started() const { active_workers_->inc(); }
  void worker_finished() const { active_workers_->dec(); }

 private:
  friend class OperatorMetrics;
  ControllerMetrics() = default;

  Counter* total_success_ = nullptr;
  Counter* total_error_ = nullptr;
  Counter* total_requeue_ = nullptr;
  Counter* total_requeue_after_ = nullptr;
  Counter* errors_ = nullptr;
  Counter* panics_ = nullptr;
  Histogram* time_ = nullptr;
  Gauge* active_workers_ = nullptr;
};

// The per-request hook for kube::TransportOptions::on_request: (method, HTTP status or 0).
using RequestObserver = std::function<void(const std::string& method, int status)>;

class OperatorMetrics {
 public:
  // Registers every family in `registry` (once per registry; a second OperatorMetrics on the same registry
  // shares the families).
  explicit OperatorMetrics(Registry& registry);
  OperatorMetrics(const OperatorMetrics&) = delete;
  OperatorMetrics& operator=(const OperatorMetrics&) = delete;

  Registry& registry() const { return registry_; }

  // The handle for controller `name`; creates its children at zero (so dashboards see the controller
  // before its first reconcile) and sets max_concurrent_reconciles.
  ControllerMetrics controller(const std::string& name, int max_concurrent_reconciles);

  // A QueueMetricsListener feeding workqueue_*{name=queue_name}, for WorkQueueOptions::metrics. Its
  // children exist (at zero) from this call on.
  std::shared_ptr<controller::QueueMetricsListener> queue_listener(const std::string& queue_name);

  // An observer for kube::TransportOptions::on_request that counts rest_client_requests_total with
  // host=`host` ("api.example:6443"). Thread-safe and quick (a lookup under a short lock per request).
  RequestObserver rest_client_observer(const std::string& host);

  void set_leader(const std::string& lease_name, bool leading);
  void set_managed_databases(std::size_t count);
  void set_plugins_loaded(std::size_t count);
  void record_config_reload(bool succeeded);

 private:
  Registry& registry_;
  CounterFamily& reconcile_total_;
  CounterFamily& reconcile_errors_;
  CounterFamily& reconcile_panics_;
  HistogramFamily& reconcile_time_;
  GaugeFamily& active_workers_;
  GaugeFamily& max_concurrent_;
  GaugeFamily& queue_depth_;
  CounterFamily& queue_adds_;
  CounterFamily& queue_retries_;
  HistogramFamily& queue_duration_;
  HistogramFamily& work_duration_;
  CounterFamily& rest_requests_;
  GaugeFamily& leader_status_;
  GaugeFamily& managed_databases_;
  GaugeFamily& plugins_loaded_;
  CounterFamily& config_reloads_;
  GaugeFamily& config_last_reload_ok_;
};

// "200", "404", ... and "<error>" for 0 (no response), as client-go labels rest_client_requests_total.
std::string status_code_label(int status);

// controller-runtime's reconcile-time buckets (5 ms .. 60 s) and its workqueue buckets (10 ns .. 1000 s).
std::vector<double> reconcile_time_buckets();
std::vector<double> workqueue_duration_buckets();

}  // namespace sqlop::metrics
