/* extraction.coverage: broad-sweep extraction signals (brief D4) that PRADA misses, e.g.
 * Tramèr-style uniformly random queries whose minimum distances look normal enough.
 *
 * Model reference: the first <reference_queries> rows a model receives teach it, at most
 * <reference_per_client> of them from any one client (an early attacker cannot own it): per predicted class, the mean and variance of up to 32 sampled input features
 * (every ceil(d/32)-th), the features' overall ranges and the class prior. Then per client:
 *  - out-of-distribution share: a row is OOD when the RMS of its features' z-scores
 *    against its predicted class's reference exceeds ood_rms (natural rows sit near 1;
 *    uniform noise far from every class lands well above);
 *  - class-histogram divergence: Jensen–Shannon (natural log) of the client's predicted
 *    classes against the model's prior (broad sweeps flatten it);
 *  - range excess: how far the client's per-feature ranges reach beyond the reference's,
 *    relative to the reference range (coverage growth of the input space).
 * A finding fires once the client has sent min_queries rows (repeats included), at least
 * half of them new samples (below), its OOD share >= ood_share, and its
 * recent OOD share (last ~recent_rows rows) exceeds the model's ordinary level by
 * ood_margin: the lower quartile of the other active clients' recent shares, each weighted by
 * the rows it is measured on (others_level). When the whole population moves away from the
 * reference (input drift, a drift.* matter) no client stands out, while an extractor among
 * natural clients does; a minority of odd clients or a crowd of few-row ones does not move
 * it. With fewer than 3 other active clients it is 0, so a lone extractor still fires. Rows
 * here are new samples (below).
 * JS >= js_high or range excess >= 0.5 and volume raise the severity. It fires again at
 * 10x, 100x, ... the rows of the previous one.
 *
 * Only new samples count: a row within a tenth of its class's spread (RMS over the sampled
 * features) of the client's last counted row is a near-duplicate (a video frame, a sensor
 * reading, a retry) and is skipped. A camera watching one unusual scene sends hundreds of
 * near-copies of one record; counted row by row, that one record made the client's OOD share
 * 1 (a false positive on wine), while a sweep's rows are each new (PRADA skips repeats the
 * same way, duplicate_rel). With a history (below), a row within 0.1 sd RMS of any earlier
 * distinct sample of the client is skipped too: video frames of one scene drift slowly
 * away from the last counted frame but stay near the scene's first (an iris "frames"
 * client, four scenes of unusual records, had an OOD share of 0.58 and was flagged).
 * A row changing one sampled feature of the last counted row is a what-if edit, skipped
 * too (one_feature_edit).
 *
 * Augmented natural data (KnockoffNets-style extraction once the attacker's own records run
 * out: mixup, interpolation between records, Jacobian steps to and fro): its queries sit on
 * the segment between two of the client's own earlier queries. Per client, the last
 * <history> distinct samples (sampled features, in units of the reference's per-feature
 * standard deviation) are kept; a new sample x is an interpolation when, for one of its 3
 * nearest earlier samples a and some earlier sample b, x = a + t (b - a) + r with t in
 * [0.1, 0.9], |r| <= interp_tol (RMS per feature) and |r| <= 0.15 |b - a|, where b - a is a
 * real step between records (RMS >= 0.5 sd) spread over several features (no single
 * feature holds more than half of it: a what-if sweep of one feature is not an
 * interpolation of records). With at least 8 sampled features natural records, even highly
 * correlated ones (breast cancer's radius / perimeter / area), rarely lie that close to a
 * segment between two others (share <= 0.04 per window for every ordinary client of wine,
 * breast cancer and digits in the efficacy runs), while mixup with 5 % noise does (0.7-0.9
 * once the attacker's records run out). With fewer features the geometry tells them apart
 * less well (iris, 4 features: ~30 % of natural records lie near such a segment, up to
 * 0.46 of a what-if client's window): a finding then needs 2 x interp_share and at least 3
 * peers with a share to compare with. A finding fires when at least interp_share of the client's last 50 distinct
 * samples (judged from 30 on) are interpolations and that share exceeds the median of the
 * other active clients' by ood_margin (a model whose records all lie on a line is the data,
 * not an attacker), or on a burst: among the last 16, 32 or 50 distinct samples so many
 * interpolations that a binomial at the model's ordinary rate (the peers' median share, at
 * least 0.05; 0.3 with fewer than 8 features) gives them at most interp_burst_p (a
 * window of 50 still full of the attacker's own records needed ~25 augmented queries to
 * reach its share; the burst needs 8 of 16, on iris 15 of 16, 24 of 32 or 32 of 50). A sample within 0.1 sd RMS of an earlier one is a repeat, not a new
 * sample. The history is allocated on a client's first judged row with room for 2
 * samples and doubles as it fills, each step charged to memory_mb (refused at first: the
 * client is judged without one; refused later: the ring stays the size it has). Searching
 * every row and pair costs ~4 x history x 32 multiply-adds per distinct sample (~47 us at
 * the default history); the pruned search (judge_fast: SIMD dot products pick candidates
 * with wide margins, the same arithmetic decides them) makes the same decisions for a
 * tenth of that. The history is kept exactly in two 16-bit planes (kernels.h, struct
 * ig_vsplit): the searches' estimates read the top halves only, half the bytes of a history
 * that is rarely still in cache when the client's next row comes. Once a client has repeated
 * a record, a hash table of its stored rows' bits answers exact repeats (distance 0: a
 * repeat whatever the other rows are) before any search (hist_seen).
 *
 * The reference is learned from live traffic: clients present from the start teach it,
 * each a bounded share; rows sent while it is being learned are not judged. Memory: the
 * model slice is ~18 KiB, the client slice ~0.6 KiB, plus a judged client's history of
 * its distinct samples so far (~4 x min(d, 32) + 16 B each, rounded up to a power of two
 * and 16, and past 16 samples its pivots, 4 x (min(d, 32) + 1) B per class with reference
 * rows, rounded up to 4 classes: ~73 KiB by default on 4 classes, within memory_mb);
 * nothing is allocated per query but the history's growth. */
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CV_SSE2: filled_copy()'s block test and pivot_dots() on SSE2; IG_CV_PORTABLE builds the
 * portable ones instead (x86-64 always has SSE2, so only that switch lets a test run them:
 * test_det_extraction_coverage_portable) */
#if defined(__SSE2__) && !defined(IG_CV_PORTABLE)
#define CV_SSE2 1
#include <emmintrin.h>
#else
#define CV_SSE2 0
#endif

#include <gsl/gsl_cdf.h>
#include <inferguard/detector.h>
#include "kernels/blkpool.h"
#include "kernels/kernels.h"
#include "stats/floats.h"
#include "stats/peers.h"

#define NAME "extraction.coverage"
#define CV_FEAT 32
#define CV_CLS 32

struct cv_params {
    uint64_t reference_queries, reference_per_client, min_queries, active_rows;
    double ood_rms, ood_share, js_high, ood_margin;
    double recent_rows;
    double keep;              /* per-row decay of a client's recent share: 1 - 1/recent_rows */
    double interp_share, interp_tol, memory_mb;
    double burst_p;           /* interp_burst_p */
    uint32_t scan_min[3];     /* per scan window, the fewest hits that can pass (at the floor rate) */
    uint32_t history;
    uint32_t search;          /* 0 pruned, 1 exhaustive */
    uint64_t budget;
    int severity;
};

/* The rules block's params fill cv_params (rules/schema.md's table is generated from these rows). */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct cv_params, f), __VA_ARGS__ }
static const struct ig_param cv_param_rows[] = {
    ROW("reference_queries", IG_PT_U64, reference_queries, .def = 1000, .min = 10, .max = INFINITY,
        .help = "rows per model offered to its reference (then it closes)"),
    ROW("reference_per_client", IG_PT_U64, reference_per_client, .def = 100, .min = 1, .max = INFINITY,
        .help = "rows one client may teach the reference"),
    ROW("min_queries", IG_PT_U64, min_queries, .def = 100, .min = 1, .max = INFINITY,
        .help = "client rows (repeats included; at least half of them new samples) before it is judged"),
    ROW("ood_rms", IG_PT_DOUBLE, ood_rms, .def = 2.0, .min = 0, .max = INFINITY, .flags = IG_PARAM_GT_MIN,
        .help = "RMS z-score above which a row is out of distribution (natural rows sit near 1; with few features uniform noise over the natural ranges sits near 2.2)"),
    ROW("ood_share", IG_PT_DOUBLE, ood_share, .def = 0.5, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "share of OOD rows that fires"),
    ROW("ood_margin", IG_PT_DOUBLE, ood_margin, .def = 0.3, .min = 0, .max = 1, .flags = IG_PARAM_LT_MAX,
        .help = "the client's recent OOD share must also exceed the model's ordinary level by this much, the lower quartile of the other active clients' recent shares weighted by the rows each is measured on (the interpolation tests: their median share): when everyone moves away from the reference (input drift) no client stands out. With fewer than 3 other active clients the level counts as 0, so a lone extractor still fires"),
    ROW("recent_rows", IG_PT_DOUBLE, recent_rows, .def = 100, .min = 10, .max = INFINITY,
        .help = "horizon (the client's rows, exponential decay) of its recent OOD share"),
    ROW("active_rows", IG_PT_U64, active_rows, .def = 2000, .min = 1, .max = INFINITY,
        .help = "a client heard from within this many rows of all clients is an active peer (64 peers kept, least recently updated replaced)"),
    ROW("interp_share", IG_PT_DOUBLE, interp_share, .def = 0.4, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "share of the client's last 50 distinct samples lying on a segment between two of its earlier samples (mixup / interpolation augmentation) that fires"),
    ROW("interp_burst_p", IG_PT_DOUBLE, burst_p, .def = 1e-6, .min = 0, .max = 0.5, .flags = IG_PARAM_GT_MIN,
        .help = "a burst of interpolations fires too: of the client's last 16, 32 or 50 distinct samples, so many that a binomial at the model's ordinary rate (the other active clients' median share; at least 0.05, with fewer than 8 sampled features at least 0.3) gives them at most this probability (each window)"),
    ROW("interp_tol", IG_PT_DOUBLE, interp_tol, .def = 0.15, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "largest distance (RMS per feature, in reference standard deviations) of an interpolated sample from its segment"),
    ROW("history", IG_PT_U32, history, .def = 512, .min = 8, .max = 65536,
        .help = "distinct samples per client searched for interpolation parents"),
    ROW("interp_search", IG_PT_ENUM, search, .def = 0, .choices = "pruned|exhaustive",
        .help = "`pruned`: a sample whose bits equal a stored row's is a repeat found by a hash of them, without a search; otherwise the history's squared distances from SIMD dot products pick the candidate rows and pairs with margins far wider than their rounding error, and the exhaustive arithmetic decides each candidate: the same decisions, ~10x less work at the default `history`. `exhaustive`: every row and pair in float arithmetic (the reference; tests compare the two)"),
    ROW("memory_mb", IG_PT_DOUBLE, memory_mb, .def = 128, .min = 1, .max = 1 << 20,
        .help = "budget for all clients' histories together (beyond it clients are judged without one)"),
    ROW("js_high", IG_PT_DOUBLE, js_high, .def = 0.2, .min = 0, .max = INFINITY, .flags = IG_PARAM_GT_MIN,
        .help = "class JS divergence that raises severity"),
    { 0 },
};
#undef ROW

#define CV_PEERS 64

/* The latest recent OOD share of one client, for the population comparison. */
struct cv_peer {
    uint64_t key;             /* hash of the client id; 0 = free */
    uint64_t at;              /* model's judged-row count when last updated */
    float    share;
    float    rows;            /* what the share is measured on: its decayed row count */
    float    interp;          /* share of interpolated samples in its last 50 distinct ones */
};

struct cv_global {
    struct cv_params p;
    const struct ig_budget_ops *mem_ops;   /* lent by the env */
    struct ig_budget *mem;    /* memory_mb: the clients' histories */
    /* Shared by every worker, hence atomics: the interpolation test's outcomes */
    _Atomic uint64_t samples, repeats, interpolated, capped;
};

#define CV_WIN 50             /* distinct samples in the interpolation window */
#define CV_WIN_MIN 30         /* judged with at least this many */
#define CV_INTERP_MINFEAT 8   /* fewer sampled features: judged against peers only */
#define CV_BURST 16           /* distinct samples in the burst test's shortest window */
#define CV_SCANS 3            /* the burst test's windows: the last 16, 32 and 50 */
static const uint32_t cv_scan_len[CV_SCANS] = { CV_BURST, 32, CV_WIN };
#define CV_BURST_P0 0.05      /* floor of the ordinary rate of interpolations ... */
#define CV_BURST_P0_FEW 0.3   /* ... with fewer than CV_INTERP_MINFEAT features (iris: ~30 %) */

#define CV_SMALL 16           /* rows kept row-major (and judged by the reference) first */
#define CV_TAME 1e6f          /* |z| beyond it: the row is judged by the reference path */

/* A client's last <cap> distinct samples (sampled features / reference sd), a ring, grown
 * on demand: row-major in <small> up to CV_SMALL rows (2, 4, 8, 16), then in a blocked set
 * (kernels.h) that doubles up to <cap>. Ring slot i is row i of either store. */
struct cv_hist {              /* 80 B: every judged client has one */
    uint32_t n, head, cap;
    uint32_t room;            /* rows allocated: the row-major store while <= CV_SMALL */
    uint32_t wild;            /* stored rows with a coordinate beyond +-CV_TAME */
    uint32_t hints;           /* the repeat table's hints (seen_hint) since it was built */
    uint16_t nfeat;           /* <= CV_FEAT */
    uint8_t  npivot;          /* with the set: pivots (<= IG_SEG_PIVOTS) */
    bool     seen_live;       /* the repeat table is kept (since the client's first repeat) */
    uint64_t bytes;           /* charged to memory_mb */
    union {
        float *small;         /* room x nfeat, while room <= CV_SMALL */
        float *pivot;         /* afterwards: the origin and the model's class centres when
                               * the set was made (the rows' distances refer to these,
                               * whatever the model learns later), side by side: feature f
                               * of pivot p at [f * pivot_stride(npivot) + p], their squared
                               * lengths in row nfeat, zero past npivot */
    };
    struct ig_vsplit set;     /* with the pivots, each row's squared length (float sum in
                               * feature order) in its aux floats (hist_norm), its nearest
                               * pivot and an upper bound on its distance to it (hist_pivot),
                               * its bits' hash and the repeat table over them (hist_seen) */
};

/* The row-major store (room <= CV_SMALL), before the set */
static inline bool hist_small(const struct cv_hist *h)
{
    return h->room <= CV_SMALL;
}

/* Pivots side by side, a multiple of 4 (vector lanes) */
static inline uint32_t pivot_stride(uint32_t npivot)
{
    return (npivot + 3) & ~3u;
}

/* The rows' squared lengths (the set's aux floats), once the history is a set. */
static inline float *hist_norm(const struct cv_hist *h)
{
    return ig_vsplit_aux(&h->set);
}

/* The two aux planes of the set after the pivots': the repeat table (hist_seen), 2 x cap
 * 32-bit entries, each the top 16 bits of a row's hash (its tag, which also gives its
 * home) over slot + 1 (0: empty); linear probing. A lookup reads one line of it. */
#define CV_SEEN_PLANE (IG_SEG_PIVOT_PLANE + 1)
/* slot + 1 in 16 bits: larger histories go without the table */
#define CV_SEEN_MAXCAP 32768u

static inline uint32_t *hist_seen(const struct cv_hist *h)
{
    return (uint32_t *)ig_vsplit_aux_plane(&h->set, CV_SEEN_PLANE);
}

struct cv_stat {
    double n, mean, m2;
};

struct cv_model {
    uint32_t dim, stride, nfeat;
    uint64_t ref_rows;        /* rows learned */
    uint64_t seen_rows;       /* rows offered while learning: closes the reference */
    uint64_t prior[CV_CLS];
    float    lo[CV_FEAT], hi[CV_FEAT];
    struct cv_stat st[CV_CLS][CV_FEAT];
    uint64_t judged;          /* rows judged, all clients */
    float    typical_range;   /* median range of the sampled features (0: not yet known) */
    struct cv_stat all[CV_FEAT];  /* all classes together: the interpolation test's units */
    /* per feature, the classes' within-class sums of squares and rows added up: the pooled
     * within-class variance a class's own spread is shrunk toward (spread) */
    double   pool_m2[CV_FEAT], pool_n[CV_FEAT];
    float    inv_sd[CV_FEAT];
    /* once the reference is closed: per class and sampled feature, the spread rms_z and
     * near_dup divide by (spread(): 0 with fewer than 2 reference rows, not used), the
     * same doubles they computed per row (two square roots and a division each) */
    double   den[CV_CLS][CV_FEAT];
    struct cv_peer peers[CV_PEERS];
};

struct cv_client {                /* 632 B: the narrow fields together at the end */
    uint64_t taught;          /* rows this client gave the model reference */
    uint64_t rows, ood, next_alarm;
    double   recent_rows, recent_ood;   /* exponentially decayed per row of this client */
    uint64_t key;
    uint64_t dups;            /* near-duplicates of the last counted row, skipped */
    uint64_t edits;           /* one-feature edits of it (what-if), skipped */
    uint32_t cls[CV_CLS];
    float    lo[CV_FEAT], hi[CV_FEAT];
    float    last[CV_FEAT];   /* sampled features of the last counted row */
    struct cv_hist *hist;     /* distinct samples, for the interpolation test (lazy) */
    uint64_t interp_bits;     /* interpolation flags of the last distinct samples, newest low */
    uint64_t distinct, interp, next_interp;
    uint32_t dim;
    uint16_t win;             /* distinct samples in interp_bits (at most CV_WIN) */
    bool     no_hist;         /* the budget refused a history: not tested */
};

static int cv_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct cv_params q = *(const struct cv_params *)env->params;
    q.keep = 1.0 - 1.0 / q.recent_rows;
    q.severity = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    q.budget = (uint64_t)(q.memory_mb * 1048576.0);
    /* per window, the fewest hits that any rate at or above the floor lets pass */
    for (int s = 0; s < CV_SCANS; s++) {
        uint32_t k = 1;
        while (k <= cv_scan_len[s] && gsl_cdf_binomial_Q(k - 1, CV_BURST_P0, cv_scan_len[s]) > q.burst_p)
            k++;
        q.scan_min[s] = k;
    }
    struct cv_global *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    g->p = q;
    g->mem_ops = env->budget;
    if (!(g->mem = ig_budget_open(g->mem_ops, NAME, q.budget))) {
        free(g);
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    *global = g;
    return IG_OK;
}

static void cv_free(void *global)
{
    struct cv_global *g = global;
    if (g)
        g->mem_ops->close(g->mem);
    free(g);
}

static size_t cv_stats(const void *global, struct ig_det_counter *out)
{
    struct cv_global *g = (struct cv_global *)global;
    /* refused: clients judged without a history (memory_mb); capped: histories that
     * stopped growing below `history` for the same reason; samples / repeats /
     * interpolated: rows the interpolation test judged, found repeating an earlier
     * sample, found on a segment */
    out[0] = (struct ig_det_counter){ "refused", g->mem_ops->refused(g->mem) };
    out[1] = (struct ig_det_counter){ "capped", atomic_load(&g->capped) };
    out[2] = (struct ig_det_counter){ "samples", atomic_load(&g->samples) };
    out[3] = (struct ig_det_counter){ "repeats", atomic_load(&g->repeats) };
    out[4] = (struct ig_det_counter){ "interpolated", atomic_load(&g->interpolated) };
    return 5;
}

static void cv_evict(const struct ig_call *call)
{
    struct cv_global *g = (struct cv_global *)call->global;   /* the budget is its mutable part (atomics) */
    struct cv_client *c = call->client;
    if (c->hist) {
        g->mem_ops->uncharge(g->mem, c->hist->bytes);
        ig_blk_free(hist_small(c->hist) ? c->hist->small : c->hist->pivot);
        ig_vsplit_free(&c->hist->set);   /* the squared lengths with it */
        ig_blk_free(c->hist);
        c->hist = NULL;
    }
}

static int row_label(const struct ig_event *ev, uint32_t r)
{
    if (ev->labels && ev->labels[r] >= 0)
        return ev->labels[r];
    if (ev->scores && ev->outputs > 0) {
        const float *s = ev->scores + (size_t)r * ev->outputs;
        uint32_t b = 0;
        for (uint32_t k = 1; k < ev->outputs; k++)
            if (s[k] > s[b])
                b = k;
        return s[b] == s[b] ? (int)b : -1;
    }
    return -1;
}

/* Jensen–Shannon divergence (natural log) of two count vectors. */
static double js_div(const uint32_t *a, const uint64_t *b, int n)
{
    double sa = 0, sb = 0, js = 0;
    for (int i = 0; i < n; i++) {
        sa += a[i];
        sb += (double)b[i];
    }
    if (sa == 0 || sb == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        double p = a[i] / sa, q = b[i] / sb, m = 0.5 * (p + q);
        if (p > 0)
            js += 0.5 * p * log(p / m);
        if (q > 0)
            js += 0.5 * q * log(q / m);
    }
    return js;
}

static const char cv_remediation[] =
    "Return labels or top-k only with rounded scores, enforce per-client query quotas "
    "(AML.M0002, AML.M0004) and validate inputs against the model's expected ranges.";

/* FNV-1a of the client id: a peer-table key (0 is reserved for free slots). */
static uint64_t client_key(const struct ig_event *ev)
{
    uint64_t h = ig_fnv1a_str(1469598103934665603ull, ev->client_id, IG_CLIENT_ID_MAX);
    return h ? h : 1;
}

/* Records one judged row: the client's recent share, and its entry in the peer table
 * (its own slot, else a free one, else the least recently updated). */
static double interp_share(const struct cv_client *c);

static double recent_add(const struct cv_params *p, struct cv_model *m, struct cv_client *c, bool ood)
{
    c->recent_rows = c->recent_rows * p->keep + 1;
    c->recent_ood = c->recent_ood * p->keep + ood;
    double share = c->recent_ood / c->recent_rows;
    struct cv_peer *slot = &m->peers[0];
    for (int i = 0; i < CV_PEERS; i++) {
        if (m->peers[i].key == c->key) {
            slot = &m->peers[i];
            break;
        }
        if (m->peers[i].at < slot->at)
            slot = &m->peers[i];
    }
    *slot = (struct cv_peer){ .key = c->key, .at = ++m->judged, .share = (float)share,
                              .rows = (float)c->recent_rows, .interp = (float)interp_share(c) };
    return share;
}

/* Median interpolation share of the other clients active within the last active_rows rows
 * that have one; 0 with fewer than 3 of them. *np = how many there were. */
static double others_median(const struct cv_params *p, const struct cv_model *m, uint64_t self, int *np)
{
    float v[CV_PEERS];
    int n = 0;
    for (int i = 0; i < CV_PEERS; i++) {
        const struct cv_peer *e = &m->peers[i];
        if (e->key && e->key != self && e->at + p->active_rows >= m->judged && e->interp >= 0)
            v[n++] = e->interp;
    }
    *np = n;
    if (n < 3)
        return 0;
    qsort(v, (size_t)n, sizeof v[0], ig_cmp_float);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The level of OOD the model's ordinary traffic shows, for the OOD rule: the lower quartile
 * of the other active clients' recent OOD shares, each weighted by the rows it is measured
 * on (its decayed row count, at most ~recent_rows); 0 with fewer than 3 of them. When the
 * whole population moves away from the reference (drift) the quartile moves with it; the
 * clients that do not look like the rest (attackers, what-if and sensitivity tools, a
 * camera on an odd scene) move it only once they carry three quarters of the weight, and
 * a crowd of clients with a few rows each (an attack over 64 source addresses) moves it
 * little. The plain median moved with the mix: with few peers, half of them odd, it sat
 * high and fell as ordinary clients arrived, so one client's verdict changed with how
 * many ordinary clients the model had (s8: 0.50 needed, then 0.20 + margin). */
static double others_level(const struct cv_params *p, const struct cv_model *m, uint64_t self)
{
    double v[CV_PEERS], w[CV_PEERS], total = 0;
    uint32_t n = 0;
    for (int i = 0; i < CV_PEERS; i++) {
        const struct cv_peer *e = &m->peers[i];
        if (e->key && e->key != self && e->at + p->active_rows >= m->judged) {
            v[n] = e->share;
            w[n] = e->rows;
            total += e->rows;
            n++;
        }
    }
    if (n < 3 || !(total > 0))
        return 0;
    return ig_wquantile_d(v, w, n, 0.25);
}

static void alarm(const struct ig_call *call, const struct ig_event *ev, const struct cv_params *p,
                  const struct cv_model *m, const struct cv_client *c, double others)
{
    double share = (double)c->ood / c->rows, js = js_div(c->cls, m->prior, CV_CLS), excess = 0;
    for (uint32_t f = 0; f < m->nfeat; f++) {
        double range = (double)m->hi[f] - m->lo[f];
        if (range > 0)
            excess += (fmax(0.0, (double)c->hi[f] - m->hi[f]) + fmax(0.0, (double)m->lo[f] - c->lo[f])) / range;
    }
    excess /= m->nfeat ? m->nfeat : 1;
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = "Suspected model extraction (query-space sweep)";
    f.desc = "Most of the client's queries lie outside the distribution the model normally "
             "receives, as in extraction by random or synthetic queries.";
    f.remediation = cv_remediation;
    f.atlas[0] = "AML.T0024.002";
    f.queries_seen = call->client_queries ? call->client_queries : c->rows;
    int sev = p->severity + (js >= p->js_high || excess >= 0.5) + (c->rows >= 10 * p->min_queries);
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = share >= 0.8 ? 3 : 2;
    ig_finding_score(&f, "ood_share", share);
    ig_finding_score(&f, "recent_ood_share", c->recent_ood / c->recent_rows);
    ig_finding_score(&f, "others_ood_share", others);
    ig_finding_score(&f, "class_js", js);
    ig_finding_score(&f, "range_excess", excess);
    ig_finding_score(&f, "rows", (double)c->rows);
    ig_finding_score(&f, "duplicates", (double)c->dups);
    ig_finding_score(&f, "edits", (double)c->edits);
    ig_emit_finding(call->emit, &f);
}

/* The smallest spread feature f is judged with: 1 % of its reference range, or, for a
 * feature constant in the reference (an image's always-blank border pixel), 1 % of the
 * typical feature's range, so that a little noise there is not "infinitely" far (as
 * stats/fscale.h treats constant features). */
static double sd_floor(const struct cv_model *m, uint32_t f)
{
    double range = (double)m->hi[f] - m->lo[f];
    return 0.01 * (range > 0 ? range : m->typical_range) + 1e-6;
}

/* Prior weight, in reference rows, of the pooled within-class variance in a class's spread
 * (spread; rules/schema.md: 10, 20 and 50 were compared on the efficacy captures). */
#define CV_POOL_ROWS 20.0

/* The spread feature f of class k is judged with, 0 when the class has fewer than 2
 * reference rows of it: its variance shrunk toward the pooled within-class variance of f, as
 * if CV_POOL_ROWS more of its rows had that spread (a normal prior on the variance), then
 * floored. A class's few dozen reference rows (digits) cannot tell a pixel never inked for
 * that class from one inked now and then: 0 in all of them gave it the floor (1 % of the
 * range), and an image shifted by one pixel, ink where the class's rows had none, was then
 * capped (10 sd) in several features (digits' test-time augmentation, flagged in 5 of 8
 * captures). The other classes' spread of the same feature says how much it varies within
 * a class; tabular classes whose spread is like the others' (iris, wine, breast cancer)
 * barely move. */
static double spread(const struct cv_model *m, uint32_t k, uint32_t f)
{
    const struct cv_stat *s = &m->st[k][f];
    if (s->n < 2)
        return 0;
    double pooled = m->pool_n[f] > 0 ? m->pool_m2[f] / m->pool_n[f] : 0;
    double sd = sqrt((s->m2 + CV_POOL_ROWS * pooled) / (s->n + CV_POOL_ROWS)), floor = sd_floor(m, f);
    return sd > floor ? sd : floor;
}

/* Median range of the sampled features and their scale for the interpolation test, once
 * the reference is closed (then the spreads too: the reference no longer changes). */
static void typical_range(struct cv_model *m)
{
    float v[CV_FEAT];
    for (uint32_t f = 0; f < m->nfeat; f++)
        v[f] = m->hi[f] - m->lo[f];
    qsort(v, m->nfeat, sizeof v[0], ig_cmp_float);
    m->typical_range = v[m->nfeat / 2] > 0 ? v[m->nfeat / 2] : 1e-30f;   /* all constant */
    /* The interpolation test's units: a feature's sd, floored at 1 % of the larger of its
     * range and the median range. A feature nearly constant in the reference (an image's
     * blank border, where a few noisy rows gave a range of 0.1-0.3 grey level) was floored
     * at 1 % of its own tiny range, ~1/100 of a constant one's floor: the mixup thief's
     * noise put its rows 3-7 units off their segments in such pixels alone (digits, efficacy
     * seed 5: never flagged, on every classifier kind). */
    for (uint32_t f = 0; f < m->nfeat; f++) {
        const struct cv_stat *a = &m->all[f];
        double range = (double)m->hi[f] - m->lo[f];
        double sd = a->n > 1 ? sqrt(a->m2 / a->n) : 0,
               floor = 0.01 * (range > m->typical_range ? range : m->typical_range) + 1e-6;
        m->inv_sd[f] = (float)(1.0 / (sd > floor ? sd : floor));
    }
    for (uint32_t k = 0; k < CV_CLS; k++)
        for (uint32_t f = 0; f < m->nfeat; f++)
            m->den[k][f] = spread(m, k, f);
}

/* -1 while fewer than CV_WIN_MIN distinct samples were judged */
static double interp_share(const struct cv_client *c)
{
    if (c->win < CV_WIN_MIN)
        return -1;
    return __builtin_popcountll(c->interp_bits & ((1ull << CV_WIN) - 1)) / (double)c->win;
}

/* Row i of the history: a pointer into the row-major store, or a copy in <tmp>. */
static const float *hist_row(const struct cv_hist *h, uint32_t i, float *tmp)
{
    if (hist_small(h))
        return h->small + (size_t)i * h->nfeat;
    ig_vsplit_get(&h->set, i, tmp);
    return tmp;
}

static bool tame(const float *z, uint32_t nf)
{
    for (uint32_t f = 0; f < nf; f++)
        if (!(fabsf(z[f]) <= CV_TAME))
            return false;
    return true;
}

/* Keeps the three nearest rows so far, ordered by (distance, slot): a later row with an
 * equal distance ranks after the earlier one. */
static void near3(float d2, uint32_t i, float bd[3], uint32_t best[3], uint32_t *nb)
{
    if (!(d2 < bd[2]))
        return;
    int k = 2;
    for (; k > 0 && d2 < bd[k - 1]; k--) {
        bd[k] = bd[k - 1];
        best[k] = best[k - 1];
    }
    bd[k] = d2;
    best[k] = i;
    *nb += *nb < 3;
}

static float dist2(const float *z, const float *a, uint32_t nf)
{
    float d2 = 0;
    for (uint32_t f = 0; f < nf; f++)
        d2 += (z[f] - a[f]) * (z[f] - a[f]);
    return d2;
}

/* dist2 of z to up to 4 rows at once (nr <= 4; rows past nr are not read): each an
 * independent float sum in feature order, bit-identical to dist2 (no fused operations in
 * this file), the four dependency chains overlapping where dist2's serial adds wait
 * (oip_v2_d64: ~4 candidates per sample, 32 dependent adds each). */
static void dist2_4(const float *z, const float *const *r, uint32_t nr, uint32_t nf, float *out)
{
    const float *r0 = r[0], *r1 = r[nr > 1 ? 1 : 0], *r2 = r[nr > 2 ? 2 : 0], *r3 = r[nr > 3 ? 3 : 0];
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (uint32_t f = 0; f < nf; f++) {
        float d0 = z[f] - r0[f], d1 = z[f] - r1[f], d2 = z[f] - r2[f], d3 = z[f] - r3[f];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    const float s[4] = { s0, s1, s2, s3 };
    for (uint32_t k = 0; k < nr; k++)
        out[k] = s[k];
}

/* u = z - a; returns |u|^2 */
static float diff(const float *z, const float *a, float *u, uint32_t nf)
{
    float uu = 0;
    for (uint32_t f = 0; f < nf; f++) {
        u[f] = z[f] - a[f];
        uu += u[f] * u[f];
    }
    return uu;
}

/* The pair test, the only arithmetic that decides a pair on every path: z = a + u lies on
 * the segment from a to b (t in [0.1, 0.9], residual within tol2 and 0.15 |b - a|), b - a
 * being a real step between records spread over several features. */
static bool on_segment(const float *u, float uu, const float *a, const float *b, uint32_t nf,
                       float tol2)
{
    const float min_step = 0.25f * nf;
    float vv = 0, uv = 0, mx = 0;
    for (uint32_t f = 0; f < nf; f++) {
        float v = b[f] - a[f];
        vv += v * v;
        uv += u[f] * v;
        mx = v * v > mx ? v * v : mx;
    }
    if (vv < min_step || mx > 0.5f * vv)
        return false;   /* no real step between records, or a one-feature sweep */
    float t = uv / vv, res = uu - uv * t;
    return t >= 0.1f && t <= 0.9f && res <= tol2 && res <= 0.0225f * vv;
}

/* z changes one feature of a (what-if and sensitivity analyses: a record with one feature
 * swept, one feature at a time): not a new record for the interpolation test. On 4
 * features such sweeps lay on segments between earlier ones (iris sensitivity client: 0.8
 * of its window; mixup changes every feature). */
static bool one_edit(const float *z, const float *a, uint32_t nf)
{
    uint32_t changed = 0;
    for (uint32_t f = 0; f < nf; f++)
        changed += fabsf(z[f] - a[f]) > 0.01f;
    return nf >= 2 && changed <= 1;
}

/* The reference judgement of distinct sample z (nf values in reference sd units) against
 * the history: -1 = a repeat of an earlier sample (within 0.1 sd RMS; *near, when not NULL,
 * = the slot of the nearest row), 1 = it lies on a segment between one of its 3 nearest
 * earlier samples and another earlier sample, 0 = neither. Every row, every pair: 4 x
 * history x nf flops. */
static int judge_ref(const struct cv_hist *h, const float *z, float tol2, uint32_t *near)
{
    const uint32_t nf = h->nfeat;
    uint32_t best[3] = { 0, 0, 0 }, nb = 0;
    float bd[3] = { INFINITY, INFINITY, INFINITY }, tmp[CV_FEAT], at[CV_FEAT], u[CV_FEAT];
    for (uint32_t i = 0; i < h->n; i++)
        near3(dist2(z, hist_row(h, i, tmp), nf), i, bd, best, &nb);
    if (nb && bd[0] <= 0.01f * nf) {
        if (near)
            *near = best[0];
        return -1;   /* within 0.1 sd RMS: the same record again */
    }
    if (nb && one_edit(z, hist_row(h, best[0], at), nf))
        return -2;
    for (uint32_t k = 0; k < nb && h->n >= 8; k++) {
        const float *a = hist_row(h, best[k], at);
        float uu = diff(z, a, u, nf);
        for (uint32_t i = 0; i < h->n; i++)
            if (i != best[k] && on_segment(u, uu, a, hist_row(h, i, tmp), nf, tol2))
                return 1;
    }
    return 0;
}

static float sq(const float *z, uint32_t nf)
{
    float s = 0;
    for (uint32_t f = 0; f < nf; f++)
        s += z[f] * z[f];
    return s;
}

/* Per pivot p < pivot_stride(h->npivot), out[p] = sum_f x[f] c_p[f]: the pivots side by side, four
 * to a register on SSE2 (the compiler's loop over a stride known only at run time stayed
 * scalar: oip_v2_d64, ~2.5 k instructions a sample). Each out[p] is its own float sum in
 * feature order, separate multiplies and adds, on either path. */
static inline void pivot_dots(const struct cv_hist *h, const float *x, float *out)
{
    const uint32_t ps = pivot_stride(h->npivot);
#if CV_SSE2
    __m128 acc[IG_SEG_PIVOTS / 4];
    for (uint32_t k = 0; k < ps / 4; k++)
        acc[k] = _mm_setzero_ps();
    for (uint32_t f = 0; f < h->nfeat; f++) {
        const float *c = h->pivot + (size_t)f * ps;
        const __m128 xf = _mm_set1_ps(x[f]);
        for (uint32_t k = 0; k < ps / 4; k++)
            acc[k] = _mm_add_ps(acc[k], _mm_mul_ps(xf, _mm_loadu_ps(c + 4 * k)));
    }
    for (uint32_t k = 0; k < ps / 4; k++)
        _mm_storeu_ps(out + 4 * k, acc[k]);
#else
    for (uint32_t p = 0; p < ps; p++)
        out[p] = 0;
    for (uint32_t f = 0; f < h->nfeat; f++) {
        const float *c = h->pivot + (size_t)f * ps, xf = x[f];
        for (uint32_t p = 0; p < ps; p++)
            out[p] += xf * c[p];
    }
#endif
}

/* Margins of judge_fast per unit of the squared lengths involved. 1e-4 covers the float
 * sums of the estimates and of the reference's arithmetic; IG_VSPLIT_EPS the estimates' dot
 * products (kernels.h): |z.b - est| <= eps
 * (|z|^2 + |b|^2) / 2, so a squared distance |z|^2 + |b|^2 - 2 z.b is off by at most eps
 * (|z|^2 + |b|^2). In the pair filter (dots_body.h) the margin m must exceed the error of
 * |b - a|^2 (eps (|a|^2 + |b|^2)) and that of (z - a).(b - a) plus 0.9 times the former
 * (eps (1.4 |a|^2 + 0.5 |z|^2 + 1.9 |b|^2)): 1.5 eps per unit of |z|^2 + |a|^2 + 2 |b|^2 +
 * |z - a|^2. */
#define CV_EST (1e-4f + IG_VSPLIT_EPS)
#define CV_PREF 32   /* nearest candidates whose rows are requested together */
#define CV_SEG_REL (1e-4f + 1.5f * IG_VSPLIT_EPS)

/* Floats of judge_fast's work for a history of n rows: the distances, the kernels' work
 * (3 n) and the bit masks (4 x ceil(n / 16) 16-bit words). */
static size_t fast_work(uint32_t n)
{
    return 4 * (size_t)n + 2 * (((size_t)n + 15) / 16);
}

/* The same judgement, exact, at a fraction of the cost (blocked history of tame rows; w
 * holds fast_work(h->n) floats). Squared distances are expanded as |x|^2 + |y|^2 - 2 x.y
 * with the dot products of the kernels on the hi plane of the history (ig_kern_ops.cov_near:
 * all rows against the sample; cov_pairs: against its 3 nearest at once), each within
 * IG_VSPLIT_EPS (|x|^2 + |y|^2) / 2 of the exact one (CV_EST above). Margins wider than that
 * pick candidates, and the reference arithmetic on the exact rows decides every one:
 *  - nearest: a row whose estimate minus its margin exceeds the third smallest estimate
 *    plus margin cannot be among the reference's 3 nearest; the others are measured
 *    exactly and ranked as near3 does (in slot order, as the reference meets them);
 *  - pairs: for one of the nearest, a, and every row b: |b - a|^2 and, by the law of
 *    cosines, (z - a).(b - a) = (|z - a|^2 + |b - a|^2 - |z - b|^2) / 2 give t and the
 *    residual of z from the line a-b; a pair that misses a condition by more than the
 *    margin (m below, and its effect on the residual) cannot meet it in the reference.
 *    The few left go through on_segment.
 * Cost: 4 x history x nf multiply-adds in the kernels, their filters in registers, bit
 * masks out. */
static int judge_fast(const struct cv_hist *h, const float *z, float tol2, float *w, uint32_t *near)
{
    const uint32_t nf = h->nfeat, n = h->n, nblk = (n + 15) / 16;
    const float *nb = hist_norm(h);
    float *dz = w, *work = w + n, tmp[CV_FEAT];
    uint16_t *bits = (uint16_t *)(w + 4 * (size_t)n);   /* candidates, then pair flags */
    const struct ig_kern_ops *ops = ig_kern();
    const float zz = sq(z, nf);
    ops->cov_near(&h->set, z, zz, nb, CV_EST, dz, bits);
    uint32_t best[3] = { 0, 0, 0 }, nbest = 0;
    float bd[3] = { INFINITY, INFINITY, INFINITY };
    /* the candidates' exact rows are asked for first, so their lo plane misses overlap;
     * beyond CV_PREF of them (rows at nearly one distance) the rest are measured as found */
    uint32_t cand[CV_PREF], nc = 0, resume = n;
    for (uint32_t b = 0; b < nblk && resume == n; b++)
        for (uint32_t m = bits[b]; m; m &= m - 1) {
            uint32_t i = 16 * b + (uint32_t)__builtin_ctz(m);
            if (nc == CV_PREF) {
                resume = i;
                break;
            }
            cand[nc++] = i;
            ig_vsplit_prefetch(&h->set, i);
        }
    /* the candidates' rows, then their distances four at a time (as dist2), ranked in order */
    float rows[CV_PREF][CV_FEAT], d2[CV_PREF];
    const float *rp[CV_PREF];
    for (uint32_t c = 0; c < nc; c++) {
        ig_vsplit_get(&h->set, cand[c], rows[c]);
        rp[c] = rows[c];
    }
    for (uint32_t c = 0; c < nc; c += 4)
        dist2_4(z, rp + c, nc - c < 4 ? nc - c : 4, nf, d2 + c);
    for (uint32_t c = 0; c < nc; c++)
        near3(d2[c], cand[c], bd, best, &nbest);
    for (uint32_t i = resume; i < n; i++)
        if (bits[i / 16] >> (i % 16) & 1)
            near3(dist2(z, hist_row(h, i, tmp), nf), i, bd, best, &nbest);
    if (nbest && bd[0] <= 0.01f * nf) {
        *near = best[0];
        return -1;
    }
    /* the nearest rows: from the candidates' copies when they are there */
    float at[3][CV_FEAT], u[3][CV_FEAT];
    const float *q[3];
    for (uint32_t k = 0; k < nbest; k++) {
        uint32_t c = 0;
        while (c < nc && cand[c] != best[k])
            c++;
        q[k] = c < nc ? rows[c] : hist_row(h, best[k], at[k]);
    }
    if (nbest && one_edit(z, q[0], nf))
        return -2;
    if (n < 8 || nbest == 0)
        return 0;
    struct ig_seg_query sq_[3];
    /* per nearest row a and pivot c: |a - c|^2 - |z - c|^2 = |a|^2 - |z|^2 + 2 (z - a).c,
     * with a slack of 1e-4 of 2|a|^2 + 2|z|^2 + 4|c|^2 + |z - a|^2 (>= |a - c|^2 + |z - c|^2
     * + |z - a|^2, as kernels.h asks; these float sums err by far less) */
    float lift[3][IG_SEG_PIVOTS] = { { 0 } }, uc[IG_SEG_PIVOTS];
    const float *cc = h->pivot + (size_t)nf * pivot_stride(h->npivot);
    for (uint32_t k = 0; k < nbest; k++) {
        const float aa = nb[best[k]], uu = diff(z, q[k], u[k], nf);
        sq_[k] = (struct ig_seg_query){ zz, aa, uu, 0.25f * nf * 0.9999f, tol2 * 1.0001f, CV_SEG_REL,
                                        lift[k] };
        pivot_dots(h, u[k], uc);
        const float base = aa - zz, slack = 1e-4f * (2 * aa + 2 * zz + uu);
        for (uint32_t p = 0; p < h->npivot; p++)
            lift[k][p] = base + 2 * uc[p] + (slack + 4e-4f * cc[p]);
    }
    unsigned any = ops->cov_pairs(&h->set, q, nbest, nb, dz, sq_, work, bits);
    for (uint32_t k = 0; k < nbest; k++) {
        if (!(any >> k & 1))
            continue;
        for (uint32_t b = 0; b < nblk; b++)
            for (uint32_t m = bits[k * nblk + b]; m; m &= m - 1) {
                uint32_t i = 16 * b + (uint32_t)__builtin_ctz(m);
                if (i != best[k] && on_segment(u[k], sq_[k].uu, q[k], hist_row(h, i, tmp), nf, tol2))
                    return 1;
            }
    }
    return 0;
}

/* Row <at> of the set (squared length yy): its nearest pivot and an upper bound on its
 * distance to it (|y|^2 + |c|^2 - 2 y.c in float sums, each within 32 x 2^-24 of |y|^2 +
 * |c|^2 for up to CV_FEAT features: 1e-5 of them covers it), packed in the pivot plane, for
 * the bound that lets judge_fast's second pass skip rows (kernels.h, ig_seg_query.lift).
 * Which pivot a row takes changes no decision, only how much the bound rules out. */
static void hist_pivot(struct cv_hist *h, uint32_t at, const float *z, float yy)
{
    float yc[IG_SEG_PIVOTS];
    const float *cc = h->pivot + (size_t)h->nfeat * pivot_stride(h->npivot);
    pivot_dots(h, z, yc);
    uint32_t best = 0;
    float bd = INFINITY;
    for (uint32_t p = 0; p < h->npivot; p++) {
        float d2 = yy + cc[p] - 2 * yc[p];
        if (d2 < bd) {
            bd = d2;
            best = p;
        }
    }
    float rho = sqrtf(fmaxf(bd, 0) + 1e-5f * (yy + cc[best])) * (1 + 0x1p-12f);
    ig_vsplit_aux_plane(&h->set, IG_SEG_PIVOT_PLANE)[at] = ig_seg_pivot_pack(rho, best);
}

/* The repeat table (hist_seen). An exact repeat of a row still in the history (a client
 * sending the same record again: x20, the iris capture copied 20 times, 332,612 of its
 * 347,388 judged samples) is at distance 0 from it, a repeat whatever the other rows are
 * (judge_ref's first test), so a lookup of its bits answers before any search. Rows in
 * the history are pairwise distinct (a repeat is never stored), so each key is there at
 * most once. Only for a set (a row-major store of <= CV_SMALL rows is searched at once). */
static inline uint64_t hash_mix(uint64_t h, const float *v)
{
    uint32_t b;
    memcpy(&b, v, sizeof(b));
    h = (h ^ b) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

/* four chains, so that the multiplies overlap */
static uint32_t row_hash(const float *z, uint32_t nf)
{
    uint64_t a = 0x9e3779b97f4a7c15ull, b = 0xc2b2ae3d27d4eb4full, c = 0x165667b19e3779f9ull,
             d = 0x27d4eb2f165667c5ull;
    uint32_t f = 0;
    for (; f + 4 <= nf; f += 4) {
        a = hash_mix(a, z + f);
        b = hash_mix(b, z + f + 1);
        c = hash_mix(c, z + f + 2);
        d = hash_mix(d, z + f + 3);
    }
    for (; f < nf; f++)
        a = hash_mix(a, z + f);
    uint64_t h = (a ^ (b << 16 | b >> 48) ^ (c << 32 | c >> 32) ^ (d << 48 | d >> 16) ^ nf) *
                 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* Whether the set can have the table */
static inline bool seen_fits(const struct cv_hist *h)
{
    return !hist_small(h) && h->set.cap <= CV_SEEN_MAXCAP;
}

/* Whether it is kept: from the client's first repeat found by a search. A client that never
 * repeats a record (oip_v2_d64: none in 58,051 samples) would pay a cache miss per sample
 * for a lookup that never answers (~3 % of this detector's time there); one that does
 * (x20: 332,612 of 347,388) has it after its first. The table only saves searches: with
 * it or without, the same decisions. */
static inline bool seen_on(const struct cv_hist *h)
{
    return h->seen_live && seen_fits(h);
}

/* An entry's home, from its tag: the table has 2 x cap entries, at most half of them used */
static inline uint32_t seen_home(const struct cv_hist *h, uint32_t entry)
{
    return (uint32_t)(((uint64_t)(entry >> 16) * (2 * h->set.cap)) >> 16);
}

static inline uint32_t seen_next(const struct cv_hist *h, uint32_t i)
{
    return i + 1 == 2 * h->set.cap ? 0 : i + 1;
}

static void seen_add(struct cv_hist *h, uint32_t slot, uint32_t hash)
{
    uint32_t *t = hist_seen(h), e = (hash & 0xffff0000u) | (slot + 1);
    uint32_t i = seen_home(h, e);
    while (t[i])
        i = seen_next(h, i);
    t[i] = e;
}

/* Removes ring slot <slot>'s entry (its row's hash), shifting the entries after it back
 * (no tombstones). */
static void seen_del(struct cv_hist *h, uint32_t slot, uint32_t hash)
{
    uint32_t *t = hist_seen(h), e = (hash & 0xffff0000u) | (slot + 1);
    uint32_t i = seen_home(h, e);
    while (t[i] && t[i] != e)
        i = seen_next(h, i);
    if (!t[i])
        return;   /* not there (cannot happen: every stored row is added) */
    for (uint32_t j = seen_next(h, i); t[j]; j = seen_next(h, j)) {
        uint32_t k = seen_home(h, t[j]);
        /* an entry stays when its home lies cyclically in (i, j] */
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            t[i] = t[j];
            i = j;
        }
    }
    t[i] = 0;
}

/* Whether the table, with <more> entries more, would hold over 3/4 of its 2 x cap entries
 * (rows and hints: seen_hint) */
static inline bool seen_full(const struct cv_hist *h, uint32_t more)
{
    return (uint64_t)h->n + h->hints + more > 3 * (uint64_t)h->set.cap / 2;
}

/* The table anew (a new set, or one grown: its size follows the set's cap); hints dropped */
static void seen_build(struct cv_hist *h)
{
    h->hints = 0;
    if (!seen_on(h))
        return;
    float row[CV_FEAT];
    memset(hist_seen(h), 0, 2 * (size_t)h->set.cap * sizeof(uint32_t));
    for (uint32_t i = 0; i < h->n; i++) {
        ig_vsplit_get(&h->set, i, row);
        seen_add(h, i, row_hash(row, h->nfeat));
    }
}

/* True when an entry under z's tag (<hash> = row_hash(z)) leads to a row of the history
 * with z's bits, or to one within the repeat distance of z (judge_ref's first test, the
 * same float sum: such a row makes z a repeat whatever the other rows are). The second is
 * how a hint (seen_hint) answers; an entry whatever its origin (a hint whose row has left
 * the ring since, two rows' hashes alike) proves nothing more than the row it leads to. */
static bool seen_find(const struct cv_hist *h, const float *z, uint32_t hash)
{
    const uint32_t *t = hist_seen(h);
    const uint32_t nf = h->nfeat;
    float row[CV_FEAT];
    for (uint32_t i = seen_home(h, hash); t[i]; i = seen_next(h, i)) {
        if ((t[i] ^ hash) >> 16)
            continue;
        ig_vsplit_get(&h->set, (t[i] & 0xffffu) - 1, row);
        if (!memcmp(row, z, nf * sizeof(float)) || dist2(z, row, nf) <= 0.01f * nf)
            return true;
    }
    return false;
}

/* A hint: z (<hash> = row_hash(z)), found by a search within the repeat distance of the
 * row in ring slot <near> but not stored (a repeat never is), gets an entry under its own
 * tag leading to that row, so that the next time the client sends z's bits the lookup
 * answers (seen_find) where a search did. A record sent again and again that is a near
 * repeat of a stored row, not that row (a camera's frame, a re-scored record within 0.1
 * sd of an earlier one): x20, the iris capture copied 20 times, searched ~42,000 such rows
 * again in every copy. Hints are not removed when their row leaves the ring (seen_find
 * checks the row it finds). Rows and hints together fill at most 3/4 of the 2 x cap
 * entries (seen_full); past that the table is built anew from the rows alone (at most
 * cap entries: a row always finds a free one). */
static void seen_hint(struct cv_hist *h, uint32_t near, const float *z, uint32_t hash)
{
    float row[CV_FEAT];
    ig_vsplit_get(&h->set, near, row);
    if (!memcmp(row, z, h->nfeat * sizeof(float)))
        return;   /* z's bits are that row's: its own entry answers */
    if (seen_full(h, 1))
        seen_build(h);
    seen_add(h, near, hash);
    h->hints++;
}

/* Writes z (its hash, when the set has a table) into ring slot <at> (<replace>: over an
 * earlier row). */
static void hist_put(struct cv_hist *h, uint32_t at, const float *z, bool replace, uint32_t hash)
{
    float tmp[CV_FEAT];
    const bool seen = seen_on(h);
    if (replace && (h->wild || seen)) {
        const float *old = hist_row(h, at, tmp);
        if (h->wild && !tame(old, h->nfeat))   /* none wild: tame */
            h->wild--;
        if (seen)
            seen_del(h, at, row_hash(old, h->nfeat));
    }
    if (!tame(z, h->nfeat))
        h->wild++;
    if (hist_small(h)) {
        memcpy(h->small + (size_t)at * h->nfeat, z, h->nfeat * sizeof(float));
    } else {
        ig_vsplit_put(&h->set, at, z);
        hist_norm(h)[at] = sq(z, h->nfeat);
        hist_pivot(h, at, z, hist_norm(h)[at]);
        if (seen && seen_full(h, 0))
            seen_build(h);   /* the rows alone, this one with them */
        else if (seen)
            seen_add(h, at, hash);
    }
}

/* The set's aux planes: squared lengths, the rows' pivots, the repeat table (two) */
#define CV_AUX (CV_SEEN_PLANE + 2)

static size_t hist_bytes(uint32_t nfeat, uint32_t room, uint32_t npivot)
{
    return sizeof(struct cv_hist) +
           (room <= CV_SMALL ? (size_t)room * nfeat * sizeof(float)
                             : ig_vsplit_bytes_aux(nfeat, room, CV_AUX) +
                                   (size_t)(nfeat + 1) * pivot_stride(npivot) * sizeof(float));
}

/* Pivots of a history's set: the origin (the reference's mean) and the centres of the
 * classes with reference rows (at most IG_SEG_PIVOTS in all), in the units of the
 * interpolation test. A class's natural records lie around its centre, at about the same
 * distance from it in many features, and a segment between two of them passes closer to
 * it than a third record does: the bound of judge_fast's second pass measured from the
 * row's pivot instead of the origin rules most rows out before their products (kernels.h,
 * ig_seg_query.lift; oip_v2_d64: the pass computed ~4.5 M block-queries of products, 0.58
 * M with pivots; nothing decides differently). */
static uint32_t pivot_count(const struct cv_model *m)
{
    uint32_t n = 1;
    for (uint32_t k = 0; k < CV_CLS && n < IG_SEG_PIVOTS; k++)
        n += m->st[k][0].n > 0;
    return n;
}

/* The table of struct cv_hist's pivot (zeroed, (nfeat + 1) x pstride floats) */
static void pivot_fill(const struct cv_model *m, float *out, uint32_t npivot, uint32_t pstride)
{
    const uint32_t nf = m->nfeat;
    float *cc = out + (size_t)nf * pstride;
    for (uint32_t k = 0, p = 1; k < CV_CLS && p < npivot; k++) {
        if (!(m->st[k][0].n > 0))
            continue;
        for (uint32_t f = 0; f < nf; f++) {
            float c = (float)((m->st[k][f].mean - m->all[f].mean) * m->inv_sd[f]);
            out[(size_t)f * pstride + p] = c;
            cc[p] += c * c;
        }
        p++;
    }
}

struct cv_grow {
    struct cv_hist *h;        /* NULL: a new history */
    uint32_t room, nfeat, cap;
    const struct cv_model *m; /* its pivots, when the history becomes a set */
};

/* make() of the budget's alloc: a new history, or more room for one. */
static void *hist_make(const void *ctx)
{
    const struct cv_grow *w = ctx;
    struct cv_hist *h = w->h;
    if (!h) {
        if (!(h = ig_blk_calloc(sizeof(*h))))
            return NULL;
        if (!(h->small = ig_blk_alloc((size_t)w->room * w->nfeat * sizeof(float)))) {
            ig_blk_free(h);
            return NULL;
        }
        h->nfeat = w->nfeat;
        h->cap = w->cap;
    } else if (w->room <= CV_SMALL) {
        float *v = ig_blk_realloc(h->small, (size_t)w->room * h->nfeat * sizeof(float));
        if (!v)
            return NULL;
        h->small = v;
    } else {
        /* the squared lengths live in the set (aux): one heap call per doubling */
        if (hist_small(h)) {
            struct ig_vsplit set;
            const uint32_t npivot = pivot_count(w->m), ps = pivot_stride(npivot);
            float *pivot = ig_blk_calloc((size_t)(h->nfeat + 1) * ps * sizeof(float));
            if (!pivot || ig_vsplit_init_aux(&set, h->nfeat, w->room, CV_AUX) != IG_OK) {
                ig_blk_free(pivot);
                return NULL;
            }
            pivot_fill(w->m, pivot, npivot, ps);
            h->npivot = (uint8_t)npivot;
            float *rows = h->small;
            h->set = set;
            h->pivot = pivot;
            h->room = w->room;   /* a set from here on (hist_small) */
            for (uint32_t i = 0; i < h->n; i++) {
                const float *row = rows + (size_t)i * h->nfeat;
                ig_vsplit_put(&h->set, i, row);
                ig_vsplit_aux(&h->set)[i] = sq(row, h->nfeat);
                hist_pivot(h, i, row, ig_vsplit_aux(&h->set)[i]);
            }
            h->set.count = h->n;
            ig_blk_free(rows);
            seen_build(h);
        } else if (ig_vsplit_reserve(&h->set, w->room) != IG_OK) {
            return NULL;
        } else {
            seen_build(h);
        }
    }
    h->room = w->room;
    h->bytes = hist_bytes(h->nfeat, w->room, h->npivot);
    return h;
}

/* Doubles the history's room (charged to memory_mb); false when refused. */
static bool hist_grow(struct cv_global *g, struct cv_hist *h, const struct cv_model *m)
{
    struct cv_grow w = { h, h->room * 2 < h->cap ? h->room * 2 : h->cap, h->nfeat, h->cap, m };
    uint64_t was = h->bytes;
    uint32_t npivot = hist_small(h) ? pivot_count(m) : h->npivot;
    return g->mem_ops->alloc(g->mem, hist_bytes(h->nfeat, w.room, npivot) - was, hist_make, &w) != NULL;
}

/* Judges z and adds it (not a repeat) to the history: as judge_ref. <dz> has room for
 * fast_work(h->n) floats, or is NULL (the reference path then). */
static int interp_judge(struct cv_global *g, const struct cv_model *m, struct cv_hist *h,
                        const float *z, float *dz)
{
    const float tol2 = (float)(g->p.interp_tol * g->p.interp_tol) * h->nfeat;
    /* an exact repeat of a stored row: at distance 0 from it (finite: inf - inf is not 0) */
    const bool hashed = seen_on(h);
    uint32_t hash = hashed ? row_hash(z, h->nfeat) : 0;
    if (hashed && g->p.search == 0 && ig_row_finite(z, h->nfeat) && seen_find(h, z, hash)) {
        IG_ASSERT_HOT(judge_ref(h, z, tol2, NULL) == -1);
        atomic_fetch_add_explicit(&g->samples, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&g->repeats, 1, memory_order_relaxed);
        return -1;
    }
    bool fast = dz && g->p.search == 0 && !hist_small(h) && h->wild == 0 && tame(z, h->nfeat);
    uint32_t near = 0;   /* a repeat's nearest row */
    int r = fast ? judge_fast(h, z, tol2, dz, &near) : judge_ref(h, z, tol2, &near);
    IG_ASSERT_HOT(!fast || r == judge_ref(h, z, tol2, NULL));   /* debug builds check every sample */
    atomic_fetch_add_explicit(&g->samples, 1, memory_order_relaxed);
    if (r != 0)
        atomic_fetch_add_explicit(r < 0 ? &g->repeats : &g->interpolated, 1, memory_order_relaxed);
    if (r == -1 && !h->seen_live && g->p.search == 0 && seen_fits(h)) {
        h->seen_live = true;   /* the client repeats records: look them up from now on */
        seen_build(h);
    }
    if (r == -1 && seen_on(h) && g->p.search == 0)
        seen_hint(h, near, z, hashed ? hash : row_hash(z, h->nfeat));
    if (r < 0)
        return r;
    /* a refused growth keeps the ring at the size it has */
    if (h->n < h->cap && h->n == h->room && !hist_grow(g, h, m)) {
        h->cap = h->n;
        atomic_fetch_add_explicit(&g->capped, 1, memory_order_relaxed);
    }
    if (!hashed && seen_on(h))   /* the set (and its table) made by this growth */
        hash = row_hash(z, h->nfeat);
    if (h->n < h->cap) {
        hist_put(h, h->n++, z, false, hash);
        h->set.count = hist_small(h) ? 0 : h->n;
    } else {
        hist_put(h, h->head, z, true, hash);   /* the oldest leaves */
        h->head = (h->head + 1) % h->cap;
    }
    return r;
}

/* True when z is an earlier distinct sample y of the client with values filled in: they
 * agree exactly (the same float) in at least half of the sampled features, and wherever
 * they differ one of the two holds a central value (within CV_FILL_Z reference sd of the
 * reference mean, strictly inside the reference range). A client's pipeline that imputes
 * missing values (scikit-learn SimpleImputer: the mean, or 0 on standardised inputs) sends
 * its records again with other values missing; the fills pull them toward the centre,
 * onto segments between a record and an earlier heavily filled one (efficacy seed 8, iris
 * (z) labels only, "imputed" client: 48 of its 125 judged rows, 15 of 16 in a burst,
 * flagged as mixup). Mixup and Jacobian steps change every feature of their parents, and
 * a value a record shares with others by chance is no copy of a record. Checked only on a
 * row already judged an interpolation: n x nf compares of the history. */
#define CV_FILL_Z 0.25f
/* Rows of the history holding v in feature f and no other value of z: other records, not
 * z's relatives (a search's steps inherit the values they do not move). */
static uint32_t value_count(const struct cv_hist *h, uint32_t f, float v, const float *z)
{
    float tmp[CV_FEAT];
    uint32_t n = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        const float *row = hist_row(h, i, tmp);
        if (row[f] != v)
            continue;
        uint32_t g = 0;
        while (g < h->nfeat && (g == f || row[g] != z[g]))
            g++;
        n += g == h->nfeat;
    }
    return n;
}

/* Wherever z and y differ, the central value of the two is a constant the client sends
 * again and again (at least CV_FILL_MIN rows hold it): a fill, not a step of a search
 * (a Jacobian step off a central record moves it by a fixed amount: central values of
 * every kind, iris JbDA at efficacy seed 3). */
#define CV_FILL_MIN 4
static bool fills_recur(const struct cv_hist *h, const float *z, const float *y, const bool *central,
                        const float *zlo, const float *zhi)
{
    for (uint32_t f = 0; f < h->nfeat; f++) {
        if (y[f] == z[f])
            continue;
        bool yc = fabsf(y[f]) <= CV_FILL_Z && y[f] > zlo[f] && y[f] < zhi[f];
        if (!((central[f] && value_count(h, f, z[f], z) >= CV_FILL_MIN) ||
              (yc && value_count(h, f, y[f], z) >= CV_FILL_MIN)))
            return false;
    }
    return true;
}

/* Top halves of z's values as the set's hi plane holds them (kernels.h: bits rounded half
 * up at bit 16), and which values are zeros. */
static void hi_halves(const float *z, uint32_t nf, uint16_t *zh, bool *zero)
{
    for (uint32_t f = 0; f < nf; f++) {
        uint32_t b;
        memcpy(&b, &z[f], sizeof(b));
        zh[f] = (uint16_t)((b + 0x8000u) >> 16);
        zero[f] = z[f] == 0;
    }
}

/* Whether row i of the set may hold one and at least half of z's values exactly: equal
 * floats have equal bits, hence equal top halves (or are zeros: +0 and -0, top halves 0 and
 * 0x8000), so a row whose top halves agree with z's in fewer features cannot. The hi plane
 * only (two lines per 16 rows at iris's 4 features), where reading the row back reads both
 * planes: filled_copy's scan of the history was x20's largest cost after the search (the
 * iris capture copied 20 times: 9,192 interpolations, each scanning ~500 rows). */
#if !CV_SSE2 || !defined(NDEBUG)   /* the portable path, and debug builds' check of the SSE2 one */
static bool may_share_half(const struct ig_vsplit *s, uint32_t i, const uint16_t *zh, const bool *zero,
                           uint32_t nf)
{
    const uint32_t *w = s->hi + (size_t)(i / IG_VSET_BLOCK) * s->pairs * IG_VSET_BLOCK + i % IG_VSET_BLOCK;
    uint32_t n = 0;
    for (uint32_t f = 0; f < nf; f++) {
        uint32_t word = w[(size_t)(f / 2) * IG_VSET_BLOCK];
        uint16_t yh = (uint16_t)(f & 1 ? word >> 16 : word);
        n += yh == zh[f] || (zero[f] && (yh & 0x7fffu) == 0);
    }
    return n > 0 && 2 * n >= nf;
}
#endif

/* may_share_half() for the rows of block <b> (16 rows: bit l for row 16b + l), the test the
 * same on every path: a feature matches when its top half equals z's (for a zero of z, with
 * the sign bit left out: the same as the equality or a zero top half, since z's own top half
 * is then 0 or 0x8000). On SSE2 two features' halves a word, four rows a register, the
 * matches counted per 16-bit lane (the scan one row at a time, ~12 instructions a feature,
 * was x20's largest cost in coverage after the search: ~37 M instructions a copy). */
static uint32_t may_share_block(const struct ig_vsplit *s, uint32_t b, const uint16_t *zh,
                                const bool *zero, uint32_t nf)
{
#if CV_SSE2
    const uint32_t *w = s->hi + (size_t)b * s->pairs * IG_VSET_BLOCK;
    __m128i cnt[4] = { _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(),
                       _mm_setzero_si128() };
    for (uint32_t f = 0; f < nf; f += 2, w += IG_VSET_BLOCK) {
        const bool two = f + 1 < nf;
        const uint32_t m0 = zero[f] ? 0x7fffu : 0xffffu,
                       m1 = two ? (zero[f + 1] ? 0x7fffu : 0xffffu) : 0u,
                       z0 = zh[f] & m0, z1 = two ? zh[f + 1] & m1 : 0u;
        const __m128i mk = _mm_set1_epi32((int)(m1 << 16 | m0)),
                      zk = _mm_set1_epi32((int)(z1 << 16 | z0)),
                      vk = _mm_set1_epi32((int)((two ? 0xffffu : 0u) << 16 | 0xffffu));
        for (int j = 0; j < 4; j++) {
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(w + 4 * j));
            __m128i eq = _mm_and_si128(_mm_cmpeq_epi16(_mm_and_si128(y, mk), zk), vk);
            cnt[j] = _mm_sub_epi16(cnt[j], eq);   /* a match is -1 */
        }
    }
    const __m128i one = _mm_set1_epi16(1), zero4 = _mm_setzero_si128(),
                  half = _mm_set1_epi32((int)nf - 1);
    uint32_t out = 0;
    for (int j = 0; j < 4; j++) {
        __m128i n = _mm_madd_epi16(cnt[j], one);   /* per row: even + odd features */
        __m128i ok = _mm_and_si128(_mm_cmpgt_epi32(n, zero4),
                                   _mm_cmpgt_epi32(_mm_slli_epi32(n, 1), half));
        out |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(ok)) << (4 * j);
    }
    return out;
#else
    uint32_t out = 0;
    for (uint32_t l = 0; l < IG_VSET_BLOCK; l++)
        out |= (uint32_t)may_share_half(s, b * IG_VSET_BLOCK + l, zh, zero, nf) << l;
    return out;
#endif
}

#ifndef NDEBUG
/* The same question on the row's values (debug builds check every skipped row with it) */
static inline bool shares_half(const float *y, const float *z, uint32_t nf)
{
    uint32_t same = 0;
    for (uint32_t f = 0; f < nf; f++)
        same += y[f] == z[f];
    return same > 0 && 2 * same >= nf;
}
#endif

static bool filled_copy(const struct cv_hist *h, const struct cv_model *m, const float *z)
{
    const uint32_t nf = h->nfeat;
    const bool set = !hist_small(h);
    bool central[CV_FEAT], zero[CV_FEAT];
    uint16_t zh[CV_FEAT];
    float zlo[CV_FEAT], zhi[CV_FEAT], tmp[CV_FEAT];
    for (uint32_t f = 0; f < nf; f++) {
        zlo[f] = (m->lo[f] - (float)m->all[f].mean) * m->inv_sd[f];
        zhi[f] = (m->hi[f] - (float)m->all[f].mean) * m->inv_sd[f];
        central[f] = fabsf(z[f]) <= CV_FILL_Z && z[f] > zlo[f] && z[f] < zhi[f];
    }
    if (set)
        hi_halves(z, nf, zh, zero);
    /* z itself is there: same == nf */
    for (uint32_t b0 = 0; b0 < h->n; b0 += IG_VSET_BLOCK) {
        const uint32_t rows = h->n - b0 < IG_VSET_BLOCK ? h->n - b0 : IG_VSET_BLOCK,
                       all = (1u << rows) - 1u;
        /* the rows that may hold one and at least half of z's values; the others have
         * fewer of them the same, or none */
        uint32_t cand = set ? may_share_block(&h->set, b0 / IG_VSET_BLOCK, zh, zero, nf) & all : all;
#ifndef NDEBUG
        for (uint32_t l = 0; set && l < rows; l++) {
            IG_ASSERT_HOT(((cand >> l) & 1u) == may_share_half(&h->set, b0 + l, zh, zero, nf));
            IG_ASSERT_HOT(((cand >> l) & 1u) || !shares_half(hist_row(h, b0 + l, tmp), z, nf));
        }
#endif
        for (; cand; cand &= cand - 1) {
            const float *y = hist_row(h, b0 + (uint32_t)__builtin_ctz(cand), tmp);
            uint32_t same = 0, f = 0;
            for (; f < nf; f++) {
                if (y[f] == z[f])
                    same++;
                else if (!central[f] && !(fabsf(y[f]) <= CV_FILL_Z && y[f] > zlo[f] && y[f] < zhi[f]))
                    break;
            }
            if (f == nf && same > 0 && 2 * same >= nf && same < nf &&
                fills_recur(h, z, y, central, zlo, zhi))
                return true;
        }
    }
    return false;
}

/* share: of the last 50 distinct samples (-1 before 30); burst: interpolations among the
 * last blen (the scan's window that fired), tail: their binomial probability at the model's
 * ordinary rate (1: not judged) */
static void alarm_interp(const struct ig_call *call, const struct ig_event *ev,
                         const struct cv_params *p, const struct cv_client *c, double share,
                         double others, uint32_t burst, uint32_t blen, double tail)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = "Suspected model extraction (augmented natural data)";
    f.desc = "Most of the client's recent queries are interpolations between two of its own "
             "earlier queries (mixup-style augmentation of a small set of records), as a "
             "KnockoffNets-style extractor sends once its own natural records run out.";
    f.remediation = cv_remediation;
    f.atlas[0] = "AML.T0024.002";
    f.queries_seen = call->client_queries ? call->client_queries : c->rows;
    bool strong = share >= 0.7 || tail <= p->burst_p * 1e-3;
    int sev = p->severity + strong + (c->distinct >= 10 * CV_WIN);
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = strong ? 3 : 2;
    if (share >= 0)
        ig_finding_score(&f, "interpolated_share", share);
    ig_finding_score(&f, "burst_interpolated", burst);
    ig_finding_score(&f, "burst_window", blen);
    ig_finding_score(&f, "burst_probability", tail);
    ig_finding_score(&f, "others_interpolated_share", others);
    ig_finding_score(&f, "interpolated", (double)c->interp);
    ig_finding_score(&f, "distinct", (double)c->distinct);
    ig_finding_score(&f, "rows", (double)c->rows);
    ig_finding_score(&f, "duplicates", (double)c->dups);
    ig_finding_score(&f, "edits", (double)c->edits);
    ig_emit_finding(call->emit, &f);
}

/* The interpolation test of one row (sampled features x) of client c, not a near-duplicate
 * of its last counted row. False when the row repeats one of the client's earlier distinct
 * samples (a scene of video frames, a record re-scored): it is not a new sample for any
 * of this detector's shares. */
static bool interp_row(const struct ig_call *call, const struct ig_event *ev, struct cv_global *g,
                       const struct cv_model *m, struct cv_client *c, const float *x, float **work)
{
    const struct cv_params *p = &g->p;
    if (!c->hist && !c->no_hist) {
        struct cv_grow w = { NULL, 2, m->nfeat, p->history, m };   /* history >= 8 */
        c->hist = g->mem_ops->alloc(g->mem, hist_bytes(m->nfeat, w.room, 0), hist_make, &w);
        if (c->hist)
            c->next_interp = CV_BURST;
        c->no_hist = !c->hist;
    }
    if (!c->hist)
        return true;
    if (!hist_small(c->hist))   /* judge_fast reads the pivots (~1 KiB), rarely still in cache */
        for (size_t b = 0; b < (size_t)(c->hist->nfeat + 1) * pivot_stride(c->hist->npivot) * sizeof(float); b += 64)
            __builtin_prefetch((const char *)c->hist->pivot + b);
    float z[CV_FEAT];
    for (uint32_t f = 0; f < m->nfeat; f++)
        z[f] = (x[f * m->stride] - (float)m->all[f].mean) * m->inv_sd[f];
    /* the fast path's distances: on the stack for the default history, else scratch
     * (once per event); without either, the reference path */
    float local[4 * 512 + 64], *dz = NULL;   /* fast_work(512) */
    if (c->hist->n <= 512)
        dz = local;
    else if (*work || (call->scratch &&
                       (*work = ig_scratch_alloc(call->scratch, fast_work(p->history) * sizeof(float)))))
        dz = *work;
    int r = interp_judge(g, m, c->hist, z, dz);
    if (r == 1 && filled_copy(c->hist, m, z))
        r = -2;   /* a record with values filled in: a new sample, outside the window */
    if (r == -2)
        return true;   /* a one-feature edit: a new sample, outside the window */
    if (r < 0)
        return false;
    c->distinct++;
    c->interp += (uint64_t)r;
    c->interp_bits = (c->interp_bits << 1) | (uint64_t)r;
    c->win = (uint16_t)(c->win + (c->win < CV_WIN));
    if (c->distinct < c->next_interp)
        return true;
    double share = interp_share(c);   /* -1 below CV_WIN_MIN */
    uint32_t hits[CV_SCANS];
    bool any = false;
    for (int s = 0; s < CV_SCANS; s++) {
        hits[s] = c->win >= cv_scan_len[s]
                      ? (uint32_t)__builtin_popcountll(c->interp_bits & ((1ull << cv_scan_len[s]) - 1)) : 0;
        any |= c->win >= cv_scan_len[s] && hits[s] >= p->scan_min[s];
    }
    if (share < p->interp_share && !any)
        return true;
    int npeers;
    double others = others_median(p, m, c->key, &npeers);
    bool few = m->nfeat < CV_INTERP_MINFEAT;
    /* in few dimensions natural records often lie near a segment between two others
     * (iris: ~30 %, up to 0.46 in a window): judged only against at least 3 peers */
    bool steady = share >= p->interp_share && share >= others + p->ood_margin &&
                  !(few && (npeers < 3 || share < 2 * p->interp_share));
    /* A burst: mixup starts when the attacker's own records run out, and a 50-sample
     * window still full of them needs ~25 augmented queries to reach its share. The last
     * 16, 32 and 50 distinct samples (a scan: the short window is quick on a clean switch
     * to augmentation, the longer ones on a rate of interpolations that is clear only over
     * more samples, as on iris's 4 features, where the floor below asks 15 of 16) are each
     * judged (at most 3 x interp_burst_p in all; the short window decides as it did alone)
     * by the binomial tail at the model's ordinary rate: the other clients' median share (a model whose records lie near segments raises
     * it), floored at what natural records show (<= 0.04 per window with >= 8 features;
     * ~0.3 on iris), and above that median by ood_margin as the window is. Below 8
     * features the floor of 0.3 (15 of 16) stands in for peers when fewer than 3 have a
     * share: a fast extractor that arrives early was otherwise judged only once slower
     * ordinary clients had 30 distinct samples each (iris, efficacy --seed 1: after 400
     * queries instead of 120). */
    double p0 = fmax(few ? CV_BURST_P0_FEW : CV_BURST_P0, others), tail = 1;
    uint32_t burst = 0, blen = 0;
    for (int s = 0; s < CV_SCANS && !steady; s++) {
        uint32_t n = cv_scan_len[s];
        if (c->win < n || hits[s] < p->scan_min[s] || hits[s] < (others + p->ood_margin) * n)
            continue;
        double t = gsl_cdf_binomial_Q(hits[s] - 1, p0, n);
        if (t < tail) {
            tail = t;
            burst = hits[s];
            blen = n;
        }
    }
    if (!steady && !(tail <= p->burst_p))
        return true;
    alarm_interp(call, ev, p, c, share, others, burst, blen, tail);
    c->next_interp = c->distinct * 10;
    return true;
}

/* RMS of the sampled features' z-scores against class <k>'s reference; *used = features
 * with enough reference to count. Spreads are floored so that constant reference
 * features do not make every change out of distribution. */
static double rms_z(const struct cv_model *m, const float *x, int k, uint32_t *used)
{
    double z2 = 0;
    const bool closed = m->typical_range > 0;
    *used = 0;
    for (uint32_t f = 0; f < m->nfeat; f++) {
        double den = closed ? m->den[k][f] : spread(m, (uint32_t)k, f);
        if (den == 0)
            continue;
        double z = (x[f * m->stride] - m->st[k][f].mean) / den;
        z2 += z * z < 100 ? z * z : 100;
        (*used)++;
    }
    return *used ? sqrt(z2 / *used) : 0;
}

/* True when x is within a tenth of class k's spread (RMS over the sampled features, the
 * same floored spreads as rms_z) of <last>: the same record again, not a new sample. */
static bool near_dup(const struct cv_model *m, const float *x, const float *last, int k)
{
    double z2 = 0;
    uint32_t used = 0;
    for (uint32_t f = 0; f < m->nfeat; f++) {
        double den = m->den[k][f];   /* called once the reference is closed */
        if (den == 0)
            continue;
        double z = (x[f * m->stride] - last[f]) / den;
        z2 += z * z;
        used++;
    }
    return used && z2 / used < 0.1 * 0.1;
}

/* True when x changes exactly one sampled feature of <last> by more than a hundredth of
 * class k's spread: a what-if edit (a sensitivity analysis, a tornado chart, a sweep of one
 * feature of a record), not a new sample. Such rows leave the data's ranges on purpose
 * (iris what-if and sensitivity clients: OOD shares 0.52, flagged in s8's efficacy run once
 * the other clients' median fell to 0.20); probing around one record is
 * adversarial.boundary's matter, and extraction.transfer skips such rows the same way. An
 * extractor's queries (uniform, Jacobian steps, natural records) change every feature. */
static bool one_feature_edit(const struct cv_model *m, const float *x, const float *last, int k)
{
    uint32_t changed = 0, used = 0;
    for (uint32_t f = 0; f < m->nfeat; f++) {
        double den = m->den[k][f];
        if (den == 0)
            continue;
        used++;
        changed += fabs(x[f * m->stride] - last[f]) > 0.01 * den;
    }
    return used >= 2 && changed == 1;
}

static void learn(struct cv_model *m, const float *x, int label, double ood_rms)
{
    /* once a class has a reference, rows far outside it are not learned: an attacker who
     * arrives while the reference is still open cannot widen it */
    if (label < CV_CLS && m->st[label][0].n >= 30) {
        uint32_t used;
        if (rms_z(m, x, label, &used) > ood_rms)
            return;
    }
    int k = label < CV_CLS ? label : CV_CLS - 1;
    m->prior[k]++;
    for (uint32_t f = 0; f < m->nfeat; f++) {
        double v = x[f * m->stride];
        if (m->ref_rows == 0 || v < m->lo[f])
            m->lo[f] = (float)v;
        if (m->ref_rows == 0 || v > m->hi[f])
            m->hi[f] = (float)v;
        struct cv_stat *a = &m->all[f];
        a->n += 1;
        double da = v - a->mean;
        a->mean += da / a->n;
        a->m2 += da * (v - a->mean);
        if (label >= CV_CLS)
            continue;
        /* Welford */
        struct cv_stat *s = &m->st[k][f];
        s->n += 1;
        double d = v - s->mean;
        s->mean += d / s->n;
        s->m2 += d * (v - s->mean);
        m->pool_m2[f] += d * (v - s->mean);
        m->pool_n[f] += 1;
    }
    m->ref_rows++;
}

static int cv_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct cv_global *g = (struct cv_global *)call->global;   /* the budget is its mutable part (atomics) */
    const struct cv_params *p = &g->p;
    struct cv_model *m = call->model;
    struct cv_client *c = call->client;
    if (!ev->inputs || ev->rows == 0 || ev->features == 0 || !m)
        return IG_OK;
    if (m->dim == 0) {
        m->dim = ev->features;
        m->nfeat = ev->features < CV_FEAT ? ev->features : CV_FEAT;
        m->stride = (ev->features + m->nfeat - 1) / m->nfeat;
        m->nfeat = (ev->features + m->stride - 1) / m->stride;
    }
    if (ev->features != m->dim)
        return IG_OK;
    float *work = NULL;   /* interp_row's distances beyond the stack's, from scratch */
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *x = ev->inputs + (size_t)r * ev->features;
        int label = row_label(ev, r);
        if (label < 0 || !ig_row_finite(x, ev->features))
            continue;
        if (m->seen_rows < p->reference_queries) {
            /* one client may teach only so much: an early attacker cannot own the reference */
            m->seen_rows++;
            if (c->taught < p->reference_per_client) {
                c->taught++;
                learn(m, x, label, p->ood_rms);
            }
            continue;
        }
        if (!(m->typical_range > 0))
            typical_range(m);
        if (c->dim == 0) {
            c->dim = m->dim;
            c->key = client_key(ev);
            c->next_alarm = p->min_queries;
            for (uint32_t f = 0; f < m->nfeat; f++) {
                c->lo[f] = INFINITY;
                c->hi[f] = -INFINITY;
            }
        }
        int k = label < CV_CLS ? label : CV_CLS - 1;
        bool dup = c->rows + c->dups > 0 && near_dup(m, x, c->last, k);
        if (!dup && c->rows > 0 && one_feature_edit(m, x, c->last, k)) {
            c->edits++;   /* before interp_row: not a sample of the client's history either */
            continue;
        }
        if (dup || !interp_row(call, ev, g, m, c, x, &work)) {
            c->dups++;
            /* a repeat is still the record the next rows edit: a what-if sweep of a record
             * swept before, judged against the last counted row, counted each edit as a new
             * sample (iris tornado client, s20 seed 6: 25 of 50 counted rows, all off the
             * data, flagged at ood_share 0.50) */
            for (uint32_t f = 0; f < m->nfeat; f++)
                c->last[f] = x[f * m->stride];
            continue;
        }
        c->cls[k]++;
        for (uint32_t f = 0; f < m->nfeat; f++) {
            float v = x[f * m->stride];
            c->lo[f] = v < c->lo[f] ? v : c->lo[f];
            c->hi[f] = v > c->hi[f] ? v : c->hi[f];
            c->last[f] = v;
        }
        uint32_t used = 0;
        double rz = label < CV_CLS ? rms_z(m, x, k, &used) : 0;
        /* a class the reference never saw is itself out of distribution */
        bool ood = used ? rz > p->ood_rms : true;
        c->ood += ood;
        c->rows++;
        double recent = recent_add(p, m, c, ood);
        /* judged once the client has sent min_queries rows (repeats are queries too: a
         * sweep that retries or happens to repeat a point is not judged later for it),
         * at least half of them new samples (the share is theirs) */
        uint64_t seen = c->rows + c->dups + c->edits;
        if (seen >= c->next_alarm && 2 * c->rows >= p->min_queries) {
            double share = (double)c->ood / c->rows, others = others_level(p, m, c->key);
            if (share >= p->ood_share && recent >= others + p->ood_margin) {
                alarm(call, ev, p, m, c, others);
                c->next_alarm = seen * 10;
            } else {
                c->next_alarm = seen + p->min_queries;
            }
        }
    }
    return IG_OK;
}

const struct ig_detector ig_det_extraction_coverage = {
    .name = NAME,
    .wants = IG_EV_TENSOR,
    .client_size = sizeof(struct cv_client),
    .model_size = sizeof(struct cv_model),
    .init = cv_init,
    .observe = cv_observe,
    .evict = cv_evict,
    .free = cv_free,
    .stats = cv_stats,
    .params = cv_param_rows,
    .params_size = sizeof(struct cv_params),
};
