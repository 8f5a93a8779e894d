#!/usr/bin/env bash
# Assembles the root filesystem of the container image from a build tree:
#   /usr/local/bin/sqlite-operator                 the operator, debug info stripped
#   /usr/local/lib/sqlite-operator/plugins/*.so    every plugin the build put in its plugin directory
#                                                  (lib/sqlite-operator/plugins/sqlop-*.so; the binary finds them
#                                                  relative to itself)
#   /usr/lib/<multiarch>/lib*.so.*                 exactly the shared libraries they need (ldd closure)
#   the dynamic loader at the path the binary names (PT_INTERP), /etc/passwd, /etc/group, /etc/nsswitch.conf
# Nothing else: no shell, no package manager, no CA bundle (the operator trusts only the CA in its kubeconfig or
# the serviceaccount's ca.crt). glibc >= 2.34 has the files and dns NSS modules inside libc.so.6, and OpenSSL's
# default provider is inside libcrypto, so nothing is dlopen'ed at run time beyond the plugins.
# Both image builds use this script, so they hold the same files: scripts/image.sh (make image, buildah) and the
# Dockerfile's builder stage.
#
# Usage: scripts/image-rootfs.sh BUILD_DIR ROOTFS_DIR   (ROOTFS_DIR must not exist or be empty)
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR ROOTFS_DIR" >&2
  exit 2
fi
build=$1
rootfs=$2
# Which plugins go into the image is defined once, here (the glob below): every backend plugin the build put in
# its plugin directory. The test plugins live elsewhere (test-plugins/). scripts/image.sh and
# tests/e2e/image_test.sh take the list from the image, not from a copy of it.
plugin_dir=$build/lib/sqlite-operator/plugins
# The build tree mirrors the install layout (bin/, lib/sqlite-operator/plugins/); the image uses prefix /usr/local.
prefix=/usr/local
nonroot_id=65532

fail() {
  echo "image-rootfs: $*" >&2
  exit 1
}

copy_stripped() {  # copy_stripped SRC DEST: our own objects, without debug info (the build is RelWithDebInfo)
  install -D -m 0755 "$1" "$2"
  strip --strip-debug "$2"
}

# Prints "SONAME_OR_PATH RESOLVED_FILE" for every library ldd lists for the given objects. Any object ldd
# rejects, and any library it cannot find, ends the script with a message naming the object: the loop runs in
# this shell (not in a pipeline or $(...)), so fail exits the script, not a subshell.
library_closure() {
  local object listing missing
  for object in "$@"; do
    listing=$(ldd "$object" 2>&1) || fail "ldd cannot read $object: $listing"
    missing=$(grep 'not found' <<<"$listing" || true)
    [ -z "$missing" ] || fail "$object needs libraries that are not found:"$'\n'"$missing"
    awk '
      $2 == "=>" && $3 ~ /^\// { print $1, $3; next }
      $1 ~ /^\// { print $1, $1 }   # the dynamic loader: listed by absolute path
    ' <<<"$listing"
  done
}

copy_library() {  # copy_library NAME FILE: the loader keeps its absolute path, others go to their real directory
  local name=$1 file=$2 real dest
  real=$(realpath "$file")
  if [ "${name#/}" != "$name" ]; then
    dest=$rootfs$name
  else
    dest=$rootfs$(dirname "$real")/$name
  fi
  install -D -m 0755 "$real" "$dest"
}

write_etc() {
  install -d -m 0755 "$rootfs/etc"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' \
    "$nonroot_id" "$nonroot_id" >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:%s:\n' "$nonroot_id" >"$rootfs/etc/group"
  # /etc/hosts first (Kubernetes hostAliases), then DNS; glibc's default without this file asks DNS first.
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group" "$rootfs/etc/nsswitch.conf"
}

[ -x "$build/bin/sqlite-operator" ] || fail "$build/bin/sqlite-operator is not built"
if [ -e "$rootfs" ] && [ -n "$(ls -A "$rootfs")" ]; then fail "$rootfs is not empty"; fi

shopt -s nullglob
plugins=("$plugin_dir"/sqlop-*.so)
shopt -u nullglob
[ ${#plugins[@]} -gt 0 ] || fail "no plugins (sqlop-*.so) in $plugin_dir: build them first"

# The closure is read from the build's objects, before anything is copied: a bad object fails the script early.
closure=$(mktemp)
trap 'rm -f "$closure"' EXIT
library_closure "$build/bin/sqlite-operator" "${plugins[@]}" >"$closure"

mkdir -p "$rootfs"
copy_stripped "$build/bin/sqlite-operator" "$rootfs$prefix/bin/sqlite-operator"
for plugin in "${plugins[@]}"; do
  copy_stripped "$plugin" "$rootfs$prefix/lib/sqlite-operator/plugins/$(basename "$plugin")"
done
while read -r name file; do
  copy_library "$name" "$file"
done < <(sort -u "$closure")

write_etc
echo "image-rootfs: $(find "$rootfs" -type f | wc -l) files, $(du -sh "$rootfs" | cut -f1) in $rootfs" >&2
