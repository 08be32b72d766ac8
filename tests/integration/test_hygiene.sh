#!/usr/bin/env bash
# What a newcomer's machine needs the repository to keep true (issue #11): tests, scripts and
# the bench run Debian's /usr/bin/python3 (what scripts/install-deps.sh installs), never the
# first python3 on PATH; no absolute path of a build machine in any tracked file; no skip
# that ctest would count as a pass (cmocka skip() without IG_SKIP); no fixed names in /tmp;
# each detector file det_<name>.c exports ig_det_<name>.
source "$(dirname "$0")/lib/common.sh"
cd "$IG_SRC"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "SKIP: not a git checkout"; exit 77; }
bad=0
report() { echo "FAIL: $1"; sed 's/^/    /' "$WORK/hits"; bad=1; }

# bare python3 at the start of a command (line start, after ; | & ( $( or a quote)
git grep -nE '(^|[;&|(`"]|\$\()[[:space:]]*python3[[:space:]]' -- tests scripts bench .ci \
    ':!*.md' > "$WORK/hits" || true
[ -s "$WORK/hits" ] && report "bare python3 (use /usr/bin/python3)"
git grep -nE '^#!.*env python3?$' -- '*.py' > "$WORK/hits" || true
[ -s "$WORK/hits" ] && report "#!/usr/bin/env python3 (use #!/usr/bin/python3)"

# absolute paths of this workplace or a home directory
git grep -nE '(^|[^A-Za-z0-9_.])/(work|home)/[A-Za-z0-9_.-]+' -- ':!tests/integration/test_hygiene.sh' \
    > "$WORK/hits" || true
[ -s "$WORK/hits" ] && report "absolute paths of a machine"

# cmocka skip() exits 0 (counted as passed): only IG_SKIP (tests/unit/test_skip.h) may call it
git grep -nE '(^|[^_A-Za-z])skip\(\)' -- tests/unit ':!tests/unit/test_skip.h' > "$WORK/hits" || true
[ -s "$WORK/hits" ] && report "cmocka skip() outside IG_SKIP (ctest would count a pass)"

# fixed names under /tmp (a pid is not unique across helpers' concurrent runs): mkdtemp/mktemp
git grep -nE '"/tmp/[^"%X]*%d|/tmp/[A-Za-z0-9_.-]+\$\$' -- tests scripts bench > "$WORK/hits" || true
[ -s "$WORK/hits" ] && report "fixed /tmp names (use mkdtemp / mktemp -d)"

# a detector file det_<name>.c exports ig_det_<name> (issue #12: names match what they emit)
: > "$WORK/hits"
for f in $(git ls-files 'detectors/det_*.c'); do
    n=$(basename "$f" .c); n=${n#det_}
    grep -qE "^const struct ig_detector ig_det_${n} = \{" "$f" || echo "$f: no ig_det_${n}" >> "$WORK/hits"
done
[ -s "$WORK/hits" ] && report "detector symbol not named after its file"

[ "$bad" = 0 ] || exit 1
echo "ok: /usr/bin/python3 everywhere, no machine paths, skips counted, no fixed /tmp names, detector symbols named after their files"
