// Status conditions (metav1.Condition semantics) and the status-changed test.
#include "host/controller/status_conditions.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

using sqlop::controller::Condition;
using sqlop::controller::ConditionStatus;
using sqlop::controller::merge_conditions;
using sqlop::controller::Observation;
using sqlop::json::Value;

namespace {

const std::string kT1 = "2024-05-01T10:00:00Z";
const std::string kT2 = "2024-05-01T11:00:00Z";

std::vector<Condition> merged(const std::vector<Condition>& previous, const std::vector<Observation>& observed,
                              std::int64_t generation, const std::string& now) {
  const auto update = merge_conditions(previous, observed, generation, now);
  REQUIRE(update.ok());
  return update.conditions;
}

std::vector<std::string> types_of(const std::vector<Condition>& conditions) {
  std::vector<std::string> types;
  for (const auto& c : conditions) types.push_back(c.type);
  return types;
}

Value parse(const char* text) { return *sqlop::json::parse(text); }

}  // namespace

TEST_CASE("conditions: a new condition gets status, reason, message, generation and now", "[conditions]") {
  const auto c = merged({}, {{"Ready", ConditionStatus::False, "DeploymentNotAvailable", "0/1 pods ready"}}, 3, kT1);
  REQUIRE(c.size() == 1);
  CHECK(c[0] == Condition{"Ready", "False", "DeploymentNotAvailable", "0/1 pods ready", kT1, 3});
}

TEST_CASE("conditions: lastTransitionTime moves only when status changes", "[conditions]") {
  const auto first = merged({}, {{"Ready", ConditionStatus::False, "Progressing", "starting"}}, 1, kT1);

  // Same status, new reason and message and generation: the transition time stays.
  const auto same = merged(first, {{"Ready", ConditionStatus::False, "DeploymentNotAvailable", "waiting"}}, 2, kT2);
  CHECK(same[0].last_transition_time == kT1);
  CHECK(same[0].reason == "DeploymentNotAvailable");
  CHECK(same[0].message == "waiting");
  CHECK(same[0].observed_generation == 2);

  // Status flips: the transition time is now.
  const auto flipped = merged(same, {{"Ready", ConditionStatus::True, "Available", ""}}, 2, kT2);
  CHECK(flipped[0].status == "True");
  CHECK(flipped[0].last_transition_time == kT2);

  // Unknown counts as a status of its own.
  const auto unknown =
      merged(flipped, {{"Ready", ConditionStatus::Unknown, "Reconciling", ""}}, 2, "2024-05-01T12:00:00Z");
  CHECK(unknown[0].status == "Unknown");
  CHECK(unknown[0].last_transition_time == "2024-05-01T12:00:00Z");
}

TEST_CASE("conditions: a previous condition without a transition time gets one", "[conditions]") {
  const std::vector<Condition> previous = {{"Ready", "True", "Available", "", "", 1}};
  const auto c = merged(previous, {{"Ready", ConditionStatus::True, "Available", ""}}, 1, kT1);
  CHECK(c[0].last_transition_time == kT1);
}

TEST_CASE("conditions: an unchanged observation yields identical conditions", "[conditions]") {
  const std::vector<Observation> observed = {{"Ready", ConditionStatus::True, "Available", "ok"},
                                             {"StorageBound", ConditionStatus::True, "Bound", "pvc bound"}};
  const auto first = merged({}, observed, 4, kT1);
  const auto again = merged(first, observed, 4, kT2);
  CHECK(again == first);
  CHECK_FALSE(sqlop::controller::status_differs(sqlop::controller::conditions_to_json(first),
                                                sqlop::controller::conditions_to_json(again)));
}

TEST_CASE("conditions: order is stable -- previous types first, new types in observation order", "[conditions]") {
  const auto first = merged(
      {}, {{"StorageBound", ConditionStatus::True, "Bound", ""}, {"Ready", ConditionStatus::False, "Progressing", ""}},
      1, kT1);
  CHECK(types_of(first) == std::vector<std::string>{"StorageBound", "Ready"});
  // Observed in another order, plus a new type: existing order kept, the new one appended.
  const auto second = merged(first,
                             {{"ReplicationConfigured", ConditionStatus::True, "Configured", ""},
                              {"Ready", ConditionStatus::True, "Available", ""},
                              {"StorageBound", ConditionStatus::True, "Bound", ""}},
                             2, kT2);
  CHECK(types_of(second) == std::vector<std::string>{"StorageBound", "Ready", "ReplicationConfigured"});
}

TEST_CASE("conditions: types not observed are left exactly as they were", "[conditions]") {
  const std::vector<Condition> previous = {{"example.com/Audited", "True", "Checked", "by someone else", kT1, 7},
                                           {"Ready", "False", "Progressing", "", kT1, 1}};
  const auto c = merged(previous, {{"Ready", ConditionStatus::True, "Available", ""}}, 2, kT2);
  REQUIRE(c.size() == 2);
  CHECK(c[0] == previous[0]);
  CHECK(c[1].observed_generation == 2);
}

TEST_CASE("conditions: reason must be CamelCase and non-empty, type a qualified name", "[conditions]") {
  const std::vector<Condition> previous = {{"Ready", "True", "Available", "", kT1, 1}};
  for (const char* bad_reason : {"", "not camel", "1Starts", "Ends-", "Trailing,", "Dash-Case"}) {
    INFO(bad_reason);
    const auto update = merge_conditions(previous, {{"Ready", ConditionStatus::False, bad_reason, ""}}, 2, kT2);
    CHECK_FALSE(update.ok());
    CHECK(update.conditions == previous);  // nothing changes when an observation is invalid
  }
  for (const char* good_reason : {"A", "Available", "Reason_1", "Has:Colon", "With,Comma_"}) {
    INFO(good_reason);
    CHECK(merge_conditions({}, {{"Ready", ConditionStatus::True, good_reason, ""}}, 1, kT1).ok());
  }
  CHECK_FALSE(merge_conditions({}, {{"", ConditionStatus::True, "R", ""}}, 1, kT1).ok());
  CHECK_FALSE(merge_conditions({}, {{"Bad Type", ConditionStatus::True, "R", ""}}, 1, kT1).ok());
  CHECK_FALSE(merge_conditions({}, {{"Example.com/Ready", ConditionStatus::True, "R", ""}}, 1, kT1).ok());
  CHECK(merge_conditions({}, {{"database.sqlite.io/Ready", ConditionStatus::True, "R", ""}}, 1, kT1).ok());
  CHECK(merge_conditions({}, {{std::string(316, 'A'), ConditionStatus::True, "R", ""}}, 1, kT1).ok());
  CHECK_FALSE(merge_conditions({}, {{std::string(317, 'A'), ConditionStatus::True, "R", ""}}, 1, kT1).ok());
  CHECK_FALSE(merge_conditions({}, {{"Ready", ConditionStatus::True, std::string(1025, 'R'), ""}}, 1, kT1).ok());
}

TEST_CASE("conditions: a type observed twice or a negative generation is refused", "[conditions]") {
  auto update = merge_conditions(
      {}, {{"Ready", ConditionStatus::True, "A", ""}, {"Ready", ConditionStatus::False, "B", ""}}, 1, kT1);
  REQUIRE_FALSE(update.ok());
  CHECK(update.errors[0] == "condition Ready observed twice");
  CHECK(update.conditions.empty());
  update = merge_conditions({}, {{"Ready", ConditionStatus::True, "A", ""}}, -1, kT1);
  CHECK_FALSE(update.ok());
}

TEST_CASE("conditions: messages are cut at 32768 bytes on a UTF-8 boundary", "[conditions]") {
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  std::string long_message;
  while (long_message.size() < 40000) long_message += euro;
  const auto c = merged({}, {{"Ready", ConditionStatus::False, "Failed", long_message}}, 1, kT1);
  CHECK(c[0].message.size() <= 32768);
  CHECK(c[0].message.size() >= 32766);
  CHECK(c[0].message.size() % 3 == 0);  // no partial character
  const std::string exact(32768, 'x');
  CHECK(merged({}, {{"Ready", ConditionStatus::False, "Failed", exact}}, 1, kT1)[0].message == exact);
}

TEST_CASE("conditions: JSON round trip in metav1.Condition form", "[conditions]") {
  const std::vector<Condition> conditions = {{"Ready", "True", "Available", "ok", kT1, 5},
                                             {"Other", "Unknown", "NotChecked", "", kT2, 0}};
  const Value json = sqlop::controller::conditions_to_json(conditions);
  CHECK(json == parse(R"([
    {"type":"Ready","status":"True","observedGeneration":5,"lastTransitionTime":"2024-05-01T10:00:00Z",
     "reason":"Available","message":"ok"},
    {"type":"Other","status":"Unknown","lastTransitionTime":"2024-05-01T11:00:00Z","reason":"NotChecked","message":""}
  ])"));
  CHECK(sqlop::json::dump(json.as_array()[0]).rfind(R"({"type":"Ready","status":"True","observedGeneration":5,)", 0) ==
        0);
  CHECK(sqlop::controller::conditions_from_json(json) == conditions);
}

TEST_CASE("conditions: reading a live object skips entries that cannot be conditions", "[conditions]") {
  const auto c = sqlop::controller::conditions_from_json(
      parse(R"([{"type":"Ready","status":"True"}, 7, {"status":"True"}, {"type":"X","observedGeneration":2.0}])"));
  REQUIRE(c.size() == 2);
  CHECK(c[0].type == "Ready");
  CHECK(c[1].observed_generation == 2);
  CHECK(sqlop::controller::conditions_from_json(Value()).empty());
  CHECK(sqlop::controller::find_condition(c, "X") == &c[1]);
  CHECK(sqlop::controller::find_condition(c, "Missing") == nullptr);
}

TEST_CASE("status_differs: same content is no change, whatever member order or number form", "[conditions]") {
  using sqlop::controller::status_differs;
  const Value a =
      parse(R"({"phase":"Ready","observedGeneration":3,"endpoints":{"rest":"http://x","metrics":"http://y"}})");
  const Value reordered =
      parse(R"({"endpoints":{"metrics":"http://y","rest":"http://x"},"observedGeneration":3.0,"phase":"Ready"})");
  CHECK_FALSE(status_differs(a, reordered));
  CHECK_FALSE(status_differs(a, a));
  // A null member is the same as an absent one.
  CHECK_FALSE(status_differs(a, parse(R"({"phase":"Ready","observedGeneration":3,"message":null,
                                          "endpoints":{"rest":"http://x","metrics":"http://y","extra":null}})")));
  CHECK_FALSE(status_differs(Value(), Value()));
}

TEST_CASE("status_differs: any real change is a change", "[conditions]") {
  using sqlop::controller::status_differs;
  const Value a = parse(R"({"phase":"Ready","observedGeneration":3,"conditions":[{"type":"A"},{"type":"B"}]})");
  CHECK(status_differs(a,
                       parse(R"({"phase":"Failed","observedGeneration":3,"conditions":[{"type":"A"},{"type":"B"}]})")));
  CHECK(
      status_differs(a, parse(R"({"phase":"Ready","observedGeneration":4,"conditions":[{"type":"A"},{"type":"B"}]})")));
  CHECK(status_differs(a, parse(R"({"phase":"Ready","conditions":[{"type":"A"},{"type":"B"}]})")));
  CHECK(
      status_differs(a, parse(R"({"phase":"Ready","observedGeneration":3,"conditions":[{"type":"B"},{"type":"A"}]})")));
  CHECK(status_differs(a, parse(R"({"phase":"Ready","observedGeneration":3,"conditions":[{"type":"A"}]})")));
  CHECK(status_differs(Value(), a));  // no status yet
  CHECK(status_differs(a, Value()));
  CHECK(status_differs(parse(R"({"message":""})"), parse(R"({})")));  // empty string is a value, unlike null
}
