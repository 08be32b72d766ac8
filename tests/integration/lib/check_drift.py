#!/usr/bin/python3
"""Checks analyze's drift output for one ig_gen capture against its manifest: drift.*
findings only at or after the manifest's drift_at_us and the kind's expected analytic
among them (none at all without a shift); every window report that ends before the shift
has no verdict, every one that starts after it has the expected one; reports follow the
schema of rules/schema.md and the index links every report. Exits 1 with the first problem.
Usage: check_drift.py MANIFEST FINDINGS.jsonl REPORTS_DIR KIND"""
import glob
import json
import os
import sys

WANT = {"mean": "features", "scale": "features", "brightness": "features",
        "prior": "predictions"}
WINDOW_KEYS = {"index", "start", "end", "start_us", "end_us", "rows", "events", "partial"}
VERDICT_KEYS = {"features_drifted", "predictions_drifted", "confidence_drifted", "drift_share",
                "share_threshold", "features", "drifted_features", "scores", "drifted_scores",
                "test", "threshold"}
COLUMN_KEYS = {"name", "kind", "index", "drifted", "stat", "psi", "ks_d", "ks_p", "js",
               "wasserstein_norm", "n_ref", "n_cur"}


def check_report(path, man):
    r = json.load(open(path))
    where = os.path.basename(path)
    if r.get("schema") != "inferguard.drift.report/1":
        sys.exit(f"{where}: schema {r.get('schema')!r}")
    if r.get("model") != man["model"]:
        sys.exit(f"{where}: model {r.get('model')!r}")
    for part, keys in (("window", WINDOW_KEYS), ("verdict", VERDICT_KEYS)):
        if not keys <= set(r.get(part, {})):
            sys.exit(f"{where}: {part} lacks {sorted(keys - set(r.get(part, {})))}")
    for part in ("reference", "columns", "classes", "series", "notes"):
        if part not in r:
            sys.exit(f"{where}: no {part}")
    w, v, cols = r["window"], r["verdict"], r["columns"]
    if not (man["start_us"] <= w["start_us"] <= w["end_us"] <= man["end_us"]):
        sys.exit(f"{where}: window {w['start_us']}..{w['end_us']} outside the capture")
    if r["reference"].get("source") != "learned":
        sys.exit(f"{where}: reference {r['reference']}")
    if v["features"] != man["dim"] or v["scores"] != man["classes"]:
        sys.exit(f"{where}: {v['features']} features / {v['scores']} scores tracked")
    if len(cols) != man["dim"] + man["classes"]:
        sys.exit(f"{where}: {len(cols)} columns")
    for c in cols:
        if not COLUMN_KEYS <= set(c):
            sys.exit(f"{where}: column lacks {sorted(COLUMN_KEYS - set(c))}")
        if c["n_cur"] != w["rows"]:
            sys.exit(f"{where}: column {c['name']} n_cur {c['n_cur']} vs {w['rows']} rows")
        if c["drifted"]:
            h = c.get("histogram")
            if not h or len(h["reference"]) != 20 or len(h["current"]) != 20 or \
                    abs(sum(h["current"]) - 1) > 1e-6 or abs(sum(h["reference"]) - 1) > 1e-6:
                sys.exit(f"{where}: drifted column {c['name']} lacks a 20-bin histogram")
    stats = [c["stat"] for c in cols]
    if stats != sorted(stats, reverse=True):
        sys.exit(f"{where}: columns not sorted by stat")
    drifted = sum(1 for c in cols if c["drifted"] and c["kind"] == "feature")
    if drifted != v["drifted_features"]:
        sys.exit(f"{where}: verdict says {v['drifted_features']} drifted features, columns {drifted}")
    if len(r["classes"]["current_count"]) != man["classes"] or \
            sum(r["classes"]["current_count"]) != w["rows"]:
        sys.exit(f"{where}: class counts {r['classes']['current_count']}")
    return r


def main():
    man_path, find_path, rep_dir, kind = sys.argv[1:5]
    man = json.load(open(man_path))
    at = man["drift_at_us"]
    if (kind == "none") != (at == 0) or man.get("drift") != kind:
        sys.exit(f"manifest: drift {man.get('drift')!r} at {at} for kind {kind}")
    found = []
    for line in open(find_path):
        f = json.loads(line)
        name = f["finding_info"]["analytic"]["name"]
        if name.startswith("drift."):
            found.append((name, f["time"] * 1000))
    early = [x for x in found if x[1] < at or at == 0]
    if early:
        sys.exit(f"{kind}: drift finding(s) before any shift: {early[:3]}")
    if kind != "none" and "drift." + WANT[kind] not in {n for n, _ in found}:
        sys.exit(f"{kind}: no drift.{WANT[kind]} finding after the shift (got {found})")

    if not os.path.isfile(os.path.join(rep_dir, "index.html")):
        sys.exit("no index.html")
    index = open(os.path.join(rep_dir, "index.html")).read()
    reports = sorted(glob.glob(os.path.join(rep_dir, "*", "*.json")))
    if len(reports) < 3:
        sys.exit(f"only {len(reports)} window reports")
    before = after = 0
    for p in reports:
        html = p[:-5] + ".html"
        rel = os.path.relpath(html, rep_dir)
        if not os.path.isfile(html) or f'href="{rel}"' not in index:
            sys.exit(f"{rel}: missing, or not linked from index.html")
        r = check_report(p, man)
        w, v = r["window"], r["verdict"]
        verdict = v["features_drifted"] if WANT.get(kind) == "features" else v["predictions_drifted"]
        if at == 0 or w["end_us"] < at:
            before += 1
            if v["features_drifted"] or v["predictions_drifted"]:
                sys.exit(f"{os.path.basename(p)}: drift verdict in a window before the shift")
        elif w["start_us"] >= at:
            after += 1
            if not verdict:
                sys.exit(f"{os.path.basename(p)}: no {WANT[kind]} verdict after the shift")
            if kind == "mean":   # only the first half of the features moved
                half = (man["dim"] + 1) // 2
                bad = [c["name"] for c in r["columns"]
                       if c["kind"] == "feature" and c["drifted"] and c["index"] >= half]
                if bad:
                    sys.exit(f"{os.path.basename(p)}: unshifted features drifted: {bad}")
    if before < 1 or (kind != "none" and after < 1):
        sys.exit(f"{kind}: {before} windows before and {after} after the shift")
    print(f"{kind}: {len(found)} drift findings, all after the shift; "
          f"{len(reports)} reports ({before} before, {after} after)")


if __name__ == "__main__":
    main()
