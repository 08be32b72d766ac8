#!/usr/bin/env bash
# A capture whose timestamps step back (the demo capture appended to itself, as `cat`-style
# concatenation or a 20-fold copy for load tests makes it) is read as if its second half had
# been stamped after the first: the same events, findings and drift reports, byte for byte,
# as the same packets with the second half's times moved forward by hand, and the summary
# says what was moved. Before capture/clock.h the copy's packets were judged against the
# first half's time (a rate window that never closed reported a flood).
# The other way: one record stamped ten years ahead in the middle of the demo (a corrupt or
# forged record) is held at the latest time, so the capture gives the demo's own findings and
# drift reports. Before, its tick closed every open flow and later packets carried its offset.
. "$(dirname "$0")/lib/common.sh"
pcap=$IG_BUILD/demo/demo.pcap
[ -f "$pcap" ] || fail "no demo capture at $pcap (the demo_pcap target builds it)"
/usr/bin/python3 - "$pcap" "$WORK/twice.pcap" "$WORK/moved.pcap" "$WORK/leap.pcap" <<'PY'
import struct, sys
src, twice, moved, leap = sys.argv[1:]
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
# the smallest record of the middle third (a bare ACK): stamped ten years ahead
mid = min(range(len(recs) // 3, 2 * len(recs) // 3), key=lambda i: (len(recs[i][1]), i))
with open(leap, "wb") as f:
    f.write(b[:24])
    for i, (t, data, orig) in enumerate(recs):
        if i == mid:
            t += 10 * 365 * 86400 * per_s
        f.write(struct.pack(order + "IIII", t // per_s, t % per_s, len(data), orig) + data)
print(f"{len(recs)} packets, {(last - first) / per_s:.1f} s, copy moved by {shift / per_s:.6f} s")
PY
cp "$pcap" "$WORK/demo.pcap"
for c in twice moved leap demo; do
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
grep -q "1 single packets stamped over 60 s ahead" "$WORK/leap.summary" ||
  fail "the summary does not report the record far ahead: $(grep -E 'clock' "$WORK/leap.summary")"
cmp -s "$WORK/leap.findings.jsonl" "$WORK/demo.findings.jsonl" ||
  fail "one record stamped far ahead changed the findings: $(diff <(cut -c1-200 "$WORK/leap.findings.jsonl") <(cut -c1-200 "$WORK/demo.findings.jsonl") | head -6)"
diff -rq "$WORK/leap.reports" "$WORK/demo.reports" >/dev/null || fail "one record stamped far ahead changed the drift reports"
echo "ok: a record stamped ten years ahead is held: the demo's $(grep -c . "$WORK/demo.findings.jsonl") findings and drift reports"
echo "ok: the demo appended to itself gives the hand-moved capture's events, $n findings and drift reports"
