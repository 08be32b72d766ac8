# The real model stack of the end-to-end tests (sourced after common.sh): the scikit-learn
# wine model (tests/tools/sk_model_server.py) on loopback, recorded with dumpcap, and the
# benign and attack clients of tests/tools/attack_clients.py.
tools=$IG_SRC/tests/tools
PY=/usr/bin/python3

# need_model_stack [grpc]: the Python packages and programs the stack needs (fail if not).
need_model_stack() {
  if [ "${1:-}" = grpc ]; then
    $PY -c 'import grpc, google.protobuf, sklearn, numpy' 2>/dev/null \
      || fail "/usr/bin/python3 grpcio/protobuf/sklearn missing (Debian python3-grpcio python3-protobuf python3-sklearn)"
    command -v protoc-c >/dev/null || fail "protoc-c missing (Debian protobuf-c-compiler)"
  else
    $PY -c 'import sklearn, numpy' 2>/dev/null || fail "/usr/bin/python3 sklearn/numpy missing (Debian python3-sklearn)"
  fi
  command -v dumpcap >/dev/null || fail "dumpcap missing (Debian wireshark-common / tshark)"
}

# start_model_server [grpc]: serves the wine model; sets port (REST) and, with grpc, gport.
# $WORK/meta.json describes the model for the clients.
start_model_server() {
  if [ "${1:-}" = grpc ]; then
    $PY "$tools/sk_model_server.py" --portfile "$WORK/port" --grpc-portfile "$WORK/gport" --meta "$WORK/meta.json" &
    BG_PIDS+=($!)
    wait_for "$WORK/gport" . 60
    gport=$(cat "$WORK/gport")
  else
    start_tool_server sk_model_server.py --meta "$WORK/meta.json"
  fi
  port=$(cat "$WORK/port")
}

# start_recording PORT: dumpcap of the model server on loopback TCP PORT into $WORK/cap.pcap;
# sets rec. dumpcap rather than tests/pcap_record: loopback segments are up to 64 KiB and
# bursts of batched requests overflow libpcap's default 2 MiB ring (gaps); -B asks for 64 MiB.
start_recording() {
  dumpcap -i lo -f "$(server_bpf "$1")" -B 64 -s 262144 -P -w "$WORK/cap.pcap" 2> "$WORK/rec.out" &
  rec=$!; BG_PIDS+=($rec)
  wait_for "$WORK/rec.out" Capturing 10
}

stop_recording() {
  sleep 0.5
  kill -TERM "$rec"
  wait "$rec" || true
}

# attack_phases: phase 1, benign traffic only (the model's reference, extraction.coverage,
# learns from it); phase 2, the same benign clients go on while JbDA, random queries, a
# boundary walk, SimBA and score harvesting run (and a flood when ATTACK_FLOOD=1, a paced
# flood with PACED_FLOOD). Each is
# the test's own `client ROLE SOURCE QUERIES BATCH SEED [PAUSE] [ARG]` from its own
# 127.0.0.x address; BOUNDARY_ARG is passed to the boundary walk.
attack_phases() {
  local pids=() i p
  for i in 1 2 3 4 5 6; do client benign 127.0.0.1$i 200 10 $i 0.02 & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || fail "benign client failed"; done
  pids=()
  for i in 1 2 3 4 5 6; do client benign 127.0.0.1$i 200 10 $((i + 10)) 0.05 & pids+=($!); done
  client jbda     127.0.0.21 640 40 21 & pids+=($!)
  client random   127.0.0.22 500 50 22 & pids+=($!)
  client boundary 127.0.0.23 400 1  23 0 ${BOUNDARY_ARG:-} & pids+=($!)
  client simba    127.0.0.24 400 1  24 & pids+=($!)
  client harvest  127.0.0.25 600 20 25 & pids+=($!)
  if [ "${ATTACK_FLOOD:-0}" = 1 ]; then client flood 127.0.0.26 400 1 26 & pids+=($!); fi
  # PACED_FLOOD="RATE REQUESTS": a steady flood at RATE requests/s (the test's client must
  # pass its 7th and later arguments on to attack_clients.py)
  if [ -n "${PACED_FLOOD:-}" ]; then
    set -- $PACED_FLOOD
    client paced 127.0.0.27 "$2" 1 27 0 --rate "$1" & pids+=($!)
  fi
  for p in "${pids[@]}"; do wait "$p" || fail "a client failed"; done
}
