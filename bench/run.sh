#!/usr/bin/env bash
# bench/run.sh [--quick] [--out FILE] [--build DIR] [--runs N] [--efficacy-only] [--only PROGRAM]
#              [--e2e-only [--capture NAME]]
#
# Regenerates bench/RESULTS.md from scratch: installs what is missing (scripts/install-deps.sh:
# the peers tshark, ndpiReader, hyperfine, numpy/scipy, simdjson, cJSON, PCRE2), builds a
# Release tree if needed, generates the captures with ig_gen, times `inferguard analyze` next to tshark and ndpiReader on the same
# files (medians of >= 5 runs, hyperfine), runs every other bench program that exists
# (bench/<name>.c) and records the machine and date. Figures whose program does not exist
# yet say "not measured yet". Figure 9, the efficacy table (bench/python/efficacy.py: real
# models, attack and benign clients through real servers on loopback, captured by dumpcap),
# is run in full mode only (tests/integration/test_efficacy.sh runs its quick mode).
# --efficacy-only: build, run the efficacy table alone and replace figure 9 of the report
# (the other figures are left as they are).
# --only PROGRAM: build and run that bench program alone and replace its rows in the figure
# it feeds (bench/RESULTS.md, or --out); other programs' rows and other figures stay as they are.
# --e2e-only: the whole-process timings alone (figures 1 and 4: inferguard, Suricata 7,
# tshark, ndpiReader on the generated captures), replacing those figures (~15 min here).
# --capture NAME (with --e2e-only): that capture's rows alone (startup_10req, oip_v2_d64,
# oip_v2_bin_d64, kserve_v1_d64, openai_d64, oip_v2_grpc_d64, replay_x20, mixed_d64); the
# figure's other rows stay as they were, under a stamp of their own.
# A replaced figure says under its title when and at which commit it was measured.
#
# --quick: small inputs, 2 runs, every program once with IG_BENCH_QUICK=1 and a short
# timeout; writes to a temporary file (printed) unless --out is given. It checks that the
# harness works, never that a speed is reached.
set -uo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0 out="" build="" runs="" eff_only=0 only="" e2e_only=0 capture=""
orig_args="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --out) out=$2; shift ;;
        --build) build=$2; shift ;;
        --runs) runs=$2; shift ;;
        --efficacy-only) eff_only=1 ;;
        --only) only=$2; shift ;;
        --e2e-only) e2e_only=1 ;;
        --capture) capture=$2; shift ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$quick" = 1 ]; then
    runs=${runs:-2}
    warmup=0
    out=${out:-$(mktemp /tmp/ig_bench_results.XXXXXX.md)}
    # Generous: the test suite runs quick mode on sanitizer builds of a shared 2-core
    # machine (bench_memory alone takes ~17 s there); it catches hangs, not slowness.
    prog_timeout=120
else
    runs=${runs:-5}
    warmup=1
    out=${out:-$src/bench/RESULTS.md}
    prog_timeout=1800
fi
case "$runs" in ''|*[!0-9]*) echo "bench/run.sh: --runs wants a number" >&2; exit 2 ;; esac
if [ -n "$capture" ]; then
    [ "$e2e_only" = 1 ] || { echo "bench/run.sh: --capture goes with --e2e-only" >&2; exit 2; }
    case " startup_10req oip_v2_d64 oip_v2_bin_d64 kserve_v1_d64 openai_d64 oip_v2_grpc_d64 replay_x20 mixed_d64 " in
        *" $capture "*) ;;
        *) echo "bench/run.sh: --capture: no capture named '$capture' (see --help)" >&2; exit 2 ;;
    esac
    export IG_BENCH_KEEP_CAPTURES=1   # results.py splice: the other captures' rows stay
fi
# true when the capture is to be measured (all of them unless --capture names one)
want() { [ -z "$capture" ] || [ "$capture" = "$1" ]; }
# Idempotent: only dpkg queries when everything is there (as in the test suite).
"$src/scripts/install-deps.sh" all || { echo "bench/run.sh: installing the peers failed" >&2; exit 1; }
build=${build:-$src/build-release}
# Debian's interpreter has numpy/scipy; a pyenv shim earlier on PATH may not.
python=/usr/bin/python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
py="$python $src/bench/python/results.py"
# what a figure replaced alone (--only, --e2e-only) says under its title
stamp_commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$src" diff --quiet HEAD -- 2>/dev/null || stamp_commit="$stamp_commit (with local changes)"
export IG_BENCH_STAMP="Measured alone on $(date -u +%Y-%m-%d) at commit $stamp_commit (\`bench/run.sh${orig_args:+ $orig_args}\`), not in the run the header describes."
work=$(mktemp -d /tmp/ig_bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=$work/rows.jsonl
: > "$rows"
log() { echo "bench: [${SECONDS}s] $*" >&2; }

# ---- build (Release unless the tree exists already) ----
programs=()
for f in "$src"/bench/*.c; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .c)
    [ "$n" = ig_gen ] || programs+=("$n")
done
if [ -n "$only" ]; then
    [ -f "$src/bench/$only.c" ] || { echo "bench/run.sh: no bench/$only.c" >&2; exit 2; }
    programs=("$only")
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
    log "configuring Release build in $build"
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DIG_BUILD_TESTS=OFF \
        > "$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
else
    # Re-globs the sources, so a bench program added since the last configure has a target.
    cmake "$build" > "$work/cmake.log" 2>&1 || log "re-configuring $build failed (see cmake output)"
fi
targets=(inferguard ig_gen "${programs[@]}")
[ "$eff_only" = 1 ] && targets=(inferguard)
[ "$e2e_only" = 1 ] && targets=(inferguard ig_gen)
[ -n "$only" ] && targets=("$only")
# bench_threads times the inferguard binary on ig_gen's captures: both must be current.
[ "$only" = bench_threads ] && targets=(inferguard ig_gen bench_threads)
for t in "${targets[@]}"; do
    bin=$build/$t
    [ "$t" = inferguard ] || bin=$build/bench/$t
    # The full run always rebuilds (cheap when up to date); quick only fills in what is missing.
    if [ "$quick" = 0 ] || [ ! -x "$bin" ]; then
        cmake --build "$build" -j2 --target "$t" > "$work/build-$t.log" 2>&1 ||
            log "building $t failed (see its table slot)"
    fi
done
ig=$build/inferguard
gen=$build/bench/ig_gen
# efficacy: figure 9 through bench/python/efficacy.py; prints its Markdown, or why not
efficacy() {
    local rc=0
    "$python" "$src/bench/python/efficacy.py" --bin "$ig" --src "$src" --out "$work/efficacy.md" \
        > "$work/efficacy.out" 2> "$work/efficacy.err" || rc=$?
    if [ "$rc" = 0 ] && [ -s "$work/efficacy.md" ]; then
        cat "$work/efficacy.md"
    else
        echo "not measured: efficacy.py exited $rc ($(grep -v -i warn "$work/efficacy.err" | tail -1 | tr -d '|`' | cut -c1-160))"
    fi
}
if [ "$eff_only" = 1 ]; then
    [ -x "$ig" ] || { log "inferguard did not build"; exit 1; }
    log "figure 9: efficacy table (full)"
    efficacy > "$work/fig9.md"
    "$python" -c 'import sys; sys.path.insert(0, sys.argv[1]); import efficacy; efficacy.splice(sys.argv[2], open(sys.argv[3]).read())' \
        "$src/bench/python" "$out" "$work/fig9.md"
    log "wrote figure 9 of $out"
    echo "$out"
    exit 0
fi

# ---- one bench program: its RESULT rows (medians of the runs) into $rows ----
# bench_drift and bench_prada find their Python references through IG_SRC.
export IG_SRC="$src"
run_program() {
    local p=$1 fig bin shown args n status peer rc i
    fig=$($py figure-of "$p")
    bin=$build/bench/$p
    shown="build-release/bench/$p"
    args=()
    case "$p" in bench_memory|bench_detectors) args=(--rules "$src/rules"); shown="$shown --rules rules" ;; esac
    if [ ! -x "$bin" ]; then
        $python -c 'import json,sys;print(json.dumps({"kind":"raw","figure":int(sys.argv[1]),"program":sys.argv[2],"status":"did not build","command":sys.argv[3]}))' \
            "$fig" "$p" "$shown" >> "$rows"
        return
    fi
    n=$runs
    [ "$quick" = 1 ] && n=1
    log "$p: $n run(s)"
    : > "$work/res.jsonl"
    status=ok
    peer=""
    if [ "$p" = bench_json ]; then
        # Its peers (simdjson On-Demand, cJSON; C++, bench/peers) read the payloads it dumps.
        mkdir -p "$work/json"
        args=(--dump "$work/json")
        if [ ! -x "$build/peers/bench_json_peers" ]; then
            { cmake -S "$src/bench/peers" -B "$build/peers" -DCMAKE_BUILD_TYPE=Release &&
              cmake --build "$build/peers" -j2; } > "$work/build-peers.log" 2>&1 ||
                log "building bench/peers failed"
        fi
        [ -x "$build/peers/bench_json_peers" ] && peer="$build/peers/bench_json_peers"
        shown="$shown --dump DIR; build-release/peers/bench_json_peers DIR"
    fi
    for ((i = 0; i < n; i++)); do
        if IG_BENCH_QUICK=$quick timeout "$prog_timeout" "$bin" "${args[@]}" > "$work/out.txt" 2>&1 &&
           { [ -z "$peer" ] || timeout "$prog_timeout" "$peer" "$work/json" >> "$work/out.txt" 2>&1; }; then
            $py parse-result "$p" "$fig" "$shown" < "$work/out.txt" >> "$work/res.jsonl"
        else
            rc=$?
            status="exit $rc"
            [ "$rc" = 124 ] && status="timed out after ${prog_timeout} s"
            break
        fi
    done
    if [ -s "$work/res.jsonl" ]; then
        $py median < "$work/res.jsonl" >> "$rows"
    else
        $python -c 'import json,sys;print(json.dumps({"kind":"raw","figure":int(sys.argv[1]),"program":sys.argv[2],"status":sys.argv[3],"command":sys.argv[4],"output":open(sys.argv[5],errors="replace").read()[-4000:]}))' \
            "$fig" "$p" "$status, printed no RESULT line" "$shown" "$work/out.txt" >> "$rows"
    fi
}
if [ -n "$only" ]; then
    run_program "$only"
    [ -f "$out" ] || { echo "bench/run.sh: $out does not exist: run the full bench first" >&2; exit 1; }
    $py splice "$rows" "$out" > "$out.tmp" && mv "$out.tmp" "$out"
    log "replaced the figure of $only in $out"
    echo "$out"
    exit 0
fi
[ -x "$gen" ] || { log "ig_gen did not build; nothing to measure"; exit 1; }

# ---- Suricata 7, the IDS peer of figure 1, in its own Debian root (bench/peers/suricata-root.sh):
# its libhtp from bookworm-backports never replaces the one inferguard is built with ----
suri_root="" suri_note="not measured"
if [ "$quick" = 1 ]; then
    suri_note="not measured in --quick (its root takes minutes to build once)"
elif suri_root=$("$src/bench/peers/suricata-root.sh" 2> "$work/suricata-root.err"); then
    mkdir -p "$suri_root/bench"
    cp "$src"/bench/peers/suricata/suricata.yaml "$src"/bench/peers/suricata/body.rules "$suri_root/bench/"
else
    suri_root=""
    suri_note="not measured: $(tail -1 "$work/suricata-root.err" | tr -d '|`' | cut -c1-120)"
fi

# ---- machine ----
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
simd=$(grep -o -w -E 'sse4_2|avx2|avx512f|avx512bw|avx512vl' /proc/cpuinfo 2>/dev/null | sort -u | tr '\n' ' ')
case " $simd " in *" avx512f "*) simd="$simd(AVX-512: yes)" ;; *) simd="$simd(AVX-512: no)" ;; esac
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$src" diff --quiet HEAD -- 2>/dev/null || commit="$commit (with local changes)"
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null)
san=$(sed -n 's/^IG_SANITIZE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null)
[ -n "$san" ] && btype="$btype, sanitizers $san (timings not representative)"
peers=""
command -v tshark >/dev/null && peers="$(tshark --version 2>/dev/null | head -1 | sed 's/ (Git.*//')"
command -v ndpiReader >/dev/null && peers="$peers; ndpiReader $(dpkg-query -W -f='${Version}' libndpi-bin 2>/dev/null)"
command -v hyperfine >/dev/null && peers="$peers; $(hyperfine --version)"
[ -n "$suri_root" ] && peers="$peers; $(chroot "$suri_root" suricata -V 2>/dev/null | head -1) (bookworm-backports, own root)"
peers="$peers; $($python -c 'import numpy,scipy;print("numpy",numpy.__version__,"scipy",scipy.__version__)' 2>/dev/null)"
$python - "$work/machine.json" <<EOF
import json, sys
json.dump({"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "mode": "$([ $quick = 1 ] && echo quick || echo full)",
           "cpu": """$cpu""", "cores": "$(nproc) online",
           "simd": "$simd", "memory": "$mem", "kernel": "$(uname -sr)", "commit": "$commit",
           "build": "$(realpath -m --relative-to="$src" "$build") ($btype, relative to the repository)", "runs": "median of $runs runs (hyperfine, $warmup warm-up)",
           "peers": """${peers#; }""",
           "command": "bench/run.sh${orig_args:+ $orig_args}"}, open(sys.argv[1], "w"))
EOF

# ---- timing helper: median seconds of <runs> runs of a command (argv), or empty; the
# mean CPU seconds (user + system) of those runs go to $work/cpu ----
median_of() {
    : > "$work/cpu"
    if command -v hyperfine >/dev/null; then
        local cmdline
        cmdline=$(printf '%q ' "$@")
        hyperfine -N --runs "$runs" --warmup "$warmup" --output=null --style none \
            --export-json "$work/h.json" "$cmdline" > /dev/null 2>&1 || return 1
        $py hyperfine "$work/h.json" "$work/cpu"
    else
        "$python" - "$work/cpu" "$runs" "$@" <<'EOF'
import resource, statistics, subprocess, sys, time
cpu_path, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ts = []
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(runs):
    t0 = time.perf_counter()
    if subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        sys.exit(1)
    ts.append(time.perf_counter() - t0)
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
open(cpu_path, "w").write("%.6f\n" % ((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / runs))
print("%.6f" % statistics.median(ts))
EOF
    fi
}

# add_tp FIGURE CAPTURE TOOL BYTES PACKETS EVENTS MEDIAN NOTE COMMAND...
add_tp() {
    local fig=$1 cap=$2 tool=$3 bytes=$4 pk=$5 ev=$6 med=$7 note=$8 cpu=""
    shift 8
    # the CPU time of the median_of call that produced <med>
    [ -n "$med" ] && cpu=$(cat "$work/cpu" 2>/dev/null)
    $python - "$rows" "$fig" "$cap" "$tool" "$bytes" "$pk" "$ev" "$med" "$note" "$cpu" "$*" <<'EOF'
import json, sys
_, path, fig, cap, tool, b, pk, ev, med, note, cpu, cmd = sys.argv
row = {"kind": "throughput", "figure": int(fig), "capture": cap, "tool": tool,
       "bytes": int(b), "packets": int(pk), "events": int(ev) if ev else None,
       "median_s": float(med) if med else None, "cpu_s": float(cpu) if cpu else None,
       "command": cmd}
if note:
    row["note"] = note
open(path, "a").write(json.dumps(row) + "\n")
EOF
}

# measure FIGURE NAME PCAP MANIFEST: inferguard analyze, tshark, ndpiReader on one capture
measure() {
    local fig=$1 name=$2 pcap=$3 man=$4
    local bytes pk req
    bytes=$(stat -c %s "$pcap")
    pk=$($python -c 'import json,sys;print(json.load(open(sys.argv[1]))["packets"])' "$man")
    req=$($python -c 'import json,sys;print(json.load(open(sys.argv[1]))["requests"])' "$man")
    local cmd=("$ig" analyze --rules "$src/rules" --findings /dev/null "$pcap")
    local shown="inferguard analyze --rules rules --findings /dev/null $name.pcap"
    if [ ! -x "$ig" ]; then
        add_tp "$fig" "$name" inferguard "$bytes" "$pk" "" "" "not measured: inferguard did not build" "$shown"
    elif "${cmd[@]}" > /dev/null 2> "$work/analyze.err"; then
        local ev med
        ev=$(sed -n 's/^[[:space:]]*events[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' "$work/analyze.err" | head -1)
        med=$(median_of "${cmd[@]}") || med=""
        add_tp "$fig" "$name" inferguard "$bytes" "$pk" "${ev:-$req}" "$med" "" "$shown"
    else
        local why
        why=$(grep -v '"level":"warn"' "$work/analyze.err" | head -1 | tr -d '|`' | cut -c1-120)
        add_tp "$fig" "$name" inferguard "$bytes" "$pk" "" "" "not measured: inferguard analyze failed ($why)" "$shown"
    fi
    if command -v tshark >/dev/null; then
        local med tcmd=(tshark -r "$pcap" -Y http.request -T fields -e http.request.uri)
        local tshown="tshark -r $name.pcap -Y http.request -T fields -e http.request.uri"
        # gRPC: HTTP/2 on the capture's port, each message decoded as protobuf from our .proto
        if [ -n "${grpc_port:-}" ]; then
            tcmd=(tshark -r "$pcap" -d "tcp.port==$grpc_port,http2"
                  -o "uat:protobuf_search_paths:\"$src/sidecar/grpc\",\"TRUE\"" -Y protobuf
                  -T fields -e http2.streamid -e protobuf.message.name)
            tshown="tshark -r $name.pcap -d tcp.port==PORT,http2 -o 'uat:protobuf_search_paths:\"sidecar/grpc\",\"TRUE\"' -Y protobuf -T fields -e http2.streamid -e protobuf.message.name"
        fi
        med=$(median_of "${tcmd[@]}") || med=""
        add_tp "$fig" "$name" tshark "$bytes" "$pk" "$req" "$med" "$([ -n "$med" ] || echo "not measured: tshark failed")" \
            "$tshown"
    else
        add_tp "$fig" "$name" tshark "$bytes" "$pk" "" "" "not installed" "tshark"
    fi
    if [ "$fig" = 1 ] && [ -x "$ig" ]; then
        # the same run writing every event (tensors included) as JSON
        local med
        med=$(median_of "$ig" analyze --rules "$src/rules" --events /dev/null --findings /dev/null "$pcap") || med=""
        add_tp "$fig" "$name" "inferguard --events" "$bytes" "$pk" "${ev:-$req}" "$med" \
            "$([ -n "$med" ] || echo "not measured: inferguard analyze --events failed")" \
            "inferguard analyze --rules rules --events /dev/null --findings /dev/null $name.pcap"
    fi
    if [ "$fig" = 1 ]; then
        local sshown="suricata -c bench/peers/suricata/suricata.yaml -S bench/peers/suricata/body.rules -k none --runmode single -r $name.pcap -l LOGDIR"
        if [ -n "$suri_root" ]; then
            local med http scmd=(chroot "$suri_root" suricata -c /bench/suricata.yaml -S /bench/body.rules
                                 -k none --runmode single -r /bench/cap.pcap -l /bench/log)
            cp "$pcap" "$suri_root/bench/cap.pcap"
            rm -rf "$suri_root/bench/log"; mkdir -p "$suri_root/bench/log"
            # one run to count its EVE http records (the events it produced), then the timed runs
            http=""
            "${scmd[@]}" > /dev/null 2>&1 &&
                http=$(grep -c '"event_type":"http"' "$suri_root/bench/log/eve.json" 2>/dev/null)
            med=$(median_of "${scmd[@]}") || med=""
            add_tp "$fig" "$name" "Suricata 7" "$bytes" "$pk" "$http" "$med" \
                "$([ -n "$med" ] || echo "not measured: suricata failed")" "$sshown"
            rm -rf "$suri_root/bench/cap.pcap" "$suri_root/bench/log"
        else
            add_tp "$fig" "$name" "Suricata 7" "$bytes" "$pk" "" "" "$suri_note" "$sshown"
        fi
        if command -v ndpiReader >/dev/null; then
            local med
            med=$(median_of ndpiReader -q -i "$pcap") || med=""
            add_tp "$fig" "$name" ndpiReader "$bytes" "$pk" "$req" "$med" "$([ -n "$med" ] || echo "not measured: ndpiReader failed")" \
                "ndpiReader -q -i $name.pcap"
        else
            add_tp "$fig" "$name" ndpiReader "$bytes" "$pk" "" "" "not installed" "ndpiReader"
        fi
    fi
}

# ---- figure 1: packets -> inference events, one capture per protocol ----
# Full-size captures are large enough that start-up (~0.05 s for inferguard with its pattern
# cache filled, ~0.7 s without) is a minor part.
if [ "$quick" = 1 ]; then nreq=1000 ncl=16 ne2e=500; else nreq=60000 ncl=64 ne2e=30000; fi
# First each tool's fixed cost: a 10-request capture is all start-up (rules, dissectors).
want startup_10req && log "figure 1: startup_10req"
if want startup_10req && "$gen" --scenario benign --protocol oip_v2 --clients 1 --requests 10 --dim 64 --seed 1 --quiet \
    --out "$work/startup_10req.pcap" --manifest "$work/startup_10req.json"; then
    measure 1 startup_10req "$work/startup_10req.pcap" "$work/startup_10req.json"
fi
rm -f "$work/startup_10req.pcap"
for proto in oip_v2 oip_v2_bin kserve_v1 openai; do
    name="${proto}_d64"
    want "$name" || continue
    log "figure 1: $name"
    if "$gen" --scenario benign --protocol "$proto" --clients "$ncl" --requests "$nreq" --dim 64 \
        --seed 1 --quiet --out "$work/$name.pcap" --manifest "$work/$name.json"; then
        measure 1 "$name" "$work/$name.pcap" "$work/$name.json"
    else
        add_tp 1 "$name" ig_gen 0 0 "" "" "not measured: ig_gen failed" "ig_gen"
    fi
    rm -f "$work/$name.pcap"
done

# OIP v2 over gRPC: a real grpcio server and clients on loopback, recorded by dumpcap
# (bench/python/grpc_traffic.py; ig_gen writes HTTP/1.1 only).
if [ "$quick" = 1 ]; then ngrpc=500; else ngrpc=30000; fi
name=oip_v2_grpc_d64
want "$name" && log "figure 1: $name"
if ! want "$name"; then
    :
elif $python "$src/bench/python/grpc_traffic.py" --calls "$ngrpc" --clients 8 --dim 64 \
    --out "$work/$name.pcap" --manifest "$work/$name.json" 2> "$work/grpc_traffic.err"; then
    grpc_port=$($python -c 'import json,sys;print(json.load(open(sys.argv[1]))["port"])' "$work/$name.json")
    measure 1 "$name" "$work/$name.pcap" "$work/$name.json"
    grpc_port=""
    # The capture path alone (HTTP/2, HPACK, gRPC framing, protobuf, events): every shipped
    # detector disabled, so the row compares decoding with decoding.
    if [ -x "$ig" ]; then
        mkdir -p "$work/rules_off"
        "$ig" rules show 2>/dev/null | sed -n 's/^- detector: \([a-z_]*\.[a-z_.]*\)[[:space:]]*$/\1/p' | sort -u |
            while read -r d; do printf -- '- detector: %s\n  enabled: false\n' "$d"; done > "$work/rules_off/off.yaml"
        med=$(median_of "$ig" analyze --rules "$work/rules_off" --findings /dev/null "$work/$name.pcap") || med=""
        add_tp 1 "$name" "inferguard, detectors off" "$(stat -c %s "$work/$name.pcap")" \
            "$($python -c 'import json,sys;print(json.load(open(sys.argv[1]))["packets"])' "$work/$name.json")" \
            "$ngrpc" "$med" "$([ -n "$med" ] || echo "not measured: inferguard analyze failed")" \
            "inferguard analyze --rules RULES_ALL_OFF --findings /dev/null $name.pcap"
    fi
else
    add_tp 1 "$name" grpc_traffic 0 0 "" "" "not measured: grpc_traffic.py failed ($(tail -1 "$work/grpc_traffic.err" | tr -d '|`' | cut -c1-100))" \
        "bench/python/grpc_traffic.py"
fi
rm -f "$work/$name.pcap"

# A replayed copy of recorded traffic, the shape issue #20 measures ("a 20-fold copy of a
# capture of ordinary and attack traffic"): efficacy.py's "iris (z)" scenario (a real
# scikit-learn model, ordinary clients and real attack code over OIP v2; ~5 min to record) and
# its "chat (LLM)" scenario (OpenAI chat), joined and copied 20 times end to end as
# `mergecap -a` does (bench/python/replay.py): every copy reuses the first one's flows.
if [ "$quick" = 0 ] && want replay_x20; then
    name=replay_x20
    log "figure 1: $name (recording the efficacy scenarios it copies)"
    if "$python" "$src/bench/python/efficacy.py" --bin "$ig" --src "$src" --seed 0 --keep \
            --only 'iris (z)$,chat (LLM)$' > /dev/null 2> "$work/replay.err" &&
        rdir=$(sed -n 's/^work dir kept: //p' "$work/replay.err") && [ -d "$rdir" ] &&
        "$python" "$src/bench/python/replay.py" --copies 20 --out "$work/$name.pcap" \
            --manifest "$work/$name.json" "$rdir"/s*/cap.pcap 2>> "$work/replay.err"; then
        measure 1 "$name" "$work/$name.pcap" "$work/$name.json"
    else
        add_tp 1 "$name" efficacy.py 0 0 "" "" "not measured: recording failed ($(grep -v '^work dir kept' "$work/replay.err" | tail -1 | tr -d '|`' | cut -c1-100))" \
            "bench/python/efficacy.py + bench/python/replay.py"
    fi
    [ -n "${rdir:-}" ] && rm -rf "$rdir"
    rm -f "$work/$name.pcap"
fi

# ---- figure 4: end to end on the attack mix (all detectors at their defaults) ----
want mixed_d64 && log "figure 4: mixed attacks"
if want mixed_d64 && "$gen" --scenario mixed --protocol oip_v2 --clients "$ncl" --requests "$ne2e" --dim 64 \
    --seed 1 --quiet --out "$work/mixed_d64.pcap" --manifest "$work/mixed_d64.json"; then
    measure 4 mixed_d64 "$work/mixed_d64.pcap" "$work/mixed_d64.json"
fi

# ---- figure 6 comes from bench_threads (inferguard analyze --workers 1..4 on its own
# captures, below with the other programs) ----
rm -f "$work/mixed_d64.pcap" "$work/oip_v2_d64.pcap"

if [ "$e2e_only" = 1 ]; then
    [ -f "$out" ] || { echo "bench/run.sh: $out does not exist: run the full bench first" >&2; exit 1; }
    $py splice "$rows" "$out" > "$out.tmp" && mv "$out.tmp" "$out"
    log "replaced ${capture:+the $capture rows of }figures 1 and 4 of $out"
    echo "$out"
    exit 0
fi

# ---- every other bench program ----
for p in "${programs[@]}"; do
    run_program "$p"
done

# ---- figure 9: efficacy (minutes of real clients on loopback: full mode only) ----
if [ "$quick" = 1 ]; then
    eff="Not run in quick mode: tests/integration/test_efficacy.sh runs \`efficacy.py --quick --check\`; \`bench/run.sh\` (full) or \`bench/run.sh --efficacy-only\` writes the table here."
else
    log "figure 9: efficacy table"
    eff=$(efficacy)
fi
"$python" -c 'import json,sys;print(json.dumps({"kind":"markdown","figure":9,"text":sys.argv[1]}))' "$eff" >> "$rows"

# ---- figure 11: the fleet path (librdkafka's mock cluster on loopback) ----
log "figure 11: fleet publish -> Kafka -> aggregate"
fleet_quick=()
[ "$quick" = 1 ] && fleet_quick=(--rates 500 --seconds 3)   # the paced runs: one short load
if fleet=$("$src/bench/fleet.sh" --build "$build" --requests "$([ "$quick" = 1 ] && echo 5000 || echo 20000)" ${fleet_quick[@]+"${fleet_quick[@]}"} 2> "$work/fleet.err"); then
    fleet="$fleet

Mock cluster: one broker in-process with the aggregator's peer, 4 partitions; \`analyze --events-topic\` publishes a generated mixed capture flat out while \`aggregate\` consumes; catching up: a new group reading the whole topic. The lag at a given load: tests/tools/fleet_pace publishes at a fixed rate while a live aggregator reads (Kafka path: arrival less the producer's timestamp; inspected: release to the detectors less the request time, the lateness window included). Medians of 3 runs."
else
    fleet="bench/fleet.sh failed: $(tail -3 "$work/fleet.err")"
fi
"$python" -c 'import json,sys;print(json.dumps({"kind":"markdown","figure":11,"text":sys.argv[1]}))' "$fleet" >> "$rows"

$py render "$rows" "$work/machine.json" > "$out.tmp" && mv "$out.tmp" "$out"
log "wrote $out"
echo "$out"
