#!/usr/bin/env bash
# OIP v2 over gRPC end to end: a real grpcio server (the scikit-learn wine model of
# sk_model_server.py) and a grpcio client (tests/tools/grpc_oip_client.py) talk on loopback
# while dumpcap records; `inferguard analyze` must turn every call into exactly one event
# with what was sent and answered: model, rows, features, every input value (typed and raw
# contents, FP32/FP64/INT64/INT32/FP16, gzip and deflate messages), scores and labels,
# status (grpc-status errors mapped: NOT_FOUND 404, INVALID_ARGUMENT 400), the api_key
# identity from the HTTP/2 headers, the streamed calls of one ModelStreamInfer and the
# parallel calls multiplexed on one connection, and TF Serving Predict calls on the same
# channel (protocol tfserving_grpc). `inferguard run` captures the same traffic
# live on lo, and its events must match the calls in the same way.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/model_stack.sh"
need_model_stack grpc
export INFERGUARD_ID_SECRET=grpc-e2e-secret
start_model_server grpc

start_recording "$gport"
"$IG_BIN" run -i lo --bpf "$(server_bpf "$gport")" --rules "$IG_SRC/rules" \
    --events "$WORK/live_events.jsonl" --findings "$WORK/live_findings.jsonl" 2> "$WORK/run.err" &
run=$!; BG_PIDS+=($run)
wait_for "$WORK/run.err" capturing 10
sleep 0.5
(cd "$tools" && $PY grpc_oip_client.py --port "$gport" --features 13) > "$WORK/calls.jsonl" \
  || fail "gRPC client failed"
sleep 1
kill -TERM "$run" "$rec"
wait "$run" || fail "inferguard run exited $? ($(tail -5 "$WORK/run.err"))"
wait "$rec" || true

"$IG_BIN" analyze --rules "$IG_SRC/rules" --events "$WORK/events.jsonl" --findings "$WORK/findings.jsonl" \
    "$WORK/cap.pcap" 2> "$WORK/analyze.err" || fail "analyze exited $?: $(tail -5 "$WORK/analyze.err")"
grep -q "http2 .* connections" "$WORK/analyze.err" || fail "no http2 line in the summary: $(cat "$WORK/analyze.err")"

check() {   # check EVENTS
$PY - "$WORK/calls.jsonl" "$1" <<'PY'
import hashlib, hmac, json, sys
import numpy as np
calls = [json.loads(l) for l in open(sys.argv[1])]
events = [json.loads(l) for l in open(sys.argv[2])]
by_marker = {}
for e in events:
    if e.get("inputs"):
        by_marker.setdefault(round(e["inputs"][0][0]), []).append(e)
bad = []
def kid(key):
    return "key:" + hmac.new(b"grpc-e2e-secret", key.encode(), hashlib.sha256).hexdigest()[:16]
for c in calls:
    got = by_marker.get(c["marker"], [])
    what = f'call {c["marker"]} ({c["datatype"]}{" raw" if c["raw"] else ""}, key {c["key"]})'
    if len(got) != 1:
        bad.append(f"{what}: {len(got)} events")
        continue
    e = got[0]
    want = {"protocol": c.get("protocol", "oip_v2_grpc"), "model": c["model"], "status": c["status"],
            "rows": c["rows"], "features": c["features"]}
    for k, v in want.items():
        if e.get(k) != v:
            bad.append(f"{what}: {k} {e.get(k)!r}, sent {v!r}")
    if e["client"]["kind"] != "api_key" or e["client"]["id"] != kid(c["key"]):
        bad.append(f"{what}: client {e['client']}, want api_key {kid(c['key'])}")
    if not np.array_equal(np.float32(e["inputs"]), np.float32(c["inputs"])):
        bad.append(f"{what}: inputs differ")
    if c.get("scores"):
        if not np.array_equal(np.float32(e.get("scores", [])), np.float32(c["scores"])):
            bad.append(f"{what}: scores differ")
        if e.get("labels") != np.argmax(c["scores"], axis=1).tolist():
            bad.append(f"{what}: labels {e.get('labels')}")
    elif e.get("scores"):
        bad.append(f"{what}: scores on a failed call")
    if c["status"] >= 400 and "error" not in e.get("flags", []):
        bad.append(f"{what}: failed call without the error flag")
extra = len(events) - len(calls)
print(f"{len(calls)} calls, {len(events)} events, {len(bad)} problems")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad or extra else 0)
PY
}
check "$WORK/events.jsonl" || fail "analyze: events differ from the calls (see above)"
grep -q 'ModelStreamInfer' "$WORK/events.jsonl" || fail "no ModelStreamInfer event"
check "$WORK/live_events.jsonl" || fail "run (live capture): events differ from the calls (see above)"
echo "ok: every gRPC call became one event with the values sent and answered (pcap and live)"
