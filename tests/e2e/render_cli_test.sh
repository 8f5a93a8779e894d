#!/usr/bin/env bash
# The `render`, `plugins` and `version` commands as a user runs them: exit codes, stdout/stderr split, stable
# order, every problem reported, and no Secret value in any output stream.
set -euo pipefail

build=${SQLOP_BUILD_DIR:?}
src=${SQLOP_SOURCE_DIR:?}
op="$build/bin/sqlite-operator"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

# --- a valid render: stdout has the manifests, in a stable order, and never a secret value --------------
"$op" render -f "$src/crd/samples/multi-replica.yaml" -f "$src/crd/samples/rest-api.yaml" >"$work/out.yaml" 2>"$work/err.txt"
check "valid input exits 0" test $? -eq 0
check "manifests start with a document marker" grep -q '^---$' "$work/out.yaml"
"$op" render -f "$src/crd/samples/rest-api.yaml" -f "$src/crd/samples/multi-replica.yaml" >"$work/out2.yaml" 2>/dev/null
check "output order does not depend on the order of the files" cmp -s "$work/out.yaml" "$work/out2.yaml"
kinds=$(grep '^kind:' "$work/out.yaml" | head -5 | tr '\n' ' ')
check "children come in apply order (got: $kinds)" test "$kinds" = "kind: PersistentVolumeClaim kind: ConfigMap kind: Deployment kind: PersistentVolumeClaim kind: ConfigMap "
# every stringData value in the samples is a secret: none may show up anywhere
for sample in "$src"/crd/samples/*.yaml; do
  rendered=0
  "$op" render -f "$sample" >"$work/s.out" 2>"$work/s.err" || rendered=$?
  check "$sample renders (exit $rendered)" test "$rendered" -eq 0
  awk '/^stringData:/{on=1; next} /^[^ ]/{on=0} on && /: /{sub(/^[^:]*: */, ""); gsub(/"/, ""); if (length($0) >= 8) print}' \
    "$sample" >"$work/secrets.txt"
  while IFS= read -r secret; do
    leaked=0
    if grep -qF -- "$secret" "$work/s.out" "$work/s.err"; then leaked=1; fi
    check "no Secret value of $sample in the render output" test "$leaked" -eq 0
  done <"$work/secrets.txt"
done

# --- Secrets not supplied: a warning, and rendering goes on ---------------------------------------------
awk 'BEGIN{RS="---\n"} /kind: SqliteDatabase/' "$src/crd/samples/s3.yaml" >"$work/no-secret.yaml"
"$op" render -f "$work/no-secret.yaml" >"$work/ns.out" 2>"$work/ns.err"
check "a referenced Secret that is not supplied does not stop rendering" test -s "$work/ns.out"
check "...but is reported as not checked" grep -q "was not supplied, so its keys were not checked" "$work/ns.err"

# --- invalid input: every problem on stderr, nothing on stdout, exit 2 ----------------------------------
cat >"$work/bad.yaml" <<'EOF'
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {access-key: "AKIA SPACE", secret-key: "do-not-print-me-123"}
---
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: bad}
spec:
  litestream:
    replicas: [{type: s3, bucket: ok-bucket, credentials: {secretName: creds}}]
  sqliteRest: {enabled: true}
---
apiVersion: database.sqlite.io/v1alpha1
kind: SqliteDatabase
metadata: {name: worse}
spec:
  database: {name: a/b.db}
EOF
set +e
"$op" render -f "$work/bad.yaml" >"$work/bad.out" 2>"$work/bad.err"
status=$?
set -e
check "invalid input exits 2 (got $status)" test "$status" -eq 2
check "invalid input prints no manifest" test ! -s "$work/bad.out"
check "the problem names the file, the object and the field" \
  grep -q "bad.yaml: SqliteDatabase default/worse: spec.database.name:" "$work/bad.err"
check "problems of several objects are all reported" grep -q "SqliteDatabase default/bad: spec.sqliteRest.authSecret:" "$work/bad.err"
check "a Secret key problem is reported" grep -q "credentials.accessKeyField" "$work/bad.err"
check "no secret value in the error output" bash -c "! grep -q -e 'do-not-print-me' -e 'AKIA SPACE' '$work/bad.err'"

set +e
"$op" render >/dev/null 2>"$work/usage.err"; s1=$?
"$op" render -f "$work/missing.yaml" >/dev/null 2>"$work/missing.err"; s2=$?
printf 'a: [1,\n' >"$work/syntax.yaml"; "$op" render -f "$work/syntax.yaml" >/dev/null 2>"$work/syntax.err"; s3=$?
"$op" frobnicate >/dev/null 2>&1; s4=$?
set -e
check "render without -f is a usage error" test "$s1" -eq 2
check "an unreadable file is reported" bash -c "test $s2 -eq 2 && grep -q 'missing.yaml: file: cannot be read' '$work/missing.err'"
check "a YAML syntax error names the line" bash -c "test $s3 -eq 2 && grep -q 'syntax.yaml: YAML: line ' '$work/syntax.err'"
check "an unknown command exits 2" test "$s4" -eq 2

# --- -o json is one v1 List --------------------------------------------------------------------------
"$op" render -f "$src/crd/samples/minimal.yaml" -o json >"$work/list.json" 2>/dev/null
check "-o json prints a v1 List" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['kind']=='List' and d['items']" "$work/list.json"

# --- operator config ------------------------------------------------------------------------------------
printf 'images:\n  litestream: litestream/litestream:0.5.16\n' >"$work/op05.yaml"
"$op" render -f "$src/crd/samples/minimal.yaml" --config "$work/op05.yaml" >"$work/o05.yaml" 2>/dev/null
check "a 0.5 image renders the single replica mapping" grep -q '    replica:' "$work/o05.yaml"
printf 'imagez: {}\n' >"$work/typo.yaml"
set +e; "$op" render -f "$src/crd/samples/minimal.yaml" --config "$work/typo.yaml" >/dev/null 2>"$work/typo.err"; s5=$?; set -e
check "an unknown config key is an error" bash -c "test $s5 -eq 2 && grep -q 'imagez: unknown field' '$work/typo.err'"

# --- plugins and version ---------------------------------------------------------------------------------
"$op" plugins >"$work/plugins.txt"
for t in s3 azure gcs file; do check "plugins lists $t" grep -q "^$t " "$work/plugins.txt"; done
check "plugins shows the alias local" grep -q "^file *local" "$work/plugins.txt"
printf 'plugins:\n  s3: %s\n' "$build/test-plugins/test-no_entry_symbol.so" >"$work/broken.yaml"
set +e; "$op" plugins --config "$work/broken.yaml" >"$work/p2.txt" 2>"$work/p2.err"; s6=$?; set -e
check "a refused plugin makes plugins exit 1" test "$s6" -eq 1
check "the refusal names the file and the reason" grep -q "test-no_entry_symbol.so: missing entry symbol" "$work/p2.err"
check "the other plugins still load" grep -q "^azure " "$work/p2.txt"
check "version prints the ABI" bash -c "'$op' version | grep -q 'plugin ABI 1.0'"

checks_summary
