#!/usr/bin/env bash
# docs/crd-reference.md is generated from the CRD and the backend plugins' describe answers
# (tests/docs/reference). This regenerates it and fails when the committed file differs, so a change to the
# CRD or a plugin cannot leave the reference behind. Fix: cmake --build <build> --target docs-reference
set -euo pipefail

build=${SQLOP_BUILD_DIR:?SQLOP_BUILD_DIR must name the build directory}
source=${SQLOP_SOURCE_DIR:?SQLOP_SOURCE_DIR must name the source directory}
generated=$(mktemp /tmp/crd-reference.XXXXXX)
trap 'rm -f "$generated"' EXIT

"$build/bin/docs-reference-gen" --crd "$source/crd/bases/database.sqlite.io_sqlitedatabases.yaml" \
  --plugin-dir "$build/lib/sqlite-operator/plugins" -o "$generated"
if ! diff -u "$source/docs/crd-reference.md" "$generated"; then
  echo "docs/crd-reference.md is out of date; regenerate it: cmake --build $build --target docs-reference" >&2
  exit 1
fi
echo "docs/crd-reference.md matches the CRD and the plugins"
