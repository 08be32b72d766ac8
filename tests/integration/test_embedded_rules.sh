#!/usr/bin/env bash
# The shipped rules are the defaults wherever the binary sits: run from the build tree with
# no --rules, analyze finds exactly what it finds with --rules rules/ (same findings, byte for
# byte, on generated captures of every attack family); the summary, /metrics-style hash and
# findings' metadata name the same rule set; a configured directory that does not exist is
# an error (exit 3), never a quiet fall-back; `rules show --out` gives back the shipped
# files; and a changed rule file rebuilds the embedded set.
. "$(dirname "$0")/lib/common.sh"
GEN=$IG_BUILD/bench/ig_gen
[ -x "$GEN" ] || fail "no traffic generator at $GEN"
cd "$WORK"

sha=$("$IG_BIN" rules check | sed -n 's/.*(sha256 \([0-9a-f]\{64\}\)).*/\1/p')
[ -n "$sha" ] || fail "rules check printed no sha256"
dirsha=$("$IG_BIN" rules check "$IG_SRC/rules" | sed -n 's/.*(sha256 \([0-9a-f]\{64\}\)).*/\1/p')
[ "$sha" = "$dirsha" ] || fail "embedded set $sha differs from rules/ $dirsha"

for s in demo mixed leakage; do
  "$GEN" --scenario "$s" --seed 11 --out "$s.pcap" --quiet > /dev/null
  "$IG_BIN" analyze --findings "$s.emb.jsonl" "$s.pcap" 2> "$s.emb.sum"
  "$IG_BIN" analyze -q --rules "$IG_SRC/rules" --findings "$s.dir.jsonl" "$s.pcap"
  [ -s "$s.emb.jsonl" ] || fail "$s: no findings without --rules"
  cmp -s "$s.emb.jsonl" "$s.dir.jsonl" || fail "$s: findings without --rules differ from --rules rules/"
  grep -q "rules       embedded, sha256 $sha" "$s.emb.sum" || fail "$s: summary does not name the embedded set"
  grep -q "\"component\":\"rules\"" "$s.emb.sum" && fail "$s: rules log: $(grep "\"component\":\"rules\"" "$s.emb.sum")"
done
/usr/bin/python3 - "$sha" demo.emb.jsonl mixed.emb.jsonl <<'PY'
import json, sys
sha, n, families = sys.argv[1], 0, set()
for path in sys.argv[2:]:
    for line in open(path):
        f = json.loads(line)
        assert f"rules_sha256:{sha}" in f["metadata"].get("labels", []), f["metadata"]
        families.add(f["finding_info"]["analytic"]["name"].split(".")[0])
        n += 1
# the embedded set drives every family the demo and mixed captures hold
for fam in ("extraction", "abuse", "adversarial", "leakage", "drift"):
    assert fam in families, (fam, families)
print(f"{n} findings name rule set {sha[:16]}; families {sorted(families)}")
PY

# A directory that is configured must be usable.
set +e
"$IG_BIN" analyze -q --rules "$WORK/no-such-dir" demo.pcap > /dev/null 2> missing.err; rc=$?
set -e
[ "$rc" = 3 ] || fail "missing rules dir: exit $rc, want 3"
[ "$(wc -l < missing.err)" = 1 ] && grep -q "no-such-dir" missing.err || fail "missing rules dir: $(cat missing.err)"

# rules show gives back the shipped files, which check as the same set.
"$IG_BIN" rules show --out shown > /dev/null
for f in "$IG_SRC"/rules/*.yaml; do cmp -s "$f" "shown/$(basename "$f")" || fail "rules show: $(basename "$f") differs"; done
[ "$(ls shown | wc -l)" = "$(ls "$IG_SRC"/rules/*.yaml | wc -l)" ] || fail "rules show wrote other files"
"$IG_BIN" rules show --out shown > /dev/null 2>&1 && fail "rules show overwrote existing files"
"$IG_BIN" rules show abuse.yaml | cmp -s - "$IG_SRC/rules/abuse.yaml" || fail "rules show abuse.yaml differs"
"$IG_BIN" rules show > all.txt
grep -q "^# ==> leakage.yaml <==$" all.txt || fail "rules show: no file header"

# A changed rule file rebuilds the embedded set: a copy of the sources, built once, one rule
# file edited, built again (only the generated source recompiles).
mkdir src
for d in CMakeLists.txt cmake include sidecar detectors rules bench deploy; do cp -r "$IG_SRC/$d" src/; done
cmake -S src -B bld -DCMAKE_BUILD_TYPE=Release -DIG_BUILD_TESTS=OFF -DIG_BUILD_BENCH=OFF > /dev/null
cmake --build bld -j"$(nproc)" --target inferguard > build1.log 2>&1 || { tail -20 build1.log; fail "copy build"; }
[ "$(bld/inferguard rules check | sed -n 's/.*(sha256 \([0-9a-f]\{64\}\)).*/\1/p')" = "$sha" ] \
  || fail "the copy's binary has another rule set"
echo "# edited by test_embedded_rules $$" >> src/rules/abuse.yaml
cmake --build bld -j"$(nproc)" --target inferguard > build2.log 2>&1 || { tail -20 build2.log; fail "rebuild"; }
grep -q 'Embedding rules' build2.log || fail "editing a rule file did not regenerate the embedded set"
bld/inferguard rules show abuse.yaml > abuse.now && tail -1 abuse.now | grep -q "edited by test_embedded_rules $$" || fail "rebuilt binary still has the old abuse.yaml"
newsha=$(bld/inferguard rules check | sed -n 's/.*(sha256 \([0-9a-f]\{64\}\)).*/\1/p')
[ -n "$newsha" ] && [ "$newsha" != "$sha" ] || fail "the hash did not change with the rules"
echo "ok: embedded rules = rules/ (sha256 ${sha:0:16}), same findings on 3 captures, missing dir exit 3, rebuilt on change"
