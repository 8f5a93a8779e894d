#!/usr/bin/env bash
# Runs the kube-testserver throughput benchmark over HTTP and HTTPS.
#   bench/testserver/run.sh [BUILD_DIR] [--objects N] [--threads T]
set -euo pipefail
build=${1:-build}
shift || true
bin=$build/bin/testserver-bench
[ -x "$bin" ] || cmake --build "$build" --target testserver-bench -j2 >/dev/null
"$bin" "$@"
"$bin" --tls "$@"
