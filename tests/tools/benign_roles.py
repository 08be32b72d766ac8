"""More ordinary (benign) clients of a tabular model, for tests/tools/attack_clients.py.

Hard benign traffic of kinds the older roles do not cover: other kinds of measurement
error, stored records re-scored in another order or split, retries that back off, health
checks, slowly drifting sensors. Every role works on real records of the held-out split
(T, y), through attack_clients' oracle o (o.proba(X) sends one request of the rows X), and
nothing it sends depends on the model's answers. Roles (also listed in attack_clients'
docstring):
  mulnoise  records with multiplicative error: each value times (1 + e), e ~ N(0, 5 %)
            (a gain error: a sensor or a unit conversion off by a few per cent)
  rounded   records as a form or a report prints them: every value rounded to 2
            significant digits
  imputed   records with 10-30 % of their values missing, filled in by the client's
            pipeline with the feature's mean (half the clients' records) or with 0
            (scikit-learn SimpleImputer's strategies "mean" and "constant")
  drift     one sensor's readings drifting slowly from one real record to another over
            the whole run (no scene change), with small sensor noise: consecutive rows are
            near-duplicates that move steadily in one direction
  nightly   a nightly batch re-scoring the whole held-out split: sorted by one feature
            (a database ORDER BY), then the next night in another order and another batch
            split, with the odd request sent twice
  backoff   single records; a failed request is retried with exponential back-off
            (1, 2, 4, 8 ms ... up to 5 tries, a burst of the same request)
  canary    ordinary records, and every 20th request the team's fixed canary record (a
            health check whose answer is compared with the expected one)
  tta       test-time augmentation: each record sent with 4 augmented copies in one request
            (the answers averaged): images shifted by one pixel, tables with 2 % noise
  augment   a data-augmentation pipeline's rows: each record drawn 4-8 times through random
            augmentations, sometimes with the record itself, as one request or a row per
            request (a team checking the model's stability under its training pipeline's
            augmentations, or labelling augmented copies): images through random resized
            crops (60-100 % of the area), horizontal flips and rotations of up to 15 degrees,
            stored as whole grey levels; tables through the time-series augmentations of Um
            et al. 2017 (jitter: 3 % of each feature's spread; scaling: the record times
            1 + N(0, 5 %)) and 10-20 % of the values masked with the feature's mean
"""
import time

import numpy as np


def _spread(T):
    s = T.std(axis=0)
    return np.where(s > 0, s, 1.0)


def _send_rows(o, X, batch, n, limit):
    """Send rows X in requests of <batch> rows, without passing <limit> rows in all; the new
    count."""
    for i in range(0, len(X), batch):
        part = X[i:i + batch][: limit - n]
        if not len(part):
            break
        o.proba(part)
        n += len(part)
    return n


def mulnoise(o, T, y, rng, a):
    n = 0
    while n < a.queries:
        X = T[rng.integers(len(T), size=min(a.batch, a.queries - n))].astype(np.float64)
        n = _send_rows(o, X * (1.0 + rng.normal(0, 0.05, X.shape)), a.batch, n, a.queries)
    return {}


def _sig(X, digits):
    """X rounded to <digits> significant digits."""
    mag = np.where(X != 0, np.floor(np.log10(np.abs(np.where(X != 0, X, 1.0)))), 0)
    f = 10.0 ** (digits - 1 - mag)
    return np.round(X * f) / f


def rounded(o, T, y, rng, a):
    n = 0
    while n < a.queries:
        X = T[rng.integers(len(T), size=min(a.batch, a.queries - n))].astype(np.float64)
        n = _send_rows(o, _sig(X, 2), a.batch, n, a.queries)
    return {}


def imputed(o, T, y, rng, a):
    mu = T.mean(axis=0)
    n = 0
    while n < a.queries:
        X = T[rng.integers(len(T), size=min(a.batch, a.queries - n))].astype(np.float64)
        share = rng.uniform(0.1, 0.3)
        miss = rng.random(X.shape) < share
        fill = np.where(rng.random((len(X), 1)) < 0.5, mu[None, :], 0.0)
        n = _send_rows(o, np.where(miss, fill, X), a.batch, n, a.queries)
    return {}


def drift(o, T, y, rng, a):
    S = _spread(T)
    i, j = rng.choice(len(T), 2, replace=False)
    start, end = T[i].astype(np.float64), T[j].astype(np.float64)
    n = 0
    while n < a.queries:
        k = min(a.batch, a.queries - n)
        t = (n + np.arange(k))[:, None] / max(1, a.queries - 1)
        X = start + t * (end - start) + rng.normal(0, 0.01, (k, T.shape[1])) * S
        n = _send_rows(o, X, a.batch, n, a.queries)
    return {}


def nightly(o, T, y, rng, a):
    n, night = 0, 0
    while n < a.queries:
        if night % 2 == 0:
            order = np.argsort(T[:, rng.integers(T.shape[1])], kind="stable")
        else:
            order = rng.permutation(len(T))
        batch = max(1, a.batch + (night % 3) * 7 - 3)      # the split differs by night
        for s in range(0, len(order), batch):
            X = T[order[s:s + batch]][: a.queries - n]
            if not len(X):
                break
            o.proba(X)
            n += len(X)
            if rng.random() < 0.05 and n < a.queries:       # a timeout: sent again
                o.proba(X[: a.queries - n])
                n += len(X[: a.queries - n])
        night += 1
    return {}


def backoff(o, T, y, rng, a):
    n = 0
    while n < a.queries:
        X = T[rng.integers(len(T), size=min(a.batch, a.queries - n))]
        o.proba(X)
        n += len(X)
        if rng.random() < 0.15:                              # failed: back off and retry
            for t in range(int(rng.integers(1, 5))):
                if n >= a.queries:
                    break
                time.sleep(0.001 * 2 ** t)
                o.proba(X[: a.queries - n])
                n += len(X[: a.queries - n])
    return {}


def canary(o, T, y, rng, a):
    probe = T[rng.integers(len(T))]
    n, r = 0, 0
    while n < a.queries:
        r += 1
        X = probe[None, :] if r % 20 == 0 else T[rng.integers(len(T), size=min(a.batch, a.queries - n))]
        o.proba(X[: a.queries - n])
        n += len(X[: a.queries - n])
    return {}


def _shift(img, dx, dy):
    """An 8x8 image (64 values) moved by (dx, dy) pixels, the border filled with 0."""
    out = np.zeros((8, 8))
    src = img.reshape(8, 8)
    ys, xs = slice(max(0, dy), 8 + min(0, dy)), slice(max(0, dx), 8 + min(0, dx))
    yd, xd = slice(max(0, -dy), 8 + min(0, -dy)), slice(max(0, -dx), 8 + min(0, -dx))
    out[yd, xd] = src[ys, xs]
    return out.ravel()


def tta(o, T, y, rng, a):
    S = _spread(T)
    n = 0
    while n < a.queries:
        x = T[rng.integers(len(T))].astype(np.float64)
        if T.shape[1] == 64:
            X = [x] + [_shift(x, dx, dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        else:
            X = [x] + [x + rng.normal(0, 0.02, x.shape) * S for _ in range(4)]
        X = np.array(X)[: a.queries - n]
        o.proba(X)
        n += len(X)
    return {}


def _augment_image(img, rng, lo, hi):
    """One draw of a generic training-time image pipeline (torchvision's RandomResizedCrop,
    scale 0.6-1, ratio 3/4-4/3; RandomHorizontalFlip, p 0.5; RandomRotation, +-15 degrees,
    half the time) on an 8x8 image, written back as the data set stores it: whole grey
    levels within the pixels' range."""
    from scipy import ndimage
    im = img.reshape(8, 8)
    area = rng.uniform(0.6, 1.0)
    ratio = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    w = int(np.clip(round(8 * np.sqrt(area * ratio)), 4, 8))
    h = int(np.clip(round(8 * np.sqrt(area / ratio)), 4, 8))
    r0, c0 = int(rng.integers(0, 9 - h)), int(rng.integers(0, 9 - w))
    out = ndimage.zoom(im[r0:r0 + h, c0:c0 + w], (8 / h, 8 / w), order=1)[:8, :8]
    if rng.random() < 0.5:
        out = out[:, ::-1]
    if rng.random() < 0.5:
        out = ndimage.rotate(out, rng.uniform(-15, 15), reshape=False, order=1, mode="constant")
    return np.clip(np.round(out.ravel()), lo, hi)


def augment(o, T, y, rng, a):
    S = _spread(T)
    lo, hi = T.min(axis=0), T.max(axis=0)
    image = T.shape[1] == 64
    n = 0
    while n < a.queries:
        x = T[rng.integers(len(T))].astype(np.float64)
        k = int(rng.integers(4, 9))
        if image:
            X = [_augment_image(x, rng, lo.min(), hi.max()) for _ in range(k)]
        else:
            keep = rng.random((k, len(x))) >= rng.uniform(0.1, 0.2)
            X = [np.clip(np.where(m, x * rng.normal(1, 0.05) + rng.normal(0, 0.03, len(x)) * S, T.mean(axis=0)),
                         lo, hi) for m in keep]
        if rng.random() < 0.5:
            X = [x] + X
        X = np.array(X)[: a.queries - n]
        for part in ([X] if rng.random() < 0.5 else X):
            o.proba(part)
        n += len(X)
    return {}


ROLES = {"mulnoise": mulnoise, "rounded": rounded, "imputed": imputed, "drift": drift,
         "nightly": nightly, "backoff": backoff, "canary": canary, "tta": tta,
         "augment": augment}
