// What every group of conformance checks works with: the plugin under test, the known-good sample, the
// report, and a record of every call made, so the free-response check can judge all of them at the end.
//
// Thread-safety: the call wrappers may run on several threads at once (the concurrency check does);
// everything else is used from one thread.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "host/conformance/report.hpp"
#include "host/conformance/sample.hpp"
#include "host/plugins/plugin.hpp"

namespace sqlop::conformance {

class CheckContext {
 public:
  CheckContext(const plugins::Plugin& plugin, Sample sample, Report& report)
      : plugin_(plugin), sample_(std::move(sample)), report_(report) {}

  const plugins::Plugin& plugin() const { return plugin_; }
  const plugins::PluginInfo& info() const { return plugin_.info(); }
  const Sample& sample() const { return sample_; }
  Report& report() { return report_; }

  // The plugin's calls, recorded.
  plugins::CallResult validate(const json::Value& request);
  plugins::CallResult render(const json::Value& request);
  plugins::CallResult call_text(plugins::Call call, const std::string& request);

  std::size_t calls() const { return calls_.load(); }
  // Calls that returned no response at all (a NULL pointer), which the ABI allows only when even the
  // allocation of an error failed.
  std::size_t missing_responses() const { return missing_responses_.load(); }

 private:
  plugins::CallResult record(plugins::CallResult result);

  const plugins::Plugin& plugin_;
  const Sample sample_;
  Report& report_;
  std::atomic<std::size_t> calls_{0};
  std::atomic<std::size_t> missing_responses_{0};
};

// The groups of checks, in the order a run makes them. Each adds its results to context.report().
void check_describe(CheckContext& context);    // describe_checks.cpp
void check_validate(CheckContext& context);    // validate_checks.cpp
void check_render(CheckContext& context);      // render_checks.cpp
void check_stability(CheckContext& context);   // stability_checks.cpp: determinism, concurrency, leaks
void check_free_response(CheckContext& context);  // stability_checks.cpp; last: judges every call made

// The validate request of the sample for `format`, with its Secret (canary values) when it reads one.
json::Value good_validate_request(const Sample& sample, const std::string& format);
// The render request of the sample for `format` at replica position `index`.
json::Value good_render_request(const Sample& sample, const std::string& format, std::size_t index);
// The Litestream format to use where any will do: the first the capabilities promise.
std::string any_format(const plugins::PluginInfo& info);
// Why a validate response breaks the README's shape ({"errors": [{field, reason}], "warnings": [...]}).
std::optional<std::string> validate_response_problem(const json::Value& response);

// The first problem of render result `r` for `replica_spec` at replica position `index`: a failed call,
// anything the host's own check (render::check_render_output) refuses, env or volume names set twice, or
// one of `canaries` (raw or base64) anywhere in the output.
std::optional<std::string> render_output_problem(const CheckContext& c, const json::Value& replica_spec,
                                                 std::size_t index, const plugins::CallResult& r,
                                                 const std::vector<std::string>& canaries);

// Check `name`: every malformed request text (hostile_inputs.hpp; `good` is truncated for one of them) sent
// to `call` is answered with an error status and an {"error": "..."} response.
void check_malformed_requests(CheckContext& context, plugins::Call call, const char* name, const json::Value& good);

// The length of list member `list` of `response`; 0 when absent or not a list.
std::size_t list_size(const json::Value& response, const char* list);

// A response's text for comparisons: status, then the response as the host parsed it.
std::string fingerprint(const plugins::CallResult& result);

}  // namespace sqlop::conformance
