#include "server/faults.hpp"

#include <algorithm>

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

bool read_strings(const json::Value& doc, const char* key, std::vector<std::string>& out, std::string* error) {
  const json::Value* v = doc.find(key);
  if (!v || v->is_null()) return true;
  if (!v->is_array()) {
    if (error) *error = std::string(key) + " must be a list of strings";
    return false;
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      if (error) *error = std::string(key) + " must be a list of strings";
      return false;
    }
    out.push_back(item.as_string());
  }
  return true;
}

}  // namespace

std::optional<FaultConfig> parse_fault_config(const json::Value& doc, std::string* error) {
  if (!doc.is_object()) {
    if (error) *error = "the fault configuration must be a JSON object";
    return std::nullopt;
  }
  static const std::vector<std::string> known{"errorRate", "errorCode", "retryAfterSeconds", "failNext",
                                              "latencyMs", "verbs", "resources", "cutWatchAfterEvents",
                                              "goneNextWatch", "goneMode", "conflictNextUpdates", "seed"};
  for (const auto& [key, value] : doc.as_object()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      if (error) *error = "unknown fault setting \"" + key + "\"";
      return std::nullopt;
    }
  }
  FaultConfig c;
  if (const json::Value* v = doc.find("errorRate"); v && v->is_number()) c.error_rate = v->as_double();
  c.error_code = static_cast<int>(doc.get_int("errorCode", 500));
  c.retry_after_seconds = static_cast<int>(doc.get_int("retryAfterSeconds", 1));
  c.fail_next = static_cast<int>(doc.get_int("failNext", 0));
  c.latency_ms = static_cast<int>(doc.get_int("latencyMs", 0));
  c.cut_watch_after_events = static_cast<int>(doc.get_int("cutWatchAfterEvents", 0));
  c.gone_next_watch = doc.get_bool("goneNextWatch", false);
  c.gone_mode = doc.get_string("goneMode", "event");
  c.conflict_next_updates = static_cast<int>(doc.get_int("conflictNextUpdates", 0));
  c.seed = static_cast<unsigned>(doc.get_int("seed", 1));
  if (!read_strings(doc, "verbs", c.verbs, error) || !read_strings(doc, "resources", c.resources, error)) {
    return std::nullopt;
  }
  if (c.error_rate < 0 || c.error_rate > 1) {
    if (error) *error = "errorRate must be between 0 and 1";
    return std::nullopt;
  }
  if (c.error_code != 500 && c.error_code != 429 && c.error_code != 503) {
    if (error) *error = "errorCode must be 500, 503 or 429";
    return std::nullopt;
  }
  if (c.gone_mode != "event" && c.gone_mode != "response") {
    if (error) *error = "goneMode must be \"event\" or \"response\"";
    return std::nullopt;
  }
  return c;
}

json::Value fault_config_json(const FaultConfig& c) {
  json::Value doc = json::Value::object();
  doc["errorRate"] = c.error_rate;
  doc["errorCode"] = c.error_code;
  doc["retryAfterSeconds"] = c.retry_after_seconds;
  doc["failNext"] = c.fail_next;
  doc["latencyMs"] = c.latency_ms;
  doc["verbs"] = json::Value::array();
  for (const auto& v : c.verbs) doc["verbs"].push_back(v);
  doc["resources"] = json::Value::array();
  for (const auto& r : c.resources) doc["resources"].push_back(r);
  doc["cutWatchAfterEvents"] = c.cut_watch_after_events;
  doc["goneNextWatch"] = c.gone_next_watch;
  doc["goneMode"] = c.gone_mode;
  doc["conflictNextUpdates"] = c.conflict_next_updates;
  doc["seed"] = static_cast<long long>(c.seed);
  return doc;
}

void Faults::set(const FaultConfig& config) {
  std::lock_guard<std::mutex> lock(mu_);
  config_ = config;
  rng_.seed(config.seed);
}

FaultConfig Faults::get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

bool Faults::applies(const std::string& verb, const std::string& resource) const {
  const bool verb_ok = config_.verbs.empty() ||
                       std::find(config_.verbs.begin(), config_.verbs.end(), verb) != config_.verbs.end();
  const std::string plural = resource.substr(0, resource.find('.'));
  const bool resource_ok =
      config_.resources.empty() ||
      std::any_of(config_.resources.begin(), config_.resources.end(),
                  [&](const std::string& r) { return r == resource || r == plural; });
  return verb_ok && resource_ok;
}

std::optional<ApiError> Faults::request_error(const std::string& verb, const std::string& resource) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!applies(verb, resource)) return std::nullopt;
  bool fail = false;
  if (config_.fail_next > 0) {
    --config_.fail_next;
    fail = true;
  } else if (config_.error_rate > 0) {
    fail = std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < config_.error_rate;
  }
  if (!fail) return std::nullopt;
  if (config_.error_code == 429) return too_many_requests(config_.retry_after_seconds);
  if (config_.error_code == 503) {
    ApiError e;
    e.code = 503;
    e.reason = "ServiceUnavailable";
    e.message = "the server is currently unable to handle the request (injected fault)";
    return e;
  }
  return internal_error("injected fault");
}

int Faults::latency_ms(const std::string& verb, const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  return applies(verb, resource) ? config_.latency_ms : 0;
}

bool Faults::take_conflict(const std::string& verb, const std::string& resource) {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.conflict_next_updates <= 0 || !applies(verb, resource)) return false;
  --config_.conflict_next_updates;
  return true;
}

std::optional<std::string> Faults::take_gone_watch() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!config_.gone_next_watch) return std::nullopt;
  config_.gone_next_watch = false;
  return config_.gone_mode;
}

int Faults::cut_watch_after_events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_.cut_watch_after_events;
}

}  // namespace sqlop::testserver
