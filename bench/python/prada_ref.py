#!/usr/bin/python3
"""PRADA reference (Juuti et al., "PRADA: Protecting against DNN Model Stealing Attacks",
EuroS&P 2019, Algorithm 1) written from the paper and detectors-brief.md D1 with numpy/scipy,
plus the synthetic query streams the C tests and bench replay.

  prada_ref.py gen --kind natural|uniform|jbda|boundary [--n N] [--dim D] [--classes C]
                   [--seed S] [--stored K] --out FILE
  prada_ref.py run FILE [--delta 0.9] [--max-growing 4096] [--bf16] [--timing [--skip N]]
      prints: first_alarm=<query index or 0> alarms=<count> tests=<count> [ns_per_query=<x>]

Stream file: b"IGPRADA1", uint32 dim, uint32 count, then per query int32 label and
float32[dim], little-endian. Labels are the model's predicted class.

Differences from the C detector that are not behaviour: distances here are float32 numpy
sums (pairwise order), the C kernels sum per lane with FMA, so distances agree to ~1e-6
relative; SciPy 1.10's shapiro is float32 (|dW| <= 1e-5). Alarms agree unless a distance sits
within that of a threshold or W within 1e-5 of delta.
"""
import argparse
import struct
import sys
import time
from collections import deque

import numpy as np
from scipy import stats

MAGIC = b"IGPRADA1"


def write_stream(path, labels, xs):
    xs = np.ascontiguousarray(xs, dtype=np.float32)
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<II", xs.shape[1], xs.shape[0]))
        rec = np.zeros(xs.shape[0], dtype=[("l", "<i4"), ("x", "<f4", (xs.shape[1],))])
        rec["l"] = labels
        rec["x"] = xs
        f.write(rec.tobytes())


def read_stream(path):
    with open(path, "rb") as f:
        head = f.read(16)
        if head[:8] != MAGIC:
            raise SystemExit("not a PRADA stream: %s" % path)
        dim, count = struct.unpack("<II", head[8:])
        rec = np.frombuffer(f.read(), dtype=[("l", "<i4"), ("x", "<f4", (dim,))], count=count)
    return rec["l"].astype(np.int64), np.array(rec["x"], dtype=np.float32)


class Prada:
    """One client's PRADA state."""

    def __init__(self, dim, delta=0.90, period=10, min_pool=100, min_class=10,
                 max_growing=4096, max_dists=5000, sigma=3.0, bf16=False):
        self.bf16 = bf16
        self.dim, self.delta, self.period = dim, delta, period
        self.min_pool, self.min_class, self.sigma = min_pool, min_class, sigma
        self.max_growing = max_growing
        self.G, self.Gn, self.DG, self.T = {}, {}, {}, {}
        self.D = deque(maxlen=max_dists)      # (class, distance), oldest dropped first
        self.queries = 0
        self.tests = 0
        self.alarms = []
        self.last_w = None

    def _store(self, x):
        """The stored copy: float32, or rounded to bfloat16 (nearest, ties to even)."""
        if not self.bf16:
            return x
        b = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
        r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) << 16
        return r.astype(np.uint32).view(np.float32)

    def _admit(self, c, x, d):
        if self.Gn[c] >= self.max_growing:
            return
        self.G[c][self.Gn[c]] = self._store(x)
        self.Gn[c] += 1
        self.DG[c].append(d)
        dg = np.asarray(self.DG[c], dtype=np.float64)
        self.T[c] = max(self.T[c], dg.mean() - dg.std())

    def query(self, c, x):
        self.queries += 1
        if c not in self.G:
            self.G[c] = np.empty((self.max_growing, self.dim), dtype=np.float32)
            self.Gn[c] = 0
            self.DG[c] = []
            self.T[c] = 0.0
            # first query of a class: stored with admission distance 0
            self.G[c][0] = self._store(x)
            self.Gn[c] = 1
            self.DG[c].append(0.0)
        else:
            g = self.G[c][: self.Gn[c]]
            diff = g - x
            d = float(np.sqrt(np.min(np.einsum("ij,ij->i", diff, diff))))
            d = float(np.float32(d))
            self.D.append((c, d))
            if d > self.T[c]:
                self._admit(c, x, d)
        if (self.queries - 1) % self.period == 0:
            self._test()

    def _test(self):
        if len(self.D) == 0:
            return
        cls = np.fromiter((c for c, _ in self.D), dtype=np.int64, count=len(self.D))
        ds = np.fromiter((d for _, d in self.D), dtype=np.float64, count=len(self.D))
        keep_cls = [c for c, n in zip(*np.unique(cls, return_counts=True)) if n >= self.min_class]
        pool = ds[np.isin(cls, keep_cls)]
        if len(pool) <= self.min_pool:
            return
        mean, sd = pool.mean(), pool.std()
        pool = pool[np.abs(pool - mean) < self.sigma * sd]
        if len(pool) <= self.min_pool:
            return
        w = float(stats.shapiro(pool).statistic)
        self.tests += 1
        self.last_w = w
        if w < self.delta:
            self.alarms.append((self.queries, w))


# ---- synthetic streams -------------------------------------------------------------------

def _centres(rng, classes, dim):
    return rng.uniform(0.2, 0.8, size=(classes, dim)).astype(np.float32)


def _label(centres, xs):
    d = ((xs[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    return d.argmin(1)


def gen(kind, n, dim, classes, seed):
    rng = np.random.default_rng(seed)
    centres = _centres(rng, classes, dim)
    if kind == "natural":
        # benign users: samples of natural, clustered data (one Gaussian cluster per class)
        lab = rng.integers(0, classes, size=n)
        xs = centres[lab] + rng.normal(0, 0.08, size=(n, dim)).astype(np.float32)
    elif kind == "uniform":
        # Tramèr-style extraction: uniformly random inputs
        xs = rng.uniform(0, 1, size=(n, dim)).astype(np.float32)
    elif kind == "jbda":
        # Papernot Jacobian-based augmentation: a few natural seeds, then each round every
        # sample spawns x + λ·sign(∂F/∂x); the model here is nearest-centre, whose gradient
        # sign for the predicted class points towards the class centre
        lab = rng.integers(0, classes, size=10)
        pts = centres[lab] + rng.normal(0, 0.08, size=(10, dim)).astype(np.float32)
        out = [pts]
        total = len(pts)
        lam = 0.1
        while total < n:
            lp = _label(centres, pts)
            other = (lp + 1 + rng.integers(0, classes - 1, size=len(pts))) % classes
            grad = np.sign(centres[other] - pts)
            new = np.clip(pts + lam * grad, 0, 1).astype(np.float32)
            out.append(new)
            total += len(new)
            pts = np.concatenate([pts, new])
            lam = -lam if (len(out) % 3 == 0) else lam
        xs = np.concatenate(out)[:n]
    elif kind == "boundary":
        # decision-based walk: one start, tiny steps along a line between two classes
        a, b = centres[0], centres[1]
        t = np.clip(0.5 + np.cumsum(rng.normal(0, 0.002, size=n)), 0, 1)
        xs = (a[None, :] * (1 - t[:, None]) + b[None, :] * t[:, None]
              + rng.normal(0, 0.001, size=(n, dim))).astype(np.float32)
    else:
        raise SystemExit("unknown kind " + kind)
    xs = xs.astype(np.float32)
    return _label(centres, xs), xs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--kind", required=True)
    g.add_argument("--n", type=int, default=2000)
    g.add_argument("--dim", type=int, default=16)
    g.add_argument("--classes", type=int, default=10)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--out", required=True)
    r = sub.add_parser("run")
    r.add_argument("file")
    r.add_argument("--delta", type=float, default=0.90)
    r.add_argument("--max-growing", type=int, default=4096)
    r.add_argument("--bf16", action="store_true", help="store G_c as bfloat16 (storage: bf16)")
    r.add_argument("--timing", action="store_true")
    r.add_argument("--skip", type=int, default=0, help="time only queries after the first SKIP")
    r.add_argument("--trace", action="store_true", help="print W at every test")
    a = ap.parse_args()
    if a.cmd == "gen":
        labels, xs = gen(a.kind, a.n, a.dim, a.classes, a.seed)
        write_stream(a.out, labels, xs)
        return
    labels, xs = read_stream(a.file)
    p = Prada(xs.shape[1], delta=a.delta, max_growing=a.max_growing, bf16=a.bf16)
    t0 = time.thread_time()
    for i, (c, x) in enumerate(zip(labels.tolist(), xs)):
        if i == a.skip:
            t0 = time.thread_time()
        p.query(c, x)
    dt = time.thread_time() - t0
    first = p.alarms[0][0] if p.alarms else 0
    out = "first_alarm=%d alarms=%d tests=%d last_w=%s" % (
        first, len(p.alarms), p.tests, "%.6f" % p.last_w if p.last_w is not None else "none")
    if a.timing:
        out += " ns_per_query=%.0f" % (dt * 1e9 / max(1, len(labels) - min(a.skip, len(labels))))
    print(out)
    if a.trace:
        for q, w in p.alarms:
            print("alarm", q, "%.6f" % w)


if __name__ == "__main__":
    sys.exit(main())
