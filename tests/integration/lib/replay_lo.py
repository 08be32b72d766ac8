#!/usr/bin/python3
"""Replays the frames of an Ethernet pcap onto the loopback interface (AF_PACKET, needs
CAP_NET_RAW), paced so a live capture keeps up; capture timestamps are not kept. Refuses
any frame whose IPv4 addresses are not both in 127.0.0.0/8, or whose destination MAC is
lo's or a group address. The kernel drops the frames
after the capture taps (their MAC is not lo's), so nothing answers them. Stays on one CPU
so the frames arrive in order. With --net B, IPv4 addresses 127.x.y.z become 127.B.y.z
(IP and TCP/UDP checksums recomputed), so a test can filter its own frames (`net 127.B.0.0/16`)
when other tests replay the same capture onto lo at the same time.
Usage: replay_lo.py FILE.pcap [FRAMES_PER_MS] [--net B]"""
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


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def renet(fr, octet):
    """The frame with both IPv4 addresses' second octet set to <octet>, checksums redone."""
    ihl = (fr[14] & 0x0F) * 4
    ip = bytearray(fr[14:14 + ihl])
    ip[13] = ip[17] = octet
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    total = struct.unpack("!H", ip[2:4])[0]
    l4 = bytearray(fr[14 + ihl:14 + total])
    proto = ip[9]
    off = {6: 16, 17: 6}.get(proto)
    if off is not None and len(l4) >= off + 2 and not (ip[6] & 0x3F or ip[7]):
        if proto == 6 or l4[6:8] != b"\0\0":
            l4[off:off + 2] = b"\0\0"
            pseudo = bytes(ip[12:20]) + struct.pack("!BBH", 0, proto, len(l4))
            c = csum(pseudo + bytes(l4))
            l4[off:off + 2] = struct.pack("!H", c if c or proto == 6 else 0xFFFF)
    return fr[:14] + bytes(ip) + bytes(l4) + fr[14 + total:]


def main():
    args = sys.argv[1:]
    octet = None
    if "--net" in args:
        i = args.index("--net")
        octet = int(args[i + 1])
        if not 0 <= octet <= 255:
            sys.exit("replay_lo: --net takes 0..255")
        del args[i:i + 2]
    path = args[0]
    per_ms = int(args[1]) if len(args) > 1 else 20
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
        if octet is not None and fr[12:14] == b"\x08\x00":
            fr = renet(fr, octet)
        s.send(fr)
        n += 1
        if n % per_ms == 0:   # at most per_ms frames per millisecond
            ahead = t0 + n / per_ms / 1000.0 - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    print(f"replayed {n} frames")


if __name__ == "__main__":
    main()
