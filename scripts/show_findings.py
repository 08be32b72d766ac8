#!/usr/bin/python3
"""Prints OCSF findings (JSON lines) as a table a person can read: time, severity,
analytic, client, model, title, ATLAS techniques. Usage: show_findings.py FILE"""
import json
import sys
import time

SEV = {0: "unknown", 1: "info", 2: "low", 3: "medium", 4: "high", 5: "critical", 6: "fatal"}


def atlas(fi):
    ids = []
    for a in fi.get("attacks", []):   # one entry per tactic: list each technique once
        t = a.get("sub_technique") or a.get("technique") or {}
        if t.get("uid", "?") not in ids:
            ids.append(t.get("uid", "?"))
    return ",".join(ids) or "-"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: show_findings.py FILE")
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            fi = d.get("finding_info", {})
            res = (d.get("resources") or [{}])[0]
            rows.append((
                time.strftime("%H:%M:%S", time.gmtime(d.get("time", 0) / 1000)),
                SEV.get(d.get("severity_id"), "?"),
                fi.get("analytic", {}).get("name", "?"),
                d.get("actor", {}).get("user", {}).get("uid") or "(model)",
                res.get("name", "-"),
                str(d.get("count", 1)),
                atlas(fi),
                fi.get("title", ""),
            ))
    if not rows:
        print("  (no findings)")
        return
    head = ("time", "severity", "analytic", "client", "model", "count", "ATLAS", "title")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


if __name__ == "__main__":
    main()
