// The render call: well-formed and safe output in every Litestream format the capabilities promise,
// judged by the host's own render-output check (host/render/replica_wiring.hpp), and refusal of the rest.
#include "host/conformance/check_context.hpp"
#include "host/conformance/hostile_inputs.hpp"
#include "host/conformance/requests.hpp"

namespace sqlop::conformance {
namespace {

// Validate first (with the canary Secret), as the host does, then render at two positions so a plugin that
// ignores envPrefix/volumePrefix/mountRoot is caught.
void check_supported_format(CheckContext& c, const std::string& format) {
  const std::string name = "render-" + format;
  c.validate(good_validate_request(c.sample(), format));
  std::string detail;
  for (const std::size_t index : {std::size_t{0}, std::size_t{2}}) {
    const plugins::CallResult r = c.render(good_render_request(c.sample(), format, index));
    if (auto problem = render_output_problem(c, c.sample().replica, index, r, c.sample().canaries)) {
      return c.report().fail(name, "replica " + std::to_string(index) + ": " + *problem);
    }
    if (index == 0) {
      detail = std::to_string(list_size(r.response, "env")) + " env var(s), " +
               std::to_string(list_size(r.response, "volumes")) + " volume(s); safe at replica positions 0 and 2";
    }
  }
  c.report().pass(name, detail);
}

void check_unsupported_format(CheckContext& c, const std::string& format) {
  const std::string name = "render-" + format;
  const plugins::CallResult r = c.render(good_render_request(c.sample(), format, 0));
  if (r.ok) {
    return c.report().fail(name, "rendered Litestream " + format + " although its capabilities do not promise it");
  }
  c.report().pass(name, "refused, as its capabilities say (status " + std::to_string(r.status) + ")");
}

void check_hostile_render(CheckContext& c) {
  for (auto* make : {&huge, &unicode}) {
    const json::Value replica = map_replica_strings(c.sample().replica, make);
    const plugins::CallResult r = c.render(render_request(replica, any_format(c.info()), 0));
    const bool refused = r.status == SQLOP_ERROR_BAD_REQUEST && r.response.is_object();
    if (refused) continue;
    if (auto problem = render_output_problem(c, replica, 0, r, c.sample().canaries)) {
      return c.report().fail("render-hostile-input",
                             std::string(make == &huge ? "1 MiB strings: " : "unicode: ") + *problem);
    }
  }
  c.report().pass("render-hostile-input", "1 MiB and unicode strings are rendered safely or refused as bad requests");
}

void check_unknown_members(CheckContext& c) {
  const json::Value request = good_render_request(c.sample(), any_format(c.info()), 0);
  const plugins::CallResult plain = c.render(request);
  const plugins::CallResult extended = c.render(with_unknown_members(request));
  if (fingerprint(plain) != fingerprint(extended)) {
    return c.report().fail("render-unknown-fields",
                           "unknown members in the request changed the answer; plugins must ignore them");
  }
  c.report().pass("render-unknown-fields", "unknown request members are ignored");
}

}  // namespace

void check_render(CheckContext& context) {
  for (const std::string& format : supported_formats(context.info().capabilities)) {
    check_supported_format(context, format);
  }
  for (const std::string& format : unsupported_formats(context.info().capabilities)) {
    check_unsupported_format(context, format);
  }
  check_malformed_requests(context, plugins::Call::render, "render-malformed-request",
                           good_render_request(context.sample(), any_format(context.info()), 0));
  check_hostile_render(context);
  check_unknown_members(context);
}

}  // namespace sqlop::conformance
