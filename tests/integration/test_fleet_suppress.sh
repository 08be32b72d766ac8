#!/usr/bin/env bash
# findings.suppress in the fleet: one pod (analyze of the demo capture) publishes its events;
# `inferguard aggregate` over them, without and with the list of test_suppress_e2e.sh
# (adversarial.* from the boundary walker's address, drift.predictions by a model prefix, an
# entry matching nothing). Asserts: with the list the fleet publishes every (analytic, client)
# it publishes without it except the suppressed ones, none of those, and its summary counts
# each entry (the walker's raises: as many as the run without the list published, Creates
# and Update counts).
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
echo "ok: the aggregator suppresses and counts what its list names, and publishes the rest"
