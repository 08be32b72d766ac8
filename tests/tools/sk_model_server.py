#!/usr/bin/python3
"""A real scikit-learn classifier served over Open Inference Protocol v2 (loopback only).

At start it trains a small MLP on scikit-learn's bundled wine table (178 rows, 13
features, 3 cultivars) and answers POST /v2/models/wine/infer with full-precision class
probabilities. The serving contract is standardised features: a client sends z-scores
(the training scaler's mean and scale, as a feature store would supply them); the scaler
is published in the --meta file so that test clients can draw from the data distribution.
Usage:
    sk_model_server.py --portfile FILE [--meta FILE] [--port 0] [--seed 0]
The chosen port is written to FILE once the server listens.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from sklearn.datasets import load_wine
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

MODEL = "wine"


def train(seed):
    X, y = load_wine(return_X_y=True)
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    clf = MLPClassifier(hidden_layer_sizes=(32,), alpha=1e-3, max_iter=2000, random_state=seed)
    clf.fit(Z, y)
    return clf, Z, y, clf.score(Z, y)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, like real model servers
    clf = None
    dim = 13
    lock = threading.Lock()

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
        self.reply(200, {"name": MODEL, "ready": True})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            req = json.loads(self.rfile.read(n) or b"{}")
        except ValueError:
            self.reply(400, {"error": "bad JSON"})
            return
        if self.path != f"/v2/models/{MODEL}/infer":
            self.reply(404, {"error": "unknown model or route"})
            return
        try:
            inp = req["inputs"][0]
            rows, d = int(inp["shape"][0]), int(inp["shape"][1])
            x = np.asarray(inp["data"], dtype=np.float32).reshape(rows, d)
            if d != self.dim:
                raise ValueError(f"expected {self.dim} features")
        except (KeyError, IndexError, TypeError, ValueError) as e:
            self.reply(400, {"error": str(e)})
            return
        with self.lock:
            p = self.clf.predict_proba(x.astype(np.float64)).astype(np.float32)
        self.reply(200, {
            "model_name": MODEL, "model_version": "1", "id": req.get("id", ""),
            "outputs": [{"name": "probabilities", "shape": [rows, p.shape[1]],
                         "datatype": "FP32", "data": [float(v) for v in p.ravel()]}],
        })


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--meta", help="write the training table (z-scores) and labels here")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    clf, Z, y, acc = train(a.seed)
    Handler.clf, Handler.dim = clf, Z.shape[1]
    if a.meta:
        with open(a.meta, "w") as f:
            json.dump({"model": MODEL, "X": Z.tolist(), "y": y.tolist(),
                       "train_accuracy": acc}, f)
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    with open(a.portfile, "w") as f:
        f.write(str(srv.server_address[1]))
    srv.serve_forever()


if __name__ == "__main__":
    main()
