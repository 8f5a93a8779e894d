#!/usr/bin/env bash
# Runs the operator benchmark: the real sqlite-operator against kube-testserver, 1000 then 10000
# SqliteDatabases. Prints the machine first, since every figure depends on it.
#   bench/operator/run.sh [BUILD_DIR] [operator-bench options, e.g. --stages 1000 --operator-env MALLOC_ARENA_MAX=2]
set -euo pipefail
build=${1:-build}
shift || true
bin=$build/bin/operator-bench
[ -x "$bin" ] || cmake --build "$build" --target operator-bench -j2 >/dev/null
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "sqlite-operator benchmark on $(nproc) CPUs ($cpu), $mem RAM, load average $load"
"$bin" "$@"
