// Server-side defaulting, compared with what kube-apiserver 1.35 stores for the same objects.
#include <catch2/catch.hpp>

#include "apimachinery/defaults.hpp"
#include "test_support.hpp"

using namespace sqlop::apimachinery;
using sqlop::apimachinery::testing::J;
using sqlop::json::Value;

TEST_CASE("a minimal Deployment gets the apps/v1 and pod template defaults", "[apimachinery][defaults]") {
  const Value out = apply_builtin_defaults(J(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}],
      "readinessProbe":{"httpGet":{"port":80}},"env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}],
    "volumes":[{"name":"cfg","configMap":{"name":"c"}},{"name":"s","secret":{"secretName":"s"}},{"name":"scratch"}]}}}})"));
  const Value& spec = *out.find("spec");
  CHECK(spec.get_int("replicas", -1) == 1);
  CHECK(*spec.find("strategy") == J(R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}})"));
  CHECK(spec.get_int("revisionHistoryLimit", -1) == 10);
  CHECK(spec.get_int("progressDeadlineSeconds", -1) == 600);
  const Value& pod = *spec.find_path({"template", "spec"});
  CHECK(pod.get_string("restartPolicy") == "Always");
  CHECK(pod.get_string("dnsPolicy") == "ClusterFirst");
  CHECK(pod.get_string("schedulerName") == "default-scheduler");
  CHECK(pod.get_int("terminationGracePeriodSeconds", -1) == 30);
  CHECK(*pod.find("securityContext") == J("{}"));
  CHECK_FALSE(pod.find("enableServiceLinks"));  // Pods only, never templates
  const Value& c = pod.find("containers")->as_array()[0];
  CHECK(c.get_string("terminationMessagePath") == "/dev/termination-log");
  CHECK(c.get_string("terminationMessagePolicy") == "File");
  CHECK(c.get_string("imagePullPolicy") == "IfNotPresent");
  CHECK(*c.find("ports") == J(R"([{"containerPort":80,"protocol":"TCP"}])"));
  CHECK(*c.find("readinessProbe") == J(R"({"httpGet":{"port":80,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3})"));
  CHECK(c.find("env")->as_array()[0].find_path({"valueFrom", "fieldRef", "apiVersion"})->as_string() == "v1");
  const auto& volumes = pod.find("volumes")->as_array();
  CHECK(volumes[0].find_path({"configMap", "defaultMode"})->as_int() == 420);
  CHECK(volumes[1].find_path({"secret", "defaultMode"})->as_int() == 420);
  CHECK(*volumes[2].find("emptyDir") == J("{}"));
}

TEST_CASE("Deployment defaults keep what the object sets", "[apimachinery][defaults]") {
  const Value out = apply_builtin_defaults(J(R"({"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":0,
    "strategy":{"type":"Recreate"},"revisionHistoryLimit":0,"template":{"spec":{"restartPolicy":"Always",
    "terminationGracePeriodSeconds":0,"containers":[{"name":"c","image":"x","imagePullPolicy":"Never",
    "livenessProbe":{"exec":{"command":["true"]},"periodSeconds":30}}]}}}})"));
  const Value& spec = *out.find("spec");
  CHECK(spec.get_int("replicas", -1) == 0);
  CHECK(*spec.find("strategy") == J(R"({"type":"Recreate"})"));  // no rollingUpdate for Recreate
  CHECK(spec.get_int("revisionHistoryLimit", -1) == 0);
  CHECK(spec.find_path({"template", "spec", "terminationGracePeriodSeconds"})->as_int() == 0);
  const Value& c = spec.find_path({"template", "spec", "containers"})->as_array()[0];
  CHECK(c.get_string("imagePullPolicy") == "Never");
  CHECK(c.find_path({"livenessProbe", "periodSeconds"})->as_int() == 30);
  CHECK(c.find_path({"livenessProbe", "timeoutSeconds"})->as_int() == 1);
}

TEST_CASE("imagePullPolicy follows the image tag as parsers.ParseImageName reads it", "[apimachinery][defaults]") {
  const auto policy = [](const std::string& image) {
    Value pod = J(R"({"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"c"}]}})");
    (*pod.find("spec"))["containers"].as_array()[0]["image"] = image;
    return apply_builtin_defaults(pod).find_path({"spec", "containers"})->as_array()[0].get_string("imagePullPolicy");
  };
  CHECK(policy("nginx") == "Always");
  CHECK(policy("nginx:latest") == "Always");
  CHECK(policy("nginx:1.27") == "IfNotPresent");
  CHECK(policy("registry.local:5000/team/app") == "Always");
  CHECK(policy("registry.local:5000/team/app:v2") == "IfNotPresent");
  CHECK(policy("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") == "IfNotPresent");
  CHECK(policy("litestream/litestream:0.3.13") == "IfNotPresent");
}

TEST_CASE("Pods get the Pod-only defaults on top of the pod spec defaults", "[apimachinery][defaults]") {
  const Value out = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Pod","spec":{"hostNetwork":true,
    "containers":[{"name":"c","image":"x:1","resources":{"limits":{"cpu":"0.5","memory":"1024Mi"}},"ports":[{"containerPort":8080}]}]}})"));
  const Value& spec = *out.find("spec");
  CHECK(spec.find("enableServiceLinks")->as_bool());
  const Value& c = spec.find("containers")->as_array()[0];
  CHECK(*c.find("resources") == J(R"({"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}})"));
  CHECK(c.find("ports")->as_array()[0].get_int("hostPort", 0) == 8080);
}

TEST_CASE("Service defaults and allocations", "[apimachinery][defaults]") {
  Allocators allocators;
  allocators.cluster_ip = [] { return std::string("10.96.0.15"); };
  const Value out = apply_builtin_defaults(
      J(R"({"apiVersion":"v1","kind":"Service","spec":{"selector":{"app":"db"},"ports":[{"name":"http","port":8080}]}})"), allocators);
  CHECK(*out.find("spec") == J(R"({"selector":{"app":"db"},"ports":[{"name":"http","port":8080,"protocol":"TCP","targetPort":8080}],
    "sessionAffinity":"None","type":"ClusterIP","internalTrafficPolicy":"Cluster","clusterIP":"10.96.0.15",
    "clusterIPs":["10.96.0.15"],"ipFamilyPolicy":"SingleStack","ipFamilies":["IPv4"]})"));
  // a named targetPort stays; headless without selector asks for dual stack
  const Value headless = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Service","spec":{"clusterIP":"None","ports":[{"port":80,"targetPort":"web"}]}})"));
  CHECK(headless.find_path({"spec", "ports"})->as_array()[0].get_string("targetPort") == "web");
  CHECK(*headless.find_path({"spec", "clusterIPs"}) == J(R"(["None"])"));
  CHECK(headless.find_path({"spec", "ipFamilyPolicy"})->as_string() == "RequireDualStack");
  // ExternalName gets neither IPs nor traffic policies
  const Value external = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Service","spec":{"type":"ExternalName","externalName":"db.example.com"}})"), allocators);
  CHECK_FALSE(external.find_path({"spec", "clusterIP"}));
  CHECK_FALSE(external.find_path({"spec", "internalTrafficPolicy"}));
  // LoadBalancer
  const Value lb = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Service","spec":{"type":"LoadBalancer","ports":[{"port":80}]}})"));
  CHECK(lb.find_path({"spec", "externalTrafficPolicy"})->as_string() == "Cluster");
  CHECK(lb.find_path({"spec", "allocateLoadBalancerNodePorts"})->as_bool());
}

TEST_CASE("updates keep the Service's allocated IPs and node ports", "[apimachinery][defaults]") {
  const Value live = J(R"({"spec":{"type":"NodePort","clusterIP":"10.96.0.9","clusterIPs":["10.96.0.9"],"ipFamilies":["IPv4"],
    "ipFamilyPolicy":"SingleStack","ports":[{"port":80,"protocol":"TCP","nodePort":30080}]}})");
  const Value out = carry_over_service_allocations(live, J(R"({"spec":{"type":"NodePort","ports":[{"port":80,"protocol":"TCP"}]}})"));
  CHECK(out.find_path({"spec", "clusterIP"})->as_string() == "10.96.0.9");
  CHECK(out.find_path({"spec", "ports"})->as_array()[0].get_int("nodePort", 0) == 30080);
}

TEST_CASE("PVC, Secret and Namespace defaults", "[apimachinery][defaults]") {
  const Value pvc = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1024Mi"}}}})"));
  CHECK(pvc.find_path({"spec", "volumeMode"})->as_string() == "Filesystem");
  CHECK(pvc.find_path({"spec", "resources", "requests", "storage"})->as_string() == "1Gi");
  CHECK(pvc.find_path({"status", "phase"})->as_string() == "Pending");

  const Value secret = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Secret","data":{"a":"eA=="},"stringData":{"b":"hello"}})"));
  CHECK(secret.get_string("type") == "Opaque");
  CHECK(*secret.find("data") == J(R"({"a":"eA==","b":"aGVsbG8="})"));
  CHECK_FALSE(secret.find("stringData"));

  const Value ns = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}})"));
  CHECK(ns.find_path({"metadata", "labels", "kubernetes.io/metadata.name"})->as_string() == "team-a");
  CHECK(ns.find_path({"status", "phase"})->as_string() == "Active");

  const Value cm = J(R"({"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"}})");
  CHECK(apply_builtin_defaults(cm) == cm);
  const Value ingress = J(R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress","spec":{"rules":[{"http":{"paths":[{"path":"/","backend":{}}]}}]}})");
  CHECK(apply_builtin_defaults(ingress) == ingress);  // pathType is required, never defaulted
}

TEST_CASE("quantities are written back in canonical form", "[apimachinery][defaults]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1024Mi", "1Gi"}, {"0.5", "500m"},    {"1000", "1k"},       {"1.5Gi", "1536Mi"}, {"100m", "100m"},
      {"1e3", "1e3"},    {"1500", "1500"},   {"1.5", "1500m"},     {"2000m", "2"},      {"0.5Gi", "512Mi"},
      {"1Ki", "1Ki"},    {"1000Ki", "1000Ki"}, {"1024Ki", "1Mi"},  {"512", "512"},      {"0", "0"},
      {"0Gi", "0"},      {"12e6", "12e6"},   {"1000M", "1G"},      {"1.5k", "1500"},    {"100Gi", "100Gi"},
      {"-1", "-1"},      {"0.1", "100m"},    {"1Mi", "1Mi"},       {"1.5Ki", "1536"},   {"10Gi", "10Gi"}};
  for (const auto& [in, out] : cases) {
    INFO(in);
    REQUIRE(canonical_quantity(in));
    CHECK(*canonical_quantity(in) == out);
  }
  for (const char* bad : {"", "abc", "1.2.3", "1Mb", "Gi", "1 Gi"}) {
    INFO(bad);
    CHECK_FALSE(canonical_quantity(bad));
  }
  // resource lists are rounded up to milli units; a JSON number is read as its decimal text
  const Value pod = apply_builtin_defaults(J(R"({"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"c","image":"x:1","resources":{"requests":{"cpu":"0.0001","memory":1048576}}}]}})"));
  CHECK(*pod.find_path({"spec", "containers"})->as_array()[0].find_path({"resources", "requests"}) == J(R"({"cpu":"1m","memory":"1048576"})"));
}
