/* extraction.prada: PRADA (Juuti et al. 2019) model-extraction detection, as in the brief D1.
 *
 * Per client and predicted class c: a growing set G_c of admitted queries, the sum and
 * sum of squares of their admission distances DG_c (starts [0]) and a threshold T_c
 * (starts 0). Per query x of class c: if c is new, store x and stop; else d = min L2(x, G_c)
 * goes into D; if d > T_c, x joins G_c, d joins DG_c and T_c = max(T_c, mean − popstd of
 * DG_c). On queries 1, 11, 21, ... (period 10) the D values of classes having >= 10 of them
 * are pooled, points >= 3σ from the pooled mean are dropped, and with more than 100 left
 * the Shapiro–Wilk W is computed: W < δ (0.90) raises a finding. Natural queries give
 * near-normal minimum distances; synthetic extraction queries (Jacobian augmentation,
 * random sampling) give skewed or multi-modal ones.
 *
 * Cost: G_c is an ig_vidx (kernels/vidx.h): the exact minimum distance with pivots and
 * per-block distance rings ruling out most blocks on clustered inputs, and (prefilter:
 * int8) exact integer distances of 8-bit levels ruling out the rest before any float32
 * block is read (inputs uniform in high dimension), bit-identical to a full l2sq_min scan. D is kept in
 * ascending order incrementally (per test, the distances dropped since are removed and the
 * new ones merged in by binary search and memmove), the pooled sums take one pass, and
 * the Shapiro-Wilk coefficients of the last 64 sample sizes are cached per worker thread:
 * a test on 5000 distances costs a few microseconds, not ~25.
 *
 * Cost against a client's history: the search is linear in |G_c| where nothing prunes.
 * Inputs isotropic within a class in 64 features (ig_gen's benign clients) have their
 * nearest stored vector at ~0.7 x the typical distance while any pivot bounds a vector
 * only to within ~0.09 x of it, so every vector's int8 distance is measured (249 of 256
 * blocks a query at 4,096 vectors; 14 on 32 clusters, 7 on a line) and the cost per row
 * grows with |G_c| up to max_growing, then stays flat: the bounds an exact index has
 * (triangle inequality through pivots, norms) rule nothing out on such data. What is cut
 * is its slope: on AVX2 the int8 pass takes even query levels
 * (kernels.h q8_even) at ~10 instructions per 16 vectors x 4 features (bench/RESULTS.md
 * section 3 has the rows per history).
 *
 * Memory: the engine's client slice holds one pointer. The client's state (its scalars,
 * ~400 B) is allocated on its first usable query, charged to a global budget (rules
 * memory_mb) and released in evict; everything else grows with use and each growth is
 * charged: the class table (56 B a class, doubling up to max_classes), the D ring (12 B a
 * distance, doubling from 16 up to max_dists, plus 192 B listing the dropped ones once
 * it is full), the repeated-step memory (16 B * dim, at the first step), and G_c, kept
 * row-major (4 B * dim a vector, room doubling from one) for its first PRADA_SEEDS
 * vectors (with storage f32 and prefilter int8: its first 256, from a room of 16 on with
 * int8 codes, 1 B * dim + 10 B a vector more, and 8 B * dim of levels: 83.1 KiB at 256
 * vectors of d = 64, where the index held 66.8 KiB), then as an index of 16 vectors
 * doubling up to max_growing. An idle client
 * (a query or two) costs ~0.5-1 KB at d = 64. A refused charge is counted and leaves that
 * part at its size (a set stops growing, distances are still measured; a distance the
 * ring cannot hold is not kept). Per client at most:
 *     sizeof(state) + max_classes * 56 B + max_dists * 12 B + 16 B * dim
 *     + sum over classes of ig_vidx_bytes(dim, cap(G_c)), cap(G_c) <= max_growing,
 * where ig_vidx_bytes is 4 B (bf16: 2 B, f32_bf16: 6 B) * dim * cap plus 8 B per vector, 28 B per block
 * (prefilter int8: + 1 B * dim * cap + 4 B per vector + 12 B per block) and sqrt(cap)
 * pivots of 4 * dim B, both from a capacity of 512 (dim 64, 4096 vectors: 1.04 MiB). The budget bounds
 * the total across clients whatever they send; a growth also takes a transient copy while
 * the index is re-laid out. storage: bf16 keeps G_c as bfloat16: half
 * the bytes and half the memory traffic of the distance scans, distances within ~0.4 %
 * (the normality test does not notice; tests/integration/test_prada_reference.sh checks
 * it against the Python reference doing the same rounding). Allocations happen at most
 * log2(max_growing / 16) + 2 times per class, never per query otherwise, from the
 * detectors' block pool (kernels/blkpool.h: no heap call but the pool's own chunks, O(log
 * bytes) in all, and blocks past 1 MiB, the heap's). Per worker thread: up to 64 Shapiro-Wilk workspaces of 12 B per value
 * (n rounded up to a power of two from 512; 60 KB at n = 5000: 3.8 MB), 60 KB of pooling buffers
 * and the index re-layout's scratch (a copy of the vectors re-laid, up to 1 MiB, kept at
 * the largest size used: kernels/vidx.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/detector.h>
#include "kernels/blkpool.h"
#include "kernels/kernels.h"
#include "kernels/vidx.h"
#include "stats/floats.h"
#include "stats/fscale.h"
#include "stats/shapiro.h"

#define NAME "extraction.prada"

struct prada_params {
    double   delta;           /* alarm while W < delta */
    uint32_t period;          /* test on queries 1, 1 + period, ... */
    uint32_t min_pool;        /* test only with more than this many pooled distances */
    uint32_t min_class;       /* a class joins the pool with at least this many distances */
    uint32_t max_growing;     /* cap of |G_c| */
    uint32_t max_dists;       /* cap of |D| (oldest dropped first), <= 5000 */
    uint32_t max_classes;     /* classes tracked per client; more are counted and skipped */
    uint32_t max_dim;         /* inputs wider than this are skipped (counted) */
    double   sigma;           /* outlier cut */
    uint64_t budget;          /* bytes for all clients together */
    int      severity;        /* base severity; evidence raises it up to two levels */
    uint32_t elem;            /* storage of G_c: IG_VSET_F32 (exact) or IG_VSET_BF16 */
    unsigned vflags;          /* IG_VIDX_SHADOW with storage f32_bf16 (exact, bf16 pre-pass),
                                 IG_VIDX_Q8 with prefilter int8 (exact, int8 pre-pass) */
    bool     paper;           /* mode: paper = the reference algorithm alone */
    bool     scale;           /* robust per-feature scaling (fscale.h) */
    double   dup_rel;         /* repeats closer than dup_rel * unit * sqrt(dim) are not samples */
    uint32_t peer_min;        /* peers' W needed to calibrate delta */
    double   peer_margin;     /* delta_eff <= median peer W - max(peer_margin, 3 MAD) */
    double   ood_rms;         /* a row is out of distribution beyond this RMS robust z */
    double   ood_share, struct_share, strong_gap;
    uint32_t structured_pool; /* with a structured share >= 2.5 x struct_share, test from here */
    uint32_t structured_class; /* ... and a class joins the pool with this many distances */
    double   memory_mb;
    uint32_t storage;         /* index in "f32|bf16|f32_bf16" */
    uint32_t prefilter;       /* index in "int8|none" */
    uint32_t mode;            /* index in "robust|paper" */
};

#define PRADA_PEERS 64
/* Coordinates a step's equal magnitudes need (structured and repeated steps): with fewer,
 * two or three natural differences agree within a few percent by chance (an iris what-if
 * sweep gave structured evidence and two findings). */
#define PRADA_STEP_MIN 4
/* Steps remembered for the repeated-step test: a JbDA batch interleaves the children of
 * several parents and classes, so the step just before is often another kind of step. The
 * memory holds PRADA_STEP_FLOATS floats (1 KiB): 4 steps of 64 features, up to 16 steps of
 * 16 features or fewer. On few features the nearest admitted query is less often the
 * sample's parent (a child whose label flipped is measured against the other class's set;
 * a parent that did not enlarge G_c is not in it), so the parent's step recurs less often
 * among the last 4: Papernot's JbDA on iris (4 features, lambda scaled per feature) had
 * 20 % of its new samples' steps repeated within 4 and 36-39 % within 16 (rules/schema.md);
 * ordinary clients 0 either way. */
#define PRADA_STEP_FLOATS 256
#define PRADA_STEPS_MIN 4
#define PRADA_STEPS_MAX 16
/* Dropped ring entries remembered between tests (a test every 10 queries drops 10): the
 * order removes exactly those instead of scanning all of D for them. */
#define PRADA_GONE 32

/* The rules block's params fill prada_params (rules/schema.md's table is generated from
 * these rows); init derives budget, elem, vflags, paper and the paper-mode overrides. */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct prada_params, f), __VA_ARGS__ }
static const struct ig_param prada_param_rows[] = {
    ROW("delta", IG_PT_DOUBLE, delta, .def = 0.90, .min = 0, .max = 1,
        .flags = IG_PARAM_GT_MIN | IG_PARAM_LT_MAX, .help = "alarm while W < delta"),
    ROW("period", IG_PT_U32, period, .def = 10, .min = 1, .max = 1e6,
        .help = "test every `period` queries, starting with the first"),
    ROW("min_pool", IG_PT_U32, min_pool, .def = 100, .min = 3, .max = IG_SW_NMAX,
        .help = "test only with more than this many pooled distances"),
    ROW("min_class", IG_PT_U32, min_class, .def = 10, .min = 1, .max = IG_SW_NMAX,
        .help = "a class joins the pool with at least this many distances"),
    ROW("outlier_sigma", IG_PT_DOUBLE, sigma, .def = 3, .min = 0, .max = INFINITY, .flags = IG_PARAM_GT_MIN,
        .help = "pooled distances this many σ from the mean are dropped"),
    ROW("max_growing", IG_PT_U32, max_growing, .def = 4096, .min = 16, .max = 1u << 20,
        .help = "cap of each growing set \\|G_c\\| (then sets stop growing)"),
    ROW("max_dists", IG_PT_U32, max_dists, .def = 5000, .min = 3, .max = IG_SW_NMAX,
        .help = "cap of D, oldest dropped first (Shapiro–Wilk's range)"),
    ROW("max_classes", IG_PT_U32, max_classes, .def = 64, .min = 1, .max = 65535,
        .help = "classes per client; queries of further classes are skipped"),
    ROW("max_dim", IG_PT_U32, max_dim, .def = 65536, .min = 1, .max = 1u << 24, .help = "wider inputs are skipped"),
    ROW("memory_mb", IG_PT_DOUBLE, memory_mb, .def = 256, .min = 1, .max = 1 << 20,
        .help = "budget for all clients' PRADA state together"),
    ROW("mode", IG_PT_ENUM, mode, .def = 0, .choices = "robust|paper", .help = "`robust` (above) or `paper`"),
    ROW("scale", IG_PT_BOOL, scale, .def = 1, .help = "robust mode: per-feature robust scaling"),
    ROW("duplicate_rel", IG_PT_DOUBLE, dup_rel, .def = 0.1, .min = 0, .max = 1, .flags = IG_PARAM_LT_MAX,
        .help = "robust mode: near-repeat radius, × √dim × per-feature spread (0: off)"),
    ROW("peer_min", IG_PT_U32, peer_min, .def = 4, .min = 1, .max = PRADA_PEERS,
        .help = "robust mode: peers' W needed to calibrate δ"),
    ROW("peer_margin", IG_PT_DOUBLE, peer_margin, .def = 0.05, .min = 0, .max = 1, .flags = IG_PARAM_LT_MAX,
        .help = "robust mode: least distance of δ below the peers' median W"),
    ROW("ood_rms", IG_PT_DOUBLE, ood_rms, .def = 3.0, .min = 0, .max = INFINITY, .flags = IG_PARAM_GT_MIN,
        .help = "robust mode: RMS robust z-score of an out-of-distribution row"),
    ROW("ood_share", IG_PT_DOUBLE, ood_share, .def = 0.25, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "robust mode: corroborating share of out-of-distribution rows"),
    ROW("structured_share", IG_PT_DOUBLE, struct_share, .def = 0.1, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "robust mode: corroborating share of sign-structured steps"),
    ROW("structured_pool", IG_PT_U32, structured_pool, .def = 30, .min = 3, .max = IG_SW_NMAX,
        .help = "robust mode: with a sign-structured share >= 2.5 × `structured_share` (Jacobian augmentation), test from this many pooled distances (at most `min_pool`)"),
    ROW("structured_min_class", IG_PT_U32, structured_class, .def = 5, .min = 1, .max = IG_SW_NMAX,
        .help = "robust mode: with that much structure, a class joins the pool with at least this many distances (at most `min_class`): many classes split a short JbDA stream into small ones"),
    ROW("strong_gap", IG_PT_DOUBLE, strong_gap, .def = 0, .min = 0, .max = 1, .flags = IG_PARAM_LT_MAX,
        .help = "robust mode: W below δ − this fires alone (0: never)"),
    ROW("storage", IG_PT_ENUM, storage, .def = 0, .choices = "f32|bf16|f32_bf16",
        .help = "G_c as `f32` (exact), `bf16` (bfloat16, round to nearest even: half the memory and scan time, distances within ~0.4 %) or `f32_bf16` (exact: `f32` plus a bf16 copy, 1.5× the memory, read first so that float32 blocks are read only when they could hold the minimum; pays when G_c outgrows the CPU caches on data the pivots cannot prune, e.g. 10k × 64 uniform: 56 → 38 µs per search; slower on small sets)"),
    ROW("prefilter", IG_PT_ENUM, prefilter, .def = 0, .choices = "int8|none",
        .help = "`int8`: G_c also kept as 8-bit levels (+1 B per coordinate and 8 B per vector), measured first with exact integer distances (AVX-512 VNNI when the CPU has it); float32 blocks are read only when the levels' error bounds let them hold the minimum: same distances and decisions, 10k × 64 uniform ~30 → ~4 µs per query. `none`: without (d > 8192: always without)"),
    { 0 },
};
#undef ROW

struct prada_global {
    struct prada_params p;
    /* Shared by every worker; the only mutable part, hence atomics. */
    const struct ig_budget_ops *mem_ops;   /* lent by the env */
    struct ig_budget *mem;    /* memory_mb: clients' state and growth (refused: clients) */
    _Atomic uint64_t refused_growth, skipped_dim, skipped_class,
                     skipped_nolabel, skipped_nonfinite, skipped_warmup, tests, alarms;
};

struct prada_class {
    int32_t  label;
    uint32_t in_d;            /* this class's entries in the D ring */
    double   t;               /* T_c */
    uint32_t dg_n;            /* |DG_c| */
    uint16_t nseed, seed_cap; /* vectors in seed, and room */
    double   dg_sum, dg_sumsq;
    /* G_c: its first rows_max vectors row-major (most classes of most clients never get
     * a second), then an index for pruned exact minimum distances */
    float   *seed;            /* nseed x dim floats as stored (bf16 storage: rounded), or NULL;
                                 with codes (rows_coded) the 64-byte aligned block that holds
                                 them and the rows (rows_layout, rows_of) */
    struct ig_vidx *g;        /* from the (rows_max + 1)th vector on (seed freed then) */
};

/* G_c's vectors kept row-major before the index (its first block alone is 16 x dim x 4 B):
 * l2sq_row is bit for bit a set lane's distance on the same path (test_kernels), so the
 * minimum over them is the index's (ig_vidx_l2sq_min: l2sq_min's). */
#define PRADA_SEEDS 4

/* Row-major, G_c stays small for most classes of most clients: on figure 1's OIP v2 capture
 * (64 clients, d = 64, inputs uniform) every class stopped at 128-255 vectors, where the
 * index has no pivots and scanned every float32 block (~30 KB a query, 13 MB of histories
 * against 1.25 MB of L2: the scan was bound by memory). With the defaults (storage f32,
 * prefilter int8) a class keeps up to ROWS_MAX vectors row-major, from ROWS_CODED on with
 * int8 codes beside them (a quarter of the bytes): a query measures every code, then reads
 * in float32 only the rows whose bound can reach the minimum, usually one or two (256 B
 * each at d = 64, where a block is 4 KB and a single lane of it 64 lines). Past ROWS_MAX
 * the index takes over (ig_vidx_init_rows: the very index the old growth made, so pivots,
 * levels and every later answer are unchanged). Other storages keep PRADA_SEEDS rows. */
#define ROWS_MAX 256u
#define ROWS_CODED 16u
/* Below this many features a float32 row is a cache line or less and the codes save no
 * reads: on x20 (iris, d = 4) the rows path cost PRADA +120 M instructions (345 M -> 465 M,
 * callgrind, PRADA alone) and the whole run +1.7 % user CPU (5 alternating runs). */
#define ROWS_MIN_DIM 32u

/* int8 levels of the coded rows: g' = qoff + qscale * level (kernels.h q8_levels), a
 * row's |g - g'| kept per row (vidx.h keeps a block's largest), rounded up. One block per
 * class, 64-byte aligned, in the order a query reads it: the step, the offsets, the
 * query's levels, every row's codes, norms and errors, then the rows themselves. */
struct rows_codes {
    double   *qscale;         /* the step */
    float    *emax;           /* largest err */
    float    *e0;             /* a usual row's err (2 x their mean at the last re-code) */
    uint32_t *nout;           /* rows whose err exceeds e0 (values clamped by the levels) ... */
    uint16_t *out;            /* ... listed: cap entries at most */
    double   *qoff;           /* level 0 per feature */
    uint8_t  *qx;             /* scratch: a query's levels, groups * 4 */
    int8_t   *codes;          /* IG_Q8_AT layout, ceil(cap / 16) blocks; free lanes level 0 */
    int32_t  *norm;           /* squared levels per row (free lanes 2^30) */
    float    *err;            /* |g - g'| per row */
    float    *rows;           /* cap x dim floats */
};

static inline size_t up64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

static inline uint32_t rows_groups(uint32_t dim)
{
    return (dim + 3) / 4;
}

/* Rows a class keeps before the index: ROWS_MAX with codes possible and worth it, else
 * PRADA_SEEDS. */
static inline uint32_t rows_max(const struct prada_params *p, uint32_t dim)
{
    return p->elem == IG_VSET_F32 && p->vflags == IG_VIDX_Q8 && dim >= ROWS_MIN_DIM &&
                   dim <= IG_Q8_MAXDIM
               ? ROWS_MAX
               : PRADA_SEEDS;
}

static inline bool rows_coded(const struct prada_params *p, uint32_t dim, uint32_t cap)
{
    return rows_max(p, dim) > PRADA_SEEDS && cap >= ROWS_CODED;
}

/* Bytes of a class's rows block of capacity <cap> (uncoded: the rows alone, as before);
 * with <base> and <rc> its pieces are set in <rc>. */
static size_t rows_layout(uint8_t *base, uint32_t dim, uint32_t cap, bool coded, struct rows_codes *rc)
{
    const size_t rows = (size_t)cap * dim * sizeof(float);
    if (!coded) {
        if (rc)
            rc->rows = (float *)base;
        return rows;
    }
    const size_t nb = (cap + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK, g = rows_groups(dim);
    size_t off = sizeof(double) + 4 * sizeof(float);
    size_t at_qoff = off;
    off += (size_t)dim * sizeof(double);
    size_t at_qx = off;
    off = up64(off + g * 4);
    size_t at_codes = off;
    off += nb * g * 64;
    size_t at_norm = off;
    off += nb * IG_VSET_BLOCK * sizeof(int32_t);
    size_t at_err = off;
    off += nb * IG_VSET_BLOCK * sizeof(float);
    size_t at_out = off;
    off += (size_t)cap * sizeof(uint16_t);
    size_t at_rows = up64(off);
    off = up64(at_rows + rows);
    if (base && rc) {
        rc->qscale = (double *)base;
        rc->emax = (float *)(base + sizeof(double));
        rc->e0 = (float *)(base + sizeof(double) + sizeof(float));
        rc->nout = (uint32_t *)(base + sizeof(double) + 2 * sizeof(float));
        rc->out = (uint16_t *)(base + at_out);
        rc->qoff = (double *)(base + at_qoff);
        rc->qx = base + at_qx;
        rc->codes = (int8_t *)(base + at_codes);
        rc->norm = (int32_t *)(base + at_norm);
        rc->err = (float *)(base + at_err);
        rc->rows = (float *)(base + at_rows);
    }
    return off;
}

/* The rows of a class (its block's layout at its capacity). */
static inline float *rows_of(const struct prada_params *p, const struct prada_class *c, uint32_t dim)
{
    if (!rows_coded(p, dim, c->seed_cap))
        return c->seed;
    struct rows_codes rc = { 0 };
    rows_layout((uint8_t *)c->seed, dim, c->seed_cap, true, &rc);
    return rc.rows;
}

/* Asks for the start of the class's block (the step, the offsets, the first codes) while
 * the input is scaled: the search's first reads. Only that: prefetching every code line
 * as well filled the core's miss buffers and stalled the prefetches themselves (perf on
 * figure 1's OIP v2 capture); the hardware streams the rest of the codes. */
static void rows_prefetch(const struct prada_class *c, uint32_t dim)
{
    struct rows_codes rc = { 0 };
    rows_layout((uint8_t *)c->seed, dim, c->seed_cap, true, &rc);
    for (const uint8_t *a = (const uint8_t *)c->seed; a < (const uint8_t *)rc.codes + 4 * 64; a += 64)
        __builtin_prefetch(a);
}

/* |g - g'| widened for its double computation (vidx.c q8_slack). */
static inline double rows_slack(uint32_t dim, double qscale, double e)
{
    return e * (1.0 + 1e-9) + dim * 1e-12 * qscale;
}

/* Codes of row <i> (its values <x>), its norm and error; the largest error. */
static void rows_put_codes(const struct rows_codes *rc, uint32_t dim, uint32_t i, const float *x)
{
    const uint32_t g = rows_groups(dim), b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK;
    int32_t sum;
    double e2;
    const double s = *rc->qscale;
    rc->norm[i] = ig_kern()->q8_levels(x, rc->qoff, dim, 1.0 / s, s, rc->qx, &sum, &e2);
    for (uint32_t grp = 0; grp < g; grp++) {
        uint32_t w;   /* four levels; a code is its level minus 128: the top bit flipped */
        memcpy(&w, rc->qx + grp * 4, 4);
        w ^= 0x80808080u;
        memcpy(rc->codes + IG_Q8_AT(b, g, grp, l, 0), &w, 4);
    }
    double err = rows_slack(dim, s, sqrt(e2));
    float ef = err < INFINITY ? nextafterf((float)err, INFINITY) : INFINITY;
    rc->err[i] = ef;
    if (!(ef <= *rc->emax))
        *rc->emax = ef;
    if (!(ef <= *rc->e0))
        rc->out[(*rc->nout)++] = (uint16_t)i;
}

/* Levels chosen from the <n> rows held (per feature their range widened on each side by
 * a tenth, or by 2 / n of it while few rows are held: rows added later beyond it are
 * clamped and only widen their own bound; one step for all features, the widest range /
 * 255, so |qx - qg| stays a plain integer distance), then every row coded. */
static void rows_recode(const struct rows_codes *rc, uint32_t n, uint32_t cap, uint32_t dim)
{
    const uint32_t g = rows_groups(dim), nb = (cap + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK;
    const float *rows = rc->rows;
    memset(rc->codes, 0x80, (size_t)nb * g * 64);   /* level 0 */
    for (uint32_t i = 0; i < nb * IG_VSET_BLOCK; i++) {
        rc->norm[i] = 1 << 30;   /* free lanes: never read (rows_min reads rows < n) */
        rc->err[i] = 0.0f;
    }
    memset(rc->qx, 0, (size_t)g * 4);
    double range = 0.0, room = n > 20 ? 0.1 : 2.0 / n;
    for (uint32_t f = 0; f < dim; f++) {
        double lo = INFINITY, hi = -INFINITY;
        for (uint32_t i = 0; i < n; i++) {
            double v = rows[(size_t)i * dim + f];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (!(hi >= lo))
            lo = hi = 0.0;
        double w = hi - lo;
        rc->qoff[f] = lo - room * w;
        if (w * (1 + 2 * room) > range)
            range = w * (1 + 2 * room);
    }
    double s = range > 0 && isfinite(range) ? range / 255.0 : 1.0;
    if (!(s > 0) || !isfinite(1.0 / s))
        s = 1.0;
    *rc->qscale = s;
    /* the rows coded, then the usual error from them: a row beyond twice the mean (on
     * figure 1's OIP v2 capture, rows added after the levels were chosen with values
     * beyond their range, whose err reached 5 x a usual one's) is listed apart, so that
     * the search's integer cut takes the usual error and only those rows their own */
    *rc->emax = 0.0f;
    *rc->e0 = INFINITY;
    *rc->nout = 0;
    double esum = 0;
    for (uint32_t i = 0; i < n; i++) {
        rows_put_codes(rc, dim, i, rows + (size_t)i * dim);
        esum += rc->err[i];
    }
    float e0 = n ? (float)(2 * esum / n) : 0.0f;
    *rc->e0 = e0 < INFINITY ? e0 : INFINITY;
    for (uint32_t i = 0; i < n; i++)
        if (!(rc->err[i] <= *rc->e0))
            rc->out[(*rc->nout)++] = (uint16_t)i;
}

/* |G_c| */
static inline uint32_t class_n(const struct prada_class *c)
{
    return c->g ? c->g->n : c->nseed;
}

/* Minimum squared distance from x to the class's row-major vectors; *at = its number
 * (the lowest among equals; NaN never wins, as l2sq_min). */
static float seeds_min(const struct ig_kern_ops *k, const float *rows, uint32_t n, const float *x,
                       uint32_t dim, int32_t *at)
{
    float m = INFINITY;
    *at = -1;
    for (uint32_t i = 0; i < n; i++) {
        float d = k->l2sq_row(x, rows + (size_t)i * dim, dim);
        if (d < m || (*at < 0 && d == m)) {
            m = d;
            *at = (int32_t)i;
        }
    }
    return m;
}

/* The same minimum and row through the codes: every row's integer distance at once (the
 * kernel also gives the smallest), the rows whose bound can reach the minimum listed in one
 * pass and asked for together, the smallest one's row measured in float32 first, then the
 * listed rows while their own bound can still reach the minimum so far (vidx.h: s |qx - qg|
 * - e_x - e_g <= |x - g|, with the float32 margins of ig_vidx_l2sq_min). A row left out has
 * every computed distance above the minimum, so the result is seeds_min's bit for bit,
 * lowest row on ties. */
static float rows_min(const struct ig_kern_ops *k, const struct prada_class *c, const float *x,
                      uint32_t dim, int32_t *at)
{
    struct rows_codes rc;
    rows_layout((uint8_t *)c->seed, dim, c->seed_cap, true, &rc);
    const uint32_t n = c->nseed, nb = (n + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK;
    const double s = *rc.qscale;
    int32_t sx;
    double e2;
    int32_t nx = ig_q8_query_levels(k, x, rc.qoff, dim, s, rc.qx, &sx, &e2);
    /* in [-16384 dim, 0]; nx <= 64516 dim and sx <= 254 dim fit int32 for dim <= IG_Q8_MAXDIM */
    const int32_t cx = nx - 256 * sx;
    const double ex = rows_slack(dim, s, sqrt(e2));
    if (!isfinite(ex))
        return seeds_min(k, rc.rows, n, x, dim, at);
    int32_t I[ROWS_MAX];
    /* free lanes (>= 2^30) are above every row's distance (<= 65025 dim) */
    const int32_t m = k->q8_lanes(rc.codes, rows_groups(dim), rc.norm, rc.qx, cx, nb, I);
    const double eps = (dim + 8) * 0x1p-22 + 1e-9, tiny = dim * 0x1p-126, s2 = s * s;
    const double em = *rc.emax, e0 = *rc.e0;
    uint32_t i0 = 0;   /* the first row of the smallest */
    while (I[i0] != m)
        i0++;
    /* That row is within ub of x, so the minimum's float32 value is at most (1 + eps) ub^2
     * + tiny, and a row of error e can hold it only when s sqrt(I) - e_x - e <= rub: with
     * e <= e0, when I <= pc. Those rows (a compare the compiler vectorises) and the rows of
     * larger error that pass their own bound are the only candidates. */
    const double ub = (s * sqrt((double)m) + ex + rc.err[i0]) * (1 + 1e-9);
    const double rub = sqrt(((1 + 2 * eps) * ub * ub + 2 * tiny) / (1 - 2 * eps));
    const double pre = (rub + ex + e0) * (rub + ex + e0) * (1 + 1e-9) / s2;
    const int32_t pc = pre < 0x1p30 ? (int32_t)pre + 1 : INT32_MAX;
    uint16_t list[ROWS_MAX];
    uint32_t nl = 0;
    for (uint32_t b = 0; b < nb; b++) {
        const int32_t *Ib = I + (size_t)b * IG_VSET_BLOCK;
        uint32_t mask = 0;
        for (uint32_t l = 0; l < IG_VSET_BLOCK; l++)
            mask |= (uint32_t)(Ib[l] <= pc) << l;
        uint32_t left = n - b * IG_VSET_BLOCK;
        if (left < IG_VSET_BLOCK)
            mask &= (1u << left) - 1;
        while (mask) {
            uint32_t i = b * IG_VSET_BLOCK + (uint32_t)__builtin_ctz(mask);
            mask &= mask - 1;
            if (i != i0)
                list[nl++] = (uint16_t)i;
        }
    }
    for (uint32_t k = 0; k < *rc.nout; k++) {
        uint32_t i = rc.out[k];
        double rb = rub + ex + rc.err[i];
        if (i != i0 && I[i] > pc && s2 * (double)I[i] <= rb * rb * (1 + 1e-9))
            list[nl++] = (uint16_t)i;
    }
    for (uint32_t j = 0; j < nl && j < 8; j++) {   /* their misses overlap */
        const uint8_t *row = (const uint8_t *)(rc.rows + (size_t)list[j] * dim);
        for (size_t o = 0; o < (size_t)dim * sizeof(float); o += 64)
            __builtin_prefetch(row + o);
    }
    float best = k->l2sq_row(x, rc.rows + (size_t)i0 * dim, dim);
    uint32_t am = i0;
    double r = 0;
    int32_t cut = 0;
    bool was = true;
    for (uint32_t j = 0; j < nl; j++) {
        if (was) {   /* the bounds of the minimum so far: all rows' (a superset), a row's own */
            r = sqrt(((double)best + tiny) / (1 - eps));
            double t = (r + ex + em) * (r + ex + em) * (1 + 1e-9) / s2;
            cut = t < 0x1p30 ? (int32_t)t + 1 : INT32_MAX;
            was = false;
        }
        const uint32_t i = list[j];
        if (I[i] > cut)
            continue;
        double rb = r + ex + rc.err[i];
        if (!(s2 * (double)I[i] <= rb * rb * (1 + 1e-9)))
            continue;
        float d = k->l2sq_row(x, rc.rows + (size_t)i * dim, dim);
        if (d < best || (d == best && i < am)) {
            was = d < best;
            best = d;
            am = i;
        }
    }
    *at = (int32_t)am;
    return best;
}

struct prada_state {
    uint32_t dim, nclasses;
    uint64_t dups, samples, structured, ood;  /* robust mode: repeats, new samples, evidence */
    uint64_t queries;         /* rows seen by this detector for the client */
    uint64_t first_alarm;     /* query index of the first alarm, 0 = none */
    double   last_w;
    uint64_t *steps;          /* from the client's first step: steps_for(dim) hashes of the last
                                 new samples' inputs (a resent record repeats its step), then
                                 step_cap x dim floats, |step| of each (dim <= 64; room for
                                 1, 2, 4 ... then steps_for(dim), grown as steps come) */
    uint32_t step_at;         /* next slot */
    uint32_t step_cap;        /* slots allocated */
    uint64_t bytes;           /* charged to the global budget */
    uint32_t d_head, d_len;   /* ring of (distance, class), max_dists entries at most */
    uint32_t d_cap;           /* entries allocated (doubling; the head stays 0 until full) */
    uint32_t cls_cap;         /* classes allocated (doubling up to max_classes) */
    float   *d_val;
    uint16_t *d_cls;
    float    *d_ov;           /* D by ascending value (as of the last test), and ... */
    uint16_t *d_os;           /* ... each value's ring slot (equal values: any order) */
    uint32_t ord_len, fresh;  /* entries in d_ov; pushes since (at most max_dists) */
    uint32_t gone_n;          /* entries dropped from the ring since (more than PRADA_GONE:
                                 the next order_ring finds the survivors by a scan) */
    float    *gone_v;         /* their values and slots: PRADA_GONE each, after d_ov's and */
    uint16_t *gone_s;         /* d_os's max_dists entries once the ring has its full size */
    struct prada_class *cls;
};

struct prada_client {
    struct prada_state *st;
    uint32_t taught;          /* rows given to the model's scale */
    uint64_t key;             /* hash of the client id (peer table) */
};

/* The latest W of one client of the model, for calibrating delta on the population. */
struct prada_peer {
    uint64_t key, at;         /* key 0 = free; at = model test count when written */
    float    w;
    float    ood;             /* its out-of-distribution share */
};

struct prada_model {
    struct ig_fscale fs;
    uint64_t tests;
    struct prada_peer peers[PRADA_PEERS];
};

/* Per worker thread: Shapiro–Wilk coefficients cache, the pooled sample and radix-sort
 * buffers (allocated once per thread, never per query). */
/* Coefficients for recent n: rebuilding them (n/2 normal quantiles) costs more than the
 * test itself. With a full ring the trimmed n wanders among a few values per client; with
 * rings still filling, clients of similar traffic reach the same n in turn. 64 slots, as
 * against 8, built coefficients 877 instead of 3,963 times on the figure-1 OIP v2 capture
 * (64 clients) and 2,675 instead of 3,894 on the gRPC one (8 clients, full rings). */
#define SW_CACHE 64
static _Thread_local struct ig_sw tl_sw[SW_CACHE];
static _Thread_local uint64_t tl_sw_used[SW_CACHE], tl_sw_clock;
static _Thread_local double *tl_pool;
static _Thread_local uint32_t *tl_key, *tl_tmp;
static _Thread_local uint16_t *tl_slot, *tl_stmp;


/* Sorts non-negative finite floats, given as their bit patterns (which then order like
 * the values), with a 16-bit payload, in three 11-bit LSD passes. */
static void radix_sort_pairs(uint32_t *a, uint16_t *pa, uint32_t *tmp, uint16_t *ptmp, uint32_t n)
{
    /* the three digit histograms in one read of the keys */
    uint32_t cnt[3][2048];
    memset(cnt, 0, sizeof(cnt));
    for (uint32_t i = 0; i < n; i++) {
        cnt[0][a[i] & 2047]++;
        cnt[1][(a[i] >> 11) & 2047]++;
        cnt[2][a[i] >> 22]++;
    }
    for (int pass = 0, shift = 0; pass < 3; pass++, shift += 11) {
        uint32_t *c = cnt[pass], sum = 0;
        for (int b = 0; b < 2048; b++) {
            uint32_t k = c[b];
            c[b] = sum;
            sum += k;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t at = c[(a[i] >> shift) & 2047]++;
            tmp[at] = a[i];
            ptmp[at] = pa[i];
        }
        uint32_t *t = a;
        a = tmp;
        tmp = t;
        uint16_t *pt = pa;
        pa = ptmp;
        ptmp = pt;
    }
    /* three passes: the result is in the scratch buffers; copy back */
    memcpy(tmp, a, n * sizeof(uint32_t));
    memcpy(ptmp, pa, n * sizeof(uint16_t));
}

static inline uint32_t dist_key(const struct prada_state *st, uint32_t slot)
{
    uint32_t k;
    memcpy(&k, &st->d_val[slot], sizeof(k));   /* >= 0 and finite: bits order as values */
    return k;
}

/* Brings d_ov/d_os up to date with the ring: the entries pushed since the last call are
 * sorted (a few: insertion sort; many: radix), the entries dropped since are removed and
 * the fresh ones merged in, by binary searches and memmove (a few cache lines' work per
 * entry changed instead of a pass over D per test). Slots overwritten since are exactly
 * the ring's last <fresh> positions, so survivors are those of lower age. */
static void order_ring(const struct prada_params *p, struct prada_state *st)
{
    uint32_t C = p->max_dists, L = st->d_len, h = st->d_head;
    uint32_t a = st->fresh < L ? st->fresh : L, keep = L - a;
    for (uint32_t j = 0; j < a; j++) {
        uint32_t slot = h + keep + j;
        if (slot >= C)
            slot -= C;
        tl_key[j] = dist_key(st, slot);
        tl_slot[j] = (uint16_t)slot;
    }
    if (a > 32) {
        radix_sort_pairs(tl_key, tl_slot, tl_tmp, tl_stmp, a);
    } else {
        for (uint32_t j = 1; j < a; j++) {
            uint32_t k = tl_key[j], i = j;
            uint16_t sl = tl_slot[j];
            for (; i > 0 && tl_key[i - 1] > k; i--) {
                tl_key[i] = tl_key[i - 1];
                tl_slot[i] = tl_slot[i - 1];
            }
            tl_key[i] = k;
            tl_slot[i] = sl;
        }
    }
    float *ov = st->d_ov;
    uint16_t *os = st->d_os;
    uint32_t out = st->ord_len;
    if (st->gone_n <= PRADA_GONE && st->gone_n <= out) {
        /* the dropped entries were all in the order (none was fresh): remove exactly
         * those, found by binary search, then close the gaps run by run */
        uint32_t pos[PRADA_GONE], np = 0;
        for (uint32_t g = 0; g < st->gone_n; g++) {
            float v = st->gone_v[g];
            uint32_t lo = 0, hi = out;
            while (lo < hi) {   /* first entry of that value */
                uint32_t mid = (lo + hi) / 2;
                if (ov[mid] < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            while (lo < out && os[lo] != st->gone_s[g])   /* equal values: any order */
                lo++;
            IG_ASSERT(lo < out);
            uint32_t k = np++;   /* insertion: positions ascending */
            for (; k > 0 && pos[k - 1] > lo; k--)
                pos[k] = pos[k - 1];
            pos[k] = lo;
        }
        uint32_t w = np ? pos[0] : out;
        for (uint32_t k = 0; k < np; k++) {
            uint32_t from = pos[k] + 1, to = k + 1 < np ? pos[k + 1] : out;
            memmove(ov + w, ov + from, (size_t)(to - from) * sizeof(*ov));
            memmove(os + w, os + from, (size_t)(to - from) * sizeof(*os));
            w += to - from;
        }
        out = w;
    } else {
        /* many dropped (a period longer than D): survivors are the entries of age
         * < keep, one sequential pass */
        uint32_t w = 0;
        for (uint32_t i = 0; i < out; i++) {
            uint32_t sl = os[i], age = sl + C - h;
            age -= age >= C ? C : 0;
            ov[w] = ov[i];
            os[w] = (uint16_t)sl;
            w += age < keep;
        }
        out = w;
    }
    st->gone_n = 0;
    /* then the fresh ones merged in from the back, the largest first: the survivors
     * above it move up by the number of fresh entries left, once each */
    uint32_t n = out + a;
    for (uint32_t j = a; j > 0; j--) {
        float v;
        memcpy(&v, &tl_key[j - 1], sizeof(v));
        uint32_t lo = 0, hi = out;
        while (lo < hi) {   /* first survivor above v */
            uint32_t mid = (lo + hi) / 2;
            if (ov[mid] <= v)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(ov + lo + j, ov + lo, (size_t)(out - lo) * sizeof(*ov));
        memmove(os + lo + j, os + lo, (size_t)(out - lo) * sizeof(*os));
        ov[lo + j - 1] = v;
        os[lo + j - 1] = tl_slot[j - 1];
        out = lo;
    }
    out = n;
    IG_ASSERT(out == L);
    st->ord_len = out;
    st->fresh = 0;
}

static bool charge(struct prada_global *g, uint64_t n)
{
    return g->mem_ops->charge(g->mem, n);
}

static void uncharge(struct prada_global *g, uint64_t n)
{
    g->mem_ops->uncharge(g->mem, n);
}

static int prada_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                      char *err, size_t errlen)
{
    struct prada_global *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    struct prada_params *p = &g->p;
    *p = *(const struct prada_params *)env->params;
    p->budget = (uint64_t)(p->memory_mb * 1048576.0);
    p->severity = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    p->elem = p->storage == 1 ? IG_VSET_BF16 : IG_VSET_F32;
    p->vflags = (p->storage == 2 ? IG_VIDX_SHADOW : 0) | (p->prefilter == 0 ? IG_VIDX_Q8 : 0);
    p->paper = p->mode == 1;
    p->scale = !p->paper && p->scale;
    if (p->paper)
        p->dup_rel = 0;
    g->mem_ops = env->budget;
    if (!(g->mem = ig_budget_open(g->mem_ops, NAME, p->budget))) {
        free(g);
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    *global = g;
    return IG_OK;
}

static void state_free(struct prada_global *g, struct prada_state *st)
{
    if (!st)
        return;
    for (uint32_t i = 0; i < st->nclasses; i++) {
        ig_blk_free(st->cls[i].seed);
        if (st->cls[i].g)
            ig_vidx_free(st->cls[i].g);
        ig_blk_free(st->cls[i].g);
    }
    uncharge(g, st->bytes);
    ig_blk_free(st->cls);
    ig_blk_free(st->steps);
    ig_blk_free(st->d_val);   /* and d_cls, d_ov, d_os: one block (ring_room) */
    ig_blk_free(st);
}

static void *state_make(const void *ctx)
{
    (void)ctx;
    return ig_blk_calloc(sizeof(struct prada_state));
}

/* A client's state starts with its scalars alone: classes, distances, steps and vector
 * sets are allocated (and charged) as they are first used, so an idle client costs a few
 * hundred bytes and a busy one what it uses. */
static struct prada_state *state_new(struct prada_global *g, uint32_t dim)
{
    uint64_t bytes = sizeof(struct prada_state);
    struct prada_state *st = g->mem_ops->alloc(g->mem, bytes, state_make, &g->p);
    if (!st)
        return NULL;
    st->dim = dim;
    st->bytes = bytes;
    return st;
}

/* Charges <n> more bytes to the client; false (counted) when the budget refuses. */
static bool charge_st(struct prada_global *g, struct prada_state *st, uint64_t n)
{
    if (!charge(g, n)) {
        atomic_fetch_add(&g->refused_growth, 1);
        return false;
    }
    st->bytes += n;
    return true;
}

static void uncharge_st(struct prada_global *g, struct prada_state *st, uint64_t n)
{
    uncharge(g, n);
    st->bytes -= n;
}

/* Room for one more class (doubling up to max_classes); false when refused. */
static bool class_room(struct prada_global *g, struct prada_state *st)
{
    if (st->nclasses < st->cls_cap)
        return true;
    uint32_t ncap = st->cls_cap ? 2 * st->cls_cap : 2;
    if (ncap > g->p.max_classes)
        ncap = g->p.max_classes;
    uint64_t more = (uint64_t)(ncap - st->cls_cap) * sizeof(struct prada_class);
    if (!charge_st(g, st, more))
        return false;
    struct prada_class *n = ig_blk_realloc(st->cls, (size_t)ncap * sizeof(*n));
    if (!n) {
        uncharge_st(g, st, more);
        atomic_fetch_add(&g->refused_growth, 1);
        return false;
    }
    memset(n + st->cls_cap, 0, (size_t)(ncap - st->cls_cap) * sizeof(*n));
    st->cls = n;
    st->cls_cap = ncap;
    return true;
}

/* Room for one more distance in the ring (doubling from 16 up to max_dists). Before the
 * ring is full its head is 0, so growing keeps every slot where it is. */
static bool ring_room(struct prada_global *g, struct prada_state *st)
{
    const uint32_t C = g->p.max_dists;
    if (st->d_len < st->d_cap || st->d_cap == C)
        return true;
    IG_ASSERT(st->d_head == 0);
    uint32_t ncap = st->d_cap ? 2 * st->d_cap : 16;
    if (ncap > C)
        ncap = C;
    const size_t per = 2 * (sizeof(float) + sizeof(uint16_t));
    /* the full ring also lists what it drops between tests (gone_v, gone_s) */
    const uint32_t tail = ncap == C ? PRADA_GONE : 0;
    uint64_t more = (uint64_t)(ncap - st->d_cap) * per + (uint64_t)tail * (per / 2);
    if (!charge_st(g, st, more))
        return false;
    /* One block for the four arrays (d_val first: freeing it frees them all), grown by
     * ig_blk_realloc (the block pool). It keeps the old arrays at the old
     * offsets; each moves up to its new one, the last first (every offset grows, so no
     * move overwrites an array not yet moved). */
    size_t nf = ncap, nt = (size_t)ncap + tail, oc = st->d_cap;
    uint8_t *blk = ig_blk_realloc(st->d_val, nf * sizeof(float) + nt * sizeof(float) + nf * sizeof(uint16_t) +
                                          nt * sizeof(uint16_t));
    if (!blk) {
        uncharge_st(g, st, more);
        atomic_fetch_add(&g->refused_growth, 1);
        return false;
    }
    float *v = (float *)blk, *ov = v + nf;
    uint16_t *c = (uint16_t *)(ov + nt), *os = c + nf;
    memmove(os, blk + oc * (2 * sizeof(float) + sizeof(uint16_t)), oc * sizeof(uint16_t));
    memmove(c, blk + oc * 2 * sizeof(float), oc * sizeof(uint16_t));
    memmove(ov, blk + oc * sizeof(float), oc * sizeof(float));
    st->d_val = v;
    st->d_ov = ov;
    st->d_cls = c;
    st->d_os = os;
    st->d_cap = ncap;
    if (tail) {
        st->gone_v = st->d_ov + C;
        st->gone_s = st->d_os + C;
    }
    return true;
}

/* Makes room for one more vector in G_c; false when the cap or the budget says no. The
 * first rows_max vectors are kept row-major (room doubling from one; coded from
 * ROWS_CODED: re-coded at each doubling, levels from the rows held); the next makes the
 * index. */
static bool grow(struct prada_global *g, struct prada_state *st, struct prada_class *c)
{
    const uint32_t n = class_n(c), dim = st->dim, rmax = rows_max(&g->p, dim);
    if (n >= g->p.max_growing)   /* exact cap: capacities round up to a block */
        return false;
    if (!c->g && n < rmax) {
        if (n < c->seed_cap)
            return true;
        uint32_t cap = n ? 2 * n : 1;
        cap = cap < rmax ? cap : rmax;
        cap = cap < g->p.max_growing ? cap : g->p.max_growing;
        const bool coded = rows_coded(&g->p, dim, cap);
        const bool was_coded = rows_coded(&g->p, dim, c->seed_cap);
        size_t had = c->seed ? rows_layout(NULL, dim, c->seed_cap, was_coded, NULL) : 0;
        size_t now = rows_layout(NULL, dim, cap, coded, NULL);
        uint64_t more = now - had;
        if (!charge_st(g, st, more))
            return false;
        float *v = coded ? ig_blk_alloc(now) : ig_blk_realloc(c->seed, now);
        if (!v) {
            uncharge_st(g, st, more);
            atomic_fetch_add(&g->refused_growth, 1);
            return false;
        }
        if (coded) {   /* a new block: the rows copied to their place, all re-coded */
            struct rows_codes rc;
            rows_layout((uint8_t *)v, dim, cap, true, &rc);
            memcpy(rc.rows, rows_of(&g->p, c, dim), (size_t)n * dim * sizeof(float));
            ig_blk_free(c->seed);
            rows_recode(&rc, n, cap, dim);
        }
        c->seed = v;
        c->seed_cap = (uint16_t)cap;
        return true;
    }
    if (!c->g && rmax > PRADA_SEEDS) {
        /* the index the old growth made at this size: pivots and codes from these rows */
        uint32_t ncap = 2 * rmax < g->p.max_growing ? 2 * rmax : g->p.max_growing;
        uint64_t more = sizeof(struct ig_vidx) + ig_vidx_bytes_ex(dim, ncap, g->p.elem, g->p.vflags);
        if (!charge_st(g, st, more))
            return false;
        struct ig_vidx *ix = ig_blk_calloc(sizeof(*ix));
        const float *rows = rows_of(&g->p, c, dim);
        if (!ix || ig_vidx_init_rows(ix, dim, ncap, g->p.elem, g->p.vflags, rows, n) != IG_OK) {
            ig_blk_free(ix);
            uncharge_st(g, st, more);
            atomic_fetch_add(&g->refused_growth, 1);
            return false;
        }
        c->g = ix;
        uncharge_st(g, st, rows_layout(NULL, dim, c->seed_cap, rows_coded(&g->p, dim, c->seed_cap), NULL));
        ig_blk_free(c->seed);
        c->seed = NULL;
        c->nseed = c->seed_cap = 0;
        return true;
    }
    if (!c->g) {
        uint64_t more = sizeof(struct ig_vidx) +
                        ig_vidx_bytes_ex(st->dim, IG_VSET_BLOCK, g->p.elem, g->p.vflags);
        if (!charge_st(g, st, more))
            return false;
        struct ig_vidx *ix = ig_blk_calloc(sizeof(*ix));
        if (!ix || ig_vidx_init_ex(ix, st->dim, IG_VSET_BLOCK, g->p.elem, g->p.vflags) != IG_OK) {
            ig_blk_free(ix);
            uncharge_st(g, st, more);
            atomic_fetch_add(&g->refused_growth, 1);
            return false;
        }
        for (uint32_t i = 0; i < c->nseed; i++)   /* stored values: bf16 rounding is idempotent */
            ig_vidx_append(ix, c->seed + (size_t)i * st->dim);
        c->g = ix;
        ig_blk_free(c->seed);
        c->seed = NULL;
        uncharge_st(g, st, (uint64_t)c->seed_cap * st->dim * sizeof(float));
        c->nseed = c->seed_cap = 0;
        return true;
    }
    struct ig_vidx *ix = c->g;
    if (ix->n < ix->cap)
        return true;
    if (ix->cap >= g->p.max_growing)
        return false;
    uint32_t ncap = ix->cap * 2;
    if (ncap > g->p.max_growing)
        ncap = g->p.max_growing;
    uint64_t more = ig_vidx_bytes_ex(st->dim, ncap, g->p.elem, g->p.vflags) -
                    ig_vidx_bytes_ex(st->dim, ix->cap, g->p.elem, g->p.vflags);
    if (!charge_st(g, st, more))
        return false;
    if (ig_vidx_reserve(ix, ncap) != IG_OK) {
        uncharge_st(g, st, more);
        atomic_fetch_add(&g->refused_growth, 1);
        return false;
    }
    return true;
}

static void admit(struct prada_global *g, struct prada_state *st, struct prada_class *c,
                  const float *x, double d)
{
    if (!grow(g, st, c))
        return;
    if (c->g) {
        ig_vidx_append(c->g, x);
    } else {
        float *v = rows_of(&g->p, c, st->dim) + (size_t)c->nseed * st->dim;   /* room: grow() */
        for (uint32_t j = 0; j < st->dim; j++)   /* as a set of this storage keeps it */
            v[j] = g->p.elem == IG_VSET_BF16 ? ig_bf16_to_f32(ig_bf16_from_f32(x[j])) : x[j];
        if (rows_coded(&g->p, st->dim, c->seed_cap)) {
            struct rows_codes rc;
            rows_layout((uint8_t *)c->seed, st->dim, c->seed_cap, true, &rc);
            rows_put_codes(&rc, st->dim, c->nseed, v);
        }
        c->nseed++;
    }
    c->dg_n++;
    c->dg_sum += d;
    c->dg_sumsq += d * d;
    double mean = c->dg_sum / c->dg_n;
    double var = c->dg_sumsq / c->dg_n - mean * mean;
    double thr = mean - sqrt(var > 0.0 ? var : 0.0);
    if (thr > c->t)
        c->t = thr;
}

static void d_push(struct prada_global *g, struct prada_state *st, uint16_t ci, float d)
{
    const struct prada_params *p = &g->p;
    if (!ring_room(g, st))
        return;   /* refused: the distance is not kept (counted) */
    if (st->d_len == p->max_dists) {
        /* drop the oldest */
        if (st->gone_n < PRADA_GONE) {
            st->gone_v[st->gone_n] = st->d_val[st->d_head];
            st->gone_s[st->gone_n] = (uint16_t)st->d_head;
        }
        st->gone_n += st->gone_n <= PRADA_GONE;   /* PRADA_GONE + 1: too many to list */
        st->cls[st->d_cls[st->d_head]].in_d--;
        st->d_head = (st->d_head + 1) % p->max_dists;
        st->d_len--;
    }
    uint32_t at = (st->d_head + st->d_len) % p->max_dists;
    st->d_val[at] = d;
    st->d_cls[at] = ci;
    st->d_len++;
    st->cls[ci].in_d++;
    if (st->fresh < p->max_dists)
        st->fresh++;
}

/* A thread that ran PRADA frees its workspace when it ends (a key's destructor), since
 * prada_free reaches only the calling thread's: with two workers the model-side lane runs
 * on both threads (sidecar/pipeline/detect_thread.c). */
static pthread_key_t bufs_key;
static pthread_once_t bufs_once = PTHREAD_ONCE_INIT;

static void free_thread_all(void);

static void bufs_dtor(void *unused)
{
    (void)unused;
    free_thread_all();
}

static void bufs_key_make(void)
{
    (void)pthread_key_create(&bufs_key, bufs_dtor);
}

static void free_thread_bufs(void)
{
    free(tl_pool);
    free(tl_key);
    free(tl_tmp);
    free(tl_slot);
    free(tl_stmp);
    tl_pool = NULL;
    tl_key = tl_tmp = NULL;
    tl_slot = tl_stmp = NULL;
}

/* The workspace holding coefficients for <n>, else the least recently used one, sized for
 * <n> (a power of two from 512, up to IG_SW_NMAX: a slot is allocated on first use and
 * regrown only when a larger n takes it, at most 5 times per slot and thread, never per
 * query otherwise). Slot 0 is made at IG_SW_NMAX first (run_test) and never shrinks, so it
 * is the fallback when an allocation fails. */
static struct ig_sw *sw_for(uint32_t n)
{
    int victim = 0;
    for (int i = 0; i < SW_CACHE; i++) {
        if (tl_sw[i].a && tl_sw[i].n == n) {
            tl_sw_used[i] = ++tl_sw_clock;
            return &tl_sw[i];
        }
        if (tl_sw_used[i] < tl_sw_used[victim])
            victim = i;
    }
    struct ig_sw *s = &tl_sw[victim];
    if (!s->a || s->nmax < n) {
        uint32_t want = 512;
        while (want < n)
            want *= 2;
        ig_sw_free(s);
        if (ig_sw_init(s, want < IG_SW_NMAX ? want : IG_SW_NMAX) != IG_OK)
            victim = 0;
    }
    tl_sw_used[victim] = ++tl_sw_clock;
    return &tl_sw[victim];
}

/* Pools, trims and tests D. Returns true with *w and *n set when the test ran. */
static bool run_test(const struct prada_params *p, struct prada_state *st, uint32_t min_pool,
                     uint32_t min_class, double *w, double *pv, uint32_t *n)
{
    if (!tl_pool) {
        /* once per worker thread, not per query */
        (void)pthread_once(&bufs_once, bufs_key_make);
        (void)pthread_setspecific(bufs_key, &tl_pool);   /* any non-NULL value: run the destructor */
        if (ig_sw_init(&tl_sw[0], IG_SW_NMAX) != IG_OK)
            return false;
        tl_pool = malloc(IG_SW_NMAX * sizeof(double));
        tl_key = malloc(IG_SW_NMAX * sizeof(uint32_t));
        tl_tmp = malloc(IG_SW_NMAX * sizeof(uint32_t));
        tl_slot = malloc(IG_SW_NMAX * sizeof(uint16_t));
        tl_stmp = malloc(IG_SW_NMAX * sizeof(uint16_t));
        if (!tl_pool || !tl_key || !tl_tmp || !tl_slot || !tl_stmp) {
            free_thread_bufs();
            return false;
        }
    }
    order_ring(p, st);
    /* pooled classes' distances in ascending order: filtering keeps the order. The sums
     * are taken about a shift near the mean (the median: the order has it), so one pass
     * gives the variance without cancellation; four partial sums each, because a single
     * running sum is bound by the latency of its additions. */
    const float *ov = st->d_ov;
    const uint32_t L = st->ord_len;
    if (L == 0)
        return false;
    bool all = true;   /* usually every class in D has min_class distances */
    for (uint32_t c = 0; c < st->nclasses; c++)
        all &= st->cls[c].in_d == 0 || st->cls[c].in_d >= min_class;
    const double K = ov[L / 2];
    double s1[4] = { 0 }, s2[4] = { 0 };
    uint32_t m = 0;
    if (all) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        for (; m + 4 <= L; m += 4) {
            double v0 = ov[m], v1 = ov[m + 1], v2 = ov[m + 2], v3 = ov[m + 3];
            double t0 = v0 - K, t1 = v1 - K, t2 = v2 - K, t3 = v3 - K;
            tl_pool[m] = v0;
            tl_pool[m + 1] = v1;
            tl_pool[m + 2] = v2;
            tl_pool[m + 3] = v3;
            a0 += t0;
            a1 += t1;
            a2 += t2;
            a3 += t3;
            q0 += t0 * t0;
            q1 += t1 * t1;
            q2 += t2 * t2;
            q3 += t3 * t3;
        }
        s1[0] = a0;
        s1[1] = a1;
        s1[2] = a2;
        s1[3] = a3;
        s2[0] = q0;
        s2[1] = q1;
        s2[2] = q2;
        s2[3] = q3;
        for (; m < L; m++) {
            double v = ov[m], t = v - K;
            tl_pool[m] = v;
            s1[0] += t;
            s2[0] += t * t;
        }
    } else {
        for (uint32_t i = 0; i < L; i++) {
            if (st->cls[st->d_cls[st->d_os[i]]].in_d >= min_class) {
                double v = ov[i], t = v - K;
                tl_pool[m++] = v;
                s1[0] += t;
                s2[0] += t * t;
            }
        }
    }
    if (m <= min_pool)
        return false;
    double sum = (s1[0] + s1[1]) + (s1[2] + s1[3]), sq = (s2[0] + s2[1]) + (s2[2] + s2[3]);
    double mean = K + sum / m, ss = sq - sum * sum / m;
    /* sorted, so the points within 3σ of the mean are one contiguous run */
    double cut = p->sigma * sqrt(ss > 0 ? ss / m : 0);
    uint32_t lo = 0, hi = m;
    while (lo < hi && !(fabs(tl_pool[lo] - mean) < cut))
        lo++;
    while (hi > lo && !(fabs(tl_pool[hi - 1] - mean) < cut))
        hi--;
    uint32_t kept = hi - lo;
    if (kept <= min_pool)
        return false;
    if (ig_sw_test_sorted(sw_for(kept), tl_pool + lo, kept, w, pv) != IG_OK)
        return false;
    *n = kept;
    return true;
}

static int row_label(const struct ig_event *ev, uint32_t r)
{
    if (ev->labels && ev->labels[r] >= 0)
        return ev->labels[r];
    if (ev->scores && ev->outputs > 0) {
        const float *s = ev->scores + (size_t)r * ev->outputs;
        uint32_t best = 0;
        for (uint32_t k = 1; k < ev->outputs; k++)
            if (s[k] > s[best])
                best = k;
        return s[best] == s[best] ? (int)best : -1;
    }
    return -1;
}

static const char prada_remediation[] =
    "Return labels or top-k only with rounded scores, enforce per-client query quotas "
    "(AML.M0002, AML.M0004), and review this client's traffic and credentials.";

/* Evidence beside W (robust mode), counted over the client's new samples. */
struct prada_evidence {
    double delta;             /* delta in force: fixed, or calibrated on the peers */
    uint32_t peers;           /* peers' W it was calibrated on (0: fixed) */
    double peer_median;
    double struct_share, ood_share;
    double peer_ood;          /* the peers' median out-of-distribution share */
    int signals;              /* corroborating signals present */
};

static void raise_alarm(const struct ig_call *call, const struct ig_event *ev,
                        const struct prada_params *p, const struct prada_state *st, double w,
                        double pv, uint32_t n, const struct prada_evidence *e)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = "Suspected model extraction";
    f.desc = p->paper ? "The client's minimum query distances per predicted class stopped looking normal "
                        "(PRADA): the footprint of synthetic extraction queries."
                      : "The client's minimum query distances per predicted class stopped looking normal "
                        "(PRADA, W below its peers'), corroborated by synthetic perturbation steps or "
                        "out-of-distribution queries: the footprint of extraction queries.";
    f.remediation = prada_remediation;
    f.analytic_type = 3;
    f.atlas[0] = "AML.T0024.002";
    f.queries_seen = st->queries;
    /* severity rises with how far W is below delta, with corroboration and with volume */
    double gap = e->delta - w;
    int sev = p->severity;
    if (p->paper) {
        if (gap > 0.10 || st->queries >= 2000)
            sev++;
        if (gap > 0.20 && st->queries >= 2000)
            sev++;
    } else {
        if (e->signals >= 2 || (e->signals >= 1 && gap > 0.10))
            sev++;
        if (e->signals >= 1 && gap > 0.20 && st->queries >= 2000)
            sev++;
    }
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = n >= 300 && (p->paper || e->signals >= 1) ? 3 : 2;
    ig_finding_score(&f, "shapiro_w", w);
    ig_finding_score(&f, "p_value", pv);
    ig_finding_score(&f, "n", n);
    ig_finding_score(&f, "delta", e->delta);
    ig_finding_score(&f, "queries", (double)st->queries);
    ig_finding_score(&f, "classes", st->nclasses);
    if (!p->paper) {
        ig_finding_score(&f, "peers", e->peers);
        if (e->peers)
            ig_finding_score(&f, "peer_median_w", e->peer_median);
        ig_finding_score(&f, "structured_share", e->struct_share);
        ig_finding_score(&f, "ood_share", e->ood_share);
        ig_finding_score(&f, "duplicates", (double)st->dups);
    }
    ig_emit_finding(call->emit, &f);
}

static uint64_t key_of(const char *s)
{
    return ig_fnv1a_str(IG_FNV1A_BASIS, s, SIZE_MAX) | 1;
}

/* Records this client's W among the model's peers and returns the delta in force: the
 * fixed one, lowered to the peers' median - max(peer_margin, 3 x 1.4826 MAD) when at
 * least peer_min other clients have been tested. Natural W depends on the data (a table
 * with a few discrete features gives ~0.85 for every ordinary client), so a client is
 * judged against the population it belongs to, and the fixed delta stays the ceiling. */
static double calibrate(const struct prada_params *p, struct prada_model *m, uint64_t key,
                        double w, struct prada_evidence *e)
{
    e->delta = p->delta;
    e->peers = 0;
    e->peer_median = 0;
    e->peer_ood = 0;
    if (!m)
        return p->delta;
    m->tests++;
    float v[PRADA_PEERS], o[PRADA_PEERS];
    uint32_t n = 0, mine = PRADA_PEERS, oldest = 0;
    for (uint32_t i = 0; i < PRADA_PEERS; i++) {
        if (m->peers[i].key == key)
            mine = i;
        else if (m->peers[i].key) {
            o[n] = m->peers[i].ood;
            v[n++] = m->peers[i].w;
        }
        if (m->peers[i].at < m->peers[oldest].at)
            oldest = i;
    }
    if (mine == PRADA_PEERS)
        mine = oldest;   /* a free slot has at = 0, else the stalest peer leaves */
    m->peers[mine] = (struct prada_peer){ key, m->tests, (float)w, (float)e->ood_share };
    if (n < p->peer_min)
        return p->delta;
    e->peer_ood = ig_median_f(o, n);
    double med = ig_median_f(v, n);
    for (uint32_t i = 0; i < n; i++)
        v[i] = fabsf(v[i] - (float)med);
    double mad = 1.4826 * ig_median_f(v, n);
    double margin = 3 * mad > p->peer_margin ? 3 * mad : p->peer_margin;
    e->peers = n;
    e->peer_median = med;
    if (med - margin < p->delta)
        e->delta = med - margin;
    return e->delta;
}

/* Largest of 0 and the finite-or-infinite values of v (NaN never wins), in eight running
 * maxima: the order of a maximum does not matter, and independent lanes let the compiler
 * use vector max instead of a chain of dim dependent ones. */
static float max_nonneg(const float *v, uint32_t n)
{
    float m[8] = { 0 };
    uint32_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++)
            m[k] = v[j + k] > m[k] ? v[j + k] : m[k];
    float mx = 0;
    for (; j < n; j++)
        mx = v[j] > mx ? v[j] : mx;
    for (int k = 0; k < 8; k++)
        mx = m[k] > mx ? m[k] : mx;
    return mx;
}

/* How many of v are >= cut (a count: any order). */
static uint32_t count_ge(const float *v, uint32_t n, float cut)
{
    uint32_t eq = 0;
    for (uint32_t j = 0; j < n; j++)
        eq += v[j] >= cut;
    return eq;
}

/* Sign-structured step: the step from the nearest admitted query has (nearly) the same
 * magnitude on at least half of the coordinates, in the compared space or in the input's
 * own units (<inv> given: per-feature scale; <tmp> then holds dim floats). Jacobian
 * augmentation (x + lambda sign(grad)) and FGSM-like steps look like this; natural
 * variation, sensor noise and video frames never do (their per-coordinate changes spread
 * over a range of magnitudes). */
static bool structured_step(const float *step, uint32_t dim, const float *inv, float *tmp)
{
    if (dim < PRADA_STEP_MIN)
        return false;
    for (int pass = 0; pass < (inv ? 2 : 1); pass++) {
        const float *v = step;
        if (pass) {
            for (uint32_t j = 0; j < dim; j++)   /* the same quotients as one at a time */
                tmp[j] = step[j] / inv[j];
            v = tmp;
        }
        float mx = max_nonneg(v, dim);
        if (!(mx > 0) || !isfinite(mx))
            return false;
        const float cut = 0.9f * mx;   /* bf16 storage rounds the neighbour by ~0.4 % */
        uint32_t eq = count_ge(v, dim, cut);
        if (2 * eq >= dim && eq >= PRADA_STEP_MIN)
            return true;
    }
    return false;
}

/* Coordinates where the step's magnitude d is positive and within 2 % of l's. Eight
 * counts side by side, so that the compiler keeps them in one vector register (its
 * default at -O2 vectorises only loops whose length it knows); the same count. */
static inline uint32_t same_one(float d, float l)
{
    float mx = d > l ? d : l;
    return (uint32_t)((d > 0) & (fabsf(d - l) <= 0.02f * mx));
}

static uint32_t same_step(const float *step, const float *l, uint32_t dim)
{
    uint32_t c[8] = { 0 }, same = 0, j = 0;
    for (; j + 8 <= dim; j += 8)
        for (int k = 0; k < 8; k++)
            c[k] += same_one(step[j + k], l[j + k]);
    for (; j < dim; j++)
        same += same_one(step[j], l[j]);
    for (int k = 0; k < 8; k++)
        same += c[k];
    return same;
}

/* Repeated step: the step's per-coordinate magnitudes |x - nb| equal (within 2 %) those
 * of one of the client's last <nsteps> new samples on at least half of the coordinates
 * and at least PRADA_STEP_MIN of them. Jacobian augmentation adds lambda * sign(grad) with
 * the same per-feature lambda every time (an attacker on raw tabular units scales lambda
 * per feature, which makes one step's magnitudes unequal and hides it from
 * structured_step), so only the signs change from one sample to the next; natural
 * neighbours never repeat a step vector. The same record sent again (not admitted to G_c,
 * so not a duplicate) repeats its own step: a record equal to one of those samples is
 * neither counted nor remembered. <last>, <hash> and *<at> are updated. */
static bool repeated_step(float *last, uint32_t nlast, uint32_t nsteps, uint32_t *at, uint64_t *hash,
                          const float *a, const float *step, uint32_t dim)
{
    uint64_t h = IG_FNV1A_BASIS;
    for (uint32_t j = 0; j < dim; j++) {
        uint32_t bits;
        memcpy(&bits, &a[j], sizeof(bits));
        h = ig_fnv1a_step(h, bits);
    }
    bool resent = false, hit = false;
    for (uint32_t k = 0; k < nsteps; k++)
        resent |= hash[k] == h;
    if (resent)
        return false;   /* a record not admitted to G_c, sent again: the same step */
    /* slots past <nlast> are not allocated: zero ones, which never match (d > 0) */
    for (uint32_t k = 0; k < nlast && !hit; k++) {
        uint32_t same = same_step(step, last + (size_t)k * dim, dim);
        hit = 2 * same >= dim && same >= PRADA_STEP_MIN;
    }
    memcpy(last + (size_t)*at * dim, step, (size_t)dim * sizeof(float));
    hash[*at] = h;
    *at = (*at + 1) % nsteps;
    return hit;
}

/* Steps the repeated-step memory holds for inputs of <dim> features (at most 64). */
static inline uint32_t steps_for(uint32_t dim)
{
    uint32_t n = PRADA_STEP_FLOATS / (dim ? dim : 1);
    return n < PRADA_STEPS_MIN ? PRADA_STEPS_MIN : n > PRADA_STEPS_MAX ? PRADA_STEPS_MAX : n;
}

/* Room in the repeated-step memory for slot step_at: 1, 2, 4 ... then steps_for(dim) slots, so a
 * client with a step or two keeps one or two (zeroed slots never match, so the outcome is
 * the same as with all of them); false when refused. */
static bool steps_room(struct prada_global *g, struct prada_state *st)
{
    if (st->step_at < st->step_cap)
        return true;
    const uint32_t nsteps = steps_for(st->dim);
    uint32_t cap = st->step_cap ? 2 * st->step_cap : 1;
    cap = cap < nsteps ? cap : nsteps;
    size_t row = (size_t)st->dim * sizeof(float), head = nsteps * sizeof(uint64_t);
    size_t had = st->step_cap ? head + st->step_cap * row : 0, now = head + cap * row;
    if (!charge_st(g, st, now - had))
        return false;
    uint64_t *v = ig_blk_realloc(st->steps, now);
    if (!v) {
        uncharge_st(g, st, now - had);
        atomic_fetch_add(&g->refused_growth, 1);
        return false;
    }
    memset((uint8_t *)v + had, 0, now - had);
    st->steps = v;
    st->step_cap = cap;
    return true;
}

static int prada_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct prada_global *g = (struct prada_global *)call->global;
    const struct prada_params *p = &g->p;
    struct prada_client *cl = call->client;
    struct prada_model *m = p->paper ? NULL : call->model;
    if (!ev->inputs || ev->rows == 0 || ev->features == 0)
        return IG_OK;
    if (ev->features > p->max_dim) {
        atomic_fetch_add(&g->skipped_dim, ev->rows);
        return IG_OK;
    }
    if (!cl->st) {
        cl->st = state_new(g, ev->features);
        if (!cl->st)
            return IG_OK;
        cl->key = key_of(ev->client_id);
    }
    struct prada_state *st = cl->st;
    if (st->dim != ev->features) {
        /* one input width per client: other models' traffic is not comparable */
        atomic_fetch_add(&g->skipped_dim, ev->rows);
        return IG_OK;
    }
    const struct ig_kern_ops *k = ig_kern();
    const uint32_t dim = ev->features;
    float zbuf[IG_FSCALE_MAXDIM], nb[IG_FSCALE_MAXDIM], qbuf[IG_FSCALE_MAXDIM];
    /* the nearest admitted query, for the step's structure */
    float *nbp = dim <= IG_FSCALE_MAXDIM ? nb
                 : !p->paper && call->scratch ? ig_scratch_alloc(call->scratch, (size_t)dim * sizeof(float))
                                              : NULL;
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *x = ev->inputs + (size_t)r * dim;
        int label = row_label(ev, r);
        if (label < 0) {
            atomic_fetch_add(&g->skipped_nolabel, 1);
            continue;
        }
        if (!ig_kern_finite(x, dim)) {
            atomic_fetch_add(&g->skipped_nonfinite, 1);
            continue;
        }
        struct prada_class *c = NULL;
        for (uint32_t i = 0; i < st->nclasses; i++)
            if (st->cls[i].label == label) {
                c = &st->cls[i];
                break;
            }
        if (c && !c->g && rows_coded(p, dim, c->seed_cap))
            rows_prefetch(c, dim);   /* its lines arrive while the input is scaled */
        /* robust mode: distances in the model's per-feature robust scale */
        const struct ig_fscale *fs = NULL;
        if (m && p->scale) {
            if (ig_fscale_learn(&m->fs, x, dim, &cl->taught) == IG_FSCALE_LEARNING) {
                atomic_fetch_add(&g->skipped_warmup, 1);
                continue;   /* the model's scale is not known yet (its first ~24 rows) */
            }
            if (m->fs.dim == dim && dim <= IG_FSCALE_MAXDIM) {
                fs = &m->fs;
                if (fs->mode == IG_FSCALE_SCALED) {
                    ig_fscale_apply(fs, x, dim, zbuf);
                    x = zbuf;
                }
            }
        }
        if (!c) {
            st->queries++;
            if (st->nclasses == p->max_classes) {
                atomic_fetch_add(&g->skipped_class, 1);
            } else if (class_room(g, st)) {
                c = &st->cls[st->nclasses++];
                c->label = label;
                admit(g, st, c, x, 0.0);   /* DG_c = [0], T_c = 0 */
            }
        } else if (class_n(c) > 0) {
            int32_t at = -1;
            float d;
            if (c->g) {
                d = sqrtf(ig_vidx_l2sq_min(c->g, k, x, p->paper ? NULL : &at));
            } else {   /* the row-major vectors: the distance the index would give */
                d = sqrtf(rows_coded(p, dim, c->seed_cap) ? rows_min(k, c, x, dim, &at)
                                                          : seeds_min(k, c->seed, c->nseed, x, dim, &at));
            }
            if (p->dup_rel > 0) {
                /* an exact or near repeat (a retry, a record re-scored, a video frame) is
                 * not a new sample of the client's query distribution */
                double unit = fs ? fs->unit : 0;
                if (!(unit > 0)) {
                    double n2 = 0;
                    for (uint32_t j = 0; j < dim; j++)
                        n2 += (double)x[j] * x[j];
                    unit = sqrt(n2 / dim);   /* no reference: relative to the input's RMS */
                }
                if ((double)d <= p->dup_rel * unit * sqrt((double)dim)) {
                    st->dups++;
                    continue;
                }
            }
            st->queries++;
            if (!p->paper) {
                st->samples++;
                bool got = false;
                if (at >= 0 && nbp) {
                    if (c->g) {
                        got = ig_vidx_get(c->g, (uint32_t)at, nbp);
                    } else {
                        memcpy(nbp, rows_of(p, c, dim) + (size_t)at * dim, (size_t)dim * sizeof(float));
                        got = true;
                    }
                }
                if (got) {
                    /* the step |x - nb| per coordinate, once for both tests (nb is not
                     * needed after them) */
                    for (uint32_t j = 0; j < dim; j++)
                        nbp[j] = fabsf(x[j] - nbp[j]);
                    bool sy = structured_step(nbp, dim, fs && fs->mode == IG_FSCALE_SCALED ? fs->inv : NULL,
                                              qbuf);
                    if (dim <= IG_FSCALE_MAXDIM && steps_room(g, st)) {
                        const uint32_t ns = steps_for(dim);
                        sy |= repeated_step((float *)(st->steps + ns), st->step_cap, ns, &st->step_at, st->steps,
                                            x, nbp, dim);
                    }
                    st->structured += sy;
                }
                if (fs) {
                    /* the float z-scores first (independent divisions, which the
                     * compiler vectorises), then the double sum in the same order */
                    const float *z = x;
                    if (fs->mode != IG_FSCALE_SCALED) {
                        float *zt = qbuf;
                        const float unit = fs->unit;
                        uint32_t j = 0;
                        for (; j + 8 <= dim; j += 8)
                            for (int i = 0; i < 8; i++)
                                zt[j + i] = (x[j + i] - fs->center[j + i]) / unit;
                        for (; j < dim; j++)
                            zt[j] = (x[j] - fs->center[j]) / unit;
                        z = zt;
                    }
                    double z2 = 0;
                    for (uint32_t j = 0; j < dim; j++)
                        z2 += (double)z[j] * z[j];
                    st->ood += sqrt(z2 / dim) > p->ood_rms;
                }
            }
            d_push(g, st, (uint16_t)(c - st->cls), d);
            if ((double)d > c->t)
                admit(g, st, c, x, d);
        } else {
            st->queries++;
        }
        if ((st->queries - 1) % p->period == 0) {
            double w, pv;
            uint32_t n;
            /* Jacobian augmentation shows itself in its steps long before D holds
             * min_pool distances: with most new samples sign-structured, the test
             * starts from structured_pool */
            double ns = st->samples ? (double)st->samples : 1;
            uint32_t pool = p->min_pool, min_class = p->min_class;
            bool strong = !p->paper && st->samples >= p->structured_pool &&
                          st->structured >= 2.5 * p->struct_share * ns;
            if (strong && p->structured_pool < pool)
                pool = p->structured_pool;
            if (strong && p->structured_class < min_class)
                min_class = p->structured_class;
            if (run_test(p, st, pool, min_class, &w, &pv, &n)) {
                atomic_fetch_add(&g->tests, 1);
                st->last_w = w;
                struct prada_evidence e = { .delta = p->delta };
                bool fire;
                if (p->paper) {
                    fire = w < p->delta;
                } else {
                    e.struct_share = st->structured / ns;
                    e.ood_share = st->ood / ns;
                    double delta = calibrate(p, m, cl->key, w, &e);
                    /* the population's W lowers delta so that natural data whose W is
                     * low everywhere (few discrete features, a scale learned from a few
                     * rows) is not flagged; a client whose steps are mostly synthetic is
                     * not natural data and is held to the fixed delta */
                    if (strong && delta < p->delta)
                        delta = e.delta = p->delta;
                    /* out-of-distribution rows corroborate only against peers, beyond
                     * their share: with a scale learned from a few rows of a heavy-tailed
                     * table (breast cancer's raw units) every natural client has some */
                    e.signals = (e.struct_share >= p->struct_share) +
                                (e.peers >= p->peer_min && e.ood_share >= p->ood_share &&
                                 e.ood_share >= e.peer_ood + p->ood_share);
                    /* W alone flags natural clients that skew, repeat with noise or
                     * sample a small pool (W 0.6-0.8 seen on real tables): it needs
                     * corroboration; strong_gap (off by default) lets a W far below the
                     * population's fire alone */
                    fire = w < delta && (e.signals > 0 || (p->strong_gap > 0 && w < delta - p->strong_gap));
                }
                if (fire) {
                    atomic_fetch_add(&g->alarms, 1);
                    if (!st->first_alarm)
                        st->first_alarm = st->queries;
                    raise_alarm(call, ev, p, st, w, pv, n, &e);
                }
            }
        }
    }
    return IG_OK;
}

static void prada_evict(const struct ig_call *call)
{
    struct prada_client *cl = call->client;
    state_free((struct prada_global *)call->global, cl->st);
    cl->st = NULL;
}

static void prada_free(void *global)
{
    struct prada_global *g = global;
    if (g)
        g->mem_ops->close(g->mem);
    free(g);
    /* the calling thread's workspace; other workers' go with their threads (bufs_dtor) */
    free_thread_all();
}

static void free_thread_all(void)
{
    for (int i = 0; i < SW_CACHE; i++) {
        ig_sw_free(&tl_sw[i]);
        tl_sw_used[i] = 0;
    }
    free_thread_bufs();
}

const struct ig_detector ig_det_extraction_prada = {
    .name = NAME,
    .wants = IG_EV_TENSOR,
    .client_size = sizeof(struct prada_client),
    .model_size = sizeof(struct prada_model),
    .init = prada_init,
    .observe = prada_observe,
    .tick = NULL,
    .evict = prada_evict,
    .free = prada_free,
    .params = prada_param_rows,
    .params_size = sizeof(struct prada_params),
};
