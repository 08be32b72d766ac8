#!/usr/bin/env bash
# Every real-world capture of the shared corpus (306 files: odd link types, truncated and
# adversarial packets, tunnels, HTTP on strange ports) goes through analyze without a
# crash, hang, leak or sanitizer report (the build under test has ASan+UBSan in CI), and
# exits 0: bad packets are counted drops, never fatal.
. "$(dirname "$0")/lib/common.sh"
corpus=$IG_SHARED/corpus/pcap-real
# Without the shared material there is nothing to run: ctest reports a skip (77), not a pass.
[ -d "$corpus" ] || { echo "SKIP: corpus not found at $corpus"; exit 77; }
export IG_BIN WORK
ls "$corpus" > "$WORK/files"
total=$(wc -l < "$WORK/files")
# Two at a time; each file gets 120 s (a hang is a failure, not a slow test).
# Exit 0, or exit 4 with a one-line error for files libpcap cannot read (the corpus has
# some 30-byte link stubs): anything else, or a sanitizer report, is a failure.
xargs -P 2 -I{} sh -c '
  f="$1"; out="$WORK/$f.err"
  timeout 120 "$IG_BIN" analyze --findings /dev/null "'"$corpus"'/$f" 2> "$out"; rc=$?
  if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$out"; then
    echo "$f: sanitizer report"; grep -m5 -E "ERROR|runtime error" "$out"; echo "$f" >> "$WORK/failed"
  elif [ $rc = 4 ] && [ "$(grep -c "^inferguard analyze: " "$out")" = 1 ] && ! grep -q "^summary:" "$out"; then
    echo "$f" >> "$WORK/unreadable"
  elif [ $rc != 0 ]; then
    echo "$f: exit $rc"; tail -20 "$out"; echo "$f" >> "$WORK/failed"
  fi' _ {} < "$WORK/files"
if [ -s "$WORK/failed" ]; then
  fail "$(wc -l < "$WORK/failed") of $total corpus captures failed"
fi
unreadable=$(cat "$WORK/unreadable" 2>/dev/null | wc -l)
[ "$unreadable" -lt $((total / 4)) ] || fail "$unreadable of $total captures unreadable: the reader is broken"
echo "ok: $((total - unreadable)) corpus captures analyzed cleanly, $unreadable rejected as not captures"
