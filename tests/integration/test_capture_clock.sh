#!/usr/bin/env bash
# A capture whose timestamps step back (the demo capture appended to itself, as `cat`-style
# concatenation or a 20-fold copy for load tests makes it) is read as if its second half had
# been stamped after the first: the same events, findings and drift reports, byte for byte,
# as the same packets with the second half's times moved forward by hand, and the summary
# says what was moved. Before capture/clock.h the copy's packets were judged against the
# first half's time (a rate window that never closed reported a flood).
. "$(dirname "$0")/lib/common.sh"
pcap=$IG_BUILD/demo/demo.pcap
[ -f "$pcap" ] || fail "no demo capture at $pcap (the demo_pcap target builds it)"
/usr/bin/python3 - "$pcap" "$WORK/twice.pcap" "$WORK/moved.pcap" <<'PY'
import struct, sys
src, twice, moved = sys.argv[1:]
b = open(src, "rb").read()
magic = b[:4]
order = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">", b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}[magic]
per_s = 10**9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 10**6
recs, o = [], 24
while o + 16 <= len(b):
    sec, frac, incl, orig = struct.unpack(order + "IIII", b[o:o + 16])
    recs.append((sec * per_s + frac, b[o + 16:o + 16 + incl], orig))
    o += 16 + incl
first, last = recs[0][0], max(r[0] for r in recs)
unit = per_s // 10**6
shift = last - first + unit   # what the clock adds: one microsecond after the latest time
def write(path, second_shift):
    with open(path, "wb") as f:
        f.write(b[:24])
        for k, sh in ((0, 0), (1, second_shift)):
            for t, data, orig in recs:
                t += sh
                f.write(struct.pack(order + "IIII", t // per_s, t % per_s, len(data), orig) + data)
write(twice, 0)
write(moved, shift)
print(f"{len(recs)} packets, {(last - first) / per_s:.1f} s, copy moved by {shift / per_s:.6f} s")
PY
for c in twice moved; do
  mkdir -p "$WORK/$c.reports"
  "$IG_BIN" analyze --rules "$IG_SRC/rules" --events "$WORK/$c.events" --findings "$WORK/$c.findings.jsonl" \
      --reports "$WORK/$c.reports" "$WORK/$c.pcap" 2>"$WORK/$c.summary" || fail "analyze $c: $(tail -3 "$WORK/$c.summary")"
done
grep -q "clock       packet times stepped back 1 times" "$WORK/twice.summary" ||
  fail "the summary does not report the step back: $(grep -E 'packets|clock' "$WORK/twice.summary")"
grep -q "clock " "$WORK/moved.summary" && fail "a capture that never steps back reports a clock step"
cmp -s "$WORK/twice.events" "$WORK/moved.events" || fail "events differ from the hand-moved capture's"
cmp -s "$WORK/twice.findings.jsonl" "$WORK/moved.findings.jsonl" ||
  fail "findings differ from the hand-moved capture's: $(diff <(cut -c1-300 "$WORK/twice.findings.jsonl") <(cut -c1-300 "$WORK/moved.findings.jsonl") | head -6)"
diff -rq "$WORK/twice.reports" "$WORK/moved.reports" >/dev/null || fail "drift reports differ from the hand-moved capture's"
n=$(grep -c . "$WORK/twice.findings.jsonl")
[ "$n" -gt 0 ] || fail "no findings on the demo twice"
echo "ok: the demo appended to itself gives the hand-moved capture's events, $n findings and drift reports"
