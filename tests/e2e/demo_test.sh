#!/usr/bin/env bash
# The README's main command must keep working: run the demo against this build and check that it finished,
# left no Litestream behind and removed its temporary directory.
set -euo pipefail
build=${SQLOP_BUILD_DIR:?}
src=${SQLOP_SOURCE_DIR:?}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash "$src/scripts/demo.sh" "$build" >"$out" 2>&1 || { cat "$out"; echo "0 passed, 1 failed"; exit 1; }
grep -q "demo finished: rendered, replicated, restored." "$out"
work=$(grep -o '/tmp/sqlite-operator-demo\.[A-Za-z0-9]*' "$out" | head -n 1)
[ -n "$work" ] && [ ! -e "$work" ] || { echo "the demo left $work behind"; exit 1; }
if pgrep -f "litestream replicate -config $work" >/dev/null; then echo "the demo left Litestream running"; exit 1; fi
echo "1 passed, 0 failed"
