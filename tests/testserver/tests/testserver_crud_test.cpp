// CRUD semantics against the running server, each modelled on the real apiserver's answers.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

TEST_CASE("create, get, update and delete a ConfigMap", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  const Response created = api().post(ns_path(ns, "configmaps"), configmap("one"));
  INFO(created.body);
  REQUIRE(created.status == 201);
  const json::Value obj = created.json();
  CHECK(str(obj, {"metadata", "uid"}).size() == 36);
  CHECK(str(obj, {"metadata", "creationTimestamp"}).back() == 'Z');
  CHECK(str(obj, {"metadata", "namespace"}) == ns);
  CHECK_FALSE(rv_of(obj).empty());
  CHECK(obj.find_path({"metadata", "generation"}) == nullptr);  // ConfigMaps have no generation

  SECTION("get returns the stored object") {
    const Response got = api().get(ns_path(ns, "configmaps", "one"));
    REQUIRE(got.status == 200);
    CHECK(got.json() == obj);
  }
  SECTION("a second create is 409 AlreadyExists") {
    const Response again = api().post(ns_path(ns, "configmaps"), configmap("one"));
    REQUIRE(again.status == 409);
    const json::Value s = again.json();
    CHECK(str(s, {"kind"}) == "Status");
    CHECK(str(s, {"reason"}) == "AlreadyExists");
    CHECK(str(s, {"message"}) == "configmaps \"one\" already exists");
    CHECK(str(s, {"details", "name"}) == "one");
    CHECK(str(s, {"details", "kind"}) == "configmaps");
    CHECK(s.get_int("code", 0) == 409);
  }
  SECTION("update with the current resourceVersion succeeds and moves it") {
    json::Value next = obj;
    next["data"]["k"] = "changed";
    const Response updated = api().put(ns_path(ns, "configmaps", "one"), next);
    REQUIRE(updated.status == 200);
    CHECK(std::stoll(rv_of(updated.json())) > std::stoll(rv_of(obj)));
    CHECK(str(updated.json(), {"data", "k"}) == "changed");
    CHECK(str(updated.json(), {"metadata", "uid"}) == str(obj, {"metadata", "uid"}));

    SECTION("an update with the old resourceVersion is 409 Conflict") {
      const Response stale = api().put(ns_path(ns, "configmaps", "one"), next);
      REQUIRE(stale.status == 409);
      CHECK(str(stale.json(), {"reason"}) == "Conflict");
      CHECK(str(stale.json(), {"message"}) ==
            "Operation cannot be fulfilled on configmaps \"one\": the object has been modified; please apply your "
            "changes to the latest version and try again");
    }
  }
  SECTION("an update without resourceVersion is unconditional") {
    json::Value next = configmap("one", "k", "v2");
    const Response updated = api().put(ns_path(ns, "configmaps", "one"), next);
    REQUIRE(updated.status == 200);
    CHECK(str(updated.json(), {"data", "k"}) == "v2");
  }
  SECTION("an update that changes nothing keeps the resourceVersion") {
    const Response same = api().put(ns_path(ns, "configmaps", "one"), obj);
    REQUIRE(same.status == 200);
    CHECK(rv_of(same.json()) == rv_of(obj));
  }
  SECTION("the name in the body must match the URL") {
    json::Value other = obj;
    other["metadata"]["name"] = "two";
    const Response r = api().put(ns_path(ns, "configmaps", "one"), other);
    REQUIRE(r.status == 400);
    CHECK(str(r.json(), {"message"}) == "the name of the object (two) does not match the name on the URL (one)");
  }
  SECTION("delete answers with a Success Status, then the object is gone") {
    const Response deleted = api().del(ns_path(ns, "configmaps", "one"));
    REQUIRE(deleted.status == 200);
    CHECK(str(deleted.json(), {"status"}) == "Success");
    CHECK(str(deleted.json(), {"details", "uid"}) == str(obj, {"metadata", "uid"}));
    const Response gone = api().get(ns_path(ns, "configmaps", "one"));
    REQUIRE(gone.status == 404);
    CHECK(str(gone.json(), {"reason"}) == "NotFound");
    CHECK(str(gone.json(), {"message"}) == "configmaps \"one\" not found");
    CHECK(api().del(ns_path(ns, "configmaps", "one")).status == 404);
  }
}

TEST_CASE("server-set metadata: generateName, global resourceVersion, refused fields", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  SECTION("generateName gets five random characters") {
    json::Value cm = configmap("");
    cm["metadata"].as_object().erase("name");
    cm["metadata"]["generateName"] = "gen-";
    const Response r = api().post(ns_path(ns, "configmaps"), cm);
    REQUIRE(r.status == 201);
    const std::string name = str(r.json(), {"metadata", "name"});
    CHECK(name.rfind("gen-", 0) == 0);
    CHECK(name.size() == 9);
  }
  SECTION("no name and no generateName is 422") {
    json::Value cm = configmap("");
    cm["metadata"].as_object().erase("name");
    const Response r = api().post(ns_path(ns, "configmaps"), cm);
    REQUIRE(r.status == 422);
    CHECK(str(r.json(), {"reason"}) == "Invalid");
    CHECK(r.json().find_path({"details", "causes"})->as_array().at(0).get_string("field") == "metadata.name");
  }
  SECTION("an invalid name is 422 with the field") {
    const Response r = api().post(ns_path(ns, "configmaps"), configmap("Bad_Name"));
    REQUIRE(r.status == 422);
    CHECK(str(r.json(), {"message"}).rfind("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", 0) == 0);
  }
  SECTION("resourceVersion is one counter across kinds") {
    const Response a = api().post(ns_path(ns, "configmaps"), configmap("a"));
    const Response b = api().post(apps_path(ns), deployment("b"));
    const Response c = api().post(ns_path(ns, "configmaps"), configmap("c"));
    REQUIRE(a.status == 201);
    REQUIRE(b.status == 201);
    REQUIRE(c.status == 201);
    CHECK(std::stoll(rv_of(a.json())) < std::stoll(rv_of(b.json())));
    CHECK(std::stoll(rv_of(b.json())) < std::stoll(rv_of(c.json())));
  }
  SECTION("a create that sets resourceVersion is refused") {
    json::Value cm = configmap("with-rv");
    cm["metadata"]["resourceVersion"] = "5";
    const Response r = api().post(ns_path(ns, "configmaps"), cm);
    CHECK(r.status == 500);
    CHECK(str(r.json(), {"message"}).find("resourceVersion should not be set on objects to be created") != std::string::npos);
  }
  SECTION("a body namespace other than the URL's is 400") {
    json::Value cm = configmap("elsewhere");
    cm["metadata"]["namespace"] = "default";
    const Response r = api().post(ns_path(ns, "configmaps"), cm);
    REQUIRE(r.status == 400);
    CHECK(str(r.json(), {"message"}) == "the namespace of the provided object does not match the namespace sent on the request");
  }
  SECTION("a missing namespace is 404") {
    const Response r = api().post(ns_path("no-such-ns", "configmaps"), configmap("x"));
    REQUIRE(r.status == 404);
    CHECK(str(r.json(), {"message"}) == "namespaces \"no-such-ns\" not found");
  }
  SECTION("uid and creationTimestamp cannot be changed by an update") {
    const Response created = api().post(ns_path(ns, "configmaps"), configmap("keep"));
    json::Value next = created.json();
    next["metadata"]["creationTimestamp"] = "2001-01-01T00:00:00Z";
    next["data"]["k"] = "other";
    const Response updated = api().put(ns_path(ns, "configmaps", "keep"), next);
    REQUIRE(updated.status == 200);
    CHECK(str(updated.json(), {"metadata", "creationTimestamp"}) == str(created.json(), {"metadata", "creationTimestamp"}));
    next = updated.json();
    next["metadata"]["uid"] = "00000000-0000-0000-0000-000000000000";
    const Response wrong_uid = api().put(ns_path(ns, "configmaps", "keep"), next);
    REQUIRE(wrong_uid.status == 409);
    CHECK(str(wrong_uid.json(), {"message"}).find("Precondition failed: UID in precondition") != std::string::npos);
  }
  SECTION("an unknown resource is 404") {
    CHECK(api().get("/api/v1/namespaces/" + ns + "/widgets").status == 404);
    CHECK(api().get("/apis/nothing.example.com/v1/widgets").status == 404);
  }
}

TEST_CASE("Secrets: stringData is merged into data, base64 encoded", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  const json::Value secret = parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
      "data":{"a":"YQ=="},"stringData":{"b":"hello"}})");
  const Response r = api().post(ns_path(ns, "secrets"), secret);
  REQUIRE(r.status == 201);
  const json::Value stored = r.json();
  CHECK(stored.find("stringData") == nullptr);
  CHECK(str(stored, {"data", "a"}) == "YQ==");
  CHECK(str(stored, {"data", "b"}) == "aGVsbG8=");
  CHECK(str(stored, {"type"}) == "Opaque");
  SECTION("data that is not base64 is a decoding error") {
    const Response bad = api().post(ns_path(ns, "secrets"),
                                    parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad"},"data":{"x":"%%%"}})"));
    CHECK(bad.status == 400);
  }
}

TEST_CASE("status subresource and metadata.generation", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  json::Value d = deployment("web");
  d["status"]["replicas"] = 7;  // ignored on create
  const Response created = api().post(apps_path(ns), d);
  INFO(created.body);
  REQUIRE(created.status == 201);
  json::Value live = created.json();
  CHECK(live.get_int("generation", -1) == -1);
  CHECK(live.find_path({"metadata", "generation"})->as_int() == 1);
  CHECK(live.find_path({"status", "replicas"}) == nullptr);

  SECTION("a main-resource update ignores status") {
    live["status"]["replicas"] = 3;
    const Response r = api().put(apps_path(ns, "web"), live);
    REQUIRE(r.status == 200);
    CHECK(r.json().find_path({"status", "replicas"}) == nullptr);
    CHECK(r.json().find_path({"metadata", "generation"})->as_int() == 1);
  }
  SECTION("a /status update changes only status and keeps the generation") {
    json::Value next = live;
    next["status"]["replicas"] = 3;
    next["spec"]["replicas"] = 5;
    const Response r = api().put(apps_path(ns, "web") + "/status", next);
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.json().find_path({"status", "replicas"})->as_int() == 3);
    CHECK(r.json().find_path({"spec", "replicas"})->as_int() == 1);
    CHECK(r.json().find_path({"metadata", "generation"})->as_int() == 1);
  }
  SECTION("a spec change bumps the generation, a label change does not") {
    json::Value next = live;
    next["metadata"]["labels"]["extra"] = "yes";
    const Response labelled = api().put(apps_path(ns, "web"), next);
    REQUIRE(labelled.status == 200);
    CHECK(labelled.json().find_path({"metadata", "generation"})->as_int() == 1);
    next = labelled.json();
    next["spec"]["replicas"] = 2;
    const Response scaled = api().put(apps_path(ns, "web"), next);
    REQUIRE(scaled.status == 200);
    CHECK(scaled.json().find_path({"metadata", "generation"})->as_int() == 2);
  }
}

TEST_CASE("server-side defaults make a re-sent object a no-op", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  const Response created = api().post(apps_path(ns), deployment("app"));
  REQUIRE(created.status == 201);
  const json::Value d = created.json();
  CHECK(str(d, {"spec", "strategy", "type"}) == "RollingUpdate");
  CHECK(d.find_path({"spec", "revisionHistoryLimit"})->as_int() == 10);
  CHECK(d.find_path({"spec", "progressDeadlineSeconds"})->as_int() == 600);
  CHECK(str(d, {"spec", "template", "spec", "restartPolicy"}) == "Always");
  CHECK(str(d, {"spec", "template", "spec", "dnsPolicy"}) == "ClusterFirst");
  CHECK(str(d, {"spec", "template", "spec", "schedulerName"}) == "default-scheduler");
  const json::Value& c = d.find_path({"spec", "template", "spec", "containers"})->as_array().at(0);
  CHECK(c.get_string("terminationMessagePath") == "/dev/termination-log");
  CHECK(c.get_string("imagePullPolicy") == "IfNotPresent");
  CHECK(c.find("ports")->as_array().at(0).get_string("protocol") == "TCP");

  // The operator's "desired" object, sent again without defaults: nothing changes.
  json::Value desired = deployment("app");
  desired["metadata"]["resourceVersion"] = rv_of(d);
  const Response again = api().put(apps_path(ns, "app"), desired);
  REQUIRE(again.status == 200);
  CHECK(rv_of(again.json()) == rv_of(d));

  SECTION("a Service gets a cluster IP, session affinity and port protocol") {
    const Response svc = api().post(ns_path(ns, "services"), parse(R"({"apiVersion":"v1","kind":"Service",
        "metadata":{"name":"svc"},"spec":{"selector":{"app":"app"},"ports":[{"port":80}]}})"));
    INFO(svc.body);
    REQUIRE(svc.status == 201);
    CHECK(str(svc.json(), {"spec", "clusterIP"}).rfind("10.96.", 0) == 0);
    CHECK(str(svc.json(), {"spec", "sessionAffinity"}) == "None");
    CHECK(str(svc.json(), {"spec", "type"}) == "ClusterIP");
    CHECK(svc.json().find_path({"spec", "ports"})->as_array().at(0).get_string("protocol") == "TCP");
  }
  SECTION("a PVC gets volumeMode Filesystem and phase Pending") {
    const Response pvc = api().post(ns_path(ns, "persistentvolumeclaims"), parse(R"({"apiVersion":"v1",
        "kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],
        "resources":{"requests":{"storage":"1Gi"}}}})"));
    INFO(pvc.body);
    REQUIRE(pvc.status == 201);
    CHECK(str(pvc.json(), {"spec", "volumeMode"}) == "Filesystem");
    CHECK(str(pvc.json(), {"status", "phase"}) == "Pending");
  }
}

TEST_CASE("kind validation answers 422 with causes", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  SECTION("a Deployment selector that does not match the template labels") {
    json::Value d = deployment("mismatch");
    d["spec"]["template"]["metadata"]["labels"]["app"] = "other";
    const Response r = api().post(apps_path(ns), d);
    REQUIRE(r.status == 422);
    CHECK(str(r.json(), {"message"}).find("spec.template.metadata.labels") != std::string::npos);
    CHECK(str(r.json(), {"message"}).find("`selector` does not match template `labels`") != std::string::npos);
    CHECK(str(r.json(), {"details", "kind"}) == "Deployment");
    CHECK(str(r.json(), {"details", "group"}) == "apps");
  }
  SECTION("a Deployment's selector is immutable") {
    REQUIRE(api().post(apps_path(ns), deployment("fixed")).status == 201);
    json::Value d = api().get(apps_path(ns, "fixed")).json();
    d["spec"]["selector"]["matchLabels"]["tier"] = "x";
    d["spec"]["template"]["metadata"]["labels"]["tier"] = "x";
    const Response r = api().put(apps_path(ns, "fixed"), d);
    REQUIRE(r.status == 422);
    CHECK(str(r.json(), {"message"}).find("spec.selector") != std::string::npos);
    CHECK(str(r.json(), {"message"}).find("field is immutable") != std::string::npos);
  }
  SECTION("a container without an image") {
    json::Value d = deployment("noimage");
    d["spec"]["template"]["spec"]["containers"].as_array()[0].as_object().erase("image");
    const Response r = api().post(apps_path(ns), d);
    REQUIRE(r.status == 422);
    CHECK(str(r.json(), {"message"}).find("spec.template.spec.containers[0].image: Required value") != std::string::npos);
  }
}

TEST_CASE("deployments/scale reads and writes spec.replicas", "[testserver][crud]") {
  const std::string ns = fresh_namespace();
  REQUIRE(api().post(apps_path(ns), deployment("scaled")).status == 201);
  const Response got = api().get(apps_path(ns, "scaled") + "/scale");
  REQUIRE(got.status == 200);
  CHECK(str(got.json(), {"kind"}) == "Scale");
  CHECK(str(got.json(), {"apiVersion"}) == "autoscaling/v1");
  CHECK(got.json().find_path({"spec", "replicas"})->as_int() == 1);
  CHECK(str(got.json(), {"status", "selector"}) == "app=scaled");
  const Response patched = api().patch(apps_path(ns, "scaled") + "/scale", R"({"spec":{"replicas":3}})",
                                       "application/merge-patch+json");
  REQUIRE(patched.status == 200);
  CHECK(patched.json().find_path({"spec", "replicas"})->as_int() == 3);
  const json::Value d = api().get(apps_path(ns, "scaled")).json();
  CHECK(d.find_path({"spec", "replicas"})->as_int() == 3);
  CHECK(d.find_path({"metadata", "generation"})->as_int() == 2);
  CHECK(api().patch(apps_path(ns, "scaled") + "/scale", R"({"spec":{"replicas":-1}})", "application/merge-patch+json").status == 422);
}
