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
# Unreadable must mean what libpcap itself cannot open (asked directly, through its C API),
# no more and no fewer: a reader that refuses a capture libpcap reads is a regression.
touch "$WORK/unreadable"
/usr/bin/python3 - "$corpus" > "$WORK/libpcap_unreadable" <<'PY'
import ctypes, os, sys
pcap = ctypes.CDLL("libpcap.so.0.8")
pcap.pcap_open_offline.restype = ctypes.c_void_p
pcap.pcap_open_offline.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
pcap.pcap_close.argtypes = [ctypes.c_void_p]
for f in sorted(os.listdir(sys.argv[1])):
    h = pcap.pcap_open_offline(os.path.join(sys.argv[1], f).encode(), ctypes.create_string_buffer(256))
    if h:
        pcap.pcap_close(h)
    else:
        print(f)
PY
sort -o "$WORK/unreadable" "$WORK/unreadable"
unreadable=$(wc -l < "$WORK/unreadable")
diff "$WORK/libpcap_unreadable" "$WORK/unreadable" \
  || fail "unreadable captures differ from libpcap's own verdict (< libpcap cannot open, > we refused)"
echo "ok: $total captures, $unreadable unreadable (exactly those libpcap cannot open), none failed"
