"""Ordinary clients that explain a tabular model's answers, for tests/tools/attack_clients.py.

Model-agnostic explainers are the everyday look-alike of model extraction: they send the
model thousands of synthetic rows built from a few real records and the training data's
statistics. A data scientist runs them against the serving endpoint (the model object is
wrapped in a function that posts rows), so their traffic is what these roles send. Written
here from the methods' papers, not from the libraries' code:
  kernelshap  Kernel SHAP (Lundberg and Lee 2017), as a model-agnostic explainer runs it:
              one call on the background data (the expected answer), then per explained
              record coalitions of features (all of size 1 and d - 1 first, then random
              ones weighted by the Shapley kernel, each with its complement), each coalition
              sent as the background rows with the coalition's features taken from the
              record. Background: 10 k-means centroids of the data or 20 sampled records.
  lime        LIME for tables (Ribeiro et al. 2016): per explained record the record itself,
              then samples drawn feature by feature from the training data, either a
              quartile bin drawn by its frequency and a value within the bin from a normal
              with the bin's mean and spread (the discretised default), or a normal with the
              feature's mean and spread; sent as one long call, split into requests.
Both work on real records of the held-out split (T, y) through attack_clients' oracle o
(o.proba(X) sends one request of the rows X) and nothing they send depends on the model's
answers (an explainer reads the answers only after it has asked everything).
"""
import numpy as np


def _send(o, X, batch, n, limit):
    """Send rows X in requests of <batch> rows, stopping at <limit> rows in all; the new count."""
    for i in range(0, len(X), batch):
        part = X[i:i + batch][: limit - n]
        if not len(part):
            break
        o.proba(part)
        n += len(part)
    return n


def _kmeans(T, k, rng, rounds=20):
    """k centroids of T (Lloyd's iterations from k distinct records)."""
    C = T[rng.choice(len(T), k, replace=False)].astype(np.float64)
    for _ in range(rounds):
        d = ((T[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        near = d.argmin(axis=1)
        for j in range(k):
            if (near == j).any():
                C[j] = T[near == j].mean(axis=0)
    return C


def _coalitions(d, rng, count):
    """<count> feature masks in Kernel SHAP's order: every mask of size 1 and d - 1, then
    random masks whose size is drawn by the Shapley kernel's weight, each with its complement."""
    masks = []
    for s in (1, d - 1) if d > 2 else (1,):
        for i in range(d):
            m = np.zeros(d, bool)
            if s == 1:
                m[i] = True
            else:
                m[:] = True
                m[i] = False
            masks.append(m)
    sizes = np.arange(2, d - 1)
    if len(sizes):
        w = (d - 1) / (sizes * (d - sizes))
        w /= w.sum()
        while len(masks) < count:
            s = rng.choice(sizes, p=w)
            m = np.zeros(d, bool)
            m[rng.choice(d, s, replace=False)] = True
            masks += [m, ~m]
    return masks[:count]


def kernelshap(o, T, y, rng, a):
    d = T.shape[1]
    bg = _kmeans(T, 10, rng) if rng.random() < 0.5 else T[rng.choice(len(T), min(20, len(T)), replace=False)]
    n = _send(o, bg, a.batch, 0, a.queries)              # the expected answer
    explained = 0
    while n < a.queries:
        x = T[rng.integers(len(T))].astype(np.float64)
        nsamples = min(2 ** d - 2, 2 * d + 2048)
        rows = []
        for m in _coalitions(d, rng, nsamples):
            R = np.array(bg, dtype=np.float64)
            R[:, m] = x[m]
            rows.append(R)
            if sum(len(r) for r in rows) >= a.queries - n:
                break
        n = _send(o, np.concatenate(rows), a.batch, n, a.queries)
        explained += 1
    return {"explained": explained}


def lime(o, T, y, rng, a):
    T = T.astype(np.float64)
    mu, sd = T.mean(axis=0), T.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    qs = np.percentile(T, [25, 50, 75], axis=0)
    n, explained = 0, 0
    while n < a.queries:
        x = T[rng.integers(len(T))]
        k = min(5000, a.queries - n)
        if rng.random() < 0.5:                            # discretised (quartiles): LIME's default
            X = np.empty((k, T.shape[1]))
            for f in range(T.shape[1]):
                edges = np.unique(qs[:, f])
                b = np.searchsorted(edges, T[:, f], side="left")
                bins = np.unique(b)
                freq = np.array([(b == v).mean() for v in bins])
                pick = rng.choice(bins, size=k, p=freq / freq.sum())
                for v in bins:
                    sel = pick == v
                    vals = T[b == v, f]
                    lo, hi = vals.min(), vals.max()
                    X[sel, f] = np.clip(rng.normal(vals.mean(), vals.std() or 1e-9, sel.sum()), lo, hi)
        else:
            X = rng.normal(0, 1, (k, T.shape[1])) * sd + mu
        X[0] = x                                          # the record itself comes first
        n = _send(o, X, a.batch, n, a.queries)
        explained += 1
    return {"explained": explained}


ROLES = {"kernelshap": kernelshap, "lime": lime}
