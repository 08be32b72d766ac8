#!/usr/bin/python3
"""Checks drift.features findings of one ig_gen capture against its manifest: at least one,
none before the shift, the first within MAX_DELAY_ROWS benign rows of it, and every finding's
estimated change time within one window (1,000 rows) of the shift (of its ramp, for a gradual
one). Prints one line; exits with the first problem.
Usage: check_drift_delay.py NAME MANIFEST FINDINGS.jsonl MAX_DELAY_ROWS
(test_drift_sequential.sh, test_drift_long.sh)"""
import json, sys
name, man, fin, max_delay = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], int(sys.argv[4])
at, rows, span = man["drift_at_us"], man["benign_rows"], man["end_us"] - man["start_us"]
rate = rows / (span / 1e6)                      # benign rows per second
found = []
for line in open(fin):
    f = json.loads(line)
    if f["finding_info"]["analytic"]["name"] == "drift.features":
        s = f["unmapped"]["scores"]
        found.append((f["time"] * 1000, s["change_time_us"]))
if not found:
    sys.exit(f"{name}: no drift.features finding")
early = [t for t, _ in found if t < at]
if early:
    sys.exit(f"{name}: {len(early)} drift.features before the shift")
delay = (found[0][0] - at) / 1e6 * rate
ramp = man["drift_ramp_rows"]
for t, c in found:
    off = (c - at) / 1e6 * rate   # rows; a gradual change may be placed anywhere in its ramp
    if off < -1000 or off > 1000 + ramp:
        sys.exit(f"{name}: change estimated {off:+.0f} rows from the shift (ramp {ramp})")
if delay > max_delay:
    sys.exit(f"{name}: first finding {delay:.0f} rows after the shift (max {max_delay})")
print(f"{name}: {len(found)} findings, first {delay:.0f} rows after the shift, "
      f"change estimated {(found[0][1] - at) / 1e6 * rate:+.0f} rows")
