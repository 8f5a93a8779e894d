#!/usr/bin/env bash
# The demo (`make demo`): what the operator does for a SqliteDatabase, with no cluster.
#   1. the backend plugins it loads;
#   2. the children it renders for an embedded resource (file backups + init SQL);
#   3. how it refuses an invalid resource (every problem, with its field path);
#   4. real Litestream 0.3.13 running the rendered commands and config: create the database with the rendered
#      init container, replicate, write rows, lose the database, restore it with the rendered restore command.
# Everything runs in a temporary directory that is removed at the end; exits non-zero if a step fails.
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
operator="$build/bin/sqlite-operator"
litestream="${SQLOP_TOOLS_DIR:-$root/.tools}/node_modules/@flydotio/litestream-linux-x64/litestream"
work=$(mktemp -d /tmp/sqlite-operator-demo.XXXXXX)
litestream_pid=""

cleanup() {
  [ -n "$litestream_pid" ] && kill "$litestream_pid" 2>/dev/null && wait "$litestream_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> [%s/4] %s\033[0m\n' "$1" "$2"; }
say() { printf '    %s\n' "$*"; }
fail() { printf '\033[31mdemo failed: %s\033[0m\n' "$*" >&2; exit 1; }

[ -x "$operator" ] || fail "$operator is missing; run 'make build'"
[ -x "$litestream" ] || fail "Litestream is missing; run 'scripts/deps.sh demo'"

init_sql="CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
cat >"$work/demo.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: demo-schema}
data:
  init.sql: "$init_sql"
---
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: demo}
spec:
  database:
    name: demo.db
    initScript: demo-schema
  litestream:
    replicas:
      - type: file
        path: demo
        settings: {claimName: demo-backups}
EOF

step 1 "Backend plugins"
"$operator" plugins | sed 's/^/    /'

step 2 "Children rendered for the embedded SqliteDatabase 'demo' (file backups, init SQL)"
"$operator" render -f "$work/demo.yaml" >"$work/children.yaml"
"$operator" render -f "$work/demo.yaml" -o json >"$work/children.json"
grep -E '^(kind|  name):' "$work/children.yaml" | paste - - | sed 's/kind: //; s/  name: / /; s/^/    /'
say "litestream.yml:"
python3 -c 'import json,sys; [print("      " + l) for o in json.load(open(sys.argv[1]))["items"] if o["kind"] == "ConfigMap" for l in o["data"]["litestream.yml"].splitlines()]' "$work/children.json"

step 3 "An invalid SqliteDatabase is refused, every problem named"
cat >"$work/invalid.yaml" <<'EOF'
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: broken}
spec:
  database: {name: ../etc/passwd, storage: {size: lots}}
  litestream:
    replicas: [{type: s3, bucket: Not_A_Bucket, retention: 7d}]
  ingress: {enabled: true, host: db.example.com}
EOF
if "$operator" render -f "$work/invalid.yaml" >"$work/invalid.out" 2>"$work/invalid.err"; then
  fail "the invalid resource was rendered"
fi
[ -s "$work/invalid.out" ] && fail "an invalid resource printed manifests"
sed 's/^/    /' "$work/invalid.err"

step 4 "Real Litestream 0.3.13 runs the rendered config: create, replicate, lose, restore"
# Play kubelet: map each mount path of the pod to a directory of our own, then run the rendered commands.
mkdir -p "$work/pod/data" "$work/pod/backups" "$work/pod/init" "$work/pod/etc"
python3 - "$work/children.json" "$work/pod" <<'EOF'
import json, re, sys
children, pod = json.load(open(sys.argv[1]))["items"], sys.argv[2]
mounts = {"/data": pod + "/data", "/etc/litestream": pod + "/etc", "/etc/sqlite-operator/init": pod + "/init",
          "/var/run/sqlite-operator/replica-0": pod + "/backups", "/tmp": pod + "/tmp"}
pattern = re.compile("|".join(re.escape(p) for p in sorted(mounts, key=len, reverse=True)) + r"(?=/|\b|$)")
def local(text):  # one pass, so a replaced path is never replaced again
    return pattern.sub(lambda m: mounts[m.group(0)], text)
config = next(o for o in children if o["kind"] == "ConfigMap")["data"]["litestream.yml"]
open(pod + "/etc/litestream.yml", "w").write(local(config))
spec = next(o for o in children if o["kind"] == "Deployment")["spec"]["template"]["spec"]
for c in spec["initContainers"] + spec["containers"]:
    argv = [local(a) for a in c.get("command", []) + c.get("args", [])]
    open(pod + "/" + c["name"] + ".argv", "w").write("".join(a + "\0" for a in argv))
EOF
printf '%s\n' "$init_sql" >"$work/pod/init/init.sql"  # the ConfigMap volume's file
rendered_argv() {  # the rendered command of container $1; the Litestream image's entrypoint is litestream
  mapfile -d '' -t argv <"$work/pod/$1.argv"
  case "$1" in restore|litestream) argv=("$litestream" "${argv[@]}") ;; esac
}
run_rendered() { rendered_argv "$1"; "${argv[@]}"; }
run_rendered restore >"$work/restore.log" 2>&1 || { cat "$work/restore.log"; fail "rendered restore failed on an empty volume"; }
say "restore (no backup yet): nothing to restore, exit 0"
run_rendered create-database | sed 's/^/    /'
rendered_argv litestream
"${argv[@]}" >"$work/litestream.log" 2>&1 &  # started from this shell, so $! is Litestream itself
litestream_pid=$!
db="$work/pod/data/demo.db"
for i in 1 2 3; do sqlite3 -cmd ".timeout 5000" "$db" "INSERT INTO notes(body) VALUES ('note $i written at $(date +%T)');"; done
say "wrote 3 rows; waiting for Litestream to back them up..."
for _ in $(seq 1 60); do
  rm -f "$work/check.db"
  if "$litestream" restore -config "$work/pod/etc/litestream.yml" -o "$work/check.db" "$db" >/dev/null 2>&1 &&
     [ "$(sqlite3 "$work/check.db" 'SELECT count(*) FROM notes' 2>/dev/null)" = 3 ]; then break; fi
  sleep 0.5
done
[ "$(sqlite3 "$work/check.db" 'SELECT count(*) FROM notes')" = 3 ] || fail "backup did not reach the replica"
say "backup complete: $(find "$work/pod/backups" -type f | wc -l) files in the backup volume"
kill "$litestream_pid"; wait "$litestream_pid" 2>/dev/null || true; litestream_pid=""
rm -rf "$db" "$db-wal" "$db-shm" "$work/pod/data/.demo.db-litestream"
say "database deleted: $(ls "$work/pod/data" | wc -l) files left in the data volume"
run_rendered restore 2>&1 | tail -n 1 | sed 's/^/    restore: /'
run_rendered create-database | sed 's/^/    /'
say "rows after restore:"
sqlite3 "$db" 'SELECT id, body FROM notes ORDER BY id' | sed 's/^/      /'
[ "$(sqlite3 "$db" 'SELECT count(*) FROM notes')" = 3 ] || fail "the restored database lacks rows"
printf '\n\033[32mdemo finished: rendered, replicated, restored.\033[0m\n'
