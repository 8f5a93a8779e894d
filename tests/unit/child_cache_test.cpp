// What the controller caches of its children, and the digest that lets it skip re-reading them.
#include "host/reconcile/child_cache.hpp"

#include <catch2/catch.hpp>

#include "host/controller/child_diff.hpp"

using sqlop::json::Value;
namespace rc = sqlop::reconcile;

namespace {

Value deployment() {
  return *sqlop::json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"shop","namespace":"team","uid":"d-1","resourceVersion":"10","generation":2,
      "labels":{"app.kubernetes.io/managed-by":"sqlite-operator","app.kubernetes.io/instance":"shop"},
      "annotations":{"database.sqlite.io/applied-hash":"abc","deployment.kubernetes.io/revision":"1"},
      "ownerReferences":[{"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase","name":"shop",
        "uid":"u-1","controller":true}],
      "managedFields":[{"manager":"sqlite-operator"}]},
    "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"litestream","image":"l:1"}]}}},
    "status":{"replicas":1,"availableReplicas":1,"observedGeneration":2,
      "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"long text"}]}})");
}

}  // namespace

TEST_CASE("child cache: a managed child keeps identity, ownership, hash, status it needs and a digest", "[childcache]") {
  Value cached = deployment();
  rc::compact_managed_child(cached);
  CHECK(cached.find_path({"metadata", "uid"})->as_string() == "d-1");
  CHECK(cached.find_path({"metadata", "ownerReferences"})->as_array().size() == 1);
  CHECK(cached.find_path({"metadata", "annotations", sqlop::controller::kAppliedHashAnnotation})->as_string() == "abc");
  CHECK_FALSE(cached.find_path({"metadata", "annotations", "deployment.kubernetes.io/revision"}));
  CHECK_FALSE(cached.find("spec"));
  CHECK_FALSE(cached.find_path({"metadata", "managedFields"}));
  CHECK(cached.find_path({"status", "availableReplicas"})->as_int() == 1);
  CHECK(cached.find_path({"status", "conditions"})->as_array().at(0).get_string("status") == "True");
  CHECK_FALSE(cached.find_path({"status", "conditions"})->as_array().at(0).find("message"));
  CHECK(rc::cached_digest(cached) == rc::content_digest(deployment()));
}

TEST_CASE("child cache: objects the operator does not manage are cached as they are", "[childcache]") {
  Value user = *sqlop::json::parse(R"({"kind":"ConfigMap","metadata":{"name":"schema"},"data":{"init.sql":"x"}})");
  const Value before = user;
  rc::compact_managed_child(user);
  CHECK(user == before);
  CHECK(rc::cached_digest(user).empty());
}

TEST_CASE("child cache: the digest follows content, not bookkeeping or how the object was read", "[childcache]") {
  const std::string digest = rc::content_digest(deployment());
  Value bookkeeping = deployment();
  bookkeeping["metadata"]["resourceVersion"] = "11";
  bookkeeping["status"]["availableReplicas"] = 0;
  bookkeeping["metadata"].as_object().erase("managedFields");
  CHECK(rc::content_digest(bookkeeping) == digest);
  // A listed item: the client appends apiVersion and kind after the rest.
  Value listed = deployment();
  listed.as_object().erase("apiVersion");
  listed.as_object().erase("kind");
  listed["apiVersion"] = "apps/v1";
  listed["kind"] = "Deployment";
  CHECK(rc::content_digest(listed) == digest);
  Value edited = deployment();
  edited["spec"]["template"]["spec"]["containers"].as_array().at(0)["image"] = "evil:1";
  CHECK(rc::content_digest(edited) != digest);
}

TEST_CASE("child cache: verified digests", "[childcache]") {
  rc::VerifiedChildren verified;
  CHECK_FALSE(verified.is_verified("d-1", "x"));
  verified.remember("d-1", "x");
  CHECK(verified.is_verified("d-1", "x"));
  CHECK_FALSE(verified.is_verified("d-1", "y"));
  CHECK_FALSE(verified.is_verified("d-1", ""));
  verified.forget("d-1");
  CHECK_FALSE(verified.is_verified("d-1", "x"));
}
