// The install tree (crd/, crd/default, crd/overlays/*, and a user's own kustomizations over crd/default:
// re-namespaced, with both crd/components at once) rendered offline by the real `kubectl kustomize`: every
// builtin object passes the strict Kubernetes 1.35 schemas, the ServiceMonitor has the shape the
// Prometheus Operator needs, and the objects fit together in whatever namespace they land (service account
// and every binding subject, config mount and --config, metrics Service and probes, leader election
// namespace, Lease name and its Role, the image's version and architecture, the third-party plugin's shared
// volume), and the operator config they ship loads in the real binary.
//
// SKIPs (saying why) only when kubectl is not installed.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <regex>
#include <set>

#include "install_manifests.hpp"
#include "openapi/builtin_schemas.hpp"
#include "openapi/object_validator.hpp"

namespace it = sqlop::install_testing;
namespace json = sqlop::json;
namespace openapi = sqlop::openapi;
using json::Value;

namespace {

const std::string kNamespace = "sqlite-operator-system";  // crd/default's
const std::string kOwnNamespace = "my-ops";               // a user's own, set by their kustomization
const std::vector<std::string> kBothComponents = {"crd/components/servicemonitor",
                                                  "crd/components/third-party-plugin"};

// One way to install: how it renders, the namespace its objects land in, and which components it has.
struct InstallTree {
  std::string label;
  std::string namespace_;
  bool service_monitor = false;
  bool third_party_plugin = false;
  std::function<std::vector<Value>()> render;
};

std::vector<InstallTree> install_trees() {
  const auto tree = [](const std::string& dir) { return [dir] { return it::render_kustomization(dir); }; };
  const auto own = [](const std::string& ns, const std::vector<std::string>& components) {
    return [ns, components] { return it::render_own_kustomization(ns, {"crd/default"}, components); };
  };
  return {
      {"crd/default", kNamespace, false, false, tree("crd/default")},
      {"crd/overlays/servicemonitor", kNamespace, true, false, tree("crd/overlays/servicemonitor")},
      {"crd/overlays/third-party-plugin", kNamespace, false, true, tree("crd/overlays/third-party-plugin")},
      {"own kustomization: crd/default + both components", kNamespace, true, true, own("", kBothComponents)},
      {"own kustomization: namespace my-ops, crd/default", kOwnNamespace, false, false, own(kOwnNamespace, {})},
      {"own kustomization: namespace my-ops, crd/default + both components", kOwnNamespace, true, true,
       own(kOwnNamespace, kBothComponents)},
  };
}

bool kubectl_missing() {
  if (!it::kubectl_binary().empty()) return false;
  WARN("SKIPPED: kubectl is not installed (looked in /usr/bin and /usr/local/bin); the install manifests are untested");
  return true;
}

const openapi::ObjectValidator& validator() {
  static const openapi::ObjectValidator instance(openapi::builtin_schemas());
  return instance;
}

bool labels_select(const Value& selector, const Value* labels) {
  if (!labels) return false;
  for (const auto& [k, v] : selector.as_object()) {
    if (labels->get_string(k) != v.as_string()) return false;
  }
  return !selector.as_object().empty();
}

// The container port a probe or Service refers to (by name or number); REQUIREs that it exists.
int container_port(const Value& container, const Value& ref) {
  for (const Value& p : container.find("ports")->as_array()) {
    if ((ref.is_string() && p.get_string("name") == ref.as_string()) ||
        (ref.is_number() && p.get_int("containerPort", -1) == ref.as_int())) {
      return static_cast<int>(p.get_int("containerPort", -1));
    }
  }
  FAIL("the operator container has no port " << json::dump(ref));
  return -1;
}

int port_of_bind_address(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  REQUIRE(colon != std::string::npos);
  return std::stoi(address.substr(colon + 1));
}

// `sqlite-operator plugins --config FILE` with the given config text.
sqlop::testing::CompletedProcess plugins_with_config(const std::string& config_text) {
  sqlop::testing::ScratchDir dir;
  const std::filesystem::path file = dir.path() / "operator.yaml";
  std::ofstream(file) << config_text;
  return sqlop::testing::run_to_completion({SQLOP_OPERATOR_BIN, "plugins", "--config", file.string()},
                                           {{"PATH", "/usr/bin:/bin"}}, dir.path() / "plugins.log");
}

void check_schemas(const std::string& tree, const std::vector<Value>& objects) {
  for (const Value& o : objects) {
    if (o.get_string("kind") == "ServiceMonitor") continue;  // not a builtin kind: checked by hand below
    INFO(tree << ": " << o.get_string("kind") << " " << it::name_of(o));
    CHECK(openapi::to_string(validator().validate(o)) == "");
  }
}

// Every namespaced object in `expected`, the Namespace itself named so, and every binding's ServiceAccount
// subject there too (kustomize's namespace transformer fills in a subject without a namespace; one that
// names a namespace keeps it, and the operator would run without permissions).
void check_namespaces(const std::vector<Value>& objects, const std::string& expected) {
  const Value& ns = it::the_object(objects, "Namespace", expected);
  CHECK(ns.find_path({"metadata", "labels"})->get_string("pod-security.kubernetes.io/enforce") == "restricted");
  static const std::set<std::string> kClusterScoped = {"Namespace", "CustomResourceDefinition", "ClusterRole",
                                                       "ClusterRoleBinding"};
  for (const Value& o : objects) {
    INFO(o.get_string("kind") << " " << it::name_of(o));
    CHECK(it::namespace_of(o) == (kClusterScoped.count(o.get_string("kind")) ? "" : expected));
    if (expected != kNamespace) CHECK(json::dump(o).find(kNamespace) == std::string::npos);
  }
  const std::string account_namespace = it::namespace_of(it::the_object(objects, "ServiceAccount"));
  CHECK(account_namespace == expected);
  for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
    for (const Value* binding : it::all_of_kind(objects, kind)) {
      for (const Value& subject : binding->find("subjects")->as_array()) {
        INFO(kind << " " << it::name_of(*binding) << " subject " << subject.get_string("name"));
        if (subject.get_string("kind") == "ServiceAccount") CHECK(subject.get_string("namespace") == account_namespace);
      }
    }
  }
}

// The image is built for one architecture (the Dockerfile pins that architecture's base image), so the pod
// is kept to nodes that can run it.
void check_node_selector(const Value& pod) {
  const Value* selector = pod.find("nodeSelector");
  REQUIRE(selector);
  CHECK(selector->get_string("kubernetes.io/os") == "linux");
  const std::string arch = selector->get_string("kubernetes.io/arch");
  CHECK(arch == "amd64");
  const std::string dockerfile = sqlop::testing::read_text_file(std::string(SQLOP_SOURCE_DIR) + "/Dockerfile");
  INFO("the Dockerfile's base image is not the linux/" << arch << " one");
  CHECK(dockerfile.find("linux/" + arch) != std::string::npos);
}

// Leader election on, in the pod's namespace (from the downward API), where the account may read, create
// and renew the one Lease it names, and no other Lease anywhere.
void check_leader_election(const std::vector<Value>& objects, const std::string& expected_namespace) {
  const Value& deployment = it::the_operator_deployment(objects);
  const Value& container = it::the_operator_container(deployment);
  const Value& account = it::the_object(objects, "ServiceAccount", it::pod_spec_of(deployment).get_string("serviceAccountName"));
  CHECK(it::namespace_of(account) == it::namespace_of(deployment));
  CHECK(it::has_arg(container, "--leader-elect"));
  const auto lease_ns = it::flag_value(container, "--leader-election-namespace");
  REQUIRE(lease_ns);
  const std::string resolved = it::resolve_pod_namespace(deployment, container, *lease_ns);
  CHECK(resolved == expected_namespace);
  const auto lease_name = it::flag_value(container, "--leader-election-id");
  REQUIRE(lease_name);
  CHECK(it::namespace_of(it::the_object(objects, "Role", "sqlite-operator-leader-election")) == expected_namespace);
  const std::vector<it::Grant> grants = it::grants_for(objects, it::name_of(account), it::namespace_of(account));
  const std::string group = "coordination.k8s.io";
  CHECK(it::allowed(grants, {"create", group, "leases", "", resolved, ""}));
  CHECK_FALSE(it::allowed(grants, {"create", group, "leases", "", "default", ""}));
  for (const char* verb : {"get", "update"}) {
    INFO("leases " << verb);
    CHECK(it::allowed(grants, {verb, group, "leases", "", resolved, *lease_name}));
    CHECK_FALSE(it::allowed(grants, {verb, group, "leases", "", resolved, "another-lease"}));
    CHECK_FALSE(it::allowed(grants, {verb, group, "leases", "", "default", *lease_name}));
  }
  for (const char* verb : {"list", "watch", "patch", "delete"}) {
    INFO("leases " << verb);
    CHECK_FALSE(it::allowed(grants, {verb, group, "leases", "", resolved, ""}));
  }
}

void check_security(const Value& deployment) {
  const Value& pod = it::pod_spec_of(deployment);
  CHECK(pod.find_path({"securityContext", "runAsNonRoot"})->as_bool());
  CHECK(pod.find_path({"securityContext", "seccompProfile", "type"})->as_string() == "RuntimeDefault");
  std::vector<const Value*> containers;
  for (const char* list : {"containers", "initContainers"}) {
    if (const Value* l = pod.find(list)) {
      for (const Value& c : l->as_array()) containers.push_back(&c);
    }
  }
  for (const Value* c : containers) {
    INFO("container " << c->get_string("name"));
    const Value* sc = c->find("securityContext");
    REQUIRE(sc);
    CHECK(sc->get_bool("runAsNonRoot", false));
    CHECK(sc->get_int("runAsUser", 0) == 65532);
    CHECK(sc->get_bool("readOnlyRootFilesystem", false));
    CHECK_FALSE(sc->get_bool("allowPrivilegeEscalation", true));
    CHECK(json::dump(*sc->find_path({"capabilities", "drop"})) == R"(["ALL"])");
    CHECK(sc->find_path({"seccompProfile", "type"})->as_string() == "RuntimeDefault");
    CHECK(c->find_path({"resources", "requests", "memory"}));
    CHECK(c->find_path({"resources", "limits", "memory"}));
  }
}

void check_operator_wiring(const std::vector<Value>& objects, const std::string& expected_namespace) {
  const Value& deployment = it::the_operator_deployment(objects);
  const Value& pod = it::pod_spec_of(deployment);
  const Value& container = it::the_operator_container(deployment);
  const Value* pod_labels = deployment.find_path({"spec", "template", "metadata", "labels"});
  CHECK(labels_select(*deployment.find_path({"spec", "selector", "matchLabels"}), pod_labels));
  CHECK(container.get_string("image") == std::string("sqlite-operator:") + SQLOP_VERSION);  // this build's
  check_node_selector(pod);
  check_leader_election(objects, expected_namespace);

  // Metrics: the Service selects the pod and targets the port the operator serves metrics on.
  const auto metrics_address = it::flag_value(container, "--metrics-bind-address");
  REQUIRE(metrics_address);
  const Value& service = it::the_object(objects, "Service", "sqlite-operator-metrics");
  CHECK(labels_select(*service.find_path({"spec", "selector"}), pod_labels));
  bool has_metrics_port = false;
  for (const Value& p : service.find_path({"spec", "ports"})->as_array()) {
    const int target = container_port(container, *p.find("targetPort"));
    if (p.get_string("name") == "metrics") {
      has_metrics_port = true;
      CHECK(target == port_of_bind_address(*metrics_address));
    }
  }
  CHECK(has_metrics_port);

  // Probes: liveness /healthz and readiness /readyz on the probe port.
  const auto probe_address = it::flag_value(container, "--health-probe-bind-address");
  REQUIRE(probe_address);
  for (const auto& [probe, path] : {std::pair<std::string, std::string>{"livenessProbe", "/healthz"},
                                    {"readinessProbe", "/readyz"}}) {
    INFO(probe);
    const Value* get = container.find_path({probe, "httpGet"});
    REQUIRE(get);
    CHECK(get->get_string("path") == path);
    CHECK(container_port(container, *get->find("port")) == port_of_bind_address(*probe_address));
  }
  check_security(deployment);
}

// What the Prometheus Operator needs of a ServiceMonitor (its CRD is not in the 1.35 documents).
void check_service_monitor(const std::vector<Value>& objects) {
  const Value& monitor = it::the_object(objects, "ServiceMonitor");
  CHECK(monitor.get_string("apiVersion") == "monitoring.coreos.com/v1");
  const Value& service = it::the_object(objects, "Service", "sqlite-operator-metrics");
  CHECK(it::namespace_of(monitor) == it::namespace_of(service));
  const Value* spec = monitor.find("spec");
  REQUIRE(spec);
  for (const auto& [key, value] : spec->as_object()) {
    INFO("spec." << key);
    CHECK((key == "selector" || key == "endpoints"));
  }
  CHECK(labels_select(*spec->find_path({"selector", "matchLabels"}), service.find_path({"metadata", "labels"})));
  std::set<std::string> service_ports;
  for (const Value& p : service.find_path({"spec", "ports"})->as_array()) service_ports.insert(p.get_string("name"));
  const Value* endpoints = spec->find("endpoints");
  REQUIRE(endpoints);
  REQUIRE_FALSE(endpoints->as_array().empty());
  static const std::set<std::string> kEndpointFields = {"port", "path", "interval", "scrapeTimeout", "scheme"};
  for (const Value& e : endpoints->as_array()) {
    CHECK(service_ports.count(e.get_string("port")));
    for (const auto& [key, value] : e.as_object()) {
      INFO("endpoint field " << key);
      CHECK(kEndpointFields.count(key));
    }
    CHECK(e.get_string("path") == "/metrics");
  }
}

// The Velero pattern: the init container copies the plugin into a volume the operator mounts, and the
// operator config maps the backend type to that exact file.
void check_third_party_plugin(const std::vector<Value>& objects, const std::string& config_text) {
  const Value& deployment = it::the_operator_deployment(objects);
  const Value& pod = it::pod_spec_of(deployment);
  const Value& operator_container = it::the_operator_container(deployment);
  const Value& init = it::container_named(pod, "initContainers", "install-sftp-plugin");
  CHECK(init.get_string("image") == "example.com/sqlop-sftp-plugin:1.0.0");

  const sqlop::yaml::LoadResult config = sqlop::yaml::load_all(config_text);
  REQUIRE(config.ok());
  const Value* plugin_path = config.documents.front().value.find_path({"plugins", "sftp"});
  REQUIRE(plugin_path);
  const std::string path = plugin_path->as_string();
  const Value* operator_mount = it::mount_containing(operator_container, path);
  INFO("the sftp plugin " << path << " is not on a volume the operator mounts");
  REQUIRE(operator_mount);
  CHECK(operator_mount->get_bool("readOnly", false));
  const Value& volume = it::volume_named(pod, operator_mount->get_string("name"));
  CHECK(volume.find("emptyDir"));
  const Value* init_mount = it::mount_containing(init, path);
  REQUIRE(init_mount);
  CHECK(init_mount->get_string("name") == operator_mount->get_string("name"));
  CHECK(init_mount->get_string("mountPath") == operator_mount->get_string("mountPath"));
  const Value& command = *init.find("command");
  REQUIRE(command.as_array().size() == 3);
  CHECK(command.as_array()[0].as_string() == "/bin/cp");
  CHECK(command.as_array()[2].as_string() == path);  // copies to exactly the file the config names

  // The operator reads that mapping: here the file is absent, so `plugins` names it and fails, while the
  // built-in plugins still load from their default directory.
  const sqlop::testing::CompletedProcess run = plugins_with_config(config_text);
  INFO(run.log);
  CHECK(run.status.code == 1);
  CHECK(run.log.find(path + ": not a loadable shared object") != std::string::npos);
  CHECK(std::regex_search(run.log, std::regex("\ns3 +.*sqlop-s3\\.so")));
}

}  // namespace

TEST_CASE("crd/ renders the CustomResourceDefinition alone, valid", "[install]") {
  if (kubectl_missing()) return;
  const std::vector<Value> objects = it::render_kustomization("crd");
  REQUIRE(objects.size() == 1);
  CHECK(objects.front().get_string("kind") == "CustomResourceDefinition");
  check_schemas("crd", objects);
}

TEST_CASE("every install tree renders offline and every builtin object passes the 1.35 schemas", "[install]") {
  if (kubectl_missing()) return;
  for (const InstallTree& tree : install_trees()) {
    INFO(tree.label);
    const std::vector<Value> objects = tree.render();
    check_schemas(tree.label, objects);
    check_namespaces(objects, tree.namespace_);
    for (const char* kind : {"Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole",
                             "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "Deployment", "Service"}) {
      INFO(kind);
      CHECK(it::all_of_kind(objects, kind).size() == 1);
    }
  }
}

TEST_CASE("the install objects fit together and the shipped operator config loads", "[install]") {
  if (kubectl_missing()) return;
  for (const InstallTree& tree : install_trees()) {
    INFO(tree.label);
    const std::vector<Value> objects = tree.render();
    check_operator_wiring(objects, tree.namespace_);
    const std::string config = it::mounted_operator_config(objects);
    if (tree.third_party_plugin) {
      check_third_party_plugin(objects, config);
    } else {
      CHECK(it::pod_spec_of(it::the_operator_deployment(objects)).find("initContainers") == nullptr);
      const sqlop::testing::CompletedProcess run = plugins_with_config(config);
      INFO(run.log);
      CHECK(run.status.exited_zero());
    }
  }
}

TEST_CASE("the servicemonitor component scrapes the metrics Service, in whatever namespace it lands", "[install]") {
  if (kubectl_missing()) return;
  for (const InstallTree& tree : install_trees()) {
    INFO(tree.label);
    const std::vector<Value> objects = tree.render();
    CHECK(it::all_of_kind(objects, "ServiceMonitor").size() == (tree.service_monitor ? 1u : 0u));
    if (tree.service_monitor) check_service_monitor(objects);
  }
}

// A binding's subject that names a namespace is not moved by kustomize's namespace transformer: the
// ServiceAccount would land in the user's namespace and the bindings would grant another one's.
TEST_CASE("a kustomization that re-namespaces crd/default carries the RBAC subjects, Role and Lease along",
          "[install]") {
  if (kubectl_missing()) return;
  const std::vector<Value> objects = it::render_own_kustomization(kOwnNamespace, {"crd/default"});
  const Value& account = it::the_object(objects, "ServiceAccount", "sqlite-operator");
  REQUIRE(it::namespace_of(account) == kOwnNamespace);
  for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
    const Value& binding = it::the_object(objects, kind);
    INFO(kind << " " << it::name_of(binding));
    CHECK(it::binds_service_account(binding, "sqlite-operator", kOwnNamespace));
    CHECK_FALSE(it::binds_service_account(binding, "sqlite-operator", kNamespace));
  }
  CHECK(it::namespace_of(it::the_object(objects, "Role")) == kOwnNamespace);
  check_leader_election(objects, kOwnNamespace);
  const std::vector<it::Grant> grants = it::grants_for(objects, "sqlite-operator", kOwnNamespace);
  CHECK(it::allowed(grants, {"list", "database.sqlite.io", "sqlitedatabases", "", "", ""}));
}
