#!/usr/bin/env bash
# Documentation generated from the tables it describes stays in step with them: the param
# tables of rules/schema.md (each block's struct ig_param rows, `inferguard rules schema`)
# and README's configuration list (the config key table, `inferguard config --defaults`).
# A new param or config key is one table row; this fails until the docs are regenerated.
. "$(dirname "$0")/lib/common.sh"

# rules/schema.md: every table between its markers as the build writes it.
"$IG_BIN" rules schema "$IG_SRC/rules/schema.md" > "$WORK/schema.md" ||
    fail "rules schema failed on rules/schema.md"
diff -u "$IG_SRC/rules/schema.md" "$WORK/schema.md" > "$WORK/schema.diff" ||
    fail "rules/schema.md differs from its tables (run: inferguard rules schema rules/schema.md --write):
$(head -40 "$WORK/schema.diff")"

# The generator checks what it documents: a block of this build without its section, or a
# section for a block it does not have, is an error (exit 3).
grep -v '^<!-- params: abuse.rate' "$IG_SRC/rules/schema.md" > "$WORK/missing.md"
set +e; "$IG_BIN" rules schema "$WORK/missing.md" > /dev/null 2> "$WORK/err"; rc=$?; set -e
[ "$rc" = 3 ] && grep -q "abuse.rate" "$WORK/err" || fail "a missing section was not reported (exit $rc): $(cat "$WORK/err")"
printf '<!-- params: no.such -->\n<!-- end params -->\n' >> "$WORK/schema.md"
set +e; "$IG_BIN" rules schema "$WORK/schema.md" > /dev/null 2> "$WORK/err"; rc=$?; set -e
[ "$rc" = 3 ] && grep -q "no block 'no.such'" "$WORK/err" || fail "an unknown section was not reported (exit $rc)"

# --write rewrites the file in place to what stdout shows.
cp "$IG_SRC/rules/schema.md" "$WORK/w.md"
sed -i 's/^| `window` |.*/| stale |/' "$WORK/w.md"
"$IG_BIN" rules schema "$WORK/w.md" --write
cmp -s "$WORK/w.md" "$IG_SRC/rules/schema.md" || fail "rules schema --write did not restore the tables"

# README.md: the block between its markers is exactly `inferguard config --defaults`.
awk '/^<!-- generated: inferguard config --defaults/ {on=1; next}
     /^<!-- end generated -->/ {on=0}
     on' "$IG_SRC/README.md" | sed '1d;$d' > "$WORK/readme-config.yaml"
[ -s "$WORK/readme-config.yaml" ] || fail "README.md has no generated configuration block"
env -u INFERGUARD_ID_SECRET "$IG_BIN" config --defaults > "$WORK/defaults.yaml"
diff -u "$WORK/readme-config.yaml" "$WORK/defaults.yaml" > "$WORK/config.diff" ||
    fail "README.md's configuration list differs from config --defaults:
$(head -40 "$WORK/config.diff")"
echo "ok: rules/schema.md and README's configuration list match their tables"
