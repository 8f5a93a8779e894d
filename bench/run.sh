#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Usage: bench/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
for bench in "$build"/bin/*_bench; do
  [ -x "$bench" ] || continue
  "$bench"
done
for script in "$(dirname "$0")"/*/run.sh; do
  [ -x "$script" ] && "$script" "$build"
done
exit 0
