#!/usr/bin/env bash
# findings.suppress read again, end to end: `inferguard run --cloudevents` (the daemon,
# KServe's payload logger mirroring the demo capture's traffic) is started with a list that
# matches nothing; after the first hour of traffic the file is replaced (as a ConfigMap update
# does) by one with an entry for the boundary walker at 127.66.0.3, which the daemon reads by
# itself; SIGHUP reads it again; a file with an entry naming no analytic is refused; then the
# second hour (the same traffic an hour later) arrives.
# Asserts: the walker's adversarial findings of the first hour are published, none of the
# second; every other finding is what `analyze` without any list finds in both hours; the
# unchanged rules kept the engine (no client dropped); the two good reloads are counted and
# logged, the bad one refused with one error line naming the entry and counted, the good list kept;
# the summary and /metrics count the new entry's raises.
. "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3
GEN=$IG_BUILD/bench/ig_gen
[ -x "$GEN" ] || fail "ig_gen not built"
export INFERGUARD_ID_SECRET=suppress-reload
"$GEN" --scenario demo --seed 3 --out "$WORK/hour1.pcap" --quiet
editcap -F pcap -t 3600 "$WORK/hour1.pcap" "$WORK/hour2.pcap" > /dev/null || fail "editcap"
mergecap -F pcap -a -w "$WORK/both.pcap" "$WORK/hour1.pcap" "$WORK/hour2.pcap" || fail "mergecap"
hour2_us=$($PY - "$WORK/hour2.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", d[:4])[0]
sec, frac = struct.unpack("<II", d[24:32])
print(sec * 1000000 + (frac // 1000 if magic == 0xa1b23c4d else frac))
PY
)

printf 'findings:\n  suppress:\n    - {analytic: leakage.*, source: "2001:db8::/32"}\n' > "$WORK/sup.yaml"
"$IG_BIN" analyze --rules "$IG_SRC/rules" --findings "$WORK/f0.jsonl" "$WORK/both.pcap" 2> "$WORK/a0.err" \
    || fail "analyze: $(tail -3 "$WORK/a0.err")"

start_ce_run "$WORK/r1.err" -c "$WORK/sup.yaml" --rules "$IG_SRC/rules" --findings "$WORK/f1.jsonl"
metrics() { scrape_metrics "$WORK/metrics.txt"; }
# every event of the first hour through detection before the list changes
$PY "$IG_SRC/tests/tools/ce_sender.py" --port "$PORT" --sourceip --report "$WORK/s1.json" "$WORK/hour1.pcap" \
    > /dev/null || fail "ce_sender, first hour"
n1=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' "$WORK/s1.json")
[ -n "$n1" ] || fail "ce_sender report: $(cat "$WORK/s1.json")"
for _ in $(seq 200); do
  metrics || true
  grep -q "^inferguard_detection_events_total $n1\$" "$WORK/metrics.txt" && break
  sleep 0.1
done
grep -q "^inferguard_detection_events_total $n1\$" "$WORK/metrics.txt" \
    || fail "detection never saw the first hour's $n1 events: $(grep detection_events "$WORK/metrics.txt")"

# The list on disk changes as a ConfigMap update changes it (a new file in its place): the
# daemon reads it again within about a second, by itself.
cat > "$WORK/sup.new" <<'YAML'
findings:
  suppress:
    - {analytic: leakage.*, source: "2001:db8::/32"}
    - {analytic: adversarial.*, source: 127.66.0.3/32, comment: what-if explainer}
YAML
mv "$WORK/sup.new" "$WORK/sup.yaml"
wait_for "$WORK/r1.err" "findings.suppress read again from" 10
grep -q '"msg":"'"$WORK"'/sup.yaml changed: reading it and the rules again (as at SIGHUP)"' "$WORK/r1.err" \
    || fail "the change was not said: $(grep reload "$WORK/r1.err")"
grep -q '"msg":"findings.suppress read again from '"$WORK"'/sup.yaml: 2 entries"' "$WORK/r1.err" \
    || fail "reload log line: $(grep reload "$WORK/r1.err")"
grep -q '"msg":"rules unchanged (sha256 [0-9a-f]*): the running engine and its detector state kept (reload 1)"' \
    "$WORK/r1.err" || fail "unchanged rules not said: $(grep reload "$WORK/r1.err")"
# SIGHUP reads the same list again (reload 2)
kill -HUP "$RUN_PID"
wait_for "$WORK/r1.err" "detector state kept (reload 2)" 10
[ "$(grep -c '"msg":"findings.suppress read again from '"$WORK"'/sup.yaml: 2 entries"' "$WORK/r1.err")" = 2 ] \
    || fail "SIGHUP did not read the list again: $(grep reload "$WORK/r1.err")"
# a list with an entry naming no analytic: refused with one error line, the running one kept
cp "$WORK/sup.yaml" "$WORK/sup.new"
printf '    - {analytic: extraction.prda, model: demo-classifier}\n' >> "$WORK/sup.new"
mv "$WORK/sup.new" "$WORK/sup.yaml"
wait_for "$WORK/r1.err" "rules not reloaded" 10
sleep 2   # the next ticks: the same file is not read again
[ "$(grep -c '"level":"error"' "$WORK/r1.err")" = 1 ] || fail "not exactly one error line for the bad list"
grep -q "rules not reloaded, running rules and findings.suppress kept: findings.suppress entry 3: 'extraction.prda' is not an analytic this build raises" \
    "$WORK/r1.err" || fail "the refused reload does not say why: $(grep error "$WORK/r1.err")"

$PY "$IG_SRC/tests/tools/ce_sender.py" --port "$PORT" --sourceip "$WORK/hour2.pcap" > /dev/null \
    || fail "ce_sender, second hour"
n2=$((2 * n1))
for _ in $(seq 200); do
  metrics || true
  grep -q "^inferguard_detection_events_total $n2\$" "$WORK/metrics.txt" &&
    grep -q '^inferguard_findings_suppressed_by_entry_total{entry="2"} [1-9]' "$WORK/metrics.txt" && break
  sleep 0.2
done
kill -TERM "$RUN_PID"
wait "$RUN_PID" || fail "run exited $?: $(tail -5 "$WORK/r1.err")"

$PY - "$WORK" "$hour2_us" <<'PY' || fail "see above"
import json, re, sys
w, hour2 = sys.argv[1], int(sys.argv[2])
def records(name):
    return [json.loads(l) for l in open(f"{w}/{name}") if l.strip()]
def key(f):
    return (f["finding_info"]["analytic"]["name"], (f["evidences"][0].get("src_endpoint") or {}).get("ip", ""))
def walker(f):
    return key(f)[0].startswith("adversarial.") and key(f)[1] == "127.66.0.3"
def first_us(f):
    return f["finding_info"]["first_seen_time"] * 1000
f0, f1 = records("f0.jsonl"), records("f1.jsonl")
bad = []
w0_1 = [f for f in f0 if walker(f) and first_us(f) < hour2]
w0_2 = [f for f in f0 if walker(f) and first_us(f) >= hour2]
if not w0_1 or not w0_2:
    bad.append(f"the capture lacks the walker in both hours: {len(w0_1)} and {len(w0_2)} records")
w1 = [f for f in f1 if walker(f)]
if any(first_us(f) >= hour2 for f in w1):
    bad.append(f"walker findings of the second hour published: {[first_us(f) for f in w1]}")
if sorted(map(key, w1)) != sorted(map(key, w0_1)):
    bad.append(f"walker findings of the first hour: {sorted(map(key, w1))}, analyze: {sorted(map(key, w0_1))}")
want = sorted(key(f) for f in f0 if not walker(f))
got = sorted(key(f) for f in f1 if not walker(f))
if got != want:
    bad.append(f"other findings differ from analyze without a list: {got} vs {want}")
s = open(f"{w}/r1.err").read()
sl = re.search(r"^  suppressed  (\d+) findings by findings.suppress.*$", s, re.M)
if not sl:
    bad.append("no suppressed line in the summary")
else:
    line = sl.group(0)
    m = re.search(r"#2 adversarial\.\* source 127\.66\.0\.3/32 \(what-if explainer\): (\d+)$", line)
    if "the list read again 2 times," not in line or not m or int(m.group(1)) < 1 \
            or int(sl.group(1)) != int(m.group(1)):
        bad.append(f"summary: {line!r}")
m = open(f"{w}/metrics.txt").read()
for want_line in (r"inferguard_rules_reloads_total 2", r"inferguard_rules_reload_failures_total 1",
                  r"inferguard_rules_reload_clients_dropped_total 0",
                  r'inferguard_findings_suppressed_by_entry_total\{entry="2"\} [1-9]\d*'):
    if not re.search("^" + want_line + "$", m, re.M):
        bad.append(f"/metrics lacks {want_line}: {[l for l in m.splitlines() if 'reload' in l or 'suppress' in l]}")
print(f"walker records: first hour {len(w1)}, second hour suppressed; other records {len(got)}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
echo "ok: SIGHUP read findings.suppress again (engine kept), a bad list refused, the new entry applied"
