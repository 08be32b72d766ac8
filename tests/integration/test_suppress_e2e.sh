#!/usr/bin/env bash
# findings.suppress end to end, on the demo capture (ig_gen: benign clients, a flood, a
# boundary walker at 127.66.0.3, drift): a list that silences adversarial.* from the walker's
# address, drift.predictions of the model by a model prefix, and an entry that matches nothing.
# Asserts, for `analyze` (one thread and --workers 3) and `run --cloudevents` (the daemon,
# its /metrics while it runs): the suppressed findings are gone and every other record is
# byte for byte what the run without the list wrote; the detectors raised as many findings
# as without it; the summary and /metrics count each entry's raises (from the unsuppressed
# run's Creates and Update counts); --verbose logs each one; a bad entry is exit 3 with one
# line naming the key (and the line).
. "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3
GEN=$IG_BUILD/bench/ig_gen
[ -x "$GEN" ] || fail "ig_gen not built"
export INFERGUARD_ID_SECRET=suppress-e2e
"$GEN" --scenario demo --seed 3 --out "$WORK/demo.pcap" --quiet
cat > "$WORK/sup.yaml" <<'YAML'
findings:
  suppress:
    - analytic: adversarial.*
      source: 127.66.0.3/32
      comment: what-if explainer
    - {analytic: "*", source: "2001:db8::/32"}
    - {analytic: drift.predictions, model: "demo-*", expires: "2030-01-01"}
YAML
"$IG_BIN" config check "$WORK/sup.yaml" > /dev/null || fail "config check refused the list"
# README's example is a valid list
sed -n '/^### Suppressing findings/,/^```$/p' "$IG_SRC/README.md" | sed -n '/^```yaml$/,/^```$/p' | sed '1d;$d' \
    > "$WORK/readme.yaml"
grep -q "suppress:" "$WORK/readme.yaml" && "$IG_BIN" config check "$WORK/readme.yaml" > /dev/null \
    || fail "README's findings.suppress example: $(cat "$WORK/readme.yaml")"

"$IG_BIN" analyze --rules "$IG_SRC/rules" --findings "$WORK/f0.jsonl" "$WORK/demo.pcap" 2> "$WORK/a0.err" \
    || fail "analyze: $(tail -3 "$WORK/a0.err")"
"$IG_BIN" analyze -v -c "$WORK/sup.yaml" --rules "$IG_SRC/rules" --findings "$WORK/f1.jsonl" "$WORK/demo.pcap" \
    2> "$WORK/a1.err" || fail "analyze with the list: $(tail -3 "$WORK/a1.err")"
"$IG_BIN" analyze --workers 3 -c "$WORK/sup.yaml" --rules "$IG_SRC/rules" --findings "$WORK/f1w.jsonl" \
    "$WORK/demo.pcap" 2> "$WORK/a1w.err" || fail "analyze --workers 3: $(tail -3 "$WORK/a1w.err")"
cmp -s "$WORK/f1.jsonl" "$WORK/f1w.jsonl" || fail "--workers 3 published other findings than one thread"
grep -q '"level":"debug","component":"findings","msg":"suppressed adversarial.boundary of client 127.66.0.3, model demo-classifier, by findings.suppress #1 adversarial.\* source 127.66.0.3/32 (what-if explainer)"' \
    "$WORK/a1.err" || fail "no debug line for a suppressed finding"

# the daemon: the same traffic as KServe's payload logger mirrors it (the client's address in
# ce-metadata), /metrics read while it runs
start_ce_run "$WORK/r2.err" -c "$WORK/sup.yaml" --rules "$IG_SRC/rules" --findings "$WORK/f2.jsonl"
$PY "$IG_SRC/tests/tools/ce_sender.py" --port "$PORT" --sourceip "$WORK/demo.pcap" > /dev/null || fail "ce_sender"
# the boundary walker's findings come while the events arrive; its entry's count is there once
# the run has ticked (at most about 1 s behind with one worker)
for _ in $(seq 100); do
  scrape_metrics "$WORK/metrics.txt" || true
  grep -q '^inferguard_findings_suppressed_by_entry_total{entry="1"} [1-9]' "$WORK/metrics.txt" && break
  sleep 0.3
done
kill -TERM "$RUN_PID"
wait "$RUN_PID" || fail "run exited $?: $(tail -5 "$WORK/r2.err")"
$PY "$IG_SRC/tests/integration/lib/check_metrics.py" "$WORK/metrics.txt" > /dev/null \
    || fail "/metrics is not valid Prometheus text"

$PY - "$WORK" <<'PY' || fail "see above"
import json, re, sys
w = sys.argv[1]
def records(name):
    return [l for l in open(f"{w}/{name}") if l.strip()]
def key(l):
    f = json.loads(l)
    return (f["finding_info"]["analytic"]["name"], (f["evidences"][0].get("src_endpoint") or {}).get("ip", ""))
def entry(l):   # the entry of sup.yaml that matches, 1-based, or 0
    name, ip = key(l)
    if name.startswith("adversarial.") and ip == "127.66.0.3":
        return 1
    if name == "drift.predictions" and json.loads(l)["resources"][0]["name"].startswith("demo-"):
        return 3
    return 0
f0, f1, f2 = records("f0.jsonl"), records("f1.jsonl"), records("f2.jsonl")
bad = []
# raises per entry, from the unsuppressed run: a group's raises are its largest count
groups = {}
for l in f0:
    f = json.loads(l)
    e = entry(l)
    if e:
        u = f["finding_info"]["uid"]
        groups[u] = (e, max(groups.get(u, (e, 0))[1], f.get("count", 1)))
want = {1: 0, 2: 0, 3: 0}
for e, n in groups.values():
    want[e] += n
if not want[1] or not want[3]:
    bad.append(f"the capture lacks what the list suppresses: {want}")
kept = [l for l in f0 if not entry(l)]
if f1 != kept:
    bad.append(f"analyze with the list: {len(f1)} records, want the {len(kept)} of the run without it that no entry matches, byte for byte")
# the daemon: the same findings as from the packets (test_cloudevents_e2e.sh), the same ones kept
if sorted(map(key, f2)) != sorted(map(key, kept)):
    bad.append(f"run --cloudevents published {sorted(map(key, f2))}, want {sorted(map(key, kept))}")
def summary(name):
    s = open(f"{w}/{name}").read()
    fl = re.search(r"^  findings    (\d+) emitted \((\d+) raised.*?; (.*)$", s, re.M)
    sl = re.search(r"^  suppressed  (\d+) findings by findings.suppress.*$", s, re.M)
    return fl, sl
fl0, sl0 = summary("a0.err")
if sl0:
    bad.append("a summary line for suppression without a list")
for name in ("a1.err", "a1w.err", "r2.err"):
    fl, sl = summary(name)
    if not fl or not sl:
        bad.append(f"{name}: no findings or suppressed line")
        continue
    # the detectors raised what they raised without the list, detector by detector
    if (fl.group(2), fl.group(3)) != (fl0.group(2), fl0.group(3)):
        bad.append(f"{name}: raised {fl.group(2)}: {fl.group(3)}; without the list {fl0.group(2)}: {fl0.group(3)}")
    line = sl.group(0)
    expect = (f"#1 adversarial.* source 127.66.0.3/32 (what-if explainer): {want[1]}; "
              f"#2 * source 2001:db8::/32: 0; #3 drift.predictions model demo-* until 2030-01-01: {want[3]}")
    if not line.endswith(expect) or int(sl.group(1)) != want[1] + want[3]:
        bad.append(f"{name}: {line!r}, want ... {want[1] + want[3]} findings ... {expect}")
    if name != "r2.err" and int(fl.group(1)) != len(f1):
        bad.append(f"{name}: {fl.group(1)} emitted, {len(f1)} records written")
m = open(f"{w}/metrics.txt").read()
if not re.search(r'^inferguard_findings_suppressed_by_entry_total\{entry="1"\} %d$' % want[1], m, re.M):
    bad.append("/metrics lacks entry 1's count %d: %s" % (want[1], [l for l in m.splitlines() if "suppress" in l]))
if not re.search(r'^inferguard_findings_suppressed_total [1-9]', m, re.M):
    bad.append("/metrics lacks inferguard_findings_suppressed_total")
print(f"records {len(f0)} -> {len(f1)}; suppressed raises per entry {want}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

# a bad entry: exit 3, one line naming the key and the line; an analytic this build does not
# raise: exit 3 naming it (analyze and config check)
printf 'findings:\n  suppress:\n    - {analytic: adversarial.*, source: 127.66.0.3/40}\n' > "$WORK/bad1.yaml"
printf 'findings.suppress:\n  - {analytic: adversarail.*, source: 127.66.0.3}\n' > "$WORK/bad2.yaml"
set +e
"$IG_BIN" analyze -c "$WORK/bad1.yaml" --findings /dev/null "$WORK/demo.pcap" > "$WORK/o1" 2>&1; rc1=$?
"$IG_BIN" analyze -c "$WORK/bad2.yaml" --findings /dev/null "$WORK/demo.pcap" > "$WORK/o2" 2>&1; rc2=$?
"$IG_BIN" config check "$WORK/bad2.yaml" > "$WORK/o3" 2>&1; rc3=$?
set -e
[ $rc1 = 3 ] && [ "$(wc -l < "$WORK/o1")" = 1 ] && \
  grep -q "bad1.yaml:3: findings.suppress entry 1: source '127.66.0.3/40' is not an address or CIDR" "$WORK/o1" \
  || fail "bad source: exit $rc1: $(cat "$WORK/o1")"
[ $rc2 = 3 ] && grep -q "findings.suppress entry 1: no analytic of this build is in family 'adversarail'" "$WORK/o2" \
  || fail "unknown family: exit $rc2: $(cat "$WORK/o2")"
[ $rc3 = 3 ] && grep -q "bad2.yaml: findings.suppress entry 1: no analytic" "$WORK/o3" \
  || fail "config check, unknown family: exit $rc3: $(cat "$WORK/o3")"
echo "ok: suppressed findings gone and counted per entry, every other record as without the list"
