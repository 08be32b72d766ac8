# Shared helpers for integration tests (sourced). Every test gets a temp dir that is
# removed on exit, and background processes it started are stopped.
set -euo pipefail
: "${IG_SRC:?}" "${IG_BUILD:?}" "${IG_BIN:?}"
IG_SHARED=${IG_SHARED:-$IG_SRC/../shared}
WORK=$(mktemp -d /tmp/ig-test.XXXXXX)
BG_PIDS=()
cleanup() {
  for p in "${BG_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# wait_for FILE PATTERN SECONDS: until FILE contains PATTERN.
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "timed out waiting for '$2' in $1"
}
