// Server-side apply and managedFields, modelled on the apiserver's documented behaviour ("Server-Side
// Apply" in the Kubernetes docs) and the managedFields it writes for kubectl create / apply.
#include <catch2/catch.hpp>

#include "apimachinery/apply.hpp"
#include "apimachinery/defaults.hpp"
#include "test_support.hpp"

using namespace sqlop::apimachinery;
using sqlop::apimachinery::testing::builtin_schema;
using sqlop::apimachinery::testing::J;
using sqlop::json::Value;

namespace {

ManagedFieldsContext context(const char* api_version, const char* kind, const char* now = "2025-05-01T10:00:00Z") {
  ManagedFieldsContext c;
  c.api_version = api_version;
  c.kind = kind;
  c.now = now;
  return c;
}

Value apply_ok(const std::optional<Value>& live, const Value& config, const std::string& manager,
               const ManagedFieldsContext& ctx, bool force = false) {
  const Result<Value> r = server_side_apply(ApplyRequest{live, config, manager, force}, ctx, builtin_schema());
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

Error apply_error(const std::optional<Value>& live, const Value& config, const std::string& manager,
                  const ManagedFieldsContext& ctx, bool force = false) {
  const Result<Value> r = server_side_apply(ApplyRequest{live, config, manager, force}, ctx, builtin_schema());
  REQUIRE_FALSE(r.ok());
  return r.error();
}

// The managedFields entry of `manager` with `operation`, or null.
Value entry(const Value& object, const std::string& manager, const std::string& operation = "Apply") {
  const Value* list = object.find_path({"metadata", "managedFields"});
  if (!list) return Value();
  for (const Value& e : list->as_array()) {
    if (e.get_string("manager") == manager && e.get_string("operation") == operation) return e;
  }
  return Value();
}

const Value kConfigMap = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"test-cm","namespace":"default",
  "labels":{"test-label":"test"}},"data":{"key":"some value"}})");

Value deployment_config(int replicas, const char* image = "nginx:1.27") {
  Value d = J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},
    "spec":{"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
    "spec":{"containers":[{"name":"nginx","ports":[{"containerPort":80}]}]}}}})");
  d["spec"]["replicas"] = replicas;
  d["spec"]["template"]["spec"]["containers"].as_array()[0]["image"] = image;
  return d;
}

}  // namespace

TEST_CASE("apply creates the object and records an Apply entry (docs example)", "[apimachinery][apply]") {
  const Value out = apply_ok(std::nullopt, kConfigMap, "kubectl", context("v1", "ConfigMap"));
  CHECK(*out.find("data") == J(R"({"key":"some value"})"));
  CHECK(out.find_path({"metadata", "name"})->as_string() == "test-cm");
  const Value* mf = out.find_path({"metadata", "managedFields"});
  REQUIRE(mf);
  CHECK(*mf == J(R"([{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2025-05-01T10:00:00Z",
    "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}}])"));
}

TEST_CASE("keyed lists are owned item by item, port keys use the protocol default", "[apimachinery][apply]") {
  const Value out = apply_ok(std::nullopt, deployment_config(2), "mgr", context("apps/v1", "Deployment"));
  const Value fields = *entry(out, "mgr").find("fieldsV1");
  CHECK(fields == J(R"({"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
    "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},
    "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}})"));
  // the members are written in the library's order: "." first, then fields sorted
  std::string text = sqlop::json::dump(fields);
  CHECK((text.find("\".\"") < text.find("f:image")));
}

TEST_CASE("a different value for a field another applier owns is a conflict, force takes it", "[apimachinery][apply]") {
  const auto ctx = context("apps/v1", "Deployment");
  const Value live = apply_ok(std::nullopt, deployment_config(2), "ci", ctx);
  const Error e = apply_error(live, deployment_config(3), "autoscaler", ctx);
  CHECK(e.code == 409);
  CHECK(e.reason == "Conflict");
  CHECK(e.message == "Apply failed with 1 conflict: conflict with \"ci\": .spec.replicas");
  REQUIRE(e.causes.size() == 1);
  CHECK(e.causes[0].reason == "FieldManagerConflict");
  CHECK(e.causes[0].message == "conflict with \"ci\"");
  CHECK(e.causes[0].field == ".spec.replicas");

  // the same value is shared ownership, not a conflict
  const Value shared = apply_ok(live, deployment_config(2), "autoscaler", ctx);
  CHECK(sqlop::json::dump(entry(shared, "ci")).find("f:replicas") != std::string::npos);
  CHECK(sqlop::json::dump(entry(shared, "autoscaler")).find("f:replicas") != std::string::npos);

  const Value forced = apply_ok(live, deployment_config(3), "autoscaler", ctx, true);
  CHECK(forced.find_path({"spec", "replicas"})->as_int() == 3);
  CHECK(sqlop::json::dump(entry(forced, "ci")).find("f:replicas") == std::string::npos);
  CHECK(sqlop::json::dump(entry(forced, "autoscaler")).find("f:replicas") != std::string::npos);
}

TEST_CASE("several conflicts are listed per manager as the apiserver lists them", "[apimachinery][apply]") {
  const auto ctx = context("apps/v1", "Deployment");
  const Value live = apply_ok(std::nullopt, deployment_config(2, "nginx:1"), "ci", ctx);
  const Error e = apply_error(live, deployment_config(3, "nginx:2"), "other", ctx);
  CHECK(e.message == "Apply failed with 2 conflicts: conflicts with \"ci\":\n- .spec.replicas\n"
                     "- .spec.template.spec.containers[name=\"nginx\"].image");
  REQUIRE(e.causes.size() == 2);
  CHECK(e.causes[1].field == ".spec.template.spec.containers[name=\"nginx\"].image");
}

TEST_CASE("an Update owner conflicts with an applier, named with its apiVersion", "[apimachinery][apply]") {
  auto ctx = context("apps/v1", "Deployment");
  Value created = apply_builtin_defaults(deployment_config(2));
  created = update_managed_fields(nullptr, created, "kubectl-client-side-apply", ctx, builtin_schema());
  const Error e = apply_error(created, deployment_config(5), "my-operator", ctx);
  CHECK(e.message == "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
  // an apply that agrees with every value owned by others is fine, and shares them
  const Value agreed = apply_ok(created, deployment_config(2), "my-operator", ctx);
  CHECK(agreed.find_path({"spec", "strategy", "type"})->as_string() == "RollingUpdate");
}

TEST_CASE("fields a manager stops applying are removed unless someone else owns them", "[apimachinery][apply]") {
  const auto ctx = context("v1", "ConfigMap");
  const Value first = apply_ok(std::nullopt, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"2"}})"), "mgr", ctx);
  const Value second = apply_ok(first, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}})"), "mgr", ctx);
  CHECK(*second.find("data") == J(R"({"a":"1"})"));
  // removing the last field removes the emptied map too
  const Value third = apply_ok(second, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})"), "mgr", ctx);
  CHECK_FALSE(third.find("data"));

  // b is also owned by an Update manager: the applier lets go, the value stays
  Value edited = first;
  edited["data"]["b"] = "2";
  const Value shared = apply_ok(first, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"2"}})"), "other", ctx);
  const Value kept = apply_ok(shared, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}})"), "mgr", ctx);
  CHECK(*kept.find("data") == J(R"({"a":"1","b":"2"})"));
  CHECK(sqlop::json::dump(entry(kept, "mgr")).find("f:b") == std::string::npos);
}

TEST_CASE("lists merge by key with other appliers' items kept in place", "[apimachinery][apply]") {
  const auto ctx = context("apps/v1", "Deployment");
  const Value live = apply_ok(std::nullopt, deployment_config(1), "app", ctx);
  Value sidecar = J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}})");
  const Value out = apply_ok(live, sidecar, "injector", ctx);
  const auto& containers = out.find_path({"spec", "template", "spec", "containers"})->as_array();
  REQUIRE(containers.size() == 2);
  CHECK(containers[0].get_string("name") == "nginx");
  CHECK(containers[1].get_string("name") == "sidecar");
  // the injector dropping its container removes only that one
  const Value removed = apply_ok(out, J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"}})"), "injector", ctx);
  REQUIRE(removed.find_path({"spec", "template", "spec", "containers"})->as_array().size() == 1);
  CHECK(entry(removed, "injector").is_null());
}

TEST_CASE("an apply that changes nothing returns the live object untouched", "[apimachinery][apply]") {
  const Value live = apply_ok(std::nullopt, kConfigMap, "kubectl", context("v1", "ConfigMap", "2025-05-01T10:00:00Z"));
  const Value again = apply_ok(live, kConfigMap, "kubectl", context("v1", "ConfigMap", "2025-06-01T00:00:00Z"));
  CHECK(again == live);
}

TEST_CASE("reset fields are neither applied nor owned", "[apimachinery][apply]") {
  auto ctx = context("apps/v1", "Deployment");
  ctx.reset_fields = {{"status"}};
  Value config = deployment_config(1);
  config["status"] = J(R"({"replicas":7})");
  const Value out = apply_ok(std::nullopt, config, "mgr", ctx);
  CHECK(sqlop::json::dump(entry(out, "mgr")).find("f:status") == std::string::npos);
}

TEST_CASE("kubectl takes over fields its client-side apply recorded (the upgrade path)", "[apimachinery][apply]") {
  const auto ctx = context("apps/v1", "Deployment");
  Value csa = deployment_config(2);
  csa["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = sqlop::json::dump(deployment_config(2)) + "\n";
  Value live = update_managed_fields(nullptr, apply_builtin_defaults(csa), "kubectl-client-side-apply", ctx, builtin_schema());
  // another manager would conflict; "kubectl" may take what last-applied recorded
  CHECK(apply_error(live, deployment_config(3), "other", ctx).code == 409);
  const Value out = apply_ok(live, deployment_config(3), "kubectl", ctx);
  CHECK(out.find_path({"spec", "replicas"})->as_int() == 3);
  CHECK(sqlop::json::dump(entry(out, "kubectl-client-side-apply", "Update")).find("f:replicas") == std::string::npos);
  // and the annotation now records the server-side applied configuration
  const std::string annotation = out.find_path({"metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"})->as_string();
  CHECK(annotation.find("\"replicas\":3") != std::string::npos);
  CHECK(annotation.back() == '\n');
}

TEST_CASE("apply refuses configurations the apiserver refuses", "[apimachinery][apply]") {
  const auto ctx = context("apps/v1", "Deployment");
  Value wrong_kind = deployment_config(1);
  wrong_kind["kind"] = "StatefulSet";
  Error e = apply_error(std::nullopt, wrong_kind, "m", ctx);
  CHECK(e.code == 400);
  CHECK(e.message == "invalid object type: apps/v1, Kind=StatefulSet");
  Value wrong_version = deployment_config(1);
  wrong_version["apiVersion"] = "v1";
  CHECK(apply_error(std::nullopt, wrong_version, "m", ctx).message == "invalid object type: /v1, Kind=Deployment");
  Value with_mf = deployment_config(1);
  with_mf["metadata"]["managedFields"] = J(R"([{"manager":"x"}])");
  e = apply_error(std::nullopt, with_mf, "m", ctx);
  CHECK(e.code == 400);
  CHECK(e.message == "metadata.managedFields must be nil");
  e = apply_error(std::nullopt, deployment_config(1), "", ctx);
  CHECK(e.code == 422);
  Value duplicate = deployment_config(1);
  duplicate["spec"]["template"]["spec"]["containers"].push_back(J(R"({"name":"nginx","image":"x"})"));
  e = apply_error(std::nullopt, duplicate, "m", ctx);
  CHECK(e.code == 500);
  CHECK(e.message == "failed to create typed patch object (apps/v1, Kind=Deployment default/nginx): "
                     ".spec.template.spec.containers: duplicate entries for key [name=\"nginx\"]");
}

TEST_CASE("update_managed_fields records what an ordinary write set, as kubectl create shows", "[apimachinery][apply]") {
  const auto ctx = context("apps/v1", "Deployment");
  Value d = deployment_config(1, "nginx:1.27");
  d["metadata"]["annotations"]["note"] = "x";
  const Value created = update_managed_fields(nullptr, apply_builtin_defaults(d), "kubectl-create", ctx, builtin_schema());
  const Value e = entry(created, "kubectl-create", "Update");
  CHECK(e.get_string("apiVersion") == "apps/v1");
  CHECK(e.get_string("time") == "2025-05-01T10:00:00Z");
  const Value& f = *e.find("fieldsV1");
  // maps the write added carry "."; structs that exist in the Go zero object do not
  CHECK(*f.find_path({"f:metadata", "f:annotations"}) == J(R"({".":{},"f:note":{}})"));
  CHECK(*f.find_path({"f:spec", "f:strategy"}) == J(R"({"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}})"));
  CHECK(*f.find_path({"f:spec", "f:selector"}) == J("{}"));
  CHECK(*f.find_path({"f:spec", "f:template", "f:metadata"}) == J(R"({"f:labels":{".":{},"f:app":{}}})"));
  const Value& spec = *f.find_path({"f:spec", "f:template", "f:spec"});
  CHECK(spec.find("f:dnsPolicy"));
  CHECK(spec.find("f:securityContext"));
  CHECK_FALSE(spec.find_path({"f:containers", "."}));
  CHECK(*spec.find_path({"f:containers", "k:{\"name\":\"nginx\"}", "f:ports"}) ==
        J(R"({".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}})"));
  CHECK_FALSE(f.find_path({"f:metadata", "f:name"}));
}

TEST_CASE("updates move ownership of changed fields and keep unchanged ones", "[apimachinery][apply]") {
  const auto ctx = context("v1", "ConfigMap", "2025-05-01T10:00:00Z");
  const Value created = update_managed_fields(nullptr, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"2"}})"), "creator", ctx, builtin_schema());
  const Value edited = update_managed_fields(&created, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"3"}})"), "editor", context("v1", "ConfigMap", "2025-05-02T10:00:00Z"), builtin_schema());
  CHECK(*entry(edited, "creator", "Update").find("fieldsV1") == J(R"({"f:data":{".":{},"f:a":{}}})"));
  CHECK(*entry(edited, "editor", "Update").find("fieldsV1") == J(R"({"f:data":{"f:b":{}}})"));
  // entries are ordered by time
  CHECK(edited.find_path({"metadata", "managedFields"})->as_array()[0].get_string("manager") == "creator");
  // a write that changes nothing leaves the entries (and their times) alone
  const Value same = update_managed_fields(&edited, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"3"}})"), "third", context("v1", "ConfigMap", "2025-05-03T10:00:00Z"), builtin_schema());
  CHECK(*same.find_path({"metadata", "managedFields"}) == *edited.find_path({"metadata", "managedFields"}));
  // managedFields: [{}] in the request clears them
  Value reset = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[{}]},"data":{"a":"1","b":"3"}})");
  const Value cleared = update_managed_fields(&edited, reset, "third", ctx, builtin_schema());
  CHECK_FALSE(cleared.find_path({"metadata", "managedFields"}));
}

TEST_CASE("objects without managedFields: updates stay untracked, apply meets before-first-apply", "[apimachinery][apply]") {
  const auto ctx = context("v1", "ConfigMap");
  const Value untracked = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","uid":"u-1"},"data":{"a":"1"}})");
  const Value updated = update_managed_fields(&untracked, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","uid":"u-1"},"data":{"a":"2"}})"), "editor", ctx, builtin_schema());
  CHECK_FALSE(updated.find_path({"metadata", "managedFields"}));
  const Error e = apply_error(untracked, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"9"}})"), "mgr", ctx);
  CHECK(e.message == "Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.a");
  const Value taken = apply_ok(untracked, J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"9"}})"), "mgr", ctx, true);
  CHECK(taken.find_path({"data", "a"})->as_string() == "9");
  // before-first-apply keeps the data map itself, which it "added"
  CHECK(*entry(taken, "before-first-apply", "Update").find("fieldsV1") == J(R"({"f:data":{}})"));
}

TEST_CASE("the default field manager comes from the User-Agent", "[apimachinery][apply]") {
  CHECK(default_field_manager("kubectl/v1.35.0 (linux/amd64) kubernetes/abcdef") == "kubectl");
  CHECK(default_field_manager("sqlite-operator") == "sqlite-operator");
  CHECK(default_field_manager(std::string(200, 'x') + "/1").size() == 128);
}
