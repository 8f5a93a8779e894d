// Label and field selectors against what the apiserver answers for the same selector strings.
#include <catch2/catch.hpp>

#include "apimachinery/selectors.hpp"
#include "test_support.hpp"

using namespace sqlop::apimachinery;
using sqlop::apimachinery::testing::J;

namespace {

LabelSelector parse_ok(const std::string& text) {
  const Result<LabelSelector> r = parse_label_selector(text);
  INFO(text << " -> " << (r.ok() ? std::string("ok") : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

std::string parse_error(const std::string& text) {
  const Result<LabelSelector> r = parse_label_selector(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == 400);
  CHECK(r.error().reason == "BadRequest");
  return r.error().message;
}

const auto kLabels = J(R"({"app":"web","tier":"frontend","version":"3"})");

}  // namespace

TEST_CASE("equality-based label selectors match as the apiserver matches them", "[apimachinery][selectors]") {
  CHECK(matches_labels(parse_ok("app=web"), kLabels));
  CHECK(matches_labels(parse_ok("app==web"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("app=db"), kLabels));
  CHECK(matches_labels(parse_ok("app!=db"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("app!=web"), kLabels));
  // != and notin also match objects that lack the key entirely
  CHECK(matches_labels(parse_ok("missing!=x"), kLabels));
  CHECK(matches_labels(parse_ok("app=web,tier=frontend"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("app=web,tier=backend"), kLabels));
  // "key=" selects an empty value, which a missing key does not have
  CHECK_FALSE(matches_labels(parse_ok("missing="), kLabels));
  CHECK(matches_labels(parse_ok("empty="), J(R"({"empty":""})")));
}

TEST_CASE("set-based label selectors: in, notin, exists, !exists, gt, lt", "[apimachinery][selectors]") {
  CHECK(matches_labels(parse_ok("tier in (frontend, backend)"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("tier in (backend)"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("missing in (a)"), kLabels));
  CHECK(matches_labels(parse_ok("tier notin (backend)"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("tier notin (frontend)"), kLabels));
  CHECK(matches_labels(parse_ok("missing notin (a)"), kLabels));
  CHECK(matches_labels(parse_ok("app"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("missing"), kLabels));
  CHECK(matches_labels(parse_ok("!missing"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("!app"), kLabels));
  CHECK(matches_labels(parse_ok("version>2"), kLabels));
  CHECK_FALSE(matches_labels(parse_ok("version>3"), kLabels));
  CHECK(matches_labels(parse_ok("version<4"), kLabels));
  CHECK(matches_labels(parse_ok("app,!missing,tier in (frontend),version notin (1,2)"), kLabels));
  // keywords are plain values inside a set
  CHECK(matches_labels(parse_ok("x in (in,notin)"), J(R"({"x":"notin"})")));
  // an empty selector selects everything, also objects without labels
  CHECK(matches_labels(parse_ok(""), sqlop::json::Value()));
  CHECK(matches(parse_ok("app=web"), J(R"({"metadata":{"labels":{"app":"web"}}})")));
  CHECK_FALSE(matches(parse_ok("app=web"), J(R"({"metadata":{"name":"x"}})")));
}

TEST_CASE("label selectors print sorted by key with sorted values", "[apimachinery][selectors]") {
  CHECK(to_string(parse_ok("z=1,a in (y,x),!m")) == "a in (x,y),!m,z=1");
  CHECK(to_string(parse_ok("a notin (b),c")) == "a notin (b),c");
}

TEST_CASE("invalid label selectors are refused with the apiserver's words", "[apimachinery][selectors]") {
  CHECK(parse_error("=web") == "found '=', expected: !, identifier, or 'end of string'");
  CHECK(parse_error("app=web,") == "found '', expected: identifier after ','");
  CHECK(parse_error("app in web") == "unable to parse requirement: found 'web' expected: '('");
  CHECK(parse_error("app in (a") == "unable to parse requirement: found '', expected: ',' or ')'");
  CHECK(parse_error("app web") == "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt");
  CHECK(parse_error("!app=x") == "found '=', expected: ',' or 'end of string'");
  // "()" is the set holding the empty value, not an empty set
  CHECK(matches_labels(parse_ok("app in ()"), J(R"({"app":""})")));
  CHECK(parse_error("app=-bad") ==
        "unable to parse requirement: values[0][app]: Invalid value: \"-bad\": a valid label must be an empty string "
        "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  CHECK(parse_error("a/b/c=x") ==
        "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of "
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. "
        "'example.com/MyName')");
  CHECK(parse_error("x>a") ==
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be "
        "an integer");
  CHECK(parse_error("app(") == "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt");
}

TEST_CASE("metav1.LabelSelector converts as LabelSelectorAsSelector does", "[apimachinery][selectors]") {
  const Result<LabelSelector> s = label_selector_from_json(
      J(R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","edge"]},)"
        R"({"key":"legacy","operator":"DoesNotExist"}]})"));
  REQUIRE(s.ok());
  CHECK(matches_labels(s.value(), kLabels));
  CHECK(to_string(s.value()) == "app=web,!legacy,tier in (edge,frontend)");
  // null selects nothing, {} selects everything
  CHECK_FALSE(matches_labels(label_selector_from_json(sqlop::json::Value()).value(), kLabels));
  CHECK(matches_labels(label_selector_from_json(J("{}")).value(), kLabels));
  const Result<LabelSelector> empty_in = label_selector_from_json(J(R"({"matchExpressions":[{"key":"a","operator":"In"}]})"));
  REQUIRE_FALSE(empty_in.ok());
  CHECK(empty_in.error().message == "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
  const Result<LabelSelector> bad = label_selector_from_json(J(R"({"matchExpressions":[{"key":"a","operator":"Near"}]})"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "\"Near\" is not a valid label selector operator");
}

TEST_CASE("field selectors parse, check supported labels and match", "[apimachinery][selectors]") {
  const auto pod = J(R"({"metadata":{"name":"web-0","namespace":"prod"},"spec":{"nodeName":"n1"},"status":{"phase":"Running"}})");
  const Result<FieldSelector> s = parse_field_selector("metadata.name=web-0,status.phase!=Pending");
  REQUIRE(s.ok());
  CHECK(matches(s.value(), pod));
  CHECK_FALSE(matches(parse_field_selector("metadata.namespace==dev").value(), pod));
  CHECK(matches(parse_field_selector("spec.hostNetwork=false").value(), pod));
  CHECK(matches(parse_field_selector("").value(), pod));
  // escaped separators in values
  const Result<FieldSelector> escaped = parse_field_selector(R"(metadata.name=a\,b\=c)");
  REQUIRE(escaped.ok());
  CHECK(escaped.value().requirements[0].value == "a,b=c");

  const Result<FieldSelector> garbage = parse_field_selector("metadata.name");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().message == "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  const Result<FieldSelector> bad_escape = parse_field_selector(R"(metadata.name=a\b)");
  REQUIRE_FALSE(bad_escape.ok());
  CHECK(bad_escape.error().message == "invalid field selector: invalid escape sequence: \\b");

  CHECK_FALSE(check_builtin_field_labels(parse_field_selector("spec.nodeName=n1").value(), "", "pods"));
  const auto pods = check_builtin_field_labels(parse_field_selector("spec.image=x").value(), "", "pods");
  REQUIRE(pods);
  CHECK(pods->code == 400);
  CHECK(pods->message == "field label not supported: spec.image");
  const auto cms = check_builtin_field_labels(parse_field_selector("data.x=y").value(), "", "configmaps");
  REQUIRE(cms);
  CHECK(cms->message == "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  CHECK_FALSE(check_builtin_field_labels(parse_field_selector("type=Opaque").value(), "", "secrets"));
  CHECK(check_builtin_field_labels(parse_field_selector("metadata.namespace=x").value(), "", "namespaces"));
  CHECK_FALSE(check_custom_field_labels(parse_field_selector("spec.color=red").value(), true, {"spec.color"}));
  const auto cr = check_custom_field_labels(parse_field_selector("metadata.namespace=x").value(), false, {});
  REQUIRE(cr);
  CHECK(cr->message == "field label not supported: metadata.namespace");
}

TEST_CASE("event field labels read the registry's fields", "[apimachinery][selectors]") {
  const auto event = J(R"({"involvedObject":{"kind":"SqliteDatabase","name":"db"},"source":{"component":"op"},)"
                       R"("reportingComponent":"op-ctrl","type":"Warning"})");
  CHECK(field_label_value(event, "involvedObject.name") == "db");
  CHECK(field_label_value(event, "source") == "op");
  CHECK(field_label_value(event, "reportingComponent") == "op-ctrl");
  CHECK(matches(parse_field_selector("involvedObject.kind=SqliteDatabase,type=Warning").value(), event));
  CHECK_FALSE(check_builtin_field_labels(parse_field_selector("involvedObject.uid=1,reason=x").value(), "", "events"));
}
