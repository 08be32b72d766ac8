#!/usr/bin/python3
"""Checks inferguard's --events output against what oip_client.py sent and received:
same count and order, every input value and score bit-identical as float32, predicted
label = argmax of the scores, model, status, shape and client address. Exits 1 with the
first difference. Usage: compare_events.py SENT.jsonl EVENTS.jsonl MODEL ROWS DIM CLIENT_IP"""
import json
import struct
import sys


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def main():
    sent_path, ev_path, model, rows, dim, client_ip = sys.argv[1:7]
    rows, dim = int(rows), int(dim)
    sent = [json.loads(l) for l in open(sent_path) if l.strip()]
    events = [json.loads(l) for l in open(ev_path) if l.strip()]
    if len(events) != len(sent):
        sys.exit(f"expected {len(sent)} events, got {len(events)}")
    for i, (s, e) in enumerate(zip(sent, events)):
        where = f"event {i}"
        checks = [
            (e.get("model") == model, f"model {e.get('model')!r}"),
            (e.get("status") == s["status"], f"status {e.get('status')}"),
            (e.get("protocol") == "oip_v2", f"protocol {e.get('protocol')}"),
            (e.get("rows") == rows and e.get("features") == dim, f"shape {e.get('rows')}x{e.get('features')}"),
            (e.get("client", {}).get("ip") == client_ip, f"client {e.get('client')}"),
        ]
        for ok, what in checks:
            if not ok:
                sys.exit(f"{where}: {what}")
        got_in = [v for row in e["inputs"] for v in row]
        if [f32(v) for v in got_in] != [f32(v) for v in s["inputs"]]:
            sys.exit(f"{where}: inputs differ: {got_in[:8]} vs {s['inputs'][:8]}")
        got_sc = [v for row in e["scores"] for v in row]
        if [f32(v) for v in got_sc] != [f32(v) for v in s["outputs"]]:
            sys.exit(f"{where}: scores differ: {got_sc[:6]} vs {s['outputs'][:6]}")
        k = len(s["outputs"]) // rows
        want = [max(range(k), key=lambda j: f32(s["outputs"][r * k + j])) for r in range(rows)]
        if e.get("labels") != want:
            sys.exit(f"{where}: labels {e.get('labels')} vs {want}")
    print(f"{len(events)} events match what was sent")


if __name__ == "__main__":
    main()
