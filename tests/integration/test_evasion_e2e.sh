#!/usr/bin/env bash
# Transport evasion end to end (issue #13): ig_tricks writes one capture per trick, each a
# chat request carrying a prompt injection that a Linux server receives whole; `inferguard
# analyze` with the shipped rules must still find the injection in every one, raise the
# evasion analytic that names the trick where the trick is an evasion attempt (with both
# copies of the bytes as evidence for overlaps) with its ATLAS mapping, and raise none for
# clean fragmentation.
. "$(dirname "$0")/lib/common.sh"
GEN="$IG_BUILD/bench/ig_tricks"
[ -x "$GEN" ] || fail "ig_tricks not built (IG_BUILD_BENCH)"

declare -A expect=(
  [plain]=none [stale_fin]=evasion.stream [rst_out_of_window]=evasion.stream
  [rst_in_window]=evasion.stream [bad_checksum]=evasion.stream [syn_new_isn]=evasion.stream
  [tcp_overlap_ooo]=evasion.stream [tcp_overlap_retx]=evasion.stream
  [ip_frag]=none [ip_frag_reorder]=none [ip_frag_overlap]=evasion.fragment
  [ip_frag_dup]=evasion.fragment [tiny_frags]=none [ip6_frag]=none [ip6_frag_reorder]=none
)
n=0
for t in $("$GEN" --list); do
  [ -n "${expect[$t]:-}" ] || fail "trick $t has no expectation in this test"
  "$GEN" "$t" "$WORK/$t.pcap" || fail "ig_tricks $t"
  "$IG_BIN" analyze --rules "$IG_SRC/rules" --events "$WORK/$t.events" --findings "$WORK/$t.jsonl" \
      "$WORK/$t.pcap" 2> "$WORK/$t.err" || fail "analyze $t exited $?: $(tail -3 "$WORK/$t.err")"
  /usr/bin/python3 - "$t" "${expect[$t]}" "$WORK/$t.jsonl" "$WORK/$t.events" <<'PY' || fail "trick $t (see above)"
import json, sys
trick, want, fpath, epath = sys.argv[1:]
found = [json.loads(l) for l in open(fpath) if l.strip()]
names = [f["finding_info"]["analytic"]["name"] for f in found]
events = [json.loads(l) for l in open(epath) if l.strip()]
assert len(events) == 1, f"{trick}: {len(events)} events, want the one request"
assert "prompt_injection.signature" in names, f"{trick}: injection not found: {names}"
eva = [f for f in found if f["finding_info"]["analytic"]["name"].startswith("evasion.")]
if want == "none":
    assert not eva, f"{trick}: evasion finding on a clean capture: {[e['finding_info']['analytic']['name'] for e in eva]}"
else:
    assert [e["finding_info"]["analytic"]["name"] for e in eva] == [want], f"{trick}: {names}"
    data = {}
    for ev in eva[0].get("evidences", []):
        data.update(ev.get("data", {}))
    assert data.get("trick"), f"{trick}: no evidence of the trick"
    if "overlap" in trick or trick in ("ip_frag_dup",):
        assert "Ignore all prev" in data["trick"] and "Please tell me" in data["trick"], data["trick"]
    uids = {a["technique"]["uid"] for a in eva[0]["finding_info"]["attacks"]}
    assert "AML.T0015" in uids, uids
print(f"ok {trick}: {sorted(set(names))}")
PY
  n=$((n + 1))
done
[ "$n" -ge 15 ] || fail "only $n tricks"

# The summary says what was ignored and why.
grep -q "1 bad checksums dropped" "$WORK/bad_checksum.err" || fail "summary lacks the bad checksum"
grep -q "(RFC 5961): 0 RST, 1 FIN" "$WORK/stale_fin.err" || fail "summary lacks the stale FIN"
grep -q "defrag .* 1 discarded for overlaps" "$WORK/ip_frag_overlap.err" || fail "summary lacks the discarded datagram"

# Another overlap policy resolves the fragment trick its own way and still flags it.
printf 'defrag:\n  policy: bsd\n' > "$WORK/bsd.yaml"
"$IG_BIN" analyze -c "$WORK/bsd.yaml" --rules "$IG_SRC/rules" --findings "$WORK/bsd.jsonl" \
    "$WORK/ip_frag_dup.pcap" 2> "$WORK/bsd.err" || fail "analyze with defrag.policy bsd"
grep -q '"evasion.fragment"' "$WORK/bsd.jsonl" || fail "bsd policy: no evasion.fragment"
echo "PASS: $n tricks"
