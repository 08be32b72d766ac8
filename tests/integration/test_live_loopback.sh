#!/usr/bin/env bash
# Real traffic end to end: a real OIP v2 model server and client talk HTTP over loopback;
# inferguard captures live on lo (run) while a recorder writes the same traffic to a pcap
# that analyze reads afterwards. Both must report exactly the events that were sent, and
# the client's burst must raise abuse.rate.
. "$(dirname "$0")/lib/common.sh"
tools=$IG_SRC/tests/tools

start_tool_server oip_server.py

mkdir "$WORK/rules"
cat > "$WORK/rules/abuse.yaml" <<YAML
- detector: abuse.rate
  enabled: true
  params:
    window: 10s
    max_requests: 40
YAML

"$IG_BUILD/tests/pcap_record" lo "$(server_bpf "$port")" "$WORK/cap.pcap" > "$WORK/rec.out" &
rec=$!; BG_PIDS+=($rec)
"$IG_BIN" run -i lo --bpf "$(server_bpf "$port")" --rules "$WORK/rules" \
    --events "$WORK/live_events.jsonl" --findings "$WORK/live_findings.jsonl" 2> "$WORK/run.err" &
run=$!; BG_PIDS+=($run)
wait_for "$WORK/rec.out" ready 10
wait_for "$WORK/run.err" capturing 10
sleep 0.5

/usr/bin/python3 "$tools/oip_client.py" --port "$port" --requests 60 --rows 2 --dim 8 --conns 2 \
    --model iris --out "$WORK/sent.jsonl"
sleep 1
kill -TERM "$run" "$rec"
wait "$run" || fail "inferguard run exited $? ($(tail -5 "$WORK/run.err"))"
wait "$rec" || true

/usr/bin/python3 "$IG_SRC/tests/integration/lib/compare_events.py" "$WORK/sent.jsonl" \
    "$WORK/live_events.jsonl" iris 2 8 127.0.0.1 || fail "live events differ"
grep -q '"name":"abuse.rate"' "$WORK/live_findings.jsonl" || fail "no abuse.rate finding from live capture"

"$IG_BIN" analyze --rules "$WORK/rules" --events "$WORK/events.jsonl" \
    --findings "$WORK/findings.jsonl" "$WORK/cap.pcap" 2> "$WORK/analyze.err" \
    || fail "analyze exited $?: $(cat "$WORK/analyze.err")"
/usr/bin/python3 "$IG_SRC/tests/integration/lib/compare_events.py" "$WORK/sent.jsonl" \
    "$WORK/events.jsonl" iris 2 8 127.0.0.1 || fail "events from the recorded pcap differ"
grep -q '"name":"abuse.rate"' "$WORK/findings.jsonl" || fail "no abuse.rate finding from the pcap"
echo "ok: live and recorded captures give the 60 events sent, and abuse.rate fired"
