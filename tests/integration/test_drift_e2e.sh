#!/usr/bin/env bash
# Drift end to end: ig_gen captures whose benign inputs shift part-way (a feature mean,
# scaling, brightness, class prior) give drift findings only after the shift and the
# window reports say so; a capture without a shift gives none. Reports follow the schema
# of rules/schema.md and the index links them all.
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
echo "ok: drift found after each kind of shift and never before; none without a shift"
