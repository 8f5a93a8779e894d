#include "host/controller/status_conditions.hpp"

#include <set>
#include <string_view>
#include <utility>

namespace sqlop::controller {

namespace {

constexpr std::size_t kMaxTypeLength = 316;
constexpr std::size_t kMaxReasonLength = 1024;
constexpr std::size_t kMaxMessageLength = 32768;

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// One DNS label: [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (const char c : s) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

// Labels joined by dots.
bool is_dns_subdomain(std::string_view s) {
  for (;;) {
    const std::size_t dot = s.find('.');
    if (!is_dns_label(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

// The name part of a qualified name: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_name_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (const char c : s) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// The CRD's pattern for condition types: an optional "example.com/" prefix, then a qualified name part.
bool is_valid_type(std::string_view type) {
  if (type.size() > kMaxTypeLength) return false;
  const std::size_t slash = type.find('/');
  if (slash == std::string_view::npos) return is_qualified_name_part(type);
  return is_dns_subdomain(type.substr(0, slash)) && is_qualified_name_part(type.substr(slash + 1));
}

// ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ -- CamelCase in practice.
bool is_valid_reason(std::string_view reason) {
  if (reason.empty() || reason.size() > kMaxReasonLength || !is_alpha(reason.front())) return false;
  const char last = reason.back();
  if (!is_alnum(last) && last != '_') return false;
  for (const char c : reason) {
    if (!is_alnum(c) && c != '_' && c != ',' && c != ':') return false;
  }
  return true;
}

// Cuts at `limit` bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Drops null object members, recursively: the API server stores none for our status fields.
json::Value without_nulls(const json::Value& value) {
  if (value.is_object()) {
    json::Value out = json::Value::object();
    for (const auto& [key, member] : value.as_object()) {
      if (!member.is_null()) out.as_object().set(key, without_nulls(member));
    }
    return out;
  }
  if (value.is_array()) {
    json::Value out = json::Value::array();
    for (const auto& item : value.as_array()) out.push_back(without_nulls(item));
    return out;
  }
  return value;
}

}  // namespace

const char* to_string(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::True: return "True";
    case ConditionStatus::False: return "False";
    case ConditionStatus::Unknown: return "Unknown";
  }
  return "Unknown";
}

bool operator==(const Condition& a, const Condition& b) {
  return a.type == b.type && a.status == b.status && a.reason == b.reason && a.message == b.message &&
         a.last_transition_time == b.last_transition_time && a.observed_generation == b.observed_generation;
}

std::optional<std::string> observation_problem(const Observation& observation) {
  if (!is_valid_type(observation.type)) {
    return "condition type \"" + observation.type + "\" is not a qualified name such as Ready or example.com/Ready";
  }
  if (observation.reason.empty()) return "condition " + observation.type + ": reason must not be empty";
  if (!is_valid_reason(observation.reason)) {
    return "condition " + observation.type + ": reason \"" + observation.reason +
           "\" must be CamelCase (a letter, then letters, digits, '_', ',' or ':'), at most 1024 characters";
  }
  return std::nullopt;
}

ConditionsUpdate merge_conditions(const std::vector<Condition>& previous, const std::vector<Observation>& observed,
                                  std::int64_t generation, const std::string& now) {
  ConditionsUpdate update;
  std::set<std::string> types;
  for (const Observation& observation : observed) {
    if (auto problem = observation_problem(observation)) update.errors.push_back(std::move(*problem));
    if (!types.insert(observation.type).second) {
      update.errors.push_back("condition " + observation.type + " observed twice");
    }
  }
  if (generation < 0) update.errors.push_back("observedGeneration must not be negative");
  update.conditions = previous;
  if (!update.ok()) return update;

  for (const Observation& observation : observed) {
    const std::string status = to_string(observation.status);
    Condition* condition = nullptr;
    for (Condition& existing : update.conditions) {
      if (existing.type == observation.type) condition = &existing;
    }
    if (!condition) {
      update.conditions.push_back(Condition{observation.type, status, "", "", now, 0});
      condition = &update.conditions.back();
    } else if (condition->status != status || condition->last_transition_time.empty()) {
      condition->status = status;
      condition->last_transition_time = now;
    }
    condition->reason = observation.reason;
    condition->message = truncate_utf8(observation.message, kMaxMessageLength);
    condition->observed_generation = generation;
  }
  return update;
}

const Condition* find_condition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const Condition& condition : conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

std::vector<Condition> conditions_from_json(const json::Value& conditions) {
  std::vector<Condition> out;
  if (!conditions.is_array()) return out;
  for (const json::Value& item : conditions.as_array()) {
    if (!item.is_object() || item.get_string("type").empty()) continue;
    Condition condition;
    condition.type = item.get_string("type");
    condition.status = item.get_string("status");
    condition.reason = item.get_string("reason");
    condition.message = item.get_string("message");
    condition.last_transition_time = item.get_string("lastTransitionTime");
    condition.observed_generation = item.get_int("observedGeneration", 0);
    out.push_back(std::move(condition));
  }
  return out;
}

json::Value conditions_to_json(const std::vector<Condition>& conditions) {
  json::Value out = json::Value::array();
  for (const Condition& condition : conditions) {
    // metav1.Condition's field order, as kubectl shows it; observedGeneration is omitted when 0 (omitempty).
    json::Value item = json::Value::object();
    item["type"] = condition.type;
    item["status"] = condition.status;
    if (condition.observed_generation != 0)
      item["observedGeneration"] = static_cast<long long>(condition.observed_generation);
    item["lastTransitionTime"] = condition.last_transition_time;
    item["reason"] = condition.reason;
    item["message"] = condition.message;
    out.push_back(std::move(item));
  }
  return out;
}

bool status_differs(const json::Value& current, const json::Value& desired) {
  return without_nulls(current) != without_nulls(desired);
}

}  // namespace sqlop::controller
