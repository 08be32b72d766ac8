#!/usr/bin/env bash
# The events topic: analyze --events-topic publishes every inference event once (as many
# records as the --events JSONL has lines), keyed by the stable source (client.source_id) when
# the event has one, else by the client's identity (docs/fleet.md), with the pod and
# model headers, through the findings' spool (a broker down at start loses nothing); and
# the pod's watermark records (docs/fleet.md): to every partition, the last saying bye.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"

"$IG_BUILD/bench/ig_gen" --scenario mixed --protocol mixed --requests 2000 --out "$WORK/a.pcap" --quiet
kafka_mock_start
kafka_mock_cmd "topic ev 4"
kafka_mock_cmd "down 1"
( sleep 2; kafka_mock_cmd "up 1" ) &
upper=$!
cat > "$WORK/c.yaml" <<YAML
kafka:
  spool_dir: $WORK/spool
  flush_timeout: 30s
  properties:
    reconnect.backoff.max.ms: "200"
YAML
POD_NAME=pod-a NODE_NAME=node-1 "$IG_BIN" analyze -c "$WORK/c.yaml" --rules "$IG_SRC/rules" \
  --kafka "$KAFKA" --events-topic ev --findings /dev/null --events "$WORK/ev.jsonl" "$WORK/a.pcap" \
  2> "$WORK/s.txt" || { cat "$WORK/s.txt"; fail "analyze failed"; }
wait "$upper"
n=$(wc -l < "$WORK/ev.jsonl")
[ "$n" -ge 1000 ] || fail "expected events, got $n"
w=$(grep -o "; [0-9]* watermark records" "$WORK/s.txt" | awk '{print $2}')
[ "${w:-0}" -ge 4 ] || { cat "$WORK/s.txt"; fail "no watermark records published"; }
grep -q "events topic ev: published $n, delivered $((n + w)), failed 0" "$WORK/s.txt" || { cat "$WORK/s.txt"; fail "not all $n events (and $w watermark records) delivered"; }
for i in $(seq 30); do
  kcat -b "$KAFKA" -C -t ev -e -q -f '%k\t%h\t%p\t%S\n' > "$WORK/topic.txt" 2>/dev/null || true
  [ "$(grep -c "model=" "$WORK/topic.txt")" -ge "$n" ] && break
  sleep 0.5
done
/usr/bin/python3 - "$WORK/topic.txt" "$WORK/ev.jsonl" "$w" <<'PY' || fail "topic differs from the events"
import collections, json, sys
rows = [l.rstrip("\n").split("\t", 3) for l in open(sys.argv[1]) if l.strip()]
# watermark records: keyed by the pod, no model header, to every partition, bye last
marks = [r for r in rows if "model=" not in r[1]]
assert len(marks) == int(sys.argv[3]), (len(marks), sys.argv[3])
assert {r[0] for r in marks} == {"pod-a"}, {r[0] for r in marks}
parts = collections.defaultdict(list)
for r in marks:
    assert "pod=pod-a" in r[1] and "schema=inferguard.event" in r[1], r[1]
    parts[r[2]].append(r[3])
assert sorted(parts) == ["0", "1", "2", "3"], sorted(parts)
# {hb: true, wm: W} is 17 bytes; the bye adds `bye: true` (5)
assert all(int(v[-1]) == 22 and all(int(x) == 17 for x in v[:-1]) for v in parts.values()), parts
print(f"{len(marks)} watermark records, {len(marks) // 4} per partition, the last one bye")
topic = [(r[0], r[1]) for r in rows if "model=" in r[1]]
events = [json.loads(l) for l in open(sys.argv[2])]
def key(e):
    c = e.get("client") or {}
    return c.get("source_id") or c.get("id")
want = collections.Counter(key(e) for e in events)
got = collections.Counter(k for k, _ in topic)
assert len(topic) == len(events), (len(topic), len(events))
assert got == want, (list(got.items())[:5], list(want.items())[:5])
for k, h in topic:
    assert "schema=inferguard.event" in h and "encoding=msgpack" in h and "pod=pod-a" in h \
        and "node=node-1" in h and "model=" in h, h
print(f"{len(topic)} events on the topic, one per event, keyed by source, headers present")
PY
echo "ok: every event published once, keyed and labelled, across a broker outage"
