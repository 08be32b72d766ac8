#!/usr/bin/env bash
# Replacing one program's rows in bench/RESULTS.md (bench/run.sh --only PROGRAM, results.py
# splice) keeps the rows of the other programs that feed the same figure, exactly as they
# were, keeps each program's place, says under the title when the new rows were measured,
# keeps the paragraphs written by hand where they stood (above the table, before the notes,
# additions to the notes) and leaves the other figures alone.
. "$(dirname "$0")/lib/common.sh"
r=$WORK/RESULTS.md
cat > "$r" <<'MD'
# inferguard bench results

## 3. Detectors: ns per event (d = 64 and 784, 1k and 10k history)

Hand paragraph under the title.

_bench_engine: Measured alone on E at commit B_

Hand paragraph under the stamps.

| program | metric | ours | unit | peer | peer value | ratio | runs |
|---|---|---:|---|---|---:|---:|---:|
| bench_engine | engine_nop | 52.9 | ns/event | – | – | – | 5 |
| bench_kernels | l2min_avx2 | 5.74 | ns/vec | scalar | 54.5 | 9.5× | 5 |
| bench_kernels | quantise_avx2 | 0.38 | ns/value | scalar | 9.04 | 23.8× | 5 |
| bench_prada | prada_update | 7,842 | ns/event | python_numpy | 763,950 | 97.4× | 5 |

ratio > 1 means inferguard is better than the peer (faster or smaller; for a configured limit: under it).

Commands: bench_engine: `build-release/bench/bench_engine`; bench_kernels: `build-release/bench/bench_kernels`; bench_prada: `build-release/bench/bench_prada`.

Hand paragraph about the rows.

NOTES

## 4. End to end: pcap → findings, all detectors on

unchanged text
MD
cat > "$WORK/rows.jsonl" <<'JS'
{"kind": "result", "figure": 3, "program": "bench_kernels", "metric": "l2min_avx512", "value": 4.0, "unit": "ns/vec", "peer": "scalar", "peer_value": 40.0, "better": "lower", "runs": 5, "command": "build-release/bench/bench_kernels"}
JS
# the figure's notes as results.py writes them, with a sentence added by hand
notes=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import results; print(results.FIGURE_NOTES[3])' "$IG_SRC/bench/python") \
    || fail "no notes for figure 3"
/usr/bin/python3 - "$r" "$notes Added by hand." <<'PY'
import sys
p, notes = sys.argv[1], sys.argv[2]
t = open(p).read().replace("NOTES", notes)
open(p, "w").write(t)
PY
IG_BENCH_STAMP="Measured alone on D at commit C" /usr/bin/python3 "$IG_SRC/bench/python/results.py" \
    splice "$WORK/rows.jsonl" "$r" > "$WORK/new.md" || fail "results.py splice failed"
cat "$WORK/new.md"
for keep in '| bench_engine | engine_nop | 52.9 | ns/event | – | – | – | 5 |' \
            '| bench_prada | prada_update | 7,842 | ns/event | python_numpy | 763,950 | 97.4× | 5 |' \
            'bench_prada: `build-release/bench/bench_prada`' 'unchanged text'; do
    grep -qF -- "$keep" "$WORK/new.md" || fail "lost: $keep"
done
grep -qF '| bench_kernels | l2min_avx512 | 4 | ns/vec | scalar | 40.0 | 10.0× | 5 |' "$WORK/new.md" \
    || fail "new row missing"
grep -q 'l2min_avx2\|quantise_avx2' "$WORK/new.md" && fail "the re-measured program's old rows stayed"
grep -qF '_bench_kernels: Measured alone on D at commit C_' "$WORK/new.md" || fail "no stamp"
order=$(grep -o '^| bench_[a-z]*' "$WORK/new.md" | uniq | tr '\n' ' ')
[ "$order" = "| bench_engine | bench_kernels | bench_prada " ] || fail "order changed: $order"
# hand paragraphs where they stood
para() { { grep -nF -- "$1" "$WORK/new.md" || true; } | head -1 | cut -d: -f1; }
title=$(para '## 3.'); top=$(para 'Hand paragraph under the title.'); st=$(para '_bench_engine: Measured')
under=$(para 'Hand paragraph under the stamps.'); table=$(para '| program |'); rows=$(para 'Hand paragraph about the rows.')
added=$(para 'Added by hand.')
for v in top st under table rows added; do [ -n "${!v}" ] || fail "lost: $v"; done
[ "$title" -lt "$top" ] && [ "$top" -lt "$st" ] && [ "$st" -lt "$under" ] && [ "$under" -lt "$table" ] \
    && [ "$table" -lt "$rows" ] && [ "$rows" -le "$added" ] \
    || fail "hand paragraphs moved: title $title top $top stamp $st under $under table $table rows $rows notes $added"
[ "$(grep -cF -- "${notes:0:60}" "$WORK/new.md")" = 1 ] || fail "the notes twice or lost"
echo "ok: splice keeps the other programs' rows and places"

# Figure 1 with --e2e-only --capture NAME (IG_BENCH_KEEP_CAPTURES): the named capture's rows
# replaced, every other capture's row kept as printed (a start-up row's median still feeds the
# new rows' "after start-up" column), the old stamp kept for the other rows, a new one added.
r1=$WORK/R1.md
cat > "$r1" <<'MD'
# inferguard bench results

## 1. Packets → inference events (`inferguard analyze`) vs Suricata 7, tshark and ndpiReader

_This figure: Measured alone on E at commit B_

Hand caption.

| capture | tool | median s | MB/s | packets/s | events/s | events/CPU-s | events/s after start-up | inferguard × | command |
|---|---|---:|---:|---:|---:|---:|---:|---:|---|
| startup_10req | inferguard | 0.5 | 0.209 | 821.0 | 164.2 | 162.2 | – | 1× | `inferguard analyze startup_10req.pcap` |
| oip_v2_d64 | inferguard | 0.944 | 75.7 | 253,431 | 62,541 | 62,239 | 65,059 | 1× | `inferguard analyze oip_v2_d64.pcap` |
| replay_x20 | inferguard | 99 | 1 | 1 | 1 | 1 | 1 | 1× | `inferguard analyze replay_x20.pcap` |

## 4. End to end: pcap → findings, all detectors on

unchanged text
MD
cat > "$WORK/rows1.jsonl" <<'JS'
{"kind": "throughput", "figure": 1, "capture": "replay_x20", "tool": "inferguard", "bytes": 2000000, "packets": 1000, "events": 100, "median_s": 2.5, "cpu_s": 2.0, "command": "inferguard analyze replay_x20.pcap"}
{"kind": "throughput", "figure": 1, "capture": "replay_x20", "tool": "Suricata 7", "bytes": 2000000, "packets": 1000, "events": 10, "median_s": 1.0, "cpu_s": 1.0, "command": "suricata replay_x20.pcap"}
JS
IG_BENCH_KEEP_CAPTURES=1 IG_BENCH_STAMP="Measured alone on D at commit C" /usr/bin/python3 \
    "$IG_SRC/bench/python/results.py" splice "$WORK/rows1.jsonl" "$r1" > "$WORK/new1.md" || fail "splice --capture failed"
cat "$WORK/new1.md"
for keep in '| startup_10req | inferguard | 0.5 | 0.209 | 821.0 | 164.2 | 162.2 | – | 1× | `inferguard analyze startup_10req.pcap` |' \
            '| oip_v2_d64 | inferguard | 0.944 | 75.7 | 253,431 | 62,541 | 62,239 | 65,059 | 1× | `inferguard analyze oip_v2_d64.pcap` |' \
            '_Other rows: Measured alone on E at commit B_' '_replay_x20 rows: Measured alone on D at commit C_' \
            'Hand caption.' 'unchanged text'; do
    grep -qF -- "$keep" "$WORK/new1.md" || fail "--capture lost: $keep"
done
# 100 events in 2.5 s, 50 after the 0.5 s start-up; Suricata 2.5x faster on the file
grep -qF '| replay_x20 | inferguard | 2.5 | 0.8 | 400.0 | 40.0 | 50.0 | 50.0 | 1× |' "$WORK/new1.md" || fail "--capture: new row wrong"
grep -qF '| replay_x20 | Suricata 7 | 1 | 2 | 1,000 | 10.0 | 10.0 | – | 0.4× |' "$WORK/new1.md" || fail "--capture: peer row wrong"
grep -qF '| replay_x20 | inferguard | 99 |' "$WORK/new1.md" && fail "--capture: the old row of the capture stayed"
grep -qF '_This figure:' "$WORK/new1.md" && fail "--capture: the old stamp still claims the whole figure"
echo "ok: splice --capture keeps the other captures' rows"
