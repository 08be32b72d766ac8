#!/usr/bin/python3
"""Benign and attacking clients of an Open Inference Protocol v2 classifier (loopback only).

Each run is one client talking HTTP/1.1 keep-alive from its own loopback source address
(127.0.0.x), so that the monitor sees a distinct identity per client. The table written by
sk_model_server.py --meta is the data distribution (z-scored features) every client knows.
Roles, each following its published attack:
  benign    rows drawn from the data distribution (per-class Gaussian fitted to the
            table, classes by their prior), sent in batches
  jbda      Papernot et al. 2017 Jacobian-based dataset augmentation: a small seed set,
            then rounds of x + lambda * sign(dp_c/dx) on a softmax substitute trained on
            the oracle's labels (lambda alternating sign every 3 rounds)
  random    Tramer et al. 2016 extraction by uniformly random queries over the feature
            ranges, then a substitute trained on the answers
  boundary  HopSkipJump-style decision-based evasion (labels only): binary search to the
            boundary, gradient-direction estimate from label probes around the boundary
            point, geometric step, binary search again
  simba     SimBA (Guo et al. 2019), score-based evasion: one coordinate at a time, keep a
            +-eps step when the true class's probability drops
  square    the Square Attack (Andriushchenko et al. 2020), L-inf, as the authors'
            square_attack_linf: score-based random search over the vertices of one L-inf box
  bnd_walk  the Boundary Attack (Brendel et al. 2018) as foolbox 3 runs it by default
            (labels only): its blended-uniform-noise start, then orthogonal and source steps
  bnd_start the same walk from foolbox's starting_points: a record answered as another class
            (bench/python/evasion_streams.py replays these three functions: one implementation)
  harvest   score harvesting for membership inference: the same candidate records again
            and again (and slightly perturbed copies), keeping every probability vector
  flood     rows from the data distribution, one per request, as fast as it can
  paced     the same rows at a steady --rate requests/s on a fixed schedule (a flood kept
            just under a per-pod rate limit: behind N replicas each sees rate/N)
  knockoff  KnockoffNets-style (Orekondy et al. 2019) natural-data extraction: the records
            the attacker owns, in random order, then augmented copies
  transfer  KnockoffNets as published: a transfer set from ANOTHER distribution (digits:
            8x8 patches of sklearn's bundled photographs china.jpg / flower.jpg at random
            scales, grey levels mapped onto 0..16; tables: another bundled table's records,
            its columns standardised and mapped onto each feature's mean, spread and range),
            random policy: transfer records drawn uniformly without replacement
  transfer_adaptive  the same transfer set, adaptive policy (Orekondy et al. sec. 4.1.2):
            a gradient bandit over clusters of the transfer set whose reward is the answer's
            certainty (top-1 minus top-2) plus label diversity (labels rarer than in the
            last 25 answers), i.e. it chases confident answers spread over all classes
  flood_parallel  eight connections from one source, single-row requests as fast as the
            server answers (denial of service)
  flood_pool  the same from many addresses (--pool N, default 8): one connection from each;
            with --fresh each request a new row (a data-distribution row plus Gaussian noise
            of 0.05, as flood sends): nothing repeats
  flood_ramp  a slow ramp-up flood: one connection, one more every --ramp seconds up to
            --conns
Benign patterns that must raise nothing (real records of the held-out split):
  records   real records drawn at random        oneclass  90 % of them from one class
  resend    the same 25 records re-scored again and again (nightly batch), with retries
  frames    near-duplicate stream: a record drifting slowly plus sensor noise, a new scene
            every 150 frames (video frames, sensor readings)
  noisy     real records with realistic measurement noise (5 % of each feature's spread)
  whatif    what-if analysis: a real record, then one feature swept over a grid of 8 values
            (a user exploring a credit-style decision), then the next record
  sensitivity  a data scientist's one-at-a-time sensitivity analysis (ICE curves): a real
            record, then 3-6 of its features in turn, each swept over 2 (a tornado chart),
            3, 5 or 8 values across its range with the others held, as one request or a row
            per request
  tornado   the same with 2 or 3 values per feature only (low and high, and the middle)
  local_probe  local sensitivity analysis: a real record, then each of its features (or 3-8
            of them) moved up and down by one small delta (1-10 % of its spread, or 10 % of
            its value), the others held; sometimes again with another delta; the next record
  busy      real records, high rate (give --pause 0 and many queries)
  pool_batch  a batch job with a small connection pool: --conns (2-4) connections from one
            source, real records in batches of --batch, each connection as fast as answered
  fanout    a parallel job over many addresses (--pool N workers, one connection each, all
            from the start: a Kubernetes Job's pods on one node's pod range): scores a data
            set of new measurements (held-out records with 5 % gain error), each once, in
            batches of --batch, each worker as fast as answered
  coarse    real records as a form or a binned feature store sends them: every feature
            rounded to whole spreads (z-scores to integers), and digits scanned black and
            white (each pixel 0 or 16): steps between such records are equal on many
            coordinates, as Jacobian (sign) steps are
  retry     real records over a flaky network: 30 % of requests sent again at once (a
            client library's retry after a timeout)
  popular   many users of one model (with --pool): a demo record as is, edited in one
            field, re-typed with rounding or noise, a few popular records, retries
  mulnoise, rounded, imputed, drift, nightly, backoff, canary, tta, augment: more ordinary patterns
            (tests/tools/benign_roles.py: multiplicative error, 2 significant digits, missing
            values imputed with means or zeros, a slowly drifting sensor, a nightly batch in
            sorted order and another split, retries with back-off bursts, a canary record,
            test-time augmentation, a data-augmentation pipeline's random crops, flips and
            rotations of images or jitter, scaling and masking of records)
  kernelshap, lime: explainers run against the endpoint (tests/tools/explainer_roles.py:
            Kernel SHAP's coalitions of a record and background rows, LIME's samples drawn
            from the training data's statistics)
With a --meta file from sk_model_server.py --split, attackers use the attacker split and
benign clients the held-out split; perturbation sizes follow each feature's spread when the
server takes raw units.
Against a server that answers labels only (sk_model_server.py --labels) every answer is
read as a one-hot vector: attacks that need scores see certainty 1 for the answered class.
With --grpc the same attacks go over Open Inference Protocol v2 gRPC (ModelInfer, or one
ModelStreamInfer bidirectional stream with --stream; inputs as raw_input_contents, as
tritonclient sends them) and an API key (x-api-key metadata "client-<source>"); grpcio
cannot pick a source address, so the channel goes through a byte-for-byte TCP relay on
loopback whose upstream connection comes from --source (the leg the capture sees).
--pool N sends request n from the (n mod N)-th of N source addresses 127.(100+c).d.1..N
(for --source 127.b.c.d): an attack spread over a proxy pool or botnet, or many users.
Evasion of exact-arithmetic detection: --noise SIGMA adds Gaussian noise of SIGMA x each
feature's spread to every query, --decimals N rounds every number to N decimals (class
Evasive; the attack logic is unchanged).
Identity (tests of who a client is): --header "Name: value" adds a header to every request;
--rotate jwt|apikey|xff gives every request a fresh identity (a new unsigned JWT sub, a new
API key, a new X-Forwarded-For value); --jwt-key SECRET signs the JWTs of --jwt-sub (HS256)
with --jwt-exp seconds from now (negative: already expired). HTTP only.
Usage:
    attack_clients.py --port P --meta FILE --role ROLE --source 127.0.0.X
                      [--ports P1,P2,P3]   (replicas behind a round-robin load balancer)
                      [--queries N] [--batch B] [--seed S] [--pause SECONDS] [--rate R]
                      [--conns K] [--ramp SECONDS]
                      [--grpc [--stream]] [--host 127.0.0.1] [--header H]... [--rotate KIND]
                      [--noise SIGMA] [--decimals N] [--pool N]
                      [--jwt-sub SUB --jwt-key SECRET --jwt-exp SECONDS]
Prints one JSON line: role, source, queries, requests and what the attack achieved.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

import benign_roles
import explainer_roles


class Oracle:
    """The model behind the API: counts queries, keeps one keep-alive connection."""

    def __init__(self, port, source, model, pause, host="127.0.0.1", identity=None, ports=None,
                 sources=None):
        # ports: replicas behind a round-robin L7 load balancer, one keep-alive
        # connection to each, request n going to replica n mod len(ports); sources: a pool
        # of source addresses, one keep-alive connection from each, request n from
        # address n mod len(sources)
        self.conns = [http.client.HTTPConnection(host, p, timeout=10, source_address=(s, 0))
                      for p in (ports or [port]) for s in (sources or [source])]
        self.conn = self.conns[0]
        self.model, self.pause = model, pause
        self.queries = self.requests = 0
        self.identity = identity or (lambda n: {})
        self.nclass = 0      # > 0: the server answers labels only; answers become one-hot

    def proba(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=np.float32))
        body = {"id": str(self.requests),
                "inputs": [{"name": "x", "shape": list(X.shape), "datatype": "FP32",
                            "data": [float(v) for v in X.ravel()]}]}
        headers = {"Content-Type": "application/json", **self.identity(self.requests)}
        self.conn = self.conns[self.requests % len(self.conns)]
        self.conn.request("POST", f"/v2/models/{self.model}/infer", json.dumps(body), headers)
        r = self.conn.getresponse()
        resp = json.loads(r.read())
        if r.status != 200:
            sys.exit(f"server answered {r.status}: {resp}")
        self.queries += len(X)
        self.requests += 1
        if self.pause:
            time.sleep(self.pause)
        out = resp["outputs"][0]
        if out["datatype"].startswith(("INT", "UINT")):
            lab = np.asarray(out["data"], dtype=np.int64).ravel()
            return np.eye(max(self.nclass, int(lab.max()) + 1))[lab]
        return np.asarray(out["data"], dtype=np.float64).reshape(out["shape"])

    def label(self, X):
        return self.proba(X).argmax(axis=1)

    def close(self):
        for c in self.conns:
            c.close()


class GrpcOracle:
    """The same oracle over OIP v2 gRPC, one channel (one HTTP/2 connection) per client."""

    def __init__(self, port, source, model, pause, stream):
        import queue
        import grpc
        import grpc_oip
        self.pb = grpc_oip.Messages()
        self.chan = grpc.insecure_channel(f"127.0.0.1:{grpc_oip.relay(port, source)}")
        self.meta = (("x-api-key", f"client-{source}"),)
        self.model, self.pause = model, pause
        self.queries = self.requests = 0
        self.infer = self.chan.unary_unary(grpc_oip.INFER,
                                           request_serializer=lambda m: m.SerializeToString(),
                                           response_deserializer=self.pb.ModelInferResponse.FromString)
        self.q = None
        if stream:
            self.q = queue.Queue()
            call = self.chan.stream_stream(grpc_oip.STREAM,
                                           request_serializer=lambda m: m.SerializeToString(),
                                           response_deserializer=self.pb.ModelStreamInferResponse.FromString)
            self.responses = call(iter(self.q.get, None), metadata=self.meta)

    def proba(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=np.float32))
        req = self.pb.ModelInferRequest(model_name=self.model, id=str(self.requests))
        t = req.inputs.add(name="x", datatype="FP32", shape=list(X.shape))
        req.raw_input_contents.append(X.astype("<f4").tobytes())
        if self.q is not None:
            self.q.put(req)
            sr = next(self.responses)
            if sr.error_message:
                sys.exit(f"server answered {sr.error_message}")
            resp = sr.infer_response
        else:
            resp = self.infer(req, metadata=self.meta, timeout=10)
        del t
        self.queries += len(X)
        self.requests += 1
        if self.pause:
            time.sleep(self.pause)
        out = resp.outputs[0]
        v = np.frombuffer(resp.raw_output_contents[0], dtype="<f4") if resp.raw_output_contents \
            else np.asarray(out.contents.fp32_contents, dtype=np.float32)
        return v.astype(np.float64).reshape(list(out.shape))

    def label(self, X):
        return self.proba(X).argmax(axis=1)

    def close(self):
        if self.q is not None:
            self.q.put(None)
            for _ in self.responses:
                pass
        self.chan.close()


class Evasive:
    """What an attacker puts between its attack code and the API to hide the attack's exact
    arithmetic (every query of a binary search or a SimBA step is otherwise an exact
    function of earlier ones): small Gaussian noise on every query, <noise> of each
    feature's spread (<spread>), and/or every number rounded to <decimals> decimals. The
    attack logic is unchanged: it works on the points it meant to send."""

    def __init__(self, o, spread, noise=0.0, decimals=None, seed=0):
        self.o, self.spread, self.noise, self.decimals = o, spread, noise, decimals
        self.rng = np.random.default_rng(seed + 7919)

    @property
    def queries(self):
        return self.o.queries

    @property
    def requests(self):
        return self.o.requests

    def proba(self, X):
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if self.noise:
            X = X + self.rng.normal(0, self.noise, X.shape) * self.spread
        if self.decimals is not None:
            X = np.round(X, self.decimals)
        return self.o.proba(X)

    def label(self, X):
        return self.proba(X).argmax(axis=1)

    def close(self):
        self.o.close()


def batched(o, X, batch):
    return np.vstack([o.proba(X[i:i + batch]) for i in range(0, len(X), batch)])


def benign(o, T, y, rng, a):
    """Rows from the data distribution: a class drawn by its prior, then a row from that
    class's Gaussian (mean and covariance of its table rows). Resampling the 178 table
    rows with small noise instead is what one client sending the same few records over and
    over looks like; PRADA's default delta 0.90 sits right at those clients' W (0.89-0.92)."""
    classes = np.unique(y)
    fit = {c: (T[y == c].mean(axis=0), np.cov(T[y == c].T)) for c in classes}
    prior = np.array([(y == c).mean() for c in classes])
    n = 0
    correct = 0
    while n < a.queries:
        k = min(a.batch, a.queries - n)
        cs = rng.choice(classes, k, p=prior)
        X = np.vstack([rng.multivariate_normal(*fit[c]) for c in cs])
        correct += int((o.label(X) == cs).sum())
        n += k
    return {"accuracy": correct / n}


def substitute(X, labels):
    if len(set(labels.tolist())) < 2:
        return None
    return LogisticRegression(max_iter=2000).fit(X, labels)


def accuracy(sub, T, y):
    """The substitute's accuracy on the table (measured offline: no extra queries)."""
    if sub is None:
        return 0.0
    return float((sub.predict(T) == y).mean())


def mlp_jacobian(mlp, Xs, cls):
    """d p_c / d x_s of a one-hidden-layer ReLU MLPClassifier at rows Xs (scaled inputs),
    c = cls (index into mlp.classes_)."""
    W1, W2 = mlp.coefs_
    b1, b2 = mlp.intercepts_
    D = (Xs @ W1 + b1 > 0).astype(float)               # ReLU derivative, n x h
    Z = np.maximum(0, Xs @ W1 + b1) @ W2 + b2
    n = len(Xs)
    if W2.shape[1] == 1:                               # binary: p1 = sigmoid(z)
        p1 = 1 / (1 + np.exp(-Z[:, 0]))
        g = (p1 * (1 - p1))[:, None] * ((D * W2[:, 0]) @ W1.T)
        return np.where(cls[:, None] == 1, g, -g)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    dZ = np.einsum("dh,nh,hk->nkd", W1, D, W2)        # dz_k / dx_s
    return P[np.arange(n), cls][:, None] * (dZ[np.arange(n), cls] - np.einsum("nk,nkd->nd", P, dZ))


def jbda(o, T, y, rng, a):
    """Papernot JbDA: S_{r+1} = S_r U {x + lam_r * sign(dp_{O(x)}/dx) : x in S_r}, with a
    neural substitute (an MLP on the attacker's own standardisation of the features, as
    Papernot et al. train a DNN); lambda flips sign every 3 rounds and is taken in each
    feature's own spread."""
    from sklearn.neural_network import MLPClassifier
    seed_idx = np.concatenate([rng.choice(np.flatnonzero(y == c), 4, replace=False)
                               for c in np.unique(y)])
    S = T[seed_idx]
    L = batched(o, S, a.batch).argmax(axis=1)
    mu, sd = T.mean(axis=0), spread(T)
    lam, sub, rnd = 0.3, None, 0
    while o.queries < a.queries:
        if len(set(L.tolist())) < 2:
            break
        sub = MLPClassifier(hidden_layer_sizes=(32,), max_iter=500, random_state=rnd)
        sub.fit((S - mu) / sd, L)
        step = lam if (rnd // 3) % 2 == 0 else -lam
        cls = np.searchsorted(sub.classes_, L)
        J = mlp_jacobian(sub, (S - mu) / sd, cls)
        new = S + step * np.sign(J) * sd
        new = new[: max(0, a.queries - o.queries)]
        newL = batched(o, new, a.batch).argmax(axis=1)
        S, L = np.vstack([S, new]), np.concatenate([L, newL])
        rnd += 1
    sub = substitute(S, L)
    return {"rounds": rnd, "substitute_accuracy": accuracy(sub, T, y)}


def random_queries(o, T, y, rng, a):
    """Tramer: uniform queries over the feature ranges the attacker knows."""
    lo, hi = T.min(axis=0), T.max(axis=0)
    X = rng.uniform(lo, hi, (a.queries, T.shape[1]))
    L = batched(o, X, a.batch).argmax(axis=1)
    sub = substitute(X, L)
    return {"substitute_accuracy": accuracy(sub, T, y)}


def boundary(o, T, y, rng, a):
    """HopSkipJump-style walk on labels only, for as many targets as the budget allows."""
    done, dist0, dist1, targets = 0, [], [], 0
    while o.queries < a.queries:
        i = rng.integers(len(T))
        x0, c0 = T[i], y[i]
        if o.label(x0)[0] != c0:
            continue
        others = np.flatnonzero(y != c0)
        xs = T[rng.choice(others)]
        targets += 1

        def adv(X):
            return o.label(X) != c0

        def bsearch(xa):
            lo, hi = 0.0, 1.0          # x0 + hi (xa - x0) is adversarial
            while hi - lo > 0.002 and o.queries < a.queries:
                mid = (lo + hi) / 2
                if adv(x0 + mid * (xa - x0))[0]:
                    hi = mid
                else:
                    lo = mid
            return x0 + hi * (xa - x0)

        if not adv(xs)[0]:
            continue
        xb = bsearch(xs)
        d_start = float(np.linalg.norm(xb - x0))
        delta = 0.02
        for it in range(12):
            if o.queries >= a.queries:
                break
            U = rng.normal(size=(16, T.shape[1]))
            U /= np.linalg.norm(U, axis=1, keepdims=True)
            U *= spread(T)
            phi = np.where(adv(xb + delta * U), 1.0, -1.0)
            g = ((phi - phi.mean())[:, None] * U).mean(axis=0) if abs(phi.mean()) < 1 else phi.mean() * U.mean(axis=0)
            if not np.any(g):
                break
            g /= np.linalg.norm(g)
            eps = float(np.linalg.norm(xb - x0)) / np.sqrt(it + 1)
            while eps > 1e-3 and o.queries < a.queries:
                cand = xb + eps * g
                if adv(cand)[0]:
                    xb = bsearch(cand)
                    break
                eps /= 2
        dist0.append(d_start)
        dist1.append(float(np.linalg.norm(xb - x0)))
        done += 1
    return {"targets": targets, "walked": done,
            "start_distance": float(np.mean(dist0)) if dist0 else 0.0,
            "final_distance": float(np.mean(dist1)) if dist1 else 0.0}


def simba(o, T, y, rng, a):
    """SimBA on the standard basis: step eps along one coordinate when p_true drops, the
    coordinates in a random order, again from the first while a pass keeps a step. A pass
    over every coordinate that kept none is not sent again (the same queries would get the
    same answers: saturated ones, e.g. a forest's 1.0): the next target, as the authors'
    SimBA moves on after its n_dims iterations. first_step: the query of its first kept
    step (None: it never stepped, nothing was learned or evaded)."""
    eps, fooled, targets = 0.1, 0, 0
    while o.queries < a.queries:
        i = rng.integers(len(T))
        x, c = T[i].copy(), y[i]
        S = spread(T)
        p = o.proba(x)[0]
        if p.argmax() != c:
            continue
        targets += 1
        order = rng.permutation(T.shape[1])
        kept = 0
        for step in range(40 * T.shape[1]):
            if o.queries >= a.queries:
                break
            if step and step % len(order) == 0:
                if not kept:
                    break   # a whole pass without a step: nothing to learn here
                kept = 0
            q = np.zeros(T.shape[1])
            q[order[step % len(order)]] = eps * S[order[step % len(order)]]
            for cand in (x - q, x + q):
                pc = o.proba(cand)[0]
                if pc[c] < p[c]:
                    x, p = cand, pc
                    kept += 1
                    if getattr(o, "kept_at", None) is None:
                        o.kept_at = o.queries   # its first kept step (the search moves)
                    break
            if p.argmax() != c:
                fooled += 1
                break
    return {"targets": targets, "fooled": fooled, "first_step": getattr(o, "kept_at", None)}


def nes(o, T, y, rng, a, npop=50, sigma=0.001, lr=0.01, eps=0.5):
    """NES (Ilyas et al., Black-box Adversarial Attacks with Limited Queries and Information,
    ICML 2018), untargeted, L-infinity: per step npop antithetic Gaussian samples x + sigma*u
    and x - sigma*u (one request: the + half, then the - half; each feature in its own
    spread), the gradient of log p_true estimated from their answers, a PGD sign step of lr
    projected onto the eps-ball around the start. The centre itself is never queried. On
    saturated answers (p_true rounds to 1) the estimate is zero and it never moves."""
    S = spread(T)
    d = T.shape[1]
    targets = fooled = 0
    while o.queries < a.queries:
        i = rng.integers(len(T))
        x0, c = T[i].astype(np.float64), y[i]
        if o.proba(x0)[0].argmax() != c:
            continue
        targets += 1
        x = x0.copy()
        while o.queries + npop <= a.queries:
            U = rng.normal(size=(npop // 2, d))
            P = o.proba(np.concatenate([x + sigma * S * U, x - sigma * S * U]))
            f = np.log(P[:, c] + 1e-12)
            g = ((f[: npop // 2] - f[npop // 2:])[:, None] * U).sum(axis=0) / (npop * sigma)
            step = np.sign(g)
            if np.any(step) and not getattr(o, "mark", 0):
                o.mark = o.queries   # its first step: the centre moves from here
            x = np.clip(x - lr * S * step, x0 - eps * S, x0 + eps * S)
            if (P.argmax(axis=1) != c).mean() > 0.5:
                fooled += 1
                break
        if o.queries + npop > a.queries:
            break
    return {"targets": targets, "fooled": fooled, "first_step": getattr(o, "mark", 0) or None}


def square(o, T, y, rng, a, eps=0.3, p_init=0.1):
    """Square Attack, L-inf (Andriushchenko et al., ECCV 2020) as the authors' square_attack_linf
    runs it: the clean query, vertical stripes of +-eps, then per iteration a window of the
    row, one random sign for all of it (one per channel: these rows have one), set to the
    ball's vertex there and kept when the margin loss (log p_y - max log p_k: the logits'
    margin) drops; the window's side shrinks on the authors' schedule (halved at iterations
    10, 50, 200, ...). A digits row is its 8 x 8 image (square windows, stripes per column),
    any other row a 1 x d strip (windows of s contiguous features, stripes per feature).
    eps: 0.3 of each feature's spread (the paper's MNIST budget, 0.3 of the pixel range).
    A target is fooled when its margin turns negative (the next target follows). Score-based:
    against a server answering labels only the margin is that of one-hot answers.
    bench/python/evasion_streams.py replays this same function (one implementation)."""
    S = spread(T)
    lo, hi = T.min(axis=0), T.max(axis=0)
    d = T.shape[1]
    side = int(round(np.sqrt(d)))
    h, w = (side, side) if d == 64 or (side * side == d and d >= 64) else (1, d)
    E = eps * S
    targets = fooled = 0

    def loss(p, c):
        lp = np.log(np.maximum(p, 1e-30))
        other = np.delete(lp, c).max()
        return lp[c] - other

    def p_sel(it):
        k = sum(it > b for b in (10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000))
        return p_init / (2 ** k)

    while o.queries < a.queries:
        x = T[rng.integers(len(T))].astype(np.float64)
        c = o.proba(x)[0].argmax()
        targets += 1
        stripes = rng.choice([-1.0, 1.0], size=(1, w))
        delta = (np.repeat(stripes, h, axis=0).ravel()) * E
        best = np.clip(x + delta, lo, hi)
        pb = o.proba(best)[0]
        lb = loss(pb, c)
        it = 0
        while o.queries < a.queries and lb > 0 and it < 10000:
            p = p_sel(it)
            s = max(1, int(round(np.sqrt(p * h * w)))) if h > 1 else max(1, int(round(p * w)))
            s = min(s, w - 1) if h == 1 else min(s, h - 1)
            r0 = rng.integers(0, h - s) if h > 1 else 0
            c0 = rng.integers(0, w - s)
            win = np.zeros((h, w), dtype=bool)
            win[r0:r0 + (s if h > 1 else 1), c0:c0 + s] = True
            win = win.ravel()
            cur = (best - x)
            new = cur.copy()
            tries = 0
            while True:
                new[win] = rng.choice([-1.0, 1.0]) * E[win]
                cand = np.clip(x + new, lo, hi)
                if np.any(np.abs(cand[win] - best[win]) > 1e-7) or tries > 10:
                    break
                tries += 1
            pn = o.proba(cand)[0]
            ln = loss(pn, c)
            if ln < lb:
                best, lb, pb = cand, ln, pn
                if getattr(o, "kept_at", None) is None:
                    o.kept_at = o.queries   # its first kept step
            it += 1
        fooled += int(lb <= 0)
    return {"targets": targets, "fooled": fooled, "first_step": getattr(o, "kept_at", None)}


def bnd_walk(o, T, y, rng, a, spherical_step=0.01, source_step=0.01, adapt=1.5, every=10,
             start=False):
    """The Boundary Attack (Brendel, Rauber and Bethge, ICLR 2018) as its authors' reference
    implementation runs it (foolbox 3, BoundaryAttack defaults, one input): the start from
    foolbox's LinearSearchBlendedUniformNoiseAttack (the original queried, uniform draws over
    the data's box until one is misclassified, then blends (1 - e) x0 + e r for e = 0, 0.02,
    ... until adversarial), then per step one candidate (an orthogonal step of spherical_step
    times the distance to x0, projected back on the sphere around x0, then source_step of the
    distance toward x0), kept when adversarial and closer, and every 10th step the spherical
    candidate as well; step sizes adapted from the success rates of the last 100 spherical and
    30 full candidates (x1.5 when the spherical rate is above 0.5, /1.5 below 0.2; the source
    step x1.5 above 0.25, /1.5 below 0.1). The attacker works in units of each feature's spread.
    Decision-based: it reads labels only.
    start: foolbox's starting_points instead (the paper's targeted start, an input of another
    class): records of the split until one is answered as another class; the walk alone.
    o.mark: the queries sent before the first walk (its start). Reports the targets, the
    walks begun and the last walk's distance to its original, at its start and its end (in
    the attacker's units). bench/python/evasion_streams.py replays this same function."""
    S = spread(T)
    lo, hi = T.min(axis=0) / S, T.max(axis=0) / S
    d = T.shape[1]
    n = a.queries
    res = {"targets": 0, "walks": 0, "start_distance": 0.0, "final_distance": 0.0}

    def adv(z, c):
        return o.label(z * S)[0] != c

    def done(x0=None, xa=None):
        if xa is not None:
            res["final_distance"] = float(np.linalg.norm(x0 - xa))
        res["walk_start"] = getattr(o, "mark", 0) or None
        return res

    while o.queries < n:
        x0 = T[rng.integers(len(T))].astype(np.float64) / S
        c = o.label(x0 * S)[0]          # LinearSearchBlendedUniformNoise: is_adversarial(x)
        res["targets"] += 1
        if start:
            xa = None
            for _ in range(20):
                j = T[rng.integers(len(T))].astype(np.float64) / S
                if o.queries < n and adv(j, c):
                    xa = j
                    break
            if xa is None:
                continue
            r = None
        else:
            xa = None
            r = None
        for _ in range(0 if start else 1000):
            if o.queries >= n:
                return done()
            u = rng.uniform(lo, hi)
            if adv(u, c):
                r = u
                break
        if r is None and not start:
            continue
        for e in np.linspace(0, 1, 51) if not start else ():
            if o.queries >= n:
                return done()
            z = (1 - e) * x0 + e * r
            if adv(z, c):
                xa = z
                break
        if xa is None:
            continue
        if not getattr(o, "mark", 0):
            o.mark = o.queries          # the start found: the walk begins
        res["walks"] += 1
        res["start_distance"] = float(np.linalg.norm(x0 - xa))
        sph_s, src_s = spherical_step, source_step
        st_sph, st_step = [], []
        for step in range(1, 25001):
            if o.queries >= n or src_s < 1e-7:
                break
            diff = x0 - xa
            dist = np.linalg.norm(diff)
            u = diff / dist
            eta = rng.normal(size=d)
            eta -= (eta @ u) * u
            eta *= sph_s * dist / np.linalg.norm(eta)
            sph = np.clip(x0 + (eta - diff) / np.sqrt(sph_s ** 2 + 1), lo, hi)
            nd = x0 - sph
            nn = np.linalg.norm(nd)
            ln = max(src_s * dist + nn - dist, 0) / nn
            cand = np.clip(sph + ln * nd, lo, hi)
            ok = adv(cand, c)
            check = step % every == 0
            if check:
                if o.queries >= n:
                    break
                st_sph.append(adv(sph, c))
                st_sph = st_sph[-100:]
                st_step.append(ok)
                st_step = st_step[-30:]
            if ok and np.linalg.norm(x0 - cand) < dist:
                xa = cand
            if check:
                if len(st_sph) == 100:
                    m = np.mean(st_sph)
                    if m > 0.5:
                        sph_s *= adapt
                        src_s *= adapt
                        st_sph = []
                    elif m < 0.2:
                        sph_s /= adapt
                        src_s /= adapt
                        st_sph = []
                if len(st_step) == 30:
                    m = np.mean(st_step)
                    if m > 0.25:
                        src_s *= adapt
                        st_step = []
                    elif m < 0.1:
                        src_s /= adapt
                        st_step = []
        res["final_distance"] = float(np.linalg.norm(x0 - xa))
    return done()


def image_shape(d):
    """(h, w) of a row read as a one-channel image: digits' 8 x 8 (or K times that), any
    other row a 1 x d strip."""
    side = int(round(np.sqrt(d)))
    return (side, side) if side * side == d and d >= 64 else (1, d)


def dct_basis(h, w, k):
    """The k-th 2-D DCT basis image (orthonormal, type II inverse) of an h x w image, as a
    row: the image whose DCT holds a single 1 at coefficient k (row-major)."""
    from scipy.fft import idctn
    z = np.zeros(h * w)
    z[k] = 1.0
    return idctn(z.reshape(h, w), norm="ortho").ravel()


def dct_order(h, w, rng, first=4):
    """ART's SimBA block order: the top-left first x first coefficients in random order, then
    each next ring (one more row and column) in random order."""
    order = np.zeros((h, w))
    n = min(first, h) * min(first, w)
    order[:first, :first] = rng.permutation(n).reshape(min(first, h), min(first, w))
    total = n
    for i in range(first, max(h, w)):
        ring = [(r, i) for r in range(min(i + 1, h)) if i < w] + [(i, c) for c in range(i) if i < h]
        perm = rng.permutation(len(ring)) + total
        for (r, c), v in zip(ring, perm):
            order[r, c] = v
        total += len(ring)
    return order.ravel().argsort()


def simba_art(o, T, y, rng, a, eps=0.1):
    """SimBA as ART's SimBA runs it (Guo et al., ICML 2019; art.attacks.evasion.SimBA, its
    defaults): on an image (digits) attack="dct": the directions are 2-D DCT basis images, the
    low frequencies first (freq_dim 4: the top-left 4 x 4 in random order, then ring by ring);
    on other rows (ART takes them as 1 x 1 x 1 x d images) attack="px", coordinates in random
    order. Each iteration queries x - eps q AND x + eps q (both, whatever the first answers,
    unlike the authors' simba_single), clipped to the estimator's clip values (one scalar
    range: the data's), and keeps the better one if it lowers p_true. eps: ART's 0.1 on
    inputs in [0, 1], here 0.1 of the data's range (images) or of each feature's spread."""
    d = T.shape[1]
    h, w = image_shape(d)
    image = h > 1
    lo, hi = float(T.min()), float(T.max())
    S = spread(T)
    targets = fooled = 0
    while o.queries < a.queries:
        i = rng.integers(len(T))
        x = T[i].astype(np.float64).copy()
        p = o.proba(x)[0]
        c = p.argmax()
        if c != y[i]:
            continue
        targets += 1
        last = p[c]
        order = dct_order(h, w, rng) if image else rng.permutation(d)
        for it in range(len(order)):
            if o.queries + 2 > a.queries:
                break
            k = order[it]
            if image:
                q = eps * (hi - lo) * dct_basis(h, w, k)
            else:
                q = np.zeros(d)
                q[k] = eps * S[k]
            left = np.clip(x - q, lo, hi) if image else x - q
            right = np.clip(x + q, lo, hi) if image else x + q
            pl = o.proba(left)[0]
            pr = o.proba(right)[0]
            if pl[c] < last or pr[c] < last:
                x, p = (left, pl) if pl[c] < pr[c] else (right, pr)
                last = p[c]
                if getattr(o, "kept_at", None) is None:
                    o.kept_at = o.queries   # its first kept step
            if p.argmax() != c:
                fooled += 1
                break
    return {"targets": targets, "fooled": fooled, "first_step": getattr(o, "kept_at", None)}


def bandits(o, T, y, rng, a, eps=0.3, fd_eta=0.1, image_lr=0.01, online_lr=100.0,
            exploration=1.0, tile=2, iters=10000):
    """Bandits-TD, L-inf (Ilyas, Engstrom and Madry, ICLR 2019, their blackbox-bandits code):
    a prior on the gradient kept at a tile's resolution (2 x 2 pixels on an image, one
    feature on other rows), per iteration the image's label checked, then two queries
    image + fd_eta * q / |q| with q = prior +- exploration * noise (upsampled; not clipped),
    the finite difference of their losses updating the prior by an exponentiated-gradient
    step, and the image stepping image_lr * sign(prior), projected onto the eps-ball around
    the original and clipped to the data's range. Units: the authors' images are in [0, 1];
    here every length is scaled by the data's range (images) or each feature's spread; eps
    0.3 (MNIST's budget; the authors' 0.05 is ImageNet's)."""
    from scipy.special import expit
    d = T.shape[1]
    h, w = image_shape(d)
    image = h > 1
    t = tile if image else 1
    ph, pw = -(-h // t), -(-w // t)
    lo, hi = float(T.min()), float(T.max())
    unit = np.full(d, hi - lo) if image else spread(T)

    def up(v):
        return np.repeat(np.repeat(v.reshape(ph, pw), t, axis=0), t, axis=1)[:h, :w].ravel()

    def loss(p, c):
        return -np.log(max(p[c], 1e-12))   # the cross-entropy the attacker raises

    targets = fooled = 0
    while o.queries < a.queries:
        i = rng.integers(len(T))
        x0 = T[i].astype(np.float64)
        if o.proba(x0)[0].argmax() != y[i]:
            continue
        c = y[i]
        targets += 1
        x = x0.copy()
        prior = np.zeros(ph * pw)
        for it in range(iters):
            if o.queries + 3 > a.queries:
                break
            if it and o.proba(x)[0].argmax() != c:
                fooled += 1
                break
            noise = exploration * rng.normal(size=ph * pw) / np.sqrt(ph * pw)
            q1, q2 = up(prior + noise), up(prior - noise)
            n1, n2 = np.linalg.norm(q1), np.linalg.norm(q2)
            P = o.proba(np.stack([x + fd_eta * unit * q1 / (n1 or 1.0),
                                  x + fd_eta * unit * q2 / (n2 or 1.0)]))
            g = (loss(P[0], c) - loss(P[1], c)) / (fd_eta * exploration) * noise
            # eg_step (the prior in [-1, 1]): pos / (pos + neg) with pos = r e^(lr g),
            # neg = (1 - r) e^(-lr g), r = (prior + 1) / 2, written as a logistic of the
            # log-odds so that large steps saturate instead of overflowing
            r = np.clip((prior + 1) / 2, 1e-12, 1 - 1e-12)
            prior = 2 * expit(np.log(r) - np.log1p(-r) + 2 * online_lr * g) - 1
            step = np.sign(up(prior))
            if np.any(step) and getattr(o, "kept_at", None) is None:
                o.kept_at = o.queries   # the image starts moving here
            x = np.clip(np.clip(x + image_lr * unit * step, x0 - eps * unit, x0 + eps * unit), lo, hi)
    return {"targets": targets, "fooled": fooled, "first_step": getattr(o, "kept_at", None)}


def sign_opt(o, T, y, rng, a, num_trial=100, k=200, alpha=0.2, beta=0.001, smooth=0.001):
    """Sign-OPT, untargeted (Cheng et al., ICLR 2020) as ART's SignOPTAttack runs it with its
    defaults, labels only: the original's label, then num_trial Gaussian directions theta
    (raw units), each x0 + theta queried and, when adversarial, a binary search along it from
    x0 (tolerance 1e-3 of the distance) for the distance to the boundary g(theta); from the
    best, per iteration k queries x0 + g * (theta + smooth u) / |.| (a sign-gradient estimate:
    every one at distance g from x0), then a line search of the step along the new direction
    (x 1.01 or x 0.99 steps, then a binary search to beta / 500). Images are clipped to the
    data's range (the estimator's clip values), other rows are not."""
    d = T.shape[1]
    image = image_shape(d)[0] > 1
    lo, hi = float(T.min()), float(T.max())
    targets = fooled = 0

    def label(x):
        return o.proba(np.clip(x, lo, hi) if image else x)[0].argmax()

    def budget(n=1):
        return o.queries + n <= a.queries

    while budget(2):
        i = rng.integers(len(T))
        x0 = T[i].astype(np.float64)
        y0 = label(x0)
        targets += 1
        best, g = None, np.inf
        for _ in range(num_trial):
            if not budget():
                break
            theta = rng.normal(size=d)
            if label(x0 + theta) == y0:
                continue
            lbd = np.linalg.norm(theta)
            theta = theta / lbd
            if not getattr(o, "mark", 0):
                o.mark = o.queries   # its first adversarial direction: its first search starts
            if lbd > g:
                if not budget() or label(x0 + g * theta) == y0:
                    continue
                lbd = g
            lo_, hi_ = 0.0, lbd
            while hi_ - lo_ > 1e-3 and budget():
                mid = (lo_ + hi_) / 2
                if label(x0 + mid * theta) != y0:
                    hi_ = mid
                else:
                    lo_ = mid
            if hi_ < g:
                best, g = theta, hi_
                o.kept_at = getattr(o, "kept_at", None) or o.queries
        if best is None:
            continue

        def local(th, lbd, tol):
            if not budget():
                return np.inf
            if label(x0 + lbd * th) == y0:
                lo_, hi_ = lbd, lbd * 1.01
                while budget() and label(x0 + hi_ * th) == y0:
                    hi_ *= 1.01
                    if hi_ > 20:
                        return np.inf
            else:
                hi_, lo_ = lbd, lbd * 0.99
                while budget() and label(x0 + lo_ * th) != y0:
                    lo_ *= 0.99
            while hi_ - lo_ > tol and budget():
                mid = (lo_ + hi_) / 2
                if label(x0 + mid * th) != y0:
                    hi_ = mid
                else:
                    lo_ = mid
            return hi_

        g0 = g
        while budget(k):
            grad = np.zeros(d)
            for _ in range(k):
                u = rng.normal(size=d)
                u /= np.linalg.norm(u)
                nt = best + smooth * u
                nt /= np.linalg.norm(nt)
                grad += u * (-1 if label(x0 + g * nt) != y0 else 1)
            grad /= k
            min_t, min_g = best, g
            for _ in range(15):
                nt = best - alpha * grad
                nt /= np.linalg.norm(nt)
                ng = local(nt, min_g, beta / 500)
                alpha *= 2
                if ng < min_g:
                    min_t, min_g = nt, ng
                else:
                    break
            if min_g >= g:
                for _ in range(15):
                    alpha *= 0.25
                    nt = best - alpha * grad
                    nt /= np.linalg.norm(nt)
                    ng = local(nt, min_g, beta / 500)
                    if ng < g:
                        min_t, min_g = nt, ng
                        break
            if alpha < 1e-4:
                alpha, beta = 1.0, beta * 0.1
                if beta < 1e-8:
                    break
            best, g = min_t, min_g
        fooled += int(g < g0)
    return {"targets": targets, "fooled": fooled, "first_step": getattr(o, "kept_at", None)}


def bnd_start(o, T, y, rng, a):
    """bnd_walk from foolbox's starting_points: a record of the split answered as another class"""
    return bnd_walk(o, T, y, rng, a, start=True)


def spread(T):
    """Per-feature spread: perturbations in a feature's own unit (1 on z-scores)."""
    s = T.std(axis=0)
    return np.where(s > 0, s, 1.0)


def records(o, T, y, rng, a, pick=None, noise=0.0):
    n = 0
    S = spread(T)
    while n < a.queries:
        k = min(a.batch, a.queries - n)
        idx = pick(k) if pick else rng.integers(len(T), size=k)
        X = T[idx].copy()
        if noise:
            X += rng.normal(0, noise, X.shape) * S
        o.proba(X)
        n += k
    return {}


def oneclass(o, T, y, rng, a):
    cls = np.unique(y)
    main = cls[rng.integers(len(cls))]
    inside, outside = np.flatnonzero(y == main), np.flatnonzero(y != main)

    def pick(k):
        return np.where(rng.random(k) < 0.9, rng.choice(inside, k), rng.choice(outside, k))
    return records(o, T, y, rng, a, pick)


def resend(o, T, y, rng, a):
    """A nightly batch re-scoring the same 25 records, with a client library's retries."""
    keep = rng.choice(len(T), min(25, len(T)), replace=False)
    n, i = 0, 0
    while n < a.queries:
        k = min(a.batch, a.queries - n)
        X = T[keep[(i + np.arange(k)) % len(keep)]]
        i += k
        o.proba(X)
        n += k
        if rng.random() < 0.1 and n < a.queries:   # timeout: the same request again
            o.proba(X)
            n += k
    return {}


def retry(o, T, y, rng, a):
    """Real records; a third of the requests time out and are sent again at once."""
    n = 0
    while n < a.queries:
        k = min(a.batch, a.queries - n)
        X = T[rng.integers(len(T), size=k)]
        o.proba(X)
        n += k
        if rng.random() < 0.3 and n < a.queries:
            o.proba(X)
            n += k
    return {}


def frames(o, T, y, rng, a):
    S = spread(T)
    n = 0
    base = T[rng.integers(len(T))].copy()
    while n < a.queries:
        if n and n % 150 == 0:
            base = T[rng.integers(len(T))].copy()
        k = min(a.batch, a.queries - n)
        X = []
        for _ in range(k):
            base += rng.normal(0, 0.005, base.shape) * S
            X.append(base + rng.normal(0, 0.02, base.shape) * S)
        o.proba(np.array(X))
        n += k
    return {}


def whatif(o, T, y, rng, a):
    """One record at a time: ask for it, then for it with one feature set to 8 values across
    that feature's range (single-row requests, as an analyst's tool sends them)."""
    lo, hi = T.min(axis=0), T.max(axis=0)
    n = 0
    while n < a.queries:
        x = T[rng.integers(len(T))].copy()
        o.proba(x)
        n += 1
        j = rng.integers(T.shape[1])
        for v in np.linspace(lo[j], hi[j], 8):
            if n >= a.queries:
                break
            x2 = x.copy()
            x2[j] = v
            o.proba(x2)
            n += 1
    return {}


def coarse(o, T, y, rng, a):
    """Real records, coarse: each feature rounded to a whole multiple of its spread around
    its mean; images (digits, 0..16) thresholded to black and white instead."""
    lo, hi = T.min(axis=0), T.max(axis=0)
    if a.model == "digits":
        Q = np.where(T >= (lo + hi) / 2, hi, lo)
    else:
        mu, S = T.mean(axis=0), spread(T)
        Q = mu + np.round((T - mu) / S) * S
    return records(o, Q, y, rng, a)


def popular(o, T, y, rng, a):
    """Many ordinary users of one model (give --pool): a demo record everyone tries, tried as
    is, with one field edited to a value another record has (what-if on the demo), re-typed
    with rounding or tiny noise, a few popular records (a shared cache miss), and ordinary
    records; single-row requests, some retried."""
    S = spread(T)
    demo = T[rng.integers(len(T))].astype(np.float64)
    hot = T[rng.choice(len(T), min(5, len(T)), replace=False)].astype(np.float64)
    n = 0
    while n < a.queries:
        u = rng.random()
        if u < 0.35:
            x = demo
        elif u < 0.55:
            x = demo.copy()
            j = rng.integers(T.shape[1])
            x[j] = T[rng.integers(len(T)), j]
        elif u < 0.65:
            x = np.round(demo, 1) if rng.random() < 0.5 else demo + rng.normal(0, 0.005, demo.shape) * S
        elif u < 0.85:
            x = hot[rng.integers(len(hot))]
        else:
            x = T[rng.integers(len(T))]
        o.proba(x)
        n += 1
        if rng.random() < 0.1 and n < a.queries:
            o.proba(x)
            n += 1
    return {}


def sensitivity(o, T, y, rng, a, grids=(2, 3, 5, 8)):
    """One-at-a-time sensitivity analysis (OAT, Saltelli et al., Global Sensitivity Analysis:
    The Primer, 2008), or individual conditional expectation curves (Goldstein et al. 2015),
    as a data scientist runs them on single records: a real record, then 3 to 6 of its
    features in turn, each swept over a grid across its range (5th to 95th percentile) with
    the others held at the record's values, then the next record. The grid (2 values: a
    tornado chart's low and high; 3, 5 or 8: <grids>) and whether a feature's grid goes as
    one request or a row per request vary by record; nothing depends on the answers."""
    lo, hi = np.percentile(T, 5, axis=0), np.percentile(T, 95, axis=0)
    free = np.flatnonzero(hi > lo)
    n = 0
    while n < a.queries:
        x = T[rng.integers(len(T))].astype(np.float64)
        o.proba(x)
        n += 1
        k = int(rng.choice(list(grids)))
        batch = rng.random() < 0.5
        for j in rng.choice(free, min(len(free), int(rng.integers(3, 7))), replace=False):
            X = np.repeat(x[None, :], k, axis=0)
            X[:, j] = np.linspace(lo[j], hi[j], k)
            X = X[: a.queries - n]
            if not len(X):
                break
            for part in ([X] if batch else X):
                o.proba(part)
            n += len(X)
    return {}


def tornado(o, T, y, rng, a):
    """Tornado charts and three-point sweeps only: sensitivity() with grids of 2 (a
    feature's low and high) or 3 values (low, middle, high). On integer features (digits'
    0..16 pixels) the low and high sit symmetric around many records' values (0 and 16
    around 8), so the sweep's two children of a record mirror each other exactly."""
    return sensitivity(o, T, y, rng, a, grids=(2, 3))


def local_probe(o, T, y, rng, a):
    """Local (derivative-based) sensitivity analysis of single records, as a data scientist
    or an explainability tool computes it (finite differences, Saltelli et al. 2008 ch. 1;
    elasticities): a real record, then for each of its features in turn (all, or 3 to 8 of
    them) the record with that feature moved up and down by one small delta, the others
    held: x + d e_j, x - d e_j. The delta is a share of the feature's spread (1 %, 5 % or
    10 %) or of its value (+-10 %, a tornado chart's usual swing), fixed per record; a
    record's probes go as one request or a row per request; sometimes the same record is
    probed again with another delta. Then the next record, far from this one. Nothing
    depends on the answers: the centre never moves toward the boundary."""
    S = spread(T)
    d = T.shape[1]
    n = 0
    while n < a.queries:
        x = T[rng.integers(len(T))].astype(np.float64)
        o.proba(x)
        n += 1
        feats = (np.arange(d) if rng.random() < 0.5 or d <= 8
                 else np.sort(rng.choice(d, int(rng.integers(3, 9)), replace=False)))
        batch = rng.random() < 0.5
        for _ in range(1 + (rng.random() < 0.3)):
            u = rng.random()
            delta = 0.1 * np.abs(x) if u < 0.25 else float(rng.choice([0.01, 0.05, 0.1])) * S
            delta = np.where(delta > 0, delta, 0.05 * S)
            X = []
            for j in feats:
                for sgn in (1.0, -1.0):
                    q = x.copy()
                    q[j] += sgn * delta[j]
                    X.append(q)
            X = np.array(X)[: a.queries - n]
            if not len(X):
                break
            for part in ([X] if batch else X):
                o.proba(part)
            n += len(X)
    return {}


def noisy(o, T, y, rng, a):
    return records(o, T, y, rng, a, noise=0.05)


def knockoff(o, T, y, rng, a):
    """Natural data the attacker owns, in random order (KnockoffNets' random policy), then
    augments it (noise + mixup of two of its records) when its own records run out."""
    order = list(rng.permutation(len(T)))
    seen = {}
    X, L = [], []
    S = spread(T)
    own = 0   # rows of its own records before the first augmented one
    while o.queries < a.queries:
        k = min(a.batch, a.queries - o.queries)
        if len(order) >= k:
            batch = [order.pop() for _ in range(k)]
            Q = T[batch]
            own += k if own == o.queries else 0
        else:
            i = rng.integers(len(X), size=k)
            j = rng.integers(len(X), size=k)
            lam = rng.random((k, 1))
            Xa = np.array(X)
            Q = lam * Xa[i] + (1 - lam) * Xa[j] + rng.normal(0, 0.05, (k, T.shape[1])) * S
        lab = o.label(Q)
        for q, c in zip(Q, lab):
            X.append(q)
            L.append(int(c))
            seen[int(c)] = seen.get(int(c), 0) + 1
    sub = substitute(np.array(X), np.array(L))
    return {"substitute_accuracy": accuracy(sub, T, y), "classes": len(seen), "own_records": own}


def transfer_set(model, T, rng, n=4000):
    """KnockoffNets' transfer set: natural records of another distribution, in the units the
    model's clients send (T: the attacker's own records, for the feature count, means,
    spreads and ranges it knows from the API's documentation)."""
    from sklearn import datasets
    d = T.shape[1]
    lo, hi = T.min(axis=0), T.max(axis=0)
    if model == "digits":
        # natural photographs, not digits: grey 8x8 patches of random windows (8..160 px)
        imgs = [im.mean(axis=2) for im in datasets.load_sample_images().images]
        side = int(round(np.sqrt(d)))
        out = np.empty((n, d))
        for i in range(n):
            im = imgs[rng.integers(len(imgs))]
            w = side * int(rng.integers(1, 21))
            r0, c0 = rng.integers(im.shape[0] - w), rng.integers(im.shape[1] - w)
            p = im[r0:r0 + w, c0:c0 + w].reshape(side, w // side, side, w // side).mean(axis=(1, 3))
            v = p.ravel() / 255.0
            if rng.random() < 0.5:          # ink is bright in the model's images
                v = 1 - v
            if rng.random() < 0.5:          # the attacker's own contrast stretch
                v = (v - v.min()) / max(v.max() - v.min(), 1e-9)
            out[i] = np.round(lo + v * (hi - lo))
        return out
    # tables: the smallest other bundled table with enough varying columns
    tables = {"diabetes": datasets.load_diabetes, "wine": datasets.load_wine,
              "breast_cancer": datasets.load_breast_cancer, "digits": datasets.load_digits}
    for name, load in sorted(tables.items(), key=lambda kv: kv[1](return_X_y=True)[0].shape[1]):
        X = load(return_X_y=True)[0]
        X = X[:, X.std(axis=0) > 0]
        if name != model and X.shape[1] >= d:
            break
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    parts = []   # a small table gives several transfer sets: one per draw of its columns
    while sum(len(q) for q in parts) < n:
        parts.append(Z[:, rng.choice(Z.shape[1], d, replace=False)])
    out = np.clip(T.mean(axis=0) + np.vstack(parts) * spread(T), lo, hi)
    return out[rng.permutation(len(out))][:n]


def knockoff_transfer(o, T, y, rng, a, adaptive=False):
    """KnockoffNets (Orekondy et al., CVPR 2019) with a transfer set from another
    distribution. Random policy: uniform draws. Adaptive policy: a gradient bandit
    (preferences H over K clusters of the transfer set, softmax policy, baseline = mean
    reward) rewarded by certainty (p1 - p2) + diversity (sum over classes of how much the
    answer exceeds the class's mean answer over the last 25)."""
    P = transfer_set(a.model, T, rng)
    X, L = [], []
    if adaptive:
        from sklearn.cluster import KMeans
        K = 20
        act = KMeans(n_clusters=K, n_init=3, random_state=int(rng.integers(1 << 30))).fit_predict(P)
        members = [list(rng.permutation(np.flatnonzero(act == k))) for k in range(K)]
        H, base, nr, alpha = np.zeros(K), 0.0, 0, 0.5
        recent = []
    order = list(rng.permutation(len(P)))
    while o.queries < a.queries:
        k = min(a.batch, a.queries - o.queries)
        if not adaptive:
            idx = [order.pop() for _ in range(k)]
            Q = P[idx]
            X += list(Q)
            L += list(o.label(Q))
            continue
        pi = np.exp(H - H.max())
        pi /= pi.sum()
        acts, idx = [], []
        for _ in range(k):
            pa = pi * np.array([len(m) > 0 for m in members])
            acts.append(int(rng.choice(K, p=pa / pa.sum())))
            idx.append(members[acts[-1]].pop())
        Q = P[idx]
        prob = o.proba(Q)
        for c, pr in zip(acts, prob):
            top = np.sort(pr)[::-1]
            cert = top[0] - (top[1] if len(top) > 1 else 0)
            div = float(np.maximum(0, pr - np.mean(recent, axis=0)).sum()) if recent else 0.0
            recent = (recent + [pr])[-25:]
            r = cert + div
            nr += 1
            base += (r - base) / nr
            g = alpha * (r - base)
            H -= g * pi
            H[c] += g
        X += list(Q)
        L += list(prob.argmax(axis=1))
    sub = substitute(np.array(X), np.array(L))
    return {"substitute_accuracy": accuracy(sub, T, y), "classes": len(set(L)),
            "policy": "adaptive" if adaptive else "random"}


def in_parallel(o, a, sources, send, start_every=0.0):
    """One keep-alive connection per entry of <sources> (a source address each), each in its
    own thread calling send(connection, rng) until the client's --queries are spent (each
    connection closed-loop: its next request when the answer came). Connection i starts
    i * <start_every> seconds after the first (a ramp-up). Counts go to <o>. With --started
    FILE, FILE is created once every connection has had an answer (a harness's cue)."""
    import threading
    conns = [Oracle(o.conn.port, s, o.model, 0) for s in sources]
    lock = threading.Lock()
    left = [a.queries]
    answered = set()

    def run(c, i):
        time.sleep(i * start_every)
        r = np.random.default_rng(a.seed * 100 + i)
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= a.batch
            send(c, r)
            if a.started and i not in answered:
                with lock:
                    answered.add(i)
                    if len(answered) == len(conns):
                        open(a.started, "w").close()
    ts = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for c in conns:
        o.queries += c.queries
        o.requests += c.requests
        c.close()
    return {"connections": len(conns)}


def flood_rows(T):
    """A flood's request: one data-distribution row."""
    return lambda c, r: c.proba(T[r.integers(len(T))][None, :])


def flood_parallel(o, T, y, rng, a):
    """Eight connections from the same source, single-row requests as fast as the server
    answers them."""
    a.batch = 1
    return in_parallel(o, a, [a.source] * 8, flood_rows(T))


def flood_pool(o, T, y, rng, a):
    """A flood from many addresses (a botnet, --pool N): one connection from each, all at
    once, single-row requests as fast as the server answers; each address alone is one
    closed-loop client."""
    a.batch = 1
    send = flood_rows(T)
    if a.fresh:
        send = lambda c, r: c.proba(T[r.integers(len(T))][None, :] + r.normal(0, 0.05, (1, T.shape[1])))
    return in_parallel(o, a, pool_sources(a.source, a.pool or 8), send)


def flood_ramp(o, T, y, rng, a):
    """A slow ramp-up flood from one source: one connection, then one more every --ramp
    seconds up to --conns, single-row requests as fast as the server answers (no window
    is a sudden break from the one before)."""
    a.batch = 1
    return in_parallel(o, a, [a.source] * a.conns, flood_rows(T), a.ramp)


def pool_batch(o, T, y, rng, a):
    """An ordinary batch job with a small connection pool (--conns, 2-4): real records of
    the held-out split in batches of --batch over each connection, as fast as answered."""
    return in_parallel(o, a, [a.source] * a.conns,
                       lambda c, r: c.proba(T[r.integers(len(T), size=a.batch)]))


def fanout(o, T, y, rng, a):
    """An ordinary parallel job (--pool N workers, one address and keep-alive connection
    each, all started together): a data set of --queries new measurements (the held-out
    records, each feature with 5 % gain error), every record scored once, the workers
    taking the next --batch records as they are answered."""
    import threading
    X = T[rng.integers(len(T), size=a.queries)] * (1 + rng.normal(0, 0.05, (a.queries, T.shape[1])))
    lock = threading.Lock()
    at = [0]

    def send(c, r):
        with lock:
            i = at[0]
            at[0] += a.batch
        if i < len(X):
            c.proba(X[i:i + a.batch])
    return in_parallel(o, a, pool_sources(a.source, a.pool or 8), send)


def harvest(o, T, y, rng, a):
    """Membership probing: every candidate record asked again and again, half of the
    copies exact and half lightly perturbed, keeping every full probability vector."""
    k = a.batch
    n = 0
    cands = 0
    while n < a.queries:
        x = T[rng.integers(len(T))]
        X = np.repeat(x[None, :], k, axis=0)
        X[k // 2:] += rng.normal(0, 0.01, (k - k // 2, T.shape[1]))
        o.proba(X)
        n += k
        cands += 1
    return {"candidates": cands}


def flood(o, T, y, rng, a):
    """Data-distribution rows, one per request, back to back."""
    for _ in range(a.queries):
        o.proba(T[rng.integers(len(T))] + rng.normal(0, 0.05, T.shape[1]))
    return {}


def paced(o, T, y, rng, a):
    """Data-distribution rows, one per request, each request started at least 1 / rate after
    the one before (late ones never catch up in a burst): a window of w seconds never holds
    more than rate * w + 1 of them."""
    t0 = nxt = time.monotonic()
    for _ in range(a.queries):
        wait = nxt - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        nxt = max(nxt, time.monotonic()) + 1.0 / a.rate
        o.proba(T[rng.integers(len(T))] + rng.normal(0, 0.05, T.shape[1]))
    return {"rate": a.rate, "seconds": round(time.monotonic() - t0, 2)}


ROLES = {"benign": benign, "paced": paced, "jbda": jbda, "random": random_queries, "boundary": boundary,
         "simba": simba, "simba_art": simba_art, "bandits": bandits, "sign_opt": sign_opt, "nes": nes, "square": square, "bnd_walk": bnd_walk, "bnd_start": bnd_start,
         "harvest": harvest, "flood": flood, "knockoff": knockoff,
         "transfer": knockoff_transfer,
         "transfer_adaptive": lambda o, T, y, rng, a: knockoff_transfer(o, T, y, rng, a, True),
         "flood_parallel": flood_parallel, "flood_pool": flood_pool, "flood_ramp": flood_ramp,
         "pool_batch": pool_batch, "fanout": fanout, "records": records, "busy": records,
         "oneclass": oneclass, "resend": resend, "retry": retry, "frames": frames, "noisy": noisy,
         "whatif": whatif, "coarse": coarse, "popular": popular, "sensitivity": sensitivity,
         "tornado": tornado, "local_probe": local_probe}
BENIGN = {"benign", "records", "busy", "pool_batch", "fanout", "oneclass", "resend", "retry", "frames", "noisy", "whatif",
          "coarse", "popular", "sensitivity", "tornado", "local_probe"}
ROLES.update(benign_roles.ROLES)
BENIGN |= set(benign_roles.ROLES)
ROLES.update(explainer_roles.ROLES)
BENIGN |= set(explainer_roles.ROLES)


def pool_sources(source, n):
    """The --pool addresses of a client: 127.(100 + c).d.k for --source 127.b.c.d, k = 1..n
    (loopback, apart from every --source of the bench)."""
    o = [int(v) for v in source.split(".")]
    return [f"127.{100 + o[2]}.{o[3]}.{k}" for k in range(1, n + 1)]


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(claims, key=None):
    """A compact JWS: HS256 with <key>, else an RS256 header over a made-up signature."""
    hdr = {"alg": "HS256" if key else "RS256", "typ": "JWT"}
    signing = b64u(json.dumps(hdr).encode()) + "." + b64u(json.dumps(claims).encode())
    sig = (hmac.new(key.encode(), signing.encode(), hashlib.sha256).digest() if key
           else hashlib.sha256(signing.encode()).digest() * 8)
    return signing + "." + b64u(sig)


def identity_fn(a):
    """Headers for request n: the static ones, then the rotating or signed identity."""
    static = {}
    for h in a.header:
        k, _, v = h.partition(":")
        static[k.strip()] = v.strip()
    now = int(time.time())

    def headers(n):
        h = dict(static)
        if a.rotate == "jwt":
            h["Authorization"] = "Bearer " + jwt({"iss": "https://idp.example",
                                                  "sub": f"user-{a.seed}-{n}", "exp": now + 3600})
        elif a.rotate == "apikey":
            h["x-api-key"] = f"sk-{a.seed}-{n:06d}-" + hashlib.sha256(str(n).encode()).hexdigest()[:12]
        elif a.rotate == "xff":
            h["X-Forwarded-For"] = f"10.{n % 250}.{n // 250 % 250}.{a.seed % 250}"
        if a.jwt_sub:
            h["Authorization"] = "Bearer " + jwt({"iss": "https://idp.example", "sub": a.jwt_sub,
                                                  "aud": "models", "exp": now + a.jwt_exp},
                                                 a.jwt_key)
        return h
    return headers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ports", help="P1,P2,...: replicas, requests spread round-robin (HTTP)")
    ap.add_argument("--meta", required=True)
    ap.add_argument("--role", choices=sorted(ROLES), required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pause", type=float, default=0.0)
    ap.add_argument("--rate", type=float, default=10.0, help="paced: requests per second")
    ap.add_argument("--conns", type=int, default=8,
                    help="flood_ramp, pool_batch: connections (closed-loop, one thread each)")
    ap.add_argument("--ramp", type=float, default=2.0,
                    help="flood_ramp: seconds between one connection's start and the next's")
    ap.add_argument("--fresh", action="store_true",
                    help="flood_pool: each request a new row (a row plus noise of 0.05), none repeated")
    ap.add_argument("--started", help="flood_*, pool_batch, fanout: create this file once every "
                    "connection has had an answer")
    ap.add_argument("--grpc", action="store_true", help="OIP v2 over gRPC (ModelInfer)")
    ap.add_argument("--stream", action="store_true", help="with --grpc: one ModelStreamInfer stream")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--noise", type=float, default=0.0,
                    help="evasion: Gaussian noise on every query, this share of each feature's spread")
    ap.add_argument("--decimals", type=int, help="evasion: every number rounded to this many decimals")
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--rotate", choices=["jwt", "apikey", "xff"])
    ap.add_argument("--jwt-sub")
    ap.add_argument("--jwt-key")
    ap.add_argument("--jwt-exp", type=int, default=3600)
    ap.add_argument("--pool", type=int, default=0,
                    help="N: request n from the n mod N-th of N source addresses (pool_sources: "
                         "an attack spread over a proxy pool, or many users of one model; HTTP)")
    a = ap.parse_args()
    if not a.source.startswith("127.") or not a.host.startswith("127."):
        sys.exit("loopback addresses only")
    with open(a.meta) as f:
        meta = json.load(f)
    T, y = np.asarray(meta["X"]), np.asarray(meta["y"])
    part = "benign" if a.role in BENIGN else "attack"
    if part + "_X" in meta:
        T, y = np.asarray(meta[part + "_X"]), np.asarray(meta[part + "_y"])
    rng = np.random.default_rng(a.seed)
    a.model = meta["model"]
    if a.grpc:
        o = GrpcOracle(a.port, a.source, meta["model"], a.pause, a.stream)
    else:
        o = Oracle(a.port, a.source, meta["model"], a.pause, a.host, identity_fn(a),
                   [int(p) for p in a.ports.split(",")] if a.ports else None,
                   pool_sources(a.source, a.pool) if a.pool else None)
        o.nclass = len(np.unique(meta["y"])) if meta.get("labels") else 0
    if a.noise or a.decimals is not None:
        o = Evasive(o, spread(T), a.noise, a.decimals, a.seed)
    res = ROLES[a.role](o, T, y, rng, a)
    o.close()
    print(json.dumps({"role": a.role, "source": a.source, "queries": o.queries,
                      "requests": o.requests, **res}))


if __name__ == "__main__":
    main()
