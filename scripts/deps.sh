#!/usr/bin/env bash
# Installs whatever is missing for a step, and is fast when everything is present.
#   scripts/deps.sh build   Debian packages to build the operator and its tests
#   scripts/deps.sh test    + the npm test tools (Litestream 0.3.13, Azurite, s3rver), pinned to exact versions,
#                           and buildah (tests/e2e/image_test.sh)
#   scripts/deps.sh image   + buildah, to build the container image without a container engine (make image)
# npm tools go to $SQLOP_TOOLS_DIR (default: .tools/ in the source tree); scripts find them there.
set -euo pipefail

step=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
tools_dir=${SQLOP_TOOLS_DIR:-$root/.tools}

build_packages=(build-essential cmake pkg-config git libboost-dev libboost-filesystem-dev libpoco-dev zlib1g-dev
  libyaml-cpp-dev libspdlog-dev catch2 libssl-dev)
# Tools for the tests, as command=package: a command already on the PATH (e.g. a Node.js that did not come
# from Debian) is not reinstalled.
test_tools=(node=nodejs npm=npm sqlite3=sqlite3 curl=curl openssl=openssl pkill=procps python3=python3)
# buildah alone (no runc, no fuse-overlayfs): make image uses the vfs storage driver and chroot isolation.
image_packages=(buildah)
npm_tools=("@flydotio/litestream-linux-x64@1.0.1" "azurite@3.37.0" "s3rver@3.7.1")

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

apt_install() {
  [ $# -eq 0 ] && return 0
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  echo "deps: installing Debian packages: $missing" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

npm_installed_version() {
  local pkg=$1
  local manifest="$tools_dir/node_modules/$pkg/package.json"
  [ -f "$manifest" ] && node -e "console.log(require(process.argv[1]).version)" "$manifest" 2>/dev/null
}

npm_install() {
  local wanted=() spec pkg version
  for spec in "$@"; do
    pkg=${spec%@*}
    version=${spec##*@}
    [ "$(npm_installed_version "$pkg")" = "$version" ] || wanted+=("$spec")
  done
  [ ${#wanted[@]} -eq 0 ] && return 0
  echo "deps: installing npm tools into $tools_dir: ${wanted[*]}" >&2
  mkdir -p "$tools_dir"
  [ -f "$tools_dir/package.json" ] || echo '{"name":"sqlite-operator-test-tools","private":true}' >"$tools_dir/package.json"
  (cd "$tools_dir" && npm install --save-exact --no-audit --no-fund --loglevel=error "${wanted[@]}" >/dev/null)
}

missing_tools() {
  local pair
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null 2>&1 || echo "${pair#*=}"
  done
}

apt_install "${build_packages[@]}"
if [ "$step" = test ] || [ "$step" = demo ]; then
  # shellcheck disable=SC2046
  apt_install $(missing_tools "${test_tools[@]}")
  npm_install "${npm_tools[@]}"
  # Debian does not package kubectl: it comes from the Kubernetes project (README, "The two commands").
  if ! command -v kubectl >/dev/null; then
    if [ "$step" = demo ]; then
      echo "deps: kubectl not found; make demo needs it: https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/" >&2
    else
      echo "deps: kubectl not found; the kubectl, install-manifest and demo tests will be skipped" >&2
    fi
  fi
fi
if [ "$step" = image ] || [ "$step" = test ]; then
  apt_install "${image_packages[@]}"
fi
exit 0
