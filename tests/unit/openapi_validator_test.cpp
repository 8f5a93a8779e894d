// Strict validation of built-in kinds against the official Kubernetes 1.35 OpenAPI documents.
#include <catch2/catch.hpp>

#include <string>

#include "host/yaml/yaml_json.hpp"
#include "openapi/builtin_schemas.hpp"
#include "openapi/object_validator.hpp"
#include "openapi/schema_set.hpp"

namespace {

namespace json = sqlop::json;
using sqlop::openapi::builtin_schemas;
using sqlop::openapi::GroupVersionKind;
using sqlop::openapi::ValidationError;
using sqlop::openapi::ValidationErrors;

json::Value yaml_value(const std::string& text) {
  sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(text);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.documents.size() == 1);
  return loaded.documents.front().value;
}

ValidationErrors validate(const std::string& yaml) { return builtin_schemas().validate(yaml_value(yaml)); }

// The message of the one error at `path`; fails the test when there is not exactly one there.
std::string error_at(const ValidationErrors& errors, const std::string& path) {
  INFO(sqlop::openapi::to_string(errors));
  std::string message;
  int count = 0;
  for (const ValidationError& e : errors) {
    if (e.path == path) {
      message = e.message;
      ++count;
    }
  }
  CHECK(count == 1);
  return message;
}

const char* const kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app.kubernetes.io/name: web}
  annotations: {example.com/owner: team-a}
  creationTimestamp: null
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      securityContext: {runAsNonRoot: true, fsGroup: 1000}
      initContainers:
        - name: init
          image: busybox:1.36
          command: [sh, -c, "true"]
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          args: ["--port", "8080"]
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
          env:
            - {name: MODE, value: production}
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: web-secret, key: token}
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {memory: 128Mi}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
          readinessProbe:
            tcpSocket: {port: 8080}
          volumeMounts:
            - {name: data, mountPath: /data}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: web-data}
        - name: config
          configMap:
            name: web-config
            items: [{key: app.yaml, path: app.yaml}]
)";

}  // namespace

TEST_CASE("valid built-in objects pass strict validation", "[openapi]") {
  const char* const valid[] = {
      kDeployment,
      R"(
apiVersion: v1
kind: Service
metadata: {name: web-service, labels: {app: web}}
spec:
  type: ClusterIP
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http, protocol: TCP}
    - {name: metrics, port: 9090, targetPort: 9090}
)",
      R"(
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources:
    requests: {storage: 1Gi}
)",
      R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: config}
data:
  litestream.yml: |
    dbs: []
binaryData:
  blob: AAEC
)",
      R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "true"}
spec:
  ingressClassName: nginx
  tls:
    - hosts: [api.example.com]
      secretName: api-tls
  rules:
    - host: api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web-service
                port: {number: 8080}
)",
      R"(
apiVersion: v1
kind: Secret
metadata: {name: creds}
type: Opaque
data:
  access-key: QUtJQUVYQU1QTEU=
  empty: ""
stringData:
  plain: not base64 and that is fine here
)",
  };
  for (const char* object : valid) {
    const ValidationErrors errors = validate(object);
    INFO(object);
    INFO(sqlop::openapi::to_string(errors));
    CHECK(errors.empty());
  }
}

TEST_CASE("an unknown field is an error at its path", "[openapi]") {
  json::Value deployment = yaml_value(kDeployment);
  json::Value& container = deployment["spec"]["template"]["spec"]["containers"].as_array()[0];
  container["imagePullPolicyy"] = "Always";
  deployment["spec"]["template"]["spec"]["hostnetwork"] = true;  // case matters: hostNetwork
  deployment["metadata"]["label"] = json::Value::object();
  deployment["extra"] = 1;

  const ValidationErrors errors = builtin_schemas().validate(deployment);
  CHECK(errors.size() == 4);
  CHECK_THAT(error_at(errors, "spec.template.spec.containers[0].imagePullPolicyy"), Catch::Contains("unknown field"));
  CHECK_THAT(error_at(errors, "spec.template.spec.hostnetwork"), Catch::Contains("unknown field"));
  CHECK_THAT(error_at(errors, "metadata.label"), Catch::Contains("unknown field"));
  CHECK_THAT(error_at(errors, "extra"), Catch::Contains("unknown field"));

  SECTION("and ignored when unknown fields are not errors") {
    sqlop::openapi::ValidateOptions lenient;
    lenient.unknown_fields_are_errors = false;
    CHECK(builtin_schemas().validate(deployment, lenient).empty());
  }
}

TEST_CASE("free-form schemas accept any member", "[openapi]") {
  // managedFields[].fieldsV1 is FieldsV1: `type: object` without properties.
  const ValidationErrors errors = validate(R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  managedFields:
    - manager: kubectl
      operation: Apply
      apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1: {"f:data": {"f:key": {}}}
)");
  INFO(sqlop::openapi::to_string(errors));
  CHECK(errors.empty());
}

TEST_CASE("a value of the wrong type is an error", "[openapi]") {
  json::Value deployment = yaml_value(kDeployment);
  deployment["spec"]["replicas"] = "2";
  deployment["spec"]["paused"] = "yes";
  deployment["spec"]["template"]["spec"]["containers"].as_array()[0]["args"] = "--port 8080";
  deployment["metadata"]["labels"]["version"] = 2;
  deployment["spec"]["minReadySeconds"] = 1.5;

  const ValidationErrors errors = builtin_schemas().validate(deployment);
  CHECK(errors.size() == 5);
  CHECK(error_at(errors, "spec.replicas") == "must be of type integer (got string)");
  CHECK(error_at(errors, "spec.paused") == "must be of type boolean (got string)");
  CHECK(error_at(errors, "spec.template.spec.containers[0].args") == "must be of type array (got string)");
  CHECK(error_at(errors, "metadata.labels[version]") == "must be of type string (got integer)");
  CHECK(error_at(errors, "spec.minReadySeconds") == "must be of type integer (got number)");
}

TEST_CASE("int32 fields reject values that do not fit", "[openapi]") {
  json::Value deployment = yaml_value(kDeployment);
  deployment["spec"]["replicas"] = 3000000000LL;
  CHECK_THAT(error_at(builtin_schemas().validate(deployment), "spec.replicas"), Catch::Contains("32 bits"));
}

TEST_CASE("a missing required field is an error", "[openapi]") {
  json::Value deployment = yaml_value(kDeployment);
  deployment["spec"].as_object().erase("selector");
  deployment["spec"]["template"]["spec"]["containers"].as_array()[0].as_object().erase("name");
  deployment["spec"]["template"]["spec"]["volumes"].as_array()[0]["persistentVolumeClaim"] = json::Value::object();

  const ValidationErrors errors = builtin_schemas().validate(deployment);
  CHECK(errors.size() == 3);
  CHECK(error_at(errors, "spec.selector") == "Required value");
  CHECK(error_at(errors, "spec.template.spec.containers[0].name") == "Required value");
  CHECK(error_at(errors, "spec.template.spec.volumes[0].persistentVolumeClaim.claimName") == "Required value");

  SECTION("null counts as missing for a required field and as absent elsewhere") {
    json::Value pod = yaml_value("{apiVersion: v1, kind: Pod, metadata: {name: p, creationTimestamp: null}, spec: {containers: null}}");
    const ValidationErrors pod_errors = builtin_schemas().validate(pod);
    CHECK(pod_errors.size() == 1);
    CHECK(error_at(pod_errors, "spec.containers") == "Required value");
  }
}

TEST_CASE("IntOrString accepts an int32 or a string and nothing else", "[openapi]") {
  auto service_with_target = [](json::Value target) {
    json::Value service = yaml_value("{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}");
    service["spec"]["ports"].as_array()[0]["targetPort"] = std::move(target);
    return builtin_schemas().validate(service);
  };
  CHECK(service_with_target(8080).empty());
  CHECK(service_with_target("http").empty());
  CHECK_THAT(error_at(service_with_target(true), "spec.ports[0].targetPort"), Catch::Contains("integer or a string"));
  CHECK_THAT(error_at(service_with_target(1.5), "spec.ports[0].targetPort"), Catch::Contains("integer or a string"));
  CHECK_THAT(error_at(service_with_target(json::Value::object()), "spec.ports[0].targetPort"),
             Catch::Contains("integer or a string"));
  CHECK_THAT(error_at(service_with_target(5000000000LL), "spec.ports[0].targetPort"), Catch::Contains("32 bits"));

  SECTION("through a $ref chain too: Deployment strategy.rollingUpdate.maxSurge") {
    json::Value deployment = yaml_value(kDeployment);
    deployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = json::Value::array();
    CHECK_THAT(error_at(builtin_schemas().validate(deployment), "spec.strategy.rollingUpdate.maxSurge"),
               Catch::Contains("integer or a string"));
  }
}

TEST_CASE("Quantity accepts numbers and the quantity grammar only", "[openapi]") {
  auto pvc_requesting = [](json::Value storage) {
    json::Value pvc = yaml_value("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: d}, spec: {}}");
    pvc["spec"]["resources"]["requests"]["storage"] = std::move(storage);
    return builtin_schemas().validate(pvc);
  };
  for (const char* good : {"1Gi", "500Mi", "1.5Ti", "100m", "2", "1e3", "1E3", "+1k", ".5", "5.", "1Ei", "0"}) {
    INFO(good);
    CHECK(pvc_requesting(good).empty());
  }
  CHECK(pvc_requesting(1024).empty());
  CHECK(pvc_requesting(0.5).empty());
  for (const char* bad : {"1 Gi", "1GB", "1gi", "abc", "", "1.2.3", "Gi", "1e", "1Ki2", "--1"}) {
    INFO(bad);
    CHECK_THAT(error_at(pvc_requesting(bad), "spec.resources.requests[storage]"), Catch::Contains("quantity"));
  }
  CHECK_THAT(error_at(pvc_requesting(true), "spec.resources.requests[storage]"), Catch::Contains("quantity"));
}

TEST_CASE("errors inside nested $ref schemas carry the full path", "[openapi]") {
  json::Value deployment = yaml_value(kDeployment);
  json::Value& container = deployment["spec"]["template"]["spec"]["containers"].as_array()[0];
  container["ports"].as_array()[0]["containerPort"] = "8080";
  container["env"].as_array()[1]["valueFrom"]["secretKeyRef"]["optional"] = "no";
  container["livenessProbe"]["httpGet"]["httpHeaders"] = json::Array{json::Value::object()};

  const ValidationErrors errors = builtin_schemas().validate(deployment);
  CHECK(errors.size() == 4);
  CHECK_THAT(error_at(errors, "spec.template.spec.containers[0].ports[0].containerPort"), Catch::Contains("integer"));
  CHECK_THAT(error_at(errors, "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.optional"),
             Catch::Contains("boolean"));
  CHECK(error_at(errors, "spec.template.spec.containers[0].livenessProbe.httpGet.httpHeaders[0].name") == "Required value");
  CHECK(error_at(errors, "spec.template.spec.containers[0].livenessProbe.httpGet.httpHeaders[0].value") == "Required value");
}

TEST_CASE("Time fields take RFC 3339 date-times", "[openapi]") {
  auto pod_created_at = [](json::Value when) {
    json::Value pod = yaml_value("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: i}]}}");
    pod["metadata"]["creationTimestamp"] = std::move(when);
    return builtin_schemas().validate(pod);
  };
  CHECK(pod_created_at("2024-02-29T23:59:59Z").empty());
  CHECK(pod_created_at("2024-01-02T03:04:05.123456+01:00").empty());
  for (const char* bad : {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05",
                          "yesterday", "2024-01-02T24:00:00Z"}) {
    INFO(bad);
    CHECK_THAT(error_at(pod_created_at(bad), "metadata.creationTimestamp"), Catch::Contains("RFC 3339"));
  }
}

TEST_CASE("Secret data must be base64 and errors never quote values", "[openapi]") {
  const std::string secret_value = "Sup3r-Secret-Value!";
  json::Value secret = yaml_value("{apiVersion: v1, kind: Secret, metadata: {name: s}}");
  secret["data"]["password"] = secret_value;
  secret["data"]["number"] = 12;
  secret["type"] = json::Array{json::Value(secret_value)};

  const ValidationErrors errors = builtin_schemas().validate(secret);
  CHECK(errors.size() == 3);
  CHECK_THAT(error_at(errors, "data[password]"), Catch::Contains("base64"));
  CHECK_THAT(error_at(errors, "data[number]"), Catch::Contains("string"));
  CHECK_THAT(error_at(errors, "type"), Catch::Contains("string"));
  CHECK(sqlop::openapi::to_string(errors).find(secret_value) == std::string::npos);
}

TEST_CASE("list maps reject two items with the same key", "[openapi]") {
  json::Value deployment = yaml_value(kDeployment);
  json::Array& containers = deployment["spec"]["template"]["spec"]["containers"].as_array();
  containers.push_back(containers[0]);
  json::Array& env = containers[0]["env"].as_array();
  env.push_back(json::Value(json::Object{}));
  env.back()["name"] = "MODE";
  env.back()["value"] = "other";

  const ValidationErrors errors = builtin_schemas().validate(deployment);
  CHECK(errors.size() == 2);
  CHECK_THAT(error_at(errors, "spec.template.spec.containers[1]"), Catch::Contains("Duplicate value"));
  CHECK_THAT(error_at(errors, "spec.template.spec.containers[0].env[2]"), Catch::Contains("Duplicate value"));

  SECTION("list sets reject duplicate items") {
    json::Value config = yaml_value("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, finalizers: [a, b, a]}}");
    CHECK_THAT(error_at(builtin_schemas().validate(config), "metadata.finalizers[2]"), Catch::Contains("Duplicate value"));
  }
}

TEST_CASE("objects without a known kind are errors", "[openapi]") {
  CHECK(error_at(validate("{apiVersion: v1, kind: Deployment, metadata: {name: x}}"), "kind") ==
        "no schema for v1, Kind=Deployment in the OpenAPI documents");
  CHECK_THAT(error_at(validate("{apiVersion: example.com/v1, kind: Widget}"), "kind"), Catch::Contains("no schema"));
  const ValidationErrors missing = validate("{metadata: {name: x}}");
  CHECK(error_at(missing, "apiVersion") == "Required value");
  CHECK(error_at(missing, "kind") == "Required value");
}

TEST_CASE("a v1 List validates every item with an indexed path", "[openapi]") {
  const sqlop::openapi::ObjectValidator validator(builtin_schemas());
  const ValidationErrors errors = validator.validate(yaml_value(R"(
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: v}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, data: {k: 1}}
)"));
  CHECK(errors.size() == 1);
  CHECK_THAT(error_at(errors, "items[1].data[k]"), Catch::Contains("string"));
}

TEST_CASE("the loaded documents are indexed by kind and by API path", "[openapi]") {
  const auto& schemas = builtin_schemas();
  CHECK(schemas.schema_name({"apps", "v1", "Deployment"}) == std::optional<std::string>("io.k8s.api.apps.v1.Deployment"));
  CHECK(schemas.schema_name({"", "v1", "ConfigMap"}) == std::optional<std::string>("io.k8s.api.core.v1.ConfigMap"));
  CHECK(schemas.has_kind({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}));
  CHECK(schemas.has_kind({"coordination.k8s.io", "v1", "Lease"}));
  CHECK_FALSE(schemas.has_kind({"apps", "v1beta1", "Deployment"}));
  CHECK(schemas.kinds().size() > 100);
  const std::vector<std::string> paths = schemas.document_paths();
  CHECK(std::find(paths.begin(), paths.end(), "api/v1") != paths.end());
  CHECK(std::find(paths.begin(), paths.end(), "apis/networking.k8s.io/v1") != paths.end());
  REQUIRE(schemas.document("apis/apps/v1") != nullptr);
  CHECK(schemas.document("apis/apps/v1")->get_string("openapi") == "3.0.0");
  CHECK(schemas.document("apis/nothing/v1") == nullptr);
  CHECK(GroupVersionKind::from("apps/v1", "Deployment").api_version() == "apps/v1");
  CHECK(GroupVersionKind::from("v1", "Pod").group.empty());
}

TEST_CASE("loading fails with a reason for a directory without documents", "[openapi]") {
  const auto loaded = sqlop::openapi::SchemaSet::load_directory(SQLOP_SOURCE_DIR "/crd");
  CHECK_FALSE(loaded.schemas);
  CHECK_THAT(loaded.error, Catch::Contains("no *_openapi.json"));
}
