# Shared helpers for integration tests (sourced). Every test gets a temp dir that is
# removed on exit, and background processes it started are stopped. A test that passed has
# every findings file it wrote under $WORK validated on exit (lib/validate_ocsf.py: our JSON
# Schema and the official OCSF 1.3.0 schema); an invalid finding fails the test.
set -euo pipefail
: "${IG_SRC:?}" "${IG_BUILD:?}" "${IG_BIN:?}"
IG_SHARED=${IG_SHARED:-$IG_SRC/../shared}
# The detectors' keys (none ships): fixed here like a deployment's, so that runs compared
# with each other (workers, pattern cache, mirror ingest) hash evidence the same way.
export INFERGUARD_EVIDENCE_KEY=${INFERGUARD_EVIDENCE_KEY:-ig-test-evidence-key}
export INFERGUARD_FINGERPRINT_SALT=${INFERGUARD_FINGERPRINT_SALT:-ig-test-fingerprint-salt}
WORK=$(mktemp -d /tmp/ig-test.XXXXXX)
BG_PIDS=()
cleanup() {
  local rc=$?
  for p in "${BG_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$rc" = 0 ] && ! /usr/bin/python3 "$IG_SRC/tests/integration/lib/validate_ocsf.py" --scan "$WORK" >&2; then
    echo "FAIL: findings written under $WORK are not valid OCSF (see above)" >&2
    rc=1
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# server_bpf PORT...: the capture filter of a test server's flows: its endpoints,
# 127.0.0.1:PORT, not the ports alone. The kernel gives the same port number to sockets bound
# to other loopback addresses (bind to port 0, as test servers and clients with a source
# address do), so on a machine shared with other tests "tcp port PORT" also recorded their
# flows, or one of the test's own clients' legs to a proxy (test_identity_e2e once, under
# load: "events 1523 != requests 1513"). Only for servers listening on 127.0.0.1.
server_bpf() {
  local p any=
  for p in "$@"; do
    any+="${any:+ or }(dst host 127.0.0.1 and dst port $p) or (src host 127.0.0.1 and src port $p)"
  done
  echo "tcp and ($any)"
}
# start_tool_server SCRIPT [ARG...]: tests/tools/SCRIPT serving on loopback (it writes the
# port it bound to --portfile); sets port.
start_tool_server() {
  /usr/bin/python3 "$IG_SRC/tests/tools/$1" --portfile "$WORK/port" "${@:2}" &
  BG_PIDS+=($!)
  wait_for "$WORK/port" . 30
  port=$(cat "$WORK/port")
}
# wait_for FILE PATTERN SECONDS: until FILE contains PATTERN (SECONDS on an idle machine).
wait_for() {
  # The timeout is scaled (IG_WAIT_SCALE, default 3): a start-up that takes 2 s on an idle
  # machine took over 10 s in a fresh root on a 2-core machine at load 17. It only costs time
  # when the line never comes; then the file's last lines say why.
  local i
  for ((i = 0; i < $3 * 10 * ${IG_WAIT_SCALE:-3}; i++)); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  tail -5 "$1" 2>/dev/null | sed 's/^/  | /' >&2
  fail "timed out waiting for '$2' in $1"
}
# start_ce_run ERRFILE [ARGS...]: `inferguard run --cloudevents 127.0.0.1:0 --listen 127.0.0.1:0
# ARGS` in the background, its stderr in ERRFILE; sets RUN_PID, PORT (CloudEvents) and MPORT
# (/metrics), once past the run's first timer tick (it must come before the first event of a
# replay of past traffic: test_cloudevents_e2e.sh).
start_ce_run() {
  local err=$1; shift
  "$IG_BIN" run --cloudevents 127.0.0.1:0 --listen 127.0.0.1:0 "$@" 2> "$err" &
  RUN_PID=$!; BG_PIDS+=($RUN_PID)
  wait_for "$err" "receiving CloudEvents on" 30
  sleep 1.5
  PORT=$(sed -n 's/.*receiving CloudEvents on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$err")
  MPORT=$(sed -n 's/.*\/metrics \/reports on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$err")
  [ -n "$PORT" ] && [ -n "$MPORT" ] || fail "no ports in: $(cat "$err")"
}
# scrape_metrics FILE: the running daemon's /metrics (MPORT) into FILE; status 1 if unreachable.
scrape_metrics() {
  /usr/bin/python3 - "$MPORT" > "$1" <<'PY'
import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode())
PY
}
