#!/usr/bin/env bash
# The events topic: analyze --events-topic publishes every inference event once (as many
# records as the --events JSONL has lines), keyed by the stable source (client.source_id) when
# the event has one, else by the client's identity (docs/fleet.md), with the pod and
# model headers, through the findings' spool (a broker down at start loses nothing).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"

"$IG_BUILD/bench/ig_gen" --scenario mixed --protocol mixed --requests 2000 --out "$WORK/a.pcap" --quiet
kafka_mock_start
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
grep -q "events topic ev: published $n, delivered $n, failed 0" "$WORK/s.txt" || { cat "$WORK/s.txt"; fail "not all $n events delivered"; }
for i in $(seq 30); do
  kcat -b "$KAFKA" -C -t ev -e -q -f '%k\t%h\n' > "$WORK/topic.txt" 2>/dev/null || true
  [ "$(wc -l < "$WORK/topic.txt")" -ge "$n" ] && break
  sleep 0.5
done
/usr/bin/python3 - "$WORK/topic.txt" "$WORK/ev.jsonl" <<'PY' || fail "topic differs from the events"
import collections, json, sys
topic = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
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
