#!/usr/bin/python3
"""Compares inferguard's --events output with the events protocols_client.py says each
exchange must produce: same count, and in time order every expected key equal — tensors
(inputs, scores) float32 bit for bit, labels, shapes, model and version, protocol, route,
status, texts, token counts, streamed, body sizes (only when not chunked),
"logits" and "error" (the flags); a null "labels", "inputs" or "scores" means the event has none. Events must not be malformed.
Exits 1 with every difference of the first bad event. Usage: check_protocol_events.py
EXPECTED.jsonl EVENTS.jsonl CLIENT_IP"""
import json
import struct
import sys


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def flat(m):
    return [f32(v) for row in m for v in row]


def diff(exp, ev, client_ip):
    bad = []
    if "malformed" in ev.get("flags", []):
        bad.append(f"malformed: {ev.get('malformed')}")
    if ev.get("client", {}).get("ip") != client_ip:
        bad.append(f"client {ev.get('client')}")
    for k, want in exp.items():
        got = ev.get(k)
        if k in ("inputs", "scores") and want is None:
            ok = k not in ev
        elif k in ("inputs", "scores"):
            ok = got is not None and len(got) == len(want) and flat(got) == flat(want)
        elif k == "labels" and want is None:
            ok = "labels" not in ev
        elif k in ("req_bytes", "resp_bytes") and want is None:
            ok = True
        elif k in ("logits", "error"):
            got = k in ev.get("flags", [])
            ok = got == want
        else:
            ok = got == want
        if not ok:
            g, w = json.dumps(got), json.dumps(want)
            bad.append(f"{k}: got {g[:160]} want {w[:160]}")
    return bad


def main():
    exp_path, ev_path, client_ip = sys.argv[1:4]
    exp = [json.loads(l) for l in open(exp_path) if l.strip()]
    evs = sorted((json.loads(l) for l in open(ev_path) if l.strip()), key=lambda e: e["time"])
    if len(evs) != len(exp):
        sys.exit(f"expected {len(exp)} events, got {len(evs)}: "
                 f"{[(e['protocol'], e['route']) for e in evs][:40]}")
    seen = set()
    for i, (x, e) in enumerate(zip(exp, evs)):
        bad = diff(x, e, client_ip)
        if bad:
            sys.exit(f"event {i} ({x['protocol']} {x['route']}):\n  " + "\n  ".join(bad))
        seen.add(x["protocol"])
    print(f"{len(evs)} events match exactly ({', '.join(sorted(seen))})")


if __name__ == "__main__":
    main()
