// apimachinery/defaults.hpp: the apiserver's server-side defaulting of builtin kinds (the generated
// SetDefaults_* of pkg/apis/<group>/v1/defaults.go plus what the registries fill in on create), and the
// canonical form of resource quantities the apiserver writes back.
//
// Defaults never overwrite a value the object already has. Kinds without defaults (ConfigMap, Lease,
// ServiceAccount, Event, custom resources) come back unchanged apart from quantity canonicalisation.
#pragma once

#include <sqlite_operator/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace sqlop::apimachinery {

// What defaulting cannot decide by itself: resources the Service registry allocates. Empty functions mean
// "allocate nothing" (the fields stay unset).
struct Allocators {
  std::function<std::string()> cluster_ip;  // a free IPv4 address from the service CIDR
  std::function<int()> node_port;           // a free port in 30000-32767
};

// Returns `object` (apiVersion/kind decide the kind) with the defaults the real apiserver applies on create
// and on every update/patch:
//   apps/v1 Deployment: replicas 1, strategy.type RollingUpdate with rollingUpdate 25%/25% (nothing for
//     Recreate), revisionHistoryLimit 10, progressDeadlineSeconds 600, and the pod template below;
//   pod template spec: restartPolicy Always, dnsPolicy ClusterFirst, schedulerName default-scheduler,
//     terminationGracePeriodSeconds 30, securityContext {}; containers/initContainers:
//     terminationMessagePath /dev/termination-log, terminationMessagePolicy File, imagePullPolicy (Always for
//     ":latest" or no tag, IfNotPresent otherwise), ports[].protocol TCP, probes (timeoutSeconds 1,
//     periodSeconds 10, successThreshold 1, failureThreshold 3; httpGet path "/" and scheme HTTP),
//     env[].valueFrom.fieldRef.apiVersion v1, resources.requests copied from limits where missing;
//     volumes: a volume with no source gets emptyDir {}; secret/configMap/downwardAPI/projected defaultMode
//     420; hostPath type ""; serviceAccountToken expirationSeconds 3600;
//   v1 Pod: the pod spec defaults plus enableServiceLinks true (Pods only, never templates);
//   v1 Service: type ClusterIP, sessionAffinity None, ports[].protocol TCP, ports[].targetPort = port,
//     internalTrafficPolicy Cluster (not ExternalName), externalTrafficPolicy Cluster (NodePort,
//     LoadBalancer), allocateLoadBalancerNodePorts true (LoadBalancer), clusterIP/clusterIPs from
//     allocators.cluster_ip, ipFamilies [IPv4], ipFamilyPolicy SingleStack (RequireDualStack for
//     selector-less headless), nodePort from allocators.node_port;
//   v1 PersistentVolumeClaim: spec.volumeMode Filesystem, status.phase Pending;
//   v1 Secret: type Opaque;  v1 Namespace: label kubernetes.io/metadata.name=<name>, status.phase Active;
//   networking.k8s.io/v1 Ingress: nothing (pathType is required, not defaulted).
// Quantities (resources.limits/requests, PVC requests/limits, emptyDir.sizeLimit) are canonicalised.
json::Value apply_builtin_defaults(const json::Value& object, const Allocators& allocators = {});

// On update the Service registry keeps what it allocated when the new object leaves it unset:
// clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports[].nodePort (matched by port and protocol),
// healthCheckNodePort. Returns `updated` with those carried over from `live`.
json::Value carry_over_service_allocations(const json::Value& live, const json::Value& updated);

// The canonical text of a resource.Quantity, as the apiserver serialises it ("1024Mi" -> "1Gi",
// "0.5" -> "500m", "1000" -> "1k", "1.5Gi" -> "1536Mi", "100m" stays); nullopt if `text` is not a
// quantity.
std::optional<std::string> canonical_quantity(const std::string& text);

}  // namespace sqlop::apimachinery
