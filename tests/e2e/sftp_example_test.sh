#!/usr/bin/env bash
# The example out-of-tree plugin (examples/sftp) builds as a separate CMake project against the INSTALLED SDK
# only (a copy of the folder, outside the source tree), loads in the operator through its config, and renders
# Litestream 0.3 and 0.5 configs (and passes the conformance kit): valid manifests render, invalid ones are refused with field paths, and no
# Secret value ever appears in the output or the messages.
set -euo pipefail

build=${SQLOP_BUILD_DIR:?}
src=${SQLOP_SOURCE_DIR:?}
op="$build/bin/sqlite-operator"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

# 1. Install the SDK alone (component "sdk" of the build dir) into a temporary prefix.
cmake --install "$build" --component sdk --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/sqlite_operator/plugin.hpp"

# 2. Build a copy of the example, which sees nothing of the source tree but the installed SDK.
cp -r "$src/examples/sftp" "$work/sftp"
rm -rf "$work/sftp/build"
cmake -S "$work/sftp" -B "$work/sftp/build" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.txt"
grep -q "sqlop-sftp: plugin ABI 1\." "$work/configure.txt"
if grep -rq -- "-I$src" "$work/sftp/build/CMakeFiles/sqlop-sftp.dir/flags.make"; then
  echo "FAIL: the example was compiled against the source tree" >&2
  exit 1
fi
cmake --build "$work/sftp/build" -j2 >/dev/null
so="$work/sftp/build/sqlop-sftp.so"
test -f "$so"

# 3. The operator loads it through its config.
config() { # $1 = Litestream image tag
  printf 'plugins:\n  sftp: %s\nimages:\n  litestream: litestream/litestream:%s\n' "$so" "$1" >"$work/operator.yaml"
}
config 0.5.16
"$op" plugins --config "$work/operator.yaml" >"$work/plugins.txt"
if grep -q "^sftp .*1.0.0" "$work/plugins.txt"; then pass; else fail "plugins does not list sftp 1.0.0"; fi

# 3b. The conformance kit passes it, with the known-good sample the example ships.
if "$op" plugins check "$so" --sample "$work/sftp/conformance-sample.json" >"$work/check.txt" 2>&1; then
  pass
else
  fail "plugins check failed: $(grep -v '^PASS' "$work/check.txt")"
fi

# Secret values used below; none may appear in any output or message.
priv_body="RkFLRS1QUklWQVRFLUtFWS1GT1ItRVhBTVBMRVMtT05MWS1OT1QtUkVBTA"
password="Tr0ub4dor-and-3-more-words"

# render_ok NAME FILE: renders, keeps stdout in $work/NAME.out and stderr in $work/NAME.err.
render_ok() {
  if "$op" render -f "$2" --config "$work/operator.yaml" >"$work/$1.out" 2>"$work/$1.err"; then
    pass
  else
    fail "$1: render refused a valid manifest: $(cat "$work/$1.err")"
  fi
}
# render_refused NAME FILE EXPECTED-STDERR-LINE...: refuses, naming every expected field and reason.
render_refused() {
  local name=$1 file=$2
  shift 2
  if "$op" render -f "$file" --config "$work/operator.yaml" >"$work/$name.out" 2>"$work/$name.err"; then
    fail "$name: an invalid manifest rendered"
    return
  fi
  test -s "$work/$name.out" && fail "$name: objects were printed although rendering failed"
  local expected
  for expected in "$@"; do
    if grep -qF -- "$expected" "$work/$name.err"; then pass; else fail "$name: expected '$expected' in: $(cat "$work/$name.err")"; fi
  done
}
no_secrets() { # NAME: neither the key nor the password in stdout or stderr
  if grep -qF -e "$priv_body" -e "$password" -e "PRIVATE KEY-----" "$work/$1.out" "$work/$1.err"; then
    fail "$1: a Secret value leaked into the output"
  else
    pass
  fi
}
expect_out() { # NAME TEXT...
  local name=$1 text
  shift
  for text in "$@"; do
    if grep -qF -- "$text" "$work/$name.out"; then pass; else fail "$name: expected '$text' in the output"; fi
  done
}

# manifest FILE SECRET-KEY SECRET-VALUE REPLICA-YAML: a Secret (stringData) and one sftp replica.
manifest() {
  {
    printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: sftp-creds}\ntype: Opaque\nstringData:\n'
    printf '  %s: |-\n' "$2"
    printf '%s\n' "$3" | sed 's/^/    /'
    printf -- '---\napiVersion: database.sqlite.io/v1alpha1\nkind: SqliteDatabase\nmetadata: {name: db}\n'
    printf 'spec:\n  litestream:\n    replicas:\n'
    printf '%s\n' "$4" | sed 's/^/    /'
  } >"$1"
}
key_pem="-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAHEZBS0UtUFVCTE
lDLUtFWS1GT1ItRVhBTVBMRVMAAAArRkFLRS1QUklWQVRFLUtFWS1GT1ItRVhBTVBMRVMt
T05MWS1OT1QtUkVBTA==
-----END OPENSSH PRIVATE KEY-----"
host_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZBS0UtSE9TVC1LRVktRk9SLUVYQU1QTEVTLU9OTFkh"
r0='spec.litestream.replicas[0]'

# 4. The sample manifest, Litestream 0.5: key file from a Secret volume, host key pinned.
render_ok sample "$src/examples/sftp/sample.yaml"
expect_out sample "type: sftp" "host: backup.example.com:2222" "user: litestream" "path: /srv/backups/ledger" \
  "key-path: /var/run/sqlite-operator/replica-0/ssh-private-key" "host-key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" \
  "secretName: sftp-credentials" "mountPath: /var/run/sqlite-operator/replica-0" "readOnly: true"
# litestream.yml lines are indented by 4 in the ConfigMap: 0.5 has "  replica:" under the db, never "  replicas:".
if grep -q "^      replica:$" "$work/sample.out" && ! grep -q "^      replicas:$" "$work/sample.out"; then pass; else fail "sample: not the 0.5 single replica form"; fi
expect_out sample "defaultMode: 288"  # 0440
no_secrets sample

# 5. Litestream 0.3 cannot verify host keys: hostKey is refused there, and its absence is warned about.
config 0.3.13
render_refused sample03 "$src/examples/sftp/sample.yaml" "$r0.settings.hostKey: cannot be honoured by Litestream 0.3"
manifest "$work/pw03.yaml" password "$password" "- type: sftp
  path: backups/db
  credentials: {secretName: sftp-creds}
  settings: {host: sftp.internal, user: backup, auth: password}"
render_ok pw03 "$work/pw03.yaml"
expect_out pw03 'password: ${LITESTREAM_REPLICA_0_PASSWORD}' "name: LITESTREAM_REPLICA_0_PASSWORD" "key: password"
if grep -q "^      replicas:$" "$work/pw03.out"; then pass; else fail "pw03: not the 0.3 replicas list form"; fi
if grep -q "replica-0-ssh-key" "$work/pw03.out"; then fail "pw03: a key volume although auth is password"; else pass; fi
if grep -qF "$r0.settings.host: Litestream 0.3 does not verify" "$work/pw03.err"; then pass; else fail "pw03: no host key warning"; fi
no_secrets pw03
config 0.5.16
render_ok pw05 "$work/pw03.yaml"
if grep -qF "$r0.settings.hostKey: is not set: Litestream will not verify" "$work/pw05.err"; then pass; else fail "pw05: no host key warning"; fi
no_secrets pw05

# 6. Invalid replicas: every problem is reported at its field.
manifest "$work/bad-spec.yaml" ssh-private-key "$key_pem" "- type: sftp
  bucket: not-for-sftp
  settings: {host: 'sftp://backup.example.com/srv', colour: blue, auth: kerberos}"
render_refused bad-spec "$work/bad-spec.yaml" \
  "$r0.settings.host: must be host or host:port, not a URL" \
  "$r0.settings.user: is required" \
  "$r0.path: is required" \
  "$r0.credentials.secretName: is required" \
  "$r0.bucket: is not used by the sftp backend" \
  "$r0.settings.colour: is not a setting of the sftp backend" \
  "$r0.settings.auth: must be \"privateKey\" or \"password\""
manifest "$work/bad-server.yaml" ssh-private-key "$key_pem" "- type: sftp
  path: ../elsewhere
  credentials: {secretName: sftp-creds}
  settings: {host: 'backup.example.com:70000', user: 'me@host', hostKey: 'backup.example.com $host_key'}"
render_refused bad-server "$work/bad-server.yaml" \
  "$r0.settings.host: has an invalid port" \
  "$r0.settings.user: must be the login name only" \
  "$r0.path: must not contain '..' segments" \
  "$r0.settings.hostKey: looks like a known_hosts line"
no_secrets bad-server

# 7. Bad Secret contents are refused without quoting them.
encrypted_pem="-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAAnh4AAAAAQAAAA
RGQUtFAAAACEZBS0VGQUtF
-----END OPENSSH PRIVATE KEY-----"
manifest "$work/encrypted.yaml" ssh-private-key "$encrypted_pem" "- type: sftp
  path: /srv/backups
  credentials: {secretName: sftp-creds}
  settings: {host: sftp.internal, user: backup, hostKey: '$host_key'}"
render_refused encrypted "$work/encrypted.yaml" "$r0.credentials.secretKeyField: Secret default/sftp-creds key \"ssh-private-key\" is protected by a passphrase"
no_secrets encrypted
manifest "$work/public.yaml" ssh-private-key "$host_key" "- type: sftp
  path: /srv/backups
  credentials: {secretName: sftp-creds}
  settings: {host: sftp.internal, user: backup, hostKey: '$host_key'}"
render_refused public "$work/public.yaml" "key \"ssh-private-key\" holds a public key"
manifest "$work/missing-key.yaml" password "$password" "- type: sftp
  path: /srv/backups
  credentials: {secretName: sftp-creds}
  settings: {host: sftp.internal, user: backup}"
render_refused missing-key "$work/missing-key.yaml" "$r0.credentials.secretKeyField: Secret default/sftp-creds has no key \"ssh-private-key\""
no_secrets missing-key
manifest "$work/bad-password.yaml" password "$password: oops" "- type: sftp
  path: /srv/backups
  credentials: {secretName: sftp-creds}
  settings: {host: sftp.internal, user: backup, auth: password}"
render_refused bad-password "$work/bad-password.yaml" "key \"password\" contains \": \" or \" #\""
no_secrets bad-password

echo "$passed passed, $failed failed"
test "$failed" -eq 0
