#!/usr/bin/env bash
# Crash safety: the broker is down, analyze spools its findings and is killed with SIGKILL
# while waiting to deliver; a torn half-record is appended to the spool as a crash mid-write
# would leave it. The broker comes back and a second run (on an empty capture) replays the
# spool: the topic then holds every finding of the killed run exactly once, in order per
# client, and the torn record is reported as ignored.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"

"$IG_BUILD/bench/ig_gen" --scenario mixed --requests 3000 --out "$WORK/mixed.pcap" --quiet
# an empty pcap (global header only): a run that only replays the spool
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' > "$WORK/empty.pcap"
kafka_mock_start
kafka_test_rules
cat > "$WORK/c.yaml" <<YAML
kafka:
  spool_dir: $WORK/spool
  spool_fsync: always
  flush_timeout: 120s
  properties:
    reconnect.backoff.max.ms: "200"
YAML

kafka_mock_cmd "down 1"
"$IG_BIN" analyze -c "$WORK/c.yaml" --rules "$WORK/rules" --findings "$WORK/f.jsonl" \
  --kafka "$KAFKA" --topic tk "$WORK/mixed.pcap" 2> "$WORK/s1.txt" &
pid=$!
# the findings are all written (file sink) and spooled once analyze sits in its flush wait
for _ in $(seq 100); do
  grep -q '"activity_id":2' "$WORK/f.jsonl" 2>/dev/null && break
  sleep 0.1
done
sleep 1
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
n=$(wc -l < "$WORK/f.jsonl")
[ "$n" -ge 10 ] || fail "expected findings before the kill, got $n"
seg=$(ls "$WORK/spool"/seg-*.log | sort | tail -1)
[ -s "$seg" ] || fail "nothing spooled"
printf 'IGS1\x40\x00\x00\x00torn' >> "$seg"     # a half-written record

kafka_mock_cmd "up 1"
"$IG_BIN" analyze -c "$WORK/c.yaml" --rules "$WORK/rules" --findings "$WORK/none.jsonl" \
  --kafka "$KAFKA" --topic tk "$WORK/empty.pcap" 2> "$WORK/s2.txt" || { cat "$WORK/s2.txt"; fail "replay run failed"; }
grep -q "recovered $n undelivered findings .*1 torn records ignored" "$WORK/s2.txt" || { cat "$WORK/s2.txt"; fail "replay did not report $n recovered and 1 torn"; }
grep -q "sink kafka .*replayed $n," "$WORK/s2.txt" || { cat "$WORK/s2.txt"; fail "summary does not show $n replayed"; }
kafka_compare tk "$WORK/f.jsonl"

# a third run finds the spool empty: nothing sent twice
"$IG_BIN" analyze -c "$WORK/c.yaml" --rules "$WORK/rules" --findings "$WORK/none.jsonl" \
  --kafka "$KAFKA" --topic tk "$WORK/empty.pcap" 2> "$WORK/s3.txt"
kafka_compare tk "$WORK/f.jsonl"
echo "ok: $n findings survived SIGKILL, delivered once each"
