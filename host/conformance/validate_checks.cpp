// The validate call on a good input and on everything the host (or a user) may throw at it.
#include "host/conformance/check_context.hpp"
#include "host/conformance/hostile_inputs.hpp"
#include "host/conformance/requests.hpp"

namespace sqlop::conformance {
namespace {

// A response the host can use: a status it understands and, on success, the documented shape.
// `allow_bad_request`: the input may be refused as malformed rather than answered with errors.
std::optional<std::string> answer_problem(const plugins::CallResult& result, bool allow_bad_request) {
  if (result.ok) return validate_response_problem(result.response);
  if (allow_bad_request && result.status == SQLOP_ERROR_BAD_REQUEST && result.response.is_object()) {
    return std::nullopt;
  }
  return result.error;
}

std::string secret_name_of(const Sample& sample) {
  const json::Value* credentials = sample.replica.find("credentials");
  return credentials ? credentials->get_string("secretName") : std::string();
}

void check_good(CheckContext& c) {
  std::string detail;
  for (const std::string& format : supported_formats(c.info().capabilities)) {
    const plugins::CallResult r = c.validate(good_validate_request(c.sample(), format));
    if (auto problem = answer_problem(r, false)) return c.report().fail("validate-good", format + ": " + *problem);
    if (find_needle(r.response, c.sample().canaries)) {
      return c.report().fail("validate-good", format + ": the response quotes a Secret value");
    }
    if (list_size(r.response, "errors") > 0) {
      const json::Value& first = r.response.find("errors")->as_array().front();
      return c.report().fail("validate-good", format + ": " + c.sample().source + " has errors, the first at " +
                                                  first.get_string("field") + ": " + first.get_string("reason") +
                                                  " (pass a known-good replica with --sample)");
    }
    detail += (detail.empty() ? "" : ", ") + format + " no errors, " +
              std::to_string(list_size(r.response, "warnings")) + " warning(s)";
  }
  c.report().pass("validate-good", c.sample().source + ": " + (detail.empty() ? "no format promised" : detail));
}

void check_missing_secret(CheckContext& c) {
  json::Value replica = c.sample().replica;
  if (secret_name_of(c.sample()).empty()) replica["credentials"]["secretName"] = "conformance-creds";
  // The host sends no `secret` when it could not read the Secret the replica names.
  const plugins::CallResult r = c.validate(validate_request(replica, any_format(c.info())));
  if (auto problem = answer_problem(r, false)) return c.report().fail("validate-missing-secret", *problem);
  c.report().pass("validate-missing-secret", "answered with " + std::to_string(list_size(r.response, "errors")) +
                                                 " error(s) when the Secret could not be read");
}

// The Secret with every key present but empty, then with no keys at all: both must be reported.
void check_empty_secret(CheckContext& c) {
  if (c.sample().secret.empty()) {
    return c.report().pass("validate-empty-secret-values", "not applicable: the sample reads no Secret");
  }
  const std::string name = secret_name_of(c.sample());
  const SecretValues empty = map_secret_values(c.sample().secret, [](const std::string&) { return std::string(); });
  const std::pair<const char*, SecretValues> cases[] = {{"empty values", empty}, {"no keys", {}}};
  for (const auto& [what, values] : cases) {
    json::Value request = validate_request(c.sample().replica, any_format(c.info()));
    request["secret"] = secret_member(name, values);
    const plugins::CallResult r = c.validate(request);
    if (auto problem = answer_problem(r, false)) {
      return c.report().fail("validate-empty-secret-values", std::string(what) + ": " + *problem);
    }
    if (list_size(r.response, "errors") == 0) {
      return c.report().fail("validate-empty-secret-values",
                             std::string("a Secret with ") + what + " was accepted without an error");
    }
  }
  c.report().pass("validate-empty-secret-values", "a Secret with empty values or no keys is reported as an error");
}

// Huge or unicode text in every string of the replica and the Secret: an answer, not a crash or an
// internal error.
void check_hostile(CheckContext& c, const char* name, std::string (*make)(const std::string&)) {
  json::Value request = validate_request(map_replica_strings(c.sample().replica, make), any_format(c.info()));
  if (uses_secret(c.sample())) {
    request["secret"] = secret_member(secret_name_of(c.sample()), map_secret_values(c.sample().secret, make));
  }
  const plugins::CallResult r = c.validate(request);
  if (auto problem = answer_problem(r, true)) return c.report().fail(name, *problem);
  std::vector<std::string> canaries = c.sample().canaries;
  for (const auto& entry : map_secret_values(c.sample().secret, make)) canaries.push_back(entry.second);
  if (r.ok && find_needle(r.response, canaries)) return c.report().fail(name, "the response quotes a Secret value");
  c.report().pass(name, r.ok ? "answered with " + std::to_string(list_size(r.response, "errors")) + " error(s)"
                             : "refused as a bad request");
}

void check_unknown_members(CheckContext& c) {
  const json::Value request = good_validate_request(c.sample(), any_format(c.info()));
  const plugins::CallResult plain = c.validate(request);
  const plugins::CallResult extended = c.validate(with_unknown_members(request));
  if (fingerprint(plain) != fingerprint(extended)) {
    return c.report().fail("validate-unknown-fields",
                           "unknown members in the request changed the answer; plugins must ignore them");
  }
  c.report().pass("validate-unknown-fields", "unknown request members are ignored");
}

}  // namespace

void check_validate(CheckContext& context) {
  check_good(context);
  check_missing_secret(context);
  check_empty_secret(context);
  check_malformed_requests(context, plugins::Call::validate, "validate-malformed-request",
                           good_validate_request(context.sample(), any_format(context.info())));
  check_hostile(context, "validate-huge-input", &huge);
  check_hostile(context, "validate-unicode", &unicode);
  check_unknown_members(context);
}

}  // namespace sqlop::conformance
