#!/usr/bin/env bash
# The bundled demo (scripts/demo.sh) is the product's first impression: every attacker in it
# is found with the right family, no benign client is flagged, and the drift is found after
# it starts, with a report. Uses the demo_pcap target's capture (same command line).
. "$(dirname "$0")/lib/common.sh"
pcap=$IG_BUILD/demo/demo.pcap
manifest=$IG_BUILD/demo/demo.manifest.json
[ -f "$pcap" ] || fail "no demo capture at $pcap (the demo_pcap target builds it)"
"$IG_BIN" analyze -q --rules "$IG_SRC/rules" --findings "$WORK/findings.jsonl" \
    --reports "$WORK/reports" "$pcap"
/usr/bin/python3 - "$manifest" "$WORK/findings.jsonl" <<'PY'
import json, sys
man = json.load(open(sys.argv[1]))
roles = {c["ip"]: c["role"] for c in man["listed"]}
want = {"extraction_tramer": "extraction.", "evasion_boundary": "adversarial.", "flood": "abuse."}
found = {}
drift_times = []
for line in open(sys.argv[2]):
    f = json.loads(line)
    name = f["finding_info"]["analytic"]["name"]
    client = f.get("actor", {}).get("user", {}).get("uid") or ""
    if name.startswith("drift."):
        drift_times.append(f["time"] * 1000)
        continue
    if not client:
        continue
    role = roles.get(client, "?")
    assert role != "benign", f"benign client {client} flagged by {name}"
    found.setdefault(role, set()).add(name)
for role, family in want.items():
    assert any(n.startswith(family) for n in found.get(role, ())), f"{role} not flagged as {family}: {found}"
assert drift_times, "no drift finding"
assert min(drift_times) >= man["drift_at_us"], "drift reported before it started"
print("demo: " + "; ".join(f"{r}: {sorted(n)}" for r, n in sorted(found.items())))
PY
[ -f "$WORK/reports/index.html" ] || fail "no drift report index"
echo "ok: every demo attacker found with its family, no benign client flagged, drift after its start"
