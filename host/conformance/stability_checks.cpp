// Properties over many calls: the same request always gets the same answer, also from several threads at
// once; nothing of one call's Secret reaches a later call; every response was released.
#include <atomic>
#include <thread>

#include "host/conformance/check_context.hpp"
#include "host/conformance/requests.hpp"

namespace sqlop::conformance {
namespace {

constexpr int kThreads = 8;
constexpr int kCallsPerThread = 50;

struct Request {
  bool render = false;
  json::Value body;
};

// The sample's validate and render requests in every promised format.
std::vector<Request> sample_requests(const CheckContext& c) {
  std::vector<Request> out;
  for (const std::string& format : supported_formats(c.info().capabilities)) {
    out.push_back({false, good_validate_request(c.sample(), format)});
    out.push_back({true, good_render_request(c.sample(), format, 0)});
  }
  return out;
}

plugins::CallResult send(CheckContext& c, const Request& r) { return r.render ? c.render(r.body) : c.validate(r.body); }

void check_determinism(CheckContext& c) {
  const std::vector<Request> requests = sample_requests(c);
  for (const Request& r : requests) {
    if (fingerprint(send(c, r)) != fingerprint(send(c, r))) {
      return c.report().fail("determinism", std::string("the same ") + (r.render ? "render" : "validate") +
                                                " request got two different answers");
    }
  }
  c.report().pass("determinism", std::to_string(requests.size()) + " requests answered identically twice");
}

void check_concurrency(CheckContext& c) {
  const std::vector<Request> requests = sample_requests(c);
  if (requests.empty()) return c.report().pass("concurrency", "not applicable: no Litestream format promised");
  std::vector<std::string> expected;
  for (const Request& r : requests) expected.push_back(fingerprint(send(c, r)));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const std::size_t which = static_cast<std::size_t>(t + i) % requests.size();
        if (fingerprint(send(c, requests[which])) != expected[which]) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string calls = std::to_string(kThreads) + " threads x " + std::to_string(kCallsPerThread) + " calls";
  if (mismatches > 0) {
    return c.report().fail("concurrency", std::to_string(mismatches.load()) + " of " + calls +
                                              " answered differently from the same calls made one at a time");
  }
  c.report().pass("concurrency", calls + " answered exactly as single-threaded calls");
}

// Validate a replica whose Secret is A, then render one whose Secret is B: nothing of A may appear.
void check_no_leak(CheckContext& c) {
  if (!uses_secret(c.sample()) || c.sample().secret.empty()) {
    return c.report().pass("no-leak-across-calls", "not applicable: the sample reads no Secret");
  }
  const std::string format = any_format(c.info());
  const std::string secret_a = "conformance-creds-a";
  json::Value validate = validate_request(with_secret_name(c.sample().replica, secret_a), format);
  validate["secret"] = secret_member(secret_a, c.sample().secret);
  c.validate(validate);
  const json::Value replica_b = with_secret_name(c.sample().replica, "conformance-creds-b");
  const plugins::CallResult r = c.render(render_request(replica_b, format, 0));
  std::vector<std::string> needles = c.sample().canaries;
  needles.push_back(secret_a);
  if (auto problem = render_output_problem(c, replica_b, 0, r, needles)) {
    return c.report().fail("no-leak-across-calls", "render after a validate with another Secret: " + *problem);
  }
  c.report().pass("no-leak-across-calls", "a render shows nothing of the Secret an earlier validate saw");
}

}  // namespace

void check_stability(CheckContext& context) {
  check_determinism(context);
  check_concurrency(context);
  check_no_leak(context);
}

void check_free_response(CheckContext& context) {
  const std::size_t missing = context.missing_responses();
  const std::string calls = std::to_string(context.calls()) + " calls";
  if (missing > 0) {
    return context.report().fail("free-response", std::to_string(missing) + " of " + calls +
                                                      " returned no response; every call must return one, also on error");
  }
  context.report().pass("free-response", "every response of " + calls + " was released through free_response");
}

}  // namespace sqlop::conformance
