#!/bin/bash
# PRADA in C (extraction.prada, through bench_prada --replay) and the Python reference
# written from the paper (bench/python/prada_ref.py) read the same recorded query streams
# and must raise their first alarm at the same query index, with the same number of alarms.
# Streams: natural clustered data (no alarm), Jacobian augmentation (alarm), uniform random
# and a boundary walk, several seeds and widths; float32 storage, and bfloat16 storage
# (storage: bf16) against the reference doing the same rounding.
set -euo pipefail
: "${IG_SRC:?}" "${IG_BUILD:?}"
PY=/usr/bin/python3
REF="$IG_SRC/bench/python/prada_ref.py"
BIN="$IG_BUILD/bench/bench_prada"
[ -x "$BIN" ] || { echo "missing $BIN (build target bench_prada)"; exit 1; }
$PY -c 'import numpy, scipy' || { echo "/usr/bin/python3 numpy/scipy missing"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail=0 fired=0 quiet=0
for kind in natural jbda uniform boundary; do
  for dim in 8 64; do
    for seed in 1 2; do
      s="$work/$kind-$dim-$seed.bin"
      $PY "$REF" gen --kind $kind --n 1200 --dim $dim --seed $seed --out "$s"
      py=$($PY "$REF" run "$s" | grep -o 'first_alarm=[0-9]* alarms=[0-9]*')
      c=$("$BIN" --replay "$s")
      py16=$($PY "$REF" run "$s" --bf16 | grep -o 'first_alarm=[0-9]* alarms=[0-9]*')
      c16=$("$BIN" --replay "$s" --bf16)
      if [ "$py" != "$c" ] || [ "$py16" != "$c16" ]; then
        echo "MISMATCH $kind dim=$dim seed=$seed: python $py / bf16 $py16, C $c / bf16 $c16"
        fail=1
      else
        echo "ok $kind dim=$dim seed=$seed: $c (bf16: $c16)"
      fi
      case "$kind:$c" in
        natural:first_alarm=0*) quiet=$((quiet + 1)) ;;
        natural:*) echo "natural stream alarmed: $c"; fail=1 ;;
        jbda:first_alarm=0*) echo "JbDA stream not detected"; fail=1 ;;
        jbda:*) fired=$((fired + 1)) ;;
      esac
    done
  done
done
# a truncated stream is a clear error, not a crash
head -c 100 "$work/jbda-8-1.bin" > "$work/bad.bin"
if "$BIN" --replay "$work/bad.bin" 2> "$work/err"; then echo "truncated stream accepted"; fail=1; fi
grep -q truncated "$work/err" || { echo "no clear error for a truncated stream"; fail=1; }
echo "natural quiet: $quiet/4, jbda detected: $fired/4"
exit $fail
