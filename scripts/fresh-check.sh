#!/usr/bin/env bash
# Runs the README's first commands as a newcomer would: on a brand-new Debian 12 root, from a
# fresh clone of this checkout's HEAD. The pristine root is built once with mmdebstrap (fed
# this machine's apt sources) and cached; every run works on a throw-away copy of it, with
# /proc /sys /dev /dev/pts /dev/shm bind-mounted, and the copy is always unmounted and removed,
# also on failure or interrupt. Prints the command's last lines and exits with its status.
# Usage: scripts/fresh-check.sh [demo|tests|both]   (default both; needs root or sudo)
#   demo   scripts/demo.sh        tests  scripts/test.sh     both  demo, then tests
# Exit codes: the command's own status (0 ok), 2 bad arguments, 4 the root cannot be built.
# The cache lives in ${XDG_CACHE_HOME:-~/.cache}/inferguard/ (fresh-root/, logs); delete
# fresh-root/ to rebuild it. FUZZ_SECONDS is passed through to scripts/test.sh.
set -euo pipefail

mode=${1:-both}
case "$mode" in
  demo) cmds=("scripts/demo.sh") ;;
  tests) cmds=("scripts/test.sh") ;;
  both) cmds=("scripts/demo.sh" "scripts/test.sh") ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  *) echo "fresh-check: unknown mode '$mode' (demo, tests or both; try --help)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "fresh-check: one mode only (try --help)" >&2; exit 2; }

src=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=XDG_CACHE_HOME,FUZZ_SECONDS HOME="$HOME" "$0" "$@"
fi

"$src/scripts/install-deps.sh" fresh
cache=${XDG_CACHE_HOME:-$HOME/.cache}/inferguard
root=$cache/fresh-root
mkdir -p "$cache"

# The pristine root, built once (under a lock: several checkouts may share the cache).
build_root() {
  [ -f "$root/.fresh-check-complete" ] && return 0
  local tmp srcs=() lists=()
  tmp=$(mktemp -d "$cache/fresh-root.build.XXXXXX")
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
  for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && srcs+=("$f"); done
  echo "fresh-check: building a pristine Debian 12 root in $root (once)" >&2
  # '-' reads the deb822 sources from stdin; one-line .list files are passed as files
  if ! { for f in "${srcs[@]}"; do cat "$f"; echo; done; } |
       mmdebstrap --quiet --variant=apt --include=ca-certificates,git,sudo \
         bookworm "$tmp" - "${lists[@]}" >"$cache/fresh-root.build.log" 2>&1; then
    tail -20 "$cache/fresh-root.build.log" >&2
    rm -rf --one-file-system "$tmp"
    echo "fresh-check: mmdebstrap failed (log: $cache/fresh-root.build.log)" >&2
    return 4
  fi
  touch "$tmp/.fresh-check-complete"
  rm -rf --one-file-system "$root"
  mv "$tmp" "$root"
}
exec 9>"$cache/fresh-root.lock"
flock 9
rc=0; build_root || rc=$?
[ "$rc" = 0 ] || exit 4

copy=$(mktemp -d "$cache/fresh-run.XXXXXX")
mounted=()
cleanup() {
  local rc=$? pid m i
  trap - EXIT INT TERM
  # processes a test left behind inside the copy (ours: nothing else has this root)
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$copy" ] && kill -9 "$pid" 2>/dev/null || true
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    m=${mounted[$i]}
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
  # --one-file-system: never descend into a mount that failed to go away
  if findmnt -rn -o TARGET | grep -q "^$copy/"; then
    echo "fresh-check: mounts still under $copy; not removing it" >&2
  else
    rm -rf --one-file-system "$copy"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp -a "$root/." "$copy/"
flock -u 9
cp /etc/resolv.conf "$copy/etc/resolv.conf"
git clone -q "$src" "$copy/src/inferguard"
commit=$(git -C "$copy/src/inferguard" rev-parse --short HEAD)
for m in proc sys dev dev/pts dev/shm; do
  mkdir -p "$copy/$m"
  mount --bind "/$m" "$copy/$m"
  mounted+=("$copy/$m")
done

log=$cache/fresh-check-$mode.log
echo "fresh-check: $mode on a brand-new Debian 12 root, clone of $commit (log: $log)" >&2
script="cd /src/inferguard"
for c in "${cmds[@]}"; do script+=" && $c"; done
start=$(date +%s)
rc=0
# in the background, so that an interrupt reaches the trap at once (wait is interruptible)
env -i HOME=/root TERM=dumb LANG=C.UTF-8 ${FUZZ_SECONDS:+FUZZ_SECONDS=$FUZZ_SECONDS} \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    chroot "$copy" /bin/bash -c "$script" >"$log" 2>&1 </dev/null &
wait $! || rc=$?
end=$(date +%s)
tail -n 25 "$log"
echo "fresh-check: $mode exited $rc after $((end - start)) s (clone of $commit)"
exit "$rc"
