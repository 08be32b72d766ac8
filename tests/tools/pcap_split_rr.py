#!/usr/bin/python3
"""Splits a classic pcap into N pcaps the way an L4 round-robin load balancer spreads
connections over N replicas: each TCP connection (by its unordered address/port pair) goes
whole to the next replica in order of first appearance. Non-TCP packets go to replica 0.
Ethernet (DLT 1) and raw IP (DLT 101) link types.
Usage: pcap_split_rr.py IN.pcap N OUT_PREFIX   (writes OUT_PREFIX1.pcap ... OUT_PREFIXN.pcap)
"""
import struct
import sys


def main():
    src, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(src, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("not a classic pcap file")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    outs = [open(f"{prefix}{i + 1}.pcap", "wb") for i in range(n)]
    for o in outs:
        o.write(data[:24])
    conns, nxt, off = {}, 0, 24
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        rec = data[off:off + 16 + incl]
        pkt = rec[16:]
        off += 16 + incl
        l3 = 14 if linktype == 1 else 0
        if linktype == 1 and pkt[12:14] == b"\x81\x00":
            l3 = 18
        ip = pkt[l3:]
        key = None
        if len(ip) >= 20 and ip[0] >> 4 == 4 and ip[9] == 6:
            ihl = (ip[0] & 15) * 4
            sp, dp = struct.unpack(">HH", ip[ihl:ihl + 4])
            key = tuple(sorted(((ip[12:16], sp), (ip[16:20], dp))))
        elif len(ip) >= 40 and ip[0] >> 4 == 6 and ip[6] == 6:
            sp, dp = struct.unpack(">HH", ip[40:44])
            key = tuple(sorted(((ip[8:24], sp), (ip[24:40], dp))))
        if key is None:
            outs[0].write(rec)
            continue
        if key not in conns:
            conns[key] = nxt % n
            nxt += 1
        outs[conns[key]].write(rec)
    for o in outs:
        o.close()


if __name__ == "__main__":
    main()
