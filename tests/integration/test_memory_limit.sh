#!/usr/bin/env bash
# Memory under attack (#13): with memory.limit 256MiB, adversarial traffic — 4 connections
# each pipelining 64 requests of 2 MiB to a server that answers nothing, a SYN flood,
# thousands of fake model names and of identities — goes through `analyze` (a capture) and
# `run` (live on loopback). Peak RSS (VmHWM / maxrss) stays under the limit, what was given
# up is counted (summary, /metrics) and reported (evasion.overload), and the prompt
# injection sent after the flood is still found. The same capture with memory.limit 0 (the
# caps each at their old defaults) peaks far higher: the attack is real.
. "$(dirname "$0")/lib/common.sh"
tools=$IG_SRC/tests/tools
PY=/usr/bin/python3
LIMIT_MIB=256
# AddressSanitizer keeps freed memory in a quarantine (256 MiB by default), which would be
# measured as ours; without it ASan only adds (shadow, redzones), so the check stays fair.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0:malloc_context_size=0:detect_leaks=0

printf 'memory.limit: %sMiB\nidentity.hash_secret: test\n' "$LIMIT_MIB" > "$WORK/limit.yaml"
printf 'memory.limit: 0\nidentity.hash_secret: test\n' > "$WORK/nolimit.yaml"

# ---- analyze ----
$PY "$tools/overload_gen.py" pcap "$WORK/attack.pcap"
peak_kib() { sed -n 's/^maxrss_kb=//p' "$1"; }
/usr/bin/time -f "maxrss_kb=%M" -o "$WORK/time.txt" "$IG_BIN" analyze -c "$WORK/limit.yaml" \
    --findings "$WORK/findings.jsonl" "$WORK/attack.pcap" 2> "$WORK/analyze.err" \
    || fail "analyze exited $?: $(tail -5 "$WORK/analyze.err")"
peak=$(peak_kib "$WORK/time.txt")
echo "analyze: peak RSS $((peak / 1024)) MiB with memory.limit ${LIMIT_MIB}MiB"
[ "$peak" -le $((LIMIT_MIB * 1024)) ] || fail "analyze peaked at $((peak / 1024)) MiB over memory.limit ${LIMIT_MIB}MiB"
grep -q "memory      limit $LIMIT_MIB MiB" "$WORK/analyze.err" || fail "summary lacks the memory budget line"
grep -q "http: body given up at http.memcap" "$WORK/analyze.err" || fail "bodies given up are not counted"
grep -q "unanswered SYN evicted\|evicted at flow.max_flows" "$WORK/analyze.err" || fail "SYN flood evictions not counted"
$PY - "$WORK/findings.jsonl" <<'PY' || fail "findings after the flood"
import json, sys
fs = [json.loads(l) for l in open(sys.argv[1])]
def name(f): return f["finding_info"]["analytic"]["name"]
ov = [f for f in fs if name(f) == "evasion.overload"]
assert ov, "no evasion.overload finding"
data = ov[0]["evidences"][0]["data"]
given = data["given_up"]
for kind in ("http_bodies", "model_names"):
    assert kind + "=" in given, (kind, given)
assert "127.0.1." in data.get("affected", ""), data   # the pipelining connections are named
inj = [f for f in fs if name(f).startswith("prompt_injection.")
       and "127.0.4.1" in json.dumps(f)]
assert inj, "the injection sent after the flood was not found"
print("analyze: evasion.overload given_up", given)
PY

/usr/bin/time -f "maxrss_kb=%M" -o "$WORK/time0.txt" "$IG_BIN" analyze -c "$WORK/nolimit.yaml" \
    --findings /dev/null "$WORK/attack.pcap" 2> "$WORK/analyze0.err" || fail "analyze (no limit) exited $?"
peak0=$(peak_kib "$WORK/time0.txt")
echo "analyze: peak RSS $((peak0 / 1024)) MiB with memory.limit 0"
[ "$peak0" -gt $((LIMIT_MIB * 1024)) ] || fail "the attack does not even exceed the limit without it ($((peak0 / 1024)) MiB)"
rm -f "$WORK/attack.pcap"

# ---- run, live on loopback ----
$PY "$tools/overload_gen.py" serve --portfile "$WORK/ports" &
BG_PIDS+=($!)
wait_for "$WORK/ports" . 10
read -r port silent < "$WORK/ports"
hport=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'http.listen: "127.0.0.1:%s"\ncapture.ports: [%s, %s]\n' "$hport" "$port" "$silent" >> "$WORK/limit.yaml"
"$IG_BIN" run -c "$WORK/limit.yaml" -i lo --bpf "$(server_bpf "$port" "$silent")" \
    --findings "$WORK/live.jsonl" 2> "$WORK/run.err" &
run=$!; BG_PIDS+=($run)
wait_for "$WORK/run.err" capturing 20
$PY "$tools/overload_gen.py" live --port "$port" --silent-port "$silent" --syns 20000 \
    || fail "traffic generator failed"
sleep 3
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$run/status")
echo "run: peak RSS (VmHWM) $((hwm / 1024)) MiB with memory.limit ${LIMIT_MIB}MiB"
curl -s "http://127.0.0.1:$hport/metrics" > "$WORK/metrics.txt"
curl -s "http://127.0.0.1:$hport/readyz" > "$WORK/readyz.txt"
kill -INT "$run"
wait "$run" || fail "inferguard run exited $? ($(tail -5 "$WORK/run.err"))"
[ "$hwm" -le $((LIMIT_MIB * 1024)) ] || fail "run peaked at $((hwm / 1024)) MiB over memory.limit ${LIMIT_MIB}MiB"
# Live, what is given up depends on speed (a slow build has the kernel drop packets first,
# a fast one gives bodies up at http.memcap): some of it must be said, and the same way.
grep -q "^partly blind: .*=[1-9]" "$WORK/readyz.txt" || fail "/readyz does not say what was given up: $(cat "$WORK/readyz.txt")"
head -1 "$WORK/readyz.txt" | grep -qx ready || fail "/readyz not ready under load"
grep -Eq '^inferguard_overload_given_up_total\{kind="[a-z_]+"\} [1-9]' "$WORK/metrics.txt" \
    || fail "/metrics says nothing was given up"
grep -q "model_names=" "$WORK/readyz.txt" || fail "the model-name flood is not reported: $(cat "$WORK/readyz.txt")"
grep -q '"name":"evasion.overload"' "$WORK/live.jsonl" || fail "no evasion.overload finding from run"
echo "ok: analyze peak $((peak / 1024)) MiB, run peak $((hwm / 1024)) MiB under memory.limit ${LIMIT_MIB}MiB (no limit: $((peak0 / 1024)) MiB)"
