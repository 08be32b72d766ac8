#!/usr/bin/python3
"""Re-sends the HTTP inference traffic of a capture as KServe's payload logger (the agent)
would have mirrored it: one CloudEvent per request and one per response, over HTTP/1.1
keep-alive, to an `inferguard run --cloudevents` endpoint on loopback.

What it reproduces of the agent (kserve pkg/logger): binary content mode; ce-specversion
1.0, ce-id (the request's Ce-Id header, else a fresh id), ce-type
org.kubeflow.serving.inference.request|response, ce-source, ce-time (RFC 3339),
ce-inferenceservicename, ce-namespace, ce-component, ce-endpoint, ce-metadata (JSON of the
allow-listed request headers, {"Name": ["value"]}); Content-Type = the request's on both
events; bodies as the predictor read/wrote them (de-chunked, still gzip when they were);
a response only for HTTP 200. ce-time is the capture time of the request's first byte and
of the response's last byte, so detectors see the capture's clock. With --sourceip the
client's address goes in the `sourceip` extension (a logger that adds it).

Pairs go out in the order their responses completed, the order in which the packets give
events: with requests outstanding at once on several connections (a flood) the order of the
requests is not that of the events. Options shuffle a share of responses ahead of their
requests (the agent's workers race),
and send a share of events in structured mode (application/cloudevents+json).

Reads classic pcap (either byte order, µs or ns) with Ethernet, raw IP, Linux cooked or
BSD loopback link types; IPv4/IPv6 TCP, reassembled per direction (first copy wins).
Usage: ce_sender.py --port N PCAP... [--sourceip] [--swap-every K] [--structured-every K]
       [--metadata-headers A,B] [--namespace NS] [--report FILE]
Only loopback destinations are used."""
import argparse
import base64
import collections
import datetime
import http.client
import json
import struct
import sys

ALLOW = ["Authorization", "X-Api-Key", "Api-Key", "X-Forwarded-For", "X-Real-Ip",
         "X-Envoy-External-Address", "X-Forwarded-Client-Cert", "Inference-Header-Content-Length"]


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit(f"ce_sender: {path}: not a classic pcap file")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        ts = sec * 1000000 + (frac // 1000 if nano else frac)
        yield ts, link, frame


def ip_payload(link, fr):
    if link == 1:                       # Ethernet, VLAN tags skipped
        et, o = struct.unpack(">H", fr[12:14])[0], 14
        while et in (0x8100, 0x88a8, 0x9100):
            et, o = struct.unpack(">H", fr[o + 2:o + 4])[0], o + 4
        return fr[o:] if et in (0x0800, 0x86dd) else None
    if link in (101, 12, 14, 228, 229):  # raw IP
        return fr
    if link == 113:                     # Linux cooked v1
        return fr[16:]
    if link == 276:                     # Linux cooked v2
        return fr[20:]
    if link == 0:                       # BSD loopback
        return fr[4:]
    return None


def tcp_segments(path):
    for ts, link, fr in packets(path):
        ip = ip_payload(link, fr)
        if not ip:
            continue
        v = ip[0] >> 4
        if v == 4:
            ihl = (ip[0] & 15) * 4
            if ip[9] != 6:
                continue
            total = struct.unpack(">H", ip[2:4])[0]
            src, dst, tcp = ip[12:16], ip[16:20], ip[ihl:total]
        elif v == 6:
            if ip[6] != 6:
                continue            # extension headers: not in the captures we replay
            plen = struct.unpack(">H", ip[4:6])[0]
            src, dst, tcp = ip[8:24], ip[24:40], ip[40:40 + plen]
        else:
            continue
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        doff = (tcp[12] >> 4) * 4
        flags = tcp[13]
        yield ts, (src, sport), (dst, dport), seq, flags, tcp[doff:]


def ip_text(a):
    import ipaddress
    return str(ipaddress.ip_address(bytes(a)))


class Stream:
    """One direction's bytes, first copy wins, with the capture time of every byte range."""

    def __init__(self):
        self.isn = None
        self.segs = {}              # relative offset -> (payload, ts)

    def add(self, ts, seq, flags, payload):
        if flags & 0x02:            # SYN
            self.isn = (seq + 1) & 0xffffffff
            return
        if not payload:
            return
        if self.isn is None:
            self.isn = seq          # picked up mid-stream
        rel = (seq - self.isn) & 0xffffffff
        if rel not in self.segs:
            self.segs[rel] = (payload, ts)

    def assemble(self):
        buf = bytearray()
        times = []                  # (start offset, ts)
        for rel in sorted(self.segs):
            p, ts = self.segs[rel]
            if rel > len(buf):
                break               # a hole: stop at it
            new = p[len(buf) - rel:]
            if new:
                times.append((len(buf), ts))
                buf += new
        return bytes(buf), times


def time_at(times, off):
    t = times[0][1] if times else 0
    for start, ts in times:
        if start > off:
            break
        t = ts
    return t


def read_message(buf, pos, is_request):
    """One HTTP/1.x message at pos: (start_line, headers [(name, value)], body, end) or None."""
    end_h = buf.find(b"\r\n\r\n", pos)
    if end_h < 0:
        return None
    lines = buf[pos:end_h].decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            n, v = line.split(":", 1)
            headers.append((n.strip(), v.strip()))
    h = {n.lower(): v for n, v in headers}
    p = end_h + 4
    if h.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            eol = buf.find(b"\r\n", p)
            if eol < 0:
                return None
            size = int(buf[p:eol].split(b";")[0], 16)
            p = eol + 2
            if size == 0:
                eot = buf.find(b"\r\n\r\n", p - 2)
                p = eot + 4 if eot >= 0 else len(buf)
                break
            body += buf[p:p + size]
            p += size + 2
        body = bytes(body)
    else:
        n = int(h.get("content-length", "0"))
        if not is_request and "content-length" not in h and not lines[0].split()[1].startswith(("1", "204", "304")):
            n = len(buf) - p        # delimited by close
        body = buf[p:p + n]
        p += n
    return lines[0], headers, body, p


def pairs(pcaps):
    flows = collections.OrderedDict()
    for path in pcaps:
        for ts, a, b, seq, flags, payload in tcp_segments(path):
            key = (path, a, b)
            flows.setdefault(key, Stream()).add(ts, seq, flags, payload)
    seen = set()
    for (path, a, b), st in flows.items():
        if (path, b, a) not in flows or (path, a, b) in seen:
            continue
        seen.update({(path, a, b), (path, b, a)})
        d1, t1 = st.assemble()
        d2, t2 = flows[(path, b, a)].assemble()
        # The client side sends the request line.
        if d2[:5] != b"HTTP/" and d1[:5] == b"HTTP/":
            (a, d1, t1), (b, d2, t2) = (b, d2, t2), (a, d1, t1)
        if d2[:5] != b"HTTP/":
            continue
        qpos = rpos = 0
        while True:
            rq = read_message(d1, qpos, True)
            if not rq:
                break
            req_t = time_at(t1, qpos)
            qpos = rq[3]
            rs = None
            while True:
                rs = read_message(d2, rpos, False)
                if not rs:
                    break
                rpos = rs[3]
                code = int(rs[0].split()[1])
                if code >= 200:
                    break
            if not rs:
                break
            resp_t = time_at(t2, rpos - 1)
            yield {"client": ip_text(a[0]), "req_t": req_t, "resp_t": resp_t,
                   "req_line": rq[0], "req_headers": rq[1], "req_body": rq[2],
                   "status": int(rs[0].split()[1]), "resp_headers": rs[1], "resp_body": rs[2]}


def rfc3339(us):
    d = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1000000)


def model_of(path):
    for pre in ("/v2/models/", "/v1/models/"):
        if path.startswith(pre):
            rest = path[len(pre):]
            for sep in ("/", ":"):
                rest = rest.split(sep)[0]
            return rest
    return "llm"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcaps", nargs="+")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--sourceip", action="store_true", help="add the client's address as `sourceip`")
    ap.add_argument("--swap-every", type=int, default=0, help="send every K-th response before its request")
    ap.add_argument("--structured-every", type=int, default=0, help="send every K-th event in structured mode")
    ap.add_argument("--metadata-headers", default=",".join(ALLOW))
    ap.add_argument("--namespace", default="default")
    ap.add_argument("--report", help="write counts as JSON here")
    a = ap.parse_args()
    if not (a.host.startswith("127.") or a.host == "::1"):
        sys.exit("ce_sender: loopback destinations only")
    allow = {h.lower(): h for h in a.metadata_headers.split(",") if h}
    conn = http.client.HTTPConnection(a.host, a.port, timeout=30)
    sent = collections.Counter()
    items = sorted(pairs(a.pcaps), key=lambda p: (p["resp_t"], p["req_t"]))
    nevent = 0

    def post(ce, body, ctype):
        nonlocal nevent
        nevent += 1
        if a.structured_every and nevent % a.structured_every == 0:
            doc = {k[3:]: v for k, v in ce.items()}
            doc["datacontenttype"] = ctype
            try:
                if body[:2] == b"\x1f\x8b":
                    raise ValueError("binary")
                doc["data"] = json.loads(body.decode("utf-8")) if body else None
            except ValueError:
                doc["data_base64"] = base64.b64encode(body).decode()
            payload = json.dumps(doc).encode()
            headers = {"Content-Type": "application/cloudevents+json"}
            sent["structured"] += 1
        else:
            headers = dict(ce)
            headers["Content-Type"] = ctype
            payload = body
            sent["binary"] += 1
        conn.request("POST", "/", body=payload, headers=headers)
        r = conn.getresponse()
        r.read()
        sent[f"http_{r.status}"] += 1

    for i, p in enumerate(items):
        hdrs = p["req_headers"]
        h = {n.lower(): v for n, v in hdrs}
        path = p["req_line"].split()[1].split("?")[0]
        rid = h.get("ce-id") or f"{i:08x}-ce-sender"
        meta = collections.OrderedDict()
        for n, v in hdrs:
            if n.lower() in allow:
                meta.setdefault(allow[n.lower()], []).append(v)
        common = {"ce-specversion": "1.0", "ce-id": rid, "ce-source": "http://localhost:9081/",
                  "ce-inferenceservicename": model_of(path), "ce-namespace": a.namespace,
                  "ce-component": "predictor", "ce-endpoint": "default",
                  "ce-metadata": json.dumps(meta, separators=(",", ":"))}
        if a.sourceip:
            common["ce-sourceip"] = p["client"]
        ctype = h.get("content-type", "application/json")
        req = dict(common, **{"ce-type": "org.kubeflow.serving.inference.request", "ce-time": rfc3339(p["req_t"])})
        resp = dict(common, **{"ce-type": "org.kubeflow.serving.inference.response", "ce-time": rfc3339(p["resp_t"])})
        events = [(req, p["req_body"])]
        if p["status"] == 200:      # the agent logs 200 responses only
            events.append((resp, p["resp_body"]))
            sent["responses"] += 1
        else:
            sent["not_200"] += 1
        sent["requests"] += 1
        if a.swap_every and i % a.swap_every == a.swap_every - 1:
            events.reverse()
        for ce, body in events:
            post(ce, body, ctype)
    conn.close()
    out = json.dumps(dict(sent), sort_keys=True)
    if a.report:
        with open(a.report, "w") as f:
            f.write(out + "\n")
    print(out)


if __name__ == "__main__":
    main()
