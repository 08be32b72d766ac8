#!/usr/bin/env bash
# Builds the sidecar image and runs it, with nothing but Debian's packages: the base is a
# Debian 12 root made here with mmdebstrap from this machine's apt sources (no registry is
# needed), imported into podman; the Dockerfile is built on it; the image then analyzes the
# demo capture and captures live on loopback as the Kubernetes manifests run it (root with
# only NET_RAW+SETUID+SETGID, then uid 65532 with no capability and a seccomp filter).
# Usage: scripts/image.sh [--tag NAME] [--no-run]      (needs root: podman with runc)
# Exit codes: 0 built (and both runs passed), 1 a run failed, 2 usage, 4 cannot build.
# The base tarball is cached in ${XDG_CACHE_HOME:-~/.cache}/inferguard/image-base.tar.
set -euo pipefail
tag=inferguard:dev; run=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --no-run) run=0; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "image.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
src=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "image.sh: needs root (podman with runc, mmdebstrap)" >&2; exit 4; }
missing=()
for p in podman runc mmdebstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/inferguard
mkdir -p "$cache"
# podman on these machines: runc, cgroupfs, and no default ulimits it may not raise.
conf=$cache/containers.conf
printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' > "$conf"
export CONTAINERS_CONF=$conf
pm() { podman --cgroup-manager cgroupfs --runtime runc "$@"; }

base=localhost/inferguard-base:bookworm
if ! pm image exists "$base"; then
  tar=$cache/image-base.tar
  if [ ! -s "$tar" ]; then
    echo "image.sh: making a Debian 12 base with mmdebstrap (once)" >&2
    srcs=(); lists=()
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
    for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && srcs+=("$f"); done
    { for f in "${srcs[@]}"; do cat "$f"; echo; done; } |
      mmdebstrap --quiet --variant=apt --include=ca-certificates --format=tar bookworm "$tar.tmp" - \
        ${lists[@]+"${lists[@]}"} > "$cache/image-base.log" 2>&1 \
      || { tail -20 "$cache/image-base.log" >&2; rm -f "$tar.tmp"; exit 4; }
    mv "$tar.tmp" "$tar"
  fi
  pm import --change 'CMD ["/bin/bash"]' "$tar" "$base" > /dev/null || exit 4
fi

echo "image.sh: podman build $tag on $base" >&2
pm build --network host --build-arg "BASE=$base" -t "$tag" -f "$src/Dockerfile" "$src" \
  > "$cache/image-build.log" 2>&1 || { tail -30 "$cache/image-build.log" >&2; exit 4; }
size=$(pm image inspect --format '{{.Size}}' "$tag")
echo "image.sh: built $tag, $((size / 1000000)) MB"
[ "$run" = 1 ] || exit 0

# 1. The demo capture, read-only, as an unprivileged user with no capability at all.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
gen=$src/build/release/bench/ig_gen   # the demo capture's generator, built on the host
if [ ! -x "$gen" ]; then
  cmake -S "$src" -B "$src/build/release" -DCMAKE_BUILD_TYPE=Release -DIG_BUILD_TESTS=OFF > /dev/null
  cmake --build "$src/build/release" -j"$(nproc)" --target ig_gen > /dev/null
fi
"$gen" --scenario demo --seed 1 --out "$work/demo.pcap" --quiet > /dev/null
chmod 755 "$work"; chmod 644 "$work/demo.pcap"
pm run --rm --network none --user 65532:65532 --cap-drop all --read-only -v "$work:/data:ro" "$tag" \
  analyze -q --findings - /data/demo.pcap > "$work/findings.jsonl" \
  || { echo "image.sh: analyze in the container failed" >&2; exit 1; }
n=$(wc -l < "$work/findings.jsonl")
[ "$n" -gt 0 ] || { echo "image.sh: no findings from the demo capture" >&2; exit 1; }
echo "image.sh: demo capture in the container: $n findings"

# 2. Live capture on the host's loopback, privileges as the manifests grant them.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 "$src/tests/tools/oip_server.py" --portfile "$work/port" --port "$port" > /dev/null 2>&1 &
srv=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
mkdir -m 777 "$work/out"
pm run -d --name "ig-image-live-$$" --network host --user 0 --cap-drop all \
  --cap-add net_raw,setuid,setgid --security-opt no-new-privileges --read-only \
  -v "$work/out:/out" "$tag" run -i lo --bpf "tcp port $port" --user 65532:65532 \
  --events /out/events.jsonl --findings /out/findings.jsonl > /dev/null
for _ in $(seq 100); do pm logs "ig-image-live-$$" 2>&1 | grep -q capturing && break; sleep 0.1; done
pid=$(pm inspect --format '{{.State.Pid}}' "ig-image-live-$$")
status=$(grep -E '^(Uid|CapEff|CapPrm|NoNewPrivs|Seccomp):' "/proc/$pid/status" | tr -s '\t' ' ')
/usr/bin/python3 "$src/tests/tools/oip_client.py" --port "$port" --requests 30 --rows 2 --dim 8 \
  --model iris --out "$work/sent.jsonl" > /dev/null
sleep 1
pm stop -t 10 "ig-image-live-$$" > /dev/null; pm logs "ig-image-live-$$" > "$work/live.log" 2>&1 || true
pm rm "ig-image-live-$$" > /dev/null; kill "$srv" 2>/dev/null || true
events=$(wc -l < "$work/out/events.jsonl" 2>/dev/null || echo 0)
echo "image.sh: live capture in the container: $events of 30 requests seen; $(echo "$status" | tr '\n' ';')"
echo "$status" | grep -q '^Uid: 65532 65532 65532 65532' && echo "$status" | grep -q '^CapEff: 0000000000000000' \
  && echo "$status" | grep -q '^NoNewPrivs: 1' && echo "$status" | grep -q '^Seccomp: 2' \
  || { echo "image.sh: the container's process kept privileges" >&2; cat "$work/live.log" >&2; exit 1; }
[ "$events" = 30 ] || { echo "image.sh: live capture missed requests" >&2; tail -20 "$work/live.log" >&2; exit 1; }
echo "image.sh: ok"
