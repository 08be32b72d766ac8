#!/usr/bin/env bash
# The whole test suite from a clean clone: installs what is missing (apt), builds with
# AddressSanitizer + UndefinedBehaviorSanitizer, runs every unit and integration test
# (real captures, live loopback capture, Kafka mock broker, headless Chromium), then builds
# the libFuzzer targets with clang and gives each a short smoke run (nproc at a time); every
# target is also built once as Release with -Werror (warnings only -O2 shows).
# Usage: scripts/test.sh [-R REGEX] [--no-fuzz]    (FUZZ_SECONDS=N per target, default 15)
set -euo pipefail
cd "$(dirname "$0")/.."

regex=""; fuzz=1
while [ $# -gt 0 ]; do
  case "$1" in
    -R) regex="$2"; shift 2 ;;
    --no-fuzz) fuzz=0; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh test
jobs=$(nproc)

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# -Werror: a new warning fails the suite (gcc here, clang for the fuzz build below)
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DIG_SANITIZE=address,undefined -DIG_WERROR=ON >/dev/null
cmake --build build/asan -j"$jobs"
ctest --test-dir build/asan -j2 --output-on-failure ${regex:+-R "$regex"} | tee build/asan/ctest.log || true
unit_summary=$(grep -E 'tests passed|tests failed' build/asan/ctest.log | tail -1)

# gcc at -O2 sees what the -O1 sanitizer build does not (truncation, maybe-uninitialized):
# every target (sidecar, tests, bench) once more as a Release build, -Werror.
release_fail=0
if [ -z "$regex" ]; then
  if cmake -S . -B build/release-check -DCMAKE_BUILD_TYPE=Release -DIG_WERROR=ON >/dev/null &&
     cmake --build build/release-check -j"$jobs" > build/release-check.log 2>&1; then
    echo "release build (-O2 -Werror): ok"
  else
    release_fail=1
    echo "release build (-O2 -Werror): FAILED"
    grep -E 'warning|error' build/release-check.log | head -20
  fi
fi

fuzz_pass=0; fuzz_fail=0
if [ "$fuzz" = 1 ] && [ -z "$regex" ]; then
  cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DIG_FUZZ=ON \
        -DIG_BUILD_BENCH=OFF -DIG_WERROR=ON >/dev/null
  cmake --build build/fuzz -j"$jobs" --target all
  # One smoke run per target, $jobs at a time; each writes its verdict to $results.
  results=$(mktemp -d)
  fuzz_one() {
    local bin=$1 name seeds scratch
    name=$(basename "$bin"); seeds=tests/fuzz/corpus/${name#fuzz_}; scratch=$(mktemp -d)
    if "$bin" -max_total_time="${FUZZ_SECONDS:-15}" -rss_limit_mb=2048 -print_final_stats=0 \
         "$scratch" $( [ -d "$seeds" ] && echo "$seeds" ) >"$results/$name.log" 2>&1; then
      echo ok > "$results/$name.verdict"
    else
      echo FAILED > "$results/$name.verdict"
    fi
    rm -rf "$scratch"
  }
  for bin in build/fuzz/tests/fuzz_*; do
    [ -x "$bin" ] || continue
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    fuzz_one "$bin" &
  done
  wait
  for bin in build/fuzz/tests/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")   # a target with no verdict file counts as failed
    if [ "$(cat "$results/$name.verdict" 2>/dev/null)" = ok ]; then
      fuzz_pass=$((fuzz_pass + 1)); echo "fuzz $name: ok"
    else
      fuzz_fail=$((fuzz_fail + 1)); echo "fuzz $name: FAILED"; tail -40 "$results/$name.log"
    fi
  done
  rm -rf "$results"
fi

echo "ctest (ASan+UBSan): $unit_summary"
passed=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2 \1/p' build/asan/ctest.log | tail -1)
if [ -z "$passed" ]; then echo "test.sh: ctest printed no summary" >&2; passed="0 1"; fi
total=${passed% *}; failed=${passed#* }
echo "fuzz smoke: $fuzz_pass passed, $fuzz_fail failed"
skipped=$(grep -c '(Skipped)' build/asan/ctest.log || true)   # e.g. no ../shared corpus
note=""; [ "${skipped:-0}" -gt 0 ] && note=", $skipped skipped"
echo "$(( total - failed - skipped + fuzz_pass )) passed, $(( failed + fuzz_fail + release_fail )) failed$note"
[ "$failed" = 0 ] && [ "$fuzz_fail" = 0 ] && [ "$release_fail" = 0 ]
