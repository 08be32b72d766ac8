#!/usr/bin/env bash
# The fleet through Kafka, end to end. Three replicas of a real scikit-learn model server
# (same seed, same model) behind a round-robin L7 load balancer (each client spreads its
# requests over the three, attack_clients.py --ports); each replica's traffic is captured on
# its own (three pods' views). Benign clients, then six attackers (JbDA, uniform random,
# HopSkipJump-style, SimBA, score harvesting, and a steady flood at 42 requests/s: 140 per
# 10 s window on each pod (at most ~145 in the detector's window, which may hold one bucket
# more), under a per-client rate limit of 150 per 10 s, 2.8x that limit for the service). The shipped rules, with that limit as abuse.rate's explicit quota
# (max_requests), as a deployment sets its gateway's limit: abuse.rate's relative limits
# (multiples of the model's other clients' rates) grow with the fleet as every client's
# count does, so a flood under a pod's relative limit stays under the fleet's.
# Reference: one sensor seeing everything (analyze --merge of the three captures).
# Fleet: each pod's sidecar (`inferguard run -i lo` on its replica's port, live while the
# clients run) publishes its events (--events-topic) and its own findings (the findings
# topic) to librdkafka's mock cluster, and `inferguard aggregate`:
#  D. live: one member runs from before the first request; a second joins the group while
#     the attackers run (a rebalance during live traffic: partitions, and perhaps the model
#     owner's partition 0, move between them); together they tell what one uninterrupted
#     aggregator (C, after the traffic) tells, per-model analytics included, each once;
#  1. stopped after part of the events (--max-events) and restarted (same group): state is
#     rebuilt by replay, nothing that an uninterrupted aggregator tells is lost, no fleet
#     finding twice within its throttle window.
# Asserts, scoring what a SIEM receives (pods' findings + fleet findings): every attacker
# caught, its queries to detection within 1.5x of the single sensor's, no benign client;
# the paced flood raised by no pod and by the fleet.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"
source "$(dirname "$0")/lib/model_stack.sh"
source "$(dirname "$0")/lib/fleet.sh"
need_model_stack
command -v kcat >/dev/null || fail "kcat missing (Debian kcat)"

fleet_replicas
cp -r "$IG_SRC/rules" "$WORK/rules"
sed -i 's/^    # max_requests: 100 .*/    max_requests: 150/' "$WORK/rules/abuse.yaml"
grep -q '^    max_requests: 150' "$WORK/rules/abuse.yaml" || fail "could not set the quota in rules/abuse.yaml"
kafka_mock_start
kafka_mock_cmd "topic ev 4"
kafka_mock_cmd "topic fd 4"
kafka_mock_cmd "topic fdD 4"
# each pod's sidecar, live on its replica's port: own findings to fd, every event to ev
runs=()
for i in 1 2 3; do
  fleet_conf pod$i
  POD_NAME=pod-$i "$IG_BIN" run -c "$WORK/pod$i.yaml" -i lo --bpf "$(server_bpf "${ports[$((i - 1))]}")" \
    --rules "$WORK/rules" --kafka "$KAFKA" --topic fd --events-topic ev --findings "$WORK/pod$i.jsonl" \
    2> "$WORK/pod$i.err" &
  runs+=($!); BG_PIDS+=($!)
done
for i in 1 2 3; do wait_for "$WORK/pod$i.err" capturing 10; done
fleet_record_start

agg() {   # agg NAME GROUP [options]: one aggregate run, findings to $WORK/NAME.jsonl
  local name=$1 group=$2; shift 2
  fleet_conf "$name"
  timeout 400 "$IG_BIN" aggregate -c "$WORK/$name.yaml" --rules "$WORK/rules" --kafka "$KAFKA" \
    --events-topic ev --group "$group" --findings "$WORK/$name.jsonl" "$@" 2> "$WORK/$name.err" \
    || { tail "$WORK/$name.err"; fail "aggregate $name exited $?"; }
}
# D1: a member of group gD, live from before the first request (fleet findings to fdD, which
# no pod writes to: members hold back what the other told there)
# (60 s idle: under load the pods' events came in bursts up to ~20 s apart)
agg D1 gD --topic fdD --until-idle 60s -v &
d1=$!; BG_PIDS+=($d1)
wait_for "$WORK/D1.err" '"msg":"assigned ev\[3\]' 60
# D2 joins once phase 2 (the attackers, 30 s at least) has begun: a rebalance during live
# traffic (an ASan start and a group join take 10-40 s on a loaded machine)
(
  for i in 1 2 3 4 5 6; do
    for _ in $(seq 600); do [ -s "$WORK/client.127.0.0.1$i.$i.json" ] && break; sleep 0.1; done
  done
  date +%s%3N > "$WORK/D2.start"
  agg D2 gD --topic fdD --until-idle 60s -v
) &
d2=$!; BG_PIDS+=($d2)

# the paced flood: 42 requests/s for 30 s, one replica in three each
PACED_FLOOD="42 1260" attack_phases
date +%s%3N > "$WORK/traffic.end"
fleet_record_stop
for i in 1 2 3; do
  kill -TERM "${runs[$((i - 1))]}"
  wait "${runs[$((i - 1))]}" || { tail "$WORK/pod$i.err"; fail "pod $i run exited $?"; }
  grep -q "events topic ev: published [1-9][0-9]*, delivered [1-9]" "$WORK/pod$i.err" || { tail -3 "$WORK/pod$i.err"; fail "pod $i published no events"; }
done
cat "$WORK"/client.*.json > "$WORK/clients.jsonl"

# the reference: one sensor seeing all three replicas
"$IG_BIN" analyze --merge --rules "$WORK/rules" --events "$WORK/all.ev" --findings "$WORK/one.jsonl" \
  --reports "$WORK/rep.one" "$WORK/r1.pcap" "$WORK/r2.pcap" "$WORK/r3.pcap" 2> "$WORK/one.err" || { tail "$WORK/one.err"; fail "analyze --merge"; }

nev=$(grep -ho "events topic ev: published [0-9]*" "$WORK"/pod?.err | awk '{s += $5} END {print s}')

# C: uninterrupted, alone, no findings topic (what the fleet's detectors raise, nothing held back)
agg C gC --until-idle 5s --reports "$WORK/rep.C"
grep -q "events  *$nev received" "$WORK/C.err" || { cat "$WORK/C.err"; fail "aggregate C did not receive all $nev events"; }
# 1. A stops after a third of the events, B (same group) restarts and finishes; both hold
#    back what pods told (--topic fd)
agg A gAB --topic fd --max-events $((nev / 3)) --until-idle 30s
agg B gAB --topic fd --until-idle 5s
grep -q "replayed to rebuild state" "$WORK/B.err"
grep -Eq "\(([1-9][0-9]*) replayed" "$WORK/B.err" || { cat "$WORK/B.err"; fail "the restarted aggregator replayed nothing"; }
# D: both members end 60 s after the last event; D2 joined while the traffic ran
wait "$d2" || fail "aggregate D2 failed"
wait "$d1" || fail "aggregate D1 failed"
[ "$(cat "$WORK/D2.start")" -lt "$(cat "$WORK/traffic.end")" ] || fail "D2 started after the traffic ended"
t2=$($PY -c 'import json,sys,datetime
for l in open(sys.argv[1]):
    if l.startswith("{") and "\"msg\":\"assigned" in l:
        ts = json.loads(l)["ts"]
        print(int(datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)); break' "$WORK/D2.err")
[ -n "$t2" ] && [ "$t2" -lt "$(cat "$WORK/traffic.end")" ] || fail "D2 was not assigned partitions while the traffic ran"
n1=$(grep -c '"msg":"assigned' "$WORK/D1.err" || true)
[ "$n1" -gt 4 ] || fail "no rebalance: D1 was assigned partitions only once ($n1)"
grep -q "model owner [1-9]" "$WORK/D1.err" "$WORK/D2.err" || fail "no model owner in D"

$PY - "$WORK" <<'PY' || fail "see above"
import collections, json, sys
w = sys.argv[1]
def load(name):
    try:
        return [json.loads(l) for l in open(f"{w}/{name}.jsonl") if l.strip()]
    except FileNotFoundError:
        return []
def ip(f):
    return (f["evidences"][0].get("src_endpoint") or {}).get("ip", "")
def name(f):
    return f["finding_info"]["analytic"]["name"]
clients = {}
for l in open(f"{w}/clients.jsonl"):
    c = json.loads(l)
    clients.setdefault(c["source"], c["role"])
# each attacker's rows by event time (the reference's events: all replicas merged)
rows = collections.defaultdict(list)
for l in open(f"{w}/all.ev"):
    e = json.loads(l)
    rows[e["client"]["ip"]].append((e["time"], e.get("rows", 0)))
def queries_by(src, t_ms):
    return sum(r for t, r in rows[src] if t // 1000 <= t_ms)
def first(findings):
    out = {}
    for f in findings:
        if f["activity_id"] != 1:
            continue
        k = ip(f)
        if k and (k not in out or f["time"] < out[k][0]):
            out[k] = (f["time"], name(f))
    return out
one = load("one")
pods = load("pod1") + load("pod2") + load("pod3")
fleetAB = load("A") + load("B")
fleetC, fleetD = load("C"), load("D1") + load("D2")
for f in fleetAB + fleetC + fleetD:
    u = f["unmapped"]
    assert u.get("scope") == "fleet" and u.get("pods"), u
bad = []
# the fleet's own detection (C: nothing held back) against the single sensor; what the
# SIEM got (pods + fleet A+B) must catch every attacker
ref, fleet, siem = first(one), first(fleetC), first(pods + fleetAB)
print(f"findings: single sensor {len(one)}, pods {len(pods)}, fleet A+B {len(fleetAB)}, C {len(fleetC)}, D {len(fleetD)}")
for src, role in sorted(clients.items()):
    if role == "benign":
        for f in pods + fleetAB + fleetC + fleetD:
            if ip(f) == src:
                bad.append(f"benign {src} flagged by {name(f)} ({f['unmapped'].get('scope', 'pod')})")
        continue
    r, s, told = ref.get(src), fleet.get(src), siem.get(src)
    qr = queries_by(src, r[0]) if r else None
    qs = queries_by(src, s[0]) if s else None
    pod_only = first(pods).get(src)
    print(f"{role:9s} {src}: single sensor {r and r[1]} after {qr} queries; fleet {s and s[1]} after {qs} "
          f"queries; pods alone {pod_only and pod_only[1]} after {pod_only and queries_by(src, pod_only[0])}")
    if not told:
        bad.append(f"{role} {src} not told by pods or fleet")
    if not s:
        bad.append(f"{role} {src} not caught by the fleet's detectors")
    elif r and qs > 1.5 * qr:
        bad.append(f"{role} {src}: {qs} queries to detection vs {qr} for one sensor (> 1.5x)")
# no fleet finding twice within its window (60 s default throttle) across restart / members.
# drift.* is left out of the duplicate check (it may fire twice on its own within seconds)
# and of the live members' comparison (live arrival interleaves the clients' events
# otherwise than a batch run): C's drift is compared with one sensor's below, through the
# drift reports, window by window; D's drift findings with C's (a rebalance during live
# traffic neither loses the model owner's drift nor makes one up).
def drift(f):
    return name(f).startswith("drift.")
for label, fs in (("single sensor", one), ("C", fleetC), ("D", fleetD)):
    print(f"drift findings, {label}: {sorted((f['time'], name(f)) for f in fs if drift(f))}")
def dups(fs):
    by = collections.defaultdict(list)
    for f in fs:
        if f["activity_id"] == 1 and not drift(f):
            by[(ip(f), name(f))].append(f["time"])
    return [(k, v) for k, v in by.items() if any(b - a < 60000 for a, b in zip(sorted(v), sorted(v)[1:]))]
for label, fs in (("A+B", fleetAB), ("D1+D2", fleetD), ("C", fleetC)):
    d = dups(fs)
    if d:
        bad.append(f"duplicate fleet findings in {label}: {d[:3]}")
# nothing lost: what the uninterrupted aggregator tells is told (by a pod or the fleet)
told = {(ip(f), name(f)) for f in pods + fleetAB}
lost = {(ip(f), name(f)) for f in fleetC} - told
if lost:
    bad.append(f"lost across the restart: {sorted(lost)}")
# two members live, with a rebalance while the traffic ran, tell what one member tells
# (per-model analytics too: the model owner reads every partition)
# drift (the model owner's): the uninterrupted aggregator's windows against one sensor's,
# from their reports. The same reference (the model's first rows by event time), the same
# windows (the reference's first and last rows may be other events of the same instant: one
# sensor takes events in the order their responses complete, the fleet by request time:
# its start and end within a request's latency, 1 s at most; measured 0-43 ms), the same verdicts; the rows kept out as flagged clients' may differ at the edges:
# a window holds a fixed count of rows, and the requests in flight at its first and last row
# fall on either side of it in the two orders (a batch in flight moves up to its 20-50 rows;
# measured 0-32 rows in 24 windows of 8 runs):
# at most 16 rows or 5 % of a window. Both flag a client on the event that raised its
# finding, so a window closing before the client's next event keeps its rows out on both
# (the fleet flagged it one event later: 554 vs 607 in CI); but the event that raised it may
# itself be a request in flight at the window's last row: one sensor, taking it as its
# response completed, flagged the client before the close, the fleet (by request time)
# after, and every row of that client in the window moves (the score harvester's 88 rows:
# 568 vs 480, its finding's request 62 ms after the window's end on both sides). Such a
# client's rows in the window (a first finding on either side within 0.5 s of the window's
# end) are added to the tolerance. Flagged clients count as
# the population only when nearly all are flagged, which this traffic (six attackers and
# six ordinary clients) is far from (a majority rule flipped on one side only: 0 vs 202).
# The same drift findings.
import datetime, glob
def us(iso):   # the pods' live capture and dumpcap's files stamp the same packet a few µs apart
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp() * 1e6)
def reports(d):
    return sorted((json.load(open(p)) for p in glob.glob(f"{w}/{d}/*/*.json")),
                  key=lambda r: (r["model"], r["window"]["index"]))
rone, rc = reports("rep.one"), reports("rep.C")
def verdict(r):
    v = r["verdict"]
    return (v["features_drifted"], v["predictions_drifted"], v["confidence_drifted"])
print(f"drift windows: single sensor {len(rone)}, C {len(rc)}")
if not rone or len(rone) != len(rc):
    bad.append(f"drift windows differ: single sensor {len(rone)}, C {len(rc)}")
for a, b in zip(rone, rc):
    wa, wb = a["window"], b["window"]
    ea, eb = a["attribution"]["rows_excluded"], b["attribution"]["rows_excluded"]
    print(f"  window {wa['index']}: rows {wa['rows']}+{ea} excluded / {wb['rows']}+{eb}, verdict {verdict(a)} / {verdict(b)}")
    ra, rb = a["reference"], b["reference"]
    if (a["model"], wa["index"]) != (b["model"], wb["index"]) or ra["rows"] != rb["rows"] \
            or abs(us(ra["start"]) - us(rb["start"])) > 1000000 or abs(us(ra["end"]) - us(rb["end"])) > 1000000:
        bad.append(f"drift window {wa['index']}: another window or reference in C: {a['model']} {ra} / {b['model']} {rb}")
    elif verdict(a) != verdict(b):
        bad.append(f"drift window {wa['index']}: verdict {verdict(a)} vs {verdict(b)} in C")
    else:
        lo, hi = us(wa["start"]), us(wa["end"])
        edge = min(hi, us(wb["end"])) - 500000, max(hi, us(wb["end"])) + 500000
        moved = {src for src, (t, _) in list(first(one).items()) + list(first(fleetC).items())
                 if edge[0] <= t * 1000 <= edge[1]}
        slack = sum(r for src in moved for t, r in rows[src] if lo <= t <= hi)
        if slack:
            print(f"  window {wa['index']}: clients flagged at its end {sorted(moved)}: {slack} rows of tolerance")
        if abs(ea - eb) > max(16, 0.05 * (wa["rows"] + ea)) + slack:
            bad.append(f"drift window {wa['index']}: {ea} rows of flagged clients kept out vs {eb} in C")
# A drift.features finding on one side only is accepted when its decision hung on one
# feature's test: exactly the threshold's count of drifted features (drift_share of the
# shipped rules), where a few rows more or less at a window's edge flip one test. Seen in
# CI: C's sequential detector raised one that one sensor did not, with the same window
# verdicts on both sides.
import math, re as _re
share = float(_re.search(r"^\s*drift_share:\s*([0-9.]+)", open(f"{w}/rules/drift.yaml").read(), _re.M).group(1))
def at_threshold(f):
    sc = f["unmapped"].get("scores", {})
    n, k = sc.get("features"), sc.get("drifted_features")
    return name(f) == "drift.features" and n and k is not None and k <= math.ceil(share * n - 1e-9)
def same_drift(a, b, la, lb):
    na, nb = {name(f) for f in a if drift(f)}, {name(f) for f in b if drift(f)}
    for nm in sorted(na ^ nb):
        side = [f for f in (a if nm in na else b) if name(f) == nm]
        if all(at_threshold(f) for f in side):
            print(f"drift findings: {nm} in {la if nm in na else lb} only, at the threshold (one feature's test): borderline, accepted")
        else:
            for f in side:   # what the next reader needs to tell a flake from a fault
                print(f"one-sided {nm}: time {f['time']} scores {f['unmapped'].get('scores')}")
            bad.append(f"drift findings: {la} {sorted(na)}, {lb} {sorted(nb)}")
            return
same_drift(one, fleetC, "single sensor", "C")
same_drift(fleetD, fleetC, "two live members", "one uninterrupted member (C)")
setD = {(ip(f), name(f)) for f in fleetD if not drift(f)}
setC = {(ip(f), name(f)) for f in fleetC if not drift(f)}
if setC - setD:
    bad.append(f"two live members lost what one tells: {sorted(setC - setD)}")
if setD - setC:
    print(f"two live members told more than one: {sorted(setD - setC)}")
# the paced flood: under the per-pod floor on every pod, over it for the service
for src, role in clients.items():
    if role != "paced":
        continue
    by_pods = [f for f in pods if ip(f) == src and name(f) == "abuse.rate"]
    if by_pods:
        bad.append(f"a pod raised abuse.rate for the paced flood {src} (each should see < 150 per 10 s)")
    for label, fs in (("C", fleetC), ("D", fleetD), ("A+B", fleetAB + pods)):
        if not any(ip(f) == src and name(f) == "abuse.rate" for f in fs):
            bad.append(f"fleet {label} did not raise abuse.rate for the paced flood {src}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
grep -h "rebalance callbacks\|replayed to" "$WORK/D1.err" "$WORK/D2.err"
# the live members' lag (docs/fleet.md, "Lag"): printed for the record, not judged (timing)
grep -h -A3 "^  lag " "$WORK/D1.err" "$WORK/D2.err"
echo "ok: fleet catches every attacker (the paced flood too) within 1.5x of one sensor; a restart and a live rebalance lose nothing, repeat nothing"
