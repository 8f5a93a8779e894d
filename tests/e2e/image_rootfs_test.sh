#!/usr/bin/env bash
# scripts/image-rootfs.sh refuses a build it cannot package completely, whichever object is at fault, and says
# which one: an object ldd rejects (a shell script named sqlop-*.so, listed before the real plugins so that it is
# not the last object ldd reads), a plugin that needs a library that is not installed, and a build with no plugins.
# Each failure names the object and leaves no root filesystem behind. The real build packages, with every
# plugin of the build's plugin directory in the image's. Needs no buildah: it runs wherever the build does.
set -euo pipefail

root=${SQLOP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SQLOP_BUILD_DIR:-$root/build}
rootfs_script=$root/scripts/image-rootfs.sh
plugin_subdir=lib/sqlite-operator/plugins

[ -x "$build/bin/sqlite-operator" ] || { echo "image_rootfs_test: $build/bin/sqlite-operator not built" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

fake_build() {  # fake_build NAME: a build dir with the real binary and plugins (links), for one broken addition
  local dir=$work/$1 plugin
  mkdir -p "$dir/bin" "$dir/$plugin_subdir"
  ln -s "$build/bin/sqlite-operator" "$dir/bin/sqlite-operator"
  for plugin in "$build/$plugin_subdir"/sqlop-*.so; do ln -s "$plugin" "$dir/$plugin_subdir/"; done
  echo "$dir"
}
package() {  # package BUILD NAME: runs image-rootfs.sh into $work/NAME.rootfs; its status in $status, stderr in $work/NAME.err
  status=0
  "$rootfs_script" "$1" "$work/$2.rootfs" 2>"$work/$2.err" || status=$?
}
says() { grep -qF -- "$2" "$work/$1.err"; }
no_rootfs() { [ ! -e "$work/$1.rootfs" ] || [ -z "$(ls -A "$work/$1.rootfs")" ]; }
refused() {  # refused NAME TEXT...: the run failed, named each TEXT and left no root filesystem
  local name=$1 text
  shift
  check "$name: fails (status $status)" test "$status" -ne 0
  for text in "$@"; do check "$name: says '$text'" says "$name" "$text"; done
  check "$name: no root filesystem left" no_rootfs "$name"
}

# --- the real build
package "$build" real
check "real build: packaged (status $status)" test "$status" -eq 0
[ "$status" -eq 0 ] || cat "$work/real.err" >&2
built_plugins=$(cd "$build/$plugin_subdir" && ls sqlop-*.so 2>/dev/null || true)
image_plugins=$(cd "$work/real.rootfs/usr/local/$plugin_subdir" 2>/dev/null && ls || true)
check "real build: has plugins to package" test -n "$built_plugins"
check "real build: the image has exactly the build's plugins" test "$image_plugins" = "$built_plugins"

# --- an object ldd rejects, not the last one ldd reads
dir=$(fake_build script)
printf '#!/bin/sh\necho not a shared object\n' >"$dir/$plugin_subdir/sqlop-0script.so"
chmod 0755 "$dir/$plugin_subdir/sqlop-0script.so"
package "$dir" script
refused script "ldd cannot read $dir/$plugin_subdir/sqlop-0script.so"

# --- a plugin that needs a library that is not there (linked against one, which is then deleted)
dir=$(fake_build missing)
echo 'int sqlop_gone_value(void) { return 1; }' >"$work/gone.c"
echo 'int sqlop_gone_value(void); int sqlop_uses_gone(void) { return sqlop_gone_value(); }' >"$work/needs.c"
${CC:-cc} -shared -fPIC -o "$work/libsqlopgone.so" "$work/gone.c"
${CC:-cc} -shared -fPIC -o "$dir/$plugin_subdir/sqlop-0needs.so" "$work/needs.c" -L"$work" -lsqlopgone
rm "$work/libsqlopgone.so"
package "$dir" missing
refused missing "$dir/$plugin_subdir/sqlop-0needs.so needs libraries that are not found" "libsqlopgone.so => not found"

# --- no plugins at all
dir=$(fake_build none)
rm "$dir/$plugin_subdir"/*.so
package "$dir" none
refused none "no plugins (sqlop-*.so) in $dir/$plugin_subdir"

checks_summary image_rootfs_test
