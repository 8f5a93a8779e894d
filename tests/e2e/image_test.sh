#!/usr/bin/env bash
# The container image (make image = scripts/image.sh), built into a temporary buildah storage root:
#   - an image whose in-image check fails (a build whose only plugin is a shared object that is not a plugin) is
#     not kept: the build fails and leaves no image and no container, so nothing broken can be pushed;
#   - the build's own in-image checks pass: `version` and `plugins` run inside the image, every plugin of the
#     build's plugin directory loads; a rebuild leaves exactly one image (no dangling one, no temporary name);
#   - the image config: entrypoint the binary, `run` as default command, user 65532:65532, ports, version and
#     revision labels; the Dockerfile's final stage gives its image the same labels;
#   - the root filesystem holds exactly the expected files: the binary, the build's plugins, the shared libraries
#     ldd names for them (no more, no fewer), the loader, passwd/group/nsswitch.conf; no shell, no package
#     manager; our objects carry no debug info;
#   - the operator inside the image, as user 65532, reaches an API server over TLS in in-cluster mode (the
#     serviceaccount's token and ca.crt mounted, KUBERNETES_SERVICE_HOST a host name): TLS, name lookup and
#     the CA work with nothing from the host but the mounts Kubernetes also provides; ending `buildah run` ends
#     the operator inside.
# Skipped (exit 77, CTest's SKIP_RETURN_CODE: shown as skipped, not passed) only when buildah is not installed
# and cannot be, or cannot create a container here.
set -euo pipefail

root=${SQLOP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SQLOP_BUILD_DIR:-$root/build}
operator=$build/bin/sqlite-operator
server_bin=$build/bin/kube-testserver
entrypoint=/usr/local/bin/sqlite-operator
plugin_subdir=lib/sqlite-operator/plugins
image_plugin_dir=/usr/local/$plugin_subdir

skip() {
  echo "image_test: skipped: $*"
  exit 77
}

if ! command -v buildah >/dev/null 2>&1; then
  "$root/scripts/deps.sh" image >/dev/null 2>&1 || true
  command -v buildah >/dev/null 2>&1 || skip "buildah is not installed and cannot be installed here"
fi
[ -x "$operator" ] || { echo "image_test: $operator not built" >&2; exit 1; }
[ -x "$server_bin" ] || { echo "image_test: $server_bin not built" >&2; exit 1; }

work=$(mktemp -d)
export SQLOP_IMAGE_ROOT=$work/storage
export SQLOP_IMAGE_RUNROOT=$work/run
buildah_cmd=(buildah --storage-driver vfs --root "$SQLOP_IMAGE_ROOT" --runroot "$SQLOP_IMAGE_RUNROOT")
bh() { "${buildah_cmd[@]}" "$@"; }
descendants() {  # descendants PID: every process below PID (buildah run -> chroot runtime -> exec -> operator)
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    echo "$child"
    descendants "$child"
  done
}
server_pid=""
run_pid=""
run_tree=""
cleanup() {
  # The in-image operator, if a check failed before it was stopped: buildah run, and whatever of its tree is left.
  [ -z "$run_pid" ] || run_tree="$run_tree $(descendants "$run_pid")"
  [ -z "$run_pid" ] || kill "$run_pid" 2>/dev/null || true
  # shellcheck disable=SC2086
  [ -z "${run_tree// /}" ] || kill $run_tree 2>/dev/null || true
  [ -z "$run_pid" ] || wait "$run_pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  bh umount --all >/dev/null 2>&1 || true
  bh rm --all >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

probe=$(bh from scratch 2>"$work/probe.log") || skip "buildah cannot create a container here: $(head -1 "$work/probe.log")"
bh rm "$probe" >/dev/null

source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
contains() { grep -qF -- "$2" <<<"$1"; }
lists_nothing() {  # lists_nothing COMMAND...: it succeeds and prints nothing (a failing listing is no proof)
  local out
  out=$("$@") && [ -z "$out" ]
}
temporary_names() { bh images --all --format '{{.Name}}:{{.Tag}}' | { grep unchecked || true; }; }

version=$("$operator" version | awk 'NR == 1 { print $2 }')
image=localhost/sqlite-operator:$version
head_revision() { git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown; }
revision_before=$(head_revision)  # and after the build: a commit made meanwhile moves HEAD
# The build's plugins, which the image must hold (scripts/image-rootfs.sh defines the selection; this is its input).
plugins=$(cd "$build/$plugin_subdir" && find . -maxdepth 1 -name 'sqlop-*.so' | sed 's|^\./||' | sort)
[ -n "$plugins" ] || { echo "image_test: no plugins in $build/$plugin_subdir: build them first" >&2; exit 1; }
started=$SECONDS

# --- an image that fails its in-image check is not kept
echo "image_test: building an image whose plugin does not load"
bad_build=$work/bad-build
mkdir -p "$bad_build/bin" "$bad_build/$plugin_subdir"
ln -s "$operator" "$bad_build/bin/sqlite-operator"
echo 'int not_a_plugin;' >"$work/not_a_plugin.c"
${CC:-cc} -shared -fPIC -o "$bad_build/$plugin_subdir/sqlop-bogus.so" "$work/not_a_plugin.c"
bad_status=0
"$root/scripts/image.sh" "$bad_build" >"$work/bad-image.log" 2>&1 || bad_status=$?
check "failed check: scripts/image.sh fails (status $bad_status)" test "$bad_status" -ne 0
check "failed check: the plugin was refused inside the image" grep -q "refused: $image_plugin_dir/sqlop-bogus.so" "$work/bad-image.log"
check "failed check: no image left" lists_nothing bh images --all --quiet
check "failed check: no container left" lists_nothing bh containers --all --quiet

# --- the image, built twice: the rebuild replaces the first without leaving it dangling
build_image() {  # build_image LOG: runs scripts/image.sh; fails the test at once if it does
  local status=0
  "$root/scripts/image.sh" "$build" >"$1" 2>&1 || status=$?
  check "scripts/image.sh succeeds (status $status)" test "$status" -eq 0
  [ "$status" -eq 0 ] || { cat "$1" >&2; checks_summary image_test; exit 1; }
}
echo "image_test: building $image"
build_image "$work/image.log"
echo "image_test: building $image again"
build_image "$work/image.log"
build_out=$(cat "$work/image.log")
echo "image_test: built twice in $((SECONDS - started)) s; $(tail -1 "$work/image.log")"
check "rebuild: exactly one image in storage" test "$(bh images --all --quiet | wc -l)" -eq 1
check "rebuild: no temporary name left" lists_nothing temporary_names
check "in-image version" contains "$build_out" "sqlite-operator $version (plugin ABI"
check "in-image plugin directory" contains "$build_out" "plugin directory: $image_plugin_dir"
while read -r plugin; do
  check "in-image plugin $plugin loads" grep -qE "^[a-z0-9]+ +.* $image_plugin_dir/$plugin$" <<<"$build_out"
done <<<"$plugins"

# --- image config
field() { bh inspect --type image --format "{{$1}}" "$image"; }
check "config: user nonroot" test "$(field .OCIv1.Config.User)" = "65532:65532"
check "config: entrypoint" test "$(field .OCIv1.Config.Entrypoint)" = "[$entrypoint]"
check "config: default command run" test "$(field .OCIv1.Config.Cmd)" = "[run]"
check "config: metrics and health ports" test "$(field .OCIv1.Config.ExposedPorts)" = "map[8080:{} 8081:{}]"
check "config: version label" test "$(field 'index .OCIv1.Config.Labels "org.opencontainers.image.version"')" = "$version"
revision=$(field 'index .OCIv1.Config.Labels "org.opencontainers.image.revision"')
revision_after=$(head_revision)
check "config: revision label is HEAD's ($revision)" test "$revision" = "$revision_before" -o "$revision" = "$revision_after"
check "config: no environment" test "$(field .OCIv1.Config.Env)" = "[]"
# The Dockerfile's final stage must label its image as make image does. Built here with buildah from an empty
# root filesystem (the labels do not depend on the files; the builder stage needs the network).
dockerfile_ctx=$work/dockerfile
mkdir -p "$dockerfile_ctx/rootfs"
sed -n '/^FROM scratch/,$p' "$root/Dockerfile" | sed 's|^COPY --from=builder /rootfs/ /|COPY rootfs/ /|' \
  >"$dockerfile_ctx/Dockerfile"
labels_of() { bh inspect --type image --format '{{range $k, $v := .OCIv1.Config.Labels}}{{$k}}={{$v}}{{"\n"}}{{end}}' "$1"; }
same_labels() {  # same_labels IMAGE IMAGE: both readable, with the revision label, and equal
  local a b
  a=$(labels_of "$1") && b=$(labels_of "$2") && grep -qx "org.opencontainers.image.revision=$revision" <<<"$a" &&
    [ "$a" = "$b" ]
}
if bh bud --isolation chroot --quiet --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
  -t localhost/sqlite-operator-dockerfile:test "$dockerfile_ctx" >"$work/bud.log" 2>&1; then
  check "Dockerfile: the same labels as make image" same_labels localhost/sqlite-operator-dockerfile:test "$image"
  bh rmi localhost/sqlite-operator-dockerfile:test >/dev/null
else
  check "Dockerfile: the final stage builds ($(tail -1 "$work/bud.log"))" false
fi

# --- root filesystem: exactly the expected files
ctr=$(bh from --quiet "$image")
mnt=$(bh mount "$ctr")
actual=$(cd "$mnt" && find . ! -type d | sed 's|^\.||' | sort)
# What ldd resolves for our objects, as "name path" (the loader is listed by its path alone, then its address;
# ldd of several files also prints a "FILE:" header line per file).
# shellcheck disable=SC2046  # plugin file names have no spaces
resolved=$(ldd "$operator" $(sed "s|^|$build/$plugin_subdir/|" <<<"$plugins") |
  awk '$2 == "=>" { print $1, $3 } $1 ~ /^\// && $2 ~ /^\(0x/ { print $1, $1 }' | sort -u)
expected=$(
  printf '%s\n' /etc/passwd /etc/group /etc/nsswitch.conf "$entrypoint"
  sed "s|^|$image_plugin_dir/|" <<<"$plugins"
  while read -r name path; do
    case $name in
      /*) echo "$name" ;;  # the loader, at the path the binary names
      *) echo "$(dirname "$(realpath "$path")")/$name" ;;
    esac
  done <<<"$resolved"
)
expected=$(sort -u <<<"$expected")
unexpected=$(comm -23 <(echo "$actual") <(echo "$expected"))
missing=$(comm -13 <(echo "$actual") <(echo "$expected"))
check "rootfs: no unexpected file${unexpected:+ (found: $(tr '\n' ' ' <<<"$unexpected"))}" test -z "$unexpected"
check "rootfs: no missing file${missing:+ (missing: $(tr '\n' ' ' <<<"$missing"))}" test -z "$missing"
check "rootfs: no shell" test ! -e "$mnt/bin/sh" -a ! -e "$mnt/usr/bin/sh" -a ! -e "$mnt/bin/busybox"
check "rootfs: no package manager" test ! -e "$mnt/usr/bin/dpkg" -a ! -e "$mnt/usr/bin/apt-get" -a ! -d "$mnt/var/lib/dpkg"
check "rootfs: nonroot user" grep -qx 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' "$mnt/etc/passwd"
no_debug_info() {  # an ELF file (readelf must read it: a missing file is a failure, not "no debug info")
  local sections
  sections=$(readelf -S "$1") && ! grep -q '\.debug_info' <<<"$sections"
}
check "rootfs: binary without debug info" no_debug_info "$mnt$entrypoint"
while read -r plugin; do
  check "rootfs: plugin $plugin without debug info" no_debug_info "$mnt$image_plugin_dir/$plugin"
done <<<"$plugins"
# A bare chroot has no /proc, so the binary cannot find itself: a clear error naming the fix, not an abort.
bare_out=$(chroot "$mnt" "$entrypoint" plugins 2>&1) && bare_rc=0 || bare_rc=$?
check "bare chroot: exit 1 (got $bare_rc)" test "$bare_rc" -eq 1
check "bare chroot: says to set pluginDirectory" grep -q "is /proc mounted?); set pluginDirectory" <<<"$bare_out"
bh umount "$ctr" >/dev/null

# --- the operator inside the image against an API server over TLS, configured as in a pod
"$server_bin" --port 0 --kubeconfig "$work/kubeconfig" --tls >"$work/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 30))
until [ -f "$work/kubeconfig" ] || [ $SECONDS -ge $deadline ]; do sleep 0.05; done
[ -f "$work/kubeconfig" ] || { cat "$work/server.log" >&2; echo "image_test: server did not start" >&2; exit 1; }
port=$(awk -F: '/server:/ { print $NF; exit }' "$work/kubeconfig")
sa=$work/serviceaccount
mkdir -p "$sa"
awk '/certificate-authority-data:/ { print $2; exit }' "$work/kubeconfig" | base64 -d >"$sa/ca.crt"
awk '/token:/ { printf "%s", $2; exit }' "$work/kubeconfig" >"$sa/token"
echo default >"$sa/namespace"
chmod 0644 "$sa"/*
"${buildah_cmd[@]}" run --isolation chroot -v "$sa:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
  --env KUBERNETES_SERVICE_HOST=localhost --env "KUBERNETES_SERVICE_PORT=$port" \
  "$ctr" -- "$entrypoint" run --metrics-bind-address 0 --health-probe-bind-address 0 >"$work/operator.log" 2>&1 &
run_pid=$!
counters() { curl -sfk -H "Authorization: Bearer $(cat "$sa/token")" "https://127.0.0.1:$port/_testserver/counters"; }
listed=false
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ] && kill -0 "$run_pid" 2>/dev/null; do
  if counters | grep -q '"watch persistentvolumeclaims"'; then listed=true; break; fi
  sleep 0.2
done
check "in-image operator lists and watches over TLS (in-cluster config)" $listed
check "in-image operator used the in-cluster config" grep -q "API server https://localhost:$port (in-cluster)" "$work/operator.log"
$listed || cat "$work/operator.log" >&2
# Stopping buildah run must stop what runs inside: its tree (chroot runtime, operator) is recorded first, then
# only buildah run is signalled.
run_tree=$(descendants "$run_pid")
check "in-image operator runs below buildah run" test -n "$run_tree"
kill "$run_pid" 2>/dev/null || true
wait "$run_pid" 2>/dev/null || true
run_pid=""
gone() {  # gone PID...: there is at least one, and none of them is running within 10 s
  local pid deadline=$((SECONDS + 10))
  [ $# -gt 0 ] || return 1
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null; do
      [ $SECONDS -lt $deadline ] || return 1
      sleep 0.1
    done
  done
}
# shellcheck disable=SC2086
check "in-image operator stopped with buildah run" gone $run_tree

echo "image_test: $((SECONDS - started)) s in all"
checks_summary
