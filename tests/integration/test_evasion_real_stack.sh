#!/usr/bin/env bash
# The sensor's view is the server's (issue #13), checked against the real Linux stack: the
# client side of each TCP trick capture (bench/ig_tricks) is played on loopback into a real
# Python HTTP server (lib/replay_stack.py: a kernel socket does the handshake, the trick's
# segments go in through a raw socket), the traffic is recorded, and `inferguard analyze`
# reads the recording. For every trick the server must have received the injection (so the
# trick is real, not an artefact), and the sensor must have found it too, with the evasion
# finding for the tricks that are evasion attempts. Needs CAP_NET_RAW and CAP_NET_ADMIN
# (TCP_REPAIR): a skip (77) without them.
. "$(dirname "$0")/lib/common.sh"
GEN="$IG_BUILD/bench/ig_tricks"
PY=/usr/bin/python3
[ -x "$GEN" ] || fail "ig_tricks not built"
$PY -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)' 2>/dev/null ||
  { echo "SKIP: no CAP_NET_RAW for raw sockets"; exit 77; }

for t in plain stale_fin rst_in_window rst_out_of_window syn_new_isn tcp_overlap_ooo tcp_overlap_retx bad_checksum; do
  "$GEN" "$t" "$WORK/$t.trick.pcap" || fail "ig_tricks $t"
  # rec.out too: the shell truncates it in the recorder's child, after the fork, so the last
  # trick's "ready" could still be read and the recording start after the handshake
  rm -f "$WORK/port" "$WORK/port.go" "$WORK/rec.out"
  $PY "$IG_SRC/tests/integration/lib/replay_stack.py" "$WORK/$t.trick.pcap" "$WORK/port" > "$WORK/$t.server" 2> "$WORK/$t.replay.err" &
  rp=$!; BG_PIDS+=($rp)
  wait_for "$WORK/port" . 10
  port=$(cat "$WORK/port")
  "$IG_BUILD/tests/pcap_record" lo "$(server_bpf "$port")" "$WORK/$t.pcap" > "$WORK/rec.out" &
  rec=$!; BG_PIDS+=($rec)
  wait_for "$WORK/rec.out" ready 10
  sleep 0.3
  touch "$WORK/port.go"
  if ! wait "$rp"; then
    grep -q "Operation not permitted" "$WORK/$t.replay.err" && { echo "SKIP: TCP_REPAIR needs CAP_NET_ADMIN"; exit 77; }
    fail "replay $t: $(tail -3 "$WORK/$t.replay.err")"
  fi
  sleep 0.3
  kill -TERM "$rec"; wait "$rec" || true
  grep -q 'Ignore all previous instructions' "$WORK/$t.server" || fail "$t: the server did not get the injection: $(cat "$WORK/$t.server")"
  # Default checksum mode (auto): the kernel's own packets carry offloaded (partial)
  # checksums, but the client direction's data segments are the injected ones, with real
  # checksums, so that direction is verified and the decoy dropped.
  # The server's port is a model port (a flow picked up mid-stream gets its roles from it).
  printf 'capture:\n  ports: [%s]\n' "$port" > "$WORK/c.yaml"
  "$IG_BIN" analyze -c "$WORK/c.yaml" --rules "$IG_SRC/rules" --findings "$WORK/$t.jsonl" "$WORK/$t.pcap" 2> "$WORK/$t.err" ||
    fail "analyze $t: $(tail -3 "$WORK/$t.err")"
  grep -q '"prompt_injection.signature"' "$WORK/$t.jsonl" || fail "$t: the sensor missed what the server received: $(cat "$WORK/$t.err")"
  case $t in
    plain) ! grep -q '"evasion\.' "$WORK/$t.jsonl" || fail "plain: evasion finding on clean traffic" ;;
    *) grep -q '"evasion.stream"' "$WORK/$t.jsonl" || fail "$t: no evasion.stream: $(grep -E 'tcp|evasion' "$WORK/$t.err")" ;;
  esac
  echo "ok $t: server and sensor both saw the injection"
done
echo "PASS"
