#!/usr/bin/env bash
# Checks that a speed-only change decides the same: runs two inferguard binaries with the
# same rules over the same captures and compares their findings and their events (JSON
# lines) byte for byte.
#
# usage: scripts/decisions-diff.sh [--rules DIR] [--workers N] BASE_BIN NEW_BIN CAPTURE...
#   (a directory as CAPTURE means every *.pcap / *.pcapng under it)
# exit codes: 0 identical on every capture, 1 some capture differs (or a run failed),
#             2 usage
set -u
rules="" workers=1
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rules) rules=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) break ;;
    esac
done
[ $# -ge 3 ] || { usage >&2; exit 2; }
base=$1 new=$2
shift 2
[ -x "$base" ] && [ -x "$new" ] || { echo "decisions-diff: both binaries must be executable" >&2; exit 2; }
# Both runs must key their hashes alike: without these secrets each process draws random
# ones (the fingerprint salt changes adversarial.fingerprint's scores from run to run).
export INFERGUARD_ID_SECRET=${INFERGUARD_ID_SECRET:-decisions-diff-id}
export INFERGUARD_EVIDENCE_KEY=${INFERGUARD_EVIDENCE_KEY:-decisions-diff-evidence}
export INFERGUARD_FINGERPRINT_SALT=${INFERGUARD_FINGERPRINT_SALT:-decisions-diff-salt}
src=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$rules" ] || rules="$src/rules"
work=$(mktemp -d "${TMPDIR:-/tmp}/decisions-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT

caps=()
for c in "$@"; do
    if [ -d "$c" ]; then
        while IFS= read -r f; do caps+=("$f"); done < <(find "$c" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
    else
        caps+=("$c")
    fi
done
[ ${#caps[@]} -gt 0 ] || { echo "decisions-diff: no captures" >&2; exit 2; }

rc=0 n=0 nf=0
for cap in "${caps[@]}"; do
    for side in base new; do
        bin=$base
        [ "$side" = new ] && bin=$new
        if ! "$bin" analyze --rules "$rules" --workers "$workers" --quiet \
                --findings "$work/$side.findings" --events "$work/$side.events" "$cap" \
                > /dev/null 2> "$work/$side.err"; then
            echo "FAIL $cap: $side run failed: $(tail -1 "$work/$side.err")"
            rc=1
            continue 2
        fi
    done
    n=$((n + 1))
    f=$(wc -l < "$work/base.findings")
    nf=$((nf + f))
    for what in findings events; do
        if ! cmp -s "$work/base.$what" "$work/new.$what"; then
            echo "DIFF $cap: $what differ"
            diff "$work/base.$what" "$work/new.$what" | head -6
            rc=1
        fi
    done
done
if [ "$rc" = 0 ]; then
    echo "decisions-diff: identical findings and events on $n captures ($nf findings)"
fi
exit "$rc"
