#!/usr/bin/env bash
# The README's main command must keep working, and must clean up after itself whatever happens. Runs
# scripts/demo.sh three ways, each with its own TMPDIR so that what it leaves behind can be seen:
#   - as `make demo` does: it finishes (final line), every step [1/9]..[9/9] ran in order, the rows restored from
#     the replicas (rendered restore, and Azurite alone) are the rows written, no Secret value is printed;
#   - with a Litestream that fails when asked to restore from Azurite in step 8 (a wrapper around the real one),
#     when kube-testserver, Azurite, the operator and Litestream all run: it exits non-zero naming step 8;
#   - with no kubectl: it fails at once saying how to install it.
# After each: no process started by it is left (all of them name the workspace on their command line) and the
# TMPDIR is empty. The two full runs go in parallel: the demo mostly waits (sync intervals, polls).
# Skipped (exit 77, CTest's SKIP_RETURN_CODE: shown as skipped, not passed) when kubectl is not installed, like
# kubectl_test.sh.
set -euo pipefail

root=${SQLOP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SQLOP_BUILD_DIR:-$root/build}
demo=$root/scripts/demo.sh

if ! command -v kubectl >/dev/null 2>&1; then
  echo "demo_test: kubectl not installed, skipped"
  exit 77
fi

tmp=$(mktemp -d)
ok_pid=""
broken_pid=""
leftovers() { pgrep -f -- "$1" || true; }  # processes naming this test's own directory: ours, nothing else
cleanup() {
  local pid
  for pid in $ok_pid $broken_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $(leftovers "$tmp"); do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
nothing_left() {  # nothing_left DIR: no process names DIR, and DIR is empty
  local procs
  procs=$(leftovers "$1")
  [ -z "$procs" ] || { echo "left running:" >&2; ps -o pid,args -p "$(tr '\n' ',' <<<"$procs" | sed 's/,$//')" >&2; return 1; }
  [ -z "$(ls -A "$1")" ] || { echo "left in $1:" >&2; ls -A "$1" >&2; return 1; }
}
# The lines indented by six spaces right after the line containing HEADING.
block() { awk -v h="$2" 'index($0, h) {f = 1; next} f && /^      / {print; next} f {exit}' "$1"; }
steps_in_order() {
  local expected actual
  expected=$(printf '==> [%s/9]\n' 1 2 3 4 5 6 7 8 9)
  actual=$(grep -o '==> \[[0-9]/9\]' "$1")
  [ "$expected" = "$actual" ]
}
same_rows() {  # same_rows OUT HEADING: the block under HEADING equals the rows written (three of them)
  local written
  written=$(block "$1" "rows written to")
  [ "$(wc -l <<<"$written")" = 3 ] && [ "$written" = "$(block "$1" "$2")" ]
}

# Azurite's public development key, as the demo puts it into the Secret: it must never be printed.
key=$(sed -n 's/^azure_key=//p' "$demo")
[ -n "$key" ] || { echo "demo_test: cannot find the Azurite key in $demo" >&2; exit 1; }

# A Litestream that works, except for the demo's restore from Azurite alone in step 8.
cat >"$tmp/failing-litestream" <<EOF
#!/bin/sh
case "\$*" in *from-azurite.db*) echo "injected failure: restore from Azurite refused" >&2; exit 1 ;; esac
exec "$root/.tools/node_modules/@flydotio/litestream-linux-x64/litestream" "\$@"
EOF
[ -z "${SQLOP_TOOLS_DIR:-}" ] || sed -i "s|$root/.tools|$SQLOP_TOOLS_DIR|" "$tmp/failing-litestream"
chmod +x "$tmp/failing-litestream"

mkdir -p "$tmp/ok" "$tmp/broken" "$tmp/nokubectl"
TMPDIR=$tmp/ok bash "$demo" "$build" >"$tmp/ok.out" 2>&1 &
ok_pid=$!
TMPDIR=$tmp/broken SQLOP_DEMO_LITESTREAM=$tmp/failing-litestream bash "$demo" "$build" >"$tmp/broken.out" 2>&1 &
broken_pid=$!

echo "demo_test: without kubectl"
set +e
TMPDIR=$tmp/nokubectl KUBECTL=kubectl-not-installed-demo-test bash "$demo" "$build" >"$tmp/nokubectl.out" 2>&1
status=$?
set -e
check "no kubectl: exits non-zero" test "$status" -ne 0
check "no kubectl: says so" contains "$tmp/nokubectl.out" "kubectl is not installed"
check "no kubectl: says how to get it" contains "$tmp/nokubectl.out" "https://kubernetes.io/docs/tasks/tools/"
check "no kubectl: nothing left" nothing_left "$tmp/nokubectl"

echo "demo_test: the demo as make demo runs it"
set +e
wait "$ok_pid"
status=$?
set -e
ok_pid=""
check "demo: exits 0" test "$status" -eq 0
check "demo: final line" grep -qE '^(\x1b\[[0-9]+m)?demo finished in [0-9]+s: applied, reconciled, replicated, restored, retained\.' \
  <(tail -n 1 "$tmp/ok.out")
check "demo: every step, in order" steps_in_order "$tmp/ok.out"
check "demo: the children shown" contains "$tmp/ok.out" "deployment.apps/notes"
check "demo: became Ready" contains "$tmp/ok.out" "sqlitedatabase.database.sqlite.io/notes condition met"
check "demo: rows restored by the rendered restore" same_rows "$tmp/ok.out" "rows after restore:"
check "demo: rows restored from Azurite" same_rows "$tmp/ok.out" "rows restored from Azurite alone"
check "demo: database PVC retained" contains "$tmp/ok.out" "PVC notes-db-storage is retained"
check "demo: no Secret value printed" lacks "$tmp/ok.out" "$key"
check "demo: nothing left" nothing_left "$tmp/ok"
[ "$checks_failed" -eq 0 ] || cat "$tmp/ok.out"

echo "demo_test: a step that fails midway"
set +e
wait "$broken_pid"
status=$?
set -e
broken_pid=""
check "failing step: exits non-zero" test "$status" -ne 0
check "failing step: named" contains "$tmp/broken.out" "demo failed in step [8/9]"
check "failing step: reason given" contains "$tmp/broken.out" "restoring from Azurite failed"
check "failing step: steps before it ran" grep -q "rows after restore:" "$tmp/broken.out"
check "failing step: no Secret value printed" lacks "$tmp/broken.out" "$key"
check "failing step: nothing left" nothing_left "$tmp/broken"

checks_summary demo_test || { echo "--- failing-step run:"; cat "$tmp/broken.out"; exit 1; }
