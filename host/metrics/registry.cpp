#include "host/metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace sqlop::metrics {

namespace {

// std::atomic<double>::fetch_add is C++20; a compare-exchange loop does the same without a lock.
void atomic_add(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

void append_escaped(std::string& out, const std::string& text, bool escape_quotes) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        out += escape_quotes ? "\\\"" : "\"";
        break;
      default: out += c;
    }
  }
}

void append_sample(std::string& out, const std::string& name, const Sample& sample) {
  out += name;
  out += sample.suffix;
  if (!sample.labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < sample.labels.size(); ++i) {
      if (i > 0) out += ',';
      out += sample.labels[i].first;
      out += "=\"";
      append_escaped(out, sample.labels[i].second, true);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += format_value(sample.value);
  out += '\n';
}

bool is_name_char(char c, bool first, bool allow_colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool is_valid_name(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, allow_colon)) return false;
  }
  return true;
}

void require_valid_names(const std::string& name, const std::vector<std::string>& label_names) {
  if (!is_valid_metric_name(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& label : label_names) {
    if (!is_valid_label_name(label) || label == "le") {
      throw std::invalid_argument("invalid label name for " + name + ": " + label);
    }
  }
}

}  // namespace

const char* to_string(MetricType type) {
  switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}

bool is_valid_metric_name(const std::string& name) { return is_valid_name(name, true); }
// Names starting with "__" are reserved for Prometheus itself.
bool is_valid_label_name(const std::string& name) { return is_valid_name(name, false) && name.rfind("__", 0) != 0; }

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, bytes) read better without an exponent, up to where doubles stay exact.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round-trip text
  return std::string(buffer, result.ptr);
}

std::string render_text(const std::vector<FamilySnapshot>& families) {
  std::string out;
  for (const auto& family : families) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    append_escaped(out, family.help, false);
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += to_string(family.type);
    out += '\n';
    for (const auto& sample : family.samples) append_sample(out, family.name, sample);
  }
  return out;
}

// --- metrics ---------------------------------------------------------------------------------------------

void Counter::inc(double amount) {
  if (amount > 0) atomic_add(value_, amount);
}

void Gauge::add(double amount) { atomic_add(value_, amount); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (!std::isfinite(upper_bounds_[i]) || (i > 0 && upper_bounds_[i] <= upper_bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly ascending");
    }
  }
}

void Histogram::observe(double value) {
  std::size_t bucket = upper_bounds_.size();  // +Inf, also for NaN
  if (!std::isnan(value)) {
    bucket = static_cast<std::size_t>(std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
                                      upper_bounds_.begin());
  }
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, value);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(upper_bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::uint64_t Histogram::count() const { return cumulative_counts().back(); }

void Counter::append_samples(const LabelPairs& labels, std::vector<Sample>& out) const {
  out.push_back(Sample{"", labels, value()});
}

void Gauge::append_samples(const LabelPairs& labels, std::vector<Sample>& out) const {
  out.push_back(Sample{"", labels, value()});
}

void Histogram::append_samples(const LabelPairs& labels, std::vector<Sample>& out) const {
  // _count is the +Inf bucket, so the two always agree even while observe() runs concurrently.
  const std::vector<std::uint64_t> counts = cumulative_counts();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    LabelPairs bucket_labels = labels;
    const bool inf = i == upper_bounds_.size();
    bucket_labels.emplace_back("le", inf ? "+Inf" : format_value(upper_bounds_[i]));
    out.push_back(Sample{"_bucket", std::move(bucket_labels), static_cast<double>(counts[i])});
  }
  out.push_back(Sample{"_sum", labels, sum()});
  out.push_back(Sample{"_count", labels, static_cast<double>(counts.back())});
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  if (start <= 0 || factor <= 1 || count < 1) throw std::invalid_argument("bad exponential bucket parameters");
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(count));
  double bound = start;
  for (int i = 0; i < count; ++i, bound *= factor) out.push_back(bound);
  return out;
}

// --- families --------------------------------------------------------------------------------------------

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {}

LabelPairs FamilyBase::label_pairs(const std::vector<std::string>& values) const {
  LabelPairs out;
  out.reserve(values.size() + 1);
  for (std::size_t i = 0; i < values.size(); ++i) out.emplace_back(label_names_[i], values[i]);
  return out;
}

void FamilyBase::check_arity(const std::vector<std::string>& label_values) const {
  if (label_values.size() != label_names_.size()) {
    throw std::invalid_argument(name_ + ": expected " + std::to_string(label_names_.size()) + " label values, got " +
                                std::to_string(label_values.size()));
  }
}

// --- registry --------------------------------------------------------------------------------------------

template <class F>
F& Registry::register_family(std::unique_ptr<F> family, std::vector<double> histogram_bounds) {
  require_valid_names(family->name(), family->label_names());
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string& name = family->name();
  auto it = families_.find(name);
  if (it != families_.end()) {
    auto* existing = dynamic_cast<F*>(it->second.get());
    const auto bounds = histogram_bounds_.find(name);
    const bool same_bounds = bounds == histogram_bounds_.end() ? histogram_bounds.empty()
                                                               : bounds->second == histogram_bounds;
    if (!existing || existing->label_names() != family->label_names() || !same_bounds) {
      throw std::invalid_argument("metric registered twice with different shapes: " + name);
    }
    return *existing;
  }
  if (family->type() == MetricType::Histogram) histogram_bounds_.emplace(name, std::move(histogram_bounds));
  F& added = *family;
  families_.emplace(added.name(), std::move(family));
  if (added.label_names().empty()) added.get();  // shows at zero before first use
  return added;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  return register_family(std::make_unique<CounterFamily>(name, help, MetricType::Counter, std::move(label_names),
                                                         [] { return std::make_unique<Counter>(); }),
                         {});
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return register_family(std::make_unique<GaugeFamily>(name, help, MetricType::Gauge, std::move(label_names),
                                                       [] { return std::make_unique<Gauge>(); }),
                         {});
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<double> upper_bounds, std::vector<std::string> label_names) {
  Histogram validated(upper_bounds);  // bad bounds fail here, at registration, not at first use
  auto family = std::make_unique<HistogramFamily>(
      name, help, MetricType::Histogram, std::move(label_names),
      [bounds = upper_bounds] { return std::make_unique<Histogram>(bounds); });
  return register_family(std::move(family), std::move(upper_bounds));
}

void Registry::add_collector(std::shared_ptr<const Collector> collector) {
  if (!collector) throw std::invalid_argument("null collector");
  std::lock_guard<std::mutex> lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::vector<FamilySnapshot> Registry::gather() const {
  std::vector<FamilySnapshot> out;
  std::vector<std::shared_ptr<const Collector>> collectors;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, family] : families_) out.push_back(family->snapshot());
    collectors = collectors_;
  }
  // Collectors may read files; they run without the registry's lock.
  for (const auto& collector : collectors) {
    for (auto& family : collector->collect()) out.push_back(std::move(family));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FamilySnapshot& a, const FamilySnapshot& b) { return a.name < b.name; });
  return out;
}

std::string Registry::expose() const { return render_text(gather()); }

}  // namespace sqlop::metrics
