#!/usr/bin/env bash
# The demo from a clean clone: installs what is missing (apt), builds inferguard, generates
# the bundled demo capture (inference traffic with a model-extraction attacker, a flood, a
# boundary-walking evasion attacker and an input drift halfway), analyzes it, shows the
# findings and writes a drift report.
# Usage: scripts/demo.sh [--kafka BROKERS] [--topic NAME]   (output in build/demo/)
set -euo pipefail
cd "$(dirname "$0")/.."

kafka=(); 
while [ $# -gt 0 ]; do
  case "$1" in
    --kafka) kafka+=(--kafka "$2"); shift 2 ;;
    --topic) kafka+=(--topic "$2"); shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh build
# only what the demo needs: no tests, no bench peers (the `build` profile installs it all)
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DIG_BUILD_TESTS=OFF -DIG_BUILD_BENCH=OFF >/dev/null
# demo_pcap: the bundled demo capture, generated deterministically by bench/ig_gen
# (bench/CMakeLists.txt holds its one command line; the tests check the same capture).
cmake --build build/release -j"$(nproc)" --target inferguard demo_pcap >/dev/null

out=build/demo
rm -rf "$out"; mkdir -p "$out"
cp build/release/demo/demo.pcap build/release/demo/demo.manifest.json "$out/"
echo "demo capture: $out/demo.pcap ($(du -h "$out/demo.pcap" | cut -f1)); who is who: $out/demo.manifest.json"

build/release/inferguard analyze --rules rules --findings "$out/findings.jsonl" \
    --events "$out/events.jsonl" --reports "$out/reports" "${kafka[@]}" "$out/demo.pcap"

echo
echo "findings ($out/findings.jsonl):"
/usr/bin/python3 scripts/show_findings.py "$out/findings.jsonl"
echo
echo "events:        $out/events.jsonl ($(wc -l < "$out/events.jsonl") inference events)"
if [ -f "$out/reports/index.html" ]; then
  echo "drift report:  $out/reports/index.html"
else
  echo "drift report:  none written (see the summary above)"
fi
