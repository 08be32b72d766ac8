/* adversarial.fingerprint: Blacklight-style query fingerprints (Li et al., USENIX Security
 * 2022; brief D2) against query-based black-box evasion (HopSkipJump, Boundary, NES, ...),
 * which sends long runs of near-identical inputs.
 *
 * Per query row in [0,1]: scale to 0..255, add a secret per-element salt, wrap at 255,
 * quantise to multiples of q (the SIMD kernel of kernels.h), hash every window of w
 * consecutive values (stride s), keep the S largest distinct hashes = the fingerprint.
 * Score = the largest number of the S hashes shared with any one of the client's last
 * <history> queries (a hash -> query-id index with age-out); score > T raises a finding.
 *
 * Differences from the paper's tracker: windows are hashed with a keyed 64-bit polynomial
 * rolling hash (Rabin–Karp over the int16 values, secret odd base) finished by a 64-bit
 * mixer with a secret key, not SHA-256 over the raw bytes: O(1) per window instead of a
 * SHA-256 block, not collision resistant against someone who knows the key (the key and
 * the salt are secret and derived from rules salt_key). "Top S" takes the S largest hash
 * values rather than the largest reversed hex strings: the same kind of deterministic
 * sample, not bit-compatible with the reference. Rows outside [0,1] are min-max scaled per
 * row first (tabular inputs); rows narrower than min_features are skipped (counted):
 * with a handful of windows the fingerprint degenerates into exact-duplicate detection.
 *
 * Memory: the client slice holds one pointer; state is allocated on the client's first
 * usable query from a global budget (memory_mb), released in evict:
 *     history * S * 8 B (fingerprint ring) + 2^ceil(log2(history * S * 4/3)) * 8 B (index)
 *     + history * 10 B (counters, labels, value hashes) + header; defaults (256, 50):
 *     100 KiB + 128 KiB + 2.5 KiB. */
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/detector.h>
#include "kernels/kernels.h"
#include "row_label.h"
#include "stats/floats.h"

#define NAME "adversarial.fingerprint"

struct fp_params {
    float    step;            /* q: quantisation step */
    uint32_t window, stride, top, threshold;
    uint32_t history;         /* queries kept in the index per client */
    uint32_t min_features, max_features;
    uint32_t min_evidence;    /* matches with boundary evidence before a finding */
    double   margin;          /* low margin: top1 - top2 below this */
    double   memory_mb;
    uint64_t budget;
    int      severity;
};

/* The rules block's params fill fp_params (rules/schema.md's table is generated from these
 * rows); threshold < top, min_features >= window and max_features >= min_features are
 * checked in init. */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct fp_params, f), __VA_ARGS__ }
static const struct ig_param fp_param_rows[] = {
    { .name = "salt_key", .type = IG_PT_SECRET, .doc_default = "none shipped",
      .help = "secret of the deployment, keep it stable: from `salt_key_file` (path, first line), else `$INFERGUARD_FINGERPRINT_SALT`, else random per process (one warning). A `salt_key` value in your own rules also works (rules files are often readable: prefer the file)" },
    ROW("quantise_step", IG_PT_FLOAT, step, .def = 50, .min = 1, .max = 255, .help = "q"),
    ROW("window", IG_PT_U32, window, .def = 20, .min = 1, .max = 4096, .help = "w, values per window"),
    ROW("stride", IG_PT_U32, stride, .def = 1, .min = 1, .max = INFINITY, .help = "s"),
    ROW("top", IG_PT_U32, top, .def = 50, .min = 1, .max = 1024, .help = "S, hashes per fingerprint"),
    ROW("threshold", IG_PT_U32, threshold, .def = 25, .vs = "top", .vs_op = IG_VS_LT, .help = "T"),
    ROW("history", IG_PT_U32, history, .def = 256, .min = 2, .max = 65536,
        .help = "queries per client in the index; older ones age out"),
    ROW("min_features", IG_PT_U32, min_features, .def = 256, .vs = "window", .vs_op = IG_VS_GE,
        .help = "narrower rows are skipped (few windows make it an exact-duplicate test)"),
    ROW("max_features", IG_PT_U32, max_features, .def = 262144, .min = 0, .max = 1u << 24,
        .vs = "min_features", .vs_op = IG_VS_GE, .help = "wider rows are skipped; also the salt length"),
    ROW("memory_mb", IG_PT_DOUBLE, memory_mb, .def = 256, .min = 1, .max = INFINITY,
        .help = "budget for all clients' fingerprint state"),
    ROW("min_evidence", IG_PT_U32, min_evidence, .def = 2, .min = 0, .max = 1e6,
        .help = "matches with boundary evidence before the first finding"),
    ROW("margin", IG_PT_DOUBLE, margin, .def = 0.1, .min = 0, .max = 1, .help = "low top-1 margin"),
    { 0 },
};
#undef ROW

struct fp_global {
    struct fp_params p;
    uint64_t key, base;       /* hash key and odd polynomial base, from salt_key */
    uint64_t base_pow;        /* base^(window-1) */
    float   *salt;            /* max_features salts in [0,255) */
    const struct ig_budget_ops *mem_ops;   /* lent by the env */
    struct ig_budget *mem;    /* memory_mb: clients' histories */
    _Atomic uint64_t skipped_narrow, skipped_wide, skipped_scratch;
};

struct fp_slot {
    uint32_t tag;             /* high half of the hash; 0 = empty (tags are forced odd) */
    uint32_t qid;
};

struct fp_state {
    uint64_t queries, alarms, bytes;
    uint64_t matches, evidence;   /* near-identical queries; those with boundary evidence */
    int32_t *labels;          /* per ring position: the query's label (-1 unknown) */
    uint32_t *exact;          /* per ring position: a hash of the query's values */
    uint32_t mask;            /* index capacity - 1 */
    uint64_t *ring;           /* history x top hashes, 0 = unused */
    uint16_t *count;          /* per ring position, scratch of the scoring pass */
    struct fp_slot *slots;
};

struct fp_client {
    struct fp_state *st;
};

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int fp_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct fp_global *g = calloc(1, sizeof(*g));
    if (!g)
        goto nomem;
    struct fp_params *p = &g->p;
    *p = *(const struct fp_params *)env->params;
    p->severity = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    /* threshold < top, window <= min_features <= max_features: the table says so (.vs) */
    p->budget = (uint64_t)(p->memory_mb * 1048576.0);
    /* the deployment's secret: hash key, polynomial base and per-element salt */
    char secret[256];   /* none ships: a public salt lets an attacker pick inputs that avoid it */
    if (ig_rules_secret(r, NAME, "salt_key", "INFERGUARD_FINGERPRINT_SALT", secret, sizeof secret,
                        err, errlen) != IG_OK) {
        free(g);
        return IG_ECONF;
    }
    uint64_t seed = ig_fnv1a_str(IG_FNV1A_BASIS, secret, sizeof secret);
    g->key = mix64(seed ^ 0x5851f42d4c957f2dull);
    g->base = mix64(seed + 0x9e3779b97f4a7c15ull) | 1u;
    g->base_pow = 1;
    for (uint32_t i = 1; i < p->window; i++)
        g->base_pow *= g->base;
    g->salt = malloc((size_t)p->max_features * sizeof(float));
    if (!g->salt)
        goto nomem;
    for (uint32_t i = 0; i < p->max_features; i++)
        g->salt[i] = (float)(int)((mix64(seed ^ (0xa0761d6478bd642full * (i + 1))) >> 11) % 255u);
    g->mem_ops = env->budget;
    if (!(g->mem = ig_budget_open(g->mem_ops, NAME, p->budget))) {
        free(g->salt);
        goto nomem;
    }
    *global = g;
    return IG_OK;
nomem:
    if (g)
        free(g);
    snprintf(err, errlen, "%s: out of memory", NAME);
    return IG_ENOMEM;
}

static void fp_free(void *global)
{
    struct fp_global *g = global;
    if (g) {
        free(g->salt);
        g->mem_ops->close(g->mem);
    }
    free(g);
}

static size_t fp_stats(const void *global, struct ig_det_counter *out)
{
    struct fp_global *g = (struct fp_global *)global;
    /* refused: clients whose history memory_mb had no room for (not tracked); skipped_*:
     * input rows not fingerprinted, narrower than min_features, wider than max_features,
     * or for want of scratch memory. */
    out[0] = (struct ig_det_counter){ "refused", g->mem_ops->refused(g->mem) };
    out[1] = (struct ig_det_counter){ "skipped_narrow", atomic_load(&g->skipped_narrow) };
    out[2] = (struct ig_det_counter){ "skipped_wide", atomic_load(&g->skipped_wide) };
    out[3] = (struct ig_det_counter){ "skipped_scratch", atomic_load(&g->skipped_scratch) };
    return 4;
}

static void state_free(struct fp_global *g, struct fp_state *st)
{
    if (!st)
        return;
    g->mem_ops->uncharge(g->mem, st->bytes);
    free(st->ring);
    free(st->count);
    free(st->slots);
    free(st->labels);
    free(st->exact);
    free(st);
}

static uint64_t index_cap(const struct fp_params *p)
{
    uint64_t postings = (uint64_t)p->history * p->top, cap = 16;
    while (cap < postings * 4 / 3 + 1)
        cap <<= 1;
    return cap;
}

static void *state_make(const void *ctx)
{
    const struct fp_params *p = ctx;
    uint64_t postings = (uint64_t)p->history * p->top, cap = index_cap(p);
    struct fp_state *st = calloc(1, sizeof(*st));
    if (st) {
        st->ring = calloc(postings, 8);
        st->count = calloc(p->history, 2);
        st->slots = calloc(cap, sizeof(struct fp_slot));
        st->labels = calloc(p->history, sizeof(int32_t));
        st->exact = calloc(p->history, sizeof(uint32_t));
    }
    if (!st || !st->ring || !st->count || !st->slots || !st->labels || !st->exact) {
        if (st) {
            free(st->ring);
            free(st->count);
            free(st->slots);
            free(st->labels);
            free(st->exact);
        }
        free(st);
        return NULL;
    }
    st->mask = (uint32_t)(cap - 1);
    return st;
}

static struct fp_state *state_new(struct fp_global *g)
{
    const struct fp_params *p = &g->p;
    uint64_t postings = (uint64_t)p->history * p->top;
    uint64_t bytes = sizeof(struct fp_state) + postings * 8 + p->history * 10 +
                     index_cap(p) * sizeof(struct fp_slot);
    struct fp_state *st = g->mem_ops->alloc(g->mem, bytes, state_make, p);
    if (st)
        st->bytes = bytes;
    return st;
}

/* The index keys on 31 bits of the hash (the tag); the home slot derives from the tag,
 * so deletion can shift entries back without the full hash. */
static inline uint32_t tag_of(uint64_t h)
{
    return (uint32_t)(h >> 32) | 1u;
}

static inline uint32_t home_of(const struct fp_state *st, uint32_t tag)
{
    return (tag >> 1) & st->mask;
}

static void index_insert(struct fp_state *st, uint32_t tag, uint32_t qid)
{
    uint32_t i = home_of(st, tag);
    while (st->slots[i].tag)
        i = (i + 1) & st->mask;
    st->slots[i] = (struct fp_slot){ tag, qid };
}

/* Linear-probing deletion by backward shift: no tombstones, so probe chains stay short. */
static void index_delete(struct fp_state *st, uint32_t tag, uint32_t qid)
{
    uint32_t i = home_of(st, tag);
    while (st->slots[i].tag && !(st->slots[i].tag == tag && st->slots[i].qid == qid))
        i = (i + 1) & st->mask;
    if (!st->slots[i].tag)
        return;
    uint32_t j = i;
    for (;;) {
        st->slots[i].tag = 0;
        for (;;) {
            j = (j + 1) & st->mask;
            if (!st->slots[j].tag)
                return;
            uint32_t k = home_of(st, st->slots[j].tag);
            /* entry j may move to i only if its home is not cyclically in (i, j] */
            bool stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays)
                break;
        }
        st->slots[i] = st->slots[j];
        i = j;
    }
}

static void heap_sift_down(uint64_t *h, uint32_t n, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        if (l < n && h[l] < h[m])
            m = l;
        if (l + 1 < n && h[l + 1] < h[m])
            m = l + 1;
        if (m == i)
            return;
        uint64_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void heap_sift_up(uint64_t *h, uint32_t i)
{
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (h[p] <= h[i])
            return;
        uint64_t t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* The S largest distinct window hashes of one quantised row, into out[0..n) as a min-heap.
 * A candidate costs one compare with the heap's minimum unless it enters; duplicates are
 * screened by a count per low byte of the members, so a full scan happens only on a hit. */
static uint32_t fingerprint(const struct fp_global *g, const int16_t *v, uint32_t len,
                            uint64_t *out)
{
    const struct fp_params *p = &g->p;
    uint32_t w = p->window, n = 0;
    uint16_t lowcnt[256];
    memset(lowcnt, 0, sizeof(lowcnt));
    uint64_t h = 0;
    for (uint32_t j = 0; j < w; j++)
        h = h * g->base + (uint64_t)(uint16_t)v[j];
    for (uint32_t i = 0, next = 0;; i++) {
        if (i == next) {
            next += p->stride;
            uint64_t d = mix64(h ^ g->key);
            if (n < p->top || d > out[0]) {
                bool dup = false;
                if (lowcnt[d & 255])
                    for (uint32_t k = 0; k < n && !dup; k++)
                        dup = out[k] == d;
                if (!dup) {
                    if (n < p->top) {
                        out[n] = d;
                        heap_sift_up(out, n++);
                    } else {
                        lowcnt[out[0] & 255]--;
                        out[0] = d;
                        heap_sift_down(out, n, 0);
                    }
                    lowcnt[d & 255]++;
                }
            }
        }
        if (i + w >= len)
            break;
        h = (h - (uint64_t)(uint16_t)v[i] * g->base_pow) * g->base + (uint64_t)(uint16_t)v[i + w];
    }
    return n;
}

static const char fp_remediation[] =
    "Rate-limit or block this client, return labels only with rounded scores, and review "
    "the model's robustness to the inputs it converged on (AML.M0002, AML.M0004).";

static int fp_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct fp_global *g = (struct fp_global *)call->global;
    const struct fp_params *p = &g->p;
    struct fp_client *cl = call->client;
    if (!ev->inputs || ev->rows == 0)
        return IG_OK;
    uint32_t len = ev->features;
    if (len < p->min_features) {
        atomic_fetch_add(&g->skipped_narrow, ev->rows);
        return IG_OK;
    }
    if (len > p->max_features) {
        atomic_fetch_add(&g->skipped_wide, ev->rows);
        return IG_OK;
    }
    int16_t *q = call->scratch ? ig_scratch_alloc(call->scratch, (size_t)len * 2) : NULL;
    float *norm = call->scratch ? ig_scratch_alloc(call->scratch, (size_t)len * 4) : NULL;
    uint64_t fpv[1024];
    if (!q || !norm) {
        atomic_fetch_add(&g->skipped_scratch, ev->rows);
        return IG_OK;
    }
    if (!cl->st && !(cl->st = state_new(g)))
        return IG_OK;
    struct fp_state *st = cl->st;
    const struct ig_kern_ops *k = ig_kern();
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *x = ev->inputs + (size_t)r * len;
        /* an exact repeat of an earlier query (a retry, a nightly re-score, a cache miss)
         * shares every window with it and adds no step to any search: not a match */
        uint32_t exact = ig_row_hash(x, len);
        /* tabular rows outside [0,1]: min-max scale the row (near-duplicates stay near) */
        float lo = INFINITY, hi = -INFINITY;
        for (uint32_t i = 0; i < len; i++) {
            lo = x[i] < lo ? x[i] : lo;
            hi = x[i] > hi ? x[i] : hi;
        }
        if (lo < 0.0f || hi > 1.0f) {
            float inv = hi > lo && isfinite(hi - lo) ? 1.0f / (hi - lo) : 0.0f;
            for (uint32_t i = 0; i < len; i++)
                norm[i] = (x[i] - lo) * inv;
            x = norm;
        }
        k->quantise(x, g->salt, len, p->step, q);
        uint32_t n = fingerprint(g, q, len, fpv);

        /* score against the history, then insert */
        uint32_t qid = (uint32_t)st->queries, best = 0, best_q = 0;
        for (uint32_t a = 0; a < n; a++) {
            uint32_t tag = tag_of(fpv[a]);
            for (uint32_t i = home_of(st, tag); st->slots[i].tag; i = (i + 1) & st->mask) {
                if (st->slots[i].tag != tag)
                    continue;
                uint32_t pos = st->slots[i].qid % p->history;
                if (st->exact[pos] == exact)
                    continue;
                uint32_t c = ++st->count[pos];
                if (c > best) {
                    best = c;
                    best_q = st->slots[i].qid;
                }
            }
        }
        /* reset only what was touched */
        for (uint32_t a = 0; a < n; a++) {
            uint32_t tag = tag_of(fpv[a]);
            for (uint32_t i = home_of(st, tag); st->slots[i].tag; i = (i + 1) & st->mask)
                if (st->slots[i].tag == tag)
                    st->count[st->slots[i].qid % p->history] = 0;   /* repeats: untouched */
        }
        double margin;
        int label = ig_row_label(ev, r, &margin);
        /* boundary evidence: the near-identical earlier query got another label, or this
         * answer sits on the boundary. Near-duplicates answered confidently with one label
         * (video frames, sensor readings, retries) are not a search. */
        bool matched = best > p->threshold, evid = false;
        if (matched) {
            int32_t ol = st->labels[best_q % p->history];
            evid = (label >= 0 && ol >= 0 && label != ol) || (margin >= 0 && margin < p->margin);
            /* no answer seen (response lost or not decoded): Blacklight's own rule */
            if (label < 0 && margin < 0)
                evid = true;
            st->matches++;
            st->evidence += evid;
        }
        st->labels[qid % p->history] = label;
        st->exact[qid % p->history] = exact;
        uint64_t *slot = st->ring + (size_t)(qid % p->history) * p->top;
        if (st->queries >= p->history) {
            /* age out the query this ring position held */
            uint32_t old = qid - p->history;
            for (uint32_t a = 0; a < p->top && slot[a]; a++)
                index_delete(st, tag_of(slot[a]), old);
        }
        memset(slot, 0, p->top * 8);
        for (uint32_t a = 0; a < n; a++) {
            slot[a] = fpv[a];
            index_insert(st, tag_of(fpv[a]), qid);
        }
        st->queries++;

        if (matched && evid && (st->evidence >= p->min_evidence || (label < 0 && margin < 0))) {
            st->alarms++;
            /* first alarm, then at 10, 100 and every 1000: the throttle merges the rest */
            if (st->alarms == 1 || st->alarms == 10 || st->alarms == 100 || st->alarms % 1000 == 0) {
                struct ig_finding f;
                ig_finding_init(&f, NAME, ev);
                f.title = "Suspected query-based adversarial attack";
                f.desc = "The client keeps sending near-identical inputs (Blacklight fingerprint "
                         "match) whose answers flip label or sit on the decision boundary: the "
                         "footprint of black-box optimisation of an adversarial example.";
                f.remediation = fp_remediation;
                f.atlas[0] = "AML.T0043.001";
                f.atlas[1] = "AML.T0015";
                f.queries_seen = st->queries;
                int sev = p->severity + (st->alarms >= 10) + (st->alarms >= 100);
                f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
                f.confidence_id = st->alarms >= 10 ? 3 : 2;
                ig_finding_score(&f, "score", best);
                ig_finding_score(&f, "threshold", p->threshold);
                ig_finding_score(&f, "top", n);
                ig_finding_score(&f, "matched_queries_ago", (double)(qid - best_q));
                ig_finding_score(&f, "alarmed_queries", (double)st->alarms);
                ig_finding_score(&f, "matches", (double)st->matches);
                ig_finding_score(&f, "boundary_evidence", (double)st->evidence);
                ig_finding_score(&f, "queries", (double)st->queries);
                ig_emit_finding(call->emit, &f);
            }
        }
    }
    return IG_OK;
}

static void fp_evict(const struct ig_call *call)
{
    struct fp_client *cl = call->client;
    state_free((struct fp_global *)call->global, cl->st);
    cl->st = NULL;
}

const struct ig_detector ig_det_adversarial_fingerprint = {
    .name = NAME,
    .wants = IG_EV_TENSOR,
    .client_size = sizeof(struct fp_client),
    .init = fp_init,
    .observe = fp_observe,
    .evict = fp_evict,
    .free = fp_free,
    .stats = fp_stats,
    .params = fp_param_rows,
    .params_size = sizeof(struct fp_params),
};
