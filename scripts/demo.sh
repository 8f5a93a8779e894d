#!/usr/bin/env bash
# The demo (`make demo`): the operator at work, end to end, on one machine with no cluster.
#   1. the backend plugins it loads;
#   2. a Kubernetes API server (kube-testserver, tests/testserver/) and Azurite (Azure Blob Storage) on 127.0.0.1;
#   3. the CRD applied with the real kubectl, until Established;
#   4. the sample (scripts/demo/notes.yaml): a SqliteDatabase with init SQL and two replicas, a file volume and
#      Azure Blob Storage (Azurite), its ConfigMap, backup PVC and Secret;
#   5. the operator (`sqlite-operator run`) creates the children; kubectl shows them and the status;
#   6. playing kubelet with what the API server holds (scripts/demo/kubelet.py): the pod's init containers and
#      real Litestream 0.3.13, then the volumes bound and the Deployment available: the database is Ready;
#   7. rows written with sqlite3 reach both replicas;
#   8. the database volume is lost; the rendered restore container brings it back (and so does Azurite alone);
#   9. the SqliteDatabase is deleted with kubectl: the database volume is kept (retentionPolicy Retain).
# Every process it starts and its temporary directory are removed on success and on failure; it exits non-zero
# naming the step that failed.
#   scripts/demo.sh [BUILD_DIR]       (default: build)
# Environment: SQLOP_TOOLS_DIR (npm tools, default .tools/), SQLOP_DEMO_LITESTREAM (the Litestream binary),
# KUBECTL (the kubectl to use, default kubectl), TMPDIR (where the temporary directory goes).
set -Eeuo pipefail
umask 077  # the workspace holds a Secret's values (Azurite's public key, but treated like any key)

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
here=$root/scripts/demo
tools=${SQLOP_TOOLS_DIR:-$root/.tools}
operator=$build/bin/sqlite-operator
testserver=$build/bin/kube-testserver
litestream=${SQLOP_DEMO_LITESTREAM:-$tools/node_modules/@flydotio/litestream-linux-x64/litestream}
azurite_main=$tools/node_modules/azurite/dist/src/blob/main.js
kubectl_bin=${KUBECTL:-kubectl}
crd=$root/crd/bases/database.sqlite.io_sqlitedatabases.yaml
total_steps=9

# Azurite's published development account: the same public key on every machine.
azure_account=devstoreaccount1
azure_key=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==

if [ -t 1 ]; then bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' plain=$'\033[0m'; else bold="" red="" green="" plain=""; fi
started=$SECONDS
step_no=0
step_title="checking prerequisites"
failure=""
work=""
declare -A pids=()  # name -> pid of every background process the demo started

step() {
  step_no=$1
  step_title=$2
  printf '\n%s==> [%s/%s] %s%s  (at %ss)\n' "$bold" "$step_no" "$total_steps" "$step_title" "$plain" "$((SECONDS - started))"
}
say() { printf '    %s\n' "$*"; }
indent() { sed 's/^/    /'; }
# Litestream's log lines as "message: replica=NAME", host paths as <workspace>/...: short enough to read.
tidy() {
  sed -E -e 's/^time=[^ ]* level=[A-Z]* msg="([^"]*)".*( replica=[^ ]*).*$/\1:\2/' \
    -e 's/^time=[^ ]* level=[A-Z]* msg="([^"]*)".*$/\1/' -e "s|$work|<workspace>|g"
}
fail() {
  failure=$*
  exit 1
}

# Background processes, by name, so cleanup can stop every one of them and nothing else.
start_bg() {  # start_bg NAME COMMAND...: output to $work/NAME.log
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 3>&- 4>&- &
  pids[$name]=$!
}
stop_bg() {  # stop_bg NAME: SIGTERM, then SIGKILL after 10 s
  local name=$1 pid=${pids[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "pids[$name]"
}
running() { [ -n "${pids[$1]:-}" ] && kill -0 "${pids[$1]}" 2>/dev/null; }
alive() { running "$1" || fail "$1 exited early (its log is below)"; }  # fail at once, not at a deadline

cleanup() {
  local name
  for name in litestream operator azurite testserver; do stop_bg "$name"; done
  if [ -n "$work" ]; then rm -rf "$work"; fi
  work=""
}

on_exit() {
  local status=$?
  exec 1>&3 2>&4  # the script's own output, even when a step failed inside a silenced poll
  if [ "$status" -ne 0 ] && [ -n "$work" ]; then
    [ -n "$failure" ] || failure="'$failed_command' exited $status (scripts/demo.sh line $failed_line)"
    printf '\n%sdemo failed in step [%s/%s] %s: %s%s\n' "$red" "$step_no" "$total_steps" "$step_title" "$failure" "$plain" >&2
    local log
    for log in "$work"/*.log; do  # the logs hold no Secret values: nothing the demo runs prints them
      [ -s "$log" ] || continue
      printf '  last lines of %s:\n' "$(basename "$log")" >&2
      tail -n 10 "$log" | sed 's/^/    /' >&2
    done
  elif [ "$status" -ne 0 ]; then
    printf '%sdemo failed: %s%s\n' "$red" "$failure" "$plain" >&2
  fi
  cleanup
  exit "$status"
}
failed_command=""
failed_line=""
exec 3>&1 4>&2
trap 'failed_command=$BASH_COMMAND; failed_line=$LINENO' ERR
trap on_exit EXIT
trap 'failure="interrupted"; exit 130' INT TERM

# Polls COMMAND every 0.2 s until it succeeds or SECONDS_ pass; fails the step with WHAT when it does not.
wait_for() {  # wait_for WHAT SECONDS_ COMMAND...
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.2
  done
}
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
k() { timeout 60 "$kubectl_bin" --request-timeout=30s "$@"; }
# Runs container $1 of the pod as the API server describes it (extra arguments replace its args).
kubelet() { "${kubelet_py[@]}" "$@"; }
rows() { sqlite3 -cmd ".timeout 5000" "$1" 'SELECT id, body FROM notes ORDER BY id'; }
row_count() { sqlite3 "$1" 'SELECT count(*) FROM notes' 2>/dev/null; }

check_prerequisites() {
  if ! command -v "$kubectl_bin" >/dev/null 2>&1; then
    fail "kubectl is not installed. The demo drives the API server with the real kubectl: install it from
    https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/ (for example
    curl -LO https://dl.k8s.io/release/v1.32.0/bin/linux/amd64/kubectl && sudo install kubectl /usr/local/bin/)
    and run 'make demo' again."
  fi
  [ -x "$operator" ] || fail "$operator is missing; run 'make build'"
  [ -x "$testserver" ] || fail "$testserver is missing; run 'make build'"
  [ -e "$litestream" ] || fail "Litestream is missing at $litestream; run 'scripts/deps.sh demo'"
  [ -f "$azurite_main" ] || fail "Azurite is missing at $azurite_main; run 'scripts/deps.sh demo'"
  local tool
  for tool in node sqlite3 python3 curl timeout; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed; run 'scripts/deps.sh demo'"
  done
  [ -f "$crd" ] || fail "$crd is missing"
  # The interpreter itself, not a version manager's shim, which can add a second per call on a busy machine.
  python=$(python3 -c 'import sys; print(sys.executable)')
}

check_prerequisites
work=$(mktemp -d "${TMPDIR:-/tmp}/sqlite-operator-demo.XXXXXX")
export KUBECONFIG=$work/kubeconfig
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost  # everything here is loopback: never a proxy
export KUBECACHEDIR=$work/kube-cache  # kubectl's discovery cache: per server port, so keep it out of ~/.kube
# An array, not a function, so that `start_bg` runs it as a simple command: its pid is then Litestream's own
# (python execs the container's program), and stopping it stops Litestream.
kubelet_py=("$python" "$here/kubelet.py" "$work/pod-objects.json" "$work/pod")
printf 'sqlite-operator demo: build %s, workspace %s\n' "$build" "$work"

step 1 "Backend plugins the operator loads"
"$operator" plugins | indent

step 2 "Start a Kubernetes API server (kube-testserver) and Azurite (Azure Blob Storage), on 127.0.0.1"
azurite_port=$(free_port)
azurite_endpoint=http://127.0.0.1:$azurite_port/$azure_account
start_bg azurite node "$azurite_main" --blobHost 127.0.0.1 --blobPort "$azurite_port" -l "$work/azurite" \
  --skipApiVersionCheck --disableTelemetry
start_bg testserver "$testserver" --port 0 --kubeconfig "$KUBECONFIG"
api_server_ready() { alive testserver && [ -s "$KUBECONFIG" ]; }
wait_for "kube-testserver to write its kubeconfig" 30 api_server_ready
say "API server: $(k config view -o jsonpath='{.clusters[0].cluster.server}')   (kubeconfig in the workspace)"
k version 2>/dev/null | indent  # (without the client/server skew warning: 1.32 against 1.35 works here)
say "Azurite is starting in the background on $azurite_endpoint"

step 3 "Install the CRD with kubectl and wait until it is Established"
k apply -f "$crd" | indent
k wait --for condition=established --timeout=30s crd/sqlitedatabases.database.sqlite.io | indent
k api-resources --api-group=database.sqlite.io | indent

step 4 "Apply the sample: SqliteDatabase 'notes' (init SQL; replicas: a file volume and Azurite) with kubectl"
# The Secret from a file, as one would with a real key: nothing secret on a command line or in the repository.
printf 'account-name=%s\naccount-key=%s\n' "$azure_account" "$azure_key" >"$work/azurite-credentials.env"
k create secret generic azurite-credentials --from-env-file="$work/azurite-credentials.env" \
  --dry-run=client -o yaml | k apply -f - | indent
sed "s|@AZURITE_ENDPOINT@|$azurite_endpoint|" "$here/notes.yaml" >"$work/notes.yaml"
k apply -f "$work/notes.yaml" | indent
say "the SqliteDatabase (scripts/demo/notes.yaml):"
awk '/^---$/ { doc = "" ; next } { doc = doc $0 "\n" } END { printf "%s", doc }' "$work/notes.yaml" | sed 's/^/    | /'  # the last document

step 5 "Start the operator; it creates the children and reports status"
operator_metrics=$(free_port)
operator_health=$(free_port)
start_bg operator "$operator" run --kubeconfig "$KUBECONFIG" --metrics-bind-address "127.0.0.1:$operator_metrics" \
  --health-probe-bind-address "127.0.0.1:$operator_health"
operator_ready() { alive operator && curl -fsS "http://127.0.0.1:$operator_health/readyz"; }
wait_for "the operator's /readyz" 30 operator_ready
say "operator running (log in the workspace); /readyz ok; metrics on 127.0.0.1:$operator_metrics"
status_observed() {
  [ "$(k get sqldb notes -o jsonpath='{.status.observedGeneration}/{.metadata.generation}')" = 1/1 ] &&
    k get deployment/notes configmap/notes-litestream-config pvc/notes-db-storage
}
wait_for "the operator to create the children of 'notes' and report its status" 30 status_observed
k get sqldb | indent
echo
k get pvc,configmap,deployment,service 2>&1 | indent
say "(no Service or Ingress: the sample leaves the REST API off)"
say "conditions of sqldb/notes:"
k get sqldb notes -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}): {.message}{"\n"}{end}' |
  sed 's/^/      /'
say "reconciles so far: $(curl -fsS "http://127.0.0.1:$operator_metrics/metrics" |
  awk '/^controller_runtime_reconcile_total/ {n += $2} END {print n + 0}') (controller_runtime_reconcile_total)"

step 6 "Play kubelet: run the pod exactly as the API server describes it, then mark it available"
# The pod's spec, its ConfigMaps and the Secret it references, as a kubelet reads them.
k get deployments,configmaps,secrets -o json >"$work/pod-objects.json"
say "litestream.yml, from ConfigMap notes-litestream-config:"
k get configmap notes-litestream-config -o jsonpath='{.data.litestream\.yml}' | sed 's/^/    | /'
say "the containers, from Deployment notes:"
for container in restore create-database litestream; do
  printf '      %-16s ' "$container:"
  kubelet show "$container" | sed '2,$s/^/                       /'
done
export KUBELET_ENTRYPOINTS="litestream/litestream:0.3.13=$litestream"
litestream_metrics=$(free_port)
export KUBELET_METRICS_PORT=$litestream_metrics
azurite_up() { alive azurite && curl -s -o /dev/null "http://127.0.0.1:$azurite_port/"; }
wait_for "Azurite to listen on port $azurite_port" 90 azurite_up
AZURE_STORAGE_KEY=$azure_key "$python" "$here/azure_container.py" "$azurite_endpoint" notes-backups | sed 's/^/    Azurite: /'
db_pod_path=$(k get sqldb notes -o jsonpath='{.status.databasePath}')
db=$(kubelet host-path litestream "$db_pod_path")
kubelet exec restore 2>&1 | tidy | sed 's/^/    init restore: /' || fail "the rendered restore container failed"
[ ! -e "$db" ] || fail "restore created a database although no backup exists"
say "init restore: exit 0 and no database, as no backup exists yet; create-database makes it"
kubelet exec create-database 2>&1 | tidy | sed 's/^/    init create-database: /' || fail "the rendered create-database container failed"
say "tables: $(sqlite3 "$db" '.tables')   (from the init SQL in ConfigMap notes-schema)"
start_bg litestream "${kubelet_py[@]}" exec litestream
litestream_ready() { alive litestream && curl -fsS "http://127.0.0.1:$litestream_metrics/metrics"; }
wait_for "Litestream's /metrics (the container's readiness probe)" 30 litestream_ready
say "litestream replicate running; its readiness probe (/metrics) answers"
# What the PV controller and the Deployment controller would write once the volumes bind and the pod is ready.
for pvc in notes-db-storage notes-backups; do
  k patch pvc "$pvc" --subresource=status --type=merge \
    -p '{"status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}}' | indent
done
generation=$(k get deployment notes -o jsonpath='{.metadata.generation}')
k patch deployment notes --subresource=status --type=merge -p '{"status":{"observedGeneration":'"$generation"',
  "replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,"conditions":[{"type":"Available",
  "status":"True","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."}]}}' | indent
k wait --for=condition=Ready --timeout=30s sqldb/notes | indent
k get sqldb,deployment | indent

step 7 "Write rows with sqlite3; wait until both replicas hold them"
for note in "buy milk" "call the plumber" "back up everything"; do
  sqlite3 -cmd ".timeout 5000" "$db" "INSERT INTO notes(body) VALUES ('$note');"
done
say "rows written to $db_pod_path:"
rows "$db" | sed 's/^/      /'
replica_has_rows() {  # restore one replica into a side file of the pod's /tmp and count
  local side side_pod_path=/tmp/check-$1.db
  side=$(kubelet host-path litestream "$side_pod_path")
  rm -f "$side"
  kubelet exec litestream restore -config /etc/litestream/litestream.yml -replica "$1" -o "$side_pod_path" \
    "$db_pod_path" && [ "$(row_count "$side")" = 3 ]
}
for replica in volume azurite; do
  wait_for "replica '$replica' to hold the 3 rows" 60 replica_has_rows "$replica"
  say "replica '$replica' holds the 3 rows (checked by restoring it into a side file)"
done
say "file replica: $(find "$work/pod/pvc/notes-backups" -type f | wc -l) files in PVC notes-backups"

step 8 "Lose the database volume; the rendered restore container brings the database back"
stop_bg litestream
data_dir=$(kubelet host-path litestream "$(dirname "$db_pod_path")")  # PVC notes-db-storage on this host
rm -rf "$data_dir"
mkdir -p "$data_dir"
say "pod stopped and PVC notes-db-storage replaced by an empty volume: $(find "$data_dir" -mindepth 1 | wc -l) files"
kubelet exec restore >"$work/restore.out" 2>&1 || { indent <"$work/restore.out"; fail "the rendered restore failed"; }
tidy <"$work/restore.out" | sed 's/^/    init restore: /'
kubelet exec create-database 2>&1 | tidy | sed 's/^/    init create-database: /' || fail "the rendered create-database container failed"
say "rows after restore:"
rows "$db" | sed 's/^/      /'
[ "$(row_count "$db")" = 3 ] || fail "the restored database does not hold the 3 rows"
start_bg litestream "${kubelet_py[@]}" exec litestream
wait_for "Litestream's /metrics after the restore" 30 litestream_ready
say "the pod is back: litestream replicate running on the restored database"
from_azure_pod_path=/tmp/from-azurite.db
from_azure=$(kubelet host-path litestream "$from_azure_pod_path")
kubelet exec litestream restore -config /etc/litestream/litestream.yml -replica azurite -o "$from_azure_pod_path" \
  "$db_pod_path" >"$work/restore-azurite.out" 2>&1 ||
  { indent <"$work/restore-azurite.out"; fail "restoring from Azurite failed"; }
say "rows restored from Azurite alone (litestream restore -replica azurite):"
rows "$from_azure" | sed 's/^/      /'
[ "$(rows "$from_azure")" = "$(rows "$db")" ] || fail "the copy restored from Azurite differs from the database"

step 9 "Delete the SqliteDatabase with kubectl: the children go, the database volume stays"
k delete sqldb notes | indent
k wait --for=delete sqldb/notes --timeout=30s >/dev/null
deployment_gone() { ! k get deployment notes >/dev/null 2>&1; }
wait_for "the Deployment to be garbage-collected" 30 deployment_gone
stop_bg litestream  # the Deployment is gone, so is its pod
say "after deletion:"
k get sqldb,pvc,configmap,deployment 2>&1 | indent
k get pvc notes-db-storage >/dev/null 2>&1 || fail "PVC notes-db-storage was deleted with the SqliteDatabase"
k get events --field-selector involvedObject.name=notes -o jsonpath='{range .items[*]}{.reason}: {.message}{"\n"}{end}' |
  sed 's/^/    event /'
say "PVC notes-db-storage is retained (spec.database.storage.retentionPolicy: Retain, the default);"
say "the database on it still holds $(row_count "$db") rows"

cleanup
elapsed=$((SECONDS - started))
printf '\n%sdemo finished in %ss: applied, reconciled, replicated, restored, retained.%s\n' "$green" "$elapsed" "$plain"
