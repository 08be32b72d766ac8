/* adversarial.boundary: decision-based black-box attacks (Boundary attack, HopSkipJump,
 * label-only probing) walk along the model's decision boundary: long runs of queries
 * that are near-duplicates of the client's recent ones, answered with a low top-1 margin
 * or with the predicted label flipping between neighbours. Benign clients rarely send
 * near-duplicates, and when they do (retries) the answers are confident and stable.
 *
 * Per query row: the nearest of the client's last <recent> inputs (L2, SIMD kernel) is a
 * near-duplicate when closer than near_rel x the input's norm. A run is a sequence of
 * near-duplicates that tolerates up to max_gap other queries in a row. Within a run we
 * count low-margin answers (top1 - top2 < margin, when scores come back) and label flips
 * (label differs from the nearest recent query's). A finding fires when a run reaches
 * min_run queries with (low margins + flips) / run >= min_share, again at 10x, 100x ...
 * Score-based attacks (SimBA, NES, Square) leave a different trace in the same runs: a
 * long walk of tiny, distinct perturbations whose answers stay confident until the last
 * steps, so a run with at least walk_run distinct near-duplicates (distance > 0; exact
 * retries do not count) fires too. HopSkipJump interleaves its probe batches with a
 * geometric step search and a fresh binary search whose first midpoints are far from
 * everything recent (5-9 rows in a row), hence max_gap 8.
 *
 * Memory: one pointer in the client slice; the ring of recent inputs (recent x dim floats,
 * blocked) is allocated on the client's first tensor query from a global budget
 * (memory_mb) and freed in evict: 16 x dim x 4 B + 100 B per client with the defaults. */
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/detector.h>
#include "kernels/kernels.h"
#include "row_label.h"
#include "stats/fscale.h"

#define NAME "adversarial.boundary"

struct bd_params {
    uint32_t recent, min_run, max_gap, max_dim, walk_run;
    bool scale;
    double near_rel, margin, min_share;
    double memory_mb;
    uint64_t budget;
    int severity;
};

/* The rules block's params fill bd_params (rules/schema.md's table is generated from these rows). */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct bd_params, f), __VA_ARGS__ }
static const struct ig_param bd_param_rows[] = {
    ROW("recent", IG_PT_U32, recent, .def = 16, .min = 1, .max = 1024, .help = "recent inputs searched"),
    ROW("near_rel", IG_PT_DOUBLE, near_rel, .def = 0.05, .min = 0, .max = 1,
        .flags = IG_PARAM_GT_MIN | IG_PARAM_LT_MAX,
        .help = "near-duplicate radius (× √dim × spread, or × the input norm)"),
    ROW("max_gap", IG_PT_U32, max_gap, .def = 8,
        .help = "other rows in a row that do not break a run (HopSkipJump puts 5–9 far rows — step search, first binary-search midpoints — between probe batches)"),
    ROW("min_run", IG_PT_U32, min_run, .def = 10, .min = 2, .max = INFINITY, .help = "run length before a finding"),
    ROW("margin", IG_PT_DOUBLE, margin, .def = 0.1, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "low top-1 margin"),
    ROW("min_share", IG_PT_DOUBLE, min_share, .def = 0.3, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "share of low margins + label flips that fires"),
    ROW("walk_run", IG_PT_U32, walk_run, .def = 20, .min = 2, .max = INFINITY,
        .help = "distinct near-duplicates of a synthetic walk that fire with confident answers"),
    ROW("scale", IG_PT_BOOL, scale, .def = 1, .help = "per-feature robust scaling"),
    ROW("max_dim", IG_PT_U32, max_dim, .def = 262144, .min = 1, .max = INFINITY, .help = "wider inputs are skipped"),
    ROW("memory_mb", IG_PT_DOUBLE, memory_mb, .def = 128, .min = 1, .max = INFINITY,
        .help = "budget for all clients' rings"),
    { 0 },
};
#undef ROW

struct bd_global {
    struct bd_params p;
    const struct ig_budget_ops *mem_ops;   /* lent by the env */
    struct ig_budget *mem;    /* memory_mb: clients' rings */
    _Atomic uint64_t skipped;
};

struct bd_state {
    struct ig_vset ring;      /* last <recent> inputs, slot = query % recent */
    int32_t *labels;          /* their labels */
    uint64_t queries, bytes;
    uint32_t run, gap, low, flips, distinct, next_alarm;
    uint32_t structured;      /* steps of the run that look synthetic (sparse or sign steps) */
    uint64_t coords;          /* coordinates (mod 64) moved by the run's sparse steps */
    double   margin_sum;
    uint32_t margin_n;
};

struct bd_client {
    struct bd_state *st;
    uint32_t taught;          /* rows given to the model's scale */
};

struct bd_model {
    struct ig_fscale fs;
};

static int bd_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct bd_global *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    struct bd_params *p = &g->p;
    *p = *(const struct bd_params *)env->params;
    p->severity = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    p->budget = (uint64_t)(p->memory_mb * 1048576.0);
    g->mem_ops = env->budget;
    if (!(g->mem = g->mem_ops->open(NAME, p->budget))) {
        free(g);
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    *global = g;
    return IG_OK;
}

static void bd_free(void *global)
{
    struct bd_global *g = global;
    if (g)
        g->mem_ops->close(g->mem);
    free(g);
}

static size_t bd_stats(const void *global, struct ig_det_counter *out)
{
    struct bd_global *g = (struct bd_global *)global;
    /* refused: clients whose query history memory_mb had no room for (not tracked);
     * skipped: input rows not examined (wider than max_dim, another width than the
     * client's history, non-finite values). */
    out[0] = (struct ig_det_counter){ "refused", g->mem_ops->refused(g->mem) };
    out[1] = (struct ig_det_counter){ "skipped", atomic_load(&g->skipped) };
    return 2;
}

static void state_free(struct bd_global *g, struct bd_state *st)
{
    if (!st)
        return;
    g->mem_ops->uncharge(g->mem, st->bytes);
    ig_vset_free(&st->ring);
    free(st->labels);
    free(st);
}

struct make_ctx { const struct bd_params *p; uint32_t dim; };

static void *state_make(const void *ctx)
{
    const struct make_ctx *m = ctx;
    struct bd_state *st = calloc(1, sizeof(*st));
    if (st && (ig_vset_init(&st->ring, m->dim, m->p->recent) != IG_OK ||
               !(st->labels = calloc(m->p->recent, sizeof(int32_t))))) {
        ig_vset_free(&st->ring);
        free(st);
        st = NULL;
    }
    return st;
}

static struct bd_state *state_new(struct bd_global *g, uint32_t dim)
{
    uint64_t bytes = sizeof(struct bd_state) + ig_vset_bytes(dim, g->p.recent) + g->p.recent * 4;
    const struct make_ctx m = { &g->p, dim };
    struct bd_state *st = g->mem_ops->alloc(g->mem, bytes, state_make, &m);
    if (!st)
        return NULL;
    st->bytes = bytes;
    st->next_alarm = g->p.min_run;
    return st;
}

/* A synthetic step from the nearest recent input: sparse (a few coordinates moved, as
 * SimBA's basis steps or Square's patches; the walk must also move many different
 * coordinates, which a sensor updating one channel does not), or dense with (nearly) one
 * magnitude on at least half of the coordinates (sign steps). Natural near-duplicates
 * (video frames, sensor noise, jittered records) move many coordinates by sizes spread
 * over a range. */
static bool synthetic_step(struct bd_state *st, const float *a, const float *b, uint32_t dim)
{
    uint32_t nnz = 0;
    float mx = 0;
    for (uint32_t j = 0; j < dim; j++) {
        float d = fabsf(a[j] - b[j]);
        if (d > 1e-6f * (fabsf(a[j]) + fabsf(b[j])) + 1e-30f) {
            nnz++;
            mx = d > mx ? d : mx;
        }
    }
    if (nnz == 0)
        return false;
    uint32_t sparse_max = dim / 8 > 2 ? dim / 8 : 2;
    if (nnz <= sparse_max && nnz < dim) {
        /* sizes are not compared: a tabular attacker scales its step per feature */
        for (uint32_t j = 0; j < dim; j++)
            if (fabsf(a[j] - b[j]) > 1e-6f * (fabsf(a[j]) + fabsf(b[j])) + 1e-30f)
                st->coords |= 1ull << (j % 64);
        return true;
    }
    if (dim < 4)
        return false;
    uint32_t eq = 0;
    for (uint32_t j = 0; j < dim; j++)
        eq += fabsf(a[j] - b[j]) >= 0.98f * mx;
    return 2 * eq >= dim;
}

static const char bd_remediation[] =
    "Rate-limit or block this client; return labels only with rounded scores. Decision-based "
    "attacks work from labels alone, so keep this detector on (AML.M0002, AML.M0004).";

static void alarm(const struct ig_call *call, const struct ig_event *ev, const struct bd_params *p,
                  const struct bd_state *st, bool walk)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    if (walk) {
        f.title = "Suspected score-based adversarial search";
        f.desc = "A walk of small, synthetic (sparse or sign-structured) perturbations of the "
                 "client's own recent inputs across many coordinates: the footprint of a "
                 "score-based adversarial attack (SimBA, Square).";
    } else {
        f.title = "Suspected decision-boundary probing";
        f.desc = "A run of near-duplicate queries answered with low margins or flipping labels: "
                 "the footprint of a decision-based adversarial attack (Boundary, HopSkipJump).";
    }
    f.remediation = bd_remediation;
    f.atlas[0] = "AML.T0043.001";
    f.atlas[1] = "AML.T0015";
    f.queries_seen = st->queries;
    int sev = p->severity + (st->run >= 10 * p->min_run) + (st->run >= 100 * p->min_run);
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = st->run >= 10 * p->min_run ? 3 : 2;
    ig_finding_score(&f, "run", st->run);
    ig_finding_score(&f, "low_margin", st->low);
    ig_finding_score(&f, "label_flips", st->flips);
    ig_finding_score(&f, "share", (double)(st->low + st->flips) / st->run);
    ig_finding_score(&f, "distinct", st->distinct);
    ig_finding_score(&f, "structured", st->structured);
    if (st->margin_n)
        ig_finding_score(&f, "mean_margin", st->margin_sum / st->margin_n);
    ig_finding_score(&f, "queries", (double)st->queries);
    ig_emit_finding(call->emit, &f);
}

static void run_reset(const struct bd_params *p, struct bd_state *st)
{
    st->run = st->low = st->flips = st->distinct = st->margin_n = st->structured = 0;
    st->margin_sum = 0;
    st->coords = 0;
    st->next_alarm = p->min_run;
}

/* How many coordinates a walk must move (mod 64) before it looks like a search. */
static uint32_t walk_coords(uint32_t dim)
{
    uint32_t need = dim / 2;
    return need > 8 ? 8 : need < 2 ? 2 : need;
}

static int bd_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct bd_global *g = (struct bd_global *)call->global;
    const struct bd_params *p = &g->p;
    struct bd_client *cl = call->client;
    struct bd_model *m = call->model;
    if (!ev->inputs || ev->rows == 0 || ev->features == 0)
        return IG_OK;
    if (ev->features > p->max_dim) {
        atomic_fetch_add(&g->skipped, ev->rows);
        return IG_OK;
    }
    if (!cl->st && !(cl->st = state_new(g, ev->features)))
        return IG_OK;
    struct bd_state *st = cl->st;
    if (st->ring.dim != ev->features) {
        atomic_fetch_add(&g->skipped, ev->rows);
        return IG_OK;
    }
    const struct ig_kern_ops *k = ig_kern();
    const uint32_t dim = ev->features;
    float zbuf[IG_FSCALE_MAXDIM], nb[IG_FSCALE_MAXDIM];
    /* the nearest recent input, for the step's structure */
    float *nbp = dim <= IG_FSCALE_MAXDIM ? nb
                 : call->scratch ? ig_scratch_alloc(call->scratch, (size_t)dim * sizeof(float)) : NULL;
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *x = ev->inputs + (size_t)r * dim;
        if (!ig_kern_finite(x, dim)) {
            atomic_fetch_add(&g->skipped, 1);
            continue;
        }
        bool scaled = false;
        if (m && p->scale) {
            enum ig_fscale_mode md = ig_fscale_learn(&m->fs, x, dim, &cl->taught);
            if (md == IG_FSCALE_LEARNING)
                continue;   /* the model's scale is not known yet (its first ~24 rows) */
            if (md == IG_FSCALE_SCALED && m->fs.dim == dim) {
                ig_fscale_apply(&m->fs, x, dim, zbuf);
                x = zbuf;
                scaled = true;
            }
        }
        double margin;
        int label = ig_row_label(ev, r, &margin);
        double lim;
        if (m && p->scale && m->fs.dim == dim && dim <= IG_FSCALE_MAXDIM) {
            /* in the model's units: each feature's typical spread is fs.unit (1 when scaled) */
            lim = p->near_rel * (scaled ? 1.0 : m->fs.unit) * sqrt((double)dim);
        } else {
            double norm2 = 0;
            for (uint32_t f = 0; f < dim; f++)
                norm2 += (double)x[f] * x[f];
            lim = p->near_rel * sqrt(norm2 > 1e-12 ? norm2 : 1e-12);
        }
        int32_t at = -1;
        float d2 = st->ring.count ? k->l2sq_min(&st->ring, x, &at) : INFINITY;
        bool near = at >= 0 && d2 <= lim * lim;
        if (near && d2 == 0) {
            /* an exact retry is neither a step of a search nor a break in one */
        } else if (near) {
            st->run++;
            st->gap = 0;
            if (margin >= 0 && margin < p->margin)
                st->low++;
            if (label >= 0 && st->labels[at] >= 0 && label != st->labels[at])
                st->flips++;
            st->distinct++;
            if (nbp) {
                ig_vset_get(&st->ring, (uint32_t)at, nbp);
                st->structured += synthetic_step(st, x, nbp, dim);
            }
            if (margin >= 0) {
                st->margin_sum += margin;
                st->margin_n++;
            }
            if (st->run >= st->next_alarm) {
                /* boundary evidence: labels flip between near-duplicates, or most answers
                 * sit on the boundary; a stable, confident stream never fires this way */
                bool probe = (double)(st->low + st->flips) >= p->min_share * st->run &&
                             (st->flips >= 2 || 2 * st->low >= st->run);
                /* a search by synthetic steps over many coordinates */
                bool walk = st->distinct >= p->walk_run && 5 * st->structured >= 3 * st->distinct &&
                            (uint32_t)__builtin_popcountll(st->coords) >= walk_coords(dim);
                if (probe || walk) {
                    alarm(call, ev, p, st, !probe);
                    st->next_alarm = st->run * 10;
                } else {
                    /* not yet: look again after another min_run queries */
                    st->next_alarm = st->run + p->min_run;
                }
            }
        } else if (++st->gap > p->max_gap && st->run) {
            run_reset(p, st);
        }
        uint32_t slot = (uint32_t)(st->queries % p->recent);
        if (st->ring.count < p->recent && slot == st->ring.count)
            ig_vset_append(&st->ring, x);
        else
            ig_vset_put(&st->ring, slot, x);
        st->labels[slot] = label;
        st->queries++;
    }
    return IG_OK;
}

static void bd_evict(const struct ig_call *call)
{
    struct bd_client *cl = call->client;
    state_free((struct bd_global *)call->global, cl->st);
    cl->st = NULL;
}

const struct ig_detector ig_det_boundary = {
    .name = NAME,
    .wants = IG_EV_TENSOR,
    .client_size = sizeof(struct bd_client),
    .model_size = sizeof(struct bd_model),
    .init = bd_init,
    .observe = bd_observe,
    .evict = bd_evict,
    .free = bd_free,
    .stats = bd_stats,
    .params = bd_param_rows,
    .params_size = sizeof(struct bd_params),
};
