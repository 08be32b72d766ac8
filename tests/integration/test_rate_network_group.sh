#!/usr/bin/env bash
# abuse.rate's network groups end to end (capture -> flows -> events -> finding): 8
# addresses of one /24 new to the model, one keep-alive connection each, closed loop at
# ~22/s from the start (lib/rate_group_pcap.py writes the capture):
#   - re-sending a small set of records (load generation): reported, evidence network_group;
#   - the same capture begun mid-stream (no handshake seen: a sensor restarted during the
#     flood, a capture started late): the events say "midstream"; what the network did
#     before is unknown, as at a fresh start: reported the same;
#   - scoring a data set, each request a new record (a parallel job): no finding, from the
#     start or picked up mid-stream.
. "$(dirname "$0")/lib/common.sh"
gen() { /usr/bin/python3 "$IG_SRC/tests/integration/lib/rate_group_pcap.py" "$@"; }
run() {   # run NAME GEN-ARGS...: analyze the capture; findings and events under $WORK/NAME.*
  gen --out "$WORK/$1.pcap" "${@:2}"
  "$IG_BIN" analyze -q --rules "$IG_SRC/rules" --findings "$WORK/$1.findings.jsonl" \
      --events "$WORK/$1.events.jsonl" "$WORK/$1.pcap"
}
count() {   # count NAME: abuse.rate findings with evidence network_group
  /usr/bin/python3 - "$WORK/$1.findings.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    f = json.loads(line)
    if f["finding_info"]["analytic"]["name"] == "abuse.rate":
        ev = json.dumps(f)
        assert "network_group" in ev, f"abuse.rate finding without network_group: {ev[:400]}"
        n += 1
print(n)
PY
}
midstream() {   # midstream NAME: how many events carry the flag, of how many
  /usr/bin/python3 - "$WORK/$1.events.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(sum("midstream" in e["flags"] for e in ev), len(ev))
PY
}

run flood --inputs 20
n=$(count flood); [ "$n" -ge 1 ] || fail "the 8-address flood of a new /24 was not reported"
read -r mid all < <(midstream flood)
[ "$mid" = 0 ] && [ "$all" -gt 3000 ] || fail "flood: $mid of $all events flagged midstream (want 0 of > 3000)"

run late --inputs 20 --no-handshake
read -r mid all < <(midstream late)
[ "$mid" = "$all" ] && [ "$all" -gt 3000 ] || fail "late: $mid of $all events flagged midstream (want all)"
n=$(count late); [ "$n" -ge 1 ] || fail "the 8-address flood picked up mid-stream was not reported"

run job --inputs 0
n=$(count job); [ "$n" = 0 ] || fail "a parallel job scoring new records was reported ($n findings)"
run latejob --inputs 0 --no-handshake
n=$(count latejob); [ "$n" = 0 ] || fail "a parallel job picked up mid-stream was reported ($n findings)"

echo "ok: a new /24's 8-address flood reported, also picked up mid-stream; a parallel job of new records quiet, also mid-stream"
