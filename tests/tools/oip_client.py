#!/usr/bin/python3
"""Sends Open Inference Protocol v2 requests over real HTTP keep-alive connections to a
loopback server and records what was sent and received (JSON lines), for comparison
with the events inferguard reports. Usage:
    oip_client.py --port P --requests N --dim D --out FILE [--model NAME] [--conns C]
                  [--source 127.0.0.1] [--seed S]
"""
import argparse
import http.client
import json
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--dim", type=int, default=8)
    ap.add_argument("--rows", type=int, default=1)
    ap.add_argument("--model", default="iris")
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--source", default="127.0.0.1")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    conns = [http.client.HTTPConnection("127.0.0.1", a.port, timeout=10,
                                        source_address=(a.source, 0)) for _ in range(a.conns)]
    with open(a.out, "w") as out:
        for i in range(a.requests):
            # float32-exact values (multiples of 1/64) so text and float agree bit for bit
            data = [rnd.randint(-256, 256) / 64.0 for _ in range(a.rows * a.dim)]
            body = {"id": str(i), "inputs": [{"name": "x", "shape": [a.rows, a.dim],
                                              "datatype": "FP32", "data": data}]}
            c = conns[i % a.conns]
            c.request("POST", f"/v2/models/{a.model}/infer", json.dumps(body),
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            resp = json.loads(r.read())
            out.write(json.dumps({"inputs": data, "status": r.status,
                                  "outputs": resp["outputs"][0]["data"]}) + "\n")
    for c in conns:
        c.close()


if __name__ == "__main__":
    main()
