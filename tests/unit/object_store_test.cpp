// The informer cache (host/controller/object_store.hpp) and what it strips before caching
// (object_transform.hpp). Pure: no server, no threads except in the concurrency case. The contract cases
// run in both storage modes (unpacked trees and packed JSON text).
#include "host/controller/object_store.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "host/controller/object_transform.hpp"
#include "sqlite_operator/json.hpp"

using sqlop::controller::Indexers;
using sqlop::controller::object_key;
using sqlop::controller::ObjectPtr;
using sqlop::controller::ObjectStore;
using sqlop::controller::ReplaceResult;
using sqlop::controller::StoreOptions;
namespace json = sqlop::json;

namespace {

json::Value object(const std::string& ns, const std::string& name, const std::string& rv,
                   const std::string& secret = {}) {
  json::Value o;
  o["apiVersion"] = "database.sqlite.io/v1alpha1";
  o["kind"] = "SqliteDatabase";
  o["metadata"]["name"] = name;
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  o["metadata"]["resourceVersion"] = rv;
  if (!secret.empty()) o["spec"]["secretName"] = secret;
  return o;
}

ObjectPtr ptr(json::Value v) { return std::make_shared<const json::Value>(std::move(v)); }

// Files a CR under "namespace/secretName", as the controller's index of referenced Secrets does.
Indexers secret_index() {
  Indexers indexers;
  indexers["secret"] = [](const json::Value& o) {
    std::vector<std::string> values;
    const json::Value* secret = o.find_path({"spec", "secretName"});
    if (secret && secret->is_string()) {
      values.push_back(object_key(o.find("metadata")->get_string("namespace"), secret->as_string()));
    }
    return values;
  };
  return indexers;
}

// Each contract case runs once per storage mode.
StoreOptions any_mode() {
  StoreOptions options;
  options.packed = GENERATE(false, true);
  return options;
}

std::string mode_name(const StoreOptions& options) { return options.packed ? "packed" : "unpacked"; }

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> keys_of(const std::vector<ObjectPtr>& objects) {
  std::vector<std::string> keys;
  for (const auto& o : objects) keys.push_back(object_key(*o));
  return sorted(keys);
}

}  // namespace

TEST_CASE("object_key is namespace/name, or name for cluster-scoped objects", "[informer]") {
  CHECK(object_key(object("ns1", "db", "1")) == "ns1/db");
  CHECK(object_key(object("", "node-a", "1")) == "node-a");
  CHECK(object_key(json::Value::object()) == "");
  CHECK(object_key("a", "b") == "a/b");
  CHECK(object_key("", "b") == "b");
}

TEST_CASE("ObjectStore get, list, keys, size, upsert and erase", "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store({}, mode);
  CHECK(store.size() == 0);
  CHECK(store.get("ns/a") == nullptr);

  CHECK(store.upsert(ptr(object("ns", "a", "1"))) == nullptr);
  CHECK(store.upsert(ptr(object("ns", "b", "2"))) == nullptr);
  const ObjectPtr previous = store.upsert(ptr(object("ns", "a", "3")));
  REQUIRE(previous != nullptr);
  CHECK(previous->find_path({"metadata", "resourceVersion"})->as_string() == "1");

  CHECK(store.size() == 2);
  CHECK(store.get("ns/a")->find_path({"metadata", "resourceVersion"})->as_string() == "3");
  CHECK(sorted(store.keys()) == std::vector<std::string>{"ns/a", "ns/b"});
  CHECK(keys_of(store.list()) == std::vector<std::string>{"ns/a", "ns/b"});

  const ObjectPtr removed = store.erase("ns/a");
  REQUIRE(removed != nullptr);
  CHECK(object_key(*removed) == "ns/a");
  CHECK(store.erase("ns/a") == nullptr);
  CHECK(store.size() == 1);
  CHECK(store.get("ns/a") == nullptr);
}

TEST_CASE("Unpacked ObjectStore readers share the stored object and keep it after the store moves on", "[informer]") {
  ObjectStore store;
  const ObjectPtr stored = ptr(object("ns", "a", "1"));
  store.upsert(stored);
  const ObjectPtr read = store.get("ns/a");
  CHECK(read.get() == stored.get());  // no copy
  store.upsert(ptr(object("ns", "a", "2")));
  store.erase("ns/a");
  CHECK(read->find_path({"metadata", "resourceVersion"})->as_string() == "1");
}

TEST_CASE("ObjectStore replace reports added, updated and deleted objects", "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store({}, mode);
  store.upsert(ptr(object("ns", "same", "1")));
  store.upsert(ptr(object("ns", "changed", "2")));
  store.upsert(ptr(object("ns", "gone", "3")));
  const ObjectPtr same_before = store.get("ns/same");

  const ReplaceResult result = store.replace({ptr(object("ns", "same", "1")), ptr(object("ns", "changed", "5")),
                                              ptr(object("ns", "new", "6"))});

  CHECK(keys_of(result.added) == std::vector<std::string>{"ns/new"});
  REQUIRE(result.updated.size() == 1);
  CHECK(result.updated[0].first->find_path({"metadata", "resourceVersion"})->as_string() == "2");
  CHECK(result.updated[0].second->find_path({"metadata", "resourceVersion"})->as_string() == "5");
  CHECK(keys_of(result.deleted) == std::vector<std::string>{"ns/gone"});
  CHECK(result.deleted[0]->find_path({"metadata", "resourceVersion"})->as_string() == "3");

  CHECK(sorted(store.keys()) == std::vector<std::string>{"ns/changed", "ns/new", "ns/same"});
  if (!mode.packed) CHECK(store.get("ns/same").get() == same_before.get());  // unchanged: same stored pointer
  CHECK(*store.get("ns/same") == *same_before);
  CHECK(store.get("ns/changed")->find_path({"metadata", "resourceVersion"})->as_string() == "5");
}

TEST_CASE("ObjectStore replace with an empty list deletes everything, objects without a key are skipped",
          "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store({}, mode);
  store.upsert(ptr(object("ns", "a", "1")));
  store.upsert(ptr(object("", "cluster-wide", "2")));
  json::Value nameless;
  nameless["metadata"]["namespace"] = "ns";
  const ReplaceResult cleared = store.replace({ptr(nameless)});
  CHECK(cleared.added.empty());
  CHECK(keys_of(cleared.deleted) == std::vector<std::string>{"cluster-wide", "ns/a"});
  CHECK(store.size() == 0);
}

TEST_CASE("same_object_version compares resourceVersions for equality only, contents without one",
          "[informer]") {
  using sqlop::controller::same_object_version;
  CHECK(same_object_version(object("ns", "a", "10"), object("ns", "a", "10")));
  CHECK_FALSE(same_object_version(object("ns", "a", "10"), object("ns", "a", "9")));
  json::Value a = object("ns", "a", "");
  json::Value b = a;
  CHECK(same_object_version(a, b));
  b["data"]["k"] = "v";
  CHECK_FALSE(same_object_version(a, b));
}

TEST_CASE("ObjectStore indexes follow upsert, erase and replace", "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store(secret_index(), mode);
  store.upsert(ptr(object("ns", "db1", "1", "creds")));
  store.upsert(ptr(object("ns", "db2", "2", "creds")));
  store.upsert(ptr(object("other", "db3", "3", "creds")));
  store.upsert(ptr(object("ns", "db4", "4")));

  CHECK(store.index_keys("secret", "ns/creds") == std::vector<std::string>{"ns/db1", "ns/db2"});
  CHECK(keys_of(store.by_index("secret", "other/creds")) == std::vector<std::string>{"other/db3"});
  CHECK(store.index_keys("secret", "ns/none").empty());
  CHECK(store.index_keys("no-such-index", "ns/creds").empty());

  // An update moves the object to its new value and out of the old one.
  store.upsert(ptr(object("ns", "db2", "5", "rotated")));
  CHECK(store.index_keys("secret", "ns/creds") == std::vector<std::string>{"ns/db1"});
  CHECK(store.index_keys("secret", "ns/rotated") == std::vector<std::string>{"ns/db2"});

  store.erase("ns/db1");
  CHECK(store.index_keys("secret", "ns/creds").empty());

  store.replace({ptr(object("ns", "db2", "5", "rotated")), ptr(object("ns", "db4", "6", "creds")),
                 ptr(object("ns", "db5", "7", "creds"))});
  CHECK(store.index_keys("secret", "ns/creds") == std::vector<std::string>{"ns/db4", "ns/db5"});
  CHECK(store.index_keys("secret", "ns/rotated") == std::vector<std::string>{"ns/db2"});
  CHECK(store.index_keys("secret", "other/creds").empty());  // db3 was not in the list
}

TEST_CASE("ObjectStore can file one object under several index values", "[informer]") {
  Indexers indexers;
  indexers["secrets"] = [](const json::Value& o) {
    std::vector<std::string> values;
    if (const json::Value* refs = o.find_path({"spec", "secrets"})) {
      for (const auto& r : refs->as_array()) values.push_back(r.as_string());
    }
    return values;
  };
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store(indexers, mode);
  json::Value db = object("ns", "db", "1");
  db["spec"]["secrets"].push_back("ns/a");
  db["spec"]["secrets"].push_back("ns/b");
  db["spec"]["secrets"].push_back("ns/a");  // repeated values are filed once
  store.upsert(ptr(db));
  CHECK(store.index_keys("secrets", "ns/a") == std::vector<std::string>{"ns/db"});
  CHECK(store.index_keys("secrets", "ns/b") == std::vector<std::string>{"ns/db"});
  store.erase("ns/db");
  CHECK(store.index_keys("secrets", "ns/a").empty());
  CHECK(store.index_keys("secrets", "ns/b").empty());
}

TEST_CASE("ObjectStore serves readers while a writer changes it", "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store(secret_index(), mode);
  std::atomic<bool> done{false};
  std::atomic<bool> reading{false};
  std::thread writer([&] {
    while (!reading) std::this_thread::yield();
    for (int i = 0; i < 2000; ++i) {
      const std::string name = "db" + std::to_string(i % 50);
      store.upsert(ptr(object("ns", name, std::to_string(i), "s" + std::to_string(i % 3))));
      if (i % 7 == 0) store.erase("ns/" + name);
    }
    done = true;
  });
  std::size_t reads = 0;
  reading = true;
  do {
    for (const ObjectPtr& o : store.list()) CHECK(!object_key(*o).empty());
    for (const std::string& key : store.index_keys("secret", "ns/s1")) {
      const ObjectPtr o = store.get(key);
      if (o) CHECK(o->find_path({"spec", "secretName"}) != nullptr);
    }
    ++reads;
  } while (!done);
  writer.join();
  CHECK(reads > 0);
  // Every stored object is under exactly the index value it names.
  for (const ObjectPtr& o : store.list()) {
    const std::string value = "ns/" + o->find_path({"spec", "secretName"})->as_string();
    const auto keys = store.index_keys("secret", value);
    CHECK(std::count(keys.begin(), keys.end(), object_key(*o)) == 1);
  }
}

TEST_CASE("ObjectStore reports the objects passed to replace, and runs index functions once per version",
          "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  int index_calls = 0;
  Indexers indexers = secret_index();
  indexers["counted"] = [&index_calls](const json::Value&) {
    ++index_calls;
    return std::vector<std::string>{"all"};
  };
  ObjectStore store(indexers, mode);
  store.upsert(ptr(object("ns", "a", "1", "creds")));
  const ObjectPtr listed_new = ptr(object("ns", "new", "2", "creds"));
  const ObjectPtr listed_a = ptr(object("ns", "a", "3", "rotated"));
  const ReplaceResult result = store.replace({listed_a, listed_new});
  REQUIRE(result.added.size() == 1);
  CHECK(result.added[0].get() == listed_new.get());
  REQUIRE(result.updated.size() == 1);
  CHECK(result.updated[0].second.get() == listed_a.get());
  CHECK(index_calls == 3);  // one per stored version: unfiling the old one used the values kept for it
  store.erase("ns/a");
  CHECK(index_calls == 3);
  CHECK(store.index_keys("counted", "all") == std::vector<std::string>{"ns/new"});
  CHECK(store.index_keys("secret", "ns/rotated").empty());
  CHECK(store.index_keys("secret", "ns/creds") == std::vector<std::string>{"ns/new"});
}

TEST_CASE("ObjectStore compares objects without a resourceVersion by content", "[informer]") {
  const StoreOptions mode = any_mode();
  INFO(mode_name(mode));
  ObjectStore store({}, mode);
  json::Value plain = object("ns", "a", "");
  plain["data"]["k"] = "v1";
  store.upsert(ptr(plain));

  CHECK(store.replace({ptr(plain)}).updated.empty());  // same content: no news
  json::Value changed = plain;
  changed["data"]["k"] = "v2";
  const ReplaceResult result = store.replace({ptr(changed)});
  REQUIRE(result.updated.size() == 1);
  CHECK(*result.updated[0].first == plain);
  CHECK(*result.updated[0].second == changed);
  CHECK(*store.get("ns/a") == changed);
}

namespace {

// An object with every kind of JSON value, and strings that need escaping.
json::Value rich_object(const std::string& rv) {
  json::Value o = object("ns", "rich", rv, "creds");
  o["metadata"]["labels"]["app.kubernetes.io/name"] = "db";
  o["spec"]["replicas"] = 1;
  o["spec"]["ratio"] = 0.1;
  o["spec"]["big"] = std::int64_t{9007199254740993};
  o["spec"]["negative"] = -42;
  o["spec"]["enabled"] = true;
  o["spec"]["nothing"] = json::Value();
  o["spec"]["empty_object"] = json::Value::object();
  o["spec"]["empty_array"] = json::Value::array();
  o["spec"]["text"] = "quote \" backslash \\ newline \n tab \t control \x01 unicode \u00e9\u2603 \xf0\x9f\x98\x80";
  o["spec"]["list"].push_back("a");
  o["spec"]["list"].push_back(2);
  o["spec"]["list"].push_back(json::Value::object());
  json::Value ready;
  ready["type"] = "Ready";
  ready["status"] = "True";
  o["status"]["conditions"].push_back(ready);
  return o;
}

}  // namespace

TEST_CASE("Packed ObjectStore reads back fresh objects equal to the stored ones", "[informer]") {
  ObjectStore store(secret_index(), StoreOptions{true});
  const json::Value stored = rich_object("1");
  store.upsert(ptr(stored));

  const ObjectPtr first = store.get("ns/rich");
  const ObjectPtr second = store.get("ns/rich");
  REQUIRE(first != nullptr);
  CHECK(*first == stored);
  CHECK(json::dump(*first) == json::dump(stored));  // member order and number forms kept too
  CHECK(first.get() != second.get());                // each read is its own copy
  REQUIRE(store.list().size() == 1);
  CHECK(*store.list()[0] == stored);
  REQUIRE(store.by_index("secret", "ns/creds").size() == 1);
  CHECK(*store.by_index("secret", "ns/creds")[0] == stored);

  // A copy a reader holds is its own: later writes do not reach it.
  store.upsert(ptr(object("ns", "rich", "2")));
  CHECK(*first == stored);
  CHECK(*store.get("ns/rich") == object("ns", "rich", "2"));
}

TEST_CASE("Packed ObjectStore hands back the full old state on update and delete", "[informer]") {
  ObjectStore store(secret_index(), StoreOptions{true});
  const json::Value v1 = rich_object("1");
  json::Value v2 = rich_object("2");
  v2["spec"]["replicas"] = 0;

  CHECK(store.upsert(ptr(v1)) == nullptr);
  const ObjectPtr replaced = store.upsert(ptr(v2));
  REQUIRE(replaced != nullptr);
  CHECK(*replaced == v1);

  json::Value v3 = v2;
  v3["metadata"]["resourceVersion"] = "3";
  v3["status"]["phase"] = "Failed";
  const ReplaceResult result = store.replace({ptr(v3), ptr(object("ns", "other", "4"))});
  REQUIRE(result.updated.size() == 1);
  CHECK(*result.updated[0].first == v2);
  CHECK(*result.updated[0].second == v3);

  const ReplaceResult cleared = store.replace({ptr(object("ns", "other", "4"))});
  REQUIRE(cleared.deleted.size() == 1);
  CHECK(*cleared.deleted[0] == v3);
  CHECK(cleared.updated.empty());
  CHECK(store.index_keys("secret", "ns/creds").empty());

  store.upsert(ptr(v1));
  const ObjectPtr erased = store.erase("ns/rich");
  REQUIRE(erased != nullptr);
  CHECK(*erased == v1);
}

TEST_CASE("strip_unused_fields drops managedFields and the last-applied annotation, nothing else",
          "[informer]") {
  json::Value o = object("ns", "a", "1", "creds");
  o["metadata"]["labels"]["app"] = "x";
  o["metadata"]["managedFields"].push_back(json::Value::object());
  o["metadata"]["annotations"][sqlop::controller::kLastAppliedAnnotation] = "{\"big\":\"copy\"}";
  o["metadata"]["annotations"]["keep.me/too"] = "yes";
  o["status"]["phase"] = "Ready";

  json::Value expected = o;
  expected["metadata"].as_object().erase("managedFields");
  expected["metadata"]["annotations"].as_object().erase(sqlop::controller::kLastAppliedAnnotation);

  sqlop::controller::strip_unused_fields(o);
  CHECK(o == expected);
  CHECK(o.find_path({"metadata", "managedFields"}) == nullptr);
  CHECK(o.find_path({"metadata", "annotations", "keep.me/too"}) != nullptr);
}

TEST_CASE("strip_unused_fields removes an annotations map it emptied and tolerates odd objects", "[informer]") {
  json::Value o = object("ns", "a", "1");
  o["metadata"]["annotations"][sqlop::controller::kLastAppliedAnnotation] = "{}";
  sqlop::controller::strip_unused_fields(o);
  CHECK(o.find_path({"metadata", "annotations"}) == nullptr);
  CHECK(o == object("ns", "a", "1"));

  json::Value no_metadata;
  no_metadata["kind"] = "X";
  const json::Value before = no_metadata;
  sqlop::controller::strip_unused_fields(no_metadata);
  CHECK(no_metadata == before);

  json::Value odd;
  odd["metadata"] = "not an object";
  sqlop::controller::strip_unused_fields(odd);
  CHECK(odd["metadata"].as_string() == "not an object");
}
