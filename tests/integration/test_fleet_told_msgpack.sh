#!/usr/bin/env bash
# The aggregator's hold-back reads pods' findings in either encoding: a pod publishing its
# findings as msgpack (findings.encoding: msgpack) to the findings topic is told as one
# publishing JSON. One pod (analyze of a generated capture) publishes its events and its
# msgpack findings; `aggregate --topic` over those events raises the same findings the pod
# did, and must hold every one back (a SIEM is not told twice); the summary counts the
# msgpack records read and none unreadable.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"

"$IG_BUILD/bench/ig_gen" --scenario mixed --requests 3000 --out "$WORK/a.pcap" --quiet
kafka_mock_start
kafka_mock_cmd "topic ev 4"
kafka_mock_cmd "topic fd 2"
printf 'findings:\n  encoding: msgpack\nkafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/sp1" > "$WORK/pod.yaml"
POD_NAME=pod-a "$IG_BIN" analyze -c "$WORK/pod.yaml" --rules "$IG_SRC/rules" --kafka "$KAFKA" --topic fd \
  --events-topic ev --findings "$WORK/pod.jsonl" "$WORK/a.pcap" 2> "$WORK/pod.err" \
  || { cat "$WORK/pod.err"; fail "analyze failed"; }
npod=$(wc -l < "$WORK/pod.jsonl")
[ "$npod" -ge 3 ] || fail "the mixed capture raised only $npod findings"
# the findings topic holds msgpack records (not JSON)
for i in $(seq 30); do
  kcat -b "$KAFKA" -C -t fd -e -q -f '%h\n' > "$WORK/fd.h" 2>/dev/null || true
  [ "$(wc -l < "$WORK/fd.h")" -ge "$npod" ] && break
  sleep 0.5
done
grep -q "encoding=msgpack" "$WORK/fd.h" || fail "the pod's findings on the topic are not msgpack"

printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/sp2" > "$WORK/agg.yaml"
"$IG_BIN" aggregate -c "$WORK/agg.yaml" --rules "$IG_SRC/rules" --kafka "$KAFKA" --events-topic ev \
  --topic fd --group g1 --findings "$WORK/fleet.jsonl" --until-idle 5s 2> "$WORK/agg.err" \
  || { tail "$WORK/agg.err"; fail "aggregate failed"; }
grep -Eq "findings read from the findings topic \(([0-9]+) of them msgpack, 0 unreadable\)" "$WORK/agg.err" \
  || { grep findings "$WORK/agg.err"; fail "msgpack findings not read"; }
/usr/bin/python3 - "$WORK" <<'PY' || fail "see above"
import json, re, sys
w = sys.argv[1]
def pairs(p):
    out = set()
    for l in open(p):
        f = json.loads(l)
        if f["activity_id"] != 1:
            continue
        out.add(((f.get("actor") or {}).get("user", {}).get("uid") or "model", f["finding_info"]["analytic"]["name"]))
    return out
pod, fleet = pairs(f"{w}/pod.jsonl"), pairs(f"{w}/fleet.jsonl")
err = open(f"{w}/agg.err").read()
m = re.search(r"findings read from the findings topic \((\d+) of them msgpack", err)
held = re.search(r"held back: (\d+) already told", err)
print(f"pod told {len(pod)} (client, analytic); fleet told again {sorted(pod & fleet)}; "
      f"msgpack records read {m.group(1)}; held back {held.group(1)}")
assert int(m.group(1)) >= len(pod), "fewer msgpack records read than the pod's findings"
assert int(held.group(1)) >= 1, "nothing held back"
assert not (pod & fleet), "the fleet told again what the pod told in msgpack"
PY
echo "ok: msgpack findings on the findings topic hold back the fleet's repeats"
