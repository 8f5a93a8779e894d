# Counted checks for the script tests (source it): `check NAME COMMAND...` runs COMMAND, counts the result and
# names a failure on stderr, so one script reports every broken behaviour instead of stopping at the first;
# `checks_summary [LABEL]` prints "N passed, M failed" (the line CTest's log shows) and fails if any check did.
checks_passed=0
checks_failed=0

check() {
  local name=$1
  shift
  if "$@"; then
    checks_passed=$((checks_passed + 1))
  else
    checks_failed=$((checks_failed + 1))
    echo "FAILED: $name" >&2
  fi
}

checks_summary() {
  echo "${1:+$1: }$checks_passed passed, $checks_failed failed"
  [ "$checks_failed" -eq 0 ]
}
