// The outcome of a conformance run: one named check per line, each passed or failed with a detail that
// says what was checked or what went wrong. Details never quote a Secret value.
//
// Thread-safety: not thread-safe; the checks add results from one thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::conformance {

struct CheckResult {
  std::string name;    // stable check name, e.g. "validate-malformed-request"
  bool passed = false;
  std::string detail;  // what passed, or why it failed
};

class Report {
 public:
  // Called with every result as it is added, so a caller can print progress before a plugin crashes the
  // process. May be empty.
  using Observer = std::function<void(const CheckResult&)>;

  explicit Report(std::string file = {}, Observer observer = {})
      : file_(std::move(file)), observer_(std::move(observer)) {}

  void pass(std::string name, std::string detail) { add({std::move(name), true, std::move(detail)}); }
  void fail(std::string name, std::string detail) { add({std::move(name), false, std::move(detail)}); }
  void add(CheckResult result);

  const std::string& file() const { return file_; }
  const std::vector<CheckResult>& results() const { return results_; }
  bool passed() const;
  // The result of check `name`, or nullptr when it did not run.
  const CheckResult* find(const std::string& name) const;
  std::size_t failures() const;

 private:
  std::string file_;
  Observer observer_;
  std::vector<CheckResult> results_;
};

// "PASS name: detail" / "FAIL name: detail".
std::string format_line(const CheckResult& result);
// One line per check, then "N passed, M failed".
std::string format_text(const Report& report);
// {"file": ..., "passed": bool, "checks": [{"name", "passed", "detail"}]}
json::Value to_json(const Report& report);

}  // namespace sqlop::conformance
