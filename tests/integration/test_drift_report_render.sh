#!/bin/bash
# Renders drift reports in headless Chromium: the report and index pages load with no
# console error, no blocked or failed fetch, the expected sections are in the DOM, and a
# screenshot is taken (left in $IG_BUILD/drift-report-shot.png to look at).
# Reports come from the real detector and writer (test_drift_report with IG_DRIFT_REPORT_OUT).
set -euo pipefail
: "${IG_BUILD:?}"
command -v chromium >/dev/null || { echo "chromium not installed (apt-get install chromium)"; exit 1; }
out=$(mktemp -d /tmp/ig-drift-render-XXXXXX)
trap 'rm -rf "$out"' EXIT
IG_DRIFT_REPORT_OUT="$out/reports" "$IG_BUILD/tests/test_drift_report" >"$out/unit.log" 2>&1 \
    || { cat "$out/unit.log"; echo "FAIL: generating reports"; exit 1; }

page=$(ls "$out"/reports/*/*.html | sort | sed -n 4p)   # window 3: after the shift
[ -n "$page" ] || { echo "FAIL: no report page"; exit 1; }

chrome() {   # chrome URL OUT_PREFIX extra-args...
    local url=$1 pfx=$2; shift 2
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$out/profile-$RANDOM" --window-size=1280,2000 \
        --enable-logging=stderr --v=0 "$@" "$url" >"$pfx.out" 2>"$pfx.err"
}

fail=0
for url in "file://$page" "file://$out/reports/index.html"; do
    pfx="$out/dom-$RANDOM"
    chrome "$url" "$pfx" --dump-dom
    # Console messages, CSP refusals and failed loads all show up in Chromium's log.
    if grep -E 'CONSOLE|Refused to|net::ERR|Uncaught' "$pfx.err"; then
        echo "FAIL: console errors while loading $url"; fail=1
    fi
    grep -q '</html>' "$pfx.out" || { echo "FAIL: no DOM for $url"; fail=1; }
done

dom=$(ls "$out"/dom-*.out | head -1)
for f in "$out"/dom-*.out; do grep -q 'id="summary"' "$f" && dom=$f; done
for want in 'id="summary"' 'id="reference"' 'id="features"' 'id="histograms"' \
            'id="classes"' 'id="series"' 'id="notes"' '<svg' 'class="cp"' 'drifted)' \
            'Features and scores by drift' 'Predicted classes'; do
    grep -qF "$want" "$dom" || { echo "FAIL: report DOM lacks $want"; fail=1; }
done
idx=$(grep -l 'inferguard drift reports' "$out"/dom-*.out | head -1)
grep -q 'fraud__scorer_/.*\.html' "$idx" || { echo "FAIL: index does not link the reports"; fail=1; }
# The index is a timeline per model: drift share and prediction drift charts (SVG, one dot
# per window linking its report, drifted windows marked) and a table of the windows.
for want in 'class="chart drift-share"' 'class="chart prediction-drift"' 'class="threshold"' \
            'class="win drifted"' '<polyline' 'table class="timeline"' 'top drifted features'; do
    grep -qF "$want" "$idx" || { echo "FAIL: index timeline lacks $want"; fail=1; }
done
dots=$(grep -o '<circle class="win' "$idx" | wc -l)
pages=$(ls "$out"/reports/*/*.html | wc -l)
[ "$dots" = $((2 * pages)) ] || { echo "FAIL: $dots chart dots for $pages window reports (want two each)"; fail=1; }
chrome "file://$out/reports/index.html" "$out/ishot" --screenshot="$IG_BUILD/drift-index-shot.png"
isize=$(stat -c %s "$IG_BUILD/drift-index-shot.png" 2>/dev/null || echo 0)
[ "$isize" -gt 20000 ] || { echo "FAIL: index screenshot missing or blank ($isize bytes)"; fail=1; }

shot="$IG_BUILD/drift-report-shot.png"
chrome "file://$page" "$out/shot" --screenshot="$shot"
size=$(stat -c %s "$shot" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || { echo "FAIL: screenshot missing or blank ($size bytes)"; fail=1; }
[ $fail -eq 0 ] && echo "OK: drift report renders ($page, screenshot $shot)"
exit $fail
