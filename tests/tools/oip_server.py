#!/usr/bin/python3
"""A small Open Inference Protocol v2 model server for tests (loopback only).

POST /v2/models/<name>/infer with FP32 inputs [rows, d] answers with class probabilities
from a fixed nearest-centroid classifier (softmax of negative squared distances), so tests
can check the events inferguard builds value by value. Usage:
    oip_server.py --port 0 --portfile FILE [--classes 3]
The chosen port is written to FILE once the server listens.
"""
import argparse
import json
import math
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import portfile


def centroids(k, d):
    return [[float((c + 1) * ((j % 3) - 1)) for j in range(d)] for c in range(k)]


def predict(rows, k):
    out = []
    for x in rows:
        cs = centroids(k, len(x))
        logits = [-sum((a - b) ** 2 for a, b in zip(x, c)) for c in cs]
        m = max(logits)
        e = [math.exp(v - m) for v in logits]
        s = sum(e)
        out.append([v / s for v in e])
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, like real model servers
    classes = 3

    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(200, {"ready": True})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(n) or b"{}")
        parts = self.path.split("/")
        if len(parts) < 5 or parts[1] != "v2" or parts[2] != "models" or parts[-1] != "infer":
            self.reply(404, {"error": "not found"})
            return
        name = parts[3]
        inp = req["inputs"][0]
        rows, d = inp["shape"][0], inp["shape"][1]
        flat = inp["data"]
        data = [flat[r * d:(r + 1) * d] for r in range(rows)]
        probs = predict(data, self.classes)
        self.reply(200, {
            "model_name": name, "model_version": "1", "id": req.get("id", ""),
            "outputs": [{"name": "probabilities", "shape": [rows, self.classes],
                         "datatype": "FP32", "data": [v for row in probs for v in row]}],
        })


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--classes", type=int, default=3)
    a = ap.parse_args()
    Handler.classes = a.classes
    portfile.serve(ThreadingHTTPServer(("127.0.0.1", a.port), Handler), a.portfile)


if __name__ == "__main__":
    main()
