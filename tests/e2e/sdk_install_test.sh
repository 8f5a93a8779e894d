#!/usr/bin/env bash
# The plugin SDK is installable and usable out of tree: `cmake --install` of the SDK alone (no host
# dependencies), then a plugin project that knows only find_package(SqliteOperatorPluginApi) builds a plugin
# that the operator loads through its config and renders with.
set -euo pipefail

build=${SQLOP_BUILD_DIR:?}
src=${SQLOP_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The SDK and the in-tree plugins build without the host's dependencies, and install.
cmake -S "$src" -B "$work/sdk-build" -DSQLOP_BUILD_HOST=OFF -DSQLOP_BUILD_TESTS=OFF -DSQLOP_BUILD_BENCH=OFF >/dev/null
cmake --build "$work/sdk-build" -j2 >/dev/null
cmake --install "$work/sdk-build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/sqlite_operator/plugin.h"
test -f "$work/prefix/include/sqlite_operator/plugin.hpp"
test -f "$work/prefix/lib/cmake/SqliteOperatorPluginApi/SqliteOperatorPluginApiConfig.cmake"

# 2. An out-of-tree plugin: nothing but the installed SDK.
mkdir -p "$work/tiny"
cat >"$work/tiny/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(tiny-backend CXX)
set(CMAKE_CXX_STANDARD 17)
find_package(SqliteOperatorPluginApi 1.0 REQUIRED)
if(NOT SqliteOperatorPluginApi_ABI_MAJOR EQUAL 1)
  message(FATAL_ERROR "unexpected ABI major ${SqliteOperatorPluginApi_ABI_MAJOR}")
endif()
sqlite_operator_add_plugin(sqlop-tiny SOURCES tiny.cpp)
EOF
cat >"$work/tiny/tiny.cpp" <<'EOF'
#include "sqlite_operator/plugin.hpp"

namespace {
class Tiny final : public sqlop::plugin::Backend {
 public:
  const char* type() const override { return "tiny"; }
  const char* version() const override { return "0.0.1-tiny"; }
  sqlop::json::Value describe() const override {
    sqlop::json::Value d = sqlop::json::Value::object();
    d["type"] = "tiny";
    return d;
  }
  void validate(const sqlop::plugin::ValidateRequest& req, sqlop::plugin::ValidateResult& out) const override {
    if (req.spec("path").empty()) out.error(req.field("path"), "tiny needs a path");
  }
  void render(const sqlop::plugin::RenderRequest& req, sqlop::plugin::RenderResult& out) const override {
    out.replica["type"] = "file";
    out.replica["path"] = req.mount_root() + "/" + req.spec("path");
  }
};
}  // namespace

SQLOP_PLUGIN(Tiny)
EOF
cmake -S "$work/tiny" -B "$work/tiny/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/tiny/build" >/dev/null
test -f "$work/tiny/build/sqlop-tiny.so"

# 2b. Versioning: the package version is the ABI version from plugin.h, checked by find_package with the ABI's
# rule (same major, at least the requested minor), and the ABI major/minor are variables of the package.
abi_major=$(sed -n 's/^#define SQLOP_PLUGIN_ABI_MAJOR \([0-9]*\)$/\1/p' "$src/plugin-api/include/sqlite_operator/plugin.h")
abi_minor=$(sed -n 's/^#define SQLOP_PLUGIN_ABI_MINOR \([0-9]*\)$/\1/p' "$src/plugin-api/include/sqlite_operator/plugin.h")
probe() { # $1 = version asked for; prints what the package says, fails when find_package does
  mkdir -p "$work/probe-$1"
  cat >"$work/probe-$1/CMakeLists.txt" <<EOF2
cmake_minimum_required(VERSION 3.16)
project(probe NONE)
find_package(SqliteOperatorPluginApi $1 REQUIRED)
message(STATUS "sdk=\${SqliteOperatorPluginApi_VERSION} abi=\${SqliteOperatorPluginApi_ABI_MAJOR}.\${SqliteOperatorPluginApi_ABI_MINOR}")
EOF2
  cmake -S "$work/probe-$1" -B "$work/probe-$1/build" -DCMAKE_PREFIX_PATH="$work/prefix" 2>&1
}
probed=$(probe "$abi_major.0")
grep -q "sdk=$abi_major.$abi_minor abi=$abi_major.$abi_minor" <<<"$probed"
if probe "$abi_major.$((abi_minor + 1))" >/dev/null; then
  echo "FAIL: an SDK for ABI $abi_major.$abi_minor satisfied a request for a newer minor" >&2
  exit 1
fi
if probe "$((abi_major + 1)).0" >/dev/null; then
  echo "FAIL: an SDK for ABI major $abi_major satisfied a request for major $((abi_major + 1))" >&2
  exit 1
fi

# 3. The operator loads it through its config and renders with it.
printf 'plugins:\n  tiny: %s\n' "$work/tiny/build/sqlop-tiny.so" >"$work/operator.yaml"
"$build/bin/sqlite-operator" plugins --config "$work/operator.yaml" >"$work/plugins.txt"
grep -q "^tiny .*0.0.1-tiny" "$work/plugins.txt"
cat >"$work/db.yaml" <<'EOF'
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: tiny-db}
spec:
  litestream:
    replicas: [{type: tiny, path: somewhere}]
EOF
"$build/bin/sqlite-operator" render -f "$work/db.yaml" --config "$work/operator.yaml" >"$work/out.yaml"
grep -q "path: /var/run/sqlite-operator/replica-0/somewhere" "$work/out.yaml"
sed -i 's/path: somewhere/name: no-path/' "$work/db.yaml"
if "$build/bin/sqlite-operator" render -f "$work/db.yaml" --config "$work/operator.yaml" >/dev/null 2>"$work/err.txt"; then
  echo "FAIL: the plugin's validation error did not stop rendering" >&2
  exit 1
fi
grep -q "spec.litestream.replicas\[0\].path: tiny needs a path" "$work/err.txt"
echo "1 passed, 0 failed"
