#!/usr/bin/env bash
# Every protocol end to end over real loopback HTTP: a real KServe v1 / OIP v2 (JSON and
# Triton binary) model server and a real OpenAI-style server answer a real http.client
# over keep-alive connections — instances (rows and named inputs), columnar inputs,
# :classify, binary tensors both ways, several inputs of different datatypes, gzip
# request and response bodies, chunked responses, chat (plain and SSE-streamed in many
# small TCP writes), completions with logprobs, embeddings. inferguard watches live on lo
# while pcap_record writes the same traffic for analyze; both must give exactly the
# events protocols_client.py derived from what was sent and received.
. "$(dirname "$0")/lib/common.sh"
tools=$IG_SRC/tests/tools
lib=$IG_SRC/tests/integration/lib

/usr/bin/python3 "$tools/model_server.py" --portfile "$WORK/mport" &
BG_PIDS+=($!)
/usr/bin/python3 "$tools/openai_adapter_server.py" --portfile "$WORK/oport" &
BG_PIDS+=($!)
wait_for "$WORK/mport" . 10
wait_for "$WORK/oport" . 10
mport=$(cat "$WORK/mport") oport=$(cat "$WORK/oport")
bpf=$(server_bpf "$mport" "$oport")

"$IG_BUILD/tests/pcap_record" lo "$bpf" "$WORK/cap.pcap" > "$WORK/rec.out" &
rec=$!; BG_PIDS+=($rec)
"$IG_BIN" run -i lo --bpf "$bpf" --events "$WORK/live_events.jsonl" \
    --findings /dev/null 2> "$WORK/run.err" &
run=$!; BG_PIDS+=($run)
wait_for "$WORK/rec.out" ready 10
wait_for "$WORK/run.err" capturing 10
sleep 0.5

/usr/bin/python3 "$lib/protocols_client.py" "$mport" "$oport" "$WORK/expected.jsonl" 2 \
    || fail "client failed"
sleep 1
kill -TERM "$run" "$rec"
wait "$run" || fail "inferguard run exited $? ($(tail -5 "$WORK/run.err"))"
wait "$rec" || true

"$IG_BIN" analyze -q --findings /dev/null --events "$WORK/events.jsonl" "$WORK/cap.pcap" \
    2> "$WORK/analyze.err" || fail "analyze exited $?: $(cat "$WORK/analyze.err")"
/usr/bin/python3 "$lib/check_protocol_events.py" "$WORK/expected.jsonl" "$WORK/events.jsonl" 127.0.0.1 \
    || fail "events from the recorded capture differ"
/usr/bin/python3 "$lib/check_protocol_events.py" "$WORK/expected.jsonl" "$WORK/live_events.jsonl" 127.0.0.1 \
    || fail "events from the live capture differ"
echo "ok: every protocol form gives exact events, recorded and live"
