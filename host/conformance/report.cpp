#include "host/conformance/report.hpp"

#include <algorithm>

namespace sqlop::conformance {

void Report::add(CheckResult result) {
  results_.push_back(std::move(result));
  if (observer_) observer_(results_.back());
}

bool Report::passed() const { return failures() == 0; }

std::size_t Report::failures() const {
  return static_cast<std::size_t>(
      std::count_if(results_.begin(), results_.end(), [](const CheckResult& r) { return !r.passed; }));
}

const CheckResult* Report::find(const std::string& name) const {
  for (const CheckResult& r : results_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string format_line(const CheckResult& result) {
  return std::string(result.passed ? "PASS " : "FAIL ") + result.name + ": " + result.detail;
}

std::string format_text(const Report& report) {
  std::string out;
  for (const CheckResult& r : report.results()) out += format_line(r) + "\n";
  out += std::to_string(report.results().size() - report.failures()) + " passed, " +
         std::to_string(report.failures()) + " failed\n";
  return out;
}

json::Value to_json(const Report& report) {
  json::Value out = json::Value::object();
  out["file"] = report.file();
  out["passed"] = report.passed();
  json::Value checks = json::Value::array();
  for (const CheckResult& r : report.results()) {
    json::Value item = json::Value::object();
    item["name"] = r.name;
    item["passed"] = r.passed;
    item["detail"] = r.detail;
    checks.push_back(std::move(item));
  }
  out["checks"] = std::move(checks);
  return out;
}

}  // namespace sqlop::conformance
