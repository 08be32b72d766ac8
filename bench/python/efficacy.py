#!/usr/bin/python3
"""Efficacy table: real scikit-learn models on real tables, real attack code and hard benign
patterns, captured on loopback and read back by `inferguard analyze` with the shipped rules.

Model traffic, per data set (wine and iris as z-scores; breast_cancer, whose 30 features span
~0.001 to ~4000, and digits, 0..16 pixel counts, in their own units): a model is served by
tests/tools/sk_model_server.py --split. Phase 1: four ordinary clients send records of the
held-out split (the models' references learn from the first rows, as they would from a
service's ordinary traffic). Phase 2: ordinary clients in hard patterns (resending records,
one class, high rate, flaky retries, near-duplicate frames, noisy records, what-if sweeps,
one-at-a-time sensitivity analyses (also tornado charts alone) and local ones (each feature
of a record moved up and down by a small delta), coarse records: rounded to whole spreads, digits in
black and white, 40 users of a popular record; and tests/tools/benign_roles.py's multiplicative
error, 2 significant digits, missing values imputed with means or zeros, a slowly drifting
sensor, nightly re-scoring in sorted order and another split, back-off retry bursts, a canary
record) run at the same time as the attackers, who
own a separate split (tests/tools/attack_clients.py; KnockoffNets also with a transfer set
of another distribution: photo patches for digits, another table's records for the
tables; NES, the score-based evasion of Ilyas et al. 2018, after every other client; after
it, since session 23, the Square Attack of Andriushchenko et al. 2020 (score-based, L-inf, as
the authors' code), the Boundary Attack of Brendel et al. 2018 as foolbox 3 runs it (labels
only: its blended-uniform-noise start, then its walk; and from a record answered as another
class, the walk alone; also in the labels-only scenarios) and an ordinary data-augmentation
pipeline: random crops, flips and rotations of digits, jitter, scaling and masking of table
records). LLM traffic:
tests/tools/chat_server.py --generic answers ordinary users, users asking about security and
users pasting long repeated lines, code reviews of security code, pasted documents whose
orders address their readers, translation requests and security questions in 10 languages
(tests/corpus/prompt_injection/benign.tsv's styles), and one prompt injector
(tests/tools/llm_clients.py).
Labels only: wine and iris served again by a model that answers the predicted class alone
(sk_model_server.py --labels), with the same ordinary patterns and the attacks that need no
scores (JbDA, uniform queries, KnockoffNets, HopSkipJump-style, also over 64 addresses) and
the flood.
abuse.rate without the flood (plan_rate): wine served again to light ordinary clients and a
busy client alone; two busy clients and batch jobs over pools of 2 and 4 connections; two
equal 8-connection floods; (full mode) a flood from 8 addresses and one ramped up over 8
connections, and an ordinary parallel job: 8 workers on the addresses of one /24 new to the
model, scoring a data set from the start; a flood from 8 addresses sending a new row every
request; and the sensor restarted during the 8-address flood and during the parallel job
(a new capture begun 2 s after each of its connections had an answer, analysed with the
model's port in capture.ports, as a `run` sensor has it).
Every client has its own 127.0.x.y address; the clients spread over a pool (simba_dist,
hsj_dist: an attack over 64 source addresses; popular: 40 users of one model) send from
127.(100+x).y.1..N and count as one row. Each capture is recorded with dumpcap and
analysed (a recording in which dumpcap says it dropped packets is made again, up to three
times: holes in a capture are not traffic the sensor was shown); per client we report the analytics that fired and, for attackers, after how many
of its queries (rows; requests for LLM clients) the first finding of the expected family came,
and for attackers that send batches the requests beside the rows (a finding comes with a
request: an attack whose first request of structure is 50 rows is caught at its end).

Usage:
    efficacy.py --bin INFERGUARD --src SRC_DIR [--quick] [--out TABLE.md] [--json FILE]
                [--check] [--keep] [--splice RESULTS.md] [--seed S] [--model KIND[,KIND...]]
--quick: wine, breast_cancer, the LLM scenario and wine served with labels only, at smaller
volumes (the integration test). The full mode adds digits, iris and iris with labels only.
--check exits 1 when an asserted bound is missed: any finding on an ordinary client, an
attacker not caught by its family, or caught later than the bound asserted for it (ASSERT
below; the table's "target" column is the issue's aim, which may be stricter).
--splice FILE replaces the section "## 9. ..." of FILE with the table.
--seed S (default 0, the table's): another draw of everything random: the models' training,
held-out and attacker splits (sk_model_server.py --seed S) and every client's seed.
--model KIND[,KIND...] (default mlp, the table's): the classifier every model scenario serves
(sk_model_server.py --model: mlp, logreg, forest, gboost, svc); several kinds run each model
scenario once per kind. A kind other than mlp is named in the scenario ("wine (z) [forest]")
and its work directory (sN-forest); its clients keep the seeds and addresses of the mlp run,
so rows compare kind for kind. The LLM scenario runs once, whatever the kinds.
Exit 77 when dumpcap or sklearn is missing.
"""
import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"
STYLES = ["direct", "persona", "polite", "french", "spanish", "german", "base64", "tool_result",
          "document", "split_turns"]   # tests/tools/llm_clients.py --style

# role -> (family prefix expected, target queries (the aim), asserted bound (what --check
# holds the detectors to; None = detected at all), what it is)
ATTACKS = {
    "jbda": ("extraction.", 100, 200, "Papernot JbDA (synthetic x + λ·sign(∇))"),
    "random": ("extraction.", 100, 200, "Tramèr uniform queries"),
    # seen once its own records run out and it augments them (wine 44, breast_cancer 142,
    # digits 449, iris 38 records: those first queries are distinct natural records of the
    # model's own distribution, an ordinary client's traffic query for query). The target
    # counts every query; the bound only those after its own records (the client reports
    # them: "own_records"; AFTER_OWN): figure 9 at seed 0 caught it within its first
    # augmented request of 20 rows on wine, breast cancer and digits, its third on iris
    "knockoff": ("extraction.", 100, 100, "KnockoffNets-style natural data + mixup"),
    # KnockoffNets as published: another distribution's natural records (digits: photo
    # patches; tables: another table's records mapped onto the features' means, spreads
    # and ranges), random or adaptive policy (extraction.transfer)
    "transfer": ("extraction.", 100, 150, "KnockoffNets transfer set (another distribution), random policy"),
    "transfer_adaptive": ("extraction.", 100, 150, "KnockoffNets transfer set, adaptive policy"),
    "boundary": ("adversarial.", 10, 12, "HopSkipJump-style boundary evasion (labels)"),
    # asserted bounds: figure 9 at 17992f3 caught SimBA at 7-9 queries, behind noise at 7-17
    "simba": ("adversarial.", 10, 12, "SimBA score-based evasion"),
    # SimBA behind 1 % Gaussian noise on every query (its exact arithmetic hidden). Caught at
    # 8-19 queries in most runs, but once at 102 on breast cancer (the live capture's
    # interleaving of clients differs run to run): the bound holds it to being caught, not
    # to the aim, so that the test does not fail on a draw
    "simba_noise": ("adversarial.", 10, 150, "SimBA behind 1 % noise"),
    # spread over a pool of 64 source addresses, one request each in turn (a proxy pool,
    # a botnet): the model's view across clients
    "simba_dist": ("adversarial.", 10, 60, "SimBA over 64 source addresses"),
    "hsj_dist": ("adversarial.", 10, 150, "HopSkipJump-style evasion over 64 source addresses"),
    "harvest": ("leakage.scores", 100, 200, "score harvesting (membership probing)"),
    # NES (Ilyas et al. 2018): its start once, then 50 antithetic samples around a centre it
    # never sends again, per request; its first such request is the gradient before any
    # step, 50 queries, so the aim of 10 cannot be met by a detector that sees whole
    # requests: 51 rows (2 requests) is the floor. Caught within that first gradient request
    # (an antithetic cloud, session 20; 101 rows before, once the centre moved), also on
    # saturated answers where it never steps. Bound: within its second gradient request
    "nes": ("adversarial.", 10, 101, "NES score-based evasion (50 antithetic samples a request)"),
    # session 23: two more published query attacks, the code tests/tools/adv_replay replays
    # (bench/python/evasion_streams.py calls the same attack_clients.py functions). The
    # Square Attack (Andriushchenko et al. 2020, L-inf, as the authors' square_attack_linf):
    # replayed at 9-51 rows on wine, breast cancer and digits (seeds 0-7, median 11), never on
    # iris (saturated answers: a few distinct vertices; UNDETECTED_ON). Bound: caught by its
    # 60th row. The Boundary Attack (Brendel et al. 2018) as foolbox 3 runs it by default:
    # caught in its blended-uniform-noise start (replayed at 6-20 rows); from foolbox's
    # starting_points (a record answered as another class), its walk alone: caught since
    # e1a6f89 (rules/schema.md, Lines toward one point) at its 30th step, 33 rows after its
    # start in the replay (32 of 32 sets); since session 24 (Lines through the original: the
    # attacker asked about x0 first) at its 10th step, 11 rows after its start (31 of 32 sets,
    # 22 on one). Live at seed 16 (bench/RESULTS.md figure 9's session-23 note): Square 12, 9,
    # 38 rows (MLP) and 12, 11, missed (forest) on wine, breast cancer, digits; the default
    # start 6 rows in 12 of 12 scenarios; the walk alone 35-36 rows in 11 of 12, 42 in one
    # (re-read at e1a6f89; the kept MLP captures re-read in session 24: 13-14 rows); the quick
    # mode 36, 39 and 36. Bound: caught by its 50th row
    "square": ("adversarial.", 10, 60, "Square Attack (L-inf, score-based; the authors' code)"),
    "bnd_walk": ("adversarial.", 10, 25, "Boundary Attack as foolbox runs it (labels; blended-noise start)"),
    "bnd_start": ("adversarial.", 10, 50, "Boundary Attack from a record of another class (labels; the walk alone)"),
    "flood_parallel": ("abuse.", None, None, "flood, 8 connections"),
    "flood_pool": ("abuse.", None, None, "flood from 8 addresses, one connection each"),
    "flood_ramp": ("abuse.", None, None, "flood ramped up over 8 connections, one more every 2 s"),
    "flood_pool_new": ("abuse.", None, None, "flood from 8 addresses, each request a new row"),
    "flood_pool_restart": ("abuse.", None, None,
                           "flood from 8 addresses, the sensor restarted during it (picked up mid-stream)"),
    "injection": ("prompt_injection.", 2, None, "prompt injection after one ordinary question"),
}
# Attacks whose asserted bound counts the queries after the natural records they own (the
# client's "own_records"): before them the client is, query for query, an ordinary one
AFTER_OWN = {"knockoff"}
# What --check does not hold yet, each with why: (pattern, analytic) = findings of that
# analytic on that benign pattern; (attack role, None) = that attack may go undetected. The
# table still shows them (aim missed). Remove an entry once its detector is fixed.
KNOWN_GAPS = {
    # flood_pool (8 addresses of one /24, one connection each) was one until abuse.rate
    # judged the addresses of a network new to the model as one client (rules/schema.md)
    ("flood_pool_new", None):
        "request for request it is the ordinary parallel job of a new /24 (closed-loop "
        "addresses starting together, a new in-distribution row each request); only a quota "
        "tells them apart (abuse.rate's group_max_requests, off by default, rules/schema.md)",
}
# (attack role, scenario prefix): that attack may go undetected in those scenarios alone
UNDETECTED_ON = {
    ("square", "iris"): "on iris's 4 features the Square Attack sits on saturated answers and "
                        "re-sends a few distinct vertices of its box (rules/schema.md, Vertices "
                        "of one box: never 8 in 32 rows)",
    # seed 16: caught at 38 rows on digits under the MLP, never on the forest's digits
    ("square", "digits [forest]"): "on the forest's digits (seed 16) its rows move 28-34 of 64 "
                                   "pixels by exactly the box's half-width (the rest clipped at 0 "
                                   "or 16, or constant), around the half a vertex needs "
                                   "(rules/schema.md, adversarial.boundary, Live)",
}
# (pattern, analytic, scenario prefix): findings of that analytic on that ordinary pattern in
# those scenarios alone (a documented decision, not asserted; the table shows them)
KNOWN_GAPS_ON = {
    ("augment", "extraction.transfer", "digits [forest]"):
        "the pipeline's crops, flips and rotations of 8x8 digits are no longer the records' "
        "class to the model (seed 16: the forest keeps the record's label on 42 % of them, "
        "the MLP on 29 %), off the data's joint distribution as a transfer set is; tying a row "
        "to its record by a search over 4,116 affine transforms does not separate it from "
        "KnockoffNets' transfer sets (rules/schema.md, extraction.transfer, Decision, session 23)",
}
# Explainers run against the endpoint query as extraction does, by construction: LIME's
# samples are drawn feature by feature from the training data's statistics (a synthetic
# transfer set), Kernel SHAP's rows mix a record's features into background rows over every
# coalition (a sweep of the record's neighbourhood). Blind first run (seed 0; wine, breast
# cancer, iris, wine and iris labels only): LIME raised extraction.transfer in all five, and
# extraction.coverage on iris (both); Kernel SHAP extraction.coverage on iris and
# extraction.transfer on iris labels only.
for _role in ("lime", "kernelshap"):
    for _analytic in ("extraction.transfer", "extraction.coverage", "extraction.prada"):
        KNOWN_GAPS[(_role, _analytic)] = (
            "an explainer's queries are an extraction query set by construction (synthetic rows "
            "from the data's statistics, or a record's coalitions over background rows); "
            "only who sends them differs (a findings.suppress entry for the team's explainer "
            "hosts keeps them out of the findings, README)")
PATTERNS = {
    "records": "real records of the held-out split",
    "oneclass": "90 % of records from one class",
    "resend": "the same 25 records re-scored (nightly batch) with retries",
    "retry": "single records, flaky network: 30 % of requests sent twice",
    "busy": "high-rate ordinary client: single records back to back",
    "pool_batch2": "batch job, pool of 2 connections: batches of 10 records back to back",
    "pool_batch4": "batch job, pool of 4 connections: batches of 10 records back to back",
    "fanout": "parallel job from a /24 new to the model: 8 workers, one address each, scoring a data set (each record once) back to back from the start",
    "frames": "near-duplicate stream (video frames / sensor readings)",
    "noisy": "records with 5 % measurement noise",
    "whatif": "what-if analysis: one feature of a record swept over 8 values",
    "sensitivity": "sensitivity analysis: 3-6 features of a record in turn, each over 2-8 values",
    "tornado": "tornado charts: features of a record in turn, each at 2 or 3 values (low, high)",
    "local_probe": "local sensitivity: each feature of a record moved up and down by a small delta",
    "popular": "40 users of one model: a demo record as is, edited, re-typed; popular records",
    "coarse": "coarse records: features rounded to whole spreads (digits: black and white)",
    "mulnoise": "records with 5 % multiplicative error (gain error)",
    "rounded": "records rounded to 2 significant digits (as a form or report prints them)",
    "imputed": "records with 10-30 % of values missing, imputed with the mean or 0",
    "drift": "one sensor drifting slowly from one record to another (no scene change)",
    "nightly": "nightly re-scoring of the whole split: sorted by a feature, then another order and batch split",
    "backoff": "single records, retries with exponential back-off bursts (up to 5 tries)",
    "canary": "ordinary records and a fixed canary record every 20th request",
    "tta": "test-time augmentation: each record with 4 augmented copies in one request",
    "augment": "data-augmentation pipeline: a record drawn 4-8 times through random crops, flips, rotations (digits) or jitter, scaling, masking (tables)",
    "kernelshap": "Kernel SHAP run against the endpoint: coalitions of a record's features over background rows",
    "lime": "LIME run against the endpoint: samples drawn from the training data's statistics around a record",
    "chat": "ordinary LLM questions",
    "security": "LLM users asking about attacks (quoting them)",
    "longrep": "long prompts with repeated lines (logs, CSV)",
    "code_review": "LLM: code review of security code (filters and tests quoting attacks)",
    "pasted_docs": "LLM: pasted logs, emails, runbooks whose instructions address their readers",
    "translation": "LLM: translation requests (text with orders, in other languages and scripts)",
    "multilingual_security": "LLM: security questions quoting attacks, in 10 languages",
    "docs": "LLM: answers with documentation placeholders (example.com addresses, AWS's example key)",
}


def plan_benign(q):
    """The ordinary clients of a model scenario: (role, queries, batch, pause)."""
    return [("records", int(300 * q), 10, 0.05), ("records", int(300 * q), 10, 0.05),
            ("oneclass", int(300 * q), 10, 0.05), ("resend", int(400 * q), 10, 0.05),
            ("retry", int(200 * q), 1, 0.01), ("busy", int(1500 * q), 1, 0.0),
            ("frames", int(600 * q), 1, 0.005), ("noisy", int(300 * q), 10, 0.05),
            ("whatif", int(200 * q), 1, 0.01), ("coarse", int(300 * q), 10, 0.05),
            ("popular", int(400 * q), 1, 0.01), ("sensitivity", int(300 * q), 1, 0.01),
            ("tornado", int(300 * q), 1, 0.01), ("local_probe", int(300 * q), 1, 0.01)]


def plan_benign_more(q):
    """Ordinary clients of tests/tools/benign_roles.py, listed after the attackers: a client's
    seed and address follow its place in the list, so the attackers' draws stay those of
    the runs before these were added (figure 9 stays comparable)."""
    return [("mulnoise", int(300 * q), 10, 0.05), ("rounded", int(300 * q), 10, 0.05),
            ("imputed", int(300 * q), 10, 0.05), ("drift", int(600 * q), 1, 0.005),
            ("nightly", int(600 * q), 10, 0.02), ("backoff", int(300 * q), 1, 0.01),
            ("canary", int(400 * q), 5, 0.02), ("tta", int(400 * q), 5, 0.02)]


def plan_explainers(quick):
    """Ordinary clients that explain the model's answers (tests/tools/explainer_roles.py):
    Kernel SHAP and LIME run against the endpoint, thousands of synthetic rows in long calls
    split into requests of 100; after every other client: seeds and addresses stay as
    they were. Full runs only: the extraction detectors flag them (KNOWN_GAPS), and the
    quick mode (test_efficacy) asserts what is held."""
    return [] if quick else [("kernelshap", 600, 100, 0.02), ("lime", 600, 100, 0.02)]


def plan_nes(q):
    """NES (tests/tools/attack_clients.py nes, 50 rows a request whatever the batch) in the
    scenarios whose model answers scores; the quick mode's 200 rows give it 3 requests."""
    return [("nes", int(400 * q), 50, 0)]


def plan_s23(q, labels=False):
    """Session 23's clients, after every other (their seeds and addresses stay): the Square
    Attack (score-based: not against labels only), the Boundary Attack from foolbox's default
    start and from a record of another class (label-only), and a data-augmentation pipeline's
    ordinary rows."""
    return ([] if labels else [("square", int(400 * q), 1, 0)]) + \
        [("bnd_walk", int(400 * q), 1, 0), ("bnd_start", int(400 * q), 1, 0),
         ("augment", int(300 * q), 1, 0.01)]


# sk_model_server.py --model: what the table says each kind is
MODEL_KINDS = {"mlp": "MLP (32 hidden ReLU units)", "logreg": "logistic regression",
               "forest": "random forest (50 trees)", "gboost": "gradient-boosted trees",
               "svc": "RBF SVC with Platt-scaled probabilities"}


def plan(quick, models=("mlp",)):
    """[(scenario, kind, options, phase1 clients, phase2 clients)]; a client is
    (role, queries, batch, pause). Each model scenario once per classifier kind of <models>
    (options "model"; a kind other than mlp is named in the scenario); in the order of the
    mlp plan, so a scenario's place, and with it its clients' seeds and addresses, is the same
    for every kind (plan_index gives it)."""
    out = []
    for m in models:
        for name, kind, opt, p1, p2 in plan_mlp(quick):
            if kind != "model":
                if m == models[0]:
                    out.append((name, kind, opt, p1, p2))
                continue
            out.append((name + ("" if m == "mlp" else f" [{m}]"), kind, dict(opt, model=m), p1, p2))
    return out


def plan_index(quick, name):
    """A scenario's place in the mlp plan (its work directory's and its clients' seeds)."""
    base = name.split(" [")[0]
    return [s[0] for s in plan_mlp(quick)].index(base)


def plan_mlp(quick):
    """The scenarios of one classifier kind (the mlp plan's order)."""
    q = 0.5 if quick else 1.0
    out = []
    sets = (("wine", False), ("breast_cancer", True)) if quick else \
        (("wine", False), ("breast_cancer", True), ("digits", True), ("iris", False))
    for ds, raw in sets:
        warm = [("records", 250, 10, 0.01)] * 4
        benign = plan_benign(q)
        # popular, simba_dist and hsj_dist send from pools of 40, 64 and 64 addresses: ~170
        # light clients beside the others, which abuse.rate's and extraction.transfer's peer
        # references must not be pulled by (both weigh a peer by what it can tell)
        attacks = [("jbda", int(640 * q), 40, 0), ("random", int(500 * q), 50, 0),
                   ("knockoff", int(600 * q), 20, 0), ("transfer", int(600 * q), 20, 0),
                   ("transfer_adaptive", int(600 * q), 20, 0), ("boundary", int(400 * q), 1, 0),
                   ("simba", int(400 * q), 1, 0), ("simba_noise", int(400 * q), 1, 0),
                   ("simba_dist", int(400 * q), 1, 0), ("hsj_dist", int(400 * q), 1, 0),
                   ("harvest", 600, 20, 0),
                   ("flood_parallel", 3000, 1, 0)]
        # NES after every other client: their seeds and addresses stay as they were
        out.append((ds + ("" if raw else " (z)"), "model", {"dataset": ds, "raw": raw}, warm,
                    benign + attacks + plan_benign_more(q) + plan_nes(q) + plan_explainers(quick) +
                    plan_s23(q)))
    llm = [("chat", 12, 1, 0), ("chat", 12, 1, 0), ("security", 12, 1, 0), ("security", 12, 1, 0),
           ("security", 12, 1, 0), ("longrep", 8, 1, 0), ("longrep", 8, 1, 0),
           ] + [("injection", 2, k, 0) for k in range(10)] + \
        [("code_review", 10, 1, 0), ("pasted_docs", 10, 1, 0), ("translation", 10, 1, 0),
         ("multilingual_security", 10, 1, 0), ("docs", 4, 1, 0)]   # after the others: seeds as before
    out.append(("chat (LLM)", "llm", {}, [], llm))
    # a service that answers labels only (the advice every extraction finding gives): the
    # same ordinary patterns, and the attacks that work from labels alone, with the flood
    # (the same population of heavy clients as the other scenarios); after the others:
    # their seeds and addresses stay as they were
    for ds in (("wine",) if quick else ("wine", "iris")):
        warm = [("records", 250, 10, 0.01)] * 4
        benign = [(r, n, b, p) for r, n, b, p in plan_benign(q)]
        attacks = [("jbda", int(640 * q), 40, 0), ("random", int(500 * q), 50, 0),
                   ("knockoff", int(600 * q), 20, 0), ("transfer", int(600 * q), 20, 0),
                   ("transfer_adaptive", int(600 * q), 20, 0), ("boundary", int(400 * q), 1, 0),
                   ("hsj_dist", int(400 * q), 1, 0), ("flood_parallel", 3000, 1, 0)]
        out.append((ds + " (z) labels only", "model", {"dataset": ds, "raw": False, "labels": True},
                    warm, benign + attacks + plan_benign_more(q) + plan_explainers(quick) +
                    plan_s23(q, labels=True)))
    out += plan_rate(quick)
    return out


def plan_rate(quick):
    """abuse.rate without the figure's flood: a busy client alone among ordinary light ones
    (its limit then comes from them alone), two busy clients beside batch jobs with small
    connection pools (2 and 4 at once: ordinary), two equal floods (each must not make
    the other ordinary), a flood from many addresses and a slow ramp-up flood; a parallel
    job of 8 workers in a /24 new to the model, single records back to back as the flood
    from many addresses sends them, but each record of its data set once; the flood from
    many addresses sending a new row every request (the job's shape: a known gap); the
    sensor restarted during the flood from many addresses and during the parallel job."""
    q = 0.5 if quick else 1.0
    warm = [("records", 250, 10, 0.01)] * 4
    light = [("records", 300, 10, 0.05), ("records", 300, 10, 0.05), ("popular", 400, 1, 0.01)]
    busy = ("busy", int(1500 * q), 1, 0.0)   # ~22/s, over its limit within the first window
    out = [("wine (z) rate: busy alone", light + [busy]),
           ("wine (z) rate: busy and batch pools",
            light + [busy, busy,
                     ("pool_batch2", 3000, 10, 0.0), ("pool_batch4", 6000, 10, 0.0)]),
           ("wine (z) rate: two floods",
            light + [("flood_parallel", 3000, 1, 0), ("flood_parallel", 3000, 1, 0)]),
           ("wine (z) rate: many-address flood", light + [("flood_pool", 3000, 1, 0)]),
           ("wine (z) rate: ramp-up flood", light + [("flood_ramp", 3000, 1, 0)]),
           ("wine (z) rate: parallel job of a new /24", light + [("fanout", 3000, 1, 0)]),
           # after the others (their seeds and addresses stay): a flood of a new row every
           # request; and the sensor restarted 2 s after every connection of a flood, and of
           # a parallel job, had an answer (the capture restarts: every connection then open
           # is picked up mid-stream, and the sensor has forgotten the model's clients and
           # networks)
           ("wine (z) rate: many-address flood of new rows", light + [("flood_pool_new", 3000, 1, 0)]),
           ("wine (z) rate: sensor restart in a many-address flood",
            light + [("flood_pool_restart", 3000, 1, 0)], 2.0),
           ("wine (z) rate: sensor restart in a parallel job of a new /24",
            light + [("fanout", 3000, 1, 0)], 2.0)]
    if quick:
        out = out[:3]
    return [(s[0], "model", {"dataset": "wine", "raw": False, "restart": s[2] if len(s) > 2 else 0},
             warm, s[1]) for s in out]


def wait_file(path, pattern, secs):
    t0 = time.time()
    while time.time() - t0 < secs:
        try:
            if pattern in open(path).read():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def start_server(tools, d, kind, opt, seed=0):
    portfile, meta = os.path.join(d, "port"), os.path.join(d, "meta.json")
    if kind == "model":
        cmd = [PY, os.path.join(tools, "sk_model_server.py"), "--portfile", portfile, "--meta", meta,
               "--dataset", opt["dataset"], "--split", "--seed", str(seed)] + \
            (["--raw"] if opt["raw"] else []) + (["--labels"] if opt.get("labels") else []) + \
            (["--model", opt["model"]] if opt.get("model", "mlp") != "mlp" else [])
    else:
        cmd = [PY, os.path.join(tools, "chat_server.py"), "--portfile", portfile, "--generic"]
    srv = subprocess.Popen(cmd)
    # a model trains before it writes its meta: gradient-boosted trees on digits took more
    # than 120 s at a load of ~50 (blind seed 5: "model server did not start")
    if not wait_file(portfile, "", 60) or (kind == "model" and not wait_file(meta, "}", 900)):
        srv.terminate()
        sys.exit(f"{kind} server did not start")
    t0 = time.time()
    while not open(portfile).read().strip() and time.time() - t0 < 30:
        time.sleep(0.1)
    return srv, open(portfile).read().strip(), meta


# roles of the table that run another attack_clients.py role with options: (role, options)
VARIANTS = {"simba_noise": ("simba", ["--noise", "0.01"]),
            "simba_dist": ("simba", ["--pool", "64"]),
            "hsj_dist": ("boundary", ["--pool", "64"]),
            "popular": ("popular", ["--pool", "40"]),
            "pool_batch2": ("pool_batch", ["--conns", "2"]),
            "pool_batch4": ("pool_batch", ["--conns", "4"]),
            "flood_pool": ("flood_pool", ["--pool", "8"]),
            "flood_pool_new": ("flood_pool", ["--pool", "8", "--fresh"]),
            "flood_pool_restart": ("flood_pool", ["--pool", "8"]),
            "fanout": ("fanout", ["--pool", "8"]),
            "flood_ramp": ("flood_ramp", ["--conns", "8", "--ramp", "2"])}


def pool_of(role, src):
    """The source addresses a --pool client sends from (attack_clients.pool_sources), [] if
    it sends from src alone."""
    opts = VARIANTS.get(role, (role, []))[1]
    if "--pool" not in opts:
        return []
    o = [int(v) for v in src.split(".")]
    return [f"127.{100 + o[2]}.{o[3]}.{k}" for k in range(1, int(opts[opts.index("--pool") + 1]) + 1)]


def client_cmd(tools, kind, port, meta, role, n, batch, pause, src, seed):
    if kind == "llm":   # batch: the injection style
        return [PY, os.path.join(tools, "llm_clients.py"), "--port", port, "--role", role,
                "--source", src, "--requests", str(n), "--seed", str(seed)] + \
            (["--style", str(batch)] if role == "injection" else [])
    run, opts = VARIANTS.get(role, (role, []))
    return [PY, os.path.join(tools, "attack_clients.py"), "--port", port, "--meta", meta,
            "--role", run, "--source", src, "--queries", str(n), "--batch", str(batch),
            "--seed", str(seed), "--pause", str(pause)] + opts


RESTART_DURING = ("flood_pool_restart", "fanout")   # roles a scenario's restart waits for


def server_bpf(port):
    """The server's flows: its endpoint 127.0.0.1:port, not the port alone. The kernel gives
    the same port number to sockets bound to other loopback addresses (every client here
    binds a source address to port 0), so "tcp port N" could record another test's flows on
    a shared machine, or a client's leg to a relay (server_bpf in
    tests/integration/lib/common.sh is the same filter)."""
    return (f"tcp and ((dst host 127.0.0.1 and dst port {port}) or "
            f"(src host 127.0.0.1 and src port {port}))")


class CaptureLoss(Exception):
    """The recorder lost packets: the capture is not the traffic, so no measurement."""


def check_capture(name, d, recout):
    """Raises CaptureLoss when dumpcap's closing line says it dropped packets (a loaded
    machine: the kernel's buffer overran); a capture with holes would score the sensor on
    traffic it was never shown (requests without answers, connections cut)."""
    text = open(recout, errors="replace").read()
    lost = sum(int(n) for n in re.findall(r"received/dropped on interface '.*?': \d+/(\d+)", text))
    if lost:
        raise CaptureLoss(name, d, lost)


def start_capture(port, pcap, recout):
    rec = subprocess.Popen(["dumpcap", "-i", "lo", "-f", server_bpf(port), "-B", "64",
                            "-s", "262144", "-P", "-w", pcap], stderr=open(recout, "w"))
    if not wait_file(recout, "Capturing", 10):
        rec.terminate()
        sys.exit("dumpcap did not start")
    return rec


def run_scenario(a, work, idx, name, kind, opt, phase1, phase2):
    tools = os.path.join(a.src, "tests", "tools")
    m = opt.get("model", "mlp")
    d = os.path.join(work, f"s{idx}" + ("" if m == "mlp" else "-" + m))
    os.makedirs(d)
    srv, port, meta = start_server(tools, d, kind, opt, a.seed)
    procs = [srv]
    try:
        pcap, recout = os.path.join(d, "cap.pcap"), os.path.join(d, "rec.out")
        rec = start_capture(port, pcap, recout)
        procs.append(rec)
        roles = {}
        outs = {}   # source -> the client's JSON summary (attack_clients.py prints one)
        team = {}   # a --pool client's addresses -> its --source (one row of the table)
        n = 0
        for phase in (phase1, phase2):
            running = []
            for role, q, batch, pause in phase:
                n += 1
                src = f"127.0.{idx + 10}.{n + 10}"
                roles[src] = role if role != "injection" else f"injection:{STYLES[batch]}"
                team.update({ip: src for ip in pool_of(role, src)})
                outs[src] = os.path.join(d, f"client-{n}.json")
                out = open(outs[src], "w")
                cmd = client_cmd(tools, kind, port, meta, role, q, batch, pause, src,
                                 n + 100 * idx + 10000 * a.seed)
                if phase is phase2 and opt.get("restart") and role in RESTART_DURING:
                    cmd += ["--started", os.path.join(d, "started")]
                p = subprocess.Popen(cmd, stdout=out)
                running.append((role, p))
            if phase is phase2 and opt.get("restart"):
                # the sensor restarts <restart> s after every connection of the client it
                # restarts during had an answer: a new capture, every open connection then
                # picked up mid-stream
                if not wait_file(os.path.join(d, "started"), "", 120):
                    sys.exit(f"{name}: the client to restart during did not start")
                time.sleep(opt["restart"])
                rec.send_signal(signal.SIGTERM)
                rec.wait()
                check_capture(name, d, recout)
                os.rename(pcap, os.path.join(d, "cap-before-restart.pcap"))
                rec = start_capture(port, pcap, recout)
                procs.append(rec)
            for role, p in running:
                if p.wait() != 0:
                    sys.exit(f"{name}: client {role} failed")
        time.sleep(0.5)
        rec.send_signal(signal.SIGTERM)
        rec.wait()
        check_capture(name, d, recout)
        findings, events = os.path.join(d, "findings.jsonl"), os.path.join(d, "events.jsonl")
        conf = []
        if opt.get("restart"):
            # a sensor that restarts is a `run` sensor, its capture.ports the model's: on that
            # port a connection picked up mid-stream is parsed from its next message start
            conf = ["-c", os.path.join(d, "sensor.yaml")]
            with open(conf[1], "w") as f:
                f.write(f"capture:\n  ports: [{port}]\n")
        r = subprocess.run([a.bin, "analyze", "--rules", os.path.join(a.src, "rules"),
                            "--events", events, "--findings", findings, pcap] + conf,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"{name}: analyze failed: {r.stderr[-500:]}")
        rows = own_records(score(name, kind, roles, events, findings, team), outs)
        for r in rows:
            r["client"] = client_result(outs.get(r["ip"]))
        explainers = sorted(ip for ip, role in roles.items() if role in EXPLAINERS)
        if explainers:
            suppress_run(a, d, name, pcap, conf, explainers, findings, rows)
        return rows
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()


EXPLAINERS = ("lime", "kernelshap")


def finding_ip(f, team=None):
    """The client address a finding names: its actor, else its source endpoint."""
    team = team or {}
    uid = (f.get("actor") or {}).get("user", {}).get("uid", "")
    if uid:
        return team.get(uid, uid)
    for ev in f.get("evidences", []):
        ip = (ev.get("src_endpoint") or {}).get("ip", "")
        if ip:
            return team.get(ip, ip)
    return ""


def suppress_run(a, d, name, pcap, conf, explainers, findings, rows):
    """What an operator does about the explainers' known gap (README, *Suppressing
    findings*): the same capture analysed again with a findings.suppress entry
    (extraction.*) for each explainer's address. Records on each explainer's row: its
    findings then (all analytics), the raises the entries held back (the summary's count)
    and whether every other finding record is byte for byte the first run's."""
    path = os.path.join(d, "suppress.yaml")
    with open(path, "w") as f:
        if conf:
            f.write(open(conf[1]).read())
        f.write("findings:\n  suppress:\n")
        for ip in explainers:
            f.write(f"    - {{analytic: extraction.*, source: {ip}, comment: explainer}}\n")
    out = os.path.join(d, "findings-suppressed.jsonl")
    r = subprocess.run([a.bin, "analyze", "--rules", os.path.join(a.src, "rules"), "-c", path,
                        "--findings", out, pcap], stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"{name}: analyze with findings.suppress failed: {r.stderr[-500:]}")
    m = re.search(r"^  suppressed  (\d+) findings", r.stderr, re.M)
    held = int(m.group(1)) if m else -1
    before = [l for l in open(findings) if l.strip()]
    after = [l for l in open(out) if l.strip()]

    def held_back(line):
        f = json.loads(line)
        return (f["finding_info"]["analytic"]["name"].startswith("extraction.") and
                finding_ip(f) in explainers)
    same = after == [l for l in before if not held_back(l)]
    left = collections.Counter(finding_ip(json.loads(l)) for l in after)
    for row in rows:
        if row["ip"] in explainers:
            row["suppress"] = {"findings": left[row["ip"]], "held": held, "others_unchanged": same}


def own_records(results, outs):
    """Attach the "own_records" an AFTER_OWN client reported (the queries of natural records
    it sent before augmenting them) to its row of the results."""
    for r in results:
        if r["role"] not in AFTER_OWN or r["ip"] not in outs:
            continue
        try:
            with open(outs[r["ip"]]) as f:
                r["own"] = int(json.loads(f.read().strip().splitlines()[-1]).get("own_records", 0))
        except (OSError, ValueError, IndexError):
            pass
    return results


def client_result(path):
    """What a client reported on its last line (attack_clients.py: its role's result, e.g.
    SimBA's and NES's first_step), {} when there is none."""
    try:
        lines = [ln for ln in open(path).read().splitlines() if ln.startswith("{")]
        return json.loads(lines[-1]) if lines else {}
    except (OSError, TypeError, ValueError):
        return {}


def never_stepped(r):
    """A score-based search (SimBA, NES) that ran to its end without a single step: every
    answer it had left the true class's probability where it was (saturated answers, e.g. a
    forest answering 1.0), so it learned nothing and evaded nothing; its probes of an unmoved
    centre are a local sensitivity analysis's (rules/schema.md, adversarial.boundary)."""
    c = r.get("client") or {}
    return r["role"].split(":")[0] in STEPPING and "first_step" in c and c["first_step"] is None


# score-based searches whose client reports first_step (the query of its first kept step)
STEPPING = ("simba", "simba_noise", "simba_dist", "nes", "square")


def queries_at(rows, f, by_seen=True):
    """The client's queries up to and including the event that raised finding f, and its
    requests (events) up to it. A finding carries its event's request time in ms; fast
    clients send several requests within one ms, so: the event numbered queries_seen (the
    client's events, for the analytics that count them) when its time matches, else the
    earliest event of that millisecond."""
    t0 = f["time"] * 1000
    seen = int((f.get("unmapped") or {}).get("queries_seen") or 0)
    if by_seen and 0 < seen <= len(rows) and t0 <= rows[seen - 1][0] < t0 + 1000:
        return sum(r for _, r in rows[:seen]), seen
    n = k = 0
    for t, r in rows:
        n += r
        k += 1
        if t >= t0:
            break
    return n, k


def score(name, kind, roles, events, findings, team=None):
    """Per client of <roles> (source -> role): queries, findings by analytic, queries at the
    first of each. <team> maps a --pool client's addresses to its source: they count as one
    (a finding's queries_seen is then the address's, not the client's: times decide)."""
    team = team or {}
    rows = collections.defaultdict(list)     # ip -> [(time_us, queries)]
    for line in open(events):
        e = json.loads(line)
        ip = e["client"].get("ip") or e["client"]["id"]
        ip = team.get(ip, ip)
        q = e.get("rows", 0) if kind == "model" else 1
        rows[ip].append((e["time"], q))   # request time: the query that raised it counts
    for v in rows.values():
        v.sort()
    first = collections.defaultdict(dict)     # ip -> analytic -> queries at first finding
    first_req = collections.defaultdict(dict)  # ip -> analytic -> requests at first finding
    count = collections.Counter()
    by = collections.defaultdict(collections.Counter)   # ip -> analytic -> findings
    for line in open(findings):
        f = json.loads(line)
        uid = (f.get("actor") or {}).get("user", {}).get("uid", "")
        uid = team.get(uid, uid)
        ip = uid if uid in roles else ""
        if not ip:
            for ev in f.get("evidences", []) + [f]:
                ip = (ev.get("src_endpoint") or {}).get("ip", "")
                ip = team.get(ip, ip)
                if ip in roles:
                    break
        if ip not in roles:
            continue
        analytic = f["finding_info"]["analytic"]["name"]
        count[ip] += 1
        by[ip][analytic] += 1
        nq, nr = queries_at(rows[ip], f, ip not in team.values())
        if analytic not in first[ip] or nq < first[ip][analytic]:
            first[ip][analytic] = nq
            first_req[ip][analytic] = nr
    out = []
    for ip, role in roles.items():
        out.append({"scenario": name, "role": role, "ip": ip,
                    "queries": sum(r for _, r in rows[ip]), "findings": count[ip],
                    "by": dict(by.get(ip, {})),
                    "first": first.get(ip, {}), "first_requests": first_req.get(ip, {}),
                    "requests": len(rows[ip])})
    return out


def caught(r):
    """(analytic, queries) of the first finding of the attack's family, or None."""
    fam = ATTACKS[r["role"].split(":")[0]][0]
    hits = {k: v for k, v in r["first"].items() if k.startswith(fam)}
    return min(hits.items(), key=lambda kv: (kv[1], kv[0])) if hits else None


def gap_on(k, r):
    """Whether KNOWN_GAPS_ON entry k covers ordinary client r (its pattern and scenario)."""
    return k[0] == r["role"] and r["scenario"].startswith(k[2])


def known_on(r, analytic):
    """Whether findings of <analytic> on ordinary client r are a KNOWN_GAPS_ON entry."""
    return any(k[1] == analytic and gap_on(k, r) for k in KNOWN_GAPS_ON)


def judge(r):
    """(asserted bound held, aim met) for one client."""
    if r["role"].split(":")[0] not in ATTACKS:
        left = sum(n for k, n in r.get("by", {}).items() if (r["role"], k) not in KNOWN_GAPS
                   and not known_on(r, k))
        return left == 0, r["findings"] == 0
    _, target, bound, _ = ATTACKS[r["role"].split(":")[0]]
    c = caught(r)
    if not c:
        return ((r["role"], None) in KNOWN_GAPS or
                any(k[0] == r["role"] and r["scenario"].startswith(k[1]) for k in UNDETECTED_ON)), False
    held = bound is None or c[1] - (r.get("own", 0) if r["role"] in AFTER_OWN else 0) <= bound
    return held, target is None or c[1] <= target


def after_cell(r, c):
    """The table's "after queries": the attacker's queries up to its first finding; for an
    AFTER_OWN attack also how many of them came after its own natural records; for another
    attack that sends batches, the requests beside the rows (a finding comes with a request,
    so a request of many rows is caught at its end at the soonest)."""
    if not c:
        return "-"
    if r["role"] in AFTER_OWN and "own" in r:
        return f"{c[1]} ({c[1] - r['own']} after its {r['own']} own records)"
    nreq = (r.get("first_requests") or {}).get(c[0])
    if nreq and nreq < c[1] and r.get("requests", 0) < r["queries"]:
        return f"{c[1]} ({nreq} requests)"
    return str(c[1])


def tables(results):
    att = ["| attack | scenario | queries sent | detected by | after queries | other analytics (first at) | target | met |",
           "|---|---|---:|---|---:|---|---:|---|"]
    for r in results:
        if r["role"].split(":")[0] not in ATTACKS:
            continue
        fam, target, bound, what = ATTACKS[r["role"].split(":")[0]]
        c = caught(r)
        others = ", ".join(f"{k}@{v}" for k, v in sorted(r["first"].items())
                           if not c or k != c[0])
        met = judge(r)[1]
        if ":" in r["role"]:
            what += ": " + r["role"].split(":")[1]
        miss = "**not detected**" + (" (never stepped: saturated answers)" if never_stepped(r) else "")
        att.append(f"| {what} | {r['scenario']} | {r['queries']} | "
                   f"{c[0] if c else miss} | {after_cell(r, c)} | {others or '-'} | "
                   f"{('≤ %d' % target) if target else 'any'} | {'yes' if met else '**no**'} |")
    ben = ["| benign pattern | scenario | clients | queries | findings | analytics |",
           "|---|---|---:|---:|---:|---|"]
    agg = collections.OrderedDict()
    for r in results:
        if r["role"].split(":")[0] in ATTACKS:
            continue
        k = (r["role"], r["scenario"])
        a = agg.setdefault(k, {"clients": 0, "queries": 0, "findings": 0, "names": set()})
        a["clients"] += 1
        a["queries"] += r["queries"]
        a["findings"] += r["findings"]
        a["names"] |= set(r["first"])
    for (role, scen), a in sorted(agg.items(), key=lambda kv: list(PATTERNS).index(kv[0][0])):
        f = a["findings"]
        ben.append(f"| {role}: {PATTERNS[role]} | {scen} | {a['clients']} | {a['queries']} | "
                   f"{f if f == 0 else '**%d**' % f} | {', '.join(sorted(a['names'])) or '-'} |")
    # explainers apart: their queries are an extraction query set by construction (KNOWN_GAPS)
    ordinary = [r for r in results if r["role"].split(":")[0] not in ATTACKS and r["role"] not in EXPLAINERS]
    expl = [r for r in results if r["role"] in EXPLAINERS]
    nben = sum(r["findings"] for r in ordinary)
    nfp = sum(1 for r in ordinary if r["findings"])
    ncl = len(ordinary)
    natt = [r for r in results if r["role"].split(":")[0] in ATTACKS]
    ncaught = sum(1 for r in natt if caught(r))
    nmet = sum(1 for r in natt if judge(r)[1])
    nstuck = sum(1 for r in natt if not caught(r) and never_stepped(r))
    summary = (f"Ordinary clients flagged: {nfp} of {ncl} ({nben} findings)" +
               (f"; explainers (LIME, Kernel SHAP against the endpoint, a known gap: their queries "
                f"are an extraction query set) {sum(1 for r in expl if r['findings'])} of {len(expl)} "
                f"({sum(r['findings'] for r in expl)} findings)" if expl else "") +
               f". Attackers caught by "
               f"their family: {ncaught} of {len(natt)}; within the target: {nmet} of {len(natt)}." +
               (f" Of the {len(natt) - ncaught} not caught, {nstuck} never stepped (score-based "
                f"searches whose every answer was saturated: nothing learned, nothing evaded)."
                if nstuck else ""))
    sup = [r for r in results if "suppress" in r]
    if sup:
        by_scen = {}
        for r in sup:
            by_scen[r["scenario"]] = r["suppress"]
        summary += (
            f" Explainers with a `findings.suppress` entry (`extraction.*`) for each address, the "
            f"same captures analysed again: {sum(r['suppress']['findings'] for r in sup)} findings "
            f"on {len(sup)} explainer clients ({sum(r['findings'] for r in sup)} without the list), "
            f"{sum(v['held'] for v in by_scen.values())} raises counted by the entries; every other "
            f"finding record unchanged: "
            f"{'yes' if all(v['others_unchanged'] for v in by_scen.values()) else '**no**'}.")
    return "\n".join(att), "\n".join(ben), summary


def render(results, mode, src):
    att, ben, summary = tables(results)
    commit = subprocess.run(["git", "-C", src, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    lines = [
        "Run of %s, commit %s." % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit),
        "",
        "Produced by `bench/python/efficacy.py` (%s mode), called by `bench/run.sh`: real "
        "scikit-learn models (tests/tools/sk_model_server.py) serving real data sets over OIP "
        "v2, an OpenAI-style chat server, real attack and benign clients on loopback "
        "(tests/tools/attack_clients.py, llm_clients.py), captured with dumpcap, read back by "
        "`inferguard analyze` with the shipped rules. Ordinary clients sample a held-out split, "
        "attackers own a separate split; four ordinary clients first teach the models' "
        "references, then every pattern and attack runs at once. \"after queries\" counts the "
        "attacker's rows (LLM: requests) up to its first finding of the expected family. "
        "tests/integration/test_efficacy.sh runs the quick mode and asserts the bounds of "
        "efficacy.py's ASSERT table." % mode, "",
        "Classifiers served (sk_model_server.py --model; a kind other than mlp is named in "
        "the scenario in brackets): %s." % (", ".join(
            f"{k} = {MODEL_KINDS[k]}" for k in MODEL_KINDS
            if any(r.get("model") == k for r in results)) or "none"), "",
        summary, "", att, "", ben, "",
        "KnockoffNets-style natural data + mixup: the attacker first sends its own records of "
        "the attacker split once each (whole requests of 20: wine 40, breast_cancer 140, "
        "digits 440, iris 20 rows at seed 0), distinct natural records of the model's own "
        "distribution that are, query for query, what an ordinary client sends (a batch job "
        "scoring a data set); \"after queries\" counts them, so the target of 100 can be met "
        "only where they are fewer than ~80. In brackets: the queries after them, which the "
        "test's bound holds (rules/schema.md, extraction.coverage).", ""] + ([
        "NES sends its start once (its label checked), then 50 antithetic samples x ± σu "
        "per request around a centre it never sends again, the first of them the gradient "
        "estimate before any step: a finding comes with a request, so \"after queries\" "
        "is at least 51 rows (2 requests), and the target of 10 rows (the issue's aim for "
        "evasion) cannot be met by any detector of whole requests. adversarial.boundary "
        "catches that first gradient request (an antithetic cloud: 4 mirror pairs in new "
        "directions around one point, rules/schema.md); 51 is the floor, in requests the "
        "second. For other batched attacks too the cell gives the requests beside the "
        "rows.", ""] if any(r["role"] == "nes" for r in results) else []) + [
        ("Not asserted by the test yet (efficacy.py KNOWN_GAPS; the table shows them as they "
         "are): " + "; ".join(f"{k[0]}{' / ' + k[1] if k[1] else ' undetected'}: {v}"
                             for k, v in KNOWN_GAPS.items()) + "." if KNOWN_GAPS else
         "Every row is asserted by the test's quick mode (wine and breast_cancer) against the "
         "bounds of efficacy.py's ATTACKS table.")] + ([
        "Undetected in some scenarios only (efficacy.py UNDETECTED_ON): " +
        "; ".join(f"{k[0]} on {k[1]}: {v}" for k, v in UNDETECTED_ON.items()
                  if any(r["role"] == k[0] and r["scenario"].startswith(k[1]) for r in results)) + "."]
        if any(r["role"] == k[0] and r["scenario"].startswith(k[1]) for k in UNDETECTED_ON
               for r in results) else []) + ([
        "Ordinary clients flagged in some scenarios only, a documented decision (efficacy.py "
        "KNOWN_GAPS_ON): " +
        "; ".join(f"{k[0]} / {k[1]} on {k[2]}: {v}" for k, v in KNOWN_GAPS_ON.items()
                  if any(gap_on(k, r) and r.get("by", {}).get(k[1]) for r in results)) + "."]
        if any(gap_on(k, r) and r.get("by", {}).get(k[1]) for k in KNOWN_GAPS_ON
               for r in results) else [])
    return "\n".join(lines)


def splice(path, text):
    title = "## 9. Efficacy: attacks caught, ordinary clients flagged"
    s = open(path).read() if os.path.exists(path) else ""
    pat = re.compile(r"^## 9\. .*?(?=^## |\Z)", re.S | re.M)
    stamp = os.environ.get("IG_BENCH_STAMP")   # bench/run.sh --efficacy-only: when and where
    block = title + "\n\n" + ("_%s_\n\n" % stamp if stamp else "") + text.rstrip("\n") + "\n\n"
    s = pat.sub(lambda _: "", s)
    nxt = re.search(r"^## (1\d|[2-9]\d)\. ", s, re.M)   # the first figure after 9
    s = s[:nxt.start()] + block + s[nxt.start():] if nxt else s.rstrip("\n") + "\n\n" + block
    open(path, "w").write(s.rstrip("\n") + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--json")
    ap.add_argument("--splice")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--seed", type=int, default=0, help="another draw of splits, models and clients")
    ap.add_argument("--only", help="comma-separated scenario name prefixes (development runs); "
                    "a name ending in $ matches that scenario alone")
    ap.add_argument("--model", default="mlp",
                    help="comma-separated classifier kinds served: " + ", ".join(MODEL_KINDS))
    a = ap.parse_args()
    models = tuple(a.model.split(","))
    if any(m not in MODEL_KINDS for m in models) or len(set(models)) != len(models):
        ap.error(f"--model: distinct kinds of {', '.join(MODEL_KINDS)}")
    if not shutil.which("dumpcap"):
        print("SKIP: dumpcap missing")
        sys.exit(77)
    try:
        subprocess.run([PY, "-c", "import sklearn, numpy"], check=True)
    except subprocess.CalledProcessError:
        print("SKIP: python3-sklearn missing")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="ig-efficacy.")
    results = []
    try:
        for name, kind, opt, p1, p2 in plan(a.quick, models):
            base = name.split(" [")[0]   # --only matches the name without the kind
            if a.only and not any(base == o[:-1] if o.endswith("$") else base.startswith(o)
                                  for o in a.only.split(",")):
                continue
            t0 = time.time()
            for attempt in range(3):
                try:
                    rows = run_scenario(a, work, plan_index(a.quick, name), name, kind, opt, p1, p2)
                    break
                except CaptureLoss as e:
                    shutil.rmtree(e.args[1], ignore_errors=True)
                    print(f"efficacy: {name}: the recorder dropped {e.args[2]} packets (a loaded "
                          "machine); recording it again", file=sys.stderr)
            else:
                sys.exit(f"efficacy: {name}: the recorder dropped packets in 3 recordings: the "
                         "machine is too loaded to measure on")
            for r in rows:
                r["model"] = opt.get("model", "")
            results += rows
            print(f"efficacy: {name} done in {time.time() - t0:.0f} s", file=sys.stderr)
    finally:
        if a.keep:
            print("work dir kept:", work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    text = render(results, "quick" if a.quick else "full", a.src)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    if a.splice:
        splice(a.splice, text)
    bad = [r for r in results if not judge(r)[0]]
    for r in bad:
        c = caught(r) if r["role"].split(":")[0] in ATTACKS else None
        what = (f"{r['findings']} findings: {sorted(r['first'])}" if r["role"].split(":")[0] not in ATTACKS
                else (f"{c[0]} after {c[1]} queries" if c else "not detected"))
        print(f"MISSED: {r['scenario']} {r['role']} {r['ip']}: {what}", file=sys.stderr)
    for (pat, analytic), why in KNOWN_GAPS.items():
        if analytic is None:
            if any(r["role"] == pat and not caught(r) for r in results):
                print(f"KNOWN GAP (not asserted): {pat} not detected: {why}", file=sys.stderr)
            continue
        n = sum(r.get("by", {}).get(analytic, 0) for r in results if r["role"] == pat)
        if n:
            print(f"KNOWN GAP (not asserted): {n} {analytic} findings on {pat} clients: {why}",
                  file=sys.stderr)
    for k, why in KNOWN_GAPS_ON.items():
        n = sum(r.get("by", {}).get(k[1], 0) for r in results if gap_on(k, r))
        if n:
            print(f"KNOWN GAP (not asserted): {n} {k[1]} findings on {k[0]} clients on {k[2]}: "
                  f"{why}", file=sys.stderr)
    for (pat, scen), why in UNDETECTED_ON.items():
        if any(r["role"] == pat and r["scenario"].startswith(scen) and not caught(r) for r in results):
            print(f"KNOWN GAP (not asserted): {pat} not detected on {scen}: {why}", file=sys.stderr)
    sys.exit(1 if a.check and bad else 0)


if __name__ == "__main__":
    main()
