#!/usr/bin/env bash
# The compiled-pattern cache (rules.cache_dir): a first analyze compiles every Hyperscan
# database and files it, a second loads them all and finds exactly the same; a damaged
# cache file is refused, counted and replaced; an empty rules.cache_dir turns it off.
. "$(dirname "$0")/lib/common.sh"
pcap=$IG_BUILD/demo/demo.pcap
[ -f "$pcap" ] || fail "no demo capture at $pcap (the demo_pcap target builds it)"
export XDG_CACHE_HOME=$WORK/cache
run() {   # run NAME [config]: analyze into $WORK/NAME.{jsonl,err}
    "$IG_BIN" analyze ${2:+-c "$2"} --rules "$IG_SRC/rules" --findings "$WORK/$1.jsonl" "$pcap" \
        2> "$WORK/$1.err" || fail "analyze ($1) failed: $(tail -3 "$WORK/$1.err")"
}
patterns() { grep -E '^  patterns ' "$WORK/$1.err" || fail "no patterns line in the $1 summary"; }

run first
line=$(patterns first)
# A process builds some databases twice (two detectors scanning for the same rules): the
# second build already loads what the first filed. So: compiled = distinct = files written.
read -r total hit comp <<< "$(sed -nE 's/.* ([0-9]+) Hyperscan databases: ([0-9]+) loaded from rules.cache_dir, ([0-9]+) compiled$/\1 \2 \3/p' <<< "$line")"
[ -n "$comp" ] && [ "$comp" -gt 0 ] && [ $((hit + comp)) = "$total" ] || fail "first run: $line"
files=$(ls "$XDG_CACHE_HOME/inferguard" | grep -c '^hs-.*\.db$' || true)
[ "$files" = "$comp" ] || fail "$comp databases compiled but $files cache files written"

run second
patterns second | grep -qE " $total Hyperscan databases: $total loaded from rules.cache_dir, 0 compiled$" ||
    fail "second run should load everything: $(patterns second)"

same() {   # same A B: the two findings files hold the same findings
    /usr/bin/python3 - "$WORK/$1.jsonl" "$WORK/$2.jsonl" <<'PY' || fail "findings differ between $1 and $2"
import json, sys
def key(p):
    out = []
    for line in open(p):
        f = json.loads(line)
        out.append((f["finding_info"]["analytic"]["name"], f.get("actor", {}).get("user", {}).get("uid"),
                    f["time"], f["severity_id"], f["finding_info"].get("title")))
    return sorted(out, key=repr)
a, b = key(sys.argv[1]), key(sys.argv[2])
assert a and a == b, (len(a), len(b))
PY
}
same first second

# Damage one file (a byte in the middle): refused, counted, compiled again, same findings.
victim=$(ls -S "$XDG_CACHE_HOME"/inferguard/hs-*.db | head -1)
size=$(stat -c %s "$victim")
printf '\xff' | dd of="$victim" bs=1 seek=$((size / 2)) conv=notrunc status=none
run damaged
patterns damaged | grep -qE "loaded from rules.cache_dir, 1 compiled \(1 damaged cache files replaced\)$" ||
    fail "damaged file not refused: $(patterns damaged)"
grep -q "damaged or stale" "$WORK/damaged.err" || fail "no warning naming the damaged file"
same first damaged
run repaired
patterns repaired | grep -qE "$total loaded from rules.cache_dir, 0 compiled$" || fail "not replaced: $(patterns repaired)"

# rules.cache_dir: "" = off: everything compiled, nothing written.
rm -rf "$XDG_CACHE_HOME"
printf 'rules:\n  cache_dir: ""\n' > "$WORK/off.yaml"
run off "$WORK/off.yaml"
patterns off | grep -qE " 0 loaded from rules.cache_dir, $total compiled$" || fail "cache not off: $(patterns off)"
[ ! -e "$XDG_CACHE_HOME" ] || fail "cache_dir \"\" still wrote $XDG_CACHE_HOME"
same first off
echo "ok: $comp distinct of $total databases compiled once, then all loaded; damage refused and replaced; off when empty"
