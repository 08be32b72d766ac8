#!/usr/bin/env bash
# analyze --workers 2 (parsing and detection on separate threads, sharing the model-side
# lane: whichever thread gets to an event runs it; detection.model_side auto, parsing and
# detection move it between them), --workers 3 (plus a
# model-side lane running PRADA, coverage and the per-client detectors over every event) and 4
# (the per-client detectors on a client lane instead, sharded by source; the lanes' findings
# merged back by the model lane) write exactly what --workers 1 writes: findings,
# events and drift reports byte for byte and in the same order, and the same summary
# counters; also with a 2-slot ring of 4 KiB slots (the parser is held back constantly and
# large events take the overflow buffer), and under overload. The LLM capture makes client
# lanes and the model lane raise findings on the same event (abuse.rate and
# prompt_injection.signature on one request), so a merge in the wrong order shows. Bad
# values are refused with a clear message.
. "$(dirname "$0")/lib/common.sh"
export INFERGUARD_ID_SECRET=test-workers-secret   # API-key ids stable across runs
export INFERGUARD_EVIDENCE_KEY=test-workers-evidence INFERGUARD_FINGERPRINT_SALT=test-workers-salt
gen() { "$IG_BUILD/bench/ig_gen" --quiet "$@"; }
gen --scenario mixed --seed 11 --out "$WORK/mixed.pcap"
gen --scenario mixed --seed 12 --proxy --pipeline --chaos --out "$WORK/mixed_proxy.pcap"
gen --scenario demo --seed 3 --out "$WORK/demo.pcap"
# README's demo capture (the build's demo/demo.pcap): drift partway through.
gen --scenario demo --seed 1 --drift-at 0.6 --out "$WORK/readme_demo.pcap"
# 3072 features x batch 8 = 96 KiB of inputs per event: larger than a default 64 KiB slot.
gen --scenario benign --seed 5 --dim 3072 --batch 8 --clients 3 --requests 40 --out "$WORK/wide.pcap"
gen --scenario evasion --seed 6 --out "$WORK/evasion.pcap"
/usr/bin/python3 "$IG_SRC/tests/tools/llm_mix_gen.py" "$WORK/llm.pcap"
# OpenAI chat with streamed (SSE) answers: their reassembly keeps a per-thread scratch, which
# the detection thread must give back when it decodes them (ASan's leak check ends the run).
gen --scenario benign --protocol openai --seed 7 --clients 8 --requests 200 --out "$WORK/openai.pcap"
# The shipped rules, with abuse.rate on an explicit quota the LLM capture's sources cross.
mkdir "$WORK/rules"
cp "$IG_SRC"/rules/*.yaml "$WORK/rules/"
cat > "$WORK/rules/zz-workers.yaml" <<YAML
- detector: abuse.rate
  enabled: true
  params:
    window: 10s
    max_requests: 20
YAML

cat > "$WORK/tiny_ring.yaml" <<YAML
detection:
  ring_slots: 2
  ring_slot_bytes: 4KiB
YAML

# run NAME WORKERS [ARGS...]: analyze into $WORK/NAME.w<WORKERS>.* (NOEVENTS=1: no --events)
run() {
    local name=$1 w=$2; shift 2
    local o="$WORK/$name.w$w"
    local ev=(--events "$o.events.jsonl")
    [ -n "${NOEVENTS:-}" ] && ev=()
    "$IG_BIN" analyze --workers "$w" --rules "${RULES:-$IG_SRC/rules}" --findings "$o.findings.jsonl" \
        "${ev[@]}" --reports "$o.reports" "$@" 2> "$o.stderr" \
        || { cat "$o.stderr" >&2; fail "$name: analyze --workers $w exited non-zero"; }
    # The summary without the timing line and the workers line (the only ones that differ),
    # output paths neutralised; with client lanes a client's entry is two (model lane and
    # its lane: more bytes each) and each lane loads its own pattern databases; known_quiet
    # is a random-keyed cache's hits (test_parse_shards.sh says why it varies run to run).
    sed -n '/^summary:/,$p' "$o.stderr" | grep -v '^  workers ' | sed "s#$o#OUT#g" |
        sed 's/ ([0-9]* bytes each)//' | grep -v '^  patterns ' |
        sed 's/ known_quiet [0-9]*;/ known_quiet N;/' > "$o.summary"
}

# same NAME N [BASE]: the run with N workers wrote what the run with one wrote (BASE's)
same() {
    local name=$1 n=$2
    local a="$WORK/${3:-$name}.w1" b="$WORK/$name.w$n"
    cmp "$a.findings.jsonl" "$b.findings.jsonl" || fail "$name: findings differ between 1 and $n workers"
    if [ -z "${NOEVENTS:-}" ]; then
        cmp "$a.events.jsonl" "$b.events.jsonl" || fail "$name: events differ between 1 and $n workers"
    fi
    if [ -e "$a.reports" ] || [ -e "$b.reports" ]; then
        diff -r "$a.reports" "$b.reports" || fail "$name: drift reports differ between 1 and $n workers"
    fi
    diff "$a.summary" "$b.summary" || fail "$name: summary counters differ between 1 and $n workers"
    if [ "$n" = 2 ]; then
        grep -Eq '^  workers     2 \(parsing \| detection; model side, shared: extraction.prada, extraction.coverage and [0-9]+ per-client detectors, run by the parsing thread on [0-9]+ of [0-9]+ events; [0-9]+ transactions decoded by the detection thread\)' "$b.stderr" ||
            fail "$name: no workers line with the shared model side in the summary"
    else
        # 3: the model-side lane also runs the per-client detectors (no client lane)
        local lanes="model side" more=" and [0-9]+ per-client detectors"
        [ "$n" -ge 4 ] && lanes="model side \| client lanes" more=""
        grep -Eq "^  workers     $n \(parsing \| detection \| $lanes; model side: extraction.prada, extraction.coverage$more\)" "$b.stderr" ||
            fail "$name: no workers line with the lanes and the model side's detectors in the summary"
    fi
    grep -Eq '^  events      [1-9]' "$a.summary" || fail "$name: no events at all (the comparison would prove nothing)"
}

for c in mixed mixed_proxy demo readme_demo wide evasion llm; do
    RULES=""
    [ "$c" = llm ] && RULES=$WORK/rules
    for w in 1 2 3 4; do
        run "$c" "$w" "$WORK/$c.pcap"
    done
    for w in 2 3 4; do
        same "$c" "$w"
    done
    # The shared model-side lane pinned to either thread (as far as it goes: see the key).
    case $c in demo|readme_demo|evasion) continue ;; esac
    for side in parsing detection; do
        printf 'detection:\n  model_side: %s\n' "$side" > "$WORK/side_$side.yaml"
        run "$c.$side" 2 -c "$WORK/side_$side.yaml" "$WORK/$c.pcap"
        same "$c.$side" 2 "$c"
    done
    grep -q 'run by the parsing thread on 0 of [1-9][0-9]* events' "$WORK/$c.detection.w2.stderr" ||
        fail "$c: detection.model_side: detection, yet the parsing thread ran the lane"
done
# Pinned to the parsing thread, the lane moved between the threads (the detection thread
# takes the events it reaches first), on at least one capture: the hand-over was exercised.
grep -Eq 'run by the parsing thread on [1-9][0-9]* of [1-9][0-9]* events' "$WORK"/*.parsing.w2.stderr ||
    fail "detection.model_side: parsing, yet the parsing thread never ran the lane"
# The detection thread turning transactions into events (detection.decode; not with --events,
# whose writer needs them on the parsing side): pinned to it, and on auto, the findings, drift
# reports and summary counters (malformed bodies and their drop reasons included) are one
# worker's; with slots too small for some transactions (those are decoded where they are).
printf 'detection:\n  decode: detection\n' > "$WORK/decode.yaml"
printf 'detection:\n  decode: detection\n  ring_slots: 2\n  ring_slot_bytes: 4KiB\n' > "$WORK/decode_tiny.yaml"
for c in mixed mixed_proxy demo readme_demo wide evasion llm openai; do
    RULES=""
    [ "$c" = llm ] && RULES=$WORK/rules
    NOEVENTS=1 run "$c.noev" 1 "$WORK/$c.pcap"
    NOEVENTS=1 run "$c.noev" 2 "$WORK/$c.pcap"
    NOEVENTS=1 same "$c.noev" 2
    for k in decode decode_tiny; do
        NOEVENTS=1 run "$c.$k" 2 -c "$WORK/$k.yaml" "$WORK/$c.pcap"
        NOEVENTS=1 same "$c.$k" 2 "$c.noev"
    done
    [ "$c" = wide ] && continue   # (every one of its transactions is over a slot)
    grep -Eq '; [1-9][0-9]* transactions decoded by the detection thread\)' "$WORK/$c.decode.w2.stderr" ||
        fail "$c: detection.decode: detection, yet the detection thread decoded nothing"
done
grep -Eq ' [1-9][0-9]* malformed$' "$WORK/llm.noev.w1.summary" &&
    grep -q '^  tensor data does not match its shape  *[1-9]' "$WORK/llm.noev.w1.summary" ||
    fail "llm: no malformed event or its drop reason (the counters' comparison would prove less)"
grep -q '; 0 transactions decoded by the detection thread)' "$WORK/wide.decode.w2.stderr" ||
    fail "wide: transactions over a slot were handed over"
grep -Eq '; [1-9][0-9]* transactions decoded by the detection thread\)' "$WORK/llm.decode_tiny.w2.stderr" ||
    fail "llm: with 4 KiB slots no transaction was handed over (the mixed case was not exercised)"
RULES=""
for a in abuse.rate prompt_injection.signature leakage.pii leakage.system_prompt abuse.identity_rotation; do
    grep -q "\"name\":\"$a\"" "$WORK/llm.w1.findings.jsonl" || fail "llm: no $a finding (the comparison would prove less)"
done
grep -Eq 'lanes [0-9.]+ [0-9.]+ s$' "$WORK/llm.w4.stderr" || fail "llm: the summary shows no CPU time of two lanes"
[ -s "$WORK/demo.w1.findings.jsonl" ] || fail "demo: no findings (the comparison would prove nothing)"
[ -s "$WORK/mixed.w1.findings.jsonl" ] || fail "mixed: no findings"
grep -q '"name":"drift.features"' "$WORK/readme_demo.w1.findings.jsonl" || fail "readme_demo: no drift finding"
ls "$WORK/demo.w2.reports"/*/*.json > /dev/null 2>&1 || fail "demo: no drift report from the detection thread"
grep -Eq 'events and ticks handed over .* [1-9][0-9]* events through the overflow buffer' "$WORK/wide.w2.stderr" ||
    fail "wide: events larger than a slot did not take the overflow buffer"

# Client lanes split a detector's memory_mb between them: with two lanes the fingerprint
# state (~230 KiB a client at d = 784) of a 2 MiB budget is refused at least as often as with
# one engine, never half as often (the budget is not doubled).
gen --scenario benign --dim 784 --clients 32 --requests 640 --seed 2 --out "$WORK/wide784.pcap"
mkdir "$WORK/fp_rules"
cp "$IG_SRC"/rules/*.yaml "$WORK/fp_rules/"
printf -- '- detector: adversarial.fingerprint\n  params:\n    memory_mb: 2\n    min_features: 256\n' > "$WORK/fp_rules/zz-fp.yaml"
for w in 1 4; do
    "$IG_BIN" analyze --workers $w --rules "$WORK/fp_rules" --findings "$WORK/fp.$w.jsonl" \
        "$WORK/wide784.pcap" 2> "$WORK/fp.$w.err" || fail "fingerprint budget: analyze --workers $w failed"
done
r1=$(grep -oE 'adversarial.fingerprint refused [0-9]+' "$WORK/fp.1.err" | awk '{print $3}')
r4=$(grep -oE 'adversarial.fingerprint refused [0-9]+' "$WORK/fp.4.err" | awk '{print $3}')
[ -n "$r1" ] && [ "$r1" -gt 0 ] || fail "fingerprint budget: one worker refused nothing (the check would prove nothing)"
[ -n "$r4" ] && [ "$r4" -ge "$r1" ] || fail "fingerprint budget: two lanes refused $r4 < $r1: the budget was multiplied"

# Several captures in one run, and a ring that is nearly always full.
for w in 1 2 4; do
    run multi $w -c "$WORK/tiny_ring.yaml" "$WORK/mixed.pcap" "$WORK/wide.pcap" "$WORK/demo.pcap" "$WORK/llm.pcap"
done
same multi 2
same multi 4
grep -q 'ring of 2 slots x 4096 bytes' "$WORK/multi.w2.stderr" || fail "tiny ring: configuration not applied"
grep -Eq 'parser held back [1-9][0-9]* times' "$WORK/multi.w2.stderr" || fail "tiny ring: no back-pressure seen"

# Under overload (flows evicted, clients evicted, requests unanswered past the pipelining
# depth) evasion.overload reports what was given up at each tick: the detection thread must
# see the parser's totals of that tick, not its later ones.
cat > "$WORK/overload.yaml" <<YAML
http:
  pipeline_depth: 2
flow:
  max_flows: 4
detection:
  max_clients: 2
YAML
# (Client lanes are identical only while the client table does not evict: each lane evicts by
# its own LRU, README says so; max_clients 2 evicts constantly. The model-side lane sees every
# client in the model lane's order with a table of the same size: it evicts the same ones.)
run overload 1 -c "$WORK/overload.yaml" "$WORK/mixed_proxy.pcap"
run overload 2 -c "$WORK/overload.yaml" "$WORK/mixed_proxy.pcap"
run overload 3 -c "$WORK/overload.yaml" "$WORK/mixed_proxy.pcap"
same overload 2
same overload 3
grep -q 'clients     2 tracked, [1-9][0-9]* evicted' "$WORK/overload.w3.stderr" || fail "overload: no client evicted (the comparison would prove less)"
grep -q '"evasion.overload"' "$WORK/overload.w1.findings.jsonl" || fail "overload: no evasion.overload finding"

# The config key does the same as the flag.
printf 'detection.workers: 2\n' > "$WORK/two.yaml"
"$IG_BIN" analyze -c "$WORK/two.yaml" --rules "$IG_SRC/rules" --findings "$WORK/cfg2.jsonl" \
    --events "$WORK/cfg2.events.jsonl" "$WORK/mixed.pcap" 2> "$WORK/cfg2.stderr"
grep -q '^  workers     2' "$WORK/cfg2.stderr" || fail "detection.workers: 2 not applied"
cmp "$WORK/cfg2.jsonl" "$WORK/mixed.w1.findings.jsonl" || fail "detection.workers: 2 findings differ"
printf 'detection.workers: 3\n' > "$WORK/three.yaml"
"$IG_BIN" analyze -c "$WORK/three.yaml" --rules "$IG_SRC/rules" --findings "$WORK/cfg3.jsonl" \
    --events "$WORK/cfg3.events.jsonl" "$WORK/mixed.pcap" 2> "$WORK/cfg3.stderr"
grep -q '^  workers     3 (parsing | detection | model side' "$WORK/cfg3.stderr" || fail "detection.workers: 3 not applied"
cmp "$WORK/cfg3.jsonl" "$WORK/mixed.w1.findings.jsonl" || fail "detection.workers: 3 findings differ"

# msgpack findings are the same bytes too.
printf 'findings.encoding: msgpack\n' > "$WORK/msgpack.yaml"
for w in 1 2 4; do
    "$IG_BIN" analyze -q --workers $w --rules "$WORK/rules" -c "$WORK/msgpack.yaml" \
        --findings "$WORK/mp.$w" "$WORK/demo.pcap" "$WORK/llm.pcap"
done
cmp "$WORK/mp.1" "$WORK/mp.2" || fail "msgpack findings differ between 1 and 2 workers"
cmp "$WORK/mp.1" "$WORK/mp.4" || fail "msgpack findings differ between 1 and 4 workers"

# Refusals.
expect() {   # expect RC PATTERN ARGS...
    local want=$1 pat=$2; shift 2
    set +e; "$IG_BIN" "$@" > /dev/null 2> "$WORK/err"; local rc=$?; set -e
    [ "$rc" = "$want" ] || { cat "$WORK/err" >&2; fail "'$*' exited $rc, wanted $want"; }
    grep -q -- "$pat" "$WORK/err" || { cat "$WORK/err" >&2; fail "'$*': no message '$pat'"; }
}
expect 2 '--workers: 1 to 16' analyze --workers 17 "$WORK/demo.pcap"
expect 2 '--workers: 1 to 16' analyze --workers 0 "$WORK/demo.pcap"
expect 2 '--workers: 1 to 16' analyze --workers 2x "$WORK/demo.pcap"
expect 2 '--workers: 1 to 16' run --workers 99
printf 'detection.workers: 17\n' > "$WORK/many.yaml"
expect 3 'detection.workers' analyze -c "$WORK/many.yaml" "$WORK/demo.pcap"
expect 3 'different outputs' analyze --workers 2 --events - --findings - "$WORK/demo.pcap"
expect 3 'different outputs' analyze --workers 3 --events - --findings - "$WORK/demo.pcap"

# Live: run --workers 2 on loopback sees every request a real client sends, raises the rate
# finding from the detection thread, and flushes it on SIGTERM.
tools=$IG_SRC/tests/tools
start_tool_server oip_server.py
mkdir "$WORK/live_rules"
cat > "$WORK/live_rules/abuse.yaml" <<YAML
- detector: abuse.rate
  enabled: true
  params:
    window: 10s
    max_requests: 40
YAML
for w in 2 3; do
    "$IG_BIN" run --workers $w -i lo --bpf "$(server_bpf "$port")" --rules "$WORK/live_rules" \
        --events "$WORK/live_events.$w.jsonl" --findings "$WORK/live_findings.$w.jsonl" 2> "$WORK/run.$w.err" &
    runpid=$!; BG_PIDS+=($runpid)
    wait_for "$WORK/run.$w.err" capturing 10
    sleep 0.5
    /usr/bin/python3 "$tools/oip_client.py" --port "$port" --requests 60 --rows 2 --dim 8 --conns 2 \
        --model iris --out "$WORK/sent.$w.jsonl"
    sleep 1
    kill -TERM "$runpid"
    wait "$runpid" || fail "run --workers $w exited $? ($(tail -5 "$WORK/run.$w.err"))"
    /usr/bin/python3 "$IG_SRC/tests/integration/lib/compare_events.py" "$WORK/sent.$w.jsonl" \
        "$WORK/live_events.$w.jsonl" iris 2 8 127.0.0.1 || fail "run --workers $w: live events differ"
    grep -q '"name":"abuse.rate"' "$WORK/live_findings.$w.jsonl" || fail "run --workers $w: no abuse.rate finding"
    grep -q "^  workers     $w" "$WORK/run.$w.err" || fail "run --workers $w: no workers line in the summary"
done
echo "ok"
