#!/usr/bin/env bash
# make image: builds the operator's container image FROM scratch with buildah, without a container engine:
# assembles the root filesystem (scripts/image-rootfs.sh: binary, plugins, their shared-library closure, loader,
# passwd/group), commits it under a temporary name, runs `sqlite-operator version` and `sqlite-operator plugins`
# inside it to prove it needs nothing from the host, and only then names it localhost/sqlite-operator:<version>:
# an image that fails its checks is removed, never left under a name someone could push. A rebuild removes the
# image it replaces when that is left with no name, so rebuilds do not pile up dangling images.
#
# Usage: scripts/image.sh [BUILD_DIR]   (default: build; the tree must already be built)
# Environment:
#   SQLOP_IMAGE_ROOT     buildah storage root (default: buildah's own); a test points it at a temp dir
#   SQLOP_IMAGE_RUNROOT  buildah run root (default: $SQLOP_IMAGE_ROOT/run when SQLOP_IMAGE_ROOT is set)
#   SQLOP_IMAGE_NAME     repository to commit to (default: localhost/sqlite-operator)
# buildah runs with the vfs storage driver and chroot isolation: no overlay mounts, no runc, no daemon.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
name=${SQLOP_IMAGE_NAME:-localhost/sqlite-operator}
entrypoint=/usr/local/bin/sqlite-operator
plugin_dir=/usr/local/lib/sqlite-operator/plugins

buildah_args=(--storage-driver vfs)
if [ -n "${SQLOP_IMAGE_ROOT:-}" ]; then
  buildah_args+=(--root "$SQLOP_IMAGE_ROOT" --runroot "${SQLOP_IMAGE_RUNROOT:-$SQLOP_IMAGE_ROOT/run}")
elif [ -n "${SQLOP_IMAGE_RUNROOT:-}" ]; then
  buildah_args+=(--runroot "$SQLOP_IMAGE_RUNROOT")
fi
bh() { buildah "${buildah_args[@]}" "$@"; }

work=$(mktemp -d)
containers=()
unchecked=""  # the committed image while it is not yet checked and named: removed on any exit
cleanup() {
  local c
  for c in "${containers[@]}"; do bh rm "$c" >/dev/null 2>&1 || true; done
  [ -z "$unchecked" ] || bh rmi "$unchecked" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "image: $*" >&2; }

command -v buildah >/dev/null || { echo "image: buildah is not installed (scripts/deps.sh image)" >&2; exit 1; }
[ -x "$build/bin/sqlite-operator" ] || { echo "image: $build/bin/sqlite-operator is not built" >&2; exit 1; }
version=$("$build/bin/sqlite-operator" version | awk 'NR == 1 { print $2 }')
[ -n "$version" ] || { echo "image: cannot read the version from $build/bin/sqlite-operator" >&2; exit 1; }
image=$name:$version
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)

step "assembling the root filesystem"
"$root/scripts/image-rootfs.sh" "$build" "$work/rootfs"

candidate=$name:unchecked-$version-$$
step "building $image from scratch (as $candidate until checked)"
ctr=$(bh from scratch)
containers+=("$ctr")
bh copy "$ctr" "$work/rootfs/" / >/dev/null
bh config \
  --entrypoint "[\"$entrypoint\"]" --cmd '["run"]' \
  --user 65532:65532 --workingdir / \
  --port 8080 --port 8081 \
  --label org.opencontainers.image.title=sqlite-operator \
  --label "org.opencontainers.image.description=Kubernetes operator for SQLite databases replicated with Litestream" \
  --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.revision=$revision" \
  "$ctr"
unchecked=$(bh commit --quiet --rm "$ctr" "$candidate")
containers=()

step "checking that the image is self-contained"
ctr=$(bh from --quiet "$unchecked")
containers+=("$ctr")
bh run --isolation chroot "$ctr" -- "$entrypoint" version
plugins=$(bh run --isolation chroot "$ctr" -- "$entrypoint" plugins)
echo "$plugins"
# Every plugin image-rootfs.sh put into the image must load there; the list is the rootfs's, not a copy of it.
for plugin in "$work/rootfs$plugin_dir"/*.so; do
  file=$plugin_dir/$(basename "$plugin")
  grep -q " $file\$" <<<"$plugins" || { echo "image: plugin $file not loaded inside the image" >&2; exit 1; }
done
bh rm "$ctr" >/dev/null
containers=()

step "measuring"
# The registry size: what a push sends, the layer gzip-compressed, read from the pushed manifest.
bh push --quiet "$unchecked" "oci:$work/oci:$version" >/dev/null
manifest_digest=$(grep -o '"digest":"sha256:[0-9a-f]*"' "$work/oci/index.json" | head -1 | cut -d: -f3 | tr -d '"')
compressed=$(grep -o '"layers":\[[^]]*\]' "$work/oci/blobs/sha256/$manifest_digest" | grep -o '"size":[0-9]*' |
  awk -F: '{ s += $2 } END { printf "%.1f MB", s / 1e6 }')
uncompressed=$(bh images --format '{{.Size}}' "$unchecked")

step "naming it $image"
previous=$(bh images --quiet --no-trunc "$image" 2>/dev/null || true)
bh tag "$unchecked" "$image"
bh rmi "$candidate" >/dev/null  # drops the temporary name only: the image keeps $image
unchecked=""
# The image this one replaces has lost its name. Remove it only if that left it with none (dangling): an image
# someone also tagged otherwise stays. buildah refuses one that a container uses; then it stays too.
if [ -n "$previous" ] && grep -qxF "$previous" <(bh images --quiet --no-trunc --filter dangling=true); then
  bh rmi "$previous" >/dev/null 2>&1 || step "kept the previous image ${previous#sha256:}: a container uses it"
fi
echo "image: built $image: $uncompressed uncompressed, $compressed compressed"
