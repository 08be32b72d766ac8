#!/usr/bin/python3
"""Python reference for bench_drift: what Alibi Detect's KSDrift does per window
(scipy.stats.ks_2samp per feature, mode='asymp'), plus PSI per feature on 10
reference-quantile bins (numpy). Same shape as the C bench: F features, a REF-row
reference, WIN-row windows. A feature drifts by KS when p < 0.05 / F (Bonferroni over the
features, as alibi-detect and Evidently do by default). Prints feature_samples_per_s=<x>,
the windows timed and the drift counts. Timed in CPU time of the process (time.process_time), as
the C side.

usage: drift_ref.py [F] [REF] [WIN] [WINDOWS]
"""
import sys
import time
import numpy as np
from scipy import stats

F = int(sys.argv[1]) if len(sys.argv) > 1 else 64
REF = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
WIN = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
WINDOWS = int(sys.argv[4]) if len(sys.argv) > 4 else 20

rng = np.random.default_rng(7)
ref = rng.normal(0, 1, (REF, F)).astype(np.float32)
wins = [rng.normal(0.1 * (w % 3), 1, (WIN, F)).astype(np.float32) for w in range(WINDOWS)]

# Reference preparation happens once, outside the timing (as in the C bench).
edges = [np.quantile(ref[:, f], np.arange(1, 10) / 10) for f in range(F)]
refp = [np.bincount(np.searchsorted(edges[f], ref[:, f], side='right'), minlength=10) / REF
        for f in range(F)]

t0 = time.process_time()
drifted = ks_drifted = 0
for x in wins:
    for f in range(F):
        d, p = stats.ks_2samp(ref[:, f], x[:, f], alternative='two-sided', mode='asymp')
        cp = np.bincount(np.searchsorted(edges[f], x[:, f], side='right'), minlength=10) / WIN
        r = np.where(refp[f] == 0, 1e-4, refp[f])
        c = np.where(cp == 0, 1e-4, cp)
        psi = float(np.sum((c - r) * np.log(c / r)))
        drifted += psi >= 0.1
        ks_drifted += p < 0.05 / F
dt = time.process_time() - t0
print("python features=%d ref=%d window=%d windows=%d seconds=%.4f feature_samples_per_s=%.0f drifted=%d "
      "ks_drifted=%d" % (F, REF, WIN, WINDOWS, dt, F * WIN * WINDOWS / dt, drifted, ks_drifted))
