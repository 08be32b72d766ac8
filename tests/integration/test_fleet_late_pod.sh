#!/usr/bin/env bash
# A pod that publishes late is waited for, not misordered (docs/fleet.md "Event time").
# Four pods publish live-timed events (tests/tools/fleet_pace, the publisher of `run
# --events-topic`) to a live `aggregate` with the default 2 s lateness window: pod-c's clock
# runs 5 s behind the others', and pod-d stops publishing for 6 s (SIGSTOP: a pod stalled
# under load, as session 17 saw pods up to 5.3 s late) and then publishes its backlog, each
# event stamped when it was due. With the pods' watermarks followed, every event is
# inspected once and in event-time order: none arrives after a later one was released
# (`late` 0), none is lost (inspected = published). The same pods with the watermarks not
# followed (--pod-timeout 0: the partitions' newest event times alone, as before) must show
# late events, or this test would prove nothing.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/kafka.sh"

pace="$IG_BUILD/tests/fleet_pace"
[ -x "$pace" ] || fail "build tests/fleet_pace first"
kafka_test_rules
kafka_mock_start

# one run: NAME POD_TIMEOUT; sets published (events the pods published)
run() {
  local name=$1 topic=ev$1 pids=() i
  kafka_mock_cmd "topic $topic 4"
  printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n' "$WORK/spool.agg$name" > "$WORK/agg$name.yaml"
  timeout 300 "$IG_BIN" aggregate -c "$WORK/agg$name.yaml" --rules "$WORK/rules" --kafka "$KAFKA" \
    --events-topic "$topic" --group "g$name" --findings /dev/null --lateness 2s --pod-timeout "$2" \
    --until-idle 8s -v 2> "$WORK/agg$name.err" &
  local agg=$!
  BG_PIDS+=($agg)
  wait_for "$WORK/agg$name.err" '"msg":"assigned' 60
  # pod-c first: a pod is waited for from its first record on (docs/fleet.md, Limits)
  "$pace" --kafka "$KAFKA" --events-topic "$topic" --spool "$WORK/sp$name.c" --pod pod-c --behind 5 \
    --rate 100 --seconds 16 --clients 40 > "$WORK/pod$name.c.out" &
  pids+=($!)
  sleep 1
  for i in a b d; do
    "$pace" --kafka "$KAFKA" --events-topic "$topic" --spool "$WORK/sp$name.$i" --pod "pod-$i" \
      --rate 100 --seconds 14 --clients 40 > "$WORK/pod$name.$i.out" &
    pids+=($!)
  done
  BG_PIDS+=("${pids[@]}")
  sleep 4
  kill -STOP "${pids[3]}"   # pod-d: nothing published for 6 s, its events still due
  sleep 6
  kill -CONT "${pids[3]}"
  for i in "${pids[@]}"; do wait "$i" || fail "a pod's publisher failed"; done
  wait "$agg" || { tail "$WORK/agg$name.err"; fail "aggregate $name exited $?"; }
  published=$(cat "$WORK"/pod"$name".?.out | awk '{s += $2} END {print s}')
}

run W 10s
run N 0
/usr/bin/python3 - "$WORK" "$published" <<'PY' || fail "see above"
import re, sys
w, published = sys.argv[1], int(sys.argv[2])
def stats(name):
    t = open(f"{w}/agg{name}.err").read()
    e = re.search(r"events +(\d+) received \((\d+) replayed to rebuild state, (\d+) late, (\d+) undecodable, "
                  r"(\d+) dropped at revocation\), (\d+) inspected", t)
    if not e:
        sys.exit(f"FAIL: no events line in agg{name}.err:\n{t[-2000:]}")
    rec, rep, late, bad, drop, insp = map(int, e.groups())
    m = re.search(r"watermarks +(\d+) records read(?:; (\d+) pods followed, (\d+) stopped \(bye\), (\d+) no longer "
                  r"waited for.*?held the release back by up to ([0-9.]+) s)?", t)
    return dict(received=rec, late=late, bad=bad, dropped=drop, inspected=insp, wm_records=int(m.group(1)),
                pods=int(m.group(2) or 0), bye=int(m.group(3) or 0), timed_out=int(m.group(4) or 0),
                held=float(m.group(5) or 0))
W, N = stats("W"), stats("N")
print(f"{published} events published per run by 4 pods (pod-c's clock 5 s behind, pod-d stopped 6 s)")
print(f"watermarks followed:     {W}")
print(f"watermarks not followed: {N}")
for name, s in (("W", W), ("N", N)):
    if s["received"] != published or s["inspected"] != published or s["bad"] or s["dropped"]:
        sys.exit(f"FAIL: run {name}: {published} published, {s['received']} received, {s['inspected']} inspected")
    if s["wm_records"] == 0:
        sys.exit(f"FAIL: run {name}: no watermark records read (the pods' heartbeats)")
if N["late"] == 0:
    sys.exit("FAIL: without the pods' watermarks no event came late: the delayed pods did not delay anything")
if W["late"]:
    sys.exit(f"FAIL: {W['late']} events inspected after later ones although every pod's watermark was followed")
if W["pods"] != 4 or W["bye"] != 4 or W["timed_out"]:
    sys.exit(f"FAIL: expected 4 pods followed, 4 stopped with their last watermark, none timed out: {W}")
if W["held"] < 4:
    sys.exit(f"FAIL: the watermarks held the release back by only {W['held']} s (pod-c runs 5 s behind)")
print(f"ok: late {N['late']} -> {W['late']} of {published}; the slowest pod held the release back by up to {W['held']} s")
PY
echo "ok: a pod publishing late (clock behind, publishing stopped) is waited for: no event lost or misordered"
