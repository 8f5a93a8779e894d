// Names, metadata validation, generateName, generation, no-op updates, registry preparation and request
// option validation, as the apiserver words and does them.
#include <catch2/catch.hpp>

#include "apimachinery/objects.hpp"
#include "apimachinery/options.hpp"
#include "test_support.hpp"

using namespace sqlop::apimachinery;
using sqlop::apimachinery::testing::J;
using sqlop::json::Value;

TEST_CASE("metadata.name rules per kind with the apiserver's messages", "[apimachinery][objects]") {
  CHECK(name_rule_for("", "Service") == NameRule::Dns1035Label);
  CHECK(name_rule_for("", "Namespace") == NameRule::Dns1123Label);
  CHECK(name_rule_for("apps", "Deployment") == NameRule::Dns1123Subdomain);
  CHECK(name_rule_for("database.sqlite.io", "SqliteDatabase") == NameRule::Dns1123Subdomain);

  CHECK(name_problems(NameRule::Dns1123Subdomain, "my-db.v1").empty());
  CHECK(name_problems(NameRule::Dns1123Subdomain, "My_DB") ==
        std::vector<std::string>{"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                                 "'-' or '.', and must start and end with an alphanumeric character (e.g. "
                                 "'example.com', regex used for validation is "
                                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"});
  CHECK(name_problems(NameRule::Dns1035Label, "1db") ==
        std::vector<std::string>{"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
                                 "with an alphabetic character, and end with an alphanumeric character (e.g. "
                                 "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"});
  CHECK(name_problems(NameRule::Dns1123Label, "a.b") == std::vector<std::string>{"must not contain dots"});
  CHECK(name_problems(NameRule::Dns1123Label, std::string(64, 'a')) ==
        std::vector<std::string>{"must be no more than 63 bytes"});
  // a generateName prefix may end with "-"
  CHECK(name_problems(NameRule::Dns1123Subdomain, "web-", true).empty());
  CHECK_FALSE(name_problems(NameRule::Dns1123Subdomain, "web-", false).empty());
}

TEST_CASE("ObjectMeta validation causes and the Invalid status message", "[apimachinery][objects]") {
  const auto causes = validate_object_meta(
      J(R"({"metadata":{"name":"Bad_Name","labels":{"ok":"yes","bad key":"v"},"finalizers":["example.com/f"]}})"),
      NameRule::Dns1123Subdomain, true);
  REQUIRE(causes.size() == 3);
  CHECK(causes[0].field == "metadata.name");
  CHECK(causes[0].reason == "FieldValueInvalid");
  CHECK(causes[0].message.rfind("Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", 0) == 0);
  CHECK(causes[1].field == "metadata.namespace");
  CHECK(causes[1].message == "Required value");
  CHECK(causes[2].field == "metadata.labels");
  CHECK(causes[2].message.rfind("Invalid value: \"bad key\": name part must consist of", 0) == 0);

  const Error e = invalid("apps", "Deployment", "Bad_Name", {causes[0]});
  CHECK(e.code == 422);
  CHECK(e.reason == "Invalid");
  CHECK(e.message.rfind("Deployment.apps \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": ", 0) == 0);
  const Error two = invalid("", "ConfigMap", "x", {field_required("metadata.name", "name or generateName is required"),
                                                  field_forbidden("metadata.namespace", "not allowed on this type")});
  CHECK(two.message == "ConfigMap \"x\" is invalid: [metadata.name: Required value: name or generateName is required, "
                       "metadata.namespace: Forbidden: not allowed on this type]");

  const auto missing = validate_object_meta(J(R"({"metadata":{}})"), NameRule::Dns1123Label, false);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].message == "Required value: name or generateName is required");
}

TEST_CASE("metadata update rules", "[apimachinery][objects]") {
  const Value live = J(R"({"metadata":{"name":"a","uid":"u1","generation":3,"deletionTimestamp":"2025-01-01T00:00:00Z","finalizers":["x"]}})");
  const auto causes = validate_object_meta_update(live, J(R"({"metadata":{"name":"b","uid":"u1","generation":2,"deletionTimestamp":"2025-01-01T00:00:00Z","finalizers":["x","y"]}})"));
  std::vector<std::string> texts;
  for (const Cause& c : causes) texts.push_back(c.field + ": " + c.message);
  CHECK(texts == std::vector<std::string>{
                     "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
                     "found new finalizers []string{\"y\"}",
                     "metadata.generation: Invalid value: 2: must not be decremented",
                     "metadata.name: Invalid value: \"b\": field is immutable"});
}

TEST_CASE("generateName: prefix cut to 58 characters plus five from the apiserver's alphabet", "[apimachinery][objects]") {
  unsigned calls = 0;
  const std::string name = generate_name("web-", [&](unsigned n) { CHECK(n == 27u); return calls++; });
  CHECK(name == "web-bcdfg");
  const std::string long_name = generate_name(std::string(70, 'a') + "-", [](unsigned) { return 26u; });
  CHECK(long_name == std::string(58, 'a') + "99999");
}

TEST_CASE("metadata.generation moves as each registry moves it", "[apimachinery][objects]") {
  const Value deploy = J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":4,"labels":{"a":"1"}},"spec":{"replicas":1},"status":{"x":1}})");
  const auto policy = generation_policy_for("apps", "Deployment");
  CHECK(policy == GenerationPolicy::SpecOrAnnotations);
  CHECK(next_generation(deploy, J(R"({"metadata":{"generation":4},"spec":{"replicas":2}})"), policy) == 5);
  CHECK(next_generation(deploy, J(R"({"metadata":{"generation":9,"labels":{"a":"2"}},"spec":{"replicas":1}})"), policy) == 4);
  CHECK(next_generation(deploy, J(R"({"metadata":{"annotations":{"n":"1"}},"spec":{"replicas":1}})"), policy) == 5);
  // semantically equal specs (an empty list is no list) do not bump
  CHECK(next_generation(deploy, J(R"({"metadata":{},"spec":{"replicas":1,"tolerations":[]}})"), policy) == 4);
  CHECK(generation_policy_for("", "ConfigMap") == GenerationPolicy::None);
  CHECK(generation_policy_for("", "Service") == GenerationPolicy::None);
  CHECK(generation_policy_for("networking.k8s.io", "Ingress") == GenerationPolicy::Spec);
  const auto cr = generation_policy_for("database.sqlite.io", "SqliteDatabase", true, true);
  const Value db = J(R"({"metadata":{"generation":1},"spec":{"a":1},"status":{"phase":"Ready"}})");
  CHECK(next_generation(db, J(R"({"metadata":{"labels":{"x":"y"}},"spec":{"a":1},"status":{"phase":"Failed"}})"), cr) == 1);
  CHECK(next_generation(db, J(R"({"metadata":{},"spec":{"a":2},"status":{"phase":"Ready"}})"), cr) == 2);
  CHECK(generation_after_deletion_mark(3) == 4);
  CHECK(generation_after_deletion_mark(0) == 0);
}

TEST_CASE("a write that changes nothing but managedFields times is a no-op", "[apimachinery][objects]") {
  const Value live = J(R"({"metadata":{"name":"a","resourceVersion":"7","managedFields":[{"manager":"m","operation":"Update","time":"2025-01-01T00:00:00Z"}]},"data":{"k":"v"}})");
  CHECK(is_noop_update(live, J(R"({"metadata":{"name":"a","resourceVersion":"9","managedFields":[{"manager":"m","operation":"Update","time":"2026-01-01T00:00:00Z"}]},"data":{"k":"v"}})")));
  CHECK(is_noop_update(live, J(R"({"metadata":{"name":"a","labels":{},"managedFields":[{"manager":"m","operation":"Update"}]},"data":{"k":"v"}})")));
  CHECK_FALSE(is_noop_update(live, J(R"({"metadata":{"name":"a","managedFields":[{"manager":"m","operation":"Update"}]},"data":{"k":"w"}})")));
  CHECK_FALSE(is_noop_update(live, J(R"({"metadata":{"name":"a","managedFields":[{"manager":"other","operation":"Update"}]},"data":{"k":"v"}})")));
}

TEST_CASE("registry preparation on create and update", "[apimachinery][objects]") {
  const Value deploy = prepare_for_create(J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"status":{"replicas":3}})"));
  CHECK(deploy.find_path({"metadata", "generation"})->as_int() == 1);
  CHECK(*deploy.find("status") == J("{}"));
  const Value svc = prepare_for_create(J(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}})"));
  CHECK(*svc.find("status") == J(R"({"loadBalancer":{}})"));
  CHECK_FALSE(svc.find_path({"metadata", "generation"}));
  const Value ns = prepare_for_create(J(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}})"));
  CHECK(*ns.find_path({"spec", "finalizers"}) == J(R"(["kubernetes"])"));
  const Value pod = prepare_for_create(J(R"({"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1Gi"}}}]}})"));
  CHECK(*pod.find("status") == J(R"({"phase":"Pending","qosClass":"Guaranteed"})"));
  const Value cr = prepare_for_create(J(R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase","status":{"phase":"x"}})"), true, true);
  CHECK_FALSE(cr.find("status"));
  CHECK(cr.find_path({"metadata", "generation"})->as_int() == 1);

  const Value live = J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","uid":"u","generation":2,"creationTimestamp":"2025-01-01T00:00:00Z","labels":{"l":"1"}},"spec":{"replicas":1},"status":{"replicas":1}})");
  const Value main = prepare_for_update(live, J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","creationTimestamp":"2030-01-01T00:00:00Z"},"spec":{"replicas":3},"status":{"replicas":9}})"), "");
  CHECK(main.find_path({"status", "replicas"})->as_int() == 1);
  CHECK(main.find_path({"metadata", "uid"})->as_string() == "u");
  CHECK(main.find_path({"metadata", "creationTimestamp"})->as_string() == "2025-01-01T00:00:00Z");
  CHECK(main.find_path({"metadata", "generation"})->as_int() == 3);
  const Value status = prepare_for_update(live, J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"l":"2"}},"spec":{"replicas":3},"status":{"replicas":9}})"), "status");
  CHECK(status.find_path({"spec", "replicas"})->as_int() == 1);
  CHECK(status.find_path({"metadata", "labels", "l"})->as_string() == "1");
  CHECK(status.find_path({"status", "replicas"})->as_int() == 9);
  CHECK(status.find_path({"metadata", "generation"})->as_int() == 2);

  CHECK(reset_fields_for("apps", "Deployment", "") == std::vector<std::vector<std::string>>{{"status"}});
  CHECK(reset_fields_for("apps", "Deployment", "status") == std::vector<std::vector<std::string>>{{"spec"}, {"metadata", "labels"}});
  CHECK(reset_fields_for("", "ConfigMap", "").empty());
  CHECK(reset_fields_for("x.io", "Thing", "status", true, true) == std::vector<std::vector<std::string>>{{"metadata"}, {"spec"}});
}

TEST_CASE("request options are validated as the apiserver validates them", "[apimachinery][objects]") {
  CHECK_FALSE(validate_write_options(WriteVerb::Apply, WriteOptions{"kubectl", true, {}, "Strict"}));
  const auto no_manager = validate_write_options(WriteVerb::Apply, WriteOptions{});
  REQUIRE(no_manager);
  CHECK(no_manager->code == 422);
  CHECK(no_manager->message == "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
  const auto force = validate_write_options(WriteVerb::Patch, WriteOptions{"", true, {}, ""});
  REQUIRE(force);
  CHECK(force->message == "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");
  const auto validation = validate_write_options(WriteVerb::Create, WriteOptions{"", false, {}, "Loud"});
  REQUIRE(validation);
  CHECK(validation->message == "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loud\": "
                               "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
  const auto too_long = validate_write_options(WriteVerb::Update, WriteOptions{std::string(129, 'm'), false, {}, ""});
  REQUIRE(too_long);
  CHECK(too_long->message == "UpdateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes");
  const auto policy = validate_delete_options(std::string("Sometimes"), false, {});
  REQUIRE(policy);
  CHECK(policy->message == "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sometimes\": "
                           "supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
  CHECK_FALSE(validate_delete_options(std::string("Foreground"), false, {"All"}));
}
