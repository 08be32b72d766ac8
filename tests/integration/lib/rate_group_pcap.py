#!/usr/bin/python3
"""Writes a loopback capture of 8 clients of one /24 (127.9.8.1-8), one keep-alive HTTP
connection each to an Open Inference Protocol v2 server at 127.0.0.1:8000, each closed loop
(its next request when the answer came, ~22/s: 40 ms latency, 5 ms between), for --secs
seconds, all starting together. --inputs K > 0: each request one of K records in turn (a
small set re-sent); 0: each request a new record. --no-handshake: the connections' SYNs are
left out (the capture begins mid-stream).

usage: rate_group_pcap.py --out FILE [--inputs K] [--no-handshake] [--secs S]"""
import argparse
import json
import struct

T0 = 978307200.0   # capture time: 2001-01-01


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))   # LINKTYPE_RAW
        self.pkts = []

    def tcp(self, t, src, sport, dst, dport, seq, ack, flags, data=b""):
        tcph = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                           5 << 4, flags, 65535, 0, 0)
        pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(tcph) + len(data))
        c = csum(pseudo + tcph + data)
        tcph = tcph[:16] + struct.pack("!H", c) + tcph[18:]
        iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcph) + len(data), 0, 0x4000, 64, 6, 0,
                          ip4(src), ip4(dst))
        iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
        self.pkts.append((t, iph + tcph + data))

    def close(self):
        self.pkts.sort(key=lambda p: p[0])
        for t, p in self.pkts:
            us = int(round(t * 1e6))
            self.f.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(p), len(p)) + p)
        self.f.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--inputs", type=int, default=20)
    ap.add_argument("--no-handshake", action="store_true")
    ap.add_argument("--secs", type=float, default=20)
    a = ap.parse_args()
    w = Writer(a.out)
    srv, sport = "127.0.0.1", 8000
    fresh = 0
    for c in range(8):
        cli, cport = f"127.9.8.{c + 1}", 40000 + c
        t = T0 + 0.001 * c
        cs, ss = 1000 + c * 100000, 5000000 + c * 100000
        if not a.no_handshake:
            w.tcp(t, cli, cport, srv, sport, cs, 0, 0x02)
            w.tcp(t + 0.0001, srv, sport, cli, cport, ss, cs + 1, 0x12)
            w.tcp(t + 0.0002, cli, cport, srv, sport, cs + 1, ss + 1, 0x10)
            t += 0.001
        cs, ss = cs + 1, ss + 1
        j = 0
        while t < T0 + a.secs:
            if a.inputs > 0:
                k = j % a.inputs
            else:
                fresh += 1
                k = fresh
            x = [round(0.1 * k, 3), round(1.0 + 0.01 * k, 3), 2.0, 3.0]
            body = json.dumps({"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32",
                                           "data": x}]}).encode()
            req = (b"POST /v2/models/fraud/infer HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n" % len(body)) + body
            out = json.dumps({"model_name": "fraud", "outputs": [{"name": "p", "shape": [1, 2],
                              "datatype": "FP32", "data": [0.25, 0.75]}]}).encode()
            resp = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                    % len(out)) + out
            w.tcp(t, cli, cport, srv, sport, cs, ss, 0x18, req)
            w.tcp(t + 0.040, srv, sport, cli, cport, ss, cs + len(req), 0x18, resp)
            w.tcp(t + 0.0401, cli, cport, srv, sport, cs + len(req), ss + len(resp), 0x10)
            cs += len(req)
            ss += len(resp)
            t += 0.045
            j += 1
    w.close()


if __name__ == "__main__":
    main()
