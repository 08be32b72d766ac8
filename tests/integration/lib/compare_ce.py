#!/usr/bin/python3
"""Checks that the events and findings from mirrored CloudEvents equal those from the
packets of the same traffic. Events: the same multiset of (client kind, id and address,
protocol, model, status, shape, labels, inputs, scores, prompt/completion sizes, flags,
times); findings: the same list of (analytic, client, model, severity, count, time,
evidence scores) in the same order. What only the wire has (ports, the server's address,
the route of the request) is left out; the mirror carries neither.
Usage: compare_ce.py EVENTS_PCAP EVENTS_CE FINDINGS_PCAP FINDINGS_CE [--no-ip]
(--no-ip: the mirror saw the logger's address, not the proxy's, so addresses are left out.)
Exits 1 naming the first difference."""
import collections
import json
import sys


NO_IP = "--no-ip" in sys.argv


def ev_key(e):
    c = e.get("client", {})
    keep = {k: v for k, v in e.items() if k not in ("client", "server", "route", "req_bytes", "resp_bytes")}
    keep["client"] = (c.get("kind"), c.get("id"), None if NO_IP else c.get("ip"))
    return json.dumps(keep, sort_keys=True)


def strip_finding(f):
    f = json.loads(json.dumps(f))
    f.pop("dst_endpoint", None)
    for holder in [f] + f.get("evidences", []):
        for k in ("src_endpoint", "dst_endpoint"):
            if isinstance(holder.get(k), dict):
                holder[k].pop("port", None)
                if NO_IP:
                    holder[k].pop("ip", None)
        if "dst_endpoint" in holder and holder is not f:
            holder.pop("dst_endpoint")
        for k in ("src_endpoint", "dst_endpoint"):
            if holder.get(k) == {}:
                holder.pop(k)
        api = holder.get("api")
        if isinstance(api, dict):
            api.pop("operation", None)
    f.get("finding_info", {}).pop("uid", None)
    if NO_IP and "observables" in f:   # the client IP again, as an observable
        f["observables"] = [o for o in f["observables"] if o.get("name") != "evidences.src_endpoint.ip"]
    return f


def main():
    ep, ec, fp, fc = sys.argv[1:5]
    a = collections.Counter(ev_key(json.loads(l)) for l in open(ep) if l.strip())
    b = collections.Counter(ev_key(json.loads(l)) for l in open(ec) if l.strip())
    if sum(a.values()) == 0:
        sys.exit("no events from the packets: nothing compared")
    if a != b:
        only_a = list((a - b).elements())[:2]
        only_b = list((b - a).elements())[:2]
        sys.exit(f"events differ: {sum(a.values())} from packets, {sum(b.values())} mirrored;\n"
                 f"  only from packets: {only_a}\n  only mirrored: {only_b}")
    fa = [strip_finding(json.loads(l)) for l in open(fp) if l.strip()]
    fb = [strip_finding(json.loads(l)) for l in open(fc) if l.strip()]
    if len(fa) != len(fb):
        sys.exit(f"findings differ: {len(fa)} from packets, {len(fb)} mirrored:\n"
                 f"  packets: {sorted(x['finding_info']['analytic']['name'] for x in fa)}\n"
                 f"  mirror:  {sorted(x['finding_info']['analytic']['name'] for x in fb)}")
    for i, (x, y) in enumerate(zip(fa, fb)):
        if x != y:
            sys.exit(f"finding {i} differs:\n  packets: {json.dumps(x, sort_keys=True)[:1500]}\n"
                     f"  mirror:  {json.dumps(y, sort_keys=True)[:1500]}")
    names = collections.Counter(x["finding_info"]["analytic"]["name"] for x in fa)
    print(f"same {sum(a.values())} events and {len(fa)} findings ({dict(names)})")


if __name__ == "__main__":
    main()
