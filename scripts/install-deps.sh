#!/usr/bin/env bash
# Installs exactly the Debian 12 packages inferguard needs to build, test and bench.
# Idempotent and non-interactive: packages already present are skipped, and apt is only
# consulted when something is missing. Usage: scripts/install-deps.sh [build|test|all|fresh]
# (fresh: what scripts/fresh-check.sh needs to build a brand-new Debian root; all: every
# profile, as bench/run.sh needs: figure 1's Suricata runs in such a root).
set -euo pipefail

profile=${1:-all}

build_pkgs=(
  build-essential cmake pkg-config git clang libclang-rt-14-dev python3
  libpcap-dev libndpi-dev libhtp-dev libevent-dev librdkafka-dev libgsl-dev
  libmsgpack-dev libyaml-dev zlib1g-dev libhyperscan-dev libssl-dev libseccomp-dev
  libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler
)
# Tests use real peers: kcat reads Kafka back, tshark/ndpiReader are bench peers,
# /usr/bin/python3 + numpy/scipy/sklearn are reference implementations and model servers,
# R gives golden Shapiro-Wilk values, chromium renders reports, grpcio + protobuf
# serve and call OIP v2 over gRPC, jsonpatch applies the admission webhook's patches,
# pil decodes sklearn's sample photographs (the efficacy runs' KnockoffNets transfer set).
test_pkgs=(
  libcmocka-dev kcat tshark libndpi-bin python3 python3-numpy python3-scipy
  python3-sklearn python3-yaml r-base-core chromium curl iproute2 libpcre2-dev libcjson-dev
  libsimdjson-dev g++ hyperfine python3-jsonschema python3-grpcio python3-protobuf util-linux
  python3-jsonpatch time python3-pil
)

# scripts/fresh-check.sh: a pristine Debian root to run the README's commands in.
fresh_pkgs=(mmdebstrap git)

case "$profile" in
  build) want=("${build_pkgs[@]}") ;;
  fresh) want=("${fresh_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  all) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${fresh_pkgs[@]}") ;;
  -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
  *) echo "install-deps: unknown profile '$profile' (build, test, all or fresh)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
