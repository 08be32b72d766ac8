#!/usr/bin/python3
"""A small multi-protocol model server on loopback for end-to-end tests: KServe v1 / TF
Serving REST (:predict with instances or inputs, :classify, :regress; model "objs" answers one object
per row, model "logits" answers logits) and Open Inference Protocol v2
(JSON, and Triton's binary tensor extension for requests and responses, every datatype;
BYTES inputs are not features; the classification extension, JSON or binary). HTTP/1.1
keep-alive; chunked, gzip and deflate request bodies are decoded (Content-Encoding); a request header
X-Test-Encode: gzip or deflate, and/or chunked, asks for the response body encoded and/or sent
chunked in several pieces. Scores are a deterministic function of the inputs.
Usage: model_server.py --portfile FILE [--port 0]"""
import argparse
import gzip
import math
import http.server
import json
import re
import struct
import zlib

import portfile

KSERVE = re.compile(r"^/v1/models/([^/:]+)(?:/versions/([^/:]+))?:(predict|classify|regress)$")
OIP = re.compile(r"^/v2/models/([^/]+)(?:/versions/([^/]+))?/infer$")
CLASSES = 3
FORMATS = {"BOOL": "?", "UINT8": "B", "UINT16": "H", "UINT32": "I", "UINT64": "Q", "INT8": "b",
           "INT16": "h", "INT32": "i", "INT64": "q", "FP16": "e", "FP32": "f", "FP64": "d"}


def scores_for(row):
    """Probabilities over CLASSES classes, distinct, summing to 1."""
    s = sum(abs(v) for v in row)
    w = [1.0 + ((s * (j + 1) * 7.31) % 1.0) + j * 1e-3 for j in range(CLASSES)]
    t = sum(w)
    return [x / t for x in w]


def kserve_rows(body):
    """Feature rows of a KServe v1 request, as the adapter documents them."""
    if "instances" in body or "examples" in body:
        inst = body.get("instances", body.get("examples"))
        if inst and isinstance(inst[0], dict):
            keys = list(inst[0])
            return [sum(([v] if not isinstance(v, list) else v for v in (i[k] for k in keys)), [])
                    for i in inst]
        return [r if isinstance(r, list) else [r] for r in inst]
    inp = body["inputs"]
    if isinstance(inp, dict):
        cols = [inp[k] for k in inp]
        n = len(cols[0])
        return [sum(([c[r]] if not isinstance(c[r], list) else c[r] for c in cols), [])
                for r in range(n)]
    return [r if isinstance(r, list) else [r] for r in inp]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="application/json", extra=None):
        enc = self.headers.get("X-Test-Encode", "")
        hdrs = dict(extra or {})
        if "gzip" in enc:
            body = gzip.compress(body)
            hdrs["Content-Encoding"] = "gzip"
        elif "deflate" in enc:
            body = zlib.compress(body)
            hdrs["Content-Encoding"] = "deflate"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in hdrs.items():
            self.send_header(k, v)
        if "chunked" in enc:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            step = max(1, len(body) // 4)
            for i in range(0, len(body), step):
                part = body[i:i + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        self.wfile.flush()

    def do_POST(self):
        if self.headers.get("Transfer-Encoding") == "chunked":
            raw = b""
            while True:
                n = int(self.rfile.readline().split(b";")[0], 16)
                raw += self.rfile.read(n)
                self.rfile.readline()
                if n == 0:
                    break
        else:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        elif self.headers.get("Content-Encoding") == "deflate":
            raw = zlib.decompress(raw)
        m = KSERVE.match(self.path)
        if m:
            return self.kserve(m, json.loads(raw))
        m = OIP.match(self.path)
        if m:
            return self.oip(m, raw)
        self.reply(404, b'{"error":"not found"}')

    def kserve(self, m, body):
        feats = kserve_rows(body)
        rows = [scores_for(r) for r in feats]
        if m.group(3) == "regress":
            out = {"results": [sum(r) / len(r) for r in feats]}
        elif m.group(1) == "objs":   # one object per row, as many TF Serving models answer
            out = {"predictions": [{"probabilities": r, "classes": r.index(max(r))} for r in rows]}
        elif m.group(1) == "logits":
            out = {"predictions": [[3 * math.log(p) for p in r] for r in rows]}
        elif m.group(3) == "classify":
            out = {"results": [[[f"class{j}", p] for j, p in enumerate(r)] for r in rows]}
        elif "inputs" in body:   # columnar request, columnar answer (TF Serving)
            out = {"outputs": rows}
        else:
            out = {"predictions": rows}
        self.reply(200, json.dumps(out).encode())

    def oip(self, m, raw):
        hlen = self.headers.get("Inference-Header-Content-Length")
        head = json.loads(raw[:int(hlen)] if hlen else raw)
        blob = raw[int(hlen):] if hlen else b""
        feats = None
        for t in head["inputs"]:
            r = t["shape"][0]
            n = 1
            for d in t["shape"]:
                n *= d
            size = t.get("parameters", {}).get("binary_data_size")
            if size is not None:
                if t["datatype"] == "BYTES":   # length-prefixed strings: not features
                    blob = blob[size:]
                    continue
                fmt = FORMATS[t["datatype"]]
                vals, blob = list(struct.unpack("<%d%s" % (n, fmt), blob[:size])), blob[size:]
            elif t["datatype"] == "BYTES":
                continue
            else:
                vals = t["data"]
            c = n // r
            part = [vals[i * c:(i + 1) * c] for i in range(r)]
            feats = part if feats is None else [a + b for a, b in zip(feats, part)]
        probs = [scores_for(r) for r in feats]
        flat = [p for r in probs for p in r]
        req_out = (head.get("outputs") or [{}])[0].get("parameters", {})
        if req_out.get("classification"):
            return self.oip_classification(m, head, probs, req_out)
        out = {"model_name": m.group(1), "model_version": m.group(2) or "1", "id": head.get("id", ""),
               "outputs": [{"name": "probs", "datatype": "FP32", "shape": [len(probs), CLASSES]}]}
        want_bin = any(o.get("parameters", {}).get("binary_data") for o in head.get("outputs", []))
        if want_bin:
            data = struct.pack("<%df" % len(flat), *flat)
            out["outputs"][0]["parameters"] = {"binary_data_size": len(data)}
            j = json.dumps(out).encode()
            self.reply(200, j + data, "application/octet-stream",
                       {"Inference-Header-Content-Length": str(len(j))})
        else:
            out["outputs"][0]["data"] = flat
            self.reply(200, json.dumps(out).encode())


    def oip_classification(self, m, head, probs, req_out):
        """Triton's classification extension: the top-c "score:index:label" strings per row
        (BYTES), in JSON or, when asked, binary (4-byte little-endian length prefixes)."""
        c = req_out["classification"]
        strs = []
        for r in probs:
            top = sorted(range(len(r)), key=lambda j: -r[j])[:c]
            strs += ["%f:%d:class%d" % (r[j], j, j) for j in top]
        out = {"model_name": m.group(1), "model_version": m.group(2) or "1",
               "outputs": [{"name": "probs", "datatype": "BYTES", "shape": [len(probs), c]}]}
        if req_out.get("binary_data"):
            data = b"".join(struct.pack("<I", len(x)) + x.encode() for x in strs)
            out["outputs"][0]["parameters"] = {"binary_data_size": len(data)}
            j = json.dumps(out).encode()
            return self.reply(200, j + data, "application/octet-stream",
                              {"Inference-Header-Content-Length": str(len(j))})
        out["outputs"][0]["data"] = strs
        self.reply(200, json.dumps(out).encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    a = ap.parse_args()
    portfile.serve(http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler), a.portfile)


if __name__ == "__main__":
    main()
