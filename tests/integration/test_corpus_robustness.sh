#!/usr/bin/env bash
# Every real-world capture of the shared corpus (306 files: odd link types, truncated and
# adversarial packets, tunnels, HTTP on strange ports) goes through analyze without a
# crash, hang, leak or sanitizer report (the build under test has ASan+UBSan in CI), and
# exits 0: bad packets are counted drops, never fatal.
. "$(dirname "$0")/lib/common.sh"
corpus=$IG_SHARED/corpus/pcap-real
[ -d "$corpus" ] || fail "corpus not found at $corpus"
export IG_BIN WORK
ls "$corpus" > "$WORK/files"
total=$(wc -l < "$WORK/files")
# Two at a time; each file gets 120 s (a hang is a failure, not a slow test).
xargs -P 2 -I{} sh -c '
  f="$1"; out="$WORK/$f.err"
  if ! timeout 120 "$IG_BIN" analyze --findings /dev/null "'"$corpus"'/$f" 2> "$out"; then
    echo "$f: exit $?"; tail -20 "$out"; echo "$f" >> "$WORK/failed"
  elif grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$out"; then
    echo "$f: sanitizer report"; grep -m5 -E "ERROR|runtime error" "$out"; echo "$f" >> "$WORK/failed"
  fi' _ {} < "$WORK/files"
if [ -s "$WORK/failed" ]; then
  fail "$(wc -l < "$WORK/failed") of $total corpus captures failed"
fi
echo "ok: $total corpus captures analyzed cleanly"
