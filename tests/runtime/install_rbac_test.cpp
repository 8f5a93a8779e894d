// The RBAC of crd/default, derived from what the operator actually calls: the real `sqlite-operator run`
// binary, started the way the rendered Deployment starts it (leader election on the Lease it names in its
// own namespace, its shipped config, all namespaces), goes through a full lifecycle against kube-testserver: every sample of
// crd/samples in a namespace of its own, a SIGTERM that releases the Lease and a second operator taking
// over (reading its children back), a Secret rotation, a deleted child recreated, a hand edit repaired,
// the REST API switched off (Service and Ingress pruned), deletion with retentionPolicy Retain and Delete,
// and a final SIGTERM. The server's counters attribute each call to the operator's User-Agent; then
//   - every call is allowed by the rendered ClusterRole (anywhere) or Role (in its namespace only), the
//     object's name in the URL matched against a rule's resourceNames, and
//   - every verb the rendered RBAC grants was used (least privilege), except the listed exceptions.
// A server-side apply is authorized as "patch" and, when it creates the object, also as "create" (as the
// kube-apiserver does), so every apply counts as needing both.
//
// SKIPs (saying why) only when kubectl is not installed (the RBAC is read from its kustomize output).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "install_manifests.hpp"
#include "operator_harness.hpp"

namespace it = sqlop::install_testing;
namespace rt = sqlop::runtime_testing;
namespace json = sqlop::json;
namespace kube = sqlop::kube;
namespace types = sqlop::kube::types;
using json::Value;
using namespace std::chrono_literals;

namespace {


// Granted verbs the lifecycle does not exercise, each with the reason it is still needed.
const std::map<std::string, std::string> kUnusedButGranted = {
    {"update database.sqlite.io/sqlitedatabases/finalizers",
     "children set blockOwnerDeletion: true, which the OwnerReferencesPermissionEnforcement admission plugin "
     "(OpenShift) allows only with update on the owner's finalizers; kube-testserver does not model admission"},
};

// Non-resource URLs the operator may read: every authenticated user may (the system:discovery and
// system:public-info-viewer ClusterRoles), so they need no rule of ours.
const std::set<std::string> kPublicPaths = {"/version", "/api", "/apis", "/healthz", "/livez", "/readyz"};

const kube::ResourceType& namespaces() {
  static const kube::ResourceType t{"", "v1", "namespaces", "Namespace", false};
  return t;
}

struct Install {
  std::vector<Value> objects;
  std::string lease_namespace;
  std::string lease_name;
  std::string account_name;
  std::string account_namespace;
  std::vector<std::string> leader_election_args;
};

// What the rendered crd/default says about how the operator runs and who it is.
Install read_install() {
  Install in;
  in.objects = it::render_kustomization("crd/default");
  const Value& deployment = it::the_operator_deployment(in.objects);
  const Value& container = it::the_operator_container(deployment);
  REQUIRE(it::has_arg(container, "--leader-elect"));
  const auto lease_ns = it::flag_value(container, "--leader-election-namespace");
  REQUIRE(lease_ns);
  in.lease_namespace = it::resolve_pod_namespace(deployment, container, *lease_ns);
  const auto lease_name = it::flag_value(container, "--leader-election-id");
  REQUIRE(lease_name);  // the Role names it in resourceNames
  in.lease_name = *lease_name;
  in.leader_election_args = {"--leader-elect", "--leader-election-namespace=" + in.lease_namespace,
                             "--leader-election-id=" + in.lease_name};
  REQUIRE_FALSE(it::flag_value(container, "--namespace"));  // it watches every namespace
  in.account_name = it::pod_spec_of(deployment).get_string("serviceAccountName");
  in.account_namespace = it::namespace_of(deployment);
  return in;
}

std::string sample_namespace(const std::string& sample) { return "rbac-" + sample; }

void ensure_namespace(const kube::Client& client, const std::string& name) {
  Value ns = Value::object();
  ns["apiVersion"] = "v1";
  ns["kind"] = "Namespace";
  ns["metadata"]["name"] = name;
  const auto created = client.create(namespaces(), "", ns);
  INFO(name << ": " << (created.error ? created.error->to_string() : std::string()));
  REQUIRE((created.ok() || created.error->is_already_exists()));  // e.g. a lease namespace of kube-system
}

void merge_patch(const kube::Client& client, const kube::ResourceType& type, const std::string& ns,
                 const std::string& name, const std::string& patch) {
  const auto result = client.patch(type, ns, name, kube::PatchType::Merge, patch);
  INFO(type.kind << " " << ns << "/" << name << ": " << (result.error ? result.error->to_string() : std::string()));
  REQUIRE(result.ok());
}

std::string uid_of(const Value& o) { return o.find_path({"metadata", "uid"})->as_string(); }

bool lease_released(const kube::Client& client, const std::string& ns, const std::string& name) {
  const auto lease = rt::try_get(client, types::leases(), ns, name);
  return lease && lease->find_path({"spec", "holderIdentity"}) &&
         lease->find_path({"spec", "holderIdentity"})->as_string().empty();
}

std::string database_name(const std::string& sample) {
  return rt::name_of(rt::of_kind(rt::sample(sample), "SqliteDatabase").front());
}

// Phase 1: every sample converges; the test plays kubelet and volume binder.
void converge_samples(const kube::Client& client) {
  for (const std::string& s : rt::sample_names()) {
    const std::string ns = sample_namespace(s);
    const std::string name = database_name(s);
    rt::wait_for_object(client, types::deployments(), ns, name);
    rt::mark_deployment_available(client, ns, name);
    rt::mark_pvc_bound(client, ns, name + "-db-storage");
  }
  for (const std::string& s : rt::sample_names()) {
    rt::wait_for_database(client, sample_namespace(s), database_name(s), [](const Value& d) {
      return rt::phase_of(d) == "Running" && rt::observed_current(d);
    }, "phase Running");
  }
}

void stop_and_release(rt::OperatorRun& op, const kube::Client& client, const Install& install) {
  const auto exit = op.terminate();
  INFO(op.describe());
  CHECK(exit.exited_zero());
  CHECK(lease_released(client, install.lease_namespace, install.lease_name));
}

// Phase 2, on the operator that took over: everything a running operator does after the first sync.
void day_two(const kube::Client& client, rt::OperatorRun& op) {
  // Takeover: it leads, and re-reads the children it did not write itself, writing nothing new.
  REQUIRE(rt::eventually([&] { return op.metric("leader_election_master_status").value_or(0) == 1; }, 20s, 50ms));
  REQUIRE(rt::eventually([&] { return op.reconciles() >= rt::sample_names().size(); }, 20s, 50ms));

  // Secret rotation: the pod template's config hash follows the credential.
  const std::string s3_ns = sample_namespace("s3");
  const std::string hash = rt::config_hash(rt::get_required(client, types::deployments(), s3_ns, "orders"));
  merge_patch(client, types::secrets(), s3_ns, "s3-credentials",
              R"({"stringData":{"secret-key":"ROTATED/secret/key/not/a/real/one/11111"}})");
  rt::wait_for_object(client, types::deployments(), s3_ns, "orders",
                      [&](const Value& d) { return rt::config_hash(d) != hash; }, "a new config hash");

  // A child deleted by hand is recreated; a field the operator owns, edited by hand, is restored.
  const std::string minimal_ns = sample_namespace("minimal");
  const std::string minimal = database_name("minimal");
  const Value config_map = rt::get_required(client, types::config_maps(), minimal_ns, minimal + "-litestream-config");
  REQUIRE_FALSE(client.remove(types::config_maps(), minimal_ns, minimal + "-litestream-config"));
  rt::wait_for_object(client, types::config_maps(), minimal_ns, minimal + "-litestream-config",
                      [&](const Value& cm) { return uid_of(cm) != uid_of(config_map); }, "recreated");
  const Value deployment = rt::get_required(client, types::deployments(), minimal_ns, minimal);
  const auto image = [](const Value& d) {
    return d.find_path({"spec", "template", "spec", "containers"})->as_array().front().get_string("image");
  };
  const auto edited = client.patch(types::deployments(), minimal_ns, minimal, kube::PatchType::Json,
                                   R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"example.com/other:1"}])");
  REQUIRE(edited.ok());
  rt::wait_for_object(client, types::deployments(), minimal_ns, minimal,
                      [&](const Value& d) { return image(d) == image(deployment); }, "the image restored");

  // The REST API switched off: its Service and Ingress are pruned.
  const std::string rest_ns = sample_namespace("rest-api");
  merge_patch(client, types::sqlite_databases(), rest_ns, "shop",
              R"({"spec":{"sqliteRest":{"enabled":false},"ingress":{"enabled":false}}})");
  rt::wait_until_absent(client, types::services(), rest_ns, "shop-service");
  rt::wait_until_absent(client, types::ingresses(), rest_ns, "shop-ingress");

  // Deletion: Retain keeps the PVC (without our ownerReference), Delete removes it.
  const std::string keep_uid = uid_of(rt::get_required(client, types::sqlite_databases(), s3_ns, "orders"));
  REQUIRE_FALSE(client.remove(types::sqlite_databases(), s3_ns, "orders"));
  merge_patch(client, types::sqlite_databases(), minimal_ns, minimal,
              R"({"spec":{"database":{"storage":{"retentionPolicy":"Delete"}}}})");
  rt::wait_for_database(client, minimal_ns, minimal, rt::observed_current, "the Delete policy observed");
  REQUIRE_FALSE(client.remove(types::sqlite_databases(), minimal_ns, minimal));
  rt::wait_until_absent(client, types::sqlite_databases(), s3_ns, "orders");
  rt::wait_until_absent(client, types::sqlite_databases(), minimal_ns, minimal);
  rt::wait_until_absent(client, types::persistent_volume_claims(), minimal_ns, minimal + "-db-storage");
  const Value kept = rt::get_required(client, types::persistent_volume_claims(), s3_ns, "orders-db-storage");
  CHECK(json::dump(kept).find(keep_uid) == std::string::npos);
}

// Every call the operator made (User-Agent sqlite-operator/...), as an authorizer sees it. An apply also
// needs "create" (when it creates the object). Non-resource paths are returned in `paths`.
std::vector<it::Call> operator_calls(const kube::Client& client, std::set<std::string>& paths, std::string& report) {
  const kube::HttpResponse response = rt::admin_request(client, "GET", "/_testserver/counters?userAgent=sqlite-operator%2F");
  REQUIRE(response.status == 200);
  const Value counters = rt::parse_json(response.body);
  std::vector<it::Call> calls;
  for (const Value& c : counters.find("calls")->as_array()) {
    REQUIRE(c.get_string("userAgent").rfind("sqlite-operator/", 0) == 0);
    if (c.get_string("resource").empty()) {
      paths.insert(c.get_string("path"));
      continue;
    }
    it::Call call{c.get_string("verb"),        c.get_string("group"),     c.get_string("resource"),
                  c.get_string("subresource"), c.get_string("namespace"), c.get_string("name")};
    report += "  " + call.describe() + " x" + std::to_string(c.get_int("count", 0)) +
              (c.get_string("patchType").empty() ? "" : " (" + c.get_string("patchType") + ")") + "\n";
    calls.push_back(call);
    if (c.get_string("patchType") == "application/apply-patch+yaml") {
      it::Call create = call;
      create.verb = "create";
      calls.push_back(create);
    }
  }
  return calls;
}

// "verb group/resource" for each verb a rule grants, with the grant's scope.
struct GrantedVerb {
  std::string key;  // "create apps/deployments"
  const it::Grant* grant;
  std::string verb, group, resource;
};

std::vector<GrantedVerb> granted_verbs(const std::vector<it::Grant>& grants) {
  std::vector<GrantedVerb> out;
  for (const it::Grant& g : grants) {
    for (const Value& group : g.rule.find("apiGroups")->as_array()) {
      for (const Value& resource : g.rule.find("resources")->as_array()) {
        for (const Value& verb : g.rule.find("verbs")->as_array()) {
          const std::string key = verb.as_string() + " " + (group.as_string().empty() ? "core" : group.as_string()) +
                                  "/" + resource.as_string();
          out.push_back({key, &g, verb.as_string(), group.as_string(), resource.as_string()});
        }
      }
    }
  }
  return out;
}

bool used(const GrantedVerb& granted, const std::vector<it::Call>& calls) {
  for (const it::Call& c : calls) {
    const std::string resource = c.subresource.empty() ? c.resource : c.resource + "/" + c.subresource;
    const bool in_scope = (granted.grant->namespace_.empty() || granted.grant->namespace_ == c.namespace_) &&
                          it::names_allow(granted.grant->rule, c.name);
    if (in_scope && c.verb == granted.verb && c.group == granted.group && resource == granted.resource) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the install RBAC allows every API call the operator makes through a lifecycle, and nothing more",
          "[install][rbac]") {
  if (it::kubectl_binary().empty()) {
    WARN("SKIPPED: kubectl is not installed (looked in /usr/bin and /usr/local/bin); the RBAC is untested");
    return;
  }
  const Install install = read_install();
  const std::vector<it::Grant> grants = it::grants_for(install.objects, install.account_name, install.account_namespace);
  REQUIRE_FALSE(grants.empty());

  rt::TestCluster cluster;
  const kube::Client& client = cluster.client();
  ensure_namespace(client, install.lease_namespace);
  for (const std::string& s : rt::sample_names()) {
    ensure_namespace(client, sample_namespace(s));
    rt::create_all_in(client, sample_namespace(s), rt::sample(s));
  }
  sqlop::testing::ScratchDir dir;
  const std::filesystem::path config = dir.path() / "operator.yaml";
  std::ofstream(config) << it::mounted_operator_config(install.objects);
  rt::reset_request_counts(client);

  rt::OperatorOptions options;
  options.kubeconfig = cluster.kubeconfig_path();
  options.config_path = config.string();
  options.extra_args = install.leader_election_args;
  {
    rt::OperatorRun first(options);
    converge_samples(client);
    stop_and_release(first, client, install);
  }
  {
    rt::OperatorRun second(options);
    day_two(client, second);
    stop_and_release(second, client, install);
  }

  std::set<std::string> paths;
  std::string report;
  const std::vector<it::Call> calls = operator_calls(client, paths, report);
  INFO("the operator's calls:\n" << report);
  REQUIRE_FALSE(calls.empty());
  for (const it::Call& c : calls) {
    INFO("not allowed by the install RBAC: " << c.describe());
    CHECK(it::allowed(grants, c));
  }
  for (const std::string& p : paths) {
    INFO("non-resource URL " << p);
    CHECK(kPublicPaths.count(p));
  }
  for (const GrantedVerb& g : granted_verbs(grants)) {
    if (kUnusedButGranted.count(g.key)) continue;
    INFO("granted by " << g.grant->source << " but never used: " << g.key);
    CHECK(used(g, calls));
  }
  // The Role's Leases are used in the lease namespace only, and only the one the Deployment names (what
  // the Role's resourceNames allows for get and update); the operator touches no Lease elsewhere.
  for (const it::Call& c : calls) {
    if (c.resource != "leases") continue;
    INFO(c.describe());
    CHECK(c.namespace_ == install.lease_namespace);
    CHECK(c.name == (c.verb == "create" ? "" : install.lease_name));
  }
}
