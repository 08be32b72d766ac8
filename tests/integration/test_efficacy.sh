#!/usr/bin/env bash
# The efficacy table's targets (bench/RESULTS.md figure 9), quick mode: real scikit-learn
# models serving wine (z-scores) and breast_cancer (raw units, ~0.001..4000) over OIP v2 and an
# OpenAI-style chat server, ordinary clients in hard patterns (resending, one class, retries,
# high rate, near-duplicate frames, noisy records, what-if sweeps, sensitivity analyses (one
# at a time, tornado charts, local +-delta probes), coarse records, 40 users of
# a popular record from a pool of addresses, multiplicative error, 2 significant digits,
# imputed missing values, a slowly drifting sensor, nightly re-scoring in sorted order and
# another split, back-off retry bursts, a canary record, test-time augmentation, a
# data-augmentation pipeline (jitter, scaling and masking of records); LLM users asking about attacks (also
# in 10 languages), long prompts with repeated lines, code review of security code, pasted
# documents whose orders address their readers, translation requests) beside real attack clients (JbDA, uniform, KnockoffNets-style on natural
# records and with a transfer set of another distribution, random and adaptive,
# HopSkipJump-style, SimBA, both also spread over 64 source addresses, NES (score-based,
# 50 antithetic samples a request), the Square Attack (the authors' L-inf code), the Boundary
# Attack as foolbox runs it (its walk alone from a record of another class: a known gap),
# score harvesting,
# flood, prompt injection in 10 styles); and, without that flood, abuse.rate's own
# scenarios: a busy client alone among light ones, two busy clients beside batch jobs over
# pools of 2 and 4 connections (all ordinary), two equal 8-connection floods (both caught);
# all on loopback, captured, analysed with the shipped rules. bench/python/efficacy.py --check
# asserts: no finding on any ordinary client, every attacker caught by its family within the
# bound of efficacy.py's ATTACKS table.
. "$(dirname "$0")/lib/common.sh"
command -v dumpcap >/dev/null || fail "dumpcap missing (Debian wireshark-common / tshark)"
/usr/bin/python3 -c 'import sklearn, numpy' 2>/dev/null || fail "/usr/bin/python3 sklearn/numpy missing (Debian python3-sklearn)"
rc=0
/usr/bin/python3 "$IG_SRC/bench/python/efficacy.py" --bin "$IG_BIN" --src "$IG_SRC" --quick --check \
    --json "$WORK/efficacy.json" --out "$WORK/efficacy.md" 2> "$WORK/efficacy.err" || rc=$?
grep -E "^(efficacy|MISSED|KNOWN)" "$WORK/efficacy.err" || true
cat "$WORK/efficacy.md" 2>/dev/null || true
[ "$rc" = 0 ] || fail "efficacy targets missed (exit $rc; see MISSED above): $(grep -v -i -E 'warn|iter|solver|scikit|^ *$' "$WORK/efficacy.err" | tail -3)"
# every scenario ran and every attack and pattern has its row
for s in "wine (z)" breast_cancer "chat (LLM)" "wine (z) labels only" "wine (z) rate: busy alone" \
         "wine (z) rate: busy and batch pools" "wine (z) rate: two floods"; do
    grep -q "| $s |" "$WORK/efficacy.md" || fail "no rows for scenario $s"
done
n=$(grep -c '^| .* | [0-9]* | ' "$WORK/efficacy.md" || true)
[ "$n" -ge 40 ] || fail "table has only $n rows"
echo "ok: efficacy targets met"
