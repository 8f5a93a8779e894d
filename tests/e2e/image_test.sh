#!/usr/bin/env bash
# The container image (make image = scripts/image.sh), built into a temporary buildah storage root:
#   - the build's own in-image checks pass: `version` and `plugins` run inside the image, all four backends load;
#   - the image config: entrypoint the binary, `run` as default command, user 65532:65532, ports, version label;
#   - the root filesystem holds exactly the expected files: the binary, the four plugins, the shared libraries
#     ldd names for them (no more, no fewer), the loader, passwd/group/nsswitch.conf; no shell, no package
#     manager; our objects carry no debug info;
#   - the operator inside the image, as user 65532, reaches an API server over TLS in in-cluster mode (the
#     serviceaccount's token and ca.crt mounted, KUBERNETES_SERVICE_HOST a host name): TLS, name lookup and
#     the CA work with nothing from the host but the mounts Kubernetes also provides.
# Skipped (exit 0) only when buildah is not installed and cannot be, or cannot create a container here.
set -euo pipefail

root=${SQLOP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SQLOP_BUILD_DIR:-$root/build}
operator=$build/bin/sqlite-operator
server_bin=$build/bin/kube-testserver
entrypoint=/usr/local/bin/sqlite-operator
backends=(s3 azure gcs file)

skip() {
  echo "image_test: skipped: $*"
  exit 0
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
stop_run() {  # ends the in-image operator: buildah run, then whatever of its tree outlived it
  [ -n "$run_pid" ] || return 0
  run_tree=$(descendants "$run_pid")
  kill "$run_pid" 2>/dev/null || true
  wait "$run_pid" 2>/dev/null || true
  # shellcheck disable=SC2086
  [ -z "$run_tree" ] || kill $run_tree 2>/dev/null || true
  run_pid=""
}
cleanup() {
  stop_run
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

version=$("$operator" version | awk 'NR == 1 { print $2 }')
image=localhost/sqlite-operator:$version

echo "image_test: building $image"
started=$SECONDS
build_ok=true
"$root/scripts/image.sh" "$build" >"$work/image.log" 2>&1 || build_ok=false
build_out=$(cat "$work/image.log")
check "scripts/image.sh succeeds" $build_ok
$build_ok || { cat "$work/image.log" >&2; echo "0 passed, 1 failed"; exit 1; }
echo "image_test: built in $((SECONDS - started)) s; $(tail -1 "$work/image.log")"
check "in-image version" contains "$build_out" "sqlite-operator $version (plugin ABI"
check "in-image plugin directory" contains "$build_out" "plugin directory: /usr/local/lib/sqlite-operator/plugins"
for backend in "${backends[@]}"; do
  check "in-image plugin $backend" grep -qE "^$backend +.*/usr/local/lib/sqlite-operator/plugins/sqlop-$backend\.so$" \
    <<<"$build_out"
done

# --- image config
field() { bh inspect --type image --format "{{$1}}" "$image"; }
check "config: user nonroot" test "$(field .OCIv1.Config.User)" = "65532:65532"
check "config: entrypoint" test "$(field .OCIv1.Config.Entrypoint)" = "[$entrypoint]"
check "config: default command run" test "$(field .OCIv1.Config.Cmd)" = "[run]"
check "config: metrics and health ports" test "$(field .OCIv1.Config.ExposedPorts)" = "map[8080:{} 8081:{}]"
check "config: version label" test "$(field 'index .OCIv1.Config.Labels "org.opencontainers.image.version"')" = "$version"
check "config: no environment" test "$(field .OCIv1.Config.Env)" = "[]"

# --- root filesystem: exactly the expected files
ctr=$(bh from --quiet "$image")
mnt=$(bh mount "$ctr")
actual=$(cd "$mnt" && find . ! -type d | sed 's|^\.||' | sort)
# What ldd resolves for our objects, as "name path" (the loader is listed by its path alone, then its address;
# ldd of several files also prints a "FILE:" header line per file).
resolved=$(ldd "$operator" "$build"/lib/sqlite-operator/plugins/sqlop-{s3,azure,gcs,file}.so |
  awk '$2 == "=>" { print $1, $3 } $1 ~ /^\// && $2 ~ /^\(0x/ { print $1, $1 }' | sort -u)
expected=$(
  printf '%s\n' /etc/passwd /etc/group /etc/nsswitch.conf "$entrypoint"
  for backend in "${backends[@]}"; do echo "/usr/local/lib/sqlite-operator/plugins/sqlop-$backend.so"; done
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
no_debug_info() { ! readelf -S "$1" | grep -q '\.debug_info'; }
check "rootfs: binary without debug info" no_debug_info "$mnt$entrypoint"
for backend in "${backends[@]}"; do
  check "rootfs: plugin $backend without debug info" no_debug_info "$mnt/usr/local/lib/sqlite-operator/plugins/sqlop-$backend.so"
done
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
stop_run
gone() {  # gone PID...: none of them is running within 10 s
  local pid deadline=$((SECONDS + 10))
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
