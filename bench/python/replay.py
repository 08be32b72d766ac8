#!/usr/bin/python3
"""A replayed copy of recorded traffic: pcaps joined end to end, the whole repeated N times.

    replay.py --out FILE.pcap --manifest FILE.json [--copies N] BASE.pcap [BASE.pcap ...]

Issue #20 measures "a 20-fold copy of a capture of ordinary and attack traffic"; this makes one
from captures the efficacy harness recorded (real models, real attack code), the way
`mergecap -a` would: records appended as they are, so each copy's flows reuse the first copy's
addresses, ports and sequence numbers and its timestamps start again from the beginning.
The manifest gives {"packets", "requests", "copies", "bases"}: requests counts TCP payloads
that begin an HTTP/1 request (a method and a space), so the count does not come from the tool
being measured. All inputs must share one link type (Ethernet or Linux cooked); exit 1 if not.
"""
import argparse
import json
import struct
import sys

MAGICS = {0xa1b2c3d4: "<", 0xa1b23c4d: "<", 0xd4c3b2a1: ">", 0x4d3cb2a1: ">"}
METHODS = (b"POST ", b"GET ", b"PUT ", b"PATCH ", b"DELETE ", b"HEAD ", b"OPTIONS ")


def records(path):
    """(global header, endian, linktype, [record bytes]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24 or struct.unpack("<I", data[:4])[0] not in MAGICS:
        sys.exit(f"replay.py: {path}: not a classic pcap file")
    e = MAGICS[struct.unpack("<I", data[:4])[0]]
    link = struct.unpack(e + "I", data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        if off + 16 + incl > len(data):
            break                      # a truncated last record (capture cut short): dropped
        out.append(data[off:off + 16 + incl])
        off += 16 + incl
    return data[:24], e, link, out


def is_request(rec, link):
    """True when the record's TCP payload begins an HTTP/1 request."""
    p = rec[16:]
    if link == 1:                      # Ethernet
        off, et = 14, p[12:14]
    elif link == 113:                  # Linux cooked (SLL)
        off, et = 16, p[14:16]
    else:
        return False
    if et == b"\x81\x00":              # one VLAN tag
        off, et = off + 4, p[off + 2:off + 4]
    if et == b"\x08\x00" and len(p) >= off + 20 and p[off + 9] == 6:
        ip_len = (p[off] & 15) * 4
    elif et == b"\x86\xdd" and len(p) >= off + 40 and p[off + 6] == 6:
        ip_len = 40
    else:
        return False
    t = off + ip_len
    if len(p) < t + 20:
        return False
    pl = t + (p[t + 12] >> 4) * 4
    return p[pl:pl + 8].startswith(METHODS)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("bases", nargs="+")
    a = ap.parse_args()
    if a.copies < 1:
        sys.exit("replay.py: --copies wants a positive number")
    head, endian, link, recs = None, None, None, []
    for path in a.bases:
        h, e, lk, r = records(path)
        if head is None:
            head, endian, link = h, e, lk
        elif lk != link or e != endian:
            sys.exit(f"replay.py: {path}: link type or byte order differs from {a.bases[0]}")
        recs += r
    reqs = sum(is_request(r, link) for r in recs)
    with open(a.out, "wb") as f:
        f.write(head)
        for _ in range(a.copies):
            f.writelines(recs)
    with open(a.manifest, "w") as f:
        json.dump({"packets": len(recs) * a.copies, "requests": reqs * a.copies,
                   "copies": a.copies, "bases": a.bases}, f)


if __name__ == "__main__":
    main()
