#!/usr/bin/env bash
# findings.suppress in the fleet: one pod (analyze of the demo capture) publishes its events;
# `inferguard aggregate` over them, without and with the list of test_suppress_e2e.sh
# (adversarial.* from the boundary walker's address, drift.predictions by a model prefix, an
# entry matching nothing). Asserts: with the list the fleet publishes every (analytic, client)
# it publishes without it except the suppressed ones, none of those, and its summary counts
# each entry (the walker's raises: as many as the run without the list published, Creates
# and Update counts). An aggregator reads the list again at SIGHUP (below).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"
export INFERGUARD_ID_SECRET=suppress-fleet
"$IG_BUILD/bench/ig_gen" --scenario demo --seed 3 --out "$WORK/demo.pcap" --quiet
kafka_mock_start
kafka_mock_cmd "topic ev 4"
printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/sp0" > "$WORK/pod.yaml"
POD_NAME=pod-a "$IG_BIN" analyze -c "$WORK/pod.yaml" --rules "$IG_SRC/rules" --kafka "$KAFKA" --events-topic ev \
  --findings "$WORK/pod.jsonl" "$WORK/demo.pcap" 2> "$WORK/pod.err" || { tail "$WORK/pod.err"; fail "analyze failed"; }
LIST='findings:
  suppress:
    - {analytic: adversarial.*, source: 127.66.0.3/32, comment: what-if explainer}
    - {analytic: "*", source: "2001:db8::/32"}
    - {analytic: drift.predictions, model: "demo-*"}'
for run in 0 1; do
  printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/sp$run" > "$WORK/agg$run.yaml"
  [ $run = 1 ] && printf '%s\n' "$LIST" >> "$WORK/agg$run.yaml"
  "$IG_BIN" aggregate -c "$WORK/agg$run.yaml" --rules "$IG_SRC/rules" --kafka "$KAFKA" --events-topic ev \
    --group "g$run" --findings "$WORK/fleet$run.jsonl" --until-idle 5s 2> "$WORK/agg$run.err" \
    || { tail "$WORK/agg$run.err"; fail "aggregate $run failed"; }
done
/usr/bin/python3 - "$WORK" <<'PY' || fail "see above"
import json, re, sys
w = sys.argv[1]
def load(n):
    return [json.loads(l) for l in open(f"{w}/{n}") if l.strip()]
def who(f):
    return (f.get("actor") or {}).get("user", {}).get("uid") or "model"
def entry(f):
    name = f["finding_info"]["analytic"]["name"]
    ip = (f["evidences"][0].get("src_endpoint") or {}).get("ip", "")
    if name.startswith("adversarial.") and ip == "127.66.0.3":
        return 1
    if name == "drift.predictions" and f["resources"][0]["name"].startswith("demo-"):
        return 3
    return 0
f0, f1 = load("fleet0.jsonl"), load("fleet1.jsonl")
pairs = lambda fs: {(f["finding_info"]["analytic"]["name"], who(f)) for f in fs}
walker = {}
for f in f0:
    if entry(f) == 1:
        u = f["finding_info"]["uid"]
        walker[u] = max(walker.get(u, 0), f.get("count", 1))
bad = []
if not walker or not any(entry(f) == 3 for f in f0):
    bad.append("the fleet without the list raised none of what the list suppresses")
if any(entry(f) for f in f1):
    bad.append(f"suppressed findings published: {[(f['finding_info']['analytic']['name'], who(f)) for f in f1 if entry(f)]}")
want = pairs(f for f in f0 if not entry(f))
if pairs(f1) != want:
    bad.append(f"with the list the fleet published {sorted(pairs(f1))}, want {sorted(want)}")
err0, err1 = open(f"{w}/agg0.err").read(), open(f"{w}/agg1.err").read()
if "suppressed  " in err0:
    bad.append("a suppressed line without a list")
m = re.search(r"^  suppressed  (\d+) findings by findings.suppress.*#1 adversarial.\* source 127.66.0.3/32 "
              r"\(what-if explainer\): (\d+); #2 \* source 2001:db8::/32: 0; #3 drift.predictions model demo-\*: (\d+)$",
              err1, re.M)
if not m:
    bad.append("no suppressed line: " + "".join(l for l in err1.splitlines(True) if "suppress" in l or "findings" in l))
elif int(m.group(2)) != sum(walker.values()) or int(m.group(3)) < 1 or int(m.group(1)) != int(m.group(2)) + int(m.group(3)):
    bad.append(f"counts {m.groups()}, want the walker's {sum(walker.values())} raises")
print(f"fleet findings {len(f0)} -> {len(f1)}; walker's raises {sum(walker.values())}; summary {m.groups() if m else None}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

# SIGHUP: an aggregator started without a list reads the first hour of the pod's traffic (the
# events above), gets the list on disk and SIGHUP, then the pod sends the same traffic an hour
# later: the walker's findings of the first hour are published, none of the second; the
# fleet's other findings of the second hour are; the summary counts the list read again.
printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/sp2" > "$WORK/agg2.yaml"
"$IG_BIN" aggregate -c "$WORK/agg2.yaml" --rules "$IG_SRC/rules" --kafka "$KAFKA" --events-topic ev \
  --group g2 --findings "$WORK/fleet2.jsonl" --until-idle 20s 2> "$WORK/agg2.err" &
AGG=$!; BG_PIDS+=($AGG)
for _ in $(seq 300); do
  grep -q '"ip":"127.66.0.3"' "$WORK/fleet2.jsonl" 2>/dev/null && break
  sleep 0.2
done
grep -q '"ip":"127.66.0.3"' "$WORK/fleet2.jsonl" || fail "the fleet never told the walker's first hour"
printf '%s\n' "$LIST" >> "$WORK/agg2.yaml"
kill -HUP $AGG
wait_for "$WORK/agg2.err" "findings.suppress read again from $WORK/agg2.yaml: 3 entries" 10
editcap -F pcap -t 3600 "$WORK/demo.pcap" "$WORK/hour2.pcap" > /dev/null || fail "editcap"
hour2_us=$(/usr/bin/python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(32); s,f=struct.unpack("<II",d[24:32]); print(s*1000000+f)' "$WORK/hour2.pcap")
printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/sp3" > "$WORK/pod2.yaml"
POD_NAME=pod-a "$IG_BIN" analyze -c "$WORK/pod2.yaml" --rules "$IG_SRC/rules" --kafka "$KAFKA" --events-topic ev \
  --findings /dev/null "$WORK/hour2.pcap" 2> "$WORK/pod2.err" || { tail "$WORK/pod2.err"; fail "analyze, second hour"; }
wait $AGG || { tail "$WORK/agg2.err"; fail "aggregate with SIGHUP failed"; }
/usr/bin/python3 - "$WORK" "$hour2_us" <<'PY' || fail "see above"
import json, re, sys
w, hour2 = sys.argv[1], int(sys.argv[2])
fs = [json.loads(l) for l in open(f"{w}/fleet2.jsonl") if l.strip()]
def name(f): return f["finding_info"]["analytic"]["name"]
def ip(f): return (f["evidences"][0].get("src_endpoint") or {}).get("ip", "")
def late(f): return f["finding_info"]["first_seen_time"] * 1000 >= hour2
walker = [f for f in fs if name(f).startswith("adversarial.") and ip(f) == "127.66.0.3"]
bad = []
if not any(not late(f) for f in walker):
    bad.append("no walker finding of the first hour")
if any(late(f) for f in walker):
    bad.append("walker findings of the second hour published after the list was read again")
if any(late(f) and name(f) == "drift.predictions" for f in fs):
    bad.append("drift.predictions of the second hour published")
others = sorted({name(f) for f in fs if late(f)})
if not others:
    bad.append("no fleet finding at all in the second hour")
err = open(f"{w}/agg2.err").read()
m = re.search(r"^  suppressed  (\d+) findings by findings.suppress.*the list read again 1 times, its "
              r"entries counted since: #1 adversarial.\* source 127.66.0.3/32 \(what-if explainer\): (\d+);", err, re.M)
if not m or int(m.group(2)) < 1:
    bad.append("summary: " + "".join(l for l in err.splitlines(True) if "suppress" in l))
print(f"second hour: {others}; walker first hour {sum(not late(f) for f in walker)} records; summary {m.groups() if m else None}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
echo "ok: the aggregator suppresses and counts what its list names, publishes the rest, and reads the list again at SIGHUP"
