#!/usr/bin/env bash
# `sqlite-operator plugins check`, the plugin conformance kit, as an author runs it: every in-tree plugin
# passes (exit 0, one PASS line per check), a broken plugin fails (exit 1) and the report names the failed
# check, --json prints one document, and a missing file is reported rather than crashing.
set -euo pipefail

build=${SQLOP_BUILD_DIR:?}
op="$build/bin/sqlite-operator"
plugins="$build/lib/sqlite-operator/plugins"
broken="$build/test-plugins"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

for type in s3 azure gcs file; do
  set +e; "$op" plugins check "$plugins/sqlop-$type.so" >"$work/$type.txt" 2>"$work/$type.err"; status=$?; set -e
  check "$type passes the conformance kit (exit $status)" test "$status" -eq 0
  check "$type: no check failed" bash -c "! grep -q '^FAIL ' '$work/$type.txt'"
  check "$type: the report has the ABI, render and leak checks" \
    bash -c "grep -q '^PASS abi: type $type, ABI 1\.' '$work/$type.txt' && grep -q '^PASS render-0.3: ' '$work/$type.txt' \
             && grep -q '^PASS no-leak-across-calls: ' '$work/$type.txt'"
  check "$type: the last line counts the checks" grep -q '^18 passed, 0 failed$' "$work/$type.txt"
done

set +e; "$op" plugins check "$broken/test-nondeterministic.so" >"$work/flaky.txt" 2>&1; status=$?; set -e
check "a non-deterministic plugin fails (exit $status)" test "$status" -eq 1
check "...and the report names the determinism check" grep -q '^FAIL determinism: ' "$work/flaky.txt"

set +e; "$op" plugins check "$broken/test-abi_major_2_table.so" >"$work/abi.txt" 2>&1; status=$?; set -e
check "a plugin of another ABI major fails (exit $status)" test "$status" -eq 1
check "...on the abi check, with the reason" grep -q '^FAIL abi: plugin implements ABI major 2' "$work/abi.txt"

"$op" plugins check "$plugins/sqlop-s3.so" --json >"$work/s3.json"
check "--json prints one passing report" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['passed'] is True and len(d['checks']) == 18 and all(c['passed'] for c in d['checks'])" "$work/s3.json"

set +e
"$op" plugins check "$work/missing.so" >"$work/missing.txt" 2>&1; s1=$?
"$op" plugins check >/dev/null 2>&1; s2=$?
set -e
check "a missing file fails the abi check (exit $s1)" bash -c "test $s1 -eq 1 && grep -q '^FAIL abi: not a loadable shared object' '$work/missing.txt'"
check "check without a file is a usage error" test "$s2" -eq 2

checks_summary
