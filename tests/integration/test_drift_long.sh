#!/usr/bin/env bash
# Drift over a long capture, and what is not drift, end to end (ig_gen capture in, findings
# out): 20 minutes of benign traffic at 40 requests/s (48,000 rows, 48 windows) with an early
# abrupt shift (after 100 rows) or a late gradual one (after 5,000, over 2,000 rows), the
# reference learned from traffic: drift.features findings, none before the shift, the first
# within 400 rows (abrupt) or the ramp, change times within a window. Stationary traffic with
# extraction attackers (uniform and Jacobian queries, a sixth to a third of the rows) raises
# no drift finding. One model reached through KServe v1 and OIP v2 is one model for drift
# (one report directory). The two-minute captures: test_drift_sequential.sh.
. "$(dirname "$0")/lib/common.sh"
gen() { "$IG_BUILD/bench/ig_gen" --quiet "$@" || fail "ig_gen $*"; }
check() { /usr/bin/python3 "$IG_SRC/tests/integration/lib/check_drift_delay.py" "$@"; }
for spec in 100:0 5000:2000; do
    at=${spec%%:*} ramp=${spec#*:}
    name="d1200s-at$at-ramp$ramp-learned"
    gen --scenario benign --clients 6 --requests 48000 --duration 1200 --seed $at \
        --model-seed 42 --drift mean --drift-rows $at --drift-ramp $ramp \
        --out "$WORK/$name.pcap" --manifest "$WORK/$name.json"
    "$IG_BIN" analyze -q --findings "$WORK/$name.jsonl" "$WORK/$name.pcap" 2> "$WORK/$name.err" \
        || fail "$name: analyze: $(cat "$WORK/$name.err")"
    max=400; [ $ramp != 0 ] && max=$ramp
    check "$name" "$WORK/$name.json" "$WORK/$name.jsonl" $max || fail "$name"
    rm -f "$WORK/$name.pcap"
done
# Attackers are not drift: a sixth to a third of the rows are extraction queries (uniform
# and Jacobian), some sent before the attackers are flagged, and no natural drift.
for req in 3000 1500; do
    for seed in 1 9; do
        gen --scenario extraction --clients 6 --requests $req --duration 300 --seed $seed \
            --drift none --out "$WORK/atk.pcap"
        "$IG_BIN" analyze -q --findings "$WORK/atk.jsonl" "$WORK/atk.pcap" 2>/dev/null \
            || fail "analyze attackers"
        grep -q '"name":"extraction\.' "$WORK/atk.jsonl" || fail "attackers $req/$seed: no extraction finding"
        n=$({ grep -c '"name":"drift\.' "$WORK/atk.jsonl" || true; })
        [ "$n" = 0 ] || fail "attackers $req/$seed: $n drift findings without natural drift"
    done
done
echo "attackers: no drift finding in 4 captures"
# One model, two protocols: KServe v1 and OIP v2 clients of the same model name.
gen --scenario benign --clients 6 --requests 6000 --duration 120 --seed 4 --protocol mixed \
    --drift mean --drift-rows 2000 --out "$WORK/mixed.pcap" --manifest "$WORK/mixed.json"
"$IG_BIN" analyze -q --findings "$WORK/mixed.jsonl" --events "$WORK/mixed.events" \
    --reports "$WORK/mixed-rep" "$WORK/mixed.pcap" 2>/dev/null || fail "analyze mixed"
protos=$(grep -o '"protocol":"[a-z_0-9]*"' "$WORK/mixed.events" | sort -u | wc -l)
[ "$protos" -ge 2 ] || fail "mixed: only $protos protocol(s) in the events"
dirs=$(find "$WORK/mixed-rep" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$dirs" = 1 ] || fail "mixed: $dirs report directories for one model"
# (rows here count the chat clients' requests too, which carry no tensor: a quarter more)
check mixed "$WORK/mixed.json" "$WORK/mixed.jsonl" 550 || fail mixed
echo "ok: drift found soon after each shift over 20 minutes, none from attackers, one model over two protocols"
