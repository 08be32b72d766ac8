#!/usr/bin/python3
"""Query streams of evasion attacks and hard benign clients against a real scikit-learn model,
written for tests/tools/adv_replay (no servers, no capture: many data sets and seeds fast).

The model is the one tests/tools/sk_model_server.py serves (MLP by default, --model as its
--model: logreg, forest, gboost, svc; z-scored or raw units, train / benign / attack splits). Attackers own the attack split, benign clients the held-out
split. The attacks follow their published code paths, not our detectors:
  hsj_art     HopSkipJump (Chen et al. 2020) as ART's HopSkipJump runs it untargeted, L2:
              one query of x, uniform random init until misclassified, binary search to
              threshold 0.001, then per iteration a batch of 100*sqrt(i+1) probes at delta
              around the boundary point (sent 64 rows per request), a geometric step search
              and a binary search to theta = 0.01/sqrt(d)
  hsj_lab     the bench's HopSkipJump-style client (tests/tools/attack_clients.py boundary)
  simba_ref   SimBA (Guo et al. 2019) as the authors' simba_single: a random permutation of
              coordinates, x - eps*e_i, and x + eps*e_i when the first did not lower p_true
  simba_lab   the bench's SimBA client (attack_clients.py simba)
  simba_batch the authors' simba_batch: 8 targets attacked at once, one row each per request
  zoo         ZOO (Chen et al. 2017) coordinate-wise symmetric differences, 16 coordinates
              x +- h*e_i per request (h = 1e-4 of the feature's spread), Adam step
  hsj_rot, simba_rot  hsj_lab and simba_lab with a fresh API key on every request from one
              source (identity rotation: caught on the principal group's stream)
  nes         NES (Ilyas et al. 2018) as attack_clients.py runs it: 50 antithetic Gaussian
              samples x +- sigma*u per request around a centre it never sends, a sign step
              between requests (mark: its rows up to its first step)
  square, bnd_walk, bnd_start  attack_clients.py's functions (the live efficacy table's roles):
  square      Square Attack (Andriushchenko et al. 2020), L-inf, as the authors' square_attack_linf:
              the target, vertical stripes of +-eps, then a window of the row set to one sign,
              kept when the logits' margin drops (a digits row is its 8 x 8 image, any other a
              1 x d strip; eps 0.3 of each feature's spread, p_init 0.1)
  bnd_walk    the Boundary Attack (Brendel et al. 2018) as foolbox 3 runs it by default: its
              blended-uniform-noise start (the original, uniform draws until misclassified,
              blends (1 - e) x0 + e r, e = 0, 0.02, ...), then orthogonal and source steps of
              1 % of the distance, step sizes adapted from success rates (mark: its start)
  bnd_start   bnd_walk from foolbox's starting_points (a record answered as another class):
              the walk alone (mark: its rows before the walk)
  hsj_dist, simba_dist, simba_noise_dist  hsj_lab, simba_lab and simba_noise with every
              request from the next of 64 source addresses (a proxy pool or botnet: no
              client sees more than a few rows; caught on the model's view across clients)
Benign patterns (each must raise nothing): records, oneclass, resend, retry, busy, frames
(a record drifting plus sensor noise), frames_edge (the same, started on a record the model
is least sure about), noisy, whatif (one feature swept over 8 values), whatif_multi (three
sliders moved in turn), sensor_rr (channels updated one at a time, round robin), ramp (a
slow linear trend plus noise), sensor_q (readings at a fixed resolution, flickering by a
step), settle (readings settling on a new set point, half the remaining way per tick: steps
halve but never turn back), whatif_bisect (a user bisecting one feature to find where the
decision changes), popular (many ordinary users of one model, each request from one of 40
addresses: the same demo record again and again, the demo record with one field edited to
another record's value, a few popular records (a shared cache miss), the demo record
re-typed with rounding or tiny noise, and ordinary records); behind a device's uneven noise
(each channel's sd log-uniform 0.5-3 % of its spread): flicker_noise (an ambiguous scene
whose channels dither by one step on either side of their value), probe_noise and
probe_all_noise (live records probed +- d along 12 features, or all of them), whatif_steps_noise
(a what-if tool on live readings, one feature at -2, -1, +1, +2 of its increment) and
sensor_lsb (each channel at its own resolution, flickering by one step); whatif_probe (a
what-if scenario of a record, one field set to a typed value, then the other fields moved
up and down by a small delta, all behind an instrument's uneven noise).
Roles ending in _dist and popular send from a pool of addresses (adv_replay's rotate field).
--crowd N adds N busy ordinary clients of tests/tools/benign_roles.py (mulnoise, rounded,
imputed, drift, nightly, backoff, canary, tta in turn, named crowd_ROLE), 10 rows a request
and a request per turn as long as the attacks over pools of addresses last: the volume of
a busy model, in which the model's view across clients must still find an attack spread over many
addresses (and raise nothing on these clients).
--upsample K (digits only): every image scaled up K times (bilinear, scipy.ndimage.zoom),
8K x 8K pixels, so the same attacks and patterns run on wide rows (K = 4: 1,024 features).
Usage: evasion_streams.py --dataset NAME [--raw] --seed S --out FILE [--list FILE] [--decimals N]
                          [--upsample K] [--model mlp|logreg|forest|gboost|svc] [--only ROLE,...]
--only ROLE,... sends only those roles (each keeps the stream a full run writes).
--list writes "client role mark" lines (mark: rows an attack sent before its first
structured phase: HopSkipJump's uniform random start, SimBA's rows up to its first kept
step, all of them when it never keeps one; 0 otherwise).
"""
import argparse
import os
import struct
import sys
import types

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "tools"))
import attack_clients  # noqa: E402  (the bench's attack clients: one HopSkipJump, one SimBA)
import sk_model_server  # noqa: E402  (the served models' kinds: --model)
import benign_roles  # noqa: E402  (more ordinary clients: the --crowd)

LOADERS = {"wine": datasets.load_wine, "breast_cancer": datasets.load_breast_cancer,
           "digits": datasets.load_digits, "iris": datasets.load_iris}
ATTACKS = ["hsj_art", "hsj_lab", "simba_ref", "simba_lab", "simba_batch", "zoo", "hsj_rot",
           "simba_rot", "hsj_noise", "hsj_noise3", "hsj_round", "hsj_art_noise", "simba_noise",
           "simba_round", "hsj_dist", "simba_dist", "simba_noise_dist", "nes", "square", "bnd_walk", "bnd_start", "simba_art", "bandits", "sign_opt"]
BENIGN = ["records", "oneclass", "resend", "retry", "busy", "frames", "frames_edge", "noisy",
          "whatif", "whatif_multi", "sensor_rr", "ramp", "sensor_q", "settle", "whatif_bisect",
          "popular", "sensitivity", "tornado", "local_probe", "flicker_noise", "probe_noise",
          "probe_all_noise", "whatif_steps_noise", "sensor_lsb", "whatif_probe"]
CROWD = ["mulnoise", "rounded", "imputed", "drift", "nightly", "backoff", "canary", "tta"]
AFTER_CROWD = ["flicker_noise", "probe_noise", "probe_all_noise", "whatif_steps_noise", "sensor_lsb",
               "whatif_probe", "simba_art", "bandits", "sign_opt"]
POOL = {"hsj_dist": 64, "simba_dist": 64, "simba_noise_dist": 64, "popular": 40}


class Oracle:
    """The model behind the API; records every request as adv_replay reads it."""

    decimals = None   # --decimals: every client prints its numbers with this many decimals
    kept_at = None    # SimBA: rows sent up to its first kept step (its centre moves)

    def __init__(self, clf, out, client, rotate=0):
        self.clf, self.out, self.client, self.queries = clf, out, client, 0
        self.rotate = int(rotate)   # 1: a fresh API key per request; N >= 2: a pool of N addresses
        self.mark = 0     # rows sent before the attack's first structured phase (hsj_art)

    def proba(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if self.decimals is not None:
            X = np.round(X, self.decimals)
        X = X.astype(np.float32)
        p = self.clf.predict_proba(X.astype(np.float64)).astype(np.float32)
        lab = p.argmax(axis=1).astype(np.int32)
        self.out.append(struct.pack("<5I", self.client, self.rotate, len(X), X.shape[1], p.shape[1]) +
                        X.astype("<f4").tobytes() + p.astype("<f4").tobytes() +
                        lab.astype("<i4").tobytes())
        self.queries += len(X)
        return p.astype(np.float64)

    def label(self, X):
        return self.proba(X).argmax(axis=1)


def spread(T):
    s = T.std(axis=0)
    return np.where(s > 0, s, 1.0)


# ---- attacks ----

def hsj_art(o, T, y, rng, n):
    lo, hi = T.min(axis=0), T.max(axis=0)
    d = T.shape[1]
    theta = 0.01 / np.sqrt(d)
    while o.queries < n:
        x0 = T[rng.integers(len(T))].astype(np.float64)
        c0 = o.label(x0)[0]

        def adv(X):
            return o.label(X) != c0

        def bsearch(cur, thr):
            ub, lb = 1.0, 0.0
            while ub - lb > thr and o.queries < n:
                a = (ub + lb) / 2
                if adv((1 - a) * x0 + a * cur)[0]:
                    ub = a
                else:
                    lb = a
            return (1 - ub) * x0 + ub * cur

        init = None
        for _ in range(100):
            r = rng.uniform(lo, hi)
            if adv(r)[0]:
                init = r
                break
        if init is None:
            continue
        if not o.mark:
            o.mark = o.queries   # the uniform draws end here: the binary search starts
        cur = bsearch(init, 0.001)
        for it in range(50):
            if o.queries >= n:
                break
            dist = np.linalg.norm(x0 - cur)
            delta = 0.1 * (hi - lo) if it == 0 else np.sqrt(d) * theta * dist
            ne = min(int(100 * np.sqrt(it + 1)), 10000)
            U = rng.normal(size=(ne, d))
            U /= np.linalg.norm(U, axis=1, keepdims=True)
            E = np.clip(cur + delta * U, lo, hi)
            U = np.divide(E - cur, delta, out=np.zeros_like(E), where=np.broadcast_to(delta, E.shape) > 0)
            sat = np.concatenate([adv(E[k:k + 64]) for k in range(0, ne, 64)])
            f = 2.0 * sat - 1.0
            g = U.mean(axis=0) * f.mean() if abs(f.mean()) == 1 else ((f - f.mean())[:, None] * U).mean(axis=0)
            if not np.any(g):
                break
            g /= np.linalg.norm(g)
            eps = 2 * dist / np.sqrt(it + 1)
            pot = None
            while o.queries < n:
                eps /= 2
                pot = np.clip(cur + eps * g, lo, hi)
                if adv(pot)[0] or eps < 1e-9:
                    break
            if pot is None:
                break
            cur = bsearch(pot, theta)


def hsj_lab(o, T, y, rng, n):
    """attack_clients.py's HopSkipJump-style client (one implementation for both harnesses)."""
    attack_clients.boundary(o, T, y, rng, types.SimpleNamespace(queries=n))


def simba_ref(o, T, y, rng, n, eps=0.2):
    lo, hi = T.min(axis=0), T.max(axis=0)
    S = hi - lo          # the authors work on [0,1] inputs: eps of each feature's range
    d = T.shape[1]
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64)
        p = o.proba(x)[0]
        c = p.argmax()
        last = p[c]
        perm = rng.permutation(d)
        for i in range(4 * d):
            if o.queries >= n:
                break
            diff = np.zeros(d)
            diff[perm[i % d]] = eps * S[perm[i % d]]
            left = np.clip(x - diff, lo, hi)
            pl = o.proba(left)[0]
            if pl[c] < last:
                x, last, p = left, pl[c], pl
                o.kept_at = o.kept_at or o.queries
            else:
                right = np.clip(x + diff, lo, hi)
                pr = o.proba(right)[0]
                if pr[c] < last:
                    x, last, p = right, pr[c], pr
                    o.kept_at = o.kept_at or o.queries
            if p.argmax() != c:
                break


def hsj_rot(o, T, y, rng, n):
    """The bench's HopSkipJump with a fresh API key on every request (one source)."""
    hsj_lab(o, T, y, rng, n)


def simba_rot(o, T, y, rng, n):
    """The bench's SimBA with a fresh API key on every request (one source)."""
    simba_lab(o, T, y, rng, n)


def simba_lab(o, T, y, rng, n):
    """attack_clients.py's SimBA client."""
    attack_clients.simba(o, T, y, rng, types.SimpleNamespace(queries=n))


def _evasive(fn, noise=0.0, decimals=None):
    """fn behind attack_clients.Evasive: noise on every query and/or rounded numbers."""
    def run(o, T, y, rng, n):
        e = attack_clients.Evasive(o, spread(T), noise, decimals, int(rng.integers(1 << 30)))
        fn(e, T, y, rng, n)
        o.mark = getattr(e, "mark", 0)
        o.kept_at = getattr(e, "kept_at", None)
    return run


def hsj_noise(o, T, y, rng, n):
    """hsj_lab with 1 % of each feature's spread of Gaussian noise on every query"""
    _evasive(hsj_lab, noise=0.01)(o, T, y, rng, n)


def hsj_noise3(o, T, y, rng, n):
    """hsj_lab with 3 % noise"""
    _evasive(hsj_lab, noise=0.03)(o, T, y, rng, n)


def hsj_round(o, T, y, rng, n):
    """hsj_lab with every number rounded to 2 decimals"""
    _evasive(hsj_lab, decimals=2)(o, T, y, rng, n)


def hsj_art_noise(o, T, y, rng, n):
    """ART's HopSkipJump with 1 % noise on every query"""
    e = attack_clients.Evasive(o, spread(T), 0.01, None, int(rng.integers(1 << 30)))
    e.mark = 0
    hsj_art(e, T, y, rng, n)
    o.mark = e.mark


def simba_noise(o, T, y, rng, n):
    """simba_lab with 1 % noise on every query"""
    _evasive(simba_lab, noise=0.01)(o, T, y, rng, n)


def simba_round(o, T, y, rng, n):
    """simba_lab with every number rounded to 2 decimals"""
    _evasive(simba_lab, decimals=2)(o, T, y, rng, n)


def hsj_dist(o, T, y, rng, n):
    """hsj_lab from a pool of 64 addresses, one request each in turn"""
    hsj_lab(o, T, y, rng, n)


def simba_dist(o, T, y, rng, n):
    """simba_lab from a pool of 64 addresses"""
    simba_lab(o, T, y, rng, n)


def simba_noise_dist(o, T, y, rng, n):
    """simba_noise from a pool of 64 addresses"""
    simba_noise(o, T, y, rng, n)


def simba_batch(o, T, y, rng, n, B=8, eps=0.2):
    lo, hi = T.min(axis=0), T.max(axis=0)
    S = hi - lo
    d = T.shape[1]
    while o.queries < n:
        X = T[rng.choice(len(T), B, replace=False)].astype(np.float64)
        P = o.proba(X)
        C = P.argmax(axis=1)
        last = P[np.arange(B), C]
        perms = np.array([rng.permutation(d) for _ in range(B)])
        for i in range(2 * d):
            if o.queries >= n:
                break
            diff = np.zeros((B, d))
            diff[np.arange(B), perms[:, i % d]] = eps * S[perms[:, i % d]]
            L = np.clip(X - diff, lo, hi)
            pl = o.proba(L)[np.arange(B), C]
            ok = pl < last
            X[ok], last[ok] = L[ok], pl[ok]
            if o.queries >= n:
                break
            R = np.clip(X + diff, lo, hi)
            pr = o.proba(R)[np.arange(B), C]
            ok2 = ~ok & (pr < last)
            X[ok2], last[ok2] = R[ok2], pr[ok2]


def nes(o, T, y, rng, n):
    """attack_clients.py's NES client."""
    o.mark = 0
    attack_clients.nes(o, T, y, rng, types.SimpleNamespace(queries=n))
    o.mark = o.mark or o.queries   # never stepped (saturated answers): all of its rows


def zoo(o, T, y, rng, n, per=16):
    S = spread(T)
    d = T.shape[1]
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64)
        c = o.proba(x)[0].argmax()
        m, v = np.zeros(d), np.zeros(d)
        for it in range(200):
            if o.queries >= n:
                break
            idx = rng.choice(d, min(per, d), replace=False)
            h = 1e-4 * S[idx]
            # the authors' layout: the point itself, then x + h e_i, x - h e_i per coordinate
            E = np.repeat(x[None], 2 * len(idx) + 1, axis=0)
            E[1 + 2 * np.arange(len(idx)), idx] += h
            E[2 + 2 * np.arange(len(idx)), idx] -= h
            P = o.proba(E)[1:]
            P = np.concatenate([P[0::2], P[1::2]])
            f = np.log(P[:, c] + 1e-12) - np.log(np.delete(P, c, axis=1).max(axis=1) + 1e-12)
            g = (f[:len(idx)] - f[len(idx):]) / (2 * h)
            m[idx] = 0.9 * m[idx] + 0.1 * g
            v[idx] = 0.999 * v[idx] + 0.001 * g * g
            x[idx] -= 0.01 * S[idx] * m[idx] / (np.sqrt(v[idx]) + 1e-8)


def square(o, T, y, rng, n):
    """attack_clients.py's Square Attack (the authors' square_attack_linf; one implementation
    for both harnesses)."""
    attack_clients.square(o, T, y, rng, types.SimpleNamespace(queries=n))


def simba_art(o, T, y, rng, n):
    """attack_clients.py's SimBA as ART runs it (DCT directions on images, pixels elsewhere;
    both sides queried every iteration)."""
    attack_clients.simba_art(o, T, y, rng, types.SimpleNamespace(queries=n))


def bandits(o, T, y, rng, n):
    """attack_clients.py's Bandits-TD (Ilyas et al. 2019), L-inf."""
    attack_clients.bandits(o, T, y, rng, types.SimpleNamespace(queries=n))


def sign_opt(o, T, y, rng, n):
    """attack_clients.py's Sign-OPT as ART runs it (labels only)."""
    attack_clients.sign_opt(o, T, y, rng, types.SimpleNamespace(queries=n))


def bnd_walk(o, T, y, rng, n):
    """attack_clients.py's Boundary Attack (foolbox 3's defaults: its blended-uniform-noise
    start, then the walk)."""
    attack_clients.bnd_walk(o, T, y, rng, types.SimpleNamespace(queries=n))


def bnd_start(o, T, y, rng, n):
    """attack_clients.py's Boundary Attack from foolbox's starting_points: a record of the
    split answered as another class, then the walk alone."""
    attack_clients.bnd_start(o, T, y, rng, types.SimpleNamespace(queries=n))


# ---- benign ----

def records(o, T, y, rng, n, pick=None, noise=0.0, batch=10):
    S = spread(T)
    while o.queries < n:
        k = min(batch, n - o.queries)
        idx = pick(k) if pick else rng.integers(len(T), size=k)
        X = T[idx].copy()
        if noise:
            X += rng.normal(0, noise, X.shape) * S
        o.proba(X)


def oneclass(o, T, y, rng, n):
    main = np.unique(y)[rng.integers(len(np.unique(y)))]
    inside, outside = np.flatnonzero(y == main), np.flatnonzero(y != main)
    return records(o, T, y, rng, n, lambda k: np.where(rng.random(k) < 0.9, rng.choice(inside, k),
                                                       rng.choice(outside, k)))


def resend(o, T, y, rng, n):
    keep = rng.choice(len(T), min(25, len(T)), replace=False)
    i = 0
    while o.queries < n:
        X = T[keep[(i + np.arange(10)) % len(keep)]]
        i += 10
        o.proba(X)
        if rng.random() < 0.1:
            o.proba(X)


def retry(o, T, y, rng, n):
    while o.queries < n:
        x = T[rng.integers(len(T))]
        o.proba(x)
        if rng.random() < 0.3:
            o.proba(x)


def busy(o, T, y, rng, n):
    records(o, T, y, rng, n, batch=1)


def frames(o, T, y, rng, n, edge=False):
    S = spread(T)
    start = None
    if edge:
        P = o.clf.predict_proba(T)
        ps = np.sort(P, axis=1)
        start = np.argsort(ps[:, -1] - ps[:, -2])[:10]
    base = None
    while o.queries < n:
        if o.queries % 150 == 0 or base is None:
            base = T[rng.choice(start) if edge else rng.integers(len(T))].astype(np.float64).copy()
        base += rng.normal(0, 0.005, base.shape) * S
        o.proba(base + rng.normal(0, 0.02, base.shape) * S)


def frames_edge(o, T, y, rng, n):
    frames(o, T, y, rng, n, edge=True)


def noisy(o, T, y, rng, n):
    records(o, T, y, rng, n, noise=0.05)


def whatif(o, T, y, rng, n, sliders=1):
    lo, hi = T.min(axis=0), T.max(axis=0)
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64).copy()
        o.proba(x)
        for j in rng.choice(T.shape[1], sliders, replace=False):
            for v in np.linspace(lo[j], hi[j], 8):
                if o.queries >= n:
                    break
                x2 = x.copy()
                x2[j] = v
                o.proba(x2)
            if sliders > 1:   # the user keeps a value they liked
                x[j] = rng.choice(np.linspace(lo[j], hi[j], 8))


def whatif_multi(o, T, y, rng, n):
    whatif(o, T, y, rng, n, sliders=3)


def sensor_rr(o, T, y, rng, n):
    S = spread(T)
    x = T[rng.integers(len(T))].astype(np.float64).copy()
    k = 0
    while o.queries < n:
        j = k % T.shape[1]
        x[j] += rng.normal(0, 0.05) * S[j]
        k += 1
        o.proba(x)


def ramp(o, T, y, rng, n):
    S = spread(T)
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64).copy()
        v = rng.normal(0, 0.01, x.shape) * S
        for t in range(100):
            if o.queries >= n:
                break
            o.proba(x + t * v + rng.normal(0, 0.003, x.shape) * S)


def sensor_q(o, T, y, rng, n):
    """A sensor array reporting at a fixed resolution (a tenth of each feature's spread):
    between readings most channels keep their value and a few move by one step, back and
    forth (quantisation flicker), while the scene drifts slowly."""
    S = spread(T)
    res = 0.1 * S
    base = T[rng.integers(len(T))].astype(np.float64).copy()
    while o.queries < n:
        if o.queries and o.queries % 150 == 0:
            base = T[rng.integers(len(T))].astype(np.float64).copy()
        base += rng.normal(0, 0.01, base.shape) * S
        o.proba(np.round((base + rng.normal(0, 0.03, base.shape) * S) / res) * res)


def settle(o, T, y, rng, n):
    """A sensor array stepping to a new set point, read every tick as it settles (first-order
    response: each reading covers half the remaining way, plus a little noise), the set
    points among the records the model is least sure about: its steps halve on one line
    but never turn back."""
    S = spread(T)
    P = o.clf.predict_proba(T)
    ps = np.sort(P, axis=1)
    edge = np.argsort(ps[:, -1] - ps[:, -2])[:10]
    x = T[rng.choice(edge)].astype(np.float64).copy()
    while o.queries < n:
        target = T[rng.choice(edge)].astype(np.float64)
        for _ in range(12):
            if o.queries >= n:
                break
            x += 0.5 * (target - x) + rng.normal(0, 0.002, x.shape) * S
            o.proba(x)


def whatif_bisect(o, T, y, rng, n):
    """What-if threshold search: a user bisects one feature of a real record to find the
    value at which the decision changes ("at what income am I approved?")."""
    lo, hi = T.min(axis=0), T.max(axis=0)
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64).copy()
        j = rng.integers(T.shape[1])
        c = o.label(x)[0]
        a, b = lo[j], hi[j]
        for _ in range(8):
            if o.queries >= n:
                break
            x[j] = (a + b) / 2
            if o.label(x)[0] == c:
                a = x[j]
            else:
                b = x[j]


def _sensor_noise(T, rng):
    """A device's measurement noise per channel: each channel's sd a share of its feature's
    spread, log-uniform between 0.5 % and 3 % (channels of one device differ: gains, ranges,
    ages), so uneven in any model's scale."""
    return np.exp(rng.uniform(np.log(0.005), np.log(0.03), T.shape[1])) * spread(T)


def _edge_records(o, T, k=10):
    """The k records the model is least sure about (its top two probabilities closest)."""
    ps = np.sort(o.clf.predict_proba(T), axis=1)
    return np.argsort(ps[:, -1] - ps[:, -2])[:k]


def flicker_noise(o, T, y, rng, n):
    """A camera or sensor array watching one ambiguous scene (a record the model is least
    sure about), 150 frames a scene: every frame is the scene read through the device's
    uneven noise (_sensor_noise), and a quarter of its channels (2 at least) dither by one
    step of their resolution (5 % of the feature's spread) on either side of their value (a
    pixel on an edge, a reading on a quantisation threshold: -1, 0, +1 steps, 15 %, 70 %,
    15 % of the frames, each channel on its own); the answers flicker with the scene's
    ambiguity (scores, and labels where the model cannot decide)."""
    d = T.shape[1]
    sd = _sensor_noise(T, rng)
    step = 0.05 * spread(T)
    edge = _edge_records(o, T)
    while o.queries < n:
        scene = T[rng.choice(edge)].astype(np.float64)
        bis = rng.choice(d, max(2, d // 4), replace=False)
        for _ in range(150):
            if o.queries >= n:
                break
            x = scene + rng.normal(0, 1, d) * sd
            x[bis] += rng.choice([-1.0, 0.0, 1.0], len(bis), p=[0.15, 0.7, 0.15]) * step[bis]
            o.proba(x)


def probe_noise(o, T, y, rng, n, every=False):
    """A local sensitivity analysis of live readings (a process engineer asking what the
    model says if one setting were a little higher or lower): each query reads the
    machine's current state -- a real record through the sensor array's uneven noise
    (_sensor_noise) -- and moves one feature by + d, then - d (d 2 % or 5 % of the
    feature's spread, fixed per record), along 12 features of the record (every: all of
    them), then the next record. Nothing depends on the answers."""
    d = T.shape[1]
    sd = _sensor_noise(T, rng)
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64)
        o.proba(x + rng.normal(0, 1, d) * sd)
        delta = float(rng.choice([0.02, 0.05])) * spread(T)
        feats = np.arange(d) if every or d <= 12 else rng.choice(d, 12, replace=False)
        for j in feats:
            for sgn in (1.0, -1.0):
                if o.queries >= n:
                    break
                q = x + rng.normal(0, 1, d) * sd
                q[j] += sgn * delta[j]
                o.proba(q)


def probe_all_noise(o, T, y, rng, n):
    """probe_noise along every feature of each record (a record probed + d, - d along all of
    its features; on a random forest its answers jitter: the noise moves a few trees'
    votes)."""
    probe_noise(o, T, y, rng, n, every=True)


def whatif_steps_noise(o, T, y, rng, n):
    """A what-if tool on live readings with a step grid per feature (each feature's own
    increment, 5 % of its spread): the current reading, then one feature at -2, -1, +1, +2
    of its increments, then the next feature (6 a record), each query read through the
    device's uneven noise; then the next record."""
    d = T.shape[1]
    sd = _sensor_noise(T, rng)
    inc = 0.05 * spread(T)
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64)
        o.proba(x + rng.normal(0, 1, d) * sd)
        for j in rng.choice(d, min(6, d), replace=False):
            for k in (-2, -1, 1, 2):
                if o.queries >= n:
                    break
                q = x + rng.normal(0, 1, d) * sd
                q[j] += k * inc[j]
                o.proba(q)


def sensor_lsb(o, T, y, rng, n):
    """A sensor array whose channels report at their own resolution (an ADC's step, 1 % to
    4 % of each feature's spread, log-uniform per channel), its noise 0.3 to 1 step: most
    channels flicker by one step around their value; an ambiguous scene (a record the model
    is least sure about) drifting slowly, 150 readings a scene."""
    d = T.shape[1]
    res = np.exp(rng.uniform(np.log(0.01), np.log(0.04), d)) * spread(T)
    sd = rng.uniform(0.3, 1.0, d) * res
    edge = _edge_records(o, T)
    while o.queries < n:
        scene = T[rng.choice(edge)].astype(np.float64)
        for _ in range(150):
            if o.queries >= n:
                break
            scene += rng.normal(0, 0.002, d) * spread(T)
            o.proba(np.round((scene + rng.normal(0, 1, d) * sd) / res) * res)


def whatif_probe(o, T, y, rng, n):
    """A what-if scenario, then its local sensitivity, behind measurement noise: a real record
    read through an instrument's noise (each feature its own, 0.5-3 % of its spread, fixed
    for the client: uneven), one feature set to another value a user types (a scenario,
    0.3-1.5 spreads off, kept), then every other feature of the scenario moved up and down
    by one small delta (5-10 % of its spread: x' + d e_j, x' - d e_j, a tornado chart around
    the scenario), every query read through the noise; then the next record. Nothing depends
    on the answers. On few features (iris) a scenario is one coordinate's level changing and
    holding, the probes around it mirrored on every other coordinate."""
    S = spread(T)
    d = T.shape[1]
    nz = rng.uniform(0.005, 0.03, d) * S
    while o.queries < n:
        x = T[rng.integers(len(T))].astype(np.float64).copy()
        o.proba(x + rng.normal(0, 1, d) * nz)
        k = rng.integers(d)
        x[k] += rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 1.5) * S[k]
        o.proba(x + rng.normal(0, 1, d) * nz)
        delta = rng.uniform(0.05, 0.1) * S
        for j in rng.permutation(d):
            if j == k:
                continue
            for sgn in (1.0, -1.0) if rng.random() < 0.5 else (-1.0, 1.0):
                if o.queries >= n:
                    return
                x2 = x.copy()
                x2[j] += sgn * delta[j]
                o.proba(x2 + rng.normal(0, 1, d) * nz)


def popular(o, T, y, rng, n):
    """attack_clients.py's popular pattern: many ordinary users of one model (each request from
    one of 40 addresses) trying a demo record as is, edited in one field, re-typed, a few
    popular records (a shared cache miss), ordinary records, some retried."""
    attack_clients.popular(o, T, y, rng, types.SimpleNamespace(queries=n))


def sensitivity(o, T, y, rng, n):
    """attack_clients.py's sensitivity pattern: one-at-a-time sensitivity analysis (ICE
    curves, tornado charts) of real records, 3-6 features each swept over 2, 3, 5 or 8
    values across its range in turn."""
    attack_clients.sensitivity(o, T, y, rng, types.SimpleNamespace(queries=n))


def tornado(o, T, y, rng, n):
    """attack_clients.py's tornado pattern: sensitivity() with 2 or 3 values per feature
    (on digits' integer pixels 0 and 16 sit symmetric around 8)."""
    attack_clients.tornado(o, T, y, rng, types.SimpleNamespace(queries=n))


def local_probe(o, T, y, rng, n):
    """attack_clients.py's local_probe pattern: a record's features each moved up and down
    by one small delta (local sensitivity analysis), then the next record."""
    attack_clients.local_probe(o, T, y, rng, types.SimpleNamespace(queries=n))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True, choices=sorted(LOADERS))
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--out", required=True)
    ap.add_argument("--list")
    ap.add_argument("--decimals", type=int, help="clients print numbers with this many decimals")
    ap.add_argument("--upsample", type=int, default=1, help="digits: images scaled up K times")
    ap.add_argument("--crowd", type=int, default=0, help="busy ordinary clients (benign_roles.py)")
    ap.add_argument("--model", default="mlp", choices=sorted(sk_model_server.MODELS),
                    help="the classifier's kind, as sk_model_server.py --model trains it")
    ap.add_argument("--only", help="comma-separated roles: the others send nothing (each role "
                    "keeps its seed, so its stream is the one a full run writes)")
    a = ap.parse_args()
    Oracle.decimals = a.decimals
    X, y = LOADERS[a.dataset](return_X_y=True)
    if a.upsample > 1:
        if a.dataset != "digits":
            ap.error("--upsample is for digits")
        from scipy.ndimage import zoom
        X = np.stack([zoom(img.reshape(8, 8), a.upsample, order=1).ravel() for img in X])
    if not a.raw:
        X = StandardScaler().fit(X).transform(X)
    Xt, rest, yt, yr = train_test_split(X, y, train_size=0.5, stratify=y, random_state=a.seed)
    Xb, Xa, yb, ya = train_test_split(rest, yr, train_size=0.5, stratify=yr, random_state=a.seed)
    est = sk_model_server.MODELS[a.model](a.seed)
    clf = make_pipeline(StandardScaler(), est) if a.raw else est
    clf.fit(Xt, yt)
    out, names, marks = [], [], []
    rng = np.random.default_rng(a.seed)
    # phase 1: four ordinary clients teach the model's scale
    for c in range(4):
        o = Oracle(clf, out, len(names))
        names.append("warm")
        marks.append(0)
        records(o, Xb, yb, rng, 40)
    # phase 2: every pattern and attack, each from its own client, in turn per request
    streams = []
    # the roles added later come last, so every earlier role keeps its seed (its stream)
    later = ["settle", "whatif_bisect", "hsj_noise", "hsj_noise3", "hsj_round", "hsj_art_noise",
             "simba_noise", "simba_round", "popular", "hsj_dist", "simba_dist", "simba_noise_dist",
             "sensitivity", "tornado", "local_probe", "nes", "square", "bnd_walk", "bnd_start"]
    for role in [r for r in BENIGN + ATTACKS if r not in later and r not in AFTER_CROWD] + later:
        fn = globals()[role]
        o = Oracle(clf, [], len(names), rotate=POOL.get(role, int(role.endswith("_rot"))))
        names.append(role)
        if a.only and role not in a.only.split(","):
            streams.append([])
            marks.append(0)
            continue
        T, L = (Xa, ya) if role in ATTACKS else (Xb, yb)
        n = a.queries * (3 if role in ("busy", "popular") else 1)
        fn(o, T, L, np.random.default_rng(a.seed * 1000 + len(names)), n)
        streams.append(o.out)
        if role.startswith("simba") and role != "simba_batch":
            # SimBA is judged from its first kept step: before it, stuck on saturated
            # answers, it probes its start as a local sensitivity analysis does (the
            # local_probe pattern); never kept: the whole stream
            o.mark = o.kept_at if o.kept_at is not None else o.queries
        marks.append(o.mark)
    # the crowd: after every other role (their seeds stay), as many requests as the longest
    # attack over a pool of addresses has, 10 rows each
    longest = max([len(s) for s, r in zip(streams, names[4:]) if r.endswith("_dist")] + [0])
    benign_roles.time = types.SimpleNamespace(sleep=lambda s: None)   # offline: no back-off waits
    for c in range(a.crowd):
        role = CROWD[c % len(CROWD)]
        o = Oracle(clf, [], len(names))
        names.append("crowd_" + role)
        marks.append(0)
        rng_c = np.random.default_rng(a.seed * 1000 + len(names))
        while len(o.out) < longest:
            getattr(benign_roles, role)(o, Xb, yb, rng_c, types.SimpleNamespace(queries=10 * longest, batch=10))
        del o.out[longest:]
        streams.append(o.out)
    # roles added after the crowd: every earlier client (the crowd too) keeps its seed
    for role in AFTER_CROWD:
        o = Oracle(clf, [], len(names))
        names.append(role)
        if a.only and role not in a.only.split(","):
            marks.append(0)
            streams.append([])
            continue
        T, L = (Xa, ya) if role in ATTACKS else (Xb, yb)
        globals()[role](o, T, L, np.random.default_rng(a.seed * 1000 + len(names)), a.queries)
        if role.startswith("simba"):   # judged from its first kept step, as SimBA above
            o.mark = o.kept_at if o.kept_at is not None else o.queries
        marks.append(o.mark)
        streams.append(o.out)
    k = 0
    while any(k < len(s) for s in streams):
        for s in streams:
            if k < len(s):
                out.append(s[k])
        k += 1
    with open(a.out, "wb") as f:
        f.write(b"".join(out))
    if a.list:
        with open(a.list, "w") as f:
            for i, r in enumerate(names):
                f.write(f"{i} {r} {marks[i]}\n")


if __name__ == "__main__":
    sys.exit(main())
