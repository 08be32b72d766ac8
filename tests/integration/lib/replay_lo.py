#!/usr/bin/python3
"""Replays the frames of an Ethernet pcap onto the loopback interface (AF_PACKET, needs
CAP_NET_RAW), paced so a live capture keeps up; capture timestamps are not kept. Refuses
any frame whose IPv4 addresses are not both in 127.0.0.0/8, or whose destination MAC is
lo's or a group address. The kernel drops the frames
after the capture taps (their MAC is not lo's), so nothing answers them. Stays on one CPU
so the frames arrive in order.
Usage: replay_lo.py FILE.pcap [FRAMES_PER_MS]"""
import os
import socket
import struct
import sys
import time


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        if magic not in (0xa1b2c3d4, 0xa1b23c4d) or struct.unpack("<I", head[20:24])[0] != 1:
            sys.exit("replay_lo: not a little-endian Ethernet pcap")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack("<IIII", rec)[2]
            yield f.read(incl)


def main():
    path = sys.argv[1]
    per_ms = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    # Frames sent on lo are queued on the sending CPU's backlog: moving between CPUs would
    # reorder them, so stay on one.
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("lo", 0))
    n = 0
    t0 = time.monotonic()
    for fr in frames(path):
        if fr[12:14] == b"\x08\x00" and (fr[26] != 127 or fr[30] != 127):
            sys.exit(f"replay_lo: frame {n} is not loopback traffic; refusing")
        if fr[0:6] == bytes(6) or fr[0] & 1:
            # lo's own (all-zero) or a group address would reach the TCP stack
            sys.exit(f"replay_lo: frame {n} is addressed to this host; refusing")
        s.send(fr)
        n += 1
        if n % per_ms == 0:   # at most per_ms frames per millisecond
            ahead = t0 + n / per_ms / 1000.0 - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    print(f"replayed {n} frames")


if __name__ == "__main__":
    main()
