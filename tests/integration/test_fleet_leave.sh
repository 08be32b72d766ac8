#!/usr/bin/env bash
# A member leaving the group loses nothing for the member that stays. Two `aggregate`
# members of one group hold the events topic's partitions while a pod publishes; every
# event waits in their lateness window (--lateness 600s) until they end (--until-idle). B
# ends first: its leaving revokes A's partitions (an eager rebalance: A drops the events
# waiting there, for their next owner) while A's own idle time is about to run out. A must
# take its partitions back and inspect those events before it ends (it once ended in the
# middle of that rebalance: its clients' findings were lost, the 1-in-5 failure of
# test_fleet_rotation). Asserted: every published event is inspected by A or B once (replays
# to rebuild state aside), and every (client, analytic) one uninterrupted aggregator raises
# is raised by A or B.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"
command -v kcat >/dev/null || fail "kcat missing (Debian kcat)"

"$IG_BUILD/bench/ig_gen" --scenario mixed --requests 1500 --seed 7 --out "$WORK/a.pcap" --quiet
kafka_test_rules
kafka_mock_start
kafka_mock_cmd "topic ev 4"
conf() {   # conf NAME: a config with its own spool (one spool per process)
  printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n  properties:\n    session.timeout.ms: "6000"\n    heartbeat.interval.ms: "500"\n' \
    "$WORK/spool.$1" > "$WORK/$1.yaml"
}
agg() {   # agg NAME GROUP IDLE: one member, findings to $WORK/NAME.jsonl
  conf "$1"
  timeout 300 "$IG_BIN" aggregate -c "$WORK/$1.yaml" --rules "$WORK/rules" --kafka "$KAFKA" --events-topic ev \
    --group "$2" --findings "$WORK/$1.jsonl" --lateness 600s --until-idle "$3" -v 2> "$WORK/$1.err" \
    || { tail "$WORK/$1.err"; fail "aggregate $1 exited $?"; }
}
agg A g 9s & a=$!; BG_PIDS+=($a)
wait_for "$WORK/A.err" '"msg":"assigned ev\[3\]' 60
agg B g 6s & b=$!; BG_PIDS+=($b)
wait_for "$WORK/B.err" '"msg":"assigned ev' 60
for _ in $(seq 300); do [ "$(grep -c '"msg":"assigned' "$WORK/A.err")" -gt 4 ] && break; sleep 0.1; done
[ "$(grep -c '"msg":"assigned' "$WORK/A.err")" -gt 4 ] || fail "member A was not given its share after B joined"
conf pod
"$IG_BIN" analyze -c "$WORK/pod.yaml" --rules "$WORK/rules" --kafka "$KAFKA" --events-topic ev \
  --findings /dev/null "$WORK/a.pcap" 2> "$WORK/pod.err" || { tail "$WORK/pod.err"; fail "publishing"; }
wait "$b" || fail "aggregate B failed"
wait "$a" || fail "aggregate A failed"
# the reference: one member alone, after the fact
agg C gC 3s
grep -Eq "events  *[1-9][0-9]* received" "$WORK/C.err" || fail "aggregate C received nothing"
grep -q "[1-9][0-9]* dropped at revocation" "$WORK/A.err" \
  || echo "note: A dropped nothing at revocation this time (B's leaving came after A's end)"
n=$(grep -o "events topic ev: published [0-9]*" "$WORK/pod.err" | awk '{print $5}')
/usr/bin/python3 - "$WORK" "$n" <<'PY' || fail "see above"
import json, re, sys
w, n = sys.argv[1], int(sys.argv[2])
seen = 0
for m in ("A", "B"):
    e = re.search(r"events +(\d+) received \((\d+) replayed.*?(\d+) dropped at revocation\), (\d+) inspected",
                  open(f"{w}/{m}.err").read())
    rec, rep, drop, insp = map(int, e.groups())
    print(f"member {m}: {rec} received, {rep} replayed, {drop} dropped at revocation, {insp} inspected")
    seen += insp - rep
if seen != n:
    sys.exit(f"FAIL: {n} events published, {seen} inspected by the members (replays aside)")
def told(name):
    out = set()
    for l in open(f"{w}/{name}.jsonl"):
        if l.strip():
            f = json.loads(l)
            out.add((f.get("actor", {}).get("user", {}).get("uid", ""), f["finding_info"]["analytic"]["name"]))
    return out
a, b, c = told("A"), told("B"), told("C")
print(f"(client, analytic) pairs: one member {len(c)}, A {len(a)}, B {len(b)}")
lost = c - a - b
if len(c) < 5:
    sys.exit(f"FAIL: the reference raised only {len(c)} (the comparison would prove little)")
if lost:
    sys.exit(f"FAIL: lost when B left: {sorted(lost)[:10]} ({len(lost)} in all)")
PY
echo "ok: a member's leaving loses nothing: the other takes its partitions back and inspects their events"
