#!/usr/bin/env bash
# Assembles the root filesystem of the container image from a build tree:
#   /usr/local/bin/sqlite-operator                 the operator, debug info stripped
#   /usr/local/lib/sqlite-operator/plugins/*.so    the four backends (found relative to the binary)
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
backends=(s3 azure gcs file)
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

# Prints "SONAME_OR_PATH RESOLVED_FILE" for every library ldd lists for the given objects; fails on "not found".
library_closure() {
  local object
  for object in "$@"; do
    ldd "$object" | awk -v object="$object" '
      /not found/ { print "MISSING " $1 " (needed by " object ")"; next }
      $2 == "=>" && $3 ~ /^\// { print $1, $3; next }
      $1 ~ /^\// { print $1, $1 }   # the dynamic loader: listed by absolute path
    '
  done | sort -u
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
mkdir -p "$rootfs"

objects=("$rootfs$prefix/bin/sqlite-operator")
copy_stripped "$build/bin/sqlite-operator" "${objects[0]}"
for backend in "${backends[@]}"; do
  plugin=$build/lib/sqlite-operator/plugins/sqlop-$backend.so
  [ -f "$plugin" ] || fail "$plugin is not built"
  objects+=("$rootfs$prefix/lib/sqlite-operator/plugins/sqlop-$backend.so")
  copy_stripped "$plugin" "${objects[-1]}"
done

closure=$(library_closure "${objects[@]}")
if grep -q '^MISSING' <<<"$closure"; then fail "$(grep '^MISSING' <<<"$closure")"; fi
while read -r name file; do
  copy_library "$name" "$file"
done <<<"$closure"

write_etc
echo "image-rootfs: $(find "$rootfs" -type f | wc -l) files, $(du -sh "$rootfs" | cut -f1) in $rootfs" >&2
