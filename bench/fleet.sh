#!/usr/bin/env bash
# bench/fleet.sh [--build DIR] [--requests N]: the fleet path's throughput and lag.
# A generated capture (ig_gen mixed, N requests) is published by `analyze --events-topic`
# to librdkafka's mock cluster (loopback, one broker, 4 partitions) while `inferguard
# aggregate` consumes it: publish events/s (analyze's events over its wall time), aggregate
# events/s (records from its first to its last), the lag (each record's arrival at the
# aggregator less its producer timestamp: mean and max) at the load of a publisher running
# flat out, and the aggregator's catch-up rate (a new group reading the whole topic), with
# its model owner (the default: a second consumer reads every partition for the per-model
# detectors) and without it (--no-model-owner).
# Medians of 3 runs; prints a Markdown table.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build/release
n=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --requests) n=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "bench/fleet.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
bin=$build/inferguard
[ -x "$bin" ] && [ -x "$build/tests/kafka_mock" ] || { echo "bench/fleet.sh: build $build first (inferguard, kafka_mock)" >&2; exit 1; }
work=$(mktemp -d /tmp/ig_fleet_bench.XXXXXX)
mock=
cleanup() { [ -n "$mock" ] && kill "$mock" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$build/bench/ig_gen" --scenario mixed --requests "$n" --out "$work/a.pcap" --quiet
mkfifo "$work/mock.in"
"$build/tests/kafka_mock" < "$work/mock.in" > "$work/mock.out" 2> /dev/null &
mock=$!
exec 7> "$work/mock.in"
for _ in $(seq 50); do grep -q : "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
kafka=$(head -1 "$work/mock.out")
results=()
for run in 1 2 3; do
  echo "topic ev$run 4" >&7
  printf 'kafka:\n  spool_dir: %s\n  spool_fsync: batch\n  properties:\n    session.timeout.ms: "6000"\n' "$work/sp$run" > "$work/c$run.yaml"
  printf 'kafka:\n  spool_dir: %s\n' "$work/spa$run" > "$work/a$run.yaml"
  "$bin" aggregate -c "$work/a$run.yaml" --kafka "$kafka" --events-topic "ev$run" --group "g$run" \
      --findings /dev/null --until-idle 3s 2> "$work/agg$run.err" &
  agg=$!
  for _ in $(seq 300); do grep -q '"assigned' "$work/agg$run.err" 2>/dev/null && break; sleep 0.1; done
  t0=$(date +%s%3N)
  "$bin" analyze -c "$work/c$run.yaml" --kafka "$kafka" --events-topic "ev$run" --findings /dev/null \
      "$work/a.pcap" 2> "$work/pub$run.err"
  t1=$(date +%s%3N)
  wait "$agg"
  ev=$(grep -o "events topic ev$run: published [0-9]*" "$work/pub$run.err" | awk '{print $5}')
  line=$(grep "consumed " "$work/agg$run.err")
  rate=$(echo "$line" | sed -E 's/.*\(([0-9]+)\/s\).*/\1/')
  lagm=$(echo "$line" | sed -E 's/.*mean ([0-9.]+) ms.*/\1/')
  lagx=$(echo "$line" | sed -E 's/.*max ([0-9]+) ms.*/\1/')
  # catch-up: a new group reads the full topic (the aggregator's own ceiling)
  "$bin" aggregate -c "$work/a$run.yaml" --kafka "$kafka" --events-topic "ev$run" --group "c$run" \
      --findings /dev/null --until-idle 2s 2> "$work/cu$run.err"
  cu=$(grep "consumed " "$work/cu$run.err" | sed -E 's/.*\(([0-9]+)\/s\).*/\1/')
  # the same without the model owner (every detector on the member's partitions, one
  # consumer): what reading every partition a second time costs the owner
  "$bin" aggregate -c "$work/a$run.yaml" --kafka "$kafka" --events-topic "ev$run" --group "n$run" \
      --findings /dev/null --until-idle 2s --no-model-owner 2> "$work/nm$run.err"
  nm=$(grep "consumed " "$work/nm$run.err" | sed -E 's/.*\(([0-9]+)\/s\).*/\1/')
  results+=("$ev $((t1 - t0)) $rate $lagm $lagx $cu $nm")
done
printf '%s\n' "${results[@]}" | /usr/bin/python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
ev = rows[0][0]
pub = statistics.median(r[0] / (r[1] / 1000) for r in rows)
agg = statistics.median(r[2] for r in rows)
lagm = statistics.median(r[3] for r in rows)
lagx = statistics.median(r[4] for r in rows)
cu = statistics.median(r[5] for r in rows)
nm = statistics.median(r[6] for r in rows)
print("| events | publish (analyze --events-topic) events/s | aggregate events/s, live | lag mean / max, ms | aggregate events/s, catching up | catching up, --no-model-owner |")
print("| --- | --- | --- | --- | --- | --- |")
print(f"| {ev:,.0f} | {pub:,.0f} | {agg:,.0f} | {lagm:,.1f} / {lagx:,.0f} | {cu:,.0f} | {nm:,.0f} |")
'
