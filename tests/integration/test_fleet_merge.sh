#!/usr/bin/env bash
# analyze --merge: a capture split over three "replicas" the way a round-robin L4 load
# balancer spreads connections, merged back by packet time, gives the same events and the
# same (analytic, client) findings as the one capture; the files read one after another
# (no --merge) run the clock backwards at each file and are not that view.
source "$(dirname "$0")/lib/common.sh"

"$IG_BUILD/bench/ig_gen" --scenario mixed --requests 3000 --out "$WORK/all.pcap" --quiet
/usr/bin/python3 "$IG_SRC/tests/tools/pcap_split_rr.py" "$WORK/all.pcap" 3 "$WORK/r"
for i in 1 2 3; do [ -s "$WORK/r$i.pcap" ] || fail "split produced an empty r$i.pcap"; done

"$IG_BIN" analyze --rules "$IG_SRC/rules" --findings "$WORK/one.jsonl" --events "$WORK/one.ev" \
  "$WORK/all.pcap" 2> "$WORK/one.err" || { cat "$WORK/one.err"; fail "analyze of the whole capture"; }
"$IG_BIN" analyze --merge --rules "$IG_SRC/rules" --findings "$WORK/merged.jsonl" --events "$WORK/merged.ev" \
  "$WORK/r1.pcap" "$WORK/r2.pcap" "$WORK/r3.pcap" 2> "$WORK/merged.err" \
  || { cat "$WORK/merged.err"; fail "analyze --merge"; }

/usr/bin/python3 - "$WORK" <<'PY' || fail "merged view differs from the single capture"
import json, sys
w = sys.argv[1]
def events(p):
    ev = [json.loads(l) for l in open(p)]
    return ev
def found(p):
    s = set()
    for l in open(p):
        f = json.loads(l)
        ip = (f["evidences"][0].get("src_endpoint") or {}).get("ip", "")
        s.add((f["finding_info"]["analytic"]["name"], ip))
    return s
e1, e2 = events(f"{w}/one.ev"), events(f"{w}/merged.ev")
assert len(e1) == len(e2) and len(e1) > 1000, (len(e1), len(e2))
f1, f2 = found(f"{w}/one.jsonl"), found(f"{w}/merged.jsonl")
print(f"events {len(e1)}; findings (analytic, client): one {len(f1)}, merged {len(f2)}")
assert f1, "the mixed scenario raised nothing"
assert f1 == f2, (sorted(f1 - f2), sorted(f2 - f1))
PY
grep -q "3 file(s)" "$WORK/merged.err" || { cat "$WORK/merged.err"; fail "summary does not count the three files"; }
echo "ok: --merge of three replicas' captures equals the single capture"
