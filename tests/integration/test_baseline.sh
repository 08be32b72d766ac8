#!/usr/bin/env bash
# inferguard baseline build: the reference profile built from captures equals the one built
# from the events file of the same captures, and the drift detector accepts it as its
# reference (drift found on the shifted half of the demo capture against it).
. "$(dirname "$0")/lib/common.sh"
"$IG_BUILD/bench/ig_gen" --scenario demo --seed 3 --out "$WORK/demo.pcap" --quiet
"$IG_BUILD/bench/ig_gen" --scenario benign --seed 4 --clients 6 --requests 1500 --dim 16 \
    --classes 4 --model demo-classifier --out "$WORK/benign.pcap" --quiet

"$IG_BIN" analyze -q --findings /dev/null --events "$WORK/events.jsonl" "$WORK/benign.pcap"
"$IG_BIN" baseline build -q --out "$WORK/ref_pcap.msgpack" "$WORK/benign.pcap" || fail "build from pcap"
"$IG_BIN" baseline build -q --out "$WORK/ref_events.msgpack" --events "$WORK/events.jsonl" || fail "build from events"
cmp "$WORK/ref_pcap.msgpack" "$WORK/ref_events.msgpack" || fail "profiles from pcap and from events differ"

set +e; "$IG_BIN" baseline build --out "$WORK/x" 2>/dev/null; rc=$?; set -e
[ $rc = 2 ] || fail "missing input should exit 2, got $rc"
: > "$WORK/empty.jsonl"
set +e; "$IG_BIN" baseline build -q --out "$WORK/x" --events "$WORK/empty.jsonl" 2>/dev/null; rc=$?; set -e
[ $rc = 3 ] || fail "no usable events should exit 3, got $rc"

mkdir "$WORK/rules"
cat > "$WORK/rules/drift.yaml" <<YAML
- detector: drift.features
  params:
    reference: $WORK/ref_pcap.msgpack
YAML
"$IG_BIN" analyze -q --rules "$WORK/rules" --findings "$WORK/findings.jsonl" --reports "$WORK/reports" "$WORK/demo.pcap"
grep -q '"name":"drift.features"' "$WORK/findings.jsonl" || fail "no drift finding against the loaded reference"
grep -lq "\"source\":\"$WORK/ref_pcap.msgpack\"" "$WORK"/reports/demo-classifier/*.json \
    || fail "drift reports do not name the loaded reference"
echo "ok: baseline from pcap == from events; loaded reference drives drift"
