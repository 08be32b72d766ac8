#!/usr/bin/env bash
# The bench harness works end to end in quick mode: it generates captures, times every tool
# it finds, and writes a well-formed report to a temporary file (never bench/RESULTS.md).
# It checks the shape of the report, never that any speed is reached.
set -euo pipefail
: "${IG_SRC:?}" "${IG_BUILD:?}"
tmp=$(mktemp -d /tmp/ig_test_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

results="$IG_SRC/bench/RESULTS.md"
before=$( [ -f "$results" ] && sha256sum "$results" || echo none)

# Bad arguments are refused with a clear message.
if bash "$IG_SRC/bench/run.sh" --runs many > /dev/null 2> "$tmp/err"; then fail "--runs many accepted"; fi
grep -q "runs wants a number" "$tmp/err" || fail "no message for a bad --runs"
if bash "$IG_SRC/bench/run.sh" --bogus > /dev/null 2> "$tmp/err"; then fail "--bogus accepted"; fi

out="$tmp/results.md"
start=$(date +%s)
bash "$IG_SRC/bench/run.sh" --quick --build "$IG_BUILD" --out "$out" > "$tmp/stdout" 2> "$tmp/stderr" ||
    { cat "$tmp/stderr" >&2; fail "run.sh --quick exited non-zero"; }
echo "run.sh --quick took $(( $(date +%s) - start )) s"
[ -s "$out" ] || fail "no report written"
[ "$(tail -1 "$tmp/stdout")" = "$out" ] || fail "run.sh did not print the report path"
after=$( [ -f "$results" ] && sha256sum "$results" || echo none)
[ "$before" = "$after" ] || fail "quick mode touched bench/RESULTS.md"

head -1 "$out" | grep -qx "# inferguard bench results" || fail "missing title"
for k in date mode cpu cores simd commit build runs peers; do
    grep -q "^| $k | ..*|$" "$out" || fail "machine table lacks '$k'"
done
grep -q "^| mode | quick |$" "$out" || fail "mode is not quick"
grep -Eq "^\| simd \| .*AVX-512: (yes|no)" "$out" || fail "AVX-512 presence not recorded"
for n in 1 2 3 4 5 6 7 8; do
    [ "$(grep -c "^## $n\. " "$out")" = 1 ] || fail "figure $n heading missing or repeated"
done

# Every Markdown table row has as many cells as its header.
awk '
    /^\|/ { n = gsub(/\|/, "|"); if (!intable) { cols = n; intable = 1 } else if (n != cols) {
              printf "line %d has %d bars, header has %d: %s\n", NR, n, cols, $0; bad = 1 } next }
    { intable = 0 }
    END { exit bad }' "$out" || fail "ragged table"

# Figure 1: every protocol capture has a row for inferguard, tshark and ndpiReader, each
# either measured (a positive median) or saying why not.
for cap in oip_v2_d64 oip_v2_bin_d64 kserve_v1_d64 openai_d64; do
    for tool in inferguard tshark ndpiReader; do
        row=$(grep "^| $cap | $tool |" "$out") || fail "no $tool row for $cap"
        median=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $4); print $4}')
        if [ "$median" = "–" ]; then
            echo "$row" | grep -q "not measured\|not installed" || fail "unexplained gap: $row"
        else
            awk -v m="$median" 'BEGIN { exit !(m + 0 > 0) }' || fail "bad median in: $row"
            echo "$row" | grep -q '`.*'"$cap"'.pcap.*`' || fail "no exact command in: $row"
        fi
    done
done
grep -q "^| mixed_d64 | inferguard |" "$out" || fail "figure 4 has no inferguard row"

# A bench program that exists appears in its figure; a figure without one says so.
for f in "$IG_SRC"/bench/bench_*.c; do
    [ -e "$f" ] || continue
    p=$(basename "$f" .c)
    grep -q "$p" "$out" || fail "bench program $p missing from the report"
done
grep -q "not measured yet" "$out" || [ "$(ls "$IG_SRC"/bench/bench_*.c 2>/dev/null | wc -l)" -ge 6 ] ||
    fail "missing figures are not marked 'not measured yet'"
# Every bench program ran to the end and reported RESULT lines (none shown verbatim).
if grep -E "^\*\*bench_[a-z_]+\*\* \(" "$out"; then fail "a bench program failed or printed no RESULT line"; fi

# cell ROW N: the Nth cell of a Markdown table row, trimmed
cell() { echo "$1" | awk -F'|' -v n="$2" '{ v = $(n + 1); gsub(/^ +| +$/, "", v); print v }'; }
# Every result with a peer value has a ratio.
{ grep -E "^\| bench_[a-z_]+ \|" "$out" || true; } | while IFS= read -r row; do
    if [ "$(cell "$row" 6)" != "–" ] && ! cell "$row" 7 | grep -Eq '^[0-9.,]+(e[-+][0-9]+)?×$'; then
        fail "peer without a ratio: $row"
    fi
done

# Figure 3: each registered detector (and the engine alone) at d = 64 and 784, two histories.
ndet=$(grep -c '^ *X([a-z_]*) *\\$' "$IG_SRC/detectors/registry.c")
for d in 64 784; do
    n=$(grep -Ec "^\| bench_detectors \| [a-z_.]+_d${d}_history_" "$out")
    [ "$n" -ge $(( (ndet + 1) * 2 )) ] || fail "figure 3 has $n detector rows at d=$d, want $(( (ndet + 1) * 2 ))"
done

# Figure 5: RSS at three client counts, and the configured limits held (ratio >= 1).
[ "$(grep -Ec '^\| bench_memory \| rss_default_clients_' "$out")" = 3 ] || fail "figure 5 lacks RSS rows"
for m in memcap_engine_memory max_clients_tracked; do
    row=$(grep "^| bench_memory | $m |" "$out") || fail "figure 5 has no $m row"
    r=$(cell "$row" 7 | tr -d '×,')
    awk -v r="$r" 'BEGIN { exit !(r + 0 >= 1) }' || fail "limit not held: $row"
done

# Figure 6 (bench_threads): 2, 3 and 4 workers against 1 on each capture, the findings
# byte-identical to one worker's, and the all-state memory row of figure 5 with nothing refused.
for cap in oip_v2_d64 mixed_d64 openai_d64; do
    for w in 2 3 4; do
        row=$(grep "^| bench_threads | ${cap}_events_per_s_workers_$w |" "$out") ||
            fail "figure 6 has no row for $cap with $w workers"
        cell "$row" 5 | grep -q -e '--workers_1' || fail "figure 6 peer is not --workers 1: $row"
        row=$(grep "^| bench_threads | ${cap}_findings_differ_workers_$w |" "$out") ||
            fail "figure 6 has no findings row for $cap with $w workers"
        [ "$(cell "$row" 3)" = 0 ] || fail "figure 6: findings differ from one worker's: $row"
    done
done
row=$(grep "^| bench_memory | all_state_detector_state_refused |" "$out") || fail "figure 5 has no all_state refusal row"
[ "$(cell "$row" 3)" = 0 ] || fail "figure 5: all_state refused detector state: $row"
echo "ok: quick report well formed"
