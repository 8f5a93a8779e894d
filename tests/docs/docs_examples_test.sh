#!/usr/bin/env bash
# Runs the examples in README.md and docs/*.md, so the docs cannot promise what the code no longer does.
#   1. every ```yaml block is checked: Kubernetes objects strictly against the official OpenAPI documents and
#      the CRD (openapi-validate), SqliteDatabases also rendered by `sqlite-operator render`; a block marked
#      `invalid "TEXT"` must be refused with TEXT in the error, one marked `operator-config` must load as the
#      operator's --config, one marked `kustomization DIR` must render with `kubectl kustomize` into valid
#      objects (as DIR/kustomization.yaml in the scratch tree below), one marked `fragment` is skipped (it is
#      part of an object, not a whole one);
#   2. every shell block marked `run` is executed in a scratch directory whose entries are links to the source
#      tree's (build/ to the build directory), so the README's paths work; `run jwt` is the token-minting snippet: it runs with $key set to a fresh HMAC key and its
#      last line must be an HS256 JWT that jwt-verify (Poco::JWT) accepts for that key and refuses for another;
#      blocks marked `run session NAME [exit N] [expect "TEXT"]` run in document order as one bash process (cd
#      and variables carry over) in a scratch directory of their own holding `sqlite-operator`, a link to the
#      source tree, with the build's bin/ on PATH: a walk-through an author follows from an empty folder. Each
#      block must exit 0 (or N, then it runs in a subshell) and print TEXT, runs of spaces squeezed;
#   3. every relative link points at an existing file, and every #anchor at a heading or id in its target;
#   4. every `sqlite-operator SUBCOMMAND ...` shown uses flags that SUBCOMMAND's --help lists, and a table
#      marked `flags-of SUBCOMMAND` lists exactly the flags --help lists;
#   5. the README names every metric the operator exports (host/metrics) and no other, every status reason
#      (host/reconcile/database_status.cpp) and every Event reason (host/reconcile/reconciler.cpp).
# Markers are HTML comments on the line right above a fence or table: <!-- doc-test: MARKER -->.
# Each failure is printed as FILE:LINE: what; exits 1 if there is any.
set -euo pipefail

build=${SQLOP_BUILD_DIR:?SQLOP_BUILD_DIR must name the build directory}
source=${SQLOP_SOURCE_DIR:?SQLOP_SOURCE_DIR must name the source directory}
openapi_dir=${SQLOP_OPENAPI_DIR:-$source/../shared/k8s-openapi/v1.35}
operator="$build/bin/sqlite-operator"
crd="$source/crd/bases/database.sqlite.io_sqlitedatabases.yaml"
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d /tmp/docs-examples.XXXXXX)
trap 'rm -rf "$work"' EXIT

failures=0
checked=0
fail() { printf 'FAIL %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { checked=$((checked + 1)); }

for tool in "$operator" "$build/bin/openapi-validate" "$build/bin/jwt-verify"; do
  [ -x "$tool" ] || { echo "missing $tool: build first" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "openssl is missing (scripts/deps.sh test)" >&2; exit 1; }

docs=("$source/README.md" "$source"/docs/*.md)
relative() { printf '%s' "${1#"$source"/}"; }  # FILE as a path inside the source tree

# A scratch directory that looks like the source tree (links to its entries, build/ to the build directory):
# runnable blocks use the README's paths (build/bin/..., crd/samples/...) and the new files they write stay
# here.
tree="$work/tree"
mkdir -p "$tree"
for entry in "$source"/* "$source"/.tools; do
  [ -e "$entry" ] || continue
  [ "$(basename "$entry")" = build ] && continue
  ln -s "$entry" "$tree/$(basename "$entry")"
done
ln -s "$build" "$tree/build"

# --- 1 and 2: code blocks ------------------------------------------------------------------------------------

mkdir -p "$work/blocks"
awk -v out="$work/blocks" -f "$here/doc_blocks.awk" "${docs[@]}" >"$work/index"

check_yaml_objects() {  # where block
  local where=$1 block=$2
  if ! "$build/bin/openapi-validate" --schemas "$openapi_dir" --crd "$crd" "$block" >"$work/out" 2>&1; then
    fail "$where: not valid Kubernetes objects (mark a partial object with <!-- doc-test: fragment -->):"
    sed 's/^/    /' "$work/out" >&2
    return
  fi
  if grep -q '^kind: SqliteDatabase' "$block"; then
    if ! "$operator" render -f "$block" >/dev/null 2>"$work/out"; then
      fail "$where: sqlite-operator render refuses this SqliteDatabase:"
      sed 's/^/    /' "$work/out" >&2
      return
    fi
  fi
  ok
}

check_yaml_invalid() {  # where block expected-text
  local where=$1 block=$2 expected=$3 status=0
  "$operator" render -f "$block" >"$work/stdout" 2>"$work/out" || status=$?
  if [ "$status" -ne 2 ]; then
    fail "$where: marked invalid, but render exited $status (want 2)"
  elif [ -s "$work/stdout" ]; then
    fail "$where: marked invalid, but render printed objects"
  elif ! grep -qF -- "$expected" "$work/out"; then
    fail "$where: render's errors do not contain \"$expected\":"
    sed 's/^/    /' "$work/out" >&2
  else
    ok
  fi
}

check_operator_config() {  # where block -> `plugins --config` exits 2 only when the config does not load
  local where=$1 block=$2 status=0
  "$operator" plugins --config "$block" >/dev/null 2>"$work/out" || status=$?
  if [ "$status" -eq 2 ]; then
    fail "$where: not a valid operator config:"
    sed 's/^/    /' "$work/out" >&2
  else
    ok
  fi
}

check_kustomization() {  # where block dir -> DIR/kustomization.yaml in the scratch tree must render validly
  local where=$1 block=$2 dir=$3
  if ! command -v kubectl >/dev/null 2>&1; then
    echo "skipped $where: kubectl is not installed"
    return
  fi
  mkdir -p "$tree/$dir"
  cp "$block" "$tree/$dir/kustomization.yaml"
  if ! kubectl kustomize "$tree/$dir" >"$work/kustomized.yaml" 2>"$work/out"; then
    fail "$where: kubectl kustomize $dir fails:"
    sed 's/^/    /' "$work/out" >&2
  elif ! "$build/bin/openapi-validate" --schemas "$openapi_dir" --crd "$crd" "$work/kustomized.yaml" >"$work/out" 2>&1; then
    fail "$where: kubectl kustomize $dir renders invalid objects:"
    sed 's/^/    /' "$work/out" >&2
  else
    ok
  fi
}

run_block() {  # where block -> runs it in the scratch tree; its stdout in $work/run.out
  local where=$1 block=$2
  if (cd "$tree" && timeout 120 bash -euo pipefail "$block") >"$work/run.out" 2>"$work/run.err"; then
    return 0
  fi
  fail "$where: the block failed:"
  sed 's/^/    /' "$work/run.err" >&2
  return 1
}

# Sessions: the blocks of each NAME, in document order, become one script ($work/session-NAME.sh) run after
# the other blocks. Block I writes its output to session-NAME.out-I and, before it starts, I to
# session-NAME.at, so a failing session names the block that failed.
session_names=()
declare -A session_known=()

add_to_session() {  # where block spec, spec = NAME [exit N] [expect "TEXT"]
  local where=$1 block=$2 spec=$3 name
  local pattern='^([a-z0-9][a-z0-9-]*)( exit ([0-9]+))?( expect "(.+)")?$'
  if ! [[ $spec =~ $pattern ]]; then
    fail "$where: malformed marker \"run session $spec\" (want: run session NAME [exit N] [expect \"TEXT\"])"
    return
  fi
  name=${BASH_REMATCH[1]}
  local status=${BASH_REMATCH[3]:-0} expect=${BASH_REMATCH[5]}
  if [ -z "${session_known[$name]:-}" ]; then
    session_known[$name]=1
    session_names+=("$name")
  fi
  printf '%s\t%s\t%s\t%s\n' "$where" "$block" "$status" "${expect//\\\"/\"}" >>"$work/session-$name.blocks"
}

write_session_script() {  # name -> $work/session-NAME.sh
  local base="$work/session-$1" i=0 where block status expect
  while IFS=$'\t' read -r where block status expect; do
    i=$((i + 1))
    printf 'echo %d >%q\nexec >%q 2>&1\n' "$i" "$base.at" "$base.out-$i"
    if [ "$status" -eq 0 ]; then
      cat "$block"
    else  # a block expected to fail runs in a subshell that stops at its first failing command
      printf 'set +e\n(\nset -e\n'
      cat "$block"
      printf ')\necho $? >%q\nset -e\n' "$base.status-$i"
    fi
  done <"$base.blocks" >"$base.sh"
}

show_output() {  # file -> its last lines, indented, on stderr
  tail -n 30 "$1" | sed 's/^/    /' >&2
}

run_session() {  # name
  local name=$1 base="$work/session-$1" dir="$work/session-$1.d" status=0 at i=0 where block want expect got
  mkdir "$dir"
  ln -s "$source" "$dir/sqlite-operator"
  write_session_script "$name"
  local -a env=(PATH="$build/bin:$PATH" CMAKE_BUILD_PARALLEL_LEVEL=2)  # the CI budget: two jobs at most
  if command -v ccache >/dev/null 2>&1; then
    env+=(CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  (cd "$dir" && env "${env[@]}" timeout --kill-after=10 240 bash -euo pipefail "$base.sh") </dev/null || status=$?
  at=$(cat "$base.at" 2>/dev/null || echo 0)
  while IFS=$'\t' read -r where block want expect; do
    i=$((i + 1))
    [ "$i" -le "$at" ] || break  # not run: an earlier block failed
    if [ "$status" -ne 0 ] && [ "$i" -eq "$at" ]; then
      fail "$where: the block failed (exit $status; session $name stopped here); its output:"
      show_output "$base.out-$i"
      break
    fi
    if [ "$want" -ne 0 ] && got=$(cat "$base.status-$i") && [ "$got" -ne "$want" ]; then
      fail "$where: the block exited $got, the marker says $want; its output:"
      show_output "$base.out-$i"
    elif [ -n "$expect" ] && ! tr -s ' ' <"$base.out-$i" | grep -qF -- "$expect"; then
      fail "$where: the block did not print \"$expect\"; its output:"
      show_output "$base.out-$i"
    else
      ok
    fi
  done <"$base.blocks"
  if [ "$status" -eq 0 ] && [ "$at" -lt "$(wc -l <"$base.blocks")" ]; then
    fail "$(sed -n "${at}p" "$base.blocks" | cut -f1): ends session $name early (exit?); later blocks did not run"
  fi
}

check_jwt_block() {  # where block
  local where=$1 block=$2 token status=0
  local -x key other_key  # exported to the block and to jwt-verify, gone when this returns
  key=$(openssl rand -hex 32)
  other_key=$(openssl rand -hex 32)
  run_block "$where" "$block" || return 0
  token=$(tail -n 1 "$work/run.out")
  printf '%s\n' "$token" | "$build/bin/jwt-verify" --key-env key >/dev/null 2>"$work/out" || status=$?
  if [ "$status" -ne 0 ]; then
    fail "$where: the minted token does not verify: $(cat "$work/out")"
    return
  fi
  if printf '%s\n' "$token" | "$build/bin/jwt-verify" --key-env other_key >/dev/null 2>&1; then
    fail "$where: the minted token also verifies with another key"
    return
  fi
  ok
}

while IFS=$'\t' read -r doc line lang marker block; do
  where="$(relative "$doc"):$line"
  case "$lang:$marker" in
    yaml:-) check_yaml_objects "$where" "$block" ;;
    yaml:fragment*) ;;
    yaml:operator-config) check_operator_config "$where" "$block" ;;
    yaml:invalid\ \"*\")
      expected=${marker#invalid \"}
      expected=${expected%\"}
      check_yaml_invalid "$where" "$block" "${expected//\\\"/\"}" ;;  # \" inside the text is a quote
    yaml:kustomization\ *) check_kustomization "$where" "$block" "${marker#kustomization }" ;;
    sh:run | bash:run) run_block "$where" "$block" && ok ;;
    sh:run\ jwt | bash:run\ jwt) check_jwt_block "$where" "$block" ;;
    sh:run\ session\ * | bash:run\ session\ *) add_to_session "$where" "$block" "${marker#run session }" ;;
    *:-) ;;
    *) fail "$where: unknown doc-test marker \"$marker\" on a $lang block" ;;
  esac
done <"$work/index"
for name in "${session_names[@]}"; do run_session "$name"; done

# --- 3: links ------------------------------------------------------------------------------------------------
# (Plain bash from here on where it can be: a fork per link or per command would cost seconds.)

declare -A anchors_known=()  # "FILE#ANCHOR" -> 1, filled per file on first use
# The anchors of a Markdown file: explicit id="..." and GitHub's slugs of its headings.
load_anchors() {
  local file=$1 anchor
  [ -n "${anchors_known["$file#"]:-}" ] && return 0
  anchors_known["$file#"]=1
  while IFS= read -r anchor; do anchors_known["$file#$anchor"]=1; done < <(
    { grep -oE 'id="[^"]+"' "$file" || true; } | sed 's/^id="//; s/"$//'
    { grep -E '^#{1,6} ' "$file" || true; } | sed -E 's/^#+ +//; s/<[^>]*>//g' | tr '[:upper:]' '[:lower:]' |
      sed -E 's/[^a-z0-9 _-]//g; s/ /-/g')
}

# FILE<TAB>LINE<TAB>TARGET for every [text](target) outside code spans.
awk '{ line = $0; gsub(/`[^`]*`/, "", line)
       while (match(line, /\]\([^) ]+\)/)) {
         printf "%s\t%d\t%s\n", FILENAME, FNR, substr(line, RSTART + 2, RLENGTH - 3)
         line = substr(line, RSTART + RLENGTH) } }' "${docs[@]}" >"$work/link-targets"
while IFS=$'\t' read -r doc line target; do
  case "$target" in http://* | https://* | mailto:*) continue ;; esac
  path=${target%%#*}
  anchor=""
  [ "$path" != "$target" ] && anchor=${target#*#}
  file=$doc
  if [ -n "$path" ]; then
    file="${doc%/*}/$path"
    if [ ! -e "$file" ]; then
      echo "${doc#"$source"/}:$line: link to a missing file: $target"
      continue
    fi
  fi
  { [ -n "$anchor" ] && [ -f "$file" ]; } || continue
  load_anchors "$file"
  [ -n "${anchors_known["$file#$anchor"]:-}" ] || echo "${doc#"$source"/}:$line: link to a missing anchor: $target"
done <"$work/link-targets" >"$work/links"
while IFS= read -r problem; do fail "$problem"; done <"$work/links"
[ -s "$work/links" ] || ok

# --- 4: flags ------------------------------------------------------------------------------------------------

declare -A help_flags=()  # "SUBCOMMAND FLAG" -> 1, from the subcommand's --help
for sub in run render plugins version; do
  while IFS= read -r flag; do help_flags["$sub $flag"]=1; done < <(
    { "$operator" "$sub" --help 2>&1 || true; } | { grep -oE '(^|[ [,])--?[a-zA-Z][a-zA-Z0-9-]*' || true; } |
      sed -E 's/^[ [,]//' | sort -u)
done
flag_pattern='(^|[ [])(--?[a-zA-Z][a-zA-Z0-9-]*)(.*)$'

{
  # Every `sqlite-operator SUBCOMMAND ...` shown, up to the end of its code span or shell command.
  { grep -noE '(build/bin/)?sqlite-operator (run|render|plugins|version)([^`|;&>)#]*)' "${docs[@]}" || true; } |
    while IFS=: read -r doc line command; do
      [[ $command =~ sqlite-operator\ ([a-z]+)(.*)$ ]] || continue
      sub=${BASH_REMATCH[1]}
      rest=${BASH_REMATCH[2]}
      while [[ $rest =~ $flag_pattern ]]; do
        flag=${BASH_REMATCH[2]}
        rest=${BASH_REMATCH[3]}
        [ -n "${help_flags["$sub $flag"]:-}" ] || echo "${doc#"$source"/}:$line: sqlite-operator $sub has no flag $flag"
      done
    done
  # A table marked flags-of SUBCOMMAND lists exactly the subcommand's flags.
  for doc in "${docs[@]}"; do
    awk -v doc="${doc#"$source"/}" '
      /^<!-- doc-test: flags-of [a-z]+ -->$/ { sub_ = $4; at = FNR; inside = 1; found = 0; next }
      inside && /^\|/ { line = $0
                        while (match(line, /`--?[a-zA-Z][a-zA-Z0-9-]*/)) {
                          print doc "\t" at "\t" sub_ "\t" substr(line, RSTART + 1, RLENGTH - 1); found = 1
                          line = substr(line, RSTART + RLENGTH) }
                        next }
      inside { if (!found) print doc "\t" at "\t" sub_ "\t-"; inside = 0 }' "$doc"
  done >"$work/table-flags"
  declare -A listed=()
  while IFS=$'\t' read -r doc line sub flag; do
    if [ "$flag" = - ]; then
      echo "$doc:$line: flags-of $sub is not followed by a table of flags"
      continue
    fi
    listed["$sub $flag"]=1
    [ -n "${help_flags["$sub $flag"]:-}" ] || echo "$doc:$line: the table lists a flag $sub does not have: $flag"
  done <"$work/table-flags"
  cut -f1-3 "$work/table-flags" | sort -u | while IFS=$'\t' read -r doc line sub; do
    for key in "${!help_flags[@]}"; do
      [ "${key%% *}" = "$sub" ] || continue
      case "${key#* }" in -h | --help) continue ;; esac
      [ -n "${listed["$key"]:-}" ] || echo "$doc:$line: the table misses a flag of $sub: ${key#* }"
    done
  done
} >"$work/flags"
while IFS= read -r problem; do fail "$problem"; done <"$work/flags"
[ -s "$work/flags" ] || ok

# --- 5: facts the README must keep up with ------------------------------------------------------------------

readme="$source/README.md"
{ grep -ohE '(counter|gauge|histogram)\("[a-z_:]+"|single\("[a-z_:]+"' "$source"/host/metrics/*.cpp || true; } |
  sed -E 's/.*\("//; s/"$//' | sort -u >"$work/metrics-code"
{ grep -oE '`(controller_runtime|workqueue|rest_client|leader_election|process|sqliteoperator)_[a-z_]+' "$readme" || true; } |
  tr -d '`' | sort -u >"$work/metrics-readme"
{
  [ -s "$work/metrics-code" ] || echo "found no metric names in host/metrics (has the registry API changed?)"
  comm -23 "$work/metrics-code" "$work/metrics-readme" | sed 's/^/README.md: undocumented metric /'
  comm -13 "$work/metrics-code" "$work/metrics-readme" | sed 's/^/README.md: no such metric in host\/metrics: /'
  { grep -oE '"[A-Z][a-zA-Z]+"' "$source/host/reconcile/database_status.cpp" || true; } | tr -d '"' | sort -u >"$work/reasons"
  { grep -oE 'EventType::(Normal|Warning), "[A-Za-z]+"' "$source/host/reconcile/reconciler.cpp" || true; } |
    { grep -oE '"[A-Za-z]+"' || true; } | tr -d '"' | sort -u >>"$work/reasons"
  [ -s "$work/reasons" ] || echo "found no status or event reasons in host/reconcile"
  while read -r reason; do
    grep -qF "\`$reason\`" "$readme" || echo "README.md: undocumented status or event reason $reason"
  done <"$work/reasons"
} >"$work/facts"
while IFS= read -r problem; do fail "$problem"; done <"$work/facts"
[ -s "$work/facts" ] || ok

# A parser that finds nothing would pass everything: the README alone has dozens of blocks.
blocks=$(wc -l <"$work/index")
[ "$blocks" -ge 20 ] || fail "found only $blocks code blocks in ${#docs[@]} files: is the block parser broken?"
echo "docs examples: $checked checks passed, $failures failed ($blocks code blocks in ${#docs[@]} files)"
[ "$failures" -eq 0 ]
