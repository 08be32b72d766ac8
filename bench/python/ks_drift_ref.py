#!/usr/bin/python3
"""Per-feature Kolmogorov-Smirnov drift, the way a data scientist would run it with scipy.

Reference: the first --ref rows of the stream. Then every non-overlapping window of
--window rows is compared with the reference, feature by feature, with the two-sample KS
test (scipy.stats.ks_2samp, exact/asymptotic as scipy chooses). A feature drifts in a
window when its p-value is below alpha / d (Bonferroni over the d features, as Evidently
and alibi-detect do by default for multivariate KS); a window drifts when any feature does.

  ks_drift_ref.py --stream FILE --dim D [--ref N] [--window W] [--alpha A]
      FILE holds float32 rows, row-major, little-endian (d values per row)
  ks_drift_ref.py --synthetic ROWS --dim D [...] [--write FILE]
      generates N(0.5, 0.1) rows with a +0.25 mean shift on features 0..3 after ROWS/2
      (the demo scenario's drift); --write also saves the stream for the C side

Prints one line per window: "window=<i> rows=<a>..<b> drifted=<0|1> features=<i,j,...>
max_stat=<D>", then "summary windows=<n> drifted=<n> first_drift_window=<i|-1>
ns_per_event=<t>" where the time covers the KS tests only (not reading the file).
"""
import argparse
import sys
import time

import numpy as np
from scipy import stats


def load(args):
    if args.stream:
        x = np.fromfile(args.stream, dtype="<f4")
        if x.size % args.dim:
            sys.exit("ks_drift_ref: %s holds %d floats, not a multiple of d=%d"
                     % (args.stream, x.size, args.dim))
        return x.reshape(-1, args.dim)
    rng = np.random.default_rng(args.seed)
    x = rng.normal(0.5, 0.1, size=(args.synthetic, args.dim)).astype(np.float32)
    x[args.synthetic // 2:, :min(4, args.dim)] += 0.25
    if args.write:
        x.astype("<f4").tofile(args.write)
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--stream")
    src.add_argument("--synthetic", type=int)
    ap.add_argument("--dim", type=int, required=True)
    ap.add_argument("--ref", type=int, default=1000)
    ap.add_argument("--window", type=int, default=500)
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--write")
    ap.add_argument("--quiet", action="store_true", help="summary line only")
    args = ap.parse_args()
    if args.dim < 1 or args.ref < 2 or args.window < 2:
        sys.exit("ks_drift_ref: --dim >= 1, --ref >= 2 and --window >= 2")

    x = load(args)
    if x.shape[0] < args.ref + args.window:
        sys.exit("ks_drift_ref: need at least ref + window = %d rows, have %d"
                 % (args.ref + args.window, x.shape[0]))
    ref = x[:args.ref]
    thr = args.alpha / args.dim
    nwin = (x.shape[0] - args.ref) // args.window
    drifted, first = 0, -1
    lines = []
    t0 = time.perf_counter()
    for w in range(nwin):
        a = args.ref + w * args.window
        cur = x[a:a + args.window]
        feats, dmax = [], 0.0
        for f in range(args.dim):
            r = stats.ks_2samp(ref[:, f], cur[:, f])
            dmax = max(dmax, r.statistic)
            if r.pvalue < thr:
                feats.append(f)
        if feats:
            drifted += 1
            if first < 0:
                first = w
        lines.append("window=%d rows=%d..%d drifted=%d features=%s max_stat=%.6f"
                     % (w, a, a + args.window - 1, 1 if feats else 0,
                        ",".join(map(str, feats)) or "-", dmax))
    dt = time.perf_counter() - t0
    if not args.quiet:
        print("\n".join(lines))
    events = nwin * args.window
    print("summary windows=%d drifted=%d first_drift_window=%d ns_per_event=%.0f"
          % (nwin, drifted, first, dt * 1e9 / max(events, 1)))


if __name__ == "__main__":
    main()
