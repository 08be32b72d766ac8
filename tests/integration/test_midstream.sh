#!/usr/bin/env bash
# Connections picked up mid-stream on a port that is not in capture.ports (a sensor that
# restarted, a capture that began late): real traffic through the chat test server on
# loopback is recorded from the start, then each connection's first packets are cut off
# (lib/midstream.py), so every connection begins inside a message: inside a request body,
# or (ports equal) inside a response. The server's ephemeral port is not in capture.ports,
# and the clients' ports are above, below and equal to it, so the ports guess the roles
# right, wrong, and by the first sender. Read with the default configuration, every
# transaction whose request starts after the cut must be read, field for field as from the
# whole recording, and the prompt injection each client sends last must be found. Two
# flows of other protocols carrying HTTP request and status lines inside their frames, and
# TLS-like records and 8 MiB of an opaque protocol, cut the same way, must stay ignored (the
# last one let go at the sensor's 4 MiB bound, counted).
. "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3
LIB="$IG_SRC/tests/integration/lib/midstream.py"

start_tool_server chat_server.py --generic
chat=$port
$PY "$LIB" traffic "$chat" "$WORK/noiseport" "$WORK/go" > "$WORK/traffic.out" 2> "$WORK/traffic.err" &
tp=$!; BG_PIDS+=($tp)
wait_for "$WORK/noiseport" . 10
noise=$(cat "$WORK/noiseport")
"$IG_BUILD/tests/pcap_record" lo "$(server_bpf "$chat" "$noise")" "$WORK/full.pcap" > "$WORK/rec.out" &
rec=$!; BG_PIDS+=($rec)
wait_for "$WORK/rec.out" ready 10
touch "$WORK/go"
wait "$tp" || fail "traffic: $(tail -3 "$WORK/traffic.err")"
sleep 0.5   # the last packets reach the recorder
kill -TERM "$rec"; wait "$rec" || true

$PY "$LIB" cut "$WORK/full.pcap" "$WORK/cut.pcap" "$chat" > "$WORK/expect" || fail "cut: $(cat "$WORK/expect")"
[ "$(wc -l < "$WORK/expect")" = 3 ] || fail "expected 3 chat connections: $(cat "$WORK/expect")"
for c in full cut; do
  "$IG_BIN" analyze --rules "$IG_SRC/rules" --events "$WORK/$c.events" --findings "$WORK/$c.findings" \
    "$WORK/$c.pcap" 2> "$WORK/$c.err" || fail "analyze $c: $(tail -3 "$WORK/$c.err")"
done
grep -q "picked up mid-stream" "$WORK/cut.err" || fail "the cut capture has no mid-stream flow: $(grep flows "$WORK/cut.err")"

$PY - "$WORK" "$chat" "$noise" <<'EOF' || exit 1
import json, sys
work, chat, noise = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def events(name):
    out = {}
    for line in open(f"{work}/{name}.events"):
        e = json.loads(line)
        if e["server"]["port"] == noise or e["client"].get("port") == noise:
            sys.exit(f"FAIL: {name}: an event from a flow of another protocol: {line[:200]}")
        if "midstream" in e["flags"]:
            e["flags"].remove("midstream")
        out.setdefault((e["client"]["ip"], e["client"]["port"]), []).append(json.dumps(e, sort_keys=True))
    return out
full, cut = events("full"), events("cut")
for line in open(f"{work}/expect"):
    ip, port, n = line.split()
    k, n = (ip, int(port)), int(n)
    if len(full.get(k, [])) != 6:
        sys.exit(f"FAIL: the whole recording has {len(full.get(k, []))} transactions of {k}, not 6")
    got = cut.get(k, [])
    if len(got) != n:
        sys.exit(f"FAIL: {k}: {len(got)} transactions read after the cut, {n} requests started after it")
    if got != full[k][-n:]:
        sys.exit(f"FAIL: {k}: the transactions read after the cut differ from the same ones in the whole recording")
extra = {k for k in cut if f"{k[0]} {k[1]}" not in open(f"{work}/expect").read()}
if extra:
    sys.exit(f"FAIL: transactions attributed to unexpected endpoints (roles swapped?): {sorted(extra)}")
def injected(name):
    ips = set()
    for line in open(f"{work}/{name}.findings"):
        f = json.loads(line)
        if f["finding_info"]["analytic"]["name"] == "prompt_injection.signature":
            ips.add(f["actor"]["user"]["uid"])
    return ips
want = {l.split()[0] for l in open(f"{work}/expect")}
for name in ("full", "cut"):
    if injected(name) != want:
        sys.exit(f"FAIL: {name}: prompt injection found for {sorted(injected(name))}, sent by {sorted(want)}")
EOF
# the opaque flow is let go after 4 MiB (counted); the others end while waiting or are named
grep -q "mid-stream  3 flows off capture.ports parsed from a later HTTP/1 message start (2 of them .*), 1 given up" "$WORK/cut.err" ||
  fail "summary: $(grep -E 'mid-stream|flows' "$WORK/cut.err")"
echo "ok: 3 connections cut mid-message off capture.ports (roles guessed right, wrong, by the first sender): every later transaction read as from the start, injections found; 3 flows of other protocols ignored"
