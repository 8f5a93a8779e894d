#include "host/conformance/check_context.hpp"

#include "host/conformance/hostile_inputs.hpp"
#include "host/conformance/requests.hpp"
#include "host/render/replica_wiring.hpp"

namespace sqlop::conformance {

plugins::CallResult CheckContext::validate(const json::Value& request) { return record(plugin_.validate(request)); }

plugins::CallResult CheckContext::render(const json::Value& request) { return record(plugin_.render(request)); }

plugins::CallResult CheckContext::call_text(plugins::Call call, const std::string& request) {
  return record(plugin_.call_text(call, request));
}

plugins::CallResult CheckContext::record(plugins::CallResult result) {
  ++calls_;
  // The loader's wording for a NULL response (host/plugins/plugin_loader.cpp); it frees every other one
  // through the plugin's free_response.
  if (!result.ok && result.error.find("returned no response") != std::string::npos) ++missing_responses_;
  return result;
}

json::Value good_validate_request(const Sample& sample, const std::string& format) {
  json::Value request = validate_request(sample.replica, format);
  if (uses_secret(sample)) {
    const std::string name = sample.replica.find("credentials")->get_string("secretName");
    request["secret"] = secret_member(name, sample.secret);
  }
  return request;
}

json::Value good_render_request(const Sample& sample, const std::string& format, std::size_t index) {
  return render_request(sample.replica, format, index);
}

std::string any_format(const plugins::PluginInfo& info) {
  const std::vector<std::string> formats = supported_formats(info.capabilities);
  return formats.empty() ? "0.3" : formats.front();
}

std::optional<std::string> validate_response_problem(const json::Value& response) {
  for (const char* member : {"errors", "warnings"}) {
    const json::Value* list = response.find(member);
    if (!list) continue;
    if (!list->is_array()) return std::string("`") + member + "` is not a list";
    for (const json::Value& item : list->as_array()) {
      const json::Value* field = item.find("field");
      const json::Value* reason = item.find("reason");
      if (!field || !field->is_string() || !reason || !reason->is_string()) {
        return std::string("an entry of `") + member + "` lacks a string `field` or `reason`";
      }
    }
  }
  return std::nullopt;
}

void check_malformed_requests(CheckContext& c, plugins::Call call, const char* name, const json::Value& good) {
  const std::vector<std::string> texts = malformed_requests(good);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const plugins::CallResult r = c.call_text(call, texts[i]);
    const std::string which = "malformed request #" + std::to_string(i + 1);
    if (r.ok) return c.report().fail(name, which + " was answered with SQLOP_OK; it must be an error status");
    if (!r.response.is_object() || !r.response.find("error") || !r.response.find("error")->is_string()) {
      return c.report().fail(name, which + ": the error response is not {\"error\": \"...\"}: " + r.error);
    }
  }
  c.report().pass(name, std::to_string(texts.size()) + " malformed requests answered with an error status");
}

// Every rule the host applies to a render response, plus the ones it applies across the pod (env names
// unique) and the kit's canary scan. Returns the first problem.
std::optional<std::string> render_output_problem(const CheckContext& c, const json::Value& replica_spec,
                                                 std::size_t index, const plugins::CallResult& r,
                                                 const std::vector<std::string>& canaries) {
  if (!r.ok) return r.error;
  model::Diagnostics diagnostics;
  if (!render::check_render_output(c.plugin(), host_replica(replica_spec), index, r.response, diagnostics)) {
    const model::FieldError& first = diagnostics.errors.front();
    return first.reason;
  }
  if (const std::vector<std::string> dups = duplicate_names(r.response.find("env")); !dups.empty()) {
    return "env var '" + dups.front() + "' is set twice";
  }
  if (const std::vector<std::string> dups = duplicate_names(r.response.find("volumes")); !dups.empty()) {
    return "volume '" + dups.front() + "' is defined twice";
  }
  if (find_needle(r.response, canaries)) {
    return "the output contains a value of the Secret that validate saw; render must reference it instead";
  }
  return std::nullopt;
}

std::size_t list_size(const json::Value& response, const char* list) {
  const json::Value* v = response.find(list);
  return v && v->is_array() ? v->as_array().size() : 0;
}

std::string fingerprint(const plugins::CallResult& result) {
  return std::to_string(result.status) + " " + json::dump(result.response);
}

}  // namespace sqlop::conformance
