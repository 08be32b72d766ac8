#!/usr/bin/env bash
# Drift caught soon after the change, end to end (ig_gen capture in, findings out), on
# two-minute captures: benign traffic whose inputs shift after 100, 500 or 5,000 rows,
# abruptly or gradually (the drifted share rising over 2,000 rows), with the reference
# learned from traffic or built by `inferguard baseline build` from a clean capture. Each
# gives drift.features findings, none before the shift; an abrupt shift is flagged within a
# few hundred rows, and every finding's estimated change time lies within one window (1,000
# rows) of the true one (of the ramp, for a gradual one). Long captures, attackers and one
# model over two protocols: test_drift_long.sh (two tests, so ctest runs them side by side:
# together they took up to 30 min under ASan on a loaded machine, their old timeout).
. "$(dirname "$0")/lib/common.sh"
gen() { "$IG_BUILD/bench/ig_gen" --quiet "$@" || fail "ig_gen $*"; }
check() { /usr/bin/python3 "$IG_SRC/tests/integration/lib/check_drift_delay.py" "$@"; }
# The baseline: other traffic (seed 11) of the same model (model seed 42).
gen --scenario benign --clients 6 --requests 3000 --duration 120 --seed 11 --model-seed 42 \
    --drift none --out "$WORK/clean.pcap"
"$IG_BIN" baseline build --out "$WORK/ref.msgpack" "$WORK/clean.pcap" > /dev/null 2>&1 \
    || fail "baseline build"
mkdir "$WORK/rules-base"
cat > "$WORK/rules-base/drift.yaml" <<YAML
- detector: drift.features
  throttle: 0s
  params:
    reference: $WORK/ref.msgpack
YAML
for at in 100 500 5000; do
    for ramp in 0 2000; do
        for ref in learned baseline; do
            name="d120s-at$at-ramp$ramp-$ref"
            gen --scenario benign --clients 6 --requests 12000 --duration 120 --seed $at \
                --model-seed 42 --drift mean --drift-rows $at --drift-ramp $ramp \
                --out "$WORK/$name.pcap" --manifest "$WORK/$name.json"
            rules=(); [ $ref = baseline ] && rules=(--rules "$WORK/rules-base")
            "$IG_BIN" analyze -q "${rules[@]}" --findings "$WORK/$name.jsonl" \
                "$WORK/$name.pcap" 2> "$WORK/$name.err" || fail "$name: analyze: $(cat "$WORK/$name.err")"
            # abrupt: a few hundred rows; gradual: within the ramp
            max=400; [ $ramp != 0 ] && max=$ramp
            check "$name" "$WORK/$name.json" "$WORK/$name.jsonl" $max || fail "$name"
            rm -f "$WORK/$name.pcap"
        done
    done
done
echo "ok: drift found soon after each shift (two-minute captures), change times within a window"
