#!/usr/bin/env bash
# bench/peers/suricata-root.sh: prints the path of a Debian 12 root holding Suricata 7 from
# bookworm-backports, the IDS peer of figure 1, building it once with mmdebstrap (fed this
# machine's apt sources plus bookworm-backports) and caching it. Suricata 7 needs libhtp 0.5.50
# from backports; inside its own root it never touches the build machine's libhtp (0.5.42,
# which inferguard is built and tested with).
# Usage: bench/peers/suricata-root.sh        (needs root: mmdebstrap and chroot)
# Exit codes: 0 printed the root; 1 not root; 4 the root cannot be built (log in the cache).
# The cache is ${XDG_CACHE_HOME:-~/.cache}/inferguard/suricata-root; delete it to rebuild.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "suricata-root: needs root (mmdebstrap, chroot)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "suricata-root: mmdebstrap missing (apt install mmdebstrap)" >&2; exit 4; }
cache=${XDG_CACHE_HOME:-$HOME/.cache}/inferguard
root=$cache/suricata-root
mkdir -p "$cache"
exec 9>"$cache/suricata-root.lock"
flock 9
if [ ! -f "$root/.complete" ]; then
    tmp=$(mktemp -d "$cache/suricata-root.build.XXXXXX")
    srcs=() lists=()
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
    for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && srcs+=("$f"); done
    echo "suricata-root: building a Debian 12 root with Suricata from bookworm-backports (once)" >&2
    if ! { for f in "${srcs[@]}"; do cat "$f"; echo; done
           printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\n'
           printf 'Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'; } |
         mmdebstrap --variant=apt \
           --customize-hook='chroot "$1" apt-get install -y -q -t bookworm-backports suricata' \
           bookworm "$tmp" - "${lists[@]}" > "$cache/suricata-root.build.log" 2>&1; then
        tail -5 "$cache/suricata-root.build.log" >&2
        rm -rf --one-file-system "$tmp"
        echo "suricata-root: mmdebstrap failed (log: $cache/suricata-root.build.log)" >&2
        exit 4
    fi
    touch "$tmp/.complete"
    rm -rf --one-file-system "$root"
    mv "$tmp" "$root"
fi
echo "$root"
