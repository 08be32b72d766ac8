#!/usr/bin/env bash
# The container image is built and run (scripts/image.sh: Debian 12 base made with
# mmdebstrap, podman build, the demo capture and live loopback capture inside the image with
# the manifests' privileges). Long (minutes: a Debian root and two apt installs), so opt-in:
# IG_TEST_IMAGE=1 ctest -R test_image.
. "$(dirname "$0")/lib/common.sh"
[ "${IG_TEST_IMAGE:-0}" = 1 ] || { echo "SKIP: opt-in, set IG_TEST_IMAGE=1 (builds the image: minutes)"; exit 77; }
[ "$(id -u)" = 0 ] || fail "scripts/image.sh needs root"
XDG_CACHE_HOME=${XDG_CACHE_HOME:-$HOME/.cache} "$IG_SRC/scripts/image.sh" --tag "inferguard:test-$$" > "$WORK/out" 2>&1 \
  || { tail -30 "$WORK/out"; fail "scripts/image.sh failed"; }
cat "$WORK/out"
grep -q '^image.sh: ok$' "$WORK/out" || fail "image.sh did not finish its checks"
podman --cgroup-manager cgroupfs rmi "inferguard:test-$$" > /dev/null 2>&1 || true
