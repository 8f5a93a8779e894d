#!/usr/bin/env bash
# The real kubectl against kube-testserver, over plain HTTP and over HTTPS with the bearer token:
# applies the project's CRD and a SqliteDatabase with kubectl's default validation (no --validate=false),
# checks the printer columns, "configured"/"unchanged" on re-apply, refusal of CRs that break the schema,
# patch, delete and get -w, plus a builtin Deployment applied twice (strategic merge patch).
# Skipped (exit 77, CTest's SKIP_RETURN_CODE: shown as skipped, not passed) when kubectl is not installed.
set -euo pipefail

root=${SQLOP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SQLOP_BUILD_DIR:-$root/build}
server_bin=$build/bin/kube-testserver
crd=$root/crd/bases/database.sqlite.io_sqlitedatabases.yaml
sample=$root/crd/samples/minimal.yaml

if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl_test: kubectl not installed, skipped"
  exit 77
fi
[ -x "$server_bin" ] || { echo "kubectl_test: $server_bin not built" >&2; exit 1; }
[ -f "$crd" ] || { echo "kubectl_test: $crd missing" >&2; exit 1; }
[ -f "$sample" ] || { echo "kubectl_test: $sample missing" >&2; exit 1; }
# The test changes the sample's first replica region to see "configured".
grep -q "region: us-east-1" "$sample" || { echo "kubectl_test: $sample no longer has 'region: us-east-1'" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
watch_pid=""
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
contains() { grep -q -- "$2" <<<"$1"; }

start_server() {  # start_server [--tls]
  rm -f "$work/kubeconfig"
  "$server_bin" --port 0 --kubeconfig "$work/kubeconfig" "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$work/kubeconfig" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  [ -f "$work/kubeconfig" ] || { echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
  export KUBECONFIG=$work/kubeconfig
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid"
  local rc=$?
  server_pid=""
  return $rc
}

k() { timeout 60 kubectl --request-timeout=30s "$@"; }

scenario() {  # scenario LABEL
  local label=$1 out
  echo "kubectl_test: $label"

  out=$(k apply -f "$crd" 2>&1) || true
  check "$label: CRD created" contains "$out" "customresourcedefinition.apiextensions.k8s.io/sqlitedatabases.database.sqlite.io created"
  check "$label: CRD established" k wait --for condition=established --timeout=20s crd/sqlitedatabases.database.sqlite.io

  out=$(k apply -f "$sample" 2>&1) || true
  check "$label: CR created" contains "$out" "sqlitedatabase.database.sqlite.io/minimal created"

  out=$(k get sqldb 2>&1) || true
  check "$label: printer columns" contains "$out" "NAME *PHASE *READY *REPLICAS *PVC *AGE"
  check "$label: row" contains "$out" "^minimal "

  out=$(k apply -f "$sample" 2>&1) || true
  check "$label: re-apply unchanged" contains "$out" "sqlitedatabase.database.sqlite.io/minimal unchanged"
  sed 's/region: us-east-1/region: eu-west-1/' "$sample" >"$work/changed.yaml"
  out=$(k apply -f "$work/changed.yaml" 2>&1) || true
  check "$label: changed apply configured" contains "$out" "sqlitedatabase.database.sqlite.io/minimal configured"
  out=$(k get sqldb minimal -o jsonpath='{.spec.litestream.replicas[0].region} {.metadata.generation}' 2>&1) || true
  check "$label: change stored, generation 2" test "$out" = "eu-west-1 2"
  out=$(k get sqldb minimal -o jsonpath='{.spec.database.storage.size}' 2>&1) || true
  check "$label: CRD defaults applied" test "$out" = "1Gi"

  cat >"$work/unknown.yaml" <<'YAML'
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata:
  name: unknown-field
spec:
  notAField: true
  litestream:
    replicas:
      - type: s3
        bucket: b
YAML
  if out=$(k apply -f "$work/unknown.yaml" 2>&1); then
    check "$label: unknown field refused" false
  else
    check "$label: unknown field refused" contains "$out" 'unknown field "spec.notAField"'
  fi
  cat >"$work/wrongtype.yaml" <<'YAML'
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata:
  name: wrong-type
spec:
  database:
    storage:
      size: [1]
  litestream:
    replicas:
      - type: s3
        bucket: b
YAML
  if out=$(k apply -f "$work/wrongtype.yaml" 2>&1); then
    check "$label: schema violation refused" false
  else
    check "$label: schema violation refused" contains "$out" "is invalid"
  fi
  check "$label: refused CRs not stored" test "$(k get sqldb -o name | wc -l)" = 1

  k get sqldb -w --output-watch-events >"$work/watch.out" 2>&1 &
  watch_pid=$!
  sleep 1

  out=$(k patch sqldb minimal --type=merge -p '{"metadata":{"labels":{"team":"data"}}}' 2>&1) || true
  check "$label: patch" contains "$out" "sqlitedatabase.database.sqlite.io/minimal patched"
  check "$label: patched label" test "$(k get sqldb -l team=data -o name)" = "sqlitedatabase.database.sqlite.io/minimal"

  out=$(k delete sqldb minimal 2>&1) || true
  check "$label: delete" contains "$out" 'sqlitedatabase.database.sqlite.io "minimal" deleted'
  out=$(k get sqldb minimal 2>&1) || true
  check "$label: gone" contains "$out" 'NotFound'
  sleep 1
  kill "$watch_pid" 2>/dev/null || true
  wait "$watch_pid" 2>/dev/null || true
  watch_pid=""
  out=$(cat "$work/watch.out")
  check "$label: watch saw ADDED" contains "$out" "^ADDED *minimal"
  check "$label: watch saw MODIFIED" contains "$out" "^MODIFIED *minimal"
  check "$label: watch saw DELETED" contains "$out" "^DELETED *minimal"

  # A builtin kind: client-side apply twice goes through a strategic merge patch.
  cat >"$work/deploy.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - {name: A, value: "1"}
YAML
  out=$(k apply -f "$work/deploy.yaml" 2>&1) || true
  check "$label: deployment created" contains "$out" "deployment.apps/web created"
  out=$(k apply -f "$work/deploy.yaml" 2>&1) || true
  check "$label: deployment unchanged" contains "$out" "deployment.apps/web unchanged"
  sed 's/value: "1"/value: "2"/' "$work/deploy.yaml" >"$work/deploy2.yaml"
  out=$(k apply -f "$work/deploy2.yaml" 2>&1) || true
  check "$label: deployment configured" contains "$out" "deployment.apps/web configured"
  out=$(k get deploy web -o jsonpath='{.spec.template.spec.containers[0].env[0].value} {.spec.strategy.type}' 2>&1) || true
  check "$label: deployment env merged, defaults kept" test "$out" = "2 RollingUpdate"
  out=$(k get deploy 2>&1) || true
  check "$label: deployment columns" contains "$out" "NAME *READY *UP-TO-DATE *AVAILABLE *AGE"
  cat >"$work/bad-deploy.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  replicas: 1
  replicaz: 2
  selector:
    matchLabels: {app: bad}
  template:
    metadata:
      labels: {app: bad}
    spec:
      containers: [{name: c, image: busybox}]
YAML
  if out=$(k apply -f "$work/bad-deploy.yaml" 2>&1); then
    check "$label: builtin unknown field refused" false
  else
    check "$label: builtin unknown field refused" contains "$out" 'unknown field "spec.replicaz"'
  fi

  check "$label: server stops cleanly on SIGTERM" stop_server
}

start_server
scenario "http"
start_server --tls
check "https: kubeconfig has a token" grep -q "token:" "$work/kubeconfig"
scenario "https+token"

checks_summary kubectl_test
