#!/usr/bin/env bash
# Drift end to end: ig_gen captures whose benign inputs shift part-way (a feature mean,
# scaling, brightness, class prior) give drift findings only after the shift and the
# window reports say so; a capture without a shift gives none. Reports follow the schema
# of rules/schema.md and the index links them all. Live: the shifted and the unshifted
# capture replayed onto lo (replay_lo.py) make `inferguard run` report the same events and
# the same drift.features / drift.predictions findings as analyze does.
. "$(dirname "$0")/lib/common.sh"
check=$IG_SRC/tests/integration/lib/check_drift.py
for kind in none mean scale brightness prior; do
    "$IG_BUILD/bench/ig_gen" --scenario benign --clients 6 --requests 6000 --seed 5 \
        --drift "$kind" --drift-at 0.55 --out "$WORK/$kind.pcap" \
        --manifest "$WORK/$kind.json" --quiet || fail "ig_gen --drift $kind"
    "$IG_BIN" analyze -q --findings "$WORK/$kind.findings.jsonl" --reports "$WORK/rep-$kind" \
        "$WORK/$kind.pcap" 2> "$WORK/$kind.err" || fail "analyze ($kind) exited $?: $(cat "$WORK/$kind.err")"
    python3 "$check" "$WORK/$kind.json" "$WORK/$kind.findings.jsonl" "$WORK/rep-$kind" "$kind" \
        || fail "drift $kind"
done
count() { { grep -o "\"analytic\":{\"name\":\"$1\"" "$2" || true; } | wc -l; }
for kind in mean none; do
    "$IG_BIN" analyze -q --events "$WORK/$kind.events.jsonl" --findings /dev/null "$WORK/$kind.pcap"
    : > "$WORK/$kind.run.err"
    "$IG_BIN" run -i lo --bpf "tcp port 8080 and net 127.1.0.0/16" \
        --events "$WORK/$kind.live_events.jsonl" --findings "$WORK/$kind.live_findings.jsonl" \
        2> "$WORK/$kind.run.err" &
    run=$!; BG_PIDS+=($run)
    wait_for "$WORK/$kind.run.err" capturing 10
    python3 "$IG_SRC/tests/integration/lib/replay_lo.py" "$WORK/$kind.pcap" > /dev/null \
        || fail "replaying $kind onto lo"
    sleep 1
    kill -TERM "$run"
    wait "$run" || fail "inferguard run ($kind) exited $? ($(tail -5 "$WORK/$kind.run.err"))"
    a=$(wc -l < "$WORK/$kind.events.jsonl") b=$(wc -l < "$WORK/$kind.live_events.jsonl")
    [ "$a" = "$b" ] || fail "live $kind: $b events, analyze gave $a"
    for an in drift.features drift.predictions; do
        a=$(count $an "$WORK/$kind.findings.jsonl") b=$(count $an "$WORK/$kind.live_findings.jsonl")
        [ "$a" = "$b" ] || fail "live $kind: $b $an findings, analyze gave $a"
    done
    if [ $kind = none ]; then
        ! grep -q '"name":"drift\.' "$WORK/$kind.live_findings.jsonl" || fail "live drift finding without a shift"
    else
        [ "$(count drift.features "$WORK/$kind.live_findings.jsonl")" -ge 1 ] || fail "no live drift.features"
    fi
done
echo "ok: drift found after each kind of shift and never before; none without a shift; run agrees live"
