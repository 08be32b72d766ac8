# The fleet tests' shared set-up (sourced after common.sh, kafka.sh and model_stack.sh):
# three replicas of the scikit-learn model server (same seed, same model) behind a
# round-robin L7 balancer (attack_clients.py --ports), each replica's traffic recorded on its
# own (a pod's view), the clients, and one config per process.

# fleet_replicas: starts the three replicas and checks they serve one model; sets ports
# (their REST ports, pod i serves ${ports[i-1]}) and lb (the list the clients spread over).
fleet_replicas() {
  local i
  ports=()
  for i in 1 2 3; do
    $PY "$tools/sk_model_server.py" --portfile "$WORK/port$i" --meta "$WORK/meta$i.json" &
    BG_PIDS+=($!)
  done
  for i in 1 2 3; do wait_for "$WORK/port$i" . 60; ports+=("$(cat "$WORK/port$i")"); done
  for i in 2 3; do
    cmp -s <($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"])' "$WORK/meta1.json") \
           <($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"])' "$WORK/meta$i.json") \
      || fail "replicas 1 and $i serve different models"
  done
  lb=$(IFS=,; echo "${ports[*]}")
}

# fleet_record_start: dumpcap of each replica's port into $WORK/rI.pcap (why dumpcap:
# model_stack.sh, start_recording); sets recs. fleet_record_stop ends them.
fleet_record_start() {
  local i
  recs=()
  for i in 1 2 3; do
    dumpcap -i lo -f "$(server_bpf "${ports[$((i - 1))]}")" -B 64 -s 262144 -P -w "$WORK/r$i.pcap" 2> "$WORK/rec$i.out" &
    recs+=($!); BG_PIDS+=($!)
  done
  for i in 1 2 3; do wait_for "$WORK/rec$i.out" Capturing 10; done
}

fleet_record_stop() {
  local p
  sleep 0.5
  for p in "${recs[@]}"; do kill -TERM "$p"; wait "$p" || true; done
}

# client ROLE SOURCE QUERIES BATCH SEED [PAUSE] [attack_clients.py options]: one client
# through the balancer, its summary in $WORK/client.SOURCE.SEED.json (the name attack_phases
# calls).
client() {
  $PY "$tools/attack_clients.py" --port "${ports[0]}" --ports "$lb" --meta "$WORK/meta1.json" --role "$1" \
      --source "$2" --queries "$3" --batch "$4" --seed "$5" --pause "${6:-0}" "${@:7}" > "$WORK/client.$2.$5.json"
}

# fleet_conf NAME: $WORK/NAME.yaml, a config with its own Kafka spool (one spool per
# process) and short group timeouts (a member that leaves is noticed within seconds).
fleet_conf() {
  printf 'kafka:\n  spool_dir: %s\n  flush_timeout: 20s\n  properties:\n    session.timeout.ms: "6000"\n    heartbeat.interval.ms: "500"\n' \
    "$WORK/spool.$1" > "$WORK/$1.yaml"
}
