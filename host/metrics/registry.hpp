// A small Prometheus metrics registry: counters, gauges and fixed-bucket histograms, each in a family that
// may have label names (children are selected by label values), and exposition in the Prometheus text
// format 0.0.4.
//
// Thread-safety: everything here may be used from any thread. Updating a metric (inc, set, observe) is a
// few atomic operations and takes no lock; registering a family or selecting a child by label values takes
// a short mutex, so hot paths look the child up once and keep the reference.
// Ownership: the Registry owns its families, a family owns its children; references returned by
// Registry::counter/gauge/histogram and Family::with stay valid for the registry's lifetime.
// Exposition is deterministic: families sorted by name, children sorted by label values, histogram
// buckets in ascending order ending with le="+Inf".
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sqlop::metrics {

// The content type of the text exposition format served on /metrics.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { Counter, Gauge, Histogram };
const char* to_string(MetricType type);  // "counter", "gauge", "histogram"

using LabelPairs = std::vector<std::pair<std::string, std::string>>;  // name -> value, in declared order

// One line of exposition: name_suffix{labels} value.
struct Sample {
  std::string suffix;  // "" or, for histograms, "_bucket", "_sum", "_count"
  LabelPairs labels;
  double value = 0;
};

// A family as it is exposed at one instant. Collectors produce these; so do the registry's own families.
struct FamilySnapshot {
  std::string name;
  std::string help;
  MetricType type = MetricType::Gauge;
  std::vector<Sample> samples;
};

// Renders snapshots in the text format 0.0.4 in the order given: "# HELP", "# TYPE", then the samples.
// Pure. Label values are escaped (\\, \", \n), as is HELP text (\\, \n); numbers use the shortest text
// that reads back to the same double, integers without a fraction, and +Inf / -Inf / NaN.
std::string render_text(const std::vector<FamilySnapshot>& families);
std::string format_value(double value);

// Monotonic count. inc() with a negative amount is ignored (a counter never goes down).
class Counter {
 public:
  void inc(double amount = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }
  void append_samples(const LabelPairs& labels, std::vector<Sample>& out) const;

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double amount);
  void inc() { add(1); }
  void dec() { add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }
  void append_samples(const LabelPairs& labels, std::vector<Sample>& out) const;

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, inclusive, like Prometheus' "le").
class Histogram {
 public:
  // REQUIRES: `upper_bounds` strictly ascending and finite; +Inf is implied.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Cumulative counts per bound, then the +Inf bucket (== count()). Read without a lock: a scrape racing
  // with observe() may see the sum of one more or one fewer observation than the buckets, never a
  // non-monotonic bucket series.
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  // _bucket{le=...} for every bound and +Inf, then _sum and _count.
  void append_samples(const LabelPairs& labels, std::vector<Sample>& out) const;

 private:
  const std::vector<double> upper_bounds_;
  const std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, non-cumulative; last = +Inf
  std::atomic<double> sum_{0};
};

// Buckets: `count` bounds start, start*factor, ... (REQUIRES start > 0, factor > 1, count >= 1).
std::vector<double> exponential_buckets(double start, double factor, int count);

// A named family of one metric type: its children are keyed by label values, one per label name.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names);
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;
  virtual ~FamilyBase() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // The family's samples now, children in label-value order.
  virtual FamilySnapshot snapshot() const = 0;

 protected:
  LabelPairs label_pairs(const std::vector<std::string>& values) const;
  // REQUIRES: one value per label name (std::invalid_argument otherwise).
  void check_arity(const std::vector<std::string>& label_values) const;

 private:
  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
};

template <class Metric>
class Family final : public FamilyBase {
 public:
  using Factory = std::function<std::unique_ptr<Metric>()>;

  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names, Factory make)
      : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values, created (at zero) on first use. The reference stays valid for the
  // family's lifetime. REQUIRES: one value per label name (std::invalid_argument otherwise).
  Metric& with(const std::vector<std::string>& label_values) {
    check_arity(label_values);
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = children_[label_values];
    if (!slot) slot = make_();
    return *slot;
  }
  // The only child of a family without labels.
  Metric& get() { return with({}); }

  FamilySnapshot snapshot() const override {
    FamilySnapshot out{name(), help(), type(), {}};
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [values, child] : children_) child->append_samples(label_pairs(values), out.samples);
    return out;
  }

 private:
  const Factory make_;
  mutable std::mutex mutex_;                                                 // guards children_
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;     // GUARDED_BY(mutex_)
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Produces families computed at scrape time (process metrics, for instance). collect() may be called from
// any thread, concurrently with itself.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual std::vector<FamilySnapshot> collect() const = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers a family, or returns the one already registered under `name` when it has the same type,
  // label names (and, for histograms, buckets). A family without labels gets its one child at once, so it
  // shows at zero before first use. REQUIRES: `name` is not registered with another shape and `name` and
  // the label names are valid Prometheus names (std::invalid_argument otherwise -- a programming error).
  CounterFamily& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds,
                             std::vector<std::string> label_names = {});

  // Adds a collector whose families are exposed with the registry's own. REQUIRES: not null.
  void add_collector(std::shared_ptr<const Collector> collector);

  // Every family (own and collected), sorted by name.
  std::vector<FamilySnapshot> gather() const;
  // gather() rendered in the text format (what /metrics serves).
  std::string expose() const;

 private:
  template <class F>
  F& register_family(std::unique_ptr<F> family, std::vector<double> histogram_bounds);

  mutable std::mutex mutex_;                                      // guards the members below
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;   // GUARDED_BY(mutex_)
  std::map<std::string, std::vector<double>> histogram_bounds_;   // GUARDED_BY(mutex_); by family name
  std::vector<std::shared_ptr<const Collector>> collectors_;      // GUARDED_BY(mutex_)
};

bool is_valid_metric_name(const std::string& name);
bool is_valid_label_name(const std::string& name);

}  // namespace sqlop::metrics
