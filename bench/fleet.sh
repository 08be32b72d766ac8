#!/usr/bin/env bash
# bench/fleet.sh [--build DIR] [--requests N] [--rates "R1 R2 ..."] [--seconds S]: the fleet
# path's throughput and lag, on librdkafka's mock cluster (loopback, one broker, 4 partitions).
# 1. Flat out: a generated capture (ig_gen mixed, N requests) published by `analyze
#    --events-topic` while `inferguard aggregate` consumes: publish events/s (analyze's events
#    over its wall time), aggregate events/s (records from its first to its last), the
#    aggregator's catch-up rate (a new group reading the whole topic) with its model owner
#    (the default: a second consumer reads every partition for the per-model detectors) and
#    without it (--no-model-owner).
# 2. The lag at a given load: tests/tools/fleet_pace (a pod publishing events timed now, through
#    the same publisher as `run --events-topic`) at R events/s for S seconds while a live
#    aggregator consumes: each record's arrival less its producer timestamp (the Kafka path:
#    librdkafka's batching, the broker, fetch waits), and each event's release to the
#    detectors less its request time (the Kafka path plus the lateness window, 2 s; the
#    model owner's is one second longer), as median / p99 / max.
# Medians of 3 runs; prints Markdown tables.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build/release
n=20000
rates="200 2000"
secs=10
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --requests) n=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "bench/fleet.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
bin=$build/inferguard
[ -x "$bin" ] && [ -x "$build/tests/kafka_mock" ] && [ -x "$build/tests/fleet_pace" ] \
  || { echo "bench/fleet.sh: build $build first (inferguard, kafka_mock, fleet_pace)" >&2; exit 1; }
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
# summary FILE: the aggregate summary's figures as one line of numbers
summary() {
  /usr/bin/python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def lag(label):
    m = re.search(re.escape(label) + r" (\d+): median (\d+), p99 (\d+), mean [0-9.]+, max (\d+) ms", t)
    return m.groups()[1:] if m else ("0", "0", "0")
rate = re.search(r"consumed +\d+ records in [0-9.]+ s from the first to the last \((\d+)/s\)", t).group(1)
print(rate, *lag("behind the producer's timestamp:"), *lag("inspected, behind their request on the wire:"),
      *lag("inspected by it, behind their request:"))
PY
}
results=()
paced=()
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
  rate=$(summary "$work/agg$run.err" | awk '{print $1}')
  # catch-up: a new group reads the full topic (the aggregator's own ceiling)
  "$bin" aggregate -c "$work/a$run.yaml" --kafka "$kafka" --events-topic "ev$run" --group "c$run" \
      --findings /dev/null --until-idle 2s 2> "$work/cu$run.err"
  cu=$(summary "$work/cu$run.err" | awk '{print $1}')
  # the same without the model owner (every detector on the member's partitions, one
  # consumer): what reading every partition a second time costs the owner
  "$bin" aggregate -c "$work/a$run.yaml" --kafka "$kafka" --events-topic "ev$run" --group "n$run" \
      --findings /dev/null --until-idle 2s --no-model-owner 2> "$work/nm$run.err"
  nm=$(summary "$work/nm$run.err" | awk '{print $1}')
  results+=("$ev $((t1 - t0)) $rate $cu $nm")
  # the lag at a given load: a paced publisher, a live aggregator
  for r in $rates; do
    topic="p$run.$r"
    echo "topic $topic 4" >&7
    "$bin" aggregate -c "$work/a$run.yaml" --kafka "$kafka" --events-topic "$topic" --group "g$topic" \
        --findings /dev/null --until-idle 4s 2> "$work/pa$topic.err" &
    agg=$!
    for _ in $(seq 300); do grep -q '"assigned' "$work/pa$topic.err" 2>/dev/null && break; sleep 0.1; done
    sleep 1   # its partitions' first fetches started: the steady state is measured
    "$build/tests/fleet_pace" --kafka "$kafka" --events-topic "$topic" --spool "$work/ps$topic" \
        --rate "$r" --seconds "$secs" > "$work/pp$topic.out"
    wait "$agg"
    paced+=("$r $(summary "$work/pa$topic.err")")
  done
done
printf '%s\n' "${results[@]}" | /usr/bin/python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
ev = rows[0][0]
pub = statistics.median(r[0] / (r[1] / 1000) for r in rows)
agg, cu, nm = (statistics.median(r[i] for r in rows) for i in (2, 3, 4))
print("| events | publish (analyze --events-topic) events/s | aggregate events/s, live | aggregate events/s, catching up | catching up, --no-model-owner |")
print("| --- | --- | --- | --- | --- |")
print(f"| {ev:,.0f} | {pub:,.0f} | {agg:,.0f} | {cu:,.0f} | {nm:,.0f} |")
'
echo
printf '%s\n' "${paced[@]}" | /usr/bin/python3 -c '
import collections, statistics, sys
by = collections.defaultdict(list)
for l in sys.stdin:
    if l.strip():
        v = list(map(float, l.split()))
        by[v[0]].append(v[1:])
print("| load, events/s | Kafka path (arrival less producer timestamp), ms: median / p99 / max | inspected (release less request time), ms: median / p99 / max | model owner inspected, ms: median / p99 / max |")
print("| --- | --- | --- | --- |")
for r in sorted(by):
    m = [statistics.median(x[i] for x in by[r]) for i in range(10)]
    print(f"| {r:,.0f} | {m[1]:,.0f} / {m[2]:,.0f} / {m[3]:,.0f} | {m[4]:,.0f} / {m[5]:,.0f} / {m[6]:,.0f} | {m[7]:,.0f} / {m[8]:,.0f} / {m[9]:,.0f} |")
'
