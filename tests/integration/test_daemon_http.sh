#!/usr/bin/env bash
# The daemon's HTTP endpoint, end to end with real parts: a real OIP v2 model server and
# client over loopback, `inferguard run` capturing them live on lo with http.listen set.
# /healthz and /readyz answer; /metrics parses strictly as Prometheus text and counts what
# was sent; /reports serves the drift reports read-only and refuses traversal and
# symlinks; SIGHUP applies a valid rules change and refuses an invalid one, the daemon
# keeping its rules and counting both. With one thread, with --workers 2 and with --workers 3
# (a client lane: the reload swaps its engine while it is parked), and with --workers 2
# --parse-shards 2 (counters summed over the shards, events merged before the reload).
. "$(dirname "$0")/lib/common.sh"
tools=$IG_SRC/tests/tools
check=$IG_SRC/tests/integration/lib/check_metrics.py

start_tool_server oip_server.py
echo "secret" > "$WORK/outside.html"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
code() { curl -s --path-as-is -o /dev/null -w '%{http_code}' "$@"; }
send() { /usr/bin/python3 "$tools/oip_client.py" --port "$port" --requests "$1" --rows 2 --dim 8 \
             --model iris --seed "$2" --out "$WORK/sent.$2.jsonl"; }
# Detection counters reach /metrics at the next tick (once a second): poll for them.
wait_metric() {
    local i
    for ((i = 0; i < 100; i++)); do
        curl -s "$url/metrics" > "$WORK/m.txt" && /usr/bin/python3 "$check" "$WORK/m.txt" "$@" 2>/dev/null && return 0
        sleep 0.1
    done
    /usr/bin/python3 "$check" "$WORK/m.txt" "$@" || fail "metrics never reached: $*"
}

for mode in 1 2 3 2s2; do
    workers=${mode%%s*} shards=1
    [ "$mode" != "$workers" ] && shards=${mode#*s}
    rules=$WORK/rules$mode rep=$WORK/rep$mode err=$WORK/run$mode.err
    mkdir "$rules"
    cat > "$rules/drift.yaml" <<YAML
- detector: drift.features
  params:
    reference_rows: 100
    window_rows: 100
    min_window_rows: 50
YAML
    # abuse.rate with an explicit quota: the 150 requests of one client exceed it, so a
    # finding reaches the file sink (its counters are checked below).
    cat > "$rules/abuse.yaml" <<YAML
- detector: abuse.rate
  params:
    max_requests: 100
YAML
    sha0=$("$IG_BIN" rules check "$rules" | sed -n 's/.*(sha256 \([0-9a-f]\{64\}\)).*/\1/p')
    hport=$(free_port)
    tok=tok-$RANDOM$RANDOM; echo "$tok" > "$WORK/token"
    printf 'http:\n  listen: "127.0.0.1:%s"\n  reports_token_file: "%s"\n' "$hport" "$WORK/token" \
        > "$WORK/config.yaml"
    auth=(-H "Authorization: Bearer $tok")
    url=http://127.0.0.1:$hport
    "$IG_BIN" run -c "$WORK/config.yaml" -i lo --bpf "$(server_bpf "$port")" --rules "$rules" \
        --reports "$rep" --findings "$WORK/findings$mode.jsonl" --workers $workers \
        --parse-shards $shards 2> "$err" &
    run=$!; BG_PIDS+=($run)
    wait_for "$err" capturing 10
    grep -q "serving /healthz /readyz /metrics /reports on http://127.0.0.1:$hport" "$err" \
        || fail "no start-up line naming the endpoint"

    [ "$(code "$url/healthz")" = 200 ] || fail "/healthz"
    [ "$(code "$url/readyz")" = 200 ] || fail "/readyz"
    [ "$(code "$url/nothing")" = 404 ] || fail "unknown path not 404"
    [ "$(code -X POST "$url/metrics")" = 405 ] || fail "POST not 405"
    curl -s -D "$WORK/h.txt" -o /dev/null "$url/metrics"
    grep -qi '^content-type: text/plain; version=0.0.4' "$WORK/h.txt" || fail "metrics content type"

    send 150 1
    wait_metric 'inferguard_events_total{protocol=oip_v2}=150' 'inferguard_http_transactions_total=150' \
        'inferguard_detection_events_total=150' 'inferguard_drift_reports_total{result=written}>=1'
    /usr/bin/python3 "$check" "$WORK/m.txt" "inferguard_workers=$workers" 'inferguard_ready=1' \
        'inferguard_flows_total{state=created}=1' 'inferguard_packets_total>=600' \
        'inferguard_events_malformed_total=0' 'inferguard_clients_tracked=1' \
        'inferguard_detector_counter_total{detector=drift.features,counter=models_dropped}=0' \
        'inferguard_detector_counter_total{detector=adversarial.boundary,counter=refused}=0' \
        'inferguard_detector_budget_cap_bytes{detector=extraction.prada}>=1048576' \
        'inferguard_detector_budget_bytes{detector=extraction.prada}>=1' \
        'inferguard_detector_budget_refused_total{detector=extraction.prada}=0' \
        'inferguard_rules_reloads_total=0' 'inferguard_rules_reload_failures_total=0' \
        "inferguard_rules_info{origin=$rules,sha256=$sha0}=1" \
        || fail "metrics after 150 requests (workers $workers, parse shards $shards)"
    # Every finding raised is accounted for by the file sink.
    /usr/bin/python3 - "$WORK/m.txt" <<'PY' || fail "findings and sink counters disagree"
import re, sys
t = open(sys.argv[1]).read()
g = lambda pat: float(re.search(pat, t, re.M).group(1))
em = g(r'^inferguard_findings_emitted_total (\S+)$')
wr = g(r'^inferguard_sink_records_total\{sink="file",outcome="written"\} (\S+)$')
sys.exit(0 if em == wr and em >= 1 else f"emitted {em}, file written {wr}")
PY

    # Reports: the index, a report of each kind with its type, and nothing outside.
    [ "$(code "$url/reports")" = 301 ] || fail "/reports does not redirect to /reports/"
    # Production feature distributions: the bearer token from the Secret's file, or nothing.
    [ "$(code "$url/reports/")" = 401 ] || fail "/reports/ without a token not 401"
    [ "$(code -H "Authorization: Bearer x$tok" "$url/reports/")" = 401 ] || fail "wrong token not 401"
    [ "$(code -H "Authorization: Bearer ${tok%?}" "$url/reports/")" = 401 ] || fail "token prefix not 401"
    curl -sf "${auth[@]}" "$url/reports/" > "$WORK/index.html" || fail "/reports/ index"
    cmp -s "$WORK/index.html" "$rep/index.html" || fail "index differs from the file"
    html=$(grep -o 'href="iris/[^"]*\.html"' "$WORK/index.html" | head -1 | cut -d'"' -f2)
    [ -n "$html" ] || fail "index lists no report"
    curl -s "${auth[@]}" -D "$WORK/h.txt" -o "$WORK/r.html" "$url/reports/$html"
    grep -qi '^content-type: text/html' "$WORK/h.txt" || fail "report html content type"
    cmp -s "$WORK/r.html" "$rep/$html" || fail "served report differs from the file"
    curl -s "${auth[@]}" -D "$WORK/h.txt" "$url/reports/${html%.html}.json" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' \
        || fail "report json does not parse"
    grep -qi '^content-type: application/json' "$WORK/h.txt" || fail "report json content type"
    ln -s "$WORK/outside.html" "$rep/link.html"
    for p in ../outside.html %2e%2e/outside.html iris/%2e%2e/%2e%2e/outside.html \
             ..%2foutside.html %2F..%2Foutside.html /etc/passwd link.html "${html}%00.html" \
             iris/.hidden.html iris "iris/" index.html.tmp; do
        c=$(code "${auth[@]}" "$url/reports/$p")
        [ "$c" = 404 ] || fail "/reports/$p answered $c"
    done
    rm "$rep/link.html"

    # SIGHUP with a valid change: applied, counted, traffic still analysed.
    cat > "$rules/abuse.yaml" <<YAML
- detector: abuse.rate
  params:
    max_requests: 1000
YAML
    sha1=$("$IG_BIN" rules check "$rules" | sed -n 's/.*(sha256 \([0-9a-f]\{64\}\)).*/\1/p')
    [ -n "$sha1" ] && [ "$sha1" != "$sha0" ] || fail "rules check hash did not follow the edit"
    kill -HUP "$run"
    wait_for "$err" "rules reloaded" 10
    send 30 2
    wait_metric 'inferguard_rules_reloads_total=1' 'inferguard_rules_reload_failures_total=0' \
        "inferguard_rules_info{origin=$rules,sha256=$sha1}=1" \
        'inferguard_events_total{protocol=oip_v2}=180' 'inferguard_detection_events_total=180' \
        'inferguard_rules_reload_clients_dropped_total=1' 'inferguard_clients_tracked=1'
    # SIGHUP with an invalid change: refused with one error line, old rules kept.
    echo "- detector: no.such_detector" > "$rules/bad.yaml"
    kill -HUP "$run"
    wait_for "$err" "rules not reloaded" 10
    [ "$(grep -c '"level":"error"' "$err")" = 1 ] || fail "not exactly one error line for the bad reload"
    grep -q "bad.yaml:1: unknown detector 'no.such_detector'" "$err" || fail "reload error does not say why"
    send 20 3
    wait_metric 'inferguard_rules_reloads_total=1' 'inferguard_rules_reload_failures_total=1' \
        'inferguard_events_total{protocol=oip_v2}=200' 'inferguard_detection_events_total=200'
    [ "$(code "$url/readyz")" = 200 ] || fail "not ready after a refused reload"
    rm "$rules/bad.yaml"

    kill -TERM "$run"
    wait "$run" || fail "inferguard run exited $? ($(tail -5 "$err"))"
    grep -q "events      200 (oip_v2 200)" "$err" || fail "summary: $(grep events "$err")"
    [ "$(code "$url/healthz")" = 000 ] || fail "endpoint still answering after exit"
done
echo "ok: /healthz /readyz /metrics /reports and SIGHUP reload, with 1, 2 and 3 workers and 2 parse shards"
