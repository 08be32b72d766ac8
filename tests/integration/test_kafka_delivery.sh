#!/usr/bin/env bash
# Findings to Kafka end to end: analyze a generated capture with --kafka against a real
# Kafka-protocol broker (tests/tools/kafka_mock: librdkafka's mock cluster on loopback),
# read the topic back with kcat and compare one for one with the JSONL output (every
# finding once, order per client kept, headers present); every finding validates against
# docs/ocsf-finding.schema.json. Then with the broker down before start and back while
# analyze waits in its flush: still every finding, none twice.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"

"$IG_BUILD/bench/ig_gen" --scenario mixed --requests 3000 --out "$WORK/mixed.pcap" --quiet
kafka_mock_start
kafka_test_rules

# 1. broker up: the topic equals the JSONL file
cat > "$WORK/c1.yaml" <<YAML
kafka:
  spool_dir: $WORK/spool1
  flush_timeout: 20s
YAML
"$IG_BIN" analyze -c "$WORK/c1.yaml" --rules "$WORK/rules" --findings "$WORK/f1.jsonl" \
  --kafka "$KAFKA" --topic t1 "$WORK/mixed.pcap" 2> "$WORK/s1.txt" || { cat "$WORK/s1.txt"; fail "analyze failed"; }
n=$(wc -l < "$WORK/f1.jsonl")
[ "$n" -ge 10 ] || fail "expected findings from the mixed scenario, got $n"
grep -q "sink kafka .*delivered $n," "$WORK/s1.txt" || { cat "$WORK/s1.txt"; fail "summary does not show $n delivered"; }
kafka_compare t1 "$WORK/f1.jsonl"
/usr/bin/python3 "$IG_SRC/tests/integration/lib/validate_ocsf.py" "$WORK/f1.jsonl"

# 2. broker down before start, back 2 s later while analyze flushes
kafka_mock_cmd "down 1"
cat > "$WORK/c2.yaml" <<YAML
kafka:
  spool_dir: $WORK/spool2
  flush_timeout: 30s
  properties:
    reconnect.backoff.max.ms: "200"
YAML
( sleep 2; kafka_mock_cmd "up 1" ) &
upper=$!
"$IG_BIN" analyze -c "$WORK/c2.yaml" --rules "$WORK/rules" --findings "$WORK/f2.jsonl" \
  --kafka "$KAFKA" --topic t2 "$WORK/mixed.pcap" 2> "$WORK/s2.txt" || { cat "$WORK/s2.txt"; fail "analyze failed"; }
wait "$upper"
n2=$(wc -l < "$WORK/f2.jsonl")
grep -q "sink kafka .*delivered $n2, failed 0" "$WORK/s2.txt" || { cat "$WORK/s2.txt"; fail "outage run: not all $n2 delivered"; }
kafka_compare t2 "$WORK/f2.jsonl"
echo "ok: $n findings delivered and equal to JSONL; outage run $n2 delivered once each"
