#!/usr/bin/env bash
# Drift caught soon after the change, end to end (ig_gen capture in, findings out):
# benign traffic whose inputs shift after 100, 500 or 5,000 rows, abruptly or gradually
# (the drifted share rising over 2,000 rows), in a two-minute and a long capture, with the
# reference learned from traffic or built by `inferguard baseline build` from a clean
# capture. Each gives drift.features findings, none before the shift; an abrupt shift is
# flagged within a few hundred rows, and every finding's estimated change time lies within
# one window (1,000 rows) of the true one (of the ramp, for a gradual one). Stationary traffic with extraction attackers
# (uniform and Jacobian queries, a sixth of the rows) raises no drift finding. One model
# reached through KServe v1 and OIP v2 is one model for drift (one report directory).
. "$(dirname "$0")/lib/common.sh"
gen() { "$IG_BUILD/bench/ig_gen" --quiet "$@" || fail "ig_gen $*"; }
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
check() {   # check NAME MANIFEST FINDINGS MAX_DELAY_ROWS
    /usr/bin/python3 - "$@" <<'PY'
import json, sys
name, man, fin, max_delay = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], int(sys.argv[4])
at, rows, span = man["drift_at_us"], man["benign_rows"], man["end_us"] - man["start_us"]
rate = rows / (span / 1e6)                      # benign rows per second
found = []
for line in open(fin):
    f = json.loads(line)
    if f["finding_info"]["analytic"]["name"] == "drift.features":
        s = f["unmapped"]["scores"]
        found.append((f["time"] * 1000, s["change_time_us"]))
if not found:
    sys.exit(f"{name}: no drift.features finding")
early = [t for t, _ in found if t < at]
if early:
    sys.exit(f"{name}: {len(early)} drift.features before the shift")
delay = (found[0][0] - at) / 1e6 * rate
ramp = man["drift_ramp_rows"]
for t, c in found:
    off = (c - at) / 1e6 * rate   # rows; a gradual change may be placed anywhere in its ramp
    if off < -1000 or off > 1000 + ramp:
        sys.exit(f"{name}: change estimated {off:+.0f} rows from the shift (ramp {ramp})")
if delay > max_delay:
    sys.exit(f"{name}: first finding {delay:.0f} rows after the shift (max {max_delay})")
print(f"{name}: {len(found)} findings, first {delay:.0f} rows after the shift, "
      f"change estimated {(found[0][1] - at) / 1e6 * rate:+.0f} rows")
PY
}
for dur in 120 1200; do
    # the long capture at 40 requests/s: 48,000 rows, 48 windows (at 100/s this test took
    # 10-30 min under ASan on a loaded CI machine, against its 30 min timeout)
    rate=100; [ $dur = 1200 ] && rate=40
    req=$((dur * rate))
    for at in 100 500 5000; do
        for ramp in 0 2000; do
            for ref in learned baseline; do
                # the long capture: an early abrupt and a late gradual shift, learned
                if [ $dur = 1200 ]; then
                    case "$ref-$at-$ramp" in learned-100-0|learned-5000-2000) ;; *) continue ;; esac
                fi
                name="d${dur}s-at$at-ramp$ramp-$ref"
                gen --scenario benign --clients 6 --requests $req --duration $dur --seed $at \
                    --model-seed 42 \
                    --drift mean --drift-rows $at --drift-ramp $ramp \
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
echo "ok: drift found soon after each shift, change times within a window, none from attackers"
