#!/usr/bin/env bash
# analyze --parse-shards N (flows, HTTP and payload decoding on N threads, each owning the
# flows of the address pairs hashed to it; the capture thread merges their events back into
# capture order) writes exactly what one parser writes: findings, events and drift reports
# byte for byte, and the same summary counters. Covered: HTTP/1 with pipelining, proxies and
# chaos, LLM traffic, events larger than a shard's slot, transport tricks (IP fragments,
# overlaps, TCP control tricks: fragments carry no ports, so they must meet their flow's
# shard), several captures in one run, flows closed by the idle timeout at ticks (the
# shards' closes merged in one table's order), and parse shards together with detection
# workers and lanes. Bad values are refused with a clear message.
. "$(dirname "$0")/lib/common.sh"
export INFERGUARD_ID_SECRET=test-shards-secret
export INFERGUARD_EVIDENCE_KEY=test-shards-evidence INFERGUARD_FINGERPRINT_SALT=test-shards-salt
gen() { "$IG_BUILD/bench/ig_gen" --quiet "$@"; }
gen --scenario mixed --seed 11 --out "$WORK/mixed.pcap"
gen --scenario mixed --seed 12 --proxy --pipeline --chaos --out "$WORK/mixed_proxy.pcap"
gen --scenario demo --seed 1 --drift-at 0.6 --out "$WORK/readme_demo.pcap"
# 3072 features x batch 8 = 96 KiB of inputs per event: larger than a shard's 16 KiB slot.
gen --scenario benign --seed 5 --dim 3072 --batch 8 --clients 3 --requests 40 --out "$WORK/wide.pcap"
gen --scenario evasion --seed 6 --out "$WORK/evasion.pcap"
gen --scenario benign --protocol openai --clients 16 --requests 400 --seed 3 --out "$WORK/openai.pcap"
/usr/bin/python3 "$IG_SRC/tests/tools/llm_mix_gen.py" "$WORK/llm.pcap"
tricks=()
for t in $("$IG_BUILD/bench/ig_tricks" --list); do
    "$IG_BUILD/bench/ig_tricks" "$t" "$WORK/trick_$t.pcap" || fail "ig_tricks $t"
    tricks+=("$WORK/trick_$t.pcap")
done
[ "${#tricks[@]}" -ge 10 ] || fail "ig_tricks listed only ${#tricks[@]} tricks"

# run NAME TAG ARGS...: analyze into $WORK/NAME.TAG.*
run() {
    local name=$1 tag=$2; shift 2
    local o="$WORK/$name.$tag"
    "$IG_BIN" analyze --rules "$IG_SRC/rules" --findings "$o.findings.jsonl" \
        --events "$o.events.jsonl" --reports "$o.reports" "$@" 2> "$o.stderr" \
        || { cat "$o.stderr" >&2; fail "$name: analyze $* exited non-zero"; }
    # The summary without the timing, workers and shards lines, output paths neutralised
    # (client lanes: see test_workers.sh), and without prompt_injection.signature's
    # known_quiet: hits of its cache of prompts scored quiet, a hash table keyed at random
    # per process whose colliding entries replace each other, so its hit count differs run
    # to run while every verdict is the same (a miss scores the prompt again).
    sed -n '/^summary:/,$p' "$o.stderr" | grep -v '^  workers ' | grep -v '^  shards ' |
        sed "s#$o#OUT#g" | sed 's/ ([0-9]* bytes each)//' | grep -v '^  patterns ' |
        sed 's/ known_quiet [0-9]*;/ known_quiet N;/' > "$o.summary"
}

# same NAME TAG: the run TAG wrote what the run with one parser (tag p1) wrote
same() {
    local a="$WORK/$1.p1" b="$WORK/$1.$2"
    cmp "$a.findings.jsonl" "$b.findings.jsonl" || fail "$1: findings differ between one parser and $2"
    cmp "$a.events.jsonl" "$b.events.jsonl" || fail "$1: events differ between one parser and $2"
    if [ -e "$a.reports" ] || [ -e "$b.reports" ]; then
        diff -r "$a.reports" "$b.reports" || fail "$1: drift reports differ between one parser and $2"
    fi
    diff "$a.summary" "$b.summary" || fail "$1: summary counters differ between one parser and $2"
    [ -s "$a.events.jsonl" ] || fail "$1: no events at all (the comparison would prove nothing)"
    local n=${2#s}; n=${n%%w*}
    grep -Eq "^  shards      $n parse shards \(flows by address pair\): .*CPU [0-9.]+ s capture thread \(so far\), shards( [0-9.]+){$n} s$" "$b.stderr" ||
        fail "$1: no shards line with $n CPU times in the summary of $2"
}

for c in mixed mixed_proxy readme_demo wide evasion openai llm; do
    run "$c" p1 "$WORK/$c.pcap"
    run "$c" s2 --parse-shards 2 "$WORK/$c.pcap"
    run "$c" s3 --parse-shards 3 "$WORK/$c.pcap"
    run "$c" s2w4 --parse-shards 2 --workers 4 "$WORK/$c.pcap"
    for t in s2 s3 s2w4; do same "$c" "$t"; done
done
grep -q '"name":"drift.features"' "$WORK/readme_demo.p1.findings.jsonl" || fail "readme_demo: no drift finding"
[ -s "$WORK/mixed.p1.findings.jsonl" ] || fail "mixed: no findings"
grep -q '"name":"prompt_injection' "$WORK/llm.p1.findings.jsonl" || fail "llm: no prompt injection finding"
grep -Eq 'parse shards .* and [1-9][0-9]* events over a slot' "$WORK/wide.s2.stderr" ||
    fail "wide: no event took the path for events larger than a slot"

# Every transport trick in one run (their flows share the tables; fragments meet their flow).
run tricks p1 "${tricks[@]}"
run tricks s2 --parse-shards 2 "${tricks[@]}"
run tricks s3 --parse-shards 3 "${tricks[@]}"
for t in s2 s3; do same tricks "$t"; done
grep -q '"evasion.fragment"' "$WORK/tricks.p1.findings.jsonl" || fail "tricks: no evasion.fragment finding"
grep -Eq 'defrag .* [1-9][0-9]* datagrams reassembled' "$WORK/tricks.p1.stderr" || fail "tricks: no datagram reassembled"

# Idle flows closed at ticks: each shard ends its own, merged back in one table's order.
printf 'flow:\n  idle_timeout: 1s\n' > "$WORK/idle.yaml"
for c in mixed_proxy llm; do
    run "idle_$c" p1 -c "$WORK/idle.yaml" "$WORK/$c.pcap"
    run "idle_$c" s2 -c "$WORK/idle.yaml" --parse-shards 2 "$WORK/$c.pcap"
    run "idle_$c" s3 -c "$WORK/idle.yaml" --parse-shards 3 --workers 2 "$WORK/$c.pcap"
    same "idle_$c" s2
    same "idle_$c" s3
done
grep -Eq 'flows .* [1-9][0-9]* timed out' "$WORK/idle_mixed_proxy.p1.stderr" ||
    fail "idle_mixed_proxy: no flow timed out (the comparison would prove less)"

# Several captures, read in turn and merged by time.
run multi p1 "$WORK/mixed.pcap" "$WORK/wide.pcap" "$WORK/llm.pcap"
run multi s2 --parse-shards 2 "$WORK/mixed.pcap" "$WORK/wide.pcap" "$WORK/llm.pcap"
same multi s2
run merged p1 --merge "$WORK/mixed.pcap" "$WORK/llm.pcap"
run merged s2 --parse-shards 2 --merge "$WORK/mixed.pcap" "$WORK/llm.pcap"
same merged s2

# The config key does the same as the flag.
printf 'flow.parse_shards: 2\n' > "$WORK/two.yaml"
run cfg s2 -c "$WORK/two.yaml" "$WORK/mixed.pcap"
cmp "$WORK/cfg.s2.findings.jsonl" "$WORK/mixed.p1.findings.jsonl" || fail "flow.parse_shards: 2 findings differ"
grep -q '^  shards      2 parse shards' "$WORK/cfg.s2.stderr" || fail "flow.parse_shards: 2 not applied"

# Refusals.
expect() {   # expect RC PATTERN ARGS...
    local want=$1 pat=$2; shift 2
    set +e; "$IG_BIN" "$@" > /dev/null 2> "$WORK/err"; local rc=$?; set -e
    [ "$rc" = "$want" ] || { cat "$WORK/err" >&2; fail "'$*' exited $rc, wanted $want"; }
    grep -q -- "$pat" "$WORK/err" || { cat "$WORK/err" >&2; fail "'$*': no message '$pat'"; }
}
expect 2 '--parse-shards: 1 to 8' analyze --parse-shards 9 "$WORK/mixed.pcap"
expect 2 '--parse-shards: 1 to 8' analyze --parse-shards 0 "$WORK/mixed.pcap"
expect 2 '--parse-shards: 1 to 8' run --parse-shards x
printf 'flow.parse_shards: 9\n' > "$WORK/many.yaml"
expect 3 'flow.parse_shards' analyze -c "$WORK/many.yaml" "$WORK/mixed.pcap"

# Live: run --parse-shards 2 on loopback (the merge advances with packets and idle ticks)
# sees every request a real client sends, and flushes on SIGTERM.
tools=$IG_SRC/tests/tools
start_tool_server oip_server.py
mkdir "$WORK/live_rules"
printf -- '- detector: abuse.rate\n  enabled: true\n  params:\n    window: 10s\n    max_requests: 40\n' \
    > "$WORK/live_rules/abuse.yaml"
"$IG_BIN" run --parse-shards 2 -i lo --bpf "$(server_bpf "$port")" --rules "$WORK/live_rules" \
    --events "$WORK/live_events.jsonl" --findings "$WORK/live_findings.jsonl" 2> "$WORK/run.err" &
runpid=$!; BG_PIDS+=($runpid)
wait_for "$WORK/run.err" capturing 10
sleep 0.5
/usr/bin/python3 "$tools/oip_client.py" --port "$port" --requests 60 --rows 2 --dim 8 --conns 3 \
    --model iris --out "$WORK/sent.jsonl"
sleep 1
kill -TERM "$runpid"
wait "$runpid" || fail "run --parse-shards 2 exited $? ($(tail -5 "$WORK/run.err"))"
/usr/bin/python3 "$IG_SRC/tests/integration/lib/compare_events.py" "$WORK/sent.jsonl" \
    "$WORK/live_events.jsonl" iris 2 8 127.0.0.1 || fail "run --parse-shards 2: live events differ"
grep -q '"name":"abuse.rate"' "$WORK/live_findings.jsonl" || fail "run --parse-shards 2: no abuse.rate finding"
grep -q '^  shards      2 parse shards' "$WORK/run.err" || fail "run --parse-shards 2: no shards line in the summary"
echo "PASS"
