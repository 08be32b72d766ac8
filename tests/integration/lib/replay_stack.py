#!/usr/bin/python3
"""Plays the client side of a crafted trick capture (bench/ig_tricks) into the real Linux TCP
stack on loopback and reports what a Python HTTP server there received.

A real client socket connects (the kernel does the handshake, so its own stack answers the
server and never resets the connection); its sequence numbers are read with TCP_REPAIR
(needs CAP_NET_ADMIN), then the capture's client segments after the handshake (data, and
the trick's RST/FIN/SYN/bad-checksum decoys) are rewritten onto that connection (ports,
sequence and acknowledgment numbers; a wrong checksum stays wrong) and sent through a raw
socket (CAP_NET_RAW). Unfragmented IPv4 tricks only. Only 127.0.0.1 is ever addressed.
Prints one JSON line: {"received": [request bodies as text], "port": P}.
Usage: replay_stack.py TRICK.pcap PORTFILE   (writes the server port to PORTFILE, then waits
up to 10 s for PORTFILE.go, so that a recorder can start on that port)"""
import http.server
import json
import socket
import struct
import sys
import threading
import time

TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ = 19, 20, 21
TCP_RECV_QUEUE, TCP_SEND_QUEUE = 1, 2
received = []


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        received.append(body.decode("utf-8", "replace"))
        out = json.dumps({"id": "r1", "object": "chat.completion", "model": "gpt-evasion",
                          "choices": [{"index": 0, "message": {"role": "assistant", "content": "no"},
                                       "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *a):
        pass


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if struct.unpack("<I", head[:4])[0] != 0xa1b2c3d4 or struct.unpack("<I", head[20:24])[0] != 1:
            sys.exit("replay_stack: not a little-endian Ethernet pcap")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack("<IIII", rec)[2]
            fr = f.read(incl)
            if fr[12:14] == b"\x08\x00":
                yield fr[14:]


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_ok(ip):
    hl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    seg = ip[hl:tot]
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(seg))
    return csum(pseudo + seg) == 0


def main():
    pcap, portfile = sys.argv[1], sys.argv[2]
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.handle_error = lambda *a: None   # the reset at the end is ours
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    open(portfile, "w").write(str(port))
    for _ in range(200):                  # until the recorder says it is capturing
        try:
            open(portfile + ".go").close()
            break
        except OSError:
            time.sleep(0.05)

    pkts = list(frames(pcap))
    if not pkts or any((p[6] & 0x3f) or p[7] for p in pkts):
        sys.exit("replay_stack: IPv4 unfragmented captures only")
    c = socket.create_connection(("127.0.0.1", port))
    cport = c.getsockname()[1]
    c.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    c.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE)
    snd = c.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ)
    c.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE)
    rcv = c.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ)
    c.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 0)

    # the capture's client port is the SYN's source; its ISN and the server's from the handshake
    syn = next(p for p in pkts if p[33] & 0x12 == 0x02)
    cap_cport = struct.unpack("!H", syn[20:22])[0]
    cisn = struct.unpack("!I", syn[24:28])[0]
    synack = next(p for p in pkts if p[33] & 0x12 == 0x12)
    sisn = struct.unpack("!I", synack[24:28])[0]
    end = None
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = 0
    for p in pkts:
        sport = struct.unpack("!H", p[20:22])[0]
        flags = p[33]
        if sport != cap_cport or p is syn:
            continue
        hl = 20 + (p[32] >> 4) * 4
        tot = struct.unpack("!H", p[2:4])[0]
        plen = tot - hl
        seq = struct.unpack("!I", p[24:28])[0]
        if plen == 0 and not (flags & 0x07):
            continue                      # bare ACKs: the kernel's own socket sends those
        if flags & 0x01 and plen == 0 and end is not None and seq == end:
            continue                      # the final clean FIN
        if plen:
            end = max(end or 0, seq + plen)
        q = bytearray(p[:tot])
        if q[12:16] != b"\x7f\0\0\x01" or q[16:20] != b"\x7f\0\0\x01":
            sys.exit("replay_stack: not 127.0.0.1 traffic; refusing")
        good = tcp_ok(p)
        q[20:22] = struct.pack("!H", cport)
        q[22:24] = struct.pack("!H", port)
        # the capture's client data starts at cisn + 1, the socket's at snd
        q[24:28] = struct.pack("!I", (seq - (cisn + 1) + snd) & 0xffffffff)
        ack = struct.unpack("!I", p[28:32])[0]
        q[28:32] = struct.pack("!I", (ack - (sisn + 1) + rcv) & 0xffffffff)
        q[36:38] = b"\0\0"
        pseudo = bytes(q[12:20]) + struct.pack("!BBH", 0, 6, tot - 20)
        ck = csum(pseudo + bytes(q[20:tot]))
        if not good:
            ck ^= 0x5a5a                  # the decoy keeps a wrong checksum
        q[36:38] = struct.pack("!H", ck)
        q[10:12] = b"\0\0"
        q[10:12] = struct.pack("!H", csum(bytes(q[:20])))
        raw.sendto(bytes(q), ("127.0.0.1", 0))
        sent += 1
        time.sleep(0.02)
    for _ in range(100):
        if received:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    print(json.dumps({"received": received, "port": port, "sent": sent}))
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    srv.shutdown()


if __name__ == "__main__":
    main()
