/* adversarial.boundary: query-based evasion, decision-based (Boundary attack, HopSkipJump,
 * label-only probing) and score-based (SimBA, ZOO, NES, Square).
 *
 * First, exact relations: attack code builds its next query from earlier ones by arithmetic
 * (a binary search puts it exactly between two of them on a line; SimBA tries x - e then
 * x + e around its base; ZOO and NES send antithetic pairs around one centre), and that
 * arithmetic survives on the wire up to float32 rounding, whatever the feature scales.
 * Natural near-duplicates (frames, sensor noise, noisy records) obey no such identity, and
 * the benign streams that do (what-if sliders sweeping one feature over a grid) are told
 * apart by which coordinates move and in which order (relations() below). This is what
 * catches a search within its first handful of queries.
 *
 * The Boundary attack's walk steps each candidate from its spherical candidate toward the
 * one original, and every 10th step sends both: lines that all meet in one point far
 * beyond them (toward_row() below).
 *
 * Noise or rounding added to every query hides that arithmetic but not the shape of a
 * binary search: each step about half the one before on one line, turning back as the
 * labels change (halving chains, halving_step() below).
 *
 * Second, near-duplicate runs: per query row, the nearest of the client's last <recent>
 * inputs (L2 in the model's robust scale, SIMD kernel) is a near-duplicate when closer than
 * near_rel x sqrt(dim) x spread. A run is a sequence of near-duplicates that tolerates up
 * to max_gap other queries in a row. Within a run we count low-margin answers (top1 - top2
 * < margin, when scores come back) and label flips (label differs from the nearest recent
 * query's). A run fires when it reaches min_run queries with (low margins + flips) / run >=
 * min_share and the client bisected a line in its last 64 rows (frames of an ambiguous
 * scene flip labels too), again at 10x, 100x ... Score-based walks (long runs of distinct,
 * sparse or sign-structured steps over many coordinates) fire at walk_run. HopSkipJump
 * interleaves its probe batches with a geometric step search and a fresh binary search
 * whose first midpoints are far from everything recent (5-9 rows in a row), hence max_gap 8.
 *
 * Third, the model's view across clients (cross_clients): near-duplicate rows of different
 * clients are chained by Blacklight-style fingerprints into streams judged the same way, so
 * a search spread over many source addresses is seen (see cross_match() below); rows wider
 * than 64 features (up to 4,096) by fingerprints of random projections (cross_project()).
 *
 * Memory: one pointer in the client slice; the state is allocated on the client's first
 * tensor query from a global budget (memory_mb) and freed in evict. It grows with the
 * client's rows, each growth charged: the recent ring keeps its first BD_EARLY rows
 * row-major (dim x 4 B each), then recent x dim x 4 B (blocked, the kernels' layout); the
 * raw inputs for the relations (up to rel_max_dim) double from 2 up to rel_slots(dim),
 * dim x 4 + 52 B each; the stars (STAR_N x (dim x 4 + 288) B) at the client's first
 * sparse step; (7 + min(min_antithetic, dim)) x dim x 4 B at its first parallelogram or
 * antithetic pair (pblock(): the centre, the next, the pair that set it, the antithetic
 * cloud's; 2.8 KiB at d = 64); ~0.4 KiB of scalars. An idle client (a query or two) costs ~1.4 KiB at
 * d = 64, a busy one recent x dim x 4 + 32 x (dim x 4 + 52) + 4 x (dim x 4 + 288) B +
 * 0.4 KiB. A refused growth leaves that ring at the size it has (it wraps there: a shorter
 * memory); refused stars: the client keeps none. Per model, from its first scaled row of
 * up to 4,096 features (cross_clients): ~212 KiB + 2 x 512 x dim x 4 B (fingerprint index,
 * two lanes of last rows; 4 MiB at 1,024 features) + 8 KiB of projection indices above 64
 * features, and up to 2 x XC = 32 streams' states (each a client's), from the same budget,
 * freed with the model entry. */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* BD_SSE2: the SSE2 paths; IG_BD_PORTABLE builds the portable ones instead (x86-64 always
 * has SSE2, so only that switch lets a test run them: test_det_adversarial_boundary_portable) */
#if defined(__SSE2__) && !defined(IG_BD_PORTABLE)
#define BD_SSE2 1
#include <emmintrin.h>
#else
#define BD_SSE2 0
#endif

#include <inferguard/detector.h>
#include "kernels/blkpool.h"
#include "kernels/kernels.h"
#include "row_label.h"
#include "stats/floats.h"
#include "stats/fscale.h"

#define NAME "adversarial.boundary"

/* Bit counts without a call: x86-64's baseline has no popcnt instruction, and
 * __builtin_popcount became a libgcc call, several a row. */
static inline uint32_t pop32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

static inline uint32_t pop64(uint64_t v)
{
    return pop32((uint32_t)v) + pop32((uint32_t)(v >> 32));
}

struct bd_params {
    uint32_t recent, min_run, max_gap, max_dim, walk_run;
    uint32_t min_line, min_synth, rel_max_dim, min_halving, min_descent, min_star, min_antithetic;
    bool scale, cross;
    double near_rel, margin, min_share, halving_tol;
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
    ROW("min_line", IG_PT_U32, min_line, .def = 3, .min = 2, .max = 32,
        .help = "bisection rows (exactly between two earlier inputs on a line, dense direction) in the last 16 that fire, with a label change or a low margin on the line"),
    ROW("min_synth", IG_PT_U32, min_synth, .def = 3, .min = 2, .max = 32,
        .help = "rows in the last 16 built from earlier inputs by exact arithmetic (mirror around an older base, parallelogram over several coordinates) that fire"),
    ROW("min_halving", IG_PT_U32, min_halving, .def = 3, .min = 2, .max = 16,
        .help = "consecutive halving steps (each row moves half as far as the one before along the same line, some back) that fire, with a label change among them"),
    ROW("halving_tol", IG_PT_DOUBLE, halving_tol, .def = 0.4, .min = 0, .max = 1,
        .flags = IG_PARAM_GT_MIN | IG_PARAM_LT_MAX,
        .help = "a halving step's residue, as a share of its length (room for noise an attacker adds)"),
    ROW("min_descent", IG_PT_U32, min_descent, .def = 5, .min = 2, .max = 16,
        .help = "greedy choices in the last 16 rows, none against, that fire with one exact relation: a kept base had lowered the probability of its label, a dropped step had not (SimBA keeps only improving steps)"),
    ROW("min_star", IG_PT_U32, min_star, .def = 4, .min = 2, .max = 64,
        .help = "coordinates along which a base was probed on both sides by the same length (x - e and x + e; through noise: within 3 sd of the client's noise floor, a probe at most one spread long), summed over the bases probed in the last 16 rows, that fire with a moved centre, from 8 features; across clients, as many mirrored pairs split over clients (x - e from one, x + e next from another; below min_star features, dim pairs) in 16 rows sent by twice as many clients or more fire without one"),
    ROW("min_antithetic", IG_PT_U32, min_antithetic, .def = 4, .min = 2, .max = 16,
        .help = "antithetic pairs (x + s u, x - s u) around one centre, sent or not, in as many directions, that fire without a moved centre (NES's gradient estimate, its first request): each pair dense (3 coordinates or more), small (half of it at most 0.25 spreads per coordinate RMS), ~25 degrees or more off the span of the earlier ones and not the pair before it's magnitudes with other signs; below min_antithetic features, dim directions"),
    ROW("rel_max_dim", IG_PT_U32, rel_max_dim, .def = 4096, .min = 0, .max = INFINITY,
        .help = "exact relations are looked for up to this width (wider inputs: adversarial.fingerprint)"),
    ROW("scale", IG_PT_BOOL, scale, .def = 1, .help = "per-feature robust scaling"),
    ROW("cross_clients", IG_PT_BOOL, cross, .def = 1,
        .help = "also follow clusters of near-duplicate rows across the model's clients (a search spread over many addresses or identities), up to 4096 features (above 64 by random projections)"),
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
    _Atomic uint64_t serials; /* models numbered (scale_id()) */
};

#define BOX_V 8          /* new vertices of one L-inf box in a client's last 32 rows (box_row) */
#define STAR_N 4         /* stars kept per client (a batch of targets probes one base each) */
#define BD_EARLY 4       /* ring rows kept row-major before the blocked set (see ring_min) */

struct bd_state {
    struct ig_vset ring;      /* last <recent> inputs, slot = query % recent (from the
                               * (BD_EARLY + 1)th on; before, early holds them) */
    float   *early;           /* the ring's first rows, row-major: early_cap of them charged,
                               * allocated only once one is not in rel (see early_row) */
    int64_t  early_row[BD_EARLY];   /* per early slot: the rel row (raw input) it is, when
                                     * the ring took it unscaled; -1 its own copy in early;
                                     * -2 lost (out of memory) */
    uint32_t dim, early_cap, early_alloc;
    uint32_t recent_n;        /* the ring's size: recent, or less when a growth was refused
                               * (0: its first row was, no ring) */
    uint32_t rel_n;           /* the relations' ring size: rel_slots(dim), or less (refused) */
    uint32_t rel_cap;         /* slots allocated (doubling; slot = row % rel_n) */
    uint64_t queries, bytes;
    uint32_t run, gap, low, flips, distinct, next_alarm;
    uint64_t coords;          /* coordinates (mod 64) moved by the run's sparse steps */
    double   margin_sum;
    uint32_t margin_n;
    uint32_t run_synth;       /* the run's queries with an exact synthetic relation */
    /* Exact relations (rel_*): the client's last REL_N raw inputs, whatever the scale */
    float   *rel;             /* rel_n x dim, slot = row % rel_n (one block with rel_row ...
                               * rel_kid below, rel_cap slots each) */
    uint64_t *rel_row;        /* the row each slot holds */
    int32_t *rel_lab;
    float   *rel_margin;
    uint64_t rows;            /* finite rows seen (relations run on every one) */
    uint64_t last_line;       /* rows + 1 of the last row on a bisection line; 0 none */
    uint32_t line_m, levid_m, synth_m;  /* bit k: the row k rows ago had that relation */
    int16_t  synth_coord[32]; /* per row (mod 32): coordinate of its sparse relation, -1 dense */
    uint32_t structured;      /* steps of the run that look synthetic (sparse or sign steps) */
    int32_t *rel_child;       /* per slot (REL_N): 1 + coordinate of its first sparse child, 0 none */
    uint32_t *rel_req;        /* per slot (REL_N): the request (event) it came in */
    float   *rel_quant;       /* per slot (REL_N): its decimal step (decimal_quantum) */
    uint32_t requests;        /* the client's events seen, this one included */
    int16_t  step_coord[32];  /* per row (mod 32): first coordinate of its sparse step, -2 none */
    float    nz_mean;         /* the mean of nzp's first dim (here: the hole before rel_alarms) */
    uint64_t rel_alarms;
    /* halving chain: consecutive rows whose step is +-half the step before (binary search) */
    uint32_t halv_run;        /* consecutive halving rows ending at the last row */
    uint32_t halv_rev;        /* bit k: the halving step k rows ago reversed direction */
    bool     halv_narrow;     /* the last row's halving step was a narrow line's (halving_step) */
    bool     alarmed;         /* a finding was raised on this (client's) stream */
    bool     halv_cand, halv_crev;   /* the last row was a narrow halving step not yet shown
                                      * a line's (struct hv_narrow), turning back */
    float    halv_ctop, halv_cr2;    /* its narrow_third() and matched residue sum */
    bool     halv_hold;       /* the next row's last two are no consecutive steps (a cross
                               * stream took a bisection's far end just before it) */
    uint16_t nz_n;            /* rows nzp (below) learnt, saturating (beside halv_hold) */
    /* greedy descent: per slot (REL_N) the answer's probability mass off the row's label
     * (-1 none): the loss a score-based search raises, kept exact where the label's own
     * probability saturates at 1 in float32 (4e-20 stays 4e-20), and its base */
    float   *rel_u;
    int16_t *rel_par;         /* slot of the row's base (sparse step), -1 none */
    uint64_t *rel_par_row;    /* the row that slot held then */
    int16_t *rel_kid;         /* slot of the row's first sparse child, -1 none */
    uint8_t *rel_judged;      /* bit 0: that child's greedy choice was counted; bit 1: the
                               * slot's input was swept (SWEPT); bit 2: it was a sparse child
                               * of its base or of a star (CHILD); bit 3: a small dense move of a probed
                               * input (MOVED); bit 4: a CHILD toward the boundary (KEPT);
                               * bits 5, 6: the step into it met an earlier pair's line (MEET),
                               * is a pair's line (ISO; toward_row) */
    uint64_t *rel_kid_row;
    uint32_t asyn_m;          /* bit k: the row k rows ago was a second child of its base
                               * up to noise (one coordinate dominating the step) */
    uint32_t two_m;           /* bit k: the row k rows ago was a mirror or a parallelogram */
    /* stars: bases probed along many coordinates, x - e and x + e around each (SimBA stuck on
     * a saturated answer, ZOO, NES); kept apart from the ring, whose slots a long probe of
     * one base overwrites */
    float   *star;            /* STAR_N x dim; NULL until the client's first sparse step
                               * (star_room: one block with the arrays below) */
    uint64_t *star_last;      /* [STAR_N] rows + 1 of its last child; 0 = empty */
    uint64_t *star_row;       /* [STAR_N] the ring row its base came from */
    uint64_t *star_has;       /* [STAR_N] coordinates (mod 64) it had a child along */
    uint64_t *star_mir;       /* [STAR_N] coordinates (mod 64) with children on both sides */
    float  (*star_step)[64];  /* [STAR_N] the first child's step per coordinate (mod 64) */
    uint32_t star_now;        /* coordinates mirrored around the stars probed in the last 16
                               * rows, when the last row was a star's child; else 0 */
    uint32_t star_moved;      /* bit s: star s's base is a moved centre (see centre_moved) */
    uint32_t moved_m;         /* bit k: the row k rows ago was a probe around a moved centre */
    uint16_t moved_c[16];     /* per row (mod 16): that centre (its row, low 16 bits) */
    uint32_t run_moved;       /* the run's queries probing around a moved centre */
    uint32_t desc_m, asc_m;   /* bit k: the row k rows ago showed a greedy choice (a kept
                               * base that had lowered the probability, a dropped step that
                               * had not) or one against it */
    float    noise;           /* the client's noise floor: per-coordinate mean square of a
                               * row's move off its largest coordinate, against its nearest
                               * fresh input (model's scale), geometric running mean; 0 none
                               * (noise_learn) */
    float    hv_d2;           /* (with hv_at, hv_key below; here beside noise: no hole) */
    float   *nzp;             /* the client's noise per coordinate: dim running mean squares of
                               * its rows' moves off their nearest fresh input (model's scale),
                               * then dim of them as judged (nz_var()); from its first row
                               * within noise of one (NULL before, or refused; nz_learn()) */
    float   *pcen;            /* the centre (q + a) / 2 of the client's last parallelogram
                               * q + a == b + c (dim floats, then dim of scratch, then the
                               * pair q, a that set it), then the antithetic cloud's
                               * (cloud_pair(): 3 + min(min_antithetic, dim) rows); from
                               * the client's first parallelogram or cloud pair, NULL before
                               * or when refused (pblock()) */
    uint32_t pcen_moves;      /* times that centre moved (a search's step between rounds) */
    uint16_t pcen_n;          /* parallelograms around that centre (saturating), 0 unset */
    uint16_t cloud_n;         /* pairs in new directions around the cloud's centre, 0 none */
    /* across clients (a cross stream's state): probes of one star split over clients */
    uint32_t who, who_prev;   /* client of the row fed now, of the row before (0 own stream) */
    uint32_t live;            /* for a row fed as it came: distinct clients of the stream's
                               * last 16 rows, the rows a new stream took among them (the row
                               * fed now too); 0 for rows a stream took */
    int32_t  first_coord;     /* the row before: coordinate of its first child of a star
                               * along that coordinate, -1 none */
    uint64_t first_base;      /* ... that star's base (its row) */
    /* relations()' squared distance (float kernel, model's scale) from row hv_at to the row
     * before it, the step halving_step() judges at row hv_at + 1: a bound on its length
     * (UINT64_MAX: none), in the scale hv_key names (scale_id: 0 raw units) */
    uint64_t hv_at;
    uint64_t hv_key;
    double   hv_w2;           /* sum of w^2 over the features in scale w2_key (0 none yet) */
    uint64_t w2_key;
    uint32_t split_m;         /* bit k: the row k rows ago mirrored the row before it, the
                               * first child of its star along that coordinate, sent by
                               * another client (split_pair()) */
    /* vertices of one L-inf box (box_row()): its centre c, its half-widths a per
     * coordinate (0: not seen moved yet), the first vertex's offsets on the coordinates
     * both rows that found it moved (0 elsewhere); 3 x dim, NULL until the first box */
    uint32_t box_m;           /* bit k: the row k rows ago was a new vertex of that box */
    float   *box;
    int32_t  labels[];        /* recent: the ring's labels */
};

struct bd_client {
    struct bd_state *st;
    uint32_t taught;          /* rows given to the model's scale */
};

struct bd_cross;

struct bd_model {
    struct ig_fscale fs;
    struct bd_cross *x;       /* the view across the model's clients, from its first scaled row */
    uint32_t first_who;       /* wide rows: the first client seen (hash), until a second one */
    bool     several;         /* wide rows: a second client was seen (the view starts then) */
    uint64_t serial;          /* this model's number (scale_id()), 0 until its first row */
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
    if (!(g->mem = ig_budget_open(g->mem_ops, NAME, p->budget))) {
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

#define REL_N 32         /* raw inputs kept for exact relations (at most; see rel_slots) */
#define REL_LINE_N 8     /* of them, the newest searched for lines (dot products: dim each) */
#define REL_NEAR 8       /* and the nearest ones searched for parallelograms */

#define REL_FIRST 2      /* relation slots allocated with the state (then doubling) */

static void state_free(struct bd_global *g, struct bd_state *st)
{
    if (!st)
        return;
    g->mem_ops->uncharge(g->mem, st->bytes);
    ig_vset_free(&st->ring);
    free(st->early);
    ig_blk_free(st->rel_row);   /* the relations' block (the detectors' block pool) */
    free(st->star_last);   /* the stars' block */
    free(st->pcen);
    free(st->nzp);
    free(st->box);
    free(st);
}

struct make_ctx { const struct bd_params *p; uint32_t dim; };

static bool rel_on(const struct bd_params *p, uint32_t dim)
{
    return dim <= p->rel_max_dim;
}

/* Raw inputs kept: REL_N up to 64 features, then ~2k values (at least 8 inputs), so a wide
 * row costs about what a 64-feature one does. */
static uint32_t rel_slots(uint32_t dim)
{
    uint32_t n = dim <= 64 ? REL_N : 2048 / dim;
    return n < 8 ? 8 : n > REL_N ? REL_N : n;
}

/* The relations' slots, one block: the 8-byte arrays, the inputs, the 4-byte arrays, the
 * 2-byte ones (each <cap> long), so every array stays aligned. */
static size_t rel_block_bytes(uint32_t dim, uint32_t cap)
{
    return (size_t)cap * (3 * 8 + (size_t)dim * 4 + 6 * 4 + 2 * 2 + 1);
}

/* Makes the block for <cap> slots, the first <old> of each array copied from the current
 * one (the rest zero); false when out of memory (the state unchanged). */
static bool rel_block(struct bd_state *st, uint32_t cap)
{
    uint32_t dim = st->dim, old = st->rel_cap;
    /* the first block (an idle client's) from the heap as before; grown ones from the
     * detectors' block pool: no heap call per doubling (ig_blk_free takes either) */
    uint8_t *b = cap > REL_FIRST ? ig_blk_calloc(rel_block_bytes(dim, cap)) : calloc(1, rel_block_bytes(dim, cap));
    if (!b)
        return false;
    struct bd_state o = *st;
#define ARR(field, n) do { st->field = (void *)b;                                           \
                           if (old) memcpy(b, o.field, (size_t)old * (n) * sizeof(*o.field)); \
                           b += (size_t)cap * (n) * sizeof(*o.field); } while (0)
    ARR(rel_row, 1); ARR(rel_par_row, 1); ARR(rel_kid_row, 1);
    ARR(rel, dim);
    ARR(rel_lab, 1); ARR(rel_margin, 1); ARR(rel_child, 1); ARR(rel_req, 1); ARR(rel_quant, 1);
    ARR(rel_u, 1);
    ARR(rel_par, 1); ARR(rel_kid, 1);
    ARR(rel_judged, 1);
#undef ARR
    ig_blk_free(o.rel_row);   /* the old block starts with rel_row */
    st->rel_cap = cap;
    return true;
}

static void *state_make(const void *ctx)
{
    const struct make_ctx *m = ctx;
    struct bd_state *st = calloc(1, sizeof(*st) + (size_t)m->p->recent * sizeof(int32_t));
    if (!st)
        return NULL;
    st->dim = m->dim;
    st->recent_n = m->p->recent;
    st->first_coord = -1;
    st->hv_at = UINT64_MAX;
    if (rel_on(m->p, m->dim)) {
        st->rel_n = rel_slots(m->dim);
        if (!rel_block(st, st->rel_n < REL_FIRST ? st->rel_n : REL_FIRST)) {
            free(st);
            return NULL;
        }
    }
    return st;
}

static struct bd_state *state_new(struct bd_global *g, uint32_t dim)
{
    /* every client that sends rows has one: issue #20's 4 KiB an idle client (bench_memory's
     * all_state rows) has ~1 B to spare at 672, so a new field takes a hole or pays for itself */
    _Static_assert(sizeof(struct bd_state) <= 672, "struct bd_state: keep it packed (pahole)");
    uint64_t bytes = sizeof(struct bd_state) + (uint64_t)g->p.recent * 4;
    if (rel_on(&g->p, dim))
        bytes += rel_block_bytes(dim, IG_MIN(rel_slots(dim), REL_FIRST));
    const struct make_ctx m = { &g->p, dim };
    struct bd_state *st = g->mem_ops->alloc(g->mem, bytes, state_make, &m);
    if (!st)
        return NULL;
    st->bytes = bytes;
    st->next_alarm = g->p.min_run;
    return st;
}

/* Charges <n> more bytes to the client's state; false when the budget refuses. */
static bool charge_st(struct bd_global *g, struct bd_state *st, uint64_t n)
{
    if (!g->mem_ops->charge(g->mem, n))
        return false;
    st->bytes += n;
    return true;
}

/* Room for the relations' next row (slot rows % rel_n): the block doubles while the rows
 * fill it. Refused (budget or memory): the ring wraps at the slots it has; as the rows
 * fill them exactly, every slot keeps its row. */
static void rel_room(struct bd_global *g, struct bd_state *st)
{
    if (st->rows < st->rel_cap || st->rel_cap >= st->rel_n)
        return;
    uint32_t cap = IG_MIN(2 * st->rel_cap, st->rel_n);
    uint64_t more = rel_block_bytes(st->dim, cap) - rel_block_bytes(st->dim, st->rel_cap);
    if (charge_st(g, st, more)) {
        if (rel_block(st, cap))
            return;
        g->mem_ops->uncharge(g->mem, more);
        st->bytes -= more;
    }
    st->rel_n = st->rel_cap;
}

/* The stars' block (stars() keeps none before the client's first sparse step: a star is
 * made from a ring input with two sparse children). Refused: the client keeps no stars. */
static size_t star_block_bytes(uint32_t dim)
{
    return STAR_N * (4 * 8 + 64 * 4 + (size_t)dim * 4);
}

static void star_room(struct bd_global *g, struct bd_state *st)
{
    uint64_t more = star_block_bytes(st->dim);
    if (st->star || !charge_st(g, st, more))
        return;
    uint8_t *b = calloc(1, more);
    if (!b) {
        g->mem_ops->uncharge(g->mem, more);
        st->bytes -= more;
        return;
    }
    st->star_last = (uint64_t *)b;
    st->star_row = st->star_last + STAR_N;
    st->star_has = st->star_row + STAR_N;
    st->star_mir = st->star_has + STAR_N;
    st->star_step = (float (*)[64])(st->star_mir + STAR_N);
    st->star = (float *)(st->star_step + STAR_N);
}

/* ---- the recent ring ----
 * Its first BD_EARLY rows are kept row-major: an idle client's one or two queries cost
 * their own bytes, not a block of 16 (the kernels' layout, ig_vset). A row the ring takes
 * unscaled (same-unit features, images) is the raw input the relations just kept: the
 * slot names that rel row instead of copying it, and is copied out (materialised) before
 * rel overwrites it. l2sq_row is bit for bit a set lane's distance on the same path, and
 * the minimum below keeps l2sq_min's order (the lowest index among equals, NaN never),
 * so the nearest row is the same. */
static uint32_t ring_count(const struct bd_state *st)
{
    return st->ring.data ? st->ring.count : (uint32_t)IG_MIN(st->queries, (uint64_t)st->recent_n);
}

/* Early slot i's row, or NULL when lost. */
static const float *early_at(const struct bd_state *st, uint32_t i)
{
    int64_t r = st->early_row[i];
    if (r >= 0)
        return st->rel + (size_t)((uint64_t)r % st->rel_n) * st->dim;
    return r == -1 ? st->early + (size_t)i * st->dim : NULL;
}

/* The early buffer allocated to its charged rows; false when out of memory. */
static bool early_alloc(struct bd_state *st)
{
    if (st->early_alloc == st->early_cap)
        return true;
    float *e = realloc(st->early, (size_t)st->early_cap * st->dim * sizeof(float));
    if (!e)
        return false;
    st->early = e;
    st->early_alloc = st->early_cap;
    return true;
}

/* Slot i gets its own copy of <x>; lost when out of memory. */
static void early_copy(struct bd_state *st, uint32_t i, const float *x)
{
    if (!early_alloc(st)) {
        st->early_row[i] = -2;
        return;
    }
    memmove(st->early + (size_t)i * st->dim, x, (size_t)st->dim * sizeof(float));
    st->early_row[i] = -1;
}

/* Before rel row <rows> takes slot rows % rel_n: the early slots naming the row it holds
 * copy it out. */
static void early_keep(struct bd_state *st)
{
    if (st->ring.data || !st->rel)
        return;
    uint32_t s = (uint32_t)(st->rows % st->rel_n);
    for (uint32_t i = 0, n = ring_count(st); i < n; i++)
        if (st->early_row[i] >= 0 && (uint64_t)st->early_row[i] % st->rel_n == s)
            early_copy(st, i, st->rel + (size_t)s * st->dim);
}

static float ring_min(const struct ig_kern_ops *k, const struct bd_state *st, const float *x,
                      int32_t *at)
{
    if (st->ring.data)
        return k->l2sq_min(&st->ring, x, at);
    float m = INFINITY;
    int32_t a = -1;
    for (uint32_t i = 0, n = ring_count(st); i < n; i++) {
        const float *y = early_at(st, i);
        if (!y)
            continue;
        float d = k->l2sq_row(x, y, st->dim);
        if (d < m || (a < 0 && d == m)) {
            m = d;
            a = (int32_t)i;
        }
    }
    *at = a;
    return m;
}

/* ring_min() when only a row within squared distance <lim2> matters (a near-duplicate):
 * the same d2 and slot when the nearest row is within it, else INFINITY and *at = -1. The
 * blocked ring goes through l2sq_min_blocks with the largest float not above lim2 as its
 * bound: it abandons a block once every lane's partial sum exceeds that bound (partial sums
 * only grow, so no such lane is within lim2) and finishes every other lane bit for bit as
 * l2sq_min, folding the lowest slot among equals, as l2sq_min does. An ordinary client's
 * next row is far from all 16 (oip_v2 d64: the first 16 of 64 features settle every block),
 * so the other 48 features of the ring are neither read nor fetched (bd_observe). */
static float ring_near(const struct ig_kern_ops *k, const struct bd_state *st, const float *x,
                       double lim2, int32_t *at)
{
    if (!st->ring.data)
        return ring_min(k, st, x, at);
    float bound = (float)lim2;
    if ((double)bound > lim2)
        bound = nextafterf(bound, 0.0f);
    uint32_t blocks[1024 / IG_VSET_BLOCK], nb = (st->ring.count + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK;
    for (uint32_t b = 0; b < nb; b++)
        blocks[b] = b;
    *at = -1;
    float d2 = k->l2sq_min_blocks(&st->ring, x, blocks, nb, bound, at);
    return *at >= 0 ? d2 : INFINITY;
}

static void ring_get(const struct bd_state *st, uint32_t i, float *out)
{
    if (st->ring.data)
        ig_vset_get(&st->ring, i, out);
    else
        memcpy(out, early_at(st, i), (size_t)st->dim * sizeof(float));
}

/* Room for the ring's next row: the row-major buffer (charged) doubles up to BD_EARLY
 * rows, then becomes the blocked set of recent_n. Refused: the ring wraps at the rows it
 * has. */
static void ring_room(struct bd_global *g, struct bd_state *st)
{
    uint32_t n = ring_count(st);
    if (st->ring.data || n >= st->recent_n || n < st->early_cap)
        return;
    size_t row = (size_t)st->dim * sizeof(float);
    if (n < BD_EARLY) {
        uint32_t cap = IG_MIN(IG_MIN(st->early_cap ? 2 * st->early_cap : 1, BD_EARLY), st->recent_n);
        if (charge_st(g, st, (cap - st->early_cap) * row)) {
            st->early_cap = cap;   /* allocated when a row needs its own copy */
            return;
        }
    } else {
        uint64_t set = ig_vset_bytes(st->dim, st->recent_n), had = st->early_cap * row;
        bool ok = false;
        if (charge_st(g, st, set)) {
            ok = ig_vset_init(&st->ring, st->dim, st->recent_n) == IG_OK;
            if (!ok) {
                g->mem_ops->uncharge(g->mem, set);
                st->bytes -= set;
            }
        }
        if (ok) {
            for (uint32_t i = 0; i < n; i++) {
                const float *y = early_at(st, i);
                if (y) {
                    ig_vset_append(&st->ring, y);
                    continue;
                }
                /* lost (out of memory earlier): a lane no query is near (kernels.h layout) */
                float *d = (float *)st->ring.data + (size_t)(i / IG_VSET_BLOCK) * st->dim *
                           IG_VSET_BLOCK + i % IG_VSET_BLOCK;
                for (uint32_t f = 0; f < st->dim; f++)
                    d[(size_t)f * IG_VSET_BLOCK] = INFINITY;
                st->ring.count++;
            }
            free(st->early);
            st->early = NULL;
            st->early_cap = st->early_alloc = 0;
            g->mem_ops->uncharge(g->mem, had);
            st->bytes -= had;
            return;
        }
    }
    st->recent_n = n;
}

/* Puts <x> (label <label>) in the ring as the client's next query; <raw>: x is the input
 * the relations kept as their last row. */
static void ring_push(struct bd_global *g, struct bd_state *st, const float *x, bool raw,
                      int32_t label)
{
    ring_room(g, st);
    if (!st->recent_n) {   /* its first row was refused: the client keeps no ring */
        st->queries++;
        return;
    }
    uint32_t slot = (uint32_t)(st->queries % st->recent_n);
    if (!st->ring.data) {
        if (raw && st->rel)
            st->early_row[slot] = (int64_t)st->rows - 1;
        else
            early_copy(st, slot, x);
    } else if (st->ring.count < st->recent_n && slot == st->ring.count) {
        ig_vset_append(&st->ring, x);
    } else {
        ig_vset_put(&st->ring, slot, x);
    }
    st->labels[slot] = label;
    st->queries++;
}

/* ---- exact relations between a row and the client's earlier raw inputs ----
 * Attack code builds its queries from earlier ones by arithmetic: a binary search puts the
 * next query exactly between two earlier ones on a line (HopSkipJump, Boundary attack,
 * Sign-OPT, RayS), SimBA tries x - e then x + e around its base, ZOO and NES send antithetic
 * pairs x + e, x - e (four of them make a parallelogram). Natural near-duplicates (frames,
 * sensor noise, noisy records) obey no such identity beyond float rounding, and the ones that
 * do (what-if sliders sweeping one feature over a grid) move a single coordinate and are left
 * out. All tests are exact up to float32 rounding of the attacker's float64 arithmetic, so
 * per-feature scale does not matter: they run on the raw inputs from the first row. */

#define ULP 0x1p-24

#if BD_SSE2
static inline __m128d abs_pd(__m128d v)
{
    return _mm_and_pd(v, _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffll)));
}
#endif

#if BD_SSE2
/* Lanes of v (two values as doubles) off a multiple of 1 / s: |t - rint(t)| > t rel + lim
 * for t = |v s|, as the scalar test (|v - rint(v)| is |t - rint(t)|). rint(t) is
 * (t + 2^52) - 2^52 below 2^52 (rounded to nearest, ties to even, as rint in the default
 * mode); at or above it t is an integer and that sum is within 2 ulp(t) of t, under
 * t 2^-22: such a lane passes as with rint, so no select for it */
static inline __m128d off_step(__m128d v, __m128d s, __m128d rel, __m128d lim)
{
    const __m128d big = _mm_set1_pd(0x1p52);
    __m128d t = abs_pd(_mm_mul_pd(v, s));
    __m128d d = abs_pd(_mm_sub_pd(t, _mm_sub_pd(_mm_add_pd(t, big), big)));
    return _mm_cmpgt_pd(d, _mm_add_pd(_mm_mul_pd(t, rel), lim));
}
#endif

/* The decimal step a row was written with: 10^-k for the smallest k <= 6 at which every
 * value is a multiple of it (a client printing "%.4f", integer pixel counts, a table of
 * measurements with two decimals), 0 for full float precision. The relations allow half a
 * step of rounding per input on top of float32's. */
static float decimal_quantum(const float *x, uint32_t dim)
{
    /* First a value no step can pass: a multiple of 10^-k within the tolerance below is
     * one of 10^-6 within |v| 2^-22 + 10^(6-k) 1e-9 at v = x 10^6 (the double products
     * are exact to 2^-53), so a value farther than |v| 2^-22 (1 + 2^-13) + 1.001e-3 from
     * an integer there fails every k. Among the first four values only: a row at full
     * float precision with one of them below ~2 in magnitude is settled at once instead
     * of by seven passes (iris's searches), and a row whose values all pass costs one
     * register more, not a pass (64 features above 2: every one passes) */
    const uint32_t head = dim < 4 ? dim : 4;
#if BD_SSE2
    if (head == 4) {
        const __m128 f = _mm_loadu_ps(x);
        const __m128d m6 = _mm_set1_pd(1e6), rel = _mm_set1_pd(0x1p-22 + 0x1p-35),
                      abs_lim = _mm_set1_pd(1.001e-3);
        /* (t at or above 2^52 passes both ways: see off_step()) */
        if (_mm_movemask_pd(_mm_or_pd(off_step(_mm_cvtps_pd(f), m6, rel, abs_lim),
                                      off_step(_mm_cvtps_pd(_mm_movehl_ps(f, f)), m6, rel,
                                               abs_lim))))
            return 0.0f;
    } else
#endif
    for (uint32_t j = 0; j < head; j++) {
        double v = fabs((double)x[j] * 1e6);
        if (v < 0x1p52 && fabs(v - rint(v)) > v * (0x1p-22 + 0x1p-35) + 1.001e-3)
            return 0.0f;
    }
    double s = 1.0;
    for (int k = 0; k <= 6; k++, s *= 10.0) {
        uint32_t j = 0;
#if BD_SSE2
        /* four values at a time in the same double arithmetic (off_step()) */
        const __m128d sv = _mm_set1_pd(s), rel = _mm_set1_pd(0x1p-22),
                      abs_lim = _mm_set1_pd(1e-9);
        bool off = false;
        for (; j + 4 <= dim && !off; j += 4) {
            const __m128 f = _mm_loadu_ps(x + j);
            off = _mm_movemask_pd(_mm_or_pd(off_step(_mm_cvtps_pd(f), sv, rel, abs_lim),
                                            off_step(_mm_cvtps_pd(_mm_movehl_ps(f, f)), sv,
                                                     rel, abs_lim))) != 0;
        }
        if (off)
            continue;
#endif
        for (; j < dim; j++) {
            double v = (double)x[j] * s;
            if (fabs(v - rint(v)) > fabs(v) * 0x1p-22 + 1e-9)
                break;
        }
        if (j == dim)
            return (float)(1.0 / s);
    }
    return 0.0f;
}

/* a and b (written with decimal step qe) differ by more than rounding */
#if BD_SSE2
/* two floats as two doubles */
static inline __m128d ld2(const float *p)
{
    return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(const void *)p)));
}

static inline double lo_pd(__m128d v)
{
    return _mm_cvtsd_f64(v);
}

static inline double hi_pd(__m128d v)
{
    return _mm_cvtsd_f64(_mm_unpackhi_pd(v, v));
}
#endif

static inline bool moved(float a, float b, float qe)
{
    double d = fabs((double)a - (double)b);
    return d > 64.0 * 4.0 * ULP * (fabs((double)a) + fabs((double)b)) && d > 1e-30 &&
           d > 0.5 * qe;
}

#if BD_SSE2

/* moved() of features k .. k + 3 as bits 0-3, in the same double arithmetic (x86-64's
 * SSE2 baseline: two features per register, no fused operations), so the same answers
 * without a hard-to-predict branch per feature */
static inline unsigned moved4(const float *a, const float *b, float qe)
{
    const __m128 fa = _mm_loadu_ps(a), fb = _mm_loadu_ps(b);
    const __m128d tol = _mm_set1_pd(64.0 * 4.0 * ULP), tiny = _mm_set1_pd(1e-30),
                  half = _mm_set1_pd(0.5 * qe);
    unsigned m = 0;
    for (int h = 0; h < 2; h++) {
        __m128d x = _mm_cvtps_pd(h ? _mm_movehl_ps(fa, fa) : fa),
                y = _mm_cvtps_pd(h ? _mm_movehl_ps(fb, fb) : fb);
        __m128d d = abs_pd(_mm_sub_pd(x, y));
        __m128d c = _mm_and_pd(_mm_cmpgt_pd(d, _mm_mul_pd(tol, _mm_add_pd(abs_pd(x), abs_pd(y)))),
                               _mm_and_pd(_mm_cmpgt_pd(d, tiny), _mm_cmpgt_pd(d, half)));
        m |= (unsigned)_mm_movemask_pd(c) << (2 * h);
    }
    return m;
}
#endif

/* bits set in a 4-bit mask */
#define NIB_POP(m) ((uint32_t)(0x4332322132212110ull >> (4u * (m))) & 15u)

/* nnz_diff() from feature k (a multiple of 4 below dim & ~3, or the end of the blocks)
 * on, with n features counted before it, the first of them *first. */
static uint32_t nnz_from(const float *a, const float *b, float qe, uint32_t dim, uint32_t cap,
                         uint32_t k, uint32_t n, int *first)
{
#if BD_SSE2
    for (; k + 4 <= dim && n < cap; k += 4) {
        unsigned m = moved4(a + k, b + k, qe);
        if (!m)
            continue;
        if (n == 0)
            *first = (int)k + __builtin_ctz(m);
        n += NIB_POP(m);
    }
    if (n >= cap)
        return cap;
#endif
    for (; k < dim && n < cap; k++)
        if (moved(a[k], b[k], qe)) {
            if (n++ == 0)
                *first = (int)k;
        }
    return n;
}

/* How many features a and b differ in beyond rounding (moved()), counting up to <cap>;
 * *first = the first such feature (-1 none). */
static uint32_t nnz_diff(const float *a, const float *b, float qe, uint32_t dim, uint32_t cap,
                         int *first)
{
    *first = -1;
    return nnz_from(a, b, qe, dim, cap, 0, 0, first);
}

/* nnz_diff(q, row i, ...) of the n row-major rows into qn[i], qf[i], up to the first row
 * equal to q (qn 0: false, the rows after it left out): the kernels' moved_rows, the same
 * test as moved() (an AVX2 path where the CPU has one, one row's four features a
 * register). */
static bool nnz_rows(const float *q, const float *rows, uint32_t n, float qe, uint32_t dim,
                     uint32_t cap, uint32_t *qn, int *qf)
{
    return ig_kern()->moved_rows(q, rows, n, dim, qe, cap, qn, qf);
}

/* a and b differ somewhere by at least 8 decimal steps: a step that rounding to qe cannot
 * have made (readings printed as coarsely as their noise move by a step or two, and
 * coincide by chance). */
static bool coarse(const float *a, const float *b, float qe, uint32_t dim)
{
    if (qe <= 0)
        return true;
    for (uint32_t k = 0; k < dim; k++)
        if (fabs((double)a[k] - (double)b[k]) >= 8.0 * qe)
            return true;
    return false;
}

/* q + sa*a + sb*b + sc*c == 0 coordinate-wise within rounding (c may be NULL): float32's,
 * plus half the decimal step qe per input */
/* (inlined: the parallelogram search calls it for every triple of candidates, and most
 * fail at the first coordinate, where a call and the tolerance's setup were the cost) */
__attribute__((always_inline))
static inline bool zero_comb(const float *q, const float *a, double sa, const float *b, double sb,
                             const float *c, double sc, float qe, uint32_t dim)
{
    double qtol = 0.5 * qe * (1.0 + fabs(sa) + fabs(sb) + (c ? fabs(sc) : 0.0)) * 1.0001;
    for (uint32_t k = 0; k < dim; k++) {
        double v = (double)q[k] + sa * a[k] + sb * b[k] + (c ? sc * c[k] : 0.0);
        double tol = 4.0 * ULP * (fabs((double)q[k]) + fabs(sa * a[k]) + fabs(sb * b[k]) +
                                  (c ? fabs(sc * c[k]) : 0.0)) + qtol + 1e-30;
        if (fabs(v) > tol)
            return false;
    }
    return true;
}

struct rel_hit {
    bool line, line_evid, synth;
    int coord;            /* synth: the coordinate the relation moves, -1 dense */
    int base, step;       /* q is a sparse step (first coordinate <step>) from slot <base>; -1 none */
    bool approx;          /* that step is sparse only up to noise (dominant()) */
    bool asynth;          /* ... and its base already had a child: a sibling or mirror */
    bool two;             /* a two-sided relation: a mirror or a parallelogram */
    int para;             /* a parallelogram q + a == b + c: slot a, -1 none */
    int anti;             /* a dense two-sided relation's other row of q's pair (q + a is
                           * twice the centre: a mirror's a, a parallelogram's a), -1 none */
    int far_all;          /* the kept input farthest from q that q moves off in min(3, dim)
                           * coordinates or more, fresh or not (cloud_seed()), -1 none */
    float far_d2;         /* its squared distance (as near_d2) */
    int swept;            /* the slot q shows swept (a second, non-mirror child along one
                           * coordinate, see relations()), -1 none */
    float qe;             /* the decimal step the relations allowed for */
    bool star_child;      /* q is a child of one of the client's stars */
    uint32_t star;        /* coordinates mirrored around that star's base */
    bool star_new;        /* q mirrored an earlier child of that star (a new coordinate) */
    bool star_first;      /* q is that star's first child along its coordinate */
    uint64_t star_base;   /* that star's base: its row */
    int star_coord;       /* q's coordinate off it */
    bool star_approx;     /* ... through noise (dominant()) */
    bool moved;           /* q probes around a moved centre (centre_moved()) */
    uint64_t centre;      /* that centre: its row */
    int nearest;          /* q's nearest kept input (slot), -1 none */
    float near_d2;        /* its squared distance (model's scale, or raw units without one) */
    uint32_t near_nnz;    /* coordinates q moves off it (at most min(3, dim)) */
    int near_first;       /* the first of them */
    double rest;          /* q's move off its largest coordinate against its nearest fresh
                           * input: the others' mean square (model's scale); -1 none */
    float newest_d2;      /* squared distance (model's scale) to the newest kept input, -1
                           * none measured */
    int same;             /* q repeats this kept input exactly (slot, the first), -1 none */
};

static const float *rel_at(const struct bd_state *st, uint32_t dim, uint32_t i)
{
    return st->rel + (size_t)i * dim;
}

/* Stored input i came in one of the client's last REL_FRESH requests: a search probes
 * around the point it holds now (SimBA's base, ZOO's centre: the same or the previous few
 * requests, also when each request carries a batch of targets); a sensor whose quantised
 * readings flicker back to an old value is not probing. */
#define REL_FRESH 4
#define SWEPT 2          /* rel_judged bit: the slot's input had a feature swept */
#define CHILD 4          /* rel_judged bit: the slot's input was a sparse child of its base
                          * or of a star (a probe) */
#define MOVED 8          /* rel_judged bit: the slot's input moved a probed centre a little */
#define KEPT 16          /* rel_judged bit: a CHILD that went toward the boundary (toward()) */
#define MEET 32          /* rel_judged bit: the step into this row lies on a line that met an
                          * earlier pair's line far off (toward_row) */
#define ISO 64           /* rel_judged bit: the step into this row is dense and the row
                          * before it lies off its line (a pair's line, toward_row) */
#define CENTRE_MOVE 0.1  /* a search's centre moves by at most this many spreads per
                          * coordinate (RMS) between rounds of probes (rel_row) */
static inline bool fresh(const struct bd_state *st, uint32_t i)
{
    return st->requests - st->rel_req[i] <= REL_FRESH;
}

/* q - b moves one coordinate far more than the others, in the model's scale: the move of
 * the largest one squared is at least 12 + 200 / dim times the others' mean square (37x at
 * 8 features, 19x at 30, 15x at 64: Gaussian noise alone passes about once in 1,000
 * steps), and at least 8 decimal steps of the client's rounding. A search that adds noise to every query
 * (a few % of the spread) moves every coordinate a little and its step coordinate a lot;
 * natural near-duplicates move them all alike. Below 8 features the other coordinates are
 * too few to measure the noise on one row (3 of them on iris: their mean square varies
 * 10x from row to row), so the test is against the client's noise floor pooled over its
 * recent rows (<floor>, noise_learn()): at least NOISE_DOM times it (a 5-sigma move: a
 * Gaussian coordinate passes about once in 30,000 rows), and still 6 times this row's
 * others' mean square, from 4 features. And the others move by noise, not by a record's
 * differences: in the model's scale their RMS is at most NOISE_MAX spreads (an attacker's
 * noise is a few % of the spread, two noisy queries' difference ~1.4x it; two different
 * records differ by ~1 spread a coordinate, and their differences are heavy-tailed, not
 * Gaussian: one coordinate of a new record 3.4 spreads off a probe of the record before,
 * the other 29 at 0.75 RMS, passed the ratio on breast cancer, a local prober's next
 * record taken for a kept step's noisy child: a moved centre). Without a scale (wide
 * inputs in raw units) the ratio alone. Returns the coordinate, -1 none. */
#define NOISE_DOM 25.0
#define NOISE_MAX 0.25
/* The client's noise per coordinate (nz_learn()): an attacker's noise, a sensor's, need not
 * follow the model's scale (SimBA behind 1 % of each feature's standard deviation, on
 * breast cancer's skewed features whose robust spread is 0.3-1.5 times it: one
 * coordinate's noise 25 times another's in the model's scale, and a step's square came 9-15
 * times the others' mean square, under the ratio test). From NZ_READY rows within noise
 * of their nearest fresh input, 8 to NZ_MAXDIM features and a model's scale, each
 * coordinate's move is judged against its own mean square, shrunk toward the mean of all
 * (NZ_PRIOR rows of it: a coordinate seen still a few times is not taken for silent). */
#define NZ_MAXDIM 256
#define NZ_READY 4
#define NZ_W 16          /* rows of the running mean */
#define NZ_PRIOR 4.0
#define NZ_CLIP 4.0      /* a row's square counts at most this many times the mean square */
static inline bool nz_ready(const struct bd_state *st)
{
    return st->nzp && st->nz_n >= NZ_READY && st->nz_mean > 0;
}

/* Coordinate k's noise (mean square, model's scale): its own, shrunk toward the mean */
static inline double nz_var(const struct bd_state *st, uint32_t k)
{
    return st->nzp[st->dim + k];
}

/* The noise floor noisy_mirror() judges coordinate k's mirror against: its own once the
 * client's noise per coordinate is known, else the pooled floor */
static inline double nz_floor(const struct bd_state *st, const float *inv, uint32_t dim, int k)
{
    double v = inv && dim >= 8 && nz_ready(st) ? nz_var(st, (uint32_t)k) : 0;
    return v > st->noise ? v : st->noise;
}

static int dominant(const float *q, const float *b, const float *inv, float qe, uint32_t dim,
                    const struct bd_state *st, double *step)
{
    double floor = st->noise;
    double top = 0, sum = 0, wtop = 0, wsum = 0;
    bool nz = inv && dim >= 8 && nz_ready(st);
    int kt = -1, kw = -1;
    uint32_t mv = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double z = ((double)q[k] - b[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
        mv += q[k] != b[k];
        sum += z2;
        if (z2 > top) {
            top = z2;
            kt = (int)k;
        }
        if (nz) {
            double w2 = z2 / nz_var(st, k);
            wsum += w2;
            if (w2 > wtop) {
                wtop = w2;
                kw = (int)k;
            }
        }
    }
    if (kt < 0 || dim < 4)
        return -1;
    /* the largest of dim Gaussian squares grows as 2 ln dim: from ~75 features the bound
     * is 3.5 ln dim (24x at 1,024 features, where 12x passed every other noisy frame) */
    double lim = 12.0 + 200.0 / dim, lg = 3.5 * log((double)dim);
    lim = lim > lg ? lim : lg;
    bool raw = !(inv && sum - top > NOISE_MAX * NOISE_MAX * (dim - 1)) &&
               !(dim < 8 ? floor <= 0 || top < NOISE_DOM * floor || top < 6.0 * (sum - top) / (dim - 1)
                         : top < lim * (sum - top) / (dim - 1));
    /* ... or in the client's noise units (nz_var()), where noise moves most coordinates (a
     * few channels of a quantised sensor moving by one step, the rest as they were, are
     * no step through noise) */
    if (!raw) {
        if (!nz || kw < 0 || 2 * mv < dim)
            return -1;
        double zw = ((double)q[kw] - b[kw]) * inv[kw];
        if (sum - zw * zw > NOISE_MAX * NOISE_MAX * (dim - 1) || wtop < lim * (wsum - wtop) / (dim - 1))
            return -1;
        kt = kw;
    }
    *step = (double)q[kt] - b[kt];
    if (qe > 0 && fabs(*step) < 8.0 * qe)
        return -1;
    return kt;
}

/* q is a child of b along one coordinate: exactly (every other coordinate equal up to
 * rounding), or dominating noise. Sets the coordinate, the step and whether it was exact. */
static bool child_of(const float *q, const float *b, const float *inv, float qe, uint32_t dim,
                     const struct bd_state *st, int *coord, double *step, bool *approx)
{
    int first;
    if (nnz_diff(q, b, qe, dim, 2, &first) == 1 && coarse(q, b, qe, dim)) {
        *coord = first;
        *step = (double)q[first] - b[first];
        *approx = false;
        return true;
    }
    *approx = true;
    return (*coord = dominant(q, b, inv, qe, dim, st, step)) >= 0;
}

#define STAR_IDLE 16     /* rows without a child after which a star is dropped */

/* Two children of one base along coordinate k, by <step> and <v0> (raw units), mirror each
 * other through noise: opposite, and of one length up to the noise. Their sum carries the
 * noise of both and twice the base's: 6 sigma^2 per coordinate where the client's floor
 * (noise, model's scale) is 2 sigma^2, so 3 sd is 3 sqrt(3 floor); without a floor yet,
 * 30 % of the step. And the probe is local, at most one spread long: a finite-difference
 * probe (SimBA's eps, ZOO's h, NES's sigma) is a small share of the feature's spread, a
 * sweep over the feature's range is not (a what-if grid around a record meets the record's
 * mirror image by chance). */
static bool noisy_mirror(double step, double v0, const float *inv, int k, double floor)
{
    double w = inv ? inv[k] : 1.0;
    if (step * v0 >= 0 || fabs(step) * w > 1.0)
        return false;
    double tol = floor > 0 ? 3.0 * sqrt(3.0 * floor) / w : 0.3 * fabs(step);
    return fabs(step + v0) <= tol;
}

/* The client's noise floor learns <rest> (a row's others' mean square against its nearest
 * fresh input; 0 or less: nothing): a geometric running mean over about 4 rows, each row
 * moving it at most 16x, so a jump to a new record moves it little and exact arithmetic
 * (rest 0, no noise) leaves it unset. */
static void noise_learn(struct bd_state *st, double rest)
{
    if (!(rest > 0) || rest == INFINITY)
        return;
    if (!(st->noise > 0)) {
        st->noise = (float)rest;
        return;
    }
    double r = rest / st->noise;
    r = r > 16.0 ? 16.0 : r < 1.0 / 16.0 ? 1.0 / 16.0 : r;
    st->noise = (float)(st->noise * pow(r, 0.25));
}

/* The client's noise per coordinate learns q's move off its nearest fresh input b when the
 * move is within noise (beside its largest coordinate, a search's step or the noise's
 * largest, the others' RMS at most NOISE_MAX spreads in the model's scale, and most
 * coordinates moved): a running mean over NZ_W rows, each square winsorised (below); from
 * the client's first such row (2 x dim floats, charged; refused: none, as before). */
static void nz_learn(struct bd_global *g, struct bd_state *st, const float *q, const float *b,
                     const float *inv, uint32_t dim)
{
    bool nz = nz_ready(st);
    double top = 0, sum = 0;
    uint32_t kt = 0, mv = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double z = ((double)q[k] - b[k]) * inv[k], z2 = z * z;
        mv += q[k] != b[k];
        sum += z2;
        double w2 = nz ? z2 / nz_var(st, k) : z2;
        if (w2 > top) {
            top = w2;
            kt = k;
        }
    }
    double zt = ((double)q[kt] - b[kt]) * inv[kt];
    if (!(sum > 0) || 2 * mv < dim || sum - zt * zt > NOISE_MAX * NOISE_MAX * (dim - 1))
        return;   /* (noise moves most coordinates: a few channels of a quantised sensor
                   * moving by one step, the rest as they were, are none) */
    if (!st->nzp) {
        if (!charge_st(g, st, 2 * (uint64_t)dim * sizeof(float)))
            return;
        st->nzp = calloc(2 * (size_t)dim, sizeof(float));
        if (!st->nzp) {
            g->mem_ops->uncharge(g->mem, 2 * (uint64_t)dim * sizeof(float));
            st->bytes -= 2 * (uint64_t)dim * sizeof(float);
            return;
        }
    }
    uint32_t n = st->nz_n < NZ_W ? st->nz_n + 1 : NZ_W;
    double m = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double z = ((double)q[k] - b[k]) * inv[k], z2 = z * z;
        if (!st->nz_n) {   /* the first row: its largest coordinate as the others' mean */
            st->nzp[k] = (float)(k == kt ? (sum - zt * zt) / (dim - 1) : z2);
        } else {
            /* winsorised at NZ_CLIP times the coordinate's mean square: a search's step
             * raises its coordinate's by a bounded share, and a coordinate that moves more
             * than learnt (a record drifting along it) still raises it row by row (left
             * out as the largest, one learnt too low early stayed so, its noise then taken
             * for steps: a drifting busy client flagged on breast cancer) */
            double v = st->nzp[k] > 0 ? st->nzp[k] : st->nz_mean;
            if (v > 0 && z2 > NZ_CLIP * v)
                z2 = NZ_CLIP * v;
            st->nzp[k] += (float)((z2 - st->nzp[k]) / n);
        }
        m += st->nzp[k];
    }
    st->nz_mean = (float)(m / dim);
    st->nz_n += st->nz_n < UINT16_MAX;
    /* each coordinate's noise as judged: its own mean square shrunk toward the mean of all
     * by NZ_PRIOR rows' weight (shrunk geometrically instead, a quiet coordinate's noise
     * counted for less and camera frames on breast cancer met chance steps: 2 of 980
     * benign replay streams flagged) */
    double w = st->nz_n < NZ_W ? st->nz_n : NZ_W;
    for (uint32_t k = 0; k < dim; k++)
        st->nzp[dim + k] = (float)((w * st->nzp[k] + NZ_PRIOR * st->nz_mean) / (w + NZ_PRIOR));
}

/* One more child of star s along <coord> by <step>: a mirror when the coordinate already
 * had one on the other side by the same length (exactly up to rounding, or through noise:
 * noisy_mirror()). */
static bool star_add(struct bd_state *st, uint32_t s, uint32_t dim, int coord, double step,
                     bool approx, float qe, const float *inv)
{
    bool mirrored = false;
    uint64_t bit = 1ull << (coord % 64);
    float *v0 = &st->star_step[s][coord % 64];
    if (st->star_has[s] & bit) {
        double base = st->star[(size_t)s * dim + (uint32_t)coord];
        double tol = 1e-5 * fabs(step) + 16.0 * ULP * (fabs(base) + fabs(step)) + qe;
        if (approx ? noisy_mirror(step, *v0, inv, coord, nz_floor(st, inv, dim, coord))
                   : step * *v0 < 0 && fabs(step + *v0) <= tol) {
            mirrored = !(st->star_mir[s] & bit);
            st->star_mir[s] |= bit;
        }
    } else {
        st->star_has[s] |= bit;
        *v0 = (float)step;
    }
    st->star_last[s] = st->rows + 1;
    return mirrored;
}

/* q - b moves three coordinates or more alike: its third largest move is at least half its
 * largest (in the model's scale). ZOO's and NES's centre updates move many coordinates
 * (sign steps: all alike); two probes of one record (x + d e_j, x + d e_k) move two, the
 * rest only by the noise a client adds. */
static bool dense_move(const float *q, const float *b, const float *inv, uint32_t dim)
{
    double t[3] = { 0, 0, 0 };
    for (uint32_t c = 0; c < dim; c++) {
        double z = ((double)q[c] - b[c]) * (inv ? inv[c] : 1.0f), z2 = z * z;
        if (z2 > t[2]) {
            t[2] = z2;
            if (t[2] > t[1]) {
                double u = t[1];
                t[1] = t[2];
                t[2] = u;
                if (t[1] > t[0]) {
                    u = t[0];
                    t[0] = t[1];
                    t[1] = u;
                }
            }
        }
    }
    return dim >= 3 && t[0] > 0 && 4.0 * t[2] >= t[0];
}

/* Slot b, around which q probes along coordinate <step> (-1: unknown), is a moved centre: the
 * current point of a search, derived from a point it probed before. Either a kept step (b
 * was a sparse child of its own base toward the boundary, along another coordinate than
 * q's, and q keeps that move: SimBA keeps x - e when it lowered the label's probability
 * and probes the next coordinate from there; two probes of one record, x + d e_j and
 * x + d e_k, undo each other's) or a small dense move of a probed input (MOVED: ZOO's and
 * NES's update of their centre between rounds of probes). An attack moves toward and along the boundary; a data
 * scientist's local (x +- d e_j) or one-at-a-time sensitivity analysis probes a record as
 * it is and goes on to the next record, far away: its centres never move, and a slider
 * moving one field again moves the coordinate its base moved. */
static bool centre_moved(const struct bd_state *st, const float *q, uint32_t dim, int b,
                         int step)
{
    uint8_t f = st->rel_judged[b];
    if (f & MOVED)
        return true;
    if (!(f & KEPT) || step < 0)
        return false;
    int c = st->step_coord[st->rel_row[b] % 32];
    const float *bv = rel_at(st, dim, (uint32_t)b);
    return c >= 0 && c != step &&
           2.0 * fabs((double)q[c] - bv[c]) < fabs((double)q[step] - bv[step]);
}

/* Squared distance of q to b, in the model's scale (inv NULL: raw units). */
static double dist2(const float *q, const float *b, const float *inv, uint32_t dim)
{
    double d2 = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double z = ((double)q[c] - b[c]) * (inv ? inv[c] : 1.0f);
        d2 += z * z;
    }
    return d2;
}

/* A step kept behind noise (session 23). An attacker adding noise to every query (a few %
 * of each feature's spread) leaves no single row to serve as a base: SimBA's probes are
 * x +- eps e_j around a point x it never sends again as it is, and on a model whose answers
 * are piecewise constant (boosted trees, forests) it probes one x for many rows before a
 * probe helps. Judged against single noisy rows (stars(), relations()), a probe's parent
 * is whichever noisy row is nearest: on 30 features the noise of the wide coordinates adds
 * up to about one step, and a probe around the kept step joined the old centre's star as
 * often as the new one's (efficacy blind seed 14, breast cancer's boosted trees: caught at
 * its 147th row, its first step at its 2nd). Here the rows are judged together: the
 * client's recent rows since its last jump (a segment: each row within noise of the one
 * before beside at most two coordinates, most coordinates moved: noise, not a lattice)
 * give each coordinate a centre (the median) and a noise sd (ns_centre(): a coordinate is
 * probed in a few rows only, so both are the noise's own, whatever scale the features
 * have). Against them, a row is *on* along a coordinate NS_ON noise sd or more off its
 * centre. The evidence, all in the segment:
 *  - one search: no row on along more than two coordinates;
 *  - a kept step: a coordinate k whose level changes once, at row t0, and holds for
 *    NS_AFTER rows up to q (an old level of one row only right after a jump), t0 on along
 *    k alone against the old level (a probe of the old centre), toward the boundary (its
 *    label changed, or the answer's mass off the label above the median of the rows
 *    before);
 *  - the search went on from there: the rows after t0 probe another coordinate each (two
 *    thirds of them at least, 2 or more);
 *  - a star: min_star coordinates (around the old centre or the new) probed on both sides
 *    by one length (x - e then x + e: opposite, their sum within NS_MIRROR noise sd, at
 *    most one spread long).
 * A local sensitivity analysis behind noise probes a record and goes on to the next
 * record (a jump: no step kept), a what-if slider sweeps one feature over several values
 * (no mirror), a sensor updating channels in turn changes the level of coordinate after
 * coordinate (rows on along many) and a quantised sensor moves few coordinates (no noise).
 * Returns the coordinates mirrored, 0 without the rest of the evidence; min_star fire.
 * Only rows of 8 to NZ_MAXDIM features with a model's scale; reads the kept inputs and
 * their answers (no state of its own). */
#define NS_ROWS 16      /* rows judged together (at most; the ring's slots bound it) */
#define NS_MIN 6        /* ... at least */
#define NS_ON 6.0       /* noise sd off a coordinate's centre that is a probe */
#define NS_AFTER 3      /* rows at the new level, the kept row first */
#define NS_MIRROR 4.5   /* a mirror pair's sum, in noise sd (sqrt 2 of one row's) */
#define NS_GATE 24.0    /* q's two largest squared moves off the row before, against the
                         * others' mean square (model's scale), below which it is not judged */
/* The median of v[0..n) (n at most NS_ROWS; v is sorted in place: insertion, no calls) */
static float ns_median(float *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        float x = v[i];
        uint32_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return n & 1 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

/* Coordinate c's centre over rows r[0..n) (the median) and its noise sd: the median
 * absolute difference of consecutive rows is 0.6745 sqrt(2) sd; a probe pair (x - e, x + e)
 * makes three large differences of a coordinate, a kept step one; the median absolute
 * deviation from the centre is robust to the first, the differences to the second (the
 * kept coordinate's values sit at two levels): the smaller of the two. <v>: NS_ROWS floats */
static void ns_centre(const float *const *r, uint32_t n, uint32_t c, float *v, float *med,
                      float *sd)
{
    for (uint32_t t = 0; t < n; t++)
        v[t] = r[t][c];
    *med = ns_median(v, n);
    for (uint32_t t = 0; t + 1 < n; t++)
        v[t] = fabsf(r[t][c] - r[t + 1][c]);
    float sdd = ns_median(v, n - 1) / (0.6745f * 1.41421356f);
    for (uint32_t t = 0; t < n; t++)
        v[t] = fabsf(r[t][c] - *med);
    float sdm = ns_median(v, n) / 0.6745f;
    *sd = sdd < sdm ? sdd : sdm;
}

/* noisy_kept_star()'s judgement of a kept step along coordinate kc at row t0 (rows oldest
 * first: t is r[n - 1 - t]; on/zon: each row's coordinates on and their offsets in noise sd):
 * the kept row is a probe of the old centre along kc alone (against the old level: the
 * median for a suffix, the prefix's value otherwise), toward the boundary; the rows after
 * it probe another coordinate each (two thirds of them at least, 2 or more: a channel
 * flickering to one value for a few readings, the others quiet, holds a level alone).
 * Returns the coordinates mirrored around the old centre or the new, 0 when the rest
 * fails. */
static uint32_t ns_kept(uint32_t n, int (*on)[2], float (*zon)[2], const float *sd,
                        const float *inv, const float *pf, const int *lb, int kc, uint32_t t0)
{
    for (int i = 0; i < 2; i++)
        if (on[t0][i] >= 0 && on[t0][i] != kc)
            return 0;
    float v[NS_ROWS];
    uint32_t same = 0;
    int lk = lb[n - 1 - t0];
    for (uint32_t t = 0; t < t0; t++) {
        v[t] = pf[n - 1 - t];
        same += lb[n - 1 - t] == lk;
    }
    bool flip = 2 * same < t0;
    bool up = pf[n - 1 - t0] >= 0 && v[0] >= 0 && pf[n - 1 - t0] > ns_median(v, t0);
    if (!flip && !up)
        return 0;
    uint32_t went = 0, mir = 0;
    float first_z[NZ_MAXDIM];
    int8_t first_blk[NZ_MAXDIM];   /* -1 none, 0 before t0, 1 from t0; 2 mirrored */
    memset(first_blk, -1, sizeof first_blk);
    for (uint32_t t = 0; t < n; t++) {
        int j = -1;
        float z = 0;
        uint32_t k = 0;
        for (int i = 0; i < 2; i++)
            if (on[t][i] >= 0 && on[t][i] != kc)
                j = on[t][i], z = zon[t][i], k++;
        /* (a probe is local, at most one spread long, as noisy_mirror() has it: a what-if
         * grid over a feature's range around a record meets its mirror image by chance) */
        if (k != 1 || fabs((double)z * sd[j] * inv[j]) > 1.0)
            continue;
        int8_t blk = t >= t0;
        went += t > t0;
        if (first_blk[j] == blk && (first_z[j] > 0) != (z > 0) &&
            fabsf(first_z[j] + z) <= NS_MIRROR * 1.41421356f) {
            first_blk[j] = 2;
            mir++;
        } else if (first_blk[j] != blk && first_blk[j] != 2) {
            first_blk[j] = blk, first_z[j] = z;
        }
    }
    return went >= 2 && 3 * went >= 2 * (n - 1 - t0) ? mir : 0;
}

static uint32_t noisy_kept_star(const struct bd_state *st, const float *q, uint32_t dim,
                                const float *inv, int label, float poff)
{
    if (!inv || dim < 8 || dim > NZ_MAXDIM || st->rows < NS_MIN)
        return 0;
    uint32_t cap = st->rel_n < NS_ROWS ? st->rel_n : NS_ROWS;
    const float *r[NS_ROWS];
    float pf[NS_ROWS];
    int lb[NS_ROWS];
    /* the segment, newest first: q, then back while each row is within noise of the next
     * (beside its two largest coordinates, RMS at most NOISE_MAX spreads; most coordinates
     * moved) */
    uint32_t n = 1, top[2] = { 0, 0 };
    bool bounded = false;   /* the segment starts after a jump (else: the window's edge) */
    r[0] = q, pf[0] = poff, lb[0] = label;
    while (n < cap && n < st->rows) {   /* (q is in the ring already: rel_push()) */
        uint32_t slot = (uint32_t)((st->rows - 1 - n) % st->rel_n);
        const float *a = rel_at(st, dim, slot), *b = r[n - 1];
        double t1 = 0, t2 = 0, sum = 0;
        uint32_t mv = 0, c1 = 0, c2 = 0;
        for (uint32_t c = 0; c < dim; c++) {
            double z = ((double)b[c] - a[c]) * inv[c], z2 = z * z;
            mv += a[c] != b[c];
            sum += z2;
            if (z2 > t1)
                t2 = t1, c2 = c1, t1 = z2, c1 = c;
            else if (z2 > t2)
                t2 = z2, c2 = c;
        }
        if (n == 1)
            top[0] = c1, top[1] = c2;
        if (2 * mv < dim || sum - t1 - t2 > NOISE_MAX * NOISE_MAX * (dim - 2)) {
            bounded = true;
            break;
        }
        /* (cost: q itself moves one or two coordinates far beyond the others off the row
         * before it, as a probe does off the probe before; noisy copies of one point, camera
         * frames, do not, and are not judged further: the medians below cost ~dim x 50
         * comparisons a row) */
        if (n == 1 && t1 + t2 < NS_GATE * (sum - t1 - t2) / (dim - 2))
            return 0;
        r[n] = a, pf[n] = st->rel_u[slot], lb[n] = st->rel_lab[slot];
        n++;
    }
    if (n < NS_MIN)
        return 0;
    /* oldest first from here: row t is r[n - 1 - t] */
    float med[NZ_MAXDIM], sd[NZ_MAXDIM], v[NS_ROWS];
    uint32_t quiet = 0;
    /* (cost: first the two coordinates q moved most off the row before: unless q or that
     * row is on along one of them, a probe or a kept level, nothing more is judged) */
    bool any = false;
    for (int i = 0; i < 2; i++) {
        uint32_t c = top[i];
        ns_centre(r, n, c, v, &med[c], &sd[c]);
        for (uint32_t t = 0; t < 2; t++)
            any |= sd[c] > 0 && fabs(((double)r[t][c] - med[c]) / sd[c]) >= NS_ON;
    }
    if (!any)
        return 0;
    for (uint32_t c = 0; c < dim; c++) {
        if (c != top[0] && c != top[1])
            ns_centre(r, n, c, v, &med[c], &sd[c]);
        quiet += !(sd[c] > 0);
    }
    if (4 * quiet > dim)
        return 0;   /* a lattice or exact copies, not noise */
    /* each row's coordinates on (at most two; a third: no one search) */
    int on[NS_ROWS][2];
    float zon[NS_ROWS][2];
    for (uint32_t t = 0; t < n; t++) {
        const float *x = r[n - 1 - t];
        uint32_t k = 0;
        on[t][0] = on[t][1] = -1;
        for (uint32_t c = 0; c < dim; c++) {
            if (!(sd[c] > 0))
                continue;
            double z = ((double)x[c] - med[c]) / sd[c];
            if (fabs(z) < NS_ON)
                continue;
            if (k == 2)
                return 0;
            on[t][k] = (int)c, zon[t][k] = (float)z;
            k++;
        }
    }
    /* the kept step: coordinate k on in rows [t0, n) only, or in [0, t0) only (the median
     * then took the new level), on one side within that block (a probe pair x - e, x + e
     * at either end is none), NS_AFTER rows or more from t0; every such coordinate is
     * tried (ns_kept()), the most mirrors count */
    uint32_t best = 0;
    uint64_t tried = 0;
    for (uint32_t t = 0; t < n; t++)
        for (int i = 0; i < 2; i++) {
            int c = on[t][i];
            if (c < 0 || (tried >> (c % 64) & 1))
                continue;
            tried |= 1ull << (c % 64);
            /* c's on rows: a prefix or a suffix of the segment, at one level? */
            uint32_t first = n, last = 0, cnt = 0;
            float zlo = INFINITY, zhi = -INFINITY;
            for (uint32_t u = 0; u < n; u++)
                for (int w = 0; w < 2; w++)
                    if (on[u][w] == c) {
                        first = u < first ? u : first;
                        last = u;
                        cnt++;
                        zlo = zon[u][w] < zlo ? zon[u][w] : zlo;
                        zhi = zon[u][w] > zhi ? zon[u][w] : zhi;
                    }
            if (cnt != last - first + 1 || (zlo < 0) != (zhi < 0))
                continue;
            /* (an old level of one row on at the window's edge is a probe whose mirror fell
             * out of the window: a stuck search probing its start, from 16 rows on, had its
             * first row taken for a start left; after a jump, the search's start is that row) */
            uint32_t s0 = 0;
            if (last == n - 1 && first > 0)
                s0 = first;
            else if (first == 0 && last + 1 < n && (last > 0 || bounded || n == st->rows))
                s0 = last + 1;
            else
                continue;
            if (n - s0 < NS_AFTER)
                continue;
            uint32_t m = ns_kept(n, on, zon, sd, inv, pf, lb, c, s0);
            best = m > best ? m : best;
        }
    return best;
}

/* q joins star s as its child along coordinate k by v (see stars()). */
static void star_join(struct bd_state *st, uint32_t s, uint32_t dim, int k, double v, bool approx,
                      float qe, const float *inv, struct rel_hit *h)
{
    h->star_first = !(st->star_has[s] & (1ull << (k % 64)));
    h->star_new = star_add(st, s, dim, k, v, approx, qe, inv);
    h->star_child = true;
    h->star = pop64(st->star_mir[s]);
    h->star_base = st->star_row[s];
    h->star_coord = k;
    h->star_approx = approx;
    if (!h->moved && ((st->star_moved >> s) & 1)) {
        h->moved = true;
        h->centre = st->star_row[s];
    }
}

/* q's place among the client's stars (see struct bd_state): a child of the one whose base
 * is nearest adds to it; a second child of a ring input (h->base) that is no star yet, and
 * nearer q than every star's base, makes that input one, with its first child. Sets
 * h->star_child and h->star. The nearest base decides: a search's probes are children of
 * its current centre, and the centre before it, one kept step away, sees them as moving
 * that step's coordinate too (through noise a probe's own coordinate can hide, the kept
 * step's then dominates: the probe would join the old centre's star, as a child it is not,
 * and the current centre would never become a star). */
static void stars(struct bd_state *st, const float *q, float qe, uint32_t dim, const float *inv,
                  struct rel_hit *h)
{
    if (!st->star)
        return;
    uint32_t free_s = STAR_N, old_s = 0, near_s = STAR_N;
    double near_d2 = INFINITY;
    for (uint32_t s = 0; s < STAR_N; s++) {
        if (st->star_last[s] && st->rows + 1 - st->star_last[s] > STAR_IDLE)
            st->star_last[s] = 0;
        if (!st->star_last[s]) {
            free_s = free_s < STAR_N ? free_s : s;
            continue;
        }
        if (st->star_last[s] < st->star_last[old_s] || !st->star_last[old_s])
            old_s = s;
        double d2 = dist2(q, st->star + (size_t)s * dim, inv, dim);
        if (d2 < near_d2) {
            near_d2 = d2;
            near_s = s;
        }
    }
    /* q's own fresh base, with a child already and nearer than every star's base, is the
     * centre q probes: it becomes a star below */
    bool own = h->base >= 0 && st->rel_child[h->base] &&
               (near_s == STAR_N || st->rel_row[h->base] != st->star_row[near_s]) &&
               dist2(q, rel_at(st, dim, (uint32_t)h->base), inv, dim) < near_d2;
    if (near_s < STAR_N && !own) {
        int k;
        double v;
        bool approx;
        /* a row that is an exact one-coordinate child of its nearest input joins a star
         * only exactly: off another base by a second coordinate, up to 30 % in length, is
         * what grid values of several features around one record make (a sensitivity
         * analysis), not noise hiding a probe */
        if (child_of(q, st->star + (size_t)near_s * dim, inv, qe, dim, st, &k, &v, &approx) &&
            !(approx && h->base >= 0 && !h->approx))
            star_join(st, near_s, dim, k, v, approx, qe, inv, h);
    }
    if (h->star_child || h->base < 0 || !st->rel_child[h->base])
        return;
    uint32_t b = (uint32_t)h->base, s = free_s < STAR_N ? free_s : old_s;
    const float *bv = rel_at(st, dim, b);
    memcpy(st->star + (size_t)s * dim, bv, (size_t)dim * sizeof(float));
    st->star_row[s] = st->rel_row[b];
    st->star_has[s] = st->star_mir[s] = 0;
    st->star_last[s] = st->rows + 1;
    st->star_moved = (st->star_moved & ~(1u << s)) | (uint32_t)centre_moved(st, q, dim, (int)b, h->step) << s;
    int c = st->rel_kid[b], k;
    double v;
    bool approx;
    if (c >= 0 && st->rel_row[c] == st->rel_kid_row[b] &&
        child_of(rel_at(st, dim, (uint32_t)c), bv, inv, qe, dim, st, &k, &v, &approx))
        star_add(st, s, dim, k, v, approx, qe, inv);
    if (child_of(q, bv, inv, qe, dim, st, &k, &v, &approx))
        star_join(st, s, dim, k, v, approx, qe, inv, h);
}

/* q - ri and q - rj move one coordinate the same way, each by more than 4.1 times the
 * rounding the line test below allows there: then that test fails at that coordinate
 * whatever the norms si, sj > 0 (|ui sj + uj si| = |ui| sj + |uj| si exceeds
 * 1e-2 (|ui| sj + |uj| si) + 4 r (si + sj) when |ui|, |uj| > 4 r / 0.99), so the pair is
 * settled without them. Two unrelated earlier inputs are usually settled at their first
 * coordinates; the norms (8 x dim sums in double: 1.5 of bench_detectors' 7.3 us per
 * event at d = 784) are then not needed at all. */
static bool off_line(const float *q, const float *ri, const float *rj, uint32_t dim, float qe)
{
    uint32_t k0 = 0;
#if BD_SSE2
    /* four features at a time in the same double arithmetic (SSE2, no fused operations):
     * one predictable branch per four instead of a coin toss per feature */
    const __m128d f4 = _mm_set1_pd(4.0 * ULP), f41 = _mm_set1_pd(4.1),
                  slack = _mm_set1_pd(1.5 * qe), zero = _mm_setzero_pd();
    for (; k0 + 4 <= dim; k0 += 4) {
        const __m128 fq = _mm_loadu_ps(q + k0), fi = _mm_loadu_ps(ri + k0), fj = _mm_loadu_ps(rj + k0);
        for (int h = 0; h < 2; h++) {
            __m128d x = _mm_cvtps_pd(h ? _mm_movehl_ps(fq, fq) : fq),
                    a = _mm_cvtps_pd(h ? _mm_movehl_ps(fi, fi) : fi),
                    b = _mm_cvtps_pd(h ? _mm_movehl_ps(fj, fj) : fj);
            __m128d ui = _mm_sub_pd(x, a), uj = _mm_sub_pd(x, b);
            __m128d r = _mm_add_pd(_mm_mul_pd(f4, _mm_add_pd(_mm_add_pd(abs_pd(x), abs_pd(a)), abs_pd(b))),
                                   slack);
            __m128d lim = _mm_mul_pd(f41, r);
            __m128d c = _mm_and_pd(_mm_cmpgt_pd(_mm_mul_pd(ui, uj), zero),
                                   _mm_and_pd(_mm_cmpgt_pd(abs_pd(ui), lim),
                                              _mm_cmpgt_pd(abs_pd(uj), lim)));
            if (_mm_movemask_pd(c))
                return true;
        }
    }
#endif
    for (uint32_t k = k0; k < dim; k++) {
        double ui = (double)q[k] - ri[k], uj = (double)q[k] - rj[k];
        double r = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)ri[k]) + fabs((double)rj[k])) +
                   1.5 * qe;
        if (ui * uj > 0 && fabs(ui) > 4.1 * r && fabs(uj) > 4.1 * r)
            return true;
    }
    return false;
}

/* nrm[k] = |q - r[k]| for the m (<= REL_LINE_N) rows r[k], each a sum in double in
 * feature order (the same bits as the plain loop). At d = 784 these eight sums were half
 * of the detector's time, waiting on each add: here the eight rows run side by side, two
 * per SSE2 register (x86-64's baseline: no fused multiply-add, so each lane rounds as the
 * scalar code does), four features of four rows transposed at a time. */
static void line_norms(const float *q, const float *const *r, uint32_t m, uint32_t dim, double *nrm)
{
    uint32_t k0 = 0;
#if BD_SSE2
    if (m == REL_LINE_N) {
        __m128d acc[4] = { _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd() };
        uint32_t c = 0;
        for (; c + 4 <= dim; c += 4) {
            /* a_j: feature c + j of rows 0-3, b_j: of rows 4-7 */
            __m128 a0 = _mm_loadu_ps(r[0] + c), a1 = _mm_loadu_ps(r[1] + c),
                   a2 = _mm_loadu_ps(r[2] + c), a3 = _mm_loadu_ps(r[3] + c);
            __m128 b0 = _mm_loadu_ps(r[4] + c), b1 = _mm_loadu_ps(r[5] + c),
                   b2 = _mm_loadu_ps(r[6] + c), b3 = _mm_loadu_ps(r[7] + c);
            _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
            _MM_TRANSPOSE4_PS(b0, b1, b2, b3);
            const __m128 av[4] = { a0, a1, a2, a3 }, bv[4] = { b0, b1, b2, b3 };
            for (int j = 0; j < 4; j++) {
                const __m128d x = _mm_set1_pd((double)q[c + (uint32_t)j]);
                __m128d u;
                u = _mm_sub_pd(x, _mm_cvtps_pd(av[j]));
                acc[0] = _mm_add_pd(acc[0], _mm_mul_pd(u, u));
                u = _mm_sub_pd(x, _mm_cvtps_pd(_mm_movehl_ps(av[j], av[j])));
                acc[1] = _mm_add_pd(acc[1], _mm_mul_pd(u, u));
                u = _mm_sub_pd(x, _mm_cvtps_pd(bv[j]));
                acc[2] = _mm_add_pd(acc[2], _mm_mul_pd(u, u));
                u = _mm_sub_pd(x, _mm_cvtps_pd(_mm_movehl_ps(bv[j], bv[j])));
                acc[3] = _mm_add_pd(acc[3], _mm_mul_pd(u, u));
            }
        }
        double s[REL_LINE_N];
        for (int j = 0; j < 4; j++)
            _mm_storeu_pd(s + 2 * j, acc[j]);
        for (; c < dim; c++)
            for (uint32_t k = 0; k < REL_LINE_N; k++) {
                double u = (double)q[c] - r[k][c];
                s[k] += u * u;
            }
        for (uint32_t k = 0; k < REL_LINE_N; k++)
            nrm[k] = sqrt(s[k]);
        return;
    }
#endif
    for (; k0 < m; k0++) {
        double n2 = 0;
        for (uint32_t c = 0; c < dim; c++) {
            double u = (double)q[c] - r[k0][c];
            n2 += u * u;
        }
        nrm[k0] = sqrt(n2);
    }
}

/* The parallelogram filter's bound (relations()) for q's value <qv> and the n values v[]
 * at one coordinate: 7.01 ULP x (|qv| + 3 max |v|) + ptol + 1e-30, rounded up into float32
 * (the factor 1 + 2^-20 covers the conversion's half an ulp); false (no bound) when that
 * sum passes 1e37, where float32 sums of the values could overflow. */
static inline bool para_bound(const float *v, uint32_t n, float qv, double ptol, float *b)
{
    float mx = 0;
    uint32_t t = 0;
#if BD_SSE2
    /* (max of magnitudes: exact in any order) */
    const __m128 mag = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 m4 = _mm_setzero_ps();
    for (; t + 4 <= n; t += 4)
        m4 = _mm_max_ps(m4, _mm_and_ps(_mm_loadu_ps(v + t), mag));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    mx = _mm_cvtss_f32(_mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1)));
#endif
    for (; t < n; t++)
        mx = fabsf(v[t]) > mx ? fabsf(v[t]) : mx;
    const double smax = fabs((double)qv) + 3.0 * (double)mx;
    *b = (float)((7.01 * ULP * smax + ptol + 1e-30) * (1.0 + 0x1p-20));
    return smax <= 1e37;
}

/* Bit k (k < n <= 32) set where |v[k] - r| <= b in float32 (v readable up to n rounded up
 * to four; lanes past n may hold anything): the parallelogram search's filter (relations()),
 * four values a step */
static inline uint32_t para_near(const float *v, uint32_t n, float r, float b)
{
    uint32_t in = 0;
#if BD_SSE2
    const __m128 vr = _mm_set1_ps(r), vb = _mm_set1_ps(b),
                 mag = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    for (uint32_t k = 0; k < n; k += 4)
        in |= (uint32_t)_mm_movemask_ps(
                  _mm_cmple_ps(_mm_and_ps(_mm_sub_ps(_mm_loadu_ps(v + k), vr), mag), vb)) << k;
#else
    for (uint32_t k = 0; k < n; k++)
        in |= (uint32_t)(fabsf(v[k] - r) <= b) << k;
#endif
    return n >= 32 ? in : in & ((1u << n) - 1u);
}

/* q + a == b + c (slots ai, bi, ci: three distinct kept inputs, all distinct from q) within
 * rounding, and the two sides a probe's (relations()): sets h's parallelogram. */
static inline bool para_try(const float *q, const struct bd_state *st, uint32_t ai, uint32_t bi,
                            uint32_t ci, const uint32_t *qn, const int *qf, float qe, uint32_t dim,
                            uint32_t dense, struct rel_hit *h)
{
    const float *a = rel_at(st, dim, ai), *b = rel_at(st, dim, bi), *c = rel_at(st, dim, ci);
    if (!zero_comb(q, a, 1.0, b, -1.0, c, -1.0, qe, dim))
        return false;
    int f2;
    if (!nnz_diff(a, b, qe, dim, 1, &f2) || !nnz_diff(a, c, qe, dim, 1, &f2) ||
        !nnz_diff(b, c, qe, dim, 1, &f2))
        return false;
    /* both sides (q - b and q - c) move several coordinates: antithetic pairs around one
     * centre. A side along one coordinate is the same slider step taken on two records (a
     * what-if tool's grid), not a probe. */
    uint32_t side = qn[bi] < qn[ci] ? qn[bi] : qn[ci];
    if (side < 2 || !coarse(q, b, qe, dim) || !coarse(q, c, qe, dim) ||
        !coarse(q, a, qe, dim))   /* q a rounding step from a: b, c mirror a, no pair
                                   * (integer records: 0 and 16 around 8) */
        return false;
    h->synth = h->two = true;
    h->coord = side >= dense && dense >= 2 ? -1 : qf[bi];
    h->para = (int)ai;
    h->anti = (int)ai;
    return true;
}

static void relations(const struct bd_params *p, const struct bd_state *st, const float *q,
                      float qq, uint32_t dim, int label, double margin, const float *inv,
                      struct rel_hit *h)
{
    memset(h, 0, sizeof(*h));
    h->coord = -2;
    h->base = h->step = -1;
    h->qe = qq;
    h->rest = -1;
    h->swept = -1;
    h->nearest = -1;
    h->para = -1;
    h->anti = -1;
    h->far_all = -1;
    h->same = -1;
    h->newest_d2 = -1.0f;
    uint32_t slots = st->rel_n;
    uint32_t n = st->rows < slots ? (uint32_t)st->rows : slots;
    if (n < 1)
        return;
    uint32_t dense = dim < 3 ? dim : 3;
    /* The decimal step the client writes with: the smallest of its kept rows' (a client
     * that rounds its output rounds every row; one that does not sends its computed points
     * at full precision, and its integer or two-decimal records are then exact). */
    float qe = qq;
    uint32_t i0 = 0;
#if BD_SSE2
    /* four at a time: the steps are 0 or powers of ten, never NaN, so minps is the same
     * minimum in any order (the scalar loop waited on each compare: ~1 % of a run) */
    __m128 qv = _mm_set1_ps(qq);
    for (; i0 + 4 <= n; i0 += 4)
        qv = _mm_min_ps(_mm_loadu_ps(st->rel_quant + i0), qv);
    qv = _mm_min_ps(qv, _mm_movehl_ps(qv, qv));
    qv = _mm_min_ss(qv, _mm_shuffle_ps(qv, qv, 1));
    qe = _mm_cvtss_f32(qv);
#endif
    for (uint32_t i = i0; i < n; i++)
        qe = st->rel_quant[i] < qe ? st->rel_quant[i] : qe;
    h->qe = qe;
    /* distinctness from q and distance, once per slot */
    uint32_t qn[REL_N];
    int qf[REL_N];
    float d2[REL_N];
    int nearest = -1;
    if (!nnz_rows(q, st->rel, n, qe, dim, dense, qn, qf)) {
        for (uint32_t i = 0; i < n; i++)   /* (qn 0: the first row equal to q) */
            if (qn[i] == 0) {
                h->same = (int)i;
                break;
            }
        return;   /* a repeat (retry, re-score) adds no structure */
    }
    /* squared distance of q to each kept row, per feature scaled by inv (NULL: raw
     * units); for ranking only, in float, the same bits on every kernel path */
    ig_kern()->l2sq_rows(q, st->rel, inv, dim, n, d2);
    uint32_t j0 = 0;
#if BD_SSE2
    /* the first of the smallest, four at a time: minps passes a NaN by (as the scalar
     * loop's < does, but for a NaN in slot 0, which that loop keeps: left to it), then the
     * first slot holding that minimum (the scalar loop waited on each compare) */
    if (n >= 4 && d2[0] == d2[0]) {
        __m128 mv = _mm_set1_ps(INFINITY);
        for (; j0 + 4 <= n; j0 += 4)
            mv = _mm_min_ps(_mm_loadu_ps(d2 + j0), mv);
        mv = _mm_min_ps(mv, _mm_movehl_ps(mv, mv));
        mv = _mm_min_ps(mv, _mm_shuffle_ps(mv, mv, 0x55));
        mv = _mm_shuffle_ps(mv, mv, 0);
        for (uint32_t i = 0; i < j0; i += 4) {
            unsigned eq = (unsigned)_mm_movemask_ps(_mm_cmpeq_ps(_mm_loadu_ps(d2 + i), mv));
            if (eq) {
                nearest = (int)(i + (uint32_t)__builtin_ctz(eq));
                break;
            }
        }
    }
#endif
    for (uint32_t i = j0; i < n; i++)   /* the rest, or every slot */
        if (nearest < 0 || d2[i] < d2[nearest])
            nearest = (int)i;
    /* below 8 features (no stars): a stale nearest input gives way to a fresh one, one
     * coordinate off q, at most twice as far. A search that kept a step probes around it,
     * and each probe x1 +- e_k is one coordinate and as far from the old base's probe
     * x0 +- e_k (stale once a pass of 8 requests went by) as from x1 */
    if (dim < 8 && !fresh(st, (uint32_t)nearest)) {
        int nf = -1;
        for (uint32_t i = 0; i < n; i++)
            if (qn[i] == 1 && fresh(st, i) && (nf < 0 || d2[i] < d2[nf]))
                nf = (int)i;
        if (nf >= 0 && d2[nf] <= 4.0f * d2[nearest])
            nearest = nf;
    }
    h->nearest = nearest;
    h->near_d2 = d2[nearest];
    h->newest_d2 = d2[(st->rows - 1) % slots];
    h->near_nnz = qn[nearest];
    h->near_first = qf[nearest];
    /* (h->far_all: in the candidates' pass below) */

    /* siblings: q moves one coordinate of its nearest earlier input b, and b already had
     * such a child along another coordinate (SimBA trying coordinate after coordinate
     * around its base, ZOO's coordinate probes around one point). A sensor updating
     * channels in turn makes a chain (each reading the child of the previous one); a slider
     * sweep moves one coordinate; quantisation flicker moves a few at a time. A second
     * child along b's first child's coordinate that is not its mirror (x - e, then x + e)
     * sets that feature to another value of a grid: b is swept, as a one-at-a-time
     * sensitivity analysis (ICE curves, a tornado chart: several values of each feature in
     * turn, the others held) does, and its later children are no siblings. A search
     * probes one coordinate once or twice, the second time the mirror of the first. */
    if (dim >= 4 && qn[nearest] == 1 && fresh(st, (uint32_t)nearest) &&
        coarse(q, rel_at(st, dim, (uint32_t)nearest), qe, dim)) {
        uint32_t bi = (uint32_t)nearest;
        h->base = nearest;
        h->step = qf[nearest];
        int32_t ch = st->rel_child[bi];
        if (ch && ch - 1 != qf[nearest] && !(st->rel_judged[bi] & SWEPT)) {
            h->synth = true;
            h->coord = qf[nearest];
        } else if (ch && ch - 1 == qf[nearest]) {
            int c = st->rel_kid[bi];
            if (c >= 0 && st->rel_row[c] == st->rel_kid_row[bi] &&
                !zero_comb(q, rel_at(st, dim, (uint32_t)c), 1.0, rel_at(st, dim, bi), -2.0, NULL,
                           0, qe, dim))
                h->swept = (int)bi;
        }
    }

    /* the noise on q against its nearest fresh input: its move off the largest coordinate
     * (the client's noise floor learns it, noise_learn()) */
    if (dim >= 4 && fresh(st, (uint32_t)nearest)) {
        const float *b = rel_at(st, dim, (uint32_t)nearest);
        double top = 0, sum = 0;
        for (uint32_t k = 0; k < dim; k++) {
            double z = ((double)q[k] - b[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
            sum += z2;
            top = z2 > top ? z2 : top;
        }
        h->rest = (sum - top) / (dim - 1);
    }

    /* the same through noise an attacker adds to every query: q moves one coordinate of
     * its nearest earlier input far more than the others. It is a relation when b's first
     * child moved the same coordinate the other way by the same length up to the noise
     * (SimBA's x - e, dropped, then x + e); a second child along another coordinate is
     * what a sensor updating channels in turn makes by chance (a reading's nearest earlier
     * one is not always the one before). */
    /* ... and with the client's noise per coordinate known, when q is no such step of its
     * nearest fresh input in the model's scale, its nearest fresh input in that noise's
     * units, if another, is tried (the noise of a few wide coordinates decides the former:
     * SimBA behind noise on breast cancer, the base's dropped sibling taken for nearest), as
     * a step of one coordinate only: no second one moving half as far (two steps, a
     * grandchild of it, are no child) */
    int nb = -1;
    if (h->base < 0 && inv && dim >= 8 && nz_ready(st)) {
        double best = INFINITY;
        for (uint32_t i = 0; i < n; i++) {
            if (!fresh(st, i) || qn[i] < dense)
                continue;
            const float *r = rel_at(st, dim, i);
            double w = 0;
            for (uint32_t k = 0; k < dim && w < best; k++) {
                double z = ((double)q[k] - r[k]) * inv[k];
                w += z * z / nz_var(st, k);
            }
            if (w < best) {
                best = w;
                nb = (int)i;
            }
        }
    }
    for (int t = 0; t < 2 && h->base < 0 && dim >= 4; t++) {
        int bi = t ? nb : nearest;
        if (bi < 0 || (t && bi == nearest) || qn[bi] < dense || !fresh(st, (uint32_t)bi))
            continue;
        double v;
        const float *b = rel_at(st, dim, (uint32_t)bi);
        int k = dominant(q, b, inv, qe, dim, st, &v);
        if (k >= 0 && t) {
            double u1 = 0, u2 = 0;
            for (uint32_t c = 0; c < dim; c++) {
                double z = ((double)q[c] - b[c]) * inv[c], z2 = z * z / nz_var(st, c);
                if (z2 > u1) {
                    u2 = u1;
                    u1 = z2;
                } else if (z2 > u2) {
                    u2 = z2;
                }
            }
            if (4.0 * u2 >= u1)
                k = -1;
        }
        if (k >= 0) {
            h->base = bi;
            h->step = k;
            h->approx = true;
            int c = st->rel_kid[bi];
            h->asynth = st->rel_child[bi] - 1 == k && c >= 0 &&
                        st->rel_row[c] == st->rel_kid_row[bi] &&
                        noisy_mirror(v, (double)rel_at(st, dim, (uint32_t)c)[k] - b[k], inv, k,
                                     nz_floor(st, inv, dim, k));
        }
    }

    /* mirror around its nearest earlier input b: q - b == -(a - b), a sent after b
     * (SimBA's x - e then x + e around its base; ZOO's and NES's antithetic pairs after
     * their centre, also when other targets' rows come between). In a grid sweep the
     * nearest earlier input is the previous grid value, sent between the two. */
    if (!h->synth && fresh(st, (uint32_t)nearest) &&
        coarse(q, rel_at(st, dim, (uint32_t)nearest), qe, dim)) {
        uint32_t bi = (uint32_t)nearest;
        const float *b = rel_at(st, dim, bi);
        /* zero_comb()'s first coordinate, a superset first in float32 (as the parallelogram
         * filter below): e = a - (2b - q) rounds twice (2b is exact) by at most 2^-24 of
         * S = |q| + |a| + 2|b| each, so a pass there (|q + a - 2b| <= 4 ULP S + qtol +
         * 1e-30) has |e| <= 6.01 ULP S + qtol + 1e-30 (S <= 1e37, else no filter) */
        const double mq = fabs((double)q[0]) + 2.0 * fabs((double)b[0]),
                     mt = 0.5 * qe * (1.0 + 1.0 + 2.0) * 1.0001 + 1e-30;
        const float r0 = 2.0f * b[0] - q[0];
        const bool mfilt = mq <= 1e37;
        for (uint32_t ai = 0; ai < n; ai++) {
            if (ai == bi || !qn[ai] || st->rel_row[ai] <= st->rel_row[bi])
                continue;
            const float *a = rel_at(st, dim, ai);
            if (mfilt && fabs((double)a[0]) <= 1e37 &&
                (double)fabsf(a[0] - r0) > (6.01 * ULP * (mq + fabs((double)a[0])) + mt) * (1.0 + 0x1p-20))
                continue;
            if (zero_comb(q, a, 1.0, b, -2.0, NULL, 0, qe, dim)) {
                h->synth = h->two = true;
                h->coord = qn[bi] >= dense && dense >= 2 ? -1 : qf[bi];
                h->anti = (int)ai;
                break;
            }
        }
    }
    /* parallelogram q + a == b + c of four distinct inputs among q's nearest, both sides
     * over several coordinates (ZOO's and NES's antithetic pairs around one centre) */
    uint32_t cand[REL_NEAR + 1], nc = 0, all[REL_N], nall = 0;
    int far = -1;   /* the fresh input farthest from q: its antipode when NES sends x + s u
                     * and x - s u around a centre it never sends */
    float cd[REL_NEAR];   /* d2 of each of cand (the insertion below reads them directly) */
    int far_all = -1;     /* (h->far_all, in the same pass; a local: h's ints may alias qn) */
    for (uint32_t i = 0; i < n; i++) {
        const float di = d2[i];
        if (qn[i] >= dense && (far_all < 0 || di > d2[far_all]))
            far_all = (int)i;
        if (!qn[i] || !fresh(st, i))
            continue;
        all[nall++] = i;
        if (far < 0 || di > d2[far])
            far = (int)i;
        uint32_t k = nc < REL_NEAR ? nc++ : REL_NEAR;
        if (k == REL_NEAR) {
            if (di >= cd[REL_NEAR - 1])
                continue;
            k = REL_NEAR - 1;
        }
        while (k > 0 && cd[k - 1] > di) {
            cand[k] = cand[k - 1];
            cd[k] = cd[k - 1];
            k--;
        }
        cand[k] = i;
        cd[k] = di;
    }
    h->far_all = far_all;
    h->far_d2 = far_all >= 0 ? d2[far_all] : 0.0f;
    uint32_t na = nc;   /* candidates for a: the nearest, and the farthest */
    if (far >= 0) {
        uint32_t k = 0;
        while (k < nc && cand[k] != (uint32_t)far)
            k++;
        if (k == nc)
            cand[na++] = (uint32_t)far;
    }
    /* The triples tried are those that may pass zero_comb(q, a, 1, b, -1, c, -1) at its
     * first two coordinates (the first below 2 features); any superset of them tried in the
     * same order finds the same first parallelogram, as para_try() only writes h on
     * success. The filter runs in float32 on the inputs' own values (they are float32):
     * with e = (a + q) - (b + c), or c - ((q + a) - b), each operation rounded to float32
     * (3 roundings of at most 2^-24 of S = |q| + |a| + |b| + |c| each), a triple that
     * zero_comb() passes there (|q + a - b - c| <= 4 ULP S + ptol + 1e-30, its double sum
     * within 3 x 2^-53 S of the exact one) has |e| <= 7.000001 ULP S + ptol + 1e-30, where S
     * is at most |q| + 3 x the largest |value| among the inputs searched (para_bound()).
     * The first coordinate four values a step, the second only for what it lets through.
     * The windows before (the first coordinate alone, in double, two values a step, a pass
     * over the candidates per pair) cost, with the triples they let through, 17 % of the
     * detector on replay_x1 (iris rows: 40 % of them with 32 fresh inputs, 28 pairs and 8
     * antipode passes over 32 values a row); on iris's 0.1 cm lattice the first coordinate
     * alone let 7 triples a row through to zero_comb(), 1 % of them parallelograms. Values
     * beyond 1e37 (float32 sums could overflow): no filter, every triple tried. */
    const double ptol = 0.5 * qe * (1.0 + 1.0 + 1.0 + 1.0) * 1.0001;
    const uint32_t nk = dim < 2 ? dim : 2;
    /* With a, b and c all among the nearest: the pairs (b, c) at positions y < z of cand,
     * p-th in the order (0, 1), (0, 2) ... (6, 7), their sums s[p]; the positions x of the
     * candidates a with (a + q) - s[p] within the bound at coordinate 0, then 1: tri[x] bit
     * 8y + z; then tried in the order (x, y, z) the (a, b) loop took them in before (a,
     * then b, then c by position), so the first that passes is the same. */
    _Static_assert(REL_NEAR == 8, "a candidate's triples are one 64-bit mask, 28 pairs");
    static const uint8_t pair_bit[28] = { 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 19, 20,
                                          21, 22, 23, 28, 29, 30, 31, 37, 38, 39, 46, 47, 55 };
    static const uint32_t pair_of[REL_NEAR] = { 0x7fu, 0x1f81u, 0x3e082u, 0x3c2104u, 0x1c44208u,
                                                0x6488410u, 0xa910820u, 0xd221040u };
    static const uint32_t pairs_below[REL_NEAR + 1] = { 0x0u, 0x0u, 0x1u, 0x83u, 0x2187u,
                                                        0x4638fu, 0x4ce79fu, 0x2ddefbfu,
                                                        0xfffffffu };
    uint64_t tri[REL_NEAR] = { 0 };
    if (nc >= 3 && !h->synth) {
        float fc[2][REL_NEAR] = { { 0 } }, fq[2] = { 0, 0 }, bnd[2];
        bool filt = true;
        for (uint32_t k = 0; k < nk; k++) {
            for (uint32_t t = 0; t < nc; t++)
                fc[k][t] = rel_at(st, dim, cand[t])[k];
            fq[k] = q[k];
            filt = para_bound(fc[k], REL_NEAR, fq[k], ptol, &bnd[k]) && filt;
        }
        /* pair (y, z) is p = y (15 - y) / 2 - y - 1 + z */
        float ps[32] = { 0 };
        for (uint32_t y = 0, b = (uint32_t)-1; y + 1 < nc; b += 6 - y, y++)
            for (uint32_t z = y + 1; z < nc; z++)
                ps[b + z] = fc[0][y] + fc[0][z];
        const uint32_t valid = pairs_below[nc];
        for (uint32_t x = 0; x < nc; x++) {
            uint32_t pm = valid & ~pair_of[x];
            if (filt)
                pm &= para_near(ps, 28, fc[0][x] + fq[0], bnd[0]);
            for (; pm; pm &= pm - 1) {
                uint32_t yz = pair_bit[__builtin_ctz(pm)];
                if (filt && nk > 1 &&
                    !(fabsf((fc[1][x] + fq[1]) - (fc[1][yz >> 3] + fc[1][yz & 7])) <= bnd[1]))
                    continue;
                tri[x] |= 1ull << yz;
            }
        }
    }
    for (uint32_t x = 0; x < nc && !h->synth; x++)
        for (uint64_t t = tri[x]; t && !h->synth; t &= t - 1) {
            uint32_t yz = (uint32_t)__builtin_ctzll(t);
            para_try(q, st, cand[x], cand[yz >> 3], cand[yz & 7], qn, qf, qe, dim, dense, h);
        }
    /* with q's antipode as a, b's is c, anywhere: on a sphere around the centre b and
     * its antipode are never both near q (|q - b|^2 + |q - c|^2 is fixed) */
    if (na > nc && !h->synth) {
        float fa[2][REL_N], ab[2] = { 0, 0 };
        bool filt = true;
        for (uint32_t k = 0; k < nk; k++) {
            for (uint32_t t = 0; t < nall; t++)
                fa[k][t] = rel_at(st, dim, all[t])[k];
            for (uint32_t t = nall; t < ((nall + 3) & ~3u); t++)
                fa[k][t] = 0.0f;   /* (lanes past nall: masked off, 0 for the maximum) */
            filt = para_bound(fa[k], (nall + 3) & ~3u, q[k], ptol, &ab[k]) && filt;
        }
        const uint32_t ai = cand[nc];
        for (uint32_t y = 0; y < nc && !h->synth; y++) {
            const uint32_t bi = cand[y];
            const float *av = rel_at(st, dim, ai), *bv = rel_at(st, dim, bi);
            uint32_t pass = nall >= 32 ? ~0u : (1u << nall) - 1u;
            if (filt)
                pass &= para_near(fa[0], nall, ((float)q[0] + av[0]) - bv[0], ab[0]);
            for (; pass && !h->synth; pass &= pass - 1) {
                uint32_t t = (uint32_t)__builtin_ctz(pass), ci = all[t];
                if (ci == ai || ci == bi)
                    continue;
                if (filt && nk > 1 && !(fabsf(fa[1][t] - ((q[1] + av[1]) - bv[1])) <= ab[1]))
                    continue;
                para_try(q, st, ai, bi, ci, qn, qf, qe, dim, dense, h);
            }
        }
    }
    /* bisection: q strictly between two earlier inputs on one line of a dense direction */
    if (dim < 3)
        return;
    uint32_t m = n < REL_LINE_N ? n : REL_LINE_N;
    uint32_t newest[REL_LINE_N];
    double nrm[REL_LINE_N];   /* |q - r| of each */
    for (uint32_t k = 0; k < m; k++)
        newest[k] = (uint32_t)((st->rows - 1 - k) % slots);
    const float *lr[REL_LINE_N];
    for (uint32_t k = 0; k < m; k++)
        lr[k] = rel_at(st, dim, newest[k]);
    bool have_nrm = false;   /* the norms only for a pair that off_line() cannot settle */
    uint32_t side[REL_LINE_N] = { 0 };
#if BD_SSE2
    /* off_line()'s first four features, settled per row: bit f (f < 4) of side[k] when
     * q - r_k > L at feature f, bit 4 + f when q - r_k < -L, where L is at least the bound
     * off_line() gives any pair with r_k there (4.1 x (4 ULP x (|q| + |r_k| + |r_j|) + 1.5
     * qe), with |r_j| the largest of the m rows', a share 2^-30 above it for the rounding
     * of the other order). A pair whose sides share a bit is not between at that feature
     * and off_line() would say so; most pairs are settled there, the rest go to
     * off_line(). (Per pair this was ~20 SSE2 operations, 28 pairs a row.) */
    if (dim >= 4) {
        const __m128d f4 = _mm_set1_pd(4.0 * ULP), f41 = _mm_set1_pd(4.1),
                      slack = _mm_set1_pd(1.5 * qe), up = _mm_set1_pd(1.0 + 0x1p-30),
                      sign = _mm_set1_pd(-0.0);
        const __m128 fq = _mm_loadu_ps(q);
        const __m128d xq[2] = { _mm_cvtps_pd(fq), _mm_cvtps_pd(_mm_movehl_ps(fq, fq)) };
        __m128d big[2] = { _mm_setzero_pd(), _mm_setzero_pd() };
        __m128 fr[REL_LINE_N];
        for (uint32_t k = 0; k < m; k++) {
            fr[k] = _mm_loadu_ps(lr[k]);
            big[0] = _mm_max_pd(big[0], abs_pd(_mm_cvtps_pd(fr[k])));
            big[1] = _mm_max_pd(big[1], abs_pd(_mm_cvtps_pd(_mm_movehl_ps(fr[k], fr[k]))));
        }
        for (uint32_t k = 0; k < m; k++)
            for (int hh = 0; hh < 2; hh++) {
                __m128d a = _mm_cvtps_pd(hh ? _mm_movehl_ps(fr[k], fr[k]) : fr[k]);
                __m128d u = _mm_sub_pd(xq[hh], a);   /* q - r, as off_line() */
                __m128d lim = _mm_add_pd(_mm_add_pd(abs_pd(xq[hh]), abs_pd(a)), big[hh]);
                lim = _mm_mul_pd(_mm_mul_pd(f41, _mm_add_pd(_mm_mul_pd(f4, lim), slack)), up);
                side[k] |= (uint32_t)_mm_movemask_pd(_mm_cmpgt_pd(u, lim)) << (2 * hh) |
                           (uint32_t)_mm_movemask_pd(_mm_cmplt_pd(u, _mm_xor_pd(lim, sign)))
                               << (4 + 2 * hh);
            }
    }
#endif
    /* the pairs (x, y), y > x, of rows q moved off in `dense` coordinates or more whose
     * sides share no bit, as masks of y (in the same order: x, then y ascending); the
     * pair loop's tests took ~13 instructions a pair, 28 pairs a row (figure 1's
     * oip_v2_d64: 2.6 % of the detector) */
    _Static_assert(REL_LINE_N <= 8, "two registers of sides");
    uint32_t okm = 0;
    for (uint32_t k = 0; k < m; k++)
        okm |= (uint32_t)(qn[newest[k]] >= dense) << k;
#if BD_SSE2
    const __m128i s_lo = _mm_loadu_si128((const __m128i *)(const void *)side),
                  s_hi = _mm_loadu_si128((const __m128i *)(const void *)(side + 4)),
                  z128 = _mm_setzero_si128();
#endif
    for (uint32_t xm = okm; xm && !h->line; xm &= xm - 1) {
        const uint32_t x = (uint32_t)__builtin_ctz(xm), i = newest[x];
        const float *ri = rel_at(st, dim, i);
#if BD_SSE2
        const __m128i sx = _mm_set1_epi32((int)side[x]);
        uint32_t apart = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(
                             _mm_cmpeq_epi32(_mm_and_si128(s_lo, sx), z128))) |
                         (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(
                             _mm_cmpeq_epi32(_mm_and_si128(s_hi, sx), z128))) << 4;
#else
        uint32_t apart = 0;
        for (uint32_t k = 0; k < m; k++)
            apart |= (uint32_t)!(side[x] & side[k]) << k;
#endif
        for (uint32_t ym = okm & apart & ~((2u << x) - 1); ym; ym &= ym - 1) {
            const uint32_t y = (uint32_t)__builtin_ctz(ym), j = newest[y];
            const float *rj = rel_at(st, dim, j);
            /* q between them on a line: (q - ri) |q - rj| == -(q - rj) |q - ri| for every
             * coordinate; most pairs fail this at their first coordinate */
            if (off_line(q, ri, rj, dim, qe))
                continue;
            if (!have_nrm) {
                line_norms(q, lr, m, dim, nrm);
                have_nrm = true;
            }
            double si = nrm[x], sj = nrm[y];
            uint32_t k = 0;
            for (; k < dim; k++) {
                double ui = (double)q[k] - ri[k], uj = (double)q[k] - rj[k];
                double r = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)ri[k]) + fabs((double)rj[k])) +
                           1.5 * qe;
                if (fabs(ui * sj + uj * si) > 1e-2 * (fabs(ui) * sj + fabs(uj) * si) + 4.0 * r * (si + sj))
                    break;
            }
            if (k < dim)
                continue;
            double dot = 0, ni = 0, nj = 0, e2 = 0;
            for (k = 0; k < dim; k++) {
                double ui = (double)q[k] - ri[k], uj = (double)q[k] - rj[k];
                dot += ui * uj;
                ni += ui * ui;
                nj += uj * uj;
                double r = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)ri[k]) + fabs((double)rj[k])) +
                           1.5 * qe;
                e2 += r * r;
            }
            if (dot >= 0)
                continue;   /* not between */
            double ns = ni < nj ? ni : nj, nl = ni < nj ? nj : ni;
            if (ns < 1e4 * e2)
                continue;   /* too close to tell from rounding */
            double perp2 = ns - dot * dot / nl;
            if (perp2 > 1e-8 * ns + 4.0 * e2)
                continue;
            h->line = true;
            int32_t li = st->rel_lab[i], lj = st->rel_lab[j];
            h->line_evid = (label >= 0 && ((li >= 0 && li != label) || (lj >= 0 && lj != label))) ||
                           (margin >= 0 && margin < p->margin) ||
                           (st->rel_margin[i] >= 0 && st->rel_margin[i] < p->margin) ||
                           (st->rel_margin[j] >= 0 && st->rel_margin[j] < p->margin);
            break;
        }
    }
}

/* halving_step's step sums over coordinates k .. dim - 1 on the lattice, in their order
 * (the SSE2 pairs add theirs in the same order): a coordinate the client's rounding leaves
 * without resolution is left out */
static void lattice_sums(const float *p1, const float *p2, const float *inv, double qe,
                         uint32_t k, uint32_t dim, double *n0, double *n4, double *w2)
{
    for (; k < dim; k++) {
        double w = inv[k];
        if (qe * w > 0.25)
            continue;
        double z = ((double)p1[k] - p2[k]) * w, z2 = z * z;
        *n0 += z2;
        *n4 += z2 * z2;
        *w2 += w * w;
    }
}

/* halving_step's residues of q against +-half the step p1 - p2, summed in coordinate order
 * into *ep and *em; true when it left early, both sums above <lim> at the end of a block of
 * 16 coordinates (the sums only grow: both end above lim) */
static bool halving_residues(const float *q, const float *p1, const float *p2, const float *inv,
                             double qe, bool lattice, uint32_t dim, double lim, double *epp,
                             double *emp)
{
    double ep = 0, em = 0;
    uint32_t k0 = 0;
#if BD_SSE2
    /* two coordinates at a time, the sums in order as below; a pair ending a block of 16
     * is where the loop below would leave */
    const __m128d qev = _mm_set1_pd(qe), quarter = _mm_set1_pd(0.25), one = _mm_set1_pd(1.0);
    const __m128d c4 = _mm_set1_pd(4.0 * ULP), two = _mm_set1_pd(2.0), hv = _mm_set1_pd(0.5),
                  zero = _mm_setzero_pd();
    for (; k0 + 2 <= dim; k0 += 2) {
        __m128d w = inv ? ld2(inv + k0) : one;
        __m128d keep = lattice ? _mm_cmple_pd(_mm_mul_pd(qev, w), quarter)
                               : _mm_castsi128_pd(_mm_set1_epi32(-1));
        __m128d vq = ld2(q + k0), v1 = ld2(p1 + k0), v2 = ld2(p2 + k0);
        __m128d a = _mm_mul_pd(c4, _mm_add_pd(_mm_add_pd(abs_pd(vq), _mm_mul_pd(two, abs_pd(v1))),
                                              abs_pd(v2)));
        __m128d d0 = _mm_sub_pd(v1, v2), d1 = _mm_sub_pd(vq, v1);
        __m128d rp = _mm_sub_pd(abs_pd(_mm_sub_pd(d1, _mm_mul_pd(hv, d0))), a),
                rm = _mm_sub_pd(abs_pd(_mm_add_pd(d1, _mm_mul_pd(hv, d0))), a);
        __m128d tp = _mm_and_pd(_mm_mul_pd(_mm_mul_pd(_mm_mul_pd(rp, rp), w), w),
                                _mm_and_pd(_mm_cmpgt_pd(rp, zero), keep));
        __m128d tm = _mm_and_pd(_mm_mul_pd(_mm_mul_pd(_mm_mul_pd(rm, rm), w), w),
                                _mm_and_pd(_mm_cmpgt_pd(rm, zero), keep));
        ep += lo_pd(tp);
        ep += hi_pd(tp);
        em += lo_pd(tm);
        em += hi_pd(tm);
        if (((k0 + 1) & 15) == 15 && ep > lim && em > lim) {
            *epp = ep, *emp = em;
            return true;
        }
    }
#endif
    for (uint32_t k = k0; k < dim; k++) {
        double w = inv ? inv[k] : 1.0;
        if (lattice && qe * w > 0.25)
            continue;
        /* float32 rounding of the attacker's float64 arithmetic: excused outright */
        double a = 4.0 * ULP * (fabs((double)q[k]) + 2.0 * fabs((double)p1[k]) + fabs((double)p2[k]));
        double d0 = (double)p1[k] - p2[k], d1 = (double)q[k] - p1[k];
        double rp = fabs(d1 - 0.5 * d0) - a, rm = fabs(d1 + 0.5 * d0) - a;
        ep += rp > 0 ? rp * rp * w * w : 0.0;
        em += rm > 0 ? rm * rm * w * w : 0.0;
        if ((k & 15) == 15 && ep > lim && em > lim) {
            *epp = ep, *emp = em;
            return true;
        }
    }
    *epp = ep, *emp = em;
    return false;
}

/* A halving step whose participation ratio is below 1.5 (one coordinate dominates it) is
 * still a line through the input space, not a slider, when min(3, dim) coordinates move
 * beyond the noise. Returns the square of the min(3, dim)-th largest move of p1 - p2 in the
 * model's scale (moves under 4 decimal steps count as none; 0 when fewer coordinates are
 * kept), and in *m the coordinates kept. A slider (a user bisecting one feature, a what-if
 * tool) moves its other coordinates by nothing or by noise only. On few features a random
 * line (HopSkipJump's start against a uniform draw) has a participation ratio below 1.5
 * about as often as not. */
static double narrow_third(const float *p1, const float *p2, const float *inv, double qe,
                           bool lattice, uint32_t dim, uint32_t *m)
{
    double top[3] = { 0, 0, 0 };   /* the 3 largest squared moves */
    *m = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double w = inv ? inv[k] : 1.0;
        if (lattice && qe * w > 0.25)
            continue;
        (*m)++;
        double z = ((double)p1[k] - p2[k]) * w, z2 = z * z;
        if (z2 < 16.0 * qe * qe * w * w)   /* under 4 decimal steps: not moving */
            continue;
        if (z2 > top[0]) {
            top[2] = top[1], top[1] = top[0], top[0] = z2;
        } else if (z2 > top[1]) {
            top[2] = top[1], top[1] = z2;
        } else if (z2 > top[2]) {
            top[2] = z2;
        }
    }
    uint32_t need = dim < 3 ? dim : 3;
    return *m >= need ? top[need - 1] : 0.0;
}

/* the pooled test of a narrow halving step's line (halving_step): 25 = 5x the residue's RMS
 * per coordinate */
#define NARROW_K2 25.0

/* A narrow halving step (halving_step) not yet shown to be a line's: its numbers, for the
 * next row to pool with (halv_cand in the client's state). */
struct hv_narrow {
    bool cand;     /* this row is one */
    bool joins;    /* the row before was one and this row showed their line: it joins the chain */
    bool rev;      /* its step turned back */
    float top, r2; /* narrow_third() and its matched residue sum */
};

/* ---- halving chains: a binary search seen through noise or rounding ----
 * A binary search for the decision boundary (HopSkipJump, Boundary attack, Sign-OPT, RayS,
 * OPT) sends midpoints: each step is half the one before, along the same line, on toward
 * one end or back toward the other as the answers decide. The relation
 * q - p1 = +-(p1 - p2) / 2 ties three consecutive rows only (no endpoint needs to be kept)
 * and is tested within a share (halving_tol) of the step's length, so noise or rounding
 * added to hide the exact arithmetic hides only the steps shorter than itself, not the
 * first ones. Natural streams do not halve: frames and noisy records step at random, a
 * ramp keeps its step, a reading settling on a new value (first-order response) shrinks
 * its steps but never turns back, a slider moves one coordinate. Measured in the model's
 * scale; coordinates the client's rounding leaves without resolution (a step of a quarter
 * of their spread or more) are left out. Returns +1 (same direction), -1 (turned back), 0;
 * +-2 for a step one coordinate dominates, on a line narrow_third() showed (below). */
static int halving_step(const struct bd_params *p, const struct bd_state *st, const float *q,
                        float qq, uint32_t dim, const float *inv, uint64_t key,
                        struct hv_narrow *nw)
{
    if (st->rows < 2)
        return 0;
    uint32_t slots = st->rel_n;
    uint32_t i1 = (uint32_t)((st->rows - 1) % slots), i2 = (uint32_t)((st->rows - 2) % slots);
    const float *p1 = rel_at(st, dim, i1), *p2 = rel_at(st, dim, i2);
    double qe = qq;
    qe = st->rel_quant[i1] > qe ? st->rel_quant[i1] : qe;
    qe = st->rel_quant[i2] > qe ? st->rel_quant[i2] : qe;
    /* two passes: the step's size and shape first (4 independent sums), then the residues
     * of both signs, left as soon as both exceed the bound (most rows are no halving step) */
    double n0 = 0, n4 = 0, w2 = 0;
    bool lattice = qe > 0 && inv;   /* some coordinates may have no resolution left */
    if (!inv && qe > 0.25)
        return 0;
    /* The residues first, when the step's length is known from the row before: relations()
     * measured |p1 - p2|^2 in this scale (float32 sums of float32 terms: each term within 5
     * roundings of its exact value, the sum within 63 more, so n0 <= d2 (1 + 1e-5) + 1e-30
     * whatever coordinates the lattice leaves out), and every coordinate's w^2 bounds w2.
     * Residues past the bound that gives are past the exact one: no halving step, without
     * the step's sums (an ordinary row's residues pass it within 16 coordinates). */
    double ep = 0, em = 0;
    bool have = false;
    if (st->hv_at != UINT64_MAX && st->hv_at + 1 == st->rows && st->hv_key == key) {
        double w2u = inv ? st->hv_w2 * (1.0 + 1e-9) : dim;
        double limu = 0.25 * p->halving_tol * p->halving_tol * ((double)st->hv_d2 * (1.0 + 1e-5) + 1e-30) +
                      4.0 * (3.5 / 12.0) * qe * qe * w2u;
        if (halving_residues(q, p1, p2, inv, qe, lattice, dim, limu, &ep, &em) ||
            (ep > limu && em > limu))
            return 0;
        have = true;   /* ep, em complete */
    }
#if BD_SSE2
    /* The same sums in the same order, each term computed two coordinates at a time (SSE2
     * doubles, no fused operations); a coordinate the lattice leaves out adds +0 (every
     * sum is +0 or more, so it stays as it was). */
    const __m128d qev = _mm_set1_pd(qe), quarter = _mm_set1_pd(0.25), one = _mm_set1_pd(1.0);
    uint32_t k2 = 0;
    if (lattice) {
        for (; k2 + 2 <= dim; k2 += 2) {
            __m128d w = ld2(inv + k2);
            __m128d keep = _mm_cmple_pd(_mm_mul_pd(qev, w), quarter);
            __m128d z = _mm_mul_pd(_mm_sub_pd(ld2(p1 + k2), ld2(p2 + k2)), w);
            __m128d z2 = _mm_and_pd(_mm_mul_pd(z, z), keep);
            __m128d z4 = _mm_mul_pd(z2, z2), ww = _mm_and_pd(_mm_mul_pd(w, w), keep);
            n0 += lo_pd(z2);
            n0 += hi_pd(z2);
            n4 += lo_pd(z4);
            n4 += hi_pd(z4);
            w2 += lo_pd(ww);
            w2 += hi_pd(ww);
        }
    } else {
        __m128d a0 = _mm_setzero_pd(), a1 = a0, b0 = a0, b1 = a0;
        for (; k2 + 4 <= dim; k2 += 4) {
            __m128d w01 = inv ? ld2(inv + k2) : one, w23 = inv ? ld2(inv + k2 + 2) : one;
            __m128d z01 = _mm_mul_pd(_mm_sub_pd(ld2(p1 + k2), ld2(p2 + k2)), w01);
            __m128d z23 = _mm_mul_pd(_mm_sub_pd(ld2(p1 + k2 + 2), ld2(p2 + k2 + 2)), w23);
            z01 = _mm_mul_pd(z01, z01);
            z23 = _mm_mul_pd(z23, z23);
            a0 = _mm_add_pd(a0, z01);
            a1 = _mm_add_pd(a1, z23);
            b0 = _mm_add_pd(b0, _mm_mul_pd(z01, z01));
            b1 = _mm_add_pd(b1, _mm_mul_pd(z23, z23));
        }
        double s0[4] = { lo_pd(a0), hi_pd(a0), lo_pd(a1), hi_pd(a1) },
               s4[4] = { lo_pd(b0), hi_pd(b0), lo_pd(b1), hi_pd(b1) };
        for (uint32_t k = k2; k < dim; k++) {
            double z = ((double)p1[k] - p2[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
            s0[0] += z2;
            s4[0] += z2 * z2;
        }
        n0 = s0[0] + s0[1] + s0[2] + s0[3];
        n4 = s4[0] + s4[1] + s4[2] + s4[3];
        if (inv) {
            uint32_t k = 0;
            for (; k + 2 <= dim; k += 2) {
                __m128d w = ld2(inv + k), ww = _mm_mul_pd(w, w);
                w2 += lo_pd(ww);
                w2 += hi_pd(ww);
            }
            for (; k < dim; k++)
                w2 += (double)inv[k] * inv[k];
        } else {
            w2 = dim;
        }
        k2 = dim;
    }
    /* the lattice's last odd coordinate */
    if (lattice)
        lattice_sums(p1, p2, inv, qe, k2, dim, &n0, &n4, &w2);
#else
    if (!lattice) {
        double s0[4] = { 0 }, s4[4] = { 0 };
        uint32_t k = 0;
        for (; k + 4 <= dim; k += 4)
            for (uint32_t u = 0; u < 4; u++) {
                double z = ((double)p1[k + u] - p2[k + u]) * (inv ? inv[k + u] : 1.0f), z2 = z * z;
                s0[u] += z2;
                s4[u] += z2 * z2;
            }
        for (; k < dim; k++) {
            double z = ((double)p1[k] - p2[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
            s0[0] += z2;
            s4[0] += z2 * z2;
        }
        n0 = s0[0] + s0[1] + s0[2] + s0[3];
        n4 = s4[0] + s4[1] + s4[2] + s4[3];
        if (inv)
            for (k = 0; k < dim; k++)
                w2 += (double)inv[k] * inv[k];
        else
            w2 = dim;
    } else {
        lattice_sums(p1, p2, inv, qe, 0, dim, &n0, &n4, &w2);
    }
#endif
    /* a step along several coordinates (participation ratio >= 1.5: not a slider, or
     * narrow_third() below), and at least 4 decimal steps per coordinate (RMS) when
     * the client rounds (quantised readings flickering by a step or two are not a search) */
    if (n0 <= 0 || n0 < 16.0 * qe * qe * w2)
        return 0;
    bool narrow = n0 * n0 < 1.5 * n4;   /* one coordinate dominates the step */
    if (narrow && dim < 2)
        return 0;
    /* (tol x |d0| / 2)^2, plus 4 x the residue rounding to qe makes on average: each of q,
     * p1, p2 off by a uniform +-qe/2 (variance qe^2/12), weighted 1, 3/2, 1/2 */
    double lim = 0.25 * p->halving_tol * p->halving_tol * n0 + 4.0 * (3.5 / 12.0) * qe * qe * w2;
    if (!have && halving_residues(q, p1, p2, inv, qe, lattice, dim, lim, &ep, &em))
        return 0;
    int s = ep <= lim ? 1 : em <= lim ? -1 : 0;
    /* A narrow step (one coordinate dominates it): a line's when min(3, dim) coordinates
     * move beyond the noise, measured on two consecutive narrow halving steps: the smaller
     * of their min(3, dim)-th largest squared moves at least NARROW_K2 times their pooled
     * residue per coordinate (the noise of 3 rows: ~1.9 sigma a coordinate, against ~1.4
     * sigma of a coordinate's own move through noise alone). One row's residue over 4
     * coordinates is too unsteady a measure of the noise (its chi-square of 4 degrees comes
     * near 0 by chance: a what-if bisection of one feature behind noise passed a single-row
     * test at 4x the RMS in ~0.8 % of its narrow halving steps, at 20x in 3 of ~95,000);
     * pooled over two rows at 5x, 1 of ~125,000 pairs (rules/schema.md). The first
     * of the two joins the chain with the second. A narrow step that halves a narrow line's
     * step (the row before was one) is on that line: later steps shrink into the noise. A
     * wide step does not pass its line on (noise alone makes short steps wide), but one
     * after a narrow step is tried with it (a line near 1.5 is narrow or wide by noise). */
    if (!s || (!narrow && !st->halv_cand))
        return s;
    if (narrow && st->halv_run && st->halv_narrow)
        return 2 * s;   /* +-2: a narrow line's step */
    uint32_t m;
    double t3 = narrow_third(p1, p2, inv, qe, lattice, dim, &m), r2 = s > 0 ? ep : em;
    if (st->halv_cand && t3 > 0) {
        double t = t3 < st->halv_ctop ? t3 : (double)st->halv_ctop;
        if (t > NARROW_K2 * ((double)st->halv_cr2 + r2) / (2.0 * m)) {
            nw->joins = true;
            return 2 * s;
        }
    }
    if (!narrow)
        return s;
    if (t3 > 0)
        nw->cand = true, nw->rev = s < 0, nw->top = (float)t3, nw->r2 = (float)r2;
    return 0;
}

/* The last halving chain (halv_run rows ending at this one, with <label>) turned back at
 * least once and its rows' answers changed label (or none was seen): the answers steer it. */
static bool halving_chain(const struct bd_params *p, const struct bd_state *st, int label)
{
    uint32_t n = st->halv_run;
    if (n < p->min_halving)
        return false;
    uint32_t slots = st->rel_n;
    n = n > slots - 1 ? slots - 1 : n;
    if (!(st->halv_rev & ((n >= 32 ? 0u : 1u << n) - 1u)))
        return false;
    /* rows of the chain: this one and the n + 1 before it (all still kept: n + 1 <= slots) */
    int seen = label;
    bool known = label >= 0;
    for (uint32_t k = 0; k <= n; k++) {
        int32_t l = st->rel_lab[(st->rows - 1 - k) % slots];
        if (l < 0)
            continue;
        if (known && l != seen)
            return true;
        seen = l;
        known = true;
    }
    return !known;
}

/* Greedy descent (score-based search: SimBA keeps a step only when it lowers the
 * probability of the true class, else it tries the mirror step or the next coordinate
 * from the same base). When q is a sparse child of its base b:
 * - q is b's first child: b has been kept as a base; if b was itself a sparse child of pb,
 *   b is greedy when it lowered the probability of their label;
 * - b already had a child c: c was dropped; c is greedy when it had not lowered it.
 * A sensor updating channels in turn, or flickering between quantised values, keeps its
 * readings whatever their answers, so half its choices go against the greedy rule. */
static bool same_label_p(const struct bd_state *st, uint32_t a, uint32_t b)
{
    return st->rel_u[a] >= 0 && st->rel_u[b] >= 0 && st->rel_lab[a] >= 0 &&
           st->rel_lab[a] == st->rel_lab[b];
}

static void descent_link(struct bd_state *st, const struct rel_hit *h, bool *desc, bool *asc)
{
    *desc = *asc = false;
    if (h->base < 0)
        return;
    uint32_t b = (uint32_t)h->base;
    if (!st->rel_child[b]) {
        int pb = st->rel_par[b];
        if (pb < 0 || st->rel_row[pb] != st->rel_par_row[b] || !same_label_p(st, b, (uint32_t)pb))
            return;
        /* q moves the coordinate b itself moved from pb: b is no kept step but another
         * value of the same field (two users editing one field of a popular record, a
         * slider); a search goes on to the next coordinate */
        if (st->rows - st->rel_row[b] < 32 && st->step_coord[st->rel_row[b] % 32] == h->step)
            return;
        *desc = st->rel_u[b] > st->rel_u[pb];
    } else {
        /* b's first child c is judged once, at b's second child: more children of b (one
         * user editing one field of a record at a time, many users editing a popular one)
         * would count the same choice again and again */
        int c = st->rel_kid[b];
        if (c < 0 || st->rel_row[c] != st->rel_kid_row[b] || (st->rel_judged[b] & 1) ||
            !same_label_p(st, b, (uint32_t)c))
            return;
        st->rel_judged[b] |= 1;
        *desc = st->rel_u[c] <= st->rel_u[b];
    }
    *asc = !*desc;
}

/* A row (label <label>, mass off it <poff>) went toward the boundary from stored input b:
 * its label changed, or its answer's mass off the label grew (a score-based search keeps a
 * step only when it lowered the label's probability). */
static bool toward(const struct bd_state *st, int b, int label, float poff)
{
    int32_t lb = st->rel_lab[b];
    if (label < 0 || lb < 0)
        return false;
    return label != lb || (poff >= 0 && st->rel_u[b] >= 0 && poff > st->rel_u[b]);
}

static void rel_push(struct bd_state *st, const float *q, float qq, uint32_t dim, int label,
                     double margin, float poff, const struct rel_hit *h, uint8_t flags)
{
    uint32_t slot = (uint32_t)(st->rows % st->rel_n);
    bool desc, asc;
    descent_link(st, h, &desc, &asc);
    st->desc_m = (st->desc_m << 1) | desc;
    st->asc_m = (st->asc_m << 1) | asc;
    bool par = h->base >= 0 && (uint32_t)h->base != slot;
    st->rel_par[slot] = (int16_t)(par ? h->base : -1);
    st->rel_par_row[slot] = par ? st->rel_row[h->base] : 0;
    if (par && !st->rel_child[h->base]) {
        st->rel_kid[h->base] = (int16_t)slot;
        st->rel_kid_row[h->base] = st->rows;
    }
    st->rel_kid[slot] = -1;
    st->rel_judged[slot] = (uint8_t)((par || h->star_child ? CHILD : 0) |
                                     (par ? flags & KEPT : 0) | (flags & MOVED));
    st->rel_u[slot] = poff;
    memcpy(st->rel + (size_t)slot * dim, q, (size_t)dim * sizeof(float));
    st->rel_row[slot] = st->rows;
    st->rel_lab[slot] = label;
    st->rel_margin[slot] = (float)margin;
    st->rel_child[slot] = 0;
    st->rel_req[slot] = st->requests;
    st->rel_quant[slot] = qq;
    if (h->base >= 0 && (uint32_t)h->base != slot && !st->rel_child[h->base])
        st->rel_child[h->base] = h->step + 1;
    /* below 8 features (no stars): a base probed exactly stays fresh while its probes go
     * on (trees: a pass of 8 requests before a probe helps, on iris's 4 features) */
    if (dim < 8 && h->base >= 0 && (uint32_t)h->base != slot && !h->approx)
        st->rel_req[h->base] = st->requests;
    st->line_m = (st->line_m << 1) | h->line;
    st->levid_m = (st->levid_m << 1) | (h->line && h->line_evid);
    st->synth_m = (st->synth_m << 1) | h->synth;
    st->moved_m = (st->moved_m << 1) | h->moved;
    st->moved_c[st->rows % 16] = (uint16_t)h->centre;
    st->asyn_m = (st->asyn_m << 1) | h->asynth;
    st->two_m = (st->two_m << 1) | h->two;
    if (h->swept >= 0 && (uint32_t)h->swept != slot)
        st->rel_judged[h->swept] |= SWEPT;
    st->synth_coord[st->rows % 32] = (int16_t)(h->synth ? h->coord : -2);
    st->step_coord[st->rows % 32] = (int16_t)(h->base >= 0 ? h->step : -2);
    st->rows++;
    if (h->line)
        st->last_line = st->rows;
}

/* Distinct coordinates of the sparse relations in the last 16 rows; dense ones count apart. */
static uint32_t synth_spread(const struct bd_state *st, uint32_t *dense)
{
    uint64_t seen = 0;
    uint32_t n = 0;
    *dense = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        if (!((st->synth_m >> k) & 1))
            continue;
        int c = st->synth_coord[(st->rows - 1 - k) % 32];
        if (c == -1) {
            (*dense)++;
        } else if (c >= 0 && !((seen >> (c % 64)) & 1)) {
            seen |= 1ull << (c % 64);
            n++;
        }
    }
    return n;
}

/* Distinct coordinates (mod 64) of the sparse steps in the last 16 rows. */
static uint32_t step_distinct(const struct bd_state *st)
{
    uint64_t seen = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        int c = st->step_coord[(st->rows - 1 - k) % 32];
        if (c >= 0)
            seen |= 1ull << (c % 64);
    }
    return pop64(seen);
}

/* Distinct moved centres probed around in the last 16 rows (at most 2 counted). */
static uint32_t moved_centres(const struct bd_state *st)
{
    uint32_t n = 0, first = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        if (!((st->moved_m >> k) & 1))
            continue;
        uint32_t c = st->moved_c[(st->rows - 1 - k) % 16];
        if (!n++)
            first = c;
        else if (c != first)
            return 2;
    }
    return n > 0;
}

/* Sparse steps in the last 16 rows, and how often the coordinate changes from one to the
 * next: a search moves a coordinate once or twice and goes on to another (SimBA, ZOO), a
 * slider sweeps one coordinate over many values. */
static uint32_t step_switches(const struct bd_state *st, uint32_t *steps)
{
    uint32_t n = 0;
    int prev = -2;
    *steps = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        int c = st->step_coord[(st->rows - 1 - k) % 32];
        if (c < 0)
            continue;
        (*steps)++;
        n += prev >= 0 && c != prev;
        prev = c;
    }
    return n;
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

/* Below 8 features: every coordinate q moves off its nearest kept input b takes a value the
 * client sent on that coordinate in another kept input, bit for bit: q recombines values of
 * rows it sent (Kernel SHAP's coalitions put a record's values and background rows' values
 * side by side; a what-if tool copies another record's value into a field), where a search's
 * step puts a new value there (x_j +- e, a bisection's midpoint, x + s u). On 4 features such
 * rows meet siblings and parallelograms of one another by chance: the values of ~10 records
 * combined in every way (Kernel SHAP against iris, efficacy seed 16: "score-based search" at
 * its 430th row). A search sending a value of another of its rows back (SimBA probing a
 * coordinate again around a kept step, x_j + e - e) sends new values in its other rows. */
static bool recombined(const struct bd_state *st, const float *q, uint32_t b, uint32_t dim)
{
    uint32_t n = st->rows < st->rel_n ? (uint32_t)st->rows : st->rel_n;
    const float *bv = rel_at(st, dim, b);
    bool moved = false;
    for (uint32_t j = 0; j < dim; j++) {
        if (q[j] == bv[j])
            continue;
        moved = true;
        bool seen = false;
        for (uint32_t i = 0; i < n && !seen; i++)
            seen = i != b && rel_at(st, dim, i)[j] == q[j];
        if (!seen)
            return false;
    }
    return moved;
}

/* Below 8 features: q's step from its nearest input b is a step of a lattice anchored at 0,
 * coarse against the features' spread (a quantised instrument: readings at a fixed
 * resolution, a tenth of a spread say, not necessarily a decimal one): on each coordinate
 * it moves, q and b are whole multiples of the step (|q_j - b_j|, raw units) and the step
 * is a twentieth of the feature's spread or more. Such rows meet exact relations by chance
 * (decimal_quantum()'s coarse test, for any resolution). A search steps from a record it
 * did not choose to put on its step's lattice. */
static bool lattice_step(const float *q, const float *b, const float *inv, uint32_t dim)
{
    uint32_t moved = 0;
    for (uint32_t j = 0; j < dim; j++) {
        double d = fabs((double)q[j] - b[j]);
        if (d == 0)
            continue;
        if (d * inv[j] < 0.05)
            return false;
        /* whole multiples up to float32 rounding of q, b (and so of d); 0 is on every
         * lattice: no evidence */
        double t = q[j] / d, u = b[j] / d,
               tol = 1e-6 + 2.0 * FLT_EPSILON * (1.0 + (fabs(q[j]) + fabs(b[j])) / d);
        if (q[j] == 0 || b[j] == 0 || fabs(t - rint(t)) > tol * (1.0 + fabs(t)) ||
            fabs(u - rint(u)) > tol * (1.0 + fabs(u)))
            return false;
        moved++;
    }
    return moved > 0;
}

static const char bd_remediation[] =
    "Rate-limit or block this client; return labels only with rounded scores. Decision-based "
    "attacks work from labels alone, so keep this detector on (AML.M0002, AML.M0004).";

/* The last 16 rows' sparse steps go from coordinate to coordinate (not a slider's sweep). */
static bool steps_spread(const struct bd_state *st)
{
    uint32_t steps, sw = step_switches(st, &steps);
    return 5 * sw >= 2 * steps;
}

enum bd_kind { BD_PROBE, BD_WALK, BD_LINE, BD_SYNTH, BD_HALVE, BD_TOWARD, BD_NONE };

static void alarm(const struct ig_call *call, const struct ig_event *ev, const struct bd_params *p,
                  const struct bd_state *st, enum bd_kind kind, uint32_t clients)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    switch (clients ? BD_NONE : kind) {
    case BD_NONE:
        f.title = "Suspected distributed adversarial search";
        f.desc = "Near-duplicate queries from several clients of one model (a cluster of "
                 "Blacklight-style fingerprints across clients) carry the arithmetic of one "
                 "query-based evasion attack: a binary search for the decision boundary, "
                 "greedy score-based steps or mirrored probes around one base, spread over "
                 "many source addresses or identities.";
        break;
    case BD_WALK:
        f.title = "Suspected score-based adversarial search";
        f.desc = "A walk of small, synthetic (sparse or sign-structured) perturbations of the "
                 "client's own recent inputs across many coordinates: the footprint of a "
                 "score-based adversarial attack (SimBA, Square).";
        break;
    case BD_SYNTH:
        f.title = "Suspected score-based adversarial search";
        f.desc = "Queries built from the client's earlier ones by exact arithmetic over several "
                 "coordinates: mirror steps around a base (x - e, then x + e) and antithetic "
                 "pairs around one centre: the footprint of SimBA, ZOO or NES-style gradient "
                 "estimation.";
        break;
    case BD_LINE:
        f.title = "Suspected decision-boundary search";
        f.desc = "Queries placed exactly between two of the client's earlier queries on one "
                 "line (a binary search), with the answers changing label or sitting on the "
                 "boundary along it: the footprint of a decision-based attack (HopSkipJump, "
                 "Boundary attack, Sign-OPT, RayS).";
        break;
    case BD_TOWARD:
        f.title = "Suspected decision-boundary search";
        f.desc = "Pairs of consecutive queries whose lines all meet exactly in one point far "
                 "beyond them: each candidate stepped from its orthogonal (spherical) "
                 "candidate toward one original input, the footprint of the Boundary attack's "
                 "random walk along the decision boundary (Brendel et al. 2018).";
        break;
    case BD_HALVE:
        f.title = "Suspected decision-boundary search";
        f.desc = "Consecutive queries each moving half as far as the one before along one "
                 "line, turning back as the answers change label: a binary search for the "
                 "decision boundary (HopSkipJump, Boundary attack, Sign-OPT), also when noise "
                 "or rounding hides its exact arithmetic.";
        break;
    default:
        f.title = "Suspected decision-boundary probing";
        f.desc = "A run of near-duplicate queries answered with low margins or flipping labels: "
                 "the footprint of a decision-based adversarial attack (Boundary, HopSkipJump).";
    }
    f.remediation = bd_remediation;
    f.atlas[0] = "AML.T0043.001";
    f.atlas[1] = "AML.T0015";
    bool rel = kind == BD_LINE || kind == BD_SYNTH || kind == BD_HALVE || kind == BD_TOWARD;
    f.queries_seen = rel ? st->rows : st->queries;
    int sev = p->severity;
    if (rel)
        sev += (st->rel_alarms >= 10) + (st->rel_alarms >= 100);
    else
        sev += (st->run >= 10 * p->min_run) + (st->run >= 100 * p->min_run);
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = (rel ? st->rel_alarms >= 10 : st->run >= 10 * p->min_run) ? 3 : 2;
    if (rel) {
        uint32_t dense, coords = synth_spread(st, &dense);
        ig_finding_score(&f, "line_rows", pop32(st->line_m & 0xffff));
        ig_finding_score(&f, "line_label_or_margin", pop32(st->levid_m & 0xffff));
        ig_finding_score(&f, "synthetic_rows", pop32(st->synth_m & 0xffff));
        ig_finding_score(&f, "synthetic_coords", coords);
        ig_finding_score(&f, "synthetic_dense", dense);
        ig_finding_score(&f, "halving_chain", st->halv_run);
        ig_finding_score(&f, "descent_links", pop32(st->desc_m & 0xffff));
        ig_finding_score(&f, "star_coords", st->star_now);
        ig_finding_score(&f, "antithetic_pairs", st->cloud_n);
        if (pop32(st->box_m) >= BOX_V)   /* only where a box fired: no key on others */
            ig_finding_score(&f, "box_vertices", pop32(st->box_m));
        if (kind == BD_TOWARD) {   /* only where lines toward one point fired */
            uint32_t met = 0, n = (uint32_t)IG_MIN(st->rows, (uint64_t)IG_MIN(st->rel_n, st->rel_cap));
            for (uint32_t i = 0; i < n; i++)
                met += (st->rel_judged[i] & MEET) != 0;
            ig_finding_score(&f, "toward_lines", met);
        }
        ig_finding_score(&f, "alarmed_rows", (double)st->rel_alarms);
    } else {
        ig_finding_score(&f, "run", st->run);
        ig_finding_score(&f, "low_margin", st->low);
        ig_finding_score(&f, "label_flips", st->flips);
        ig_finding_score(&f, "share", (double)(st->low + st->flips) / st->run);
        ig_finding_score(&f, "distinct", st->distinct);
        ig_finding_score(&f, "structured", st->structured);
        if (st->margin_n)
            ig_finding_score(&f, "mean_margin", st->margin_sum / st->margin_n);
    }
    ig_finding_score(&f, "queries", (double)(rel ? st->rows : st->queries));
    if (clients)
        ig_finding_score(&f, "clients", clients);
    ig_emit_finding(call->emit, &f);
}

static void run_reset(const struct bd_params *p, struct bd_state *st)
{
    st->run = st->low = st->flips = st->distinct = st->margin_n = st->structured = 0;
    st->run_synth = st->run_moved = 0;
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

/* The squared radius of a small move of <x>: CENTRE_MOVE spreads per coordinate (RMS) in
 * the model's scale (<inv>), without one <near_rel> of x's norm. */
static double move_radius2(const float *x, const float *inv, uint32_t dim, double near_rel)
{
    if (inv)
        return CENTRE_MOVE * CENTRE_MOVE * dim;
    double n2 = 0;
    for (uint32_t c = 0; c < dim; c++)
        n2 += (double)x[c] * x[c];
    return near_rel * near_rel * n2;
}

/* The block of a client's parallelogram centre and antithetic cloud (see pcen): allocated
 * at the first of either, charged to the detector's budget. */
static bool pblock(struct bd_global *g, struct bd_state *st, uint32_t dim)
{
    if (st->pcen)
        return true;
    uint64_t bytes = (7ull + IG_MIN(g->p.min_antithetic, dim)) * dim * sizeof(float);
    if (!charge_st(g, st, bytes))
        return false;
    if (!(st->pcen = malloc(bytes))) {
        g->mem_ops->uncharge(g->mem, bytes);
        st->bytes -= bytes;
        return false;
    }
    st->pcen_n = st->cloud_n = 0;
    return true;
}

/* A parallelogram q + a == b + c: antithetic pairs around the centre (q + a) / 2, which
 * NES and ZOO estimate a gradient at. When that centre is a small dense move (dense_move(),
 * at most CENTRE_MOVE spreads per coordinate RMS in the model's scale; without one near_rel
 * of the input's norm) of the centre of the client's last parallelogram, the search took a
 * step between two rounds of probes: a moved centre, also when the centre itself is never
 * sent (NES queries only x + s u and x - s u). A data scientist's local probes around one
 * record, then another far away, have one centre each: the same, or far apart. The last
 * centre must have been a round: two parallelograms around it at least (NES sends 25
 * pairs a round); a grid symmetric around a record (test-time augmentation by brightness
 * and contrast, x + s 1 + t x) holds parallelograms whose centres hop from one lattice
 * point to the next, each a small dense move of the last (unit test
 * test_noisy_copies_grids_coalitions_quiet). */
static void para_centre(struct bd_global *g, struct bd_state *st, const float *q, const float *a,
                        uint32_t dim, const float *inv, struct rel_hit *h)
{
    if (!pblock(g, st, dim))
        return;
    if (!st->pcen_n) {   /* the client's first parallelogram */
        for (uint32_t c = 0; c < dim; c++)
            st->pcen[c] = (float)(0.5 * ((double)q[c] + (double)a[c]));
        memcpy(st->pcen + 2 * (size_t)dim, q, (size_t)dim * sizeof(float));
        memcpy(st->pcen + 3 * (size_t)dim, a, (size_t)dim * sizeof(float));
        st->pcen_n = 1;
        return;
    }
    float *m = st->pcen + dim, *p1 = m + dim, *p2 = p1 + dim;
    /* another pair of the same round (exactly: q + a == p1 + p2 up to rounding) */
    if (zero_comb(q, a, 1.0, p1, -1.0, p2, -1.0, h->qe, dim)) {
        st->pcen_n += st->pcen_n < UINT16_MAX;
        return;
    }
    for (uint32_t c = 0; c < dim; c++)
        m[c] = (float)(0.5 * ((double)q[c] + (double)a[c]));
    int f;
    if (st->pcen_n >= 2 && nnz_diff(m, st->pcen, h->qe, dim, 3, &f) >= IG_MIN(3u, dim)) {
        double d2 = dist2(m, st->pcen, inv, dim);
        if (d2 <= move_radius2(m, inv, dim, g->p.near_rel) && dense_move(m, st->pcen, inv, dim)) {
            h->moved = true;
            h->centre = ++st->pcen_moves;
        }
    }
    memcpy(st->pcen, m, (size_t)dim * sizeof(float));
    memcpy(p1, q, (size_t)dim * sizeof(float));
    memcpy(p2, a, (size_t)dim * sizeof(float));
    st->pcen_n = 1;
}

/* An antithetic cloud: pairs q, a with q + a twice one centre (sent or not), each pair
 * dense (the relation moved min(3, dim) coordinates or more), small (half of |q - a| at
 * most CLOUD_R spreads per coordinate RMS in the model's scale; without one near_rel of
 * q's norm) and in a new direction: at least CLOUD_OFF of its length (~25 degrees) off the
 * span of the cloud's earlier new directions (in the model's scale: test-time
 * augmentation by a brightness and contrast grid symmetric around a record, x + s 1 + t x,
 * pairs in many directions of one plane, spans two), and not the pair before it's
 * magnitudes with other signs (|q - a| equal coordinate by coordinate up to rounding on
 * all but 2: complementary coalitions of a record over one background row, Kernel SHAP's
 * paired samples, and a design of experiments' antipodal corners share a centre that way;
 * so does SPSA's Rademacher estimate, left to the moved centre). That is a gradient
 * estimated by finite differences at the centre: NES's x + s u and x - s u with Gaussian
 * u (Ilyas et al. 2018), ZOO's with random directions; no perturbation-based explainer
 * (LIME, Kernel SHAP, Anchors) nor test-time augmentation by independent noisy copies
 * sends exact mirror images around one point in many directions. Returns the pairs in new
 * directions around the current centre (0: q, a is no such pair). State: the first pair's
 * two rows, the last pair's difference and up to min(min_antithetic, dim) unit
 * directions (model's scale), from the client's first such pair. */
#define CLOUD_R 0.25
#define CLOUD_OFF 0.4
/* The squared half-length of a small pair around q: CLOUD_R spreads per coordinate RMS in
 * the model's scale (<inv>), without one near_rel of q's norm. */
static double cloud_lim(const struct bd_global *g, const float *q, uint32_t dim, const float *inv)
{
    if (inv)
        return CLOUD_R * CLOUD_R * dim;
    double n2 = 0;
    for (uint32_t c = 0; c < dim; c++)
        n2 += (double)q[c] * q[c];
    return g->p.near_rel * g->p.near_rel * n2;
}

static uint32_t cloud_pair(struct bd_global *g, struct bd_state *st, const float *q,
                           const float *a, uint32_t dim, const float *inv, float qe)
{
    if (dim < 3)
        return 0;
    double half2 = 0.25 * dist2(q, a, inv, dim);
    if (!(half2 > 0) || half2 > cloud_lim(g, q, dim, inv))
        return 0;
    uint32_t nb = IG_MIN(g->p.min_antithetic, dim);   /* directions kept */
    if (!pblock(g, st, dim))
        return 0;
    float *p1 = st->pcen + 4 * (size_t)dim, *p2 = p1 + dim, *v = p2 + dim, *basis = v + dim;
    bool skip = false;   /* the pair before it's magnitudes with other signs */
    if (st->cloud_n && zero_comb(q, a, 1.0, p1, -1.0, p2, -1.0, qe, dim)) {
        uint32_t same = 0;
        for (uint32_t c = 0; c < dim; c++)
            same += !moved(fabsf(q[c] - a[c]), fabsf(v[c]), 2.0f * qe);
        skip = same + 2 >= dim;
    } else {   /* a new centre */
        memcpy(p1, q, (size_t)dim * sizeof(float));
        memcpy(p2, a, (size_t)dim * sizeof(float));
        st->cloud_n = 0;
    }
    for (uint32_t c = 0; c < dim; c++)
        v[c] = q[c] - a[c];
    if (skip || st->cloud_n >= nb)
        return st->cloud_n;
    /* the new direction's residue off the span of the kept ones (Gram-Schmidt in double
     * over float rows: the kept ones are unit vectors) */
    double r2 = 0, n2 = 0;
    float *u = basis + (size_t)st->cloud_n * dim;
    for (uint32_t c = 0; c < dim; c++) {
        u[c] = v[c] * (inv ? inv[c] : 1.0f);
        n2 += (double)u[c] * u[c];
    }
    for (uint32_t k = 0; k < st->cloud_n; k++) {
        const float *e = basis + (size_t)k * dim;
        double t = 0;
        for (uint32_t c = 0; c < dim; c++)
            t += (double)u[c] * e[c];
        for (uint32_t c = 0; c < dim; c++)
            u[c] = (float)(u[c] - t * e[c]);
    }
    for (uint32_t c = 0; c < dim; c++)
        r2 += (double)u[c] * u[c];
    if (!(r2 >= CLOUD_OFF * CLOUD_OFF * n2) || !(r2 > 0))
        return st->cloud_n;
    double inv_r = 1.0 / sqrt(r2);
    for (uint32_t c = 0; c < dim; c++)
        u[c] = (float)(u[c] * inv_r);
    return ++st->cloud_n;
}

/* The kept input a that makes q's pair around the client's antithetic cloud's centre
 * (q + a == p1 + p2 up to rounding, moving min(3, dim) coordinates or more off q), -1 none.
 * The relations find a pair among q's nearest inputs or with its farthest; on few features
 * (iris: 4) a sample's nearest inputs are other samples and its farthest often not its
 * antipode (the samples' lengths vary), so once a cloud has a centre its later pairs are
 * looked up there directly (one first-coordinate test per kept input), fresh or not
 * (cloud_seed()). */
static int cloud_antipode(const struct bd_state *st, const float *q, uint32_t dim, float qe)
{
    const float *p1 = st->pcen + 4 * (size_t)dim, *p2 = p1 + dim;
    uint32_t n = st->rows < st->rel_n ? (uint32_t)st->rows : st->rel_n;
    double t = (double)p1[0] + (double)p2[0] - (double)q[0];
    double tol = 8.0 * ULP * (fabs((double)q[0]) + fabs((double)p1[0]) + fabs((double)p2[0]) +
                              fabs(t)) + 2.0 * qe + 1e-30;
    for (uint32_t i = 0; i < n; i++) {
        const float *a = rel_at(st, dim, i);
        int f;
        if (fabs((double)a[0] - t) <= tol &&
            zero_comb(q, a, 1.0, p1, -1.0, p2, -1.0, qe, dim) &&
            nnz_diff(q, a, qe, dim, 3, &f) >= IG_MIN(3u, dim))
            return (int)i;
    }
    return -1;
}

/* A cloud's first pair when the relations found none: q's antipode a is its farthest kept
 * input, fresh or not, and the row before q (or the one before it) is a sample whose own
 * antipode c was kept too (q + a == b + c). The relations look among the inputs of the
 * client's last REL_FRESH requests; NES sending one sample a request, its samples in the
 * order it draws them (x + s u for every u, then x - s u: Ilyas et al.'s code), puts a
 * sample's antipode 25 requests back and was never caught (unit test
 * test_nes_single_rows_alarms). Returns the slot of a, -1 none. */
static int cloud_seed(const struct bd_state *st, const float *q, uint32_t dim, float qe, int ai)
{
    uint32_t n = st->rows < st->rel_n ? (uint32_t)st->rows : st->rel_n;
    if (ai < 0 || n < 4)
        return -1;
    const float *a = rel_at(st, dim, (uint32_t)ai);
    for (uint32_t k = 1; k <= 2; k++) {
        uint32_t bi = (uint32_t)((st->rows - k) % st->rel_n);
        if (bi == (uint32_t)ai)
            continue;
        const float *b = rel_at(st, dim, bi);
        double t = (double)q[0] + (double)a[0] - (double)b[0];
        double tol = 8.0 * ULP * (fabs((double)q[0]) + fabs((double)a[0]) + fabs((double)b[0]) +
                                  fabs(t)) + 2.0 * qe + 1e-30;
        for (uint32_t ci = 0; ci < n; ci++) {
            if (ci == bi || ci == (uint32_t)ai || fabs((double)rel_at(st, dim, ci)[0] - t) > tol)
                continue;
            int f;
            const float *c = rel_at(st, dim, ci);
            if (zero_comb(q, a, 1.0, b, -1.0, c, -1.0, qe, dim) &&
                nnz_diff(b, c, qe, dim, 3, &f) >= IG_MIN(3u, dim))
                return ai;
        }
    }
    return -1;
}

/* The exact relations, halving chains, greedy choices and stars of one finite row <x>
 * against stream <st> (a client's, or a cluster's across clients), then the row joins it.
 * Returns what fires, BD_NONE if nothing. <strict> (the cluster view): only evidence no
 * set of ordinary users makes together (a line, a halving chain turning back, greedy
 * choices, a star of mirrored probes), not one-sided siblings (many users each editing
 * one field of a popular record make those). <repeat>: x repeats one of the model's recent
 * rows exactly (another user sending the same record): no step of a search, so never a
 * moved centre (a record probed by one user and sent again by another would look like a
 * step kept off one of its probes). */
/* q's step off the base of the star (base row <row>) along coordinate k is as long as one
 * of that star's probes, within a factor of 2 in the model's scale (at least half the
 * shortest, at most twice the longest): a search steps by a length it probes with (SimBA:
 * eps along every coordinate, the kept step one of its probes); a local prober's next
 * record, a coordinate of which dominates its move off an old record by chance (measured:
 * wine labels only, one such record changed the label and its probes became a search's),
 * is as long as records are apart. The shortest and longest, not their mean: a search
 * probes each feature in its own unit (eps times the feature's spread as the attacker
 * measures it: its standard deviation, its range), and where features are heavy-tailed
 * those units differ from the model's robust ones several-fold (SimBA on breast cancer's
 * gradient-boosted trees, blind efficacy seed 5: probes 0.105 to 0.621 robust spreads, mean
 * 0.21; its kept step along a coordinate of 0.105 was under half the mean and the search
 * was never caught). */
static bool star_probe_sized(const struct bd_state *st, const float *q, const float *b,
                             const float *inv, uint64_t row, int k)
{
    for (uint32_t s = 0; s < STAR_N; s++) {
        if (!st->star_last[s] || st->star_row[s] != row)
            continue;
        double lo = INFINITY, hi = 0;
        for (uint32_t c = 0; c < 64; c++) {
            if (!(st->star_has[s] & (1ull << c)) || (int)c == k % 64)
                continue;
            /* a coordinate past 64 shares its bit: its scale is one of those, whichever */
            double l = fabs((double)st->star_step[s][c]) * (inv ? inv[c] : 1.0f);
            lo = l < lo ? l : lo;
            hi = l > hi ? l : hi;
        }
        if (hi <= 0)
            return false;
        double len = fabs((double)q[k] - b[k]) * (inv ? inv[k] : 1.0f);
        return len >= 0.5 * lo && len <= 2.0 * hi;
    }
    return false;
}


/* Vertices of one L-inf box (s22-walk). The Square Attack (Andriushchenko et al., ECCV 2020:
 * score-based, L-inf) queries its target x, then x + d with every coordinate of d at +a_i
 * or -a_i (the ball's vertices: vertical stripes first, then a window of the row set to one
 * sign, kept when the margin drops), clipped to the input's bounds; so does any random
 * search over the corners of an L-inf ball. Every such row moves nearly every coordinate
 * of the centre by exactly its own a_i, the signs changing from row to row. Ordinary rows
 * meet that only on a lattice (integer pixels, readings at a fixed resolution, a what-if
 * grid: |v_k - c| equal by construction), left out: a box whose ends are, on half of its
 * coordinates, both written on one decimal step, or whose centre's values are whole
 * multiples of the lengths on half of them. A row q is a vertex of the client's current
 * box when it moves at least box_need(dim) coordinates off the centre, each of known
 * half-width by exactly that length (float32 rounding aside; a coordinate not seen moved
 * before, clipped to a bound until now, learns its half-width), and flips the sign of one
 * of the box's first coordinates (moved by both rows that found it) against the first of
 * them: a local probe x + d e_j, x - d e_j of a record that shares values with the centre
 * (digits' zero pixels) moves only coordinates the box learnt, and its record's offsets
 * never flip. A box is found from q and the client's last row v around one of its last 16
 * inputs c: box_need(dim) coordinates moved by both by the same length, the signs differing
 * on one at least, not a lattice. BOX_V new vertices (exact repeats do not count) of one
 * box among the client's last 32 rows fire. */
#define BOX_TOL 1e-5
static uint32_t box_need(uint32_t dim)
{
    uint32_t h = (dim + 1) / 2;
    return h > 3 ? h : 3;
}

static inline bool box_len_eq(double u, double v, double mag)
{
    return fabs(u - v) <= BOX_TOL * fmax(u, v) + 0x1p-21 * mag;
}

/* the decimal step a float32 value is written with (1, 0.1, ... 1e-6), 0 none */
static double value_quantum(float x)
{
    double s = 1.0;
    for (int k = 0; k <= 6; k++, s *= 10.0) {
        double v = (double)x * s;
        if (fabs(v - rint(v)) <= fabs(v) * 0x1p-22 + 1e-9)
            return 1.0 / s;
    }
    return 0;
}

static bool box_lattice(const float *c, const float *q, const float *v, uint32_t dim)
{
    uint32_t n = 0, nz = 0, zero = 0, dec = 0;
    for (uint32_t i = 0; i < dim; i++) {
        double dq = (double)q[i] - c[i], dv = (double)v[i] - c[i];
        if (dq == 0 || dv == 0)
            continue;
        double a = fabs(dq);
        n++;
        if (c[i] != 0) {   /* 0 is on every lattice */
            double r = c[i] / a;
            nz++;
            if (fabs(r - rint(r)) < 1e-3)
                zero++;
        }
        /* both ends written on one decimal step (integer pixels, 2-decimal records) */
        double sc = value_quantum(c[i]), sq = value_quantum(q[i]);
        if (sc > 0 && sq > 0) {
            double t = a / fmax(sc, sq);
            if (fabs(t - rint(t)) < 1e-3 * fmax(1.0, t * 1e-3))
                dec++;
        }
    }
    return (nz && 2 * zero >= nz) || 2 * dec >= n;
}

/* q and v: vertices of one box around c (see above) */
static bool box_pair(const float *q, const float *v, const float *c, uint32_t dim)
{
    uint32_t need = box_need(dim), both = 0, mq = 0, mv = 0;
    bool sign = false;
    for (uint32_t i = 0; i < dim; i++) {
        double dq = (double)q[i] - c[i], dv = (double)v[i] - c[i];
        mq += dq != 0;
        mv += dv != 0;
        if (dq == 0 || dv == 0)
            continue;
        double mag = fabs(c[i]) + fmax(fabs(q[i]), fabs(v[i]));
        if (!box_len_eq(fabs(dq), fabs(dv), mag))
            return false;
        both++;
        sign |= (dq > 0) != (dv > 0);
    }
    return both >= need && mq >= need && mv >= need && sign && !box_lattice(c, q, v, dim);
}

static bool box_vertex(const float *q, const float *box, uint32_t dim)
{
    const float *c = box, *a = box + dim, *f = box + 2 * (size_t)dim;
    uint32_t need = box_need(dim), known = 0;
    bool flip = false;
    for (uint32_t i = 0; i < dim; i++) {
        double d = (double)q[i] - c[i];
        if (d == 0 || a[i] == 0)
            continue;
        if (!box_len_eq(fabs(d), a[i], fabs(c[i]) + fabs(q[i])))
            return false;
        known++;
        flip |= f[i] != 0 && (d > 0) != (f[i] > 0);
    }
    return known >= need && flip;
}

static bool box_repeat(const struct bd_state *st, const float *q, uint32_t dim, uint32_t n)
{
    for (uint32_t j = 0; j < n; j++)
        if (!memcmp(rel_at(st, dim, j), q, (size_t)dim * sizeof(float)))
            return true;
    return false;
}

/* The row q (raw, before rel_row() keeps it): true when the client's current box holds
 * BOX_V new vertices among its last 32 rows, q one of them. */
static bool box_row(struct bd_global *g, struct bd_state *st, const float *q, uint32_t dim)
{
    if (dim < 4 || !st->rel || !st->rows)
        return false;
    uint32_t n = (uint32_t)IG_MIN(st->rows, (uint64_t)st->rel_n);
    n = IG_MIN(n, st->rel_cap);
    bool v = false;
    st->box_m <<= 1;
    if (st->box && box_vertex(q, st->box, dim)) {
        if (box_repeat(st, q, dim, n))
            return false;
        float *c = st->box, *a = st->box + dim;
        for (uint32_t i = 0; i < dim; i++)
            if (a[i] == 0 && q[i] != c[i])
                a[i] = fabsf(q[i] - c[i]);
        st->box_m |= 1;
        v = true;
    } else {
        /* a new box: q and the last row around one of the client's last 16 inputs (a
         * random search sends its vertices one after another, its centre first) */
        for (uint32_t back = 1; back <= 1 && back <= n && !v; back++) {
            uint32_t vs = (uint32_t)((st->rows - back) % st->rel_n);
            if (vs >= st->rel_cap)
                continue;
            const float *vr = rel_at(st, dim, vs);
            /* the first coordinate q and v differ on: a centre c either is one of them
             * there or lies halfway (box_pair()'s own test on that coordinate, first: most
             * kept inputs fail it, at a few instructions each); none, no sign differs */
            uint32_t i0 = 0;
            while (i0 < dim && q[i0] == vr[i0])
                i0++;
            if (i0 == dim)
                continue;
            const double q0 = q[i0], v0 = vr[i0], m0 = fmax(fabs(q0), fabs(v0));
            for (uint32_t k = back + 1; k <= n && !v; k++) {
                uint32_t j = (uint32_t)((st->rows - k) % st->rel_n);
                if (j >= st->rel_cap)
                    continue;
                const float *c = rel_at(st, dim, j);
                const double dq0 = q0 - c[i0], dv0 = v0 - c[i0];
                if (dq0 != 0 && dv0 != 0 && !box_len_eq(fabs(dq0), fabs(dv0), fabs(c[i0]) + m0))
                    continue;
                if (!box_pair(q, vr, c, dim))
                    continue;
                if (box_repeat(st, q, dim, n))
                    return false;
                if (!st->box) {
                    uint64_t bytes = 3ull * dim * sizeof(float);
                    if (!charge_st(g, st, bytes))
                        return false;
                    if (!(st->box = malloc(bytes))) {
                        g->mem_ops->uncharge(g->mem, bytes);
                        st->bytes -= bytes;
                        return false;
                    }
                }
                float *bc = st->box, *a = st->box + dim, *f = st->box + 2 * (size_t)dim;
                memcpy(bc, c, (size_t)dim * sizeof(float));
                for (uint32_t i = 0; i < dim; i++) {
                    float dq = q[i] - c[i], dv = vr[i] - c[i];
                    a[i] = dq != 0 ? fabsf(dq) : fabsf(dv);
                    f[i] = dq != 0 && dv != 0 ? dq : 0;
                }
                st->box_m = 1u | 1u << back;
                v = true;
            }
        }
    }
    return v && pop32(st->box_m) >= BOX_V;
}

/* Lines toward one point: the Boundary Attack (s23-walk). Brendel et al. (ICLR 2018), as
 * its authors' code runs it (foolbox 3), makes each candidate from the last adversarial
 * point b: an orthogonal step on the sphere around the original x0 (the spherical
 * candidate), then a step of the distance toward x0 (the candidate); every 10th step it
 * queries the spherical candidate too, to adapt its orthogonal step to the share that
 * stays adversarial (the paper's step-size rule). The candidate lies exactly on the line
 * from the spherical candidate to x0: the two consecutive rows (candidate, spherical
 * candidate) of every such step span a line through the one original, whatever the
 * metric, the step sizes or the answers, and x0 need not be sent. Three such lines meeting
 * in one point far beyond their own rows (MEET_FAR of each line's step at least; 1 %
 * steps: ~100), each pair of rows on its own line (the rows before them off it: an
 * interpolation path holds many rows), the lines dense and apart at their rows on many
 * coordinates by far more than rounding, is exact arithmetic toward one point. A grid in
 * one plane (brightness x contrast) meets lines by construction: the row before the
 * new pair must lie off the plane of the lines. */
#define MEET_FAR 4.0     /* the point at least this many of each line's own steps off */
#define MEET_TOL (16.0 * 0x1p-24)   /* float32 rounding per unit of value, with room */
#define MEET_INFO 10.0   /* a coordinate informs when the pairs differ there by this many
                          * tolerances */
#define TOWARD_NEAR 0.35 /* the lines' rows at most this share of their distance to the point
                          * apart */
#define TOWARD_STEP 0.1 /* a walk's step, as a share of its distance to the point */
#define TOWARD_CLOSER 0.95   /* ... and the newest this much nearer it than the oldest, or
                              * on the boundary */

static inline double meet_tol(const float *p, const float *q, double t, uint32_t i)
{
    return MEET_TOL * (1.0 + fabs(t)) * (fabs((double)p[i]) + fabs((double)q[i]));
}

/* r on the line through p and q, up to rounding */
static bool on_line(const float *r, const float *p, const float *q, uint32_t dim, uint32_t i0)
{
    double lam = ((double)r[i0] - p[i0]) / ((double)q[i0] - p[i0]);
    for (uint32_t i = 0; i < dim; i++) {
        double e = (double)r[i] - p[i] - lam * ((double)q[i] - p[i]);
        if (fabs(e) > meet_tol(p, q, lam, i) + MEET_TOL * fabs((double)r[i]))
            return false;
    }
    return true;
}

/* The lines p->q and a->b meet exactly (float32 rounding aside) at p + t (q - p) =
 * a + s (b - a), |t| and |s| at least MEET_FAR, on min(4, dim) informative coordinates or
 * more; *t. ix: q - p's three largest moves (a first 2 x 2 solve on two of them, the third
 * checked loosely: most pairs of lines stop there). */
static bool lines_meet(const float *p, const float *q, const float *a, const float *b,
                       uint32_t dim, const uint32_t ix[3], double *tp)
{
    uint32_t i = ix[0], j = ix[1], k = ix[2];
    double ui = (double)q[i] - p[i], uj = (double)q[j] - p[j];
    double vi = (double)b[i] - a[i], vj = (double)b[j] - a[j];
    double wi = (double)a[i] - p[i], wj = (double)a[j] - p[j];
    double det = vi * uj - ui * vj;
    /* sn: the sine of the angle between the lines on those two coordinates */
    double sn2 = det * det / ((ui * ui + uj * uj) * (vi * vi + vj * vj));
    double t, s;
    if (sn2 >= 1e-6) {   /* (else nearly parallel there: straight to every coordinate) */
        double sn = sqrt(sn2);
        t = (vi * wj - wi * vj) / det, s = (ui * wj - uj * wi) / det;
        if (fabs(t) < MEET_FAR || fabs(s) < MEET_FAR)
            return false;
        double ek = (double)p[k] + t * ((double)q[k] - p[k]) -
                    ((double)a[k] + s * ((double)b[k] - a[k]));
        if (fabs(ek) > (2.0 + 2.0 / sn) * (meet_tol(p, q, t, k) + meet_tol(a, b, s, k)))
            return false;
    }
    /* the least-squares meeting point, every coordinate */
    double uu = 0, vv = 0, uv = 0, wu = 0, wv = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double u = (double)q[c] - p[c], v = (double)b[c] - a[c], w = (double)a[c] - p[c];
        uu += u * u, vv += v * v, uv += u * v, wu += w * u, wv += w * v;
    }
    double den = uu * vv - uv * uv;
    if (!(den > 1e-12 * uu * vv))
        return false;
    t = (wu * vv - wv * uv) / den;
    s = (wu * uv - wv * uu) / den;
    if (fabs(t) < MEET_FAR || fabs(s) < MEET_FAR)
        return false;
    uint32_t info = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double x1 = (double)p[c] + t * ((double)q[c] - p[c]);
        double x2 = (double)a[c] + s * ((double)b[c] - a[c]);
        double tol = meet_tol(p, q, t, c) + meet_tol(a, b, s, c);
        if (fabs(x1 - x2) > tol)
            return false;
        info += fabs((double)p[c] - a[c]) > MEET_INFO * tol;
    }
    *tp = t;
    return info >= IG_MIN(4u, dim - 1);
}

/* r off the plane through X = p + t (q - p) spanned by u = q - p and v = b - a, by more
 * than rounding: r - X less its projections on e1 = u / |u| and e2, v's part off u,
 * normalised (Gram-Schmidt in doubles, coordinate by coordinate: the two lines of a walk
 * are nearly parallel, and the normal equations lose the residue to cancellation), each
 * coordinate in units of its own rounding tolerance (a plane stays a plane; a table's
 * large features would hide the residue of its small ones) */
static inline double plane_w(const float *r, const float *p, const float *q, double t, uint32_t c)
{
    return 1.0 / (meet_tol(p, q, t, c) + MEET_TOL * (fabs((double)r[c]) + 1e-6));
}

static bool off_plane(const float *r, const float *p, const float *q, const float *a,
                      const float *b, double t, uint32_t dim)
{
    double uu = 0, uv = 0, yu = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double k = plane_w(r, p, q, t, c);
        double u = ((double)q[c] - p[c]) * k, v = ((double)b[c] - a[c]) * k;
        double y = ((double)r[c] - ((double)p[c] + t * ((double)q[c] - p[c]))) * k;
        uu += u * u, uv += u * v, yu += y * u;
    }
    if (!(uu > 0))
        return false;
    double ku = uv / uu, ww = 0, yw = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double k = plane_w(r, p, q, t, c);
        double u = ((double)q[c] - p[c]) * k, w = ((double)b[c] - a[c]) * k - ku * u;
        double y = ((double)r[c] - ((double)p[c] + t * ((double)q[c] - p[c]))) * k;
        ww += w * w, yw += y * w;
    }
    if (!(ww > 0))
        return false;
    double res = 0, cu = yu / uu, cw = yw / ww;
    for (uint32_t c = 0; c < dim; c++) {
        double k = plane_w(r, p, q, t, c);
        double u = ((double)q[c] - p[c]) * k, w = ((double)b[c] - a[c]) * k - ku * u;
        double y = ((double)r[c] - ((double)p[c] + t * ((double)q[c] - p[c]))) * k - cu * u - cw * w;
        res += y * y;
    }
    return res > 16.0 * dim;   /* 4 tolerances RMS; rounding: ~0.2 */
}

/* Lines meeting in X = p + t (q - p), the oldest of them through the kept row in slot
 * <as> (distances in the model's scale <inv>, raw without one): a search toward X when the client walks there in small steps -- p lies within
 * TOWARD_STEP of its distance to X of an earlier row (the candidate is a step of its base,
 * or a sibling of it); records each scaled toward one point (brightness or contrast
 * test-time augmentation) lie about as far from each other as from it -- its lines' rows
 * lie within TOWARD_NEAR of it of each other, and the rows either come nearer X (a walk
 * keeps each step toward the original) or sit on the decision boundary (a label changed,
 * or a margin below <lowm>, since that oldest row). */
static bool toward_search(const struct bd_state *st, const float *p, const float *q,
                          double t, uint32_t as, uint32_t dim, const float *inv, int label,
                          double margin, double lowm)
{
    const float *a = rel_at(st, dim, as);
    double px = 0, ax = 0, pa = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double w = inv ? inv[c] : 1.0, x = (double)p[c] + t * ((double)q[c] - p[c]);
        double dp = ((double)p[c] - x) * w, da = ((double)a[c] - x) * w, d = ((double)p[c] - a[c]) * w;
        px += dp * dp, ax += da * da, pa += d * d;
    }
    if (pa > TOWARD_NEAR * TOWARD_NEAR * px)
        return false;
    bool edge = margin >= 0 && margin < lowm, step = false;
    for (uint64_t row = st->rel_row[as]; row + 1 < st->rows; row++) {
        uint32_t k = (uint32_t)(row % st->rel_n);
        if (k >= st->rel_cap || st->rel_row[k] != row)
            continue;
        edge |= (label >= 0 && st->rel_lab[k] >= 0 && st->rel_lab[k] != label) ||
                (st->rel_margin[k] >= 0 && st->rel_margin[k] < lowm);
        if (!step) {
            const float *y = rel_at(st, dim, k);
            double d2 = 0;
            for (uint32_t c = 0; c < dim; c++) {
                double d = ((double)y[c] - p[c]) * (inv ? inv[c] : 1.0);
                d2 += d * d;
            }
            step = d2 <= TOWARD_STEP * TOWARD_STEP * px;
        }
    }
    return step && (edge || px <= TOWARD_CLOSER * TOWARD_CLOSER * ax);
}

/* The row q (raw, before rel_row() keeps it; its answer's label and margin): true when the
 * step from the client's last row to q lies on a line meeting two earlier pairs' lines in
 * one point, far off, and the rows search toward it (see above); *iso: that step is a
 * pair's line (dense, the row before off it); *met: it met an earlier one. */
static bool toward_row(const struct bd_params *pp, const struct bd_state *st, const float *q,
                       uint32_t dim, const float *inv, int label, double margin, bool *iso,
                       bool *met)
{
    *iso = *met = false;
    if (dim < 3 || !st->rel || st->rows < 4)
        return false;
    uint32_t n = (uint32_t)IG_MIN(st->rows, (uint64_t)st->rel_n);
    uint32_t ps = (uint32_t)((st->rows - 1) % st->rel_n), rs = (uint32_t)((st->rows - 2) % st->rel_n);
    if (ps >= st->rel_cap || rs >= st->rel_cap)
        return false;
    const float *p = rel_at(st, dim, ps), *r = rel_at(st, dim, rs);
    /* q - p's three largest moves; dense: min(3, dim) coordinates moved at least */
    uint32_t ix[3] = { 0, 0, 0 }, moved = 0;
    double top[3] = { -1, -1, -1 };
    for (uint32_t c = 0; c < dim; c++) {
        double d = fabs((double)q[c] - p[c]);
        moved += d > 0;
        if (d > top[2]) {
            int at = d > top[0] ? 0 : d > top[1] ? 1 : 2;
            for (int m = 2; m > at; m--)
                top[m] = top[m - 1], ix[m] = ix[m - 1];
            top[at] = d, ix[at] = c;
        }
    }
    if (moved < 3 || on_line(r, p, q, dim, ix[0]))
        return false;
    *iso = true;
    /* a walk's rows are near-duplicates of each other (steps of ~1 % of its distance to
     * the original): only a client in a run of them (st->run) is searched for meetings,
     * which spares the pairs of every client sending unrelated records */
    if (!st->run)
        return false;
    double ts[8];
    uint32_t nt = 0, sa[8];
    for (uint32_t back = 2; back + 1 <= n; back++) {
        uint32_t bs = (uint32_t)((st->rows - back) % st->rel_n);
        uint32_t as = (uint32_t)((st->rows - back - 1) % st->rel_n);
        if (bs >= st->rel_cap || as >= st->rel_cap || !(st->rel_judged[bs] & ISO) ||
            st->rel_row[bs] != st->rows - back || st->rel_row[as] != st->rows - back - 1)
            continue;
        const float *a = rel_at(st, dim, as), *b = rel_at(st, dim, bs);
        double t;
        if (!lines_meet(p, q, a, b, dim, ix, &t))
            continue;
        *met = true;
        if (!off_plane(r, p, q, a, b, t, dim))
            continue;   /* a plane's grid: its rows meet by construction */
        for (uint32_t m = 0; m < nt; m++)
            if (fabs(t - ts[m]) <= 1e-2 * fabs(ts[m]) &&
                toward_search(st, p, q, t, sa[m], dim, inv, label, margin, pp->margin))
                return true;   /* a third line through the same point */
        if (nt < 8)
            ts[nt] = t, sa[nt++] = as;
    }
    return false;
}

static enum bd_kind rel_row(struct bd_global *g, struct bd_state *st, const float *x,
                            uint32_t dim, int label, double margin, float poff,
                            const float *inv, uint64_t key, bool strict, bool repeat)
{
    const struct bd_params *p = &g->p;
    struct rel_hit h;
    float qq = decimal_quantum(x, dim);
    rel_room(g, st);
    early_keep(st);   /* a client's early ring rows still in the slot rel_push overwrites */
    if (inv && st->w2_key != key) {   /* once per scale (key names it) */
        double w2 = 0;
        for (uint32_t k = 0; k < dim; k++)
            w2 += (double)inv[k] * inv[k];
        st->hv_w2 = w2;
        st->w2_key = key;
    }
    /* (relations() and halving_step() only read the state: the repeat is known first) */
    relations(p, st, x, qq, dim, label, margin, inv, &h);
    struct hv_narrow nw = { 0 };
    /* A bisection's midpoints are inputs it has not sent: an input sent again (a kept row
     * repeated) is no halving step. A busy client resending a few dozen records of iris,
     * whose classes lie along one line, met three chance midpoints in a row, the last two
     * of them records it had sent a few rows before (efficacy seed 14, logistic regression
     * and boosted trees: flagged at its 1,174th row) */
    int hv = st->halv_hold || h.same >= 0 ? 0 : halving_step(p, st, x, qq, dim, inv, key, &nw);
    st->halv_hold = false;
    if (nw.joins)   /* the narrow step before showed its line with this one: it joins */
        st->halv_run = 1, st->halv_rev = st->halv_crev;
    st->halv_run = hv ? st->halv_run + 1 : 0;
    st->halv_narrow = hv == 2 || hv == -2;
    st->halv_cand = nw.cand, st->halv_crev = nw.rev, st->halv_ctop = nw.top, st->halv_cr2 = nw.r2;
    st->halv_rev = hv ? (st->halv_rev << 1) | (hv < 0) : 0;
    bool halve = hv && halving_chain(p, st, label);
    /* an input sent again while it is fresh stays fresh, with its links (its base, its
     * children): a search whose probes clamp to its bounds sends its base again (SimBA on
     * digits' pixels: x - e of a pixel at 0 is x), and its base went stale while its
     * probes went on, its next children judged against nothing (the authors' SimBA on
     * digits caught at its 20th row, its first target fooled at its 11th). A stale input
     * sent again (a sensor's reading flickering back, a canary record) is not refreshed;
     * below 8 features neither is a fresh one (a quantised sensor of 4 channels flickering
     * back within 4 readings kept its readings fresh and met chance relations: flagged,
     * test_quantised_sensor_4_features_quiet; there a probed base stays fresh by its
     * exact children, rel_push()) */
    if (!strict && dim >= 8 && h.same >= 0 && fresh(st, (uint32_t)h.same))
        st->rel_req[h.same] = st->requests;
    st->hv_at = h.newest_d2 >= 0 ? st->rows : UINT64_MAX;
    st->hv_d2 = h.newest_d2;
    st->hv_key = key;
    noise_learn(st, h.rest);
    /* the centre q probes around moved (centre_moved()): its base's, or for a mirror
     * without one its nearest input's; a parallelogram's centre is (q + a) / 2 itself
     * (para_centre(): the samples of a cloud around one record are small dense moves of
     * each other, and one of them taken for a moved centre made a record's antithetic
     * samples a search) */
    if (h.base >= 0)
        h.moved = centre_moved(st, x, dim, h.base, h.step);
    else if (h.synth && h.nearest >= 0 && h.para < 0)
        h.moved = centre_moved(st, x, dim, h.nearest, h.near_nnz == 1 ? h.near_first : -1);
    if (h.moved)
        h.centre = st->rel_row[h.base >= 0 ? h.base : h.nearest];
    if (h.para >= 0)
        para_centre(g, st, x, rel_at(st, dim, (uint32_t)h.para), dim, inv, &h);
    /* an antithetic cloud (cloud_pair()): its pairs in new directions around one centre,
     * on the client's own stream (rows of many users cannot make one, but a search over
     * many addresses is judged by the rules below) */
    uint32_t pairs = !strict && !repeat && h.two && h.coord == -1 && h.anti >= 0
                     ? cloud_pair(g, st, x, rel_at(st, dim, (uint32_t)h.anti), dim, inv, h.qe) : 0;
    if (!strict && !repeat && !pairs && dim >= 3) {
        int ai = st->pcen && st->cloud_n ? cloud_antipode(st, x, dim, h.qe) : -1;
        /* (a seed's a is within the cloud's reach in the model's scale: ordinary records'
         * farthest input is not, and their rows skip the search; without a scale, no seed) */
        if (ai < 0 && inv && h.far_all >= 0 && 0.25 * h.far_d2 <= 1.01 * CLOUD_R * CLOUD_R * dim)
            ai = cloud_seed(st, x, dim, h.qe, h.far_all);
        if (ai >= 0)
            pairs = cloud_pair(g, st, x, rel_at(st, dim, (uint32_t)ai), dim, inv, h.qe);
    }
    /* q is a small dense move (dense_move(): not a sparse step, also through noise; at
     * most CENTRE_MOVE spreads per coordinate (RMS) in the model's scale, without one
     * near_rel of the input's norm) of a probed input (one with a sparse child, or one
     * itself), toward the boundary (toward()): a search's next centre. ZOO's Adam and
     * NES's sign steps move each coordinate by ~1-3 % of its range a round; a local
     * prober's next record is further (iris's successive records, on a 0.1 cm lattice:
     * 0.13 spreads RMS, where 0.25 let one stream of 9 through). Two probes of one
     * record (x + d e_j, x + d e_k) move two coordinates, not a dense move. A step the
     * noise test took for one coordinate's (dominant(): 16 of 1,024 moved alike pass it)
     * is judged here too. */
    bool dmove = false;
    if ((h.base < 0 || h.approx) && !repeat && h.nearest >= 0 && h.near_d2 > 0 &&
        h.near_nnz >= IG_MIN(3u, dim) &&
        (st->rel_child[h.nearest] || (st->rel_judged[h.nearest] & CHILD))) {
        dmove = h.near_d2 <= move_radius2(x, inv, dim, p->near_rel) &&
                toward(st, h.nearest, label, poff) &&
                dense_move(x, rel_at(st, dim, (uint32_t)h.nearest), inv, dim);
    }
    if (h.base >= 0 && !st->star && (dim >= 8 || strict))
        star_room(g, st);   /* before its first star can be made */
    /* below 8 features a star is kept for a stream across clients only, and only for its
     * split pairs (hs: its other effects -- a moved centre, a child, the star rule -- stay
     * as they were without stars there) */
    struct rel_hit hs;
    const struct rel_hit *hx = &h;
    if (dim >= 8) {
        stars(st, x, h.qe, dim, inv, &h);
    } else if (strict) {
        hs = h;
        stars(st, x, h.qe, dim, inv, &hs);
        hx = &hs;
    }
    /* across clients: q mirrors the row just before it, that star's first child along
     * q's coordinate, and another client sent it (a search's x - e then x + e, the pair
     * split over its addresses; see the strict test below) */
    bool split = strict && hx->star_new && st->first_coord == hx->star_coord &&
                 st->first_base == hx->star_base && st->who != st->who_prev;
    st->split_m = (st->split_m << 1) | split;
    st->first_coord = hx->star_child && hx->star_first ? hx->star_coord : -1;
    st->first_base = hx->star_base;
    /* ... or q is the first child of a ring input, which is no star yet: the star its
     * mirror makes (stars(): a base with a child) then holds q as that first child */
    if (strict && !hx->star_child && h.base >= 0 && !h.approx && h.step >= 0 &&
        !st->rel_child[h.base]) {
        st->first_coord = h.step;
        st->first_base = st->rel_row[h.base];
    }
    st->who_prev = st->who;
    /* a kept step: a child toward the boundary along one coordinate alone (through noise,
     * no second coordinate moving half as far: two probes of one record, x + d e_j and
     * x + d e_k, are two) of a base that was being probed: it had a child before, along
     * another coordinate, or the mirror of this one (SimBA tries coordinates around its
     * base until one helps, x - e then x + e). A local prober may send x + d e_j, then
     * x - d e_j, then the record x as is: x is then a child of its own probe, halfway to
     * that probe's first child along the same coordinate. */
    /* ... judged against q's fresh base only: judged against the (stale) base of the star
     * q is a child of, a local prober's probe that changed the label, re-probed with
     * another delta around a record whose feature it barely moved, became a kept step and
     * its record's probes a search (efficacy, wine labels only) */
    /* a step kept off a star: on a model whose answers are piecewise constant (trees: a
     * forest's probabilities are multiples of 1/trees) most probes change nothing, so a
     * search probes one base for many requests and it is no longer fresh when a probe
     * finally helps; the star it is (probed on both sides) keeps it current. A one-coordinate
     * child of its nearest input, that star's base, toward the boundary is then the child of
     * that base (a kept step, as off a fresh base; evidence: SimBA on a 50-tree forest,
     * efficacy wine seed 0, probed its start 11 rows, kept a step and probed it 25 rows:
     * never a moved centre before, so never caught) */
    if (h.base < 0 && !strict && !repeat && h.star_child && h.star >= 1 && h.nearest >= 0) {
        /* exact: the star's base is q's nearest input, one coordinate apart; through noise
         * (SimBA behind 1 % noise) the base is the star's, its step the dominant one (the
         * kept test below) */
        int sb = -1;
        if (!h.star_approx)
            sb = st->rel_row[h.nearest] == h.star_base && h.near_nnz == 1 &&
                 h.near_first == h.star_coord ? h.nearest : -1;
        else
            for (uint32_t i = 0; i < st->rel_n && i < st->rows; i++)
                if (st->rel_row[i] == h.star_base)
                    sb = (int)i;
        if (sb >= 0 && st->rel_child[sb] && toward(st, sb, label, poff) &&
            star_probe_sized(st, x, rel_at(st, dim, (uint32_t)sb), inv, h.star_base,
                             h.star_coord)) {
            h.base = sb;
            h.step = h.star_coord;
            h.approx = h.star_approx;
        }
    }
    int kb = h.base, ks = h.step;
    bool ka = h.approx;
    bool kept = kb >= 0 && !repeat && st->rel_child[kb] && toward(st, kb, label, poff);
    if (kept && st->rel_child[kb] - 1 == ks) {
        int c = st->rel_kid[kb];
        kept = c >= 0 && st->rel_row[c] == st->rel_kid_row[kb] &&
               (ka ? noisy_mirror((double)x[ks] - rel_at(st, dim, (uint32_t)kb)[ks],
                                        (double)rel_at(st, dim, (uint32_t)c)[ks] -
                                            rel_at(st, dim, (uint32_t)kb)[ks],
                                        inv, ks, nz_floor(st, inv, dim, ks))
                         : zero_comb(x, rel_at(st, dim, (uint32_t)c), 1.0,
                                     rel_at(st, dim, (uint32_t)kb), -2.0, NULL, 0, h.qe, dim));
    }
    if (kept && ka) {
        const float *b = rel_at(st, dim, (uint32_t)kb);
        bool nz = inv && dim >= 8 && nz_ready(st);
        double t1 = 0, t2 = 0, u1 = 0, u2 = 0;   /* (u: in the client's noise units) */
        for (uint32_t c = 0; c < dim; c++) {
            double z = ((double)x[c] - b[c]) * (inv ? inv[c] : 1.0f), z2 = z * z;
            if (z2 > t1) {
                t2 = t1;
                t1 = z2;
            } else if (z2 > t2) {
                t2 = z2;
            }
            if (nz) {
                z2 /= nz_var(st, c);
                if (z2 > u1) {
                    u2 = u1;
                    u1 = z2;
                } else if (z2 > u2) {
                    u2 = z2;
                }
            }
        }
        kept = 4.0 * t2 < t1 || (nz && 4.0 * u2 < u1);
    }
    if (h.rest > 0 && h.rest <= NOISE_MAX * NOISE_MAX && inv && dim >= 8 && dim <= NZ_MAXDIM)
        nz_learn(g, st, x, rel_at(st, dim, (uint32_t)h.nearest), inv, dim);
    /* below 8 features: a step of a coarse lattice (lattice_step(), before rel_push() takes
     * the oldest slot, which may be the nearest's) */
    bool lat = dim < 8 && inv && h.nearest >= 0 && h.near_d2 > 0 &&
               lattice_step(x, rel_at(st, dim, (uint32_t)h.nearest), inv, dim);
    /* ... or a recombination of values the client sent (recombined()) */
    bool rec = dim < 8 && h.synth && h.nearest >= 0 && recombined(st, x, (uint32_t)h.nearest, dim);
    rel_push(st, x, qq, dim, label, margin, poff, &h, (uint8_t)((kept ? KEPT : 0) | (dmove ? MOVED : 0)));
    st->run_synth += h.synth && !lat;
    st->run_moved += h.moved;
    uint32_t lines = pop32(st->line_m & 0xffff);
    uint32_t levid = pop32(st->levid_m & 0xffff);
    uint32_t synth = pop32(st->synth_m & 0xffff);
    uint32_t dense = 0, coords = synth ? synth_spread(st, &dense) : 0;
    uint32_t need = dim < 3 ? dim : 3;
    bool line = h.line && lines >= p->min_line && (levid >= 1 || lines >= 2 * p->min_line);
    /* siblings count only beside a two-sided relation in the same 16 rows: a search that
     * probes a coordinate and gets nothing tries the other side (SimBA's x + e after x - e,
     * ZOO's and NES's pairs) before it moves on; one-sided children of one record along
     * coordinate after coordinate, each to another value of that feature's range, are a
     * one-at-a-time sensitivity analysis (ICE curves, a tornado chart) */
    /* ... and around a centre that moved in those 16 rows (centre_moved(): a probe of a
     * record as it is, a local sensitivity analysis, is no search) */
    bool syn = h.synth && synth >= p->min_synth && (st->two_m & 0xffff) &&
               (st->moved_m & 0xffff) &&
               ((coords >= need && steps_spread(st)) || dense >= p->min_synth);
    /* a greedy walk: its choices all follow the probability, with one exact
     * relation (a dropped step's mirror or sibling), its steps moving as many
     * different coordinates as choices (a quantised sensor flickers on a few
     * channels; below 8 features the lattice of a coarse sensor makes exact
     * relations by chance, and the other tests are left to judge) */
    uint32_t desc = pop32(st->desc_m & 0xffff);
    uint32_t asyn = pop32(st->asyn_m & 0xffff);
    bool greedy = dim >= 4 && h.base >= 0 && desc >= p->min_descent &&
                  !(st->asc_m & 0xffff) && synth + asyn >= 1 && steps_spread(st) &&
                  step_distinct(st) >= IG_MIN(p->min_descent, dim);
    /* a star: one base probed on both sides along many coordinates (ZOO's and NES's
     * antithetic probes, SimBA's x - e then x + e), with a probe around a moved centre in
     * the same 16 rows (the search went on from there): a record probed as it is
     * (x +- d e_j, a local sensitivity analysis) is no search. SimBA
     * whose answers saturate keeps no step and probes its start so, as such a probe
     * does: it learns nothing from them, and is judged once it keeps a step. */
    /* mirrored coordinates are counted over the stars probed in the last STAR_IDLE rows: a
     * search probes around one centre until a step helps, then around the next */
    uint32_t mirrored = 0;
    for (uint32_t s = 0; h.star_child && s < STAR_N; s++)
        if (st->star_last[s] && st->rows - st->star_last[s] < STAR_IDLE)
            mirrored += pop64(st->star_mir[s]);
    st->star_now = mirrored;
    bool star = h.star_child && mirrored >= p->min_star && (st->moved_m & 0xffff);
    bool rel2 = syn;   /* two-sided relations over several coordinates (above) */
    /* a cloud of min_antithetic antithetic pairs around one centre: a gradient estimated
     * there (NES's first request), without a moved centre: no ordinary client sends exact
     * mirror images around a point in many directions (cloud_pair()) */
    bool cloud = pairs >= IG_MIN(p->min_antithetic, dim);
    /* a step kept behind noise, judged over the client's recent rows together
     * (noisy_kept_star()) */
    uint32_t nmir = !strict && !repeat && !syn && !greedy && !star && !cloud
                    ? noisy_kept_star(st, x, dim, inv, label, poff) : 0;
    bool nkept = nmir >= p->min_star;
    if (nkept && nmir > st->star_now)
        st->star_now = nmir;   /* (its score: the coordinates mirrored, star_coords) */
    syn = syn || greedy || star || cloud || nkept;
    /* below 8 features, a row written on a lattice coarse against the features'
     * spread (a decimal step of 5 % of it or more on half of them: z-scores printed
     * with one decimal) meets mirrors and parallelograms of earlier rows by chance */
    if (syn && dim < 8 && inv) {
        uint32_t coarse_k = 0;
        for (uint32_t c = 0; c < dim; c++)
            coarse_k += (double)qq * inv[c] >= 0.05;
        syn = 2 * coarse_k < dim && !lat && !rec;   /* (lattice_step(): any resolution) */
    }
    /* across clients, the row that completes the evidence must carry its part: a greedy
     * choice of its own (an ordinary user's row can join a search's stream, as images of
     * one digit share cells, and must not inherit its choices), or a new mirrored
     * coordinate of a star (a user's edit of a record another client probed is a child of
     * that star, not a probe of it), and a star's search moved through two centres at
     * least in its 16 rows (the other users' rows of a record one user probes -- the record
     * sent again, edits of it -- can make one look like a step kept off a probe). Below 8
     * features greedy choices need twice the evidence, 2 x min_descent of the last 16 rows,
     * none against: there ordinary records of several clients meet as exact children of
     * each other by chance (iris's, measured on a 1 mm lattice: three ordinary clients'
     * rows made 5 greedy choices in a row in one replay), each a coin toss on the
     * probability, while a search spread over many addresses keeps choosing greedily (its
     * streams reached 10 within ~10 rows; with none below 8 features SimBA over 64
     * addresses on iris took up to 89 rows, behind 1 % noise it was never caught) */
    /* ... or, without a moved centre, a star whose mirrored pairs (x - e, then x + e at
     * once) were split over clients: min_star such pairs in the last 16 rows, and those
     * rows sent by 2 x min_star clients or more, about one probe each. A local
     * sensitivity analysis is one analyst's job and comes from one client; a probe of one
     * record spread over a pool of addresses is hiding. SimBA whose answers saturate
     * (breast_cancer: the label's probability is 0.99999994 in float32 whatever it tries)
     * keeps no step and probes its start coordinate after coordinate: over 64 addresses it
     * was never caught (efficacy seed 9). Chance mirrors (users editing a field of a
     * popular record to another record's value: 0 and 16 around a pixel of 8) come
     * neither in a row nor one after another. */
    uint32_t nsplit = IG_MIN(p->min_star, dim);
    bool split_star = strict && hx->star_new && (st->split_m & 1) &&
                      pop32(st->split_m & 0xffff) >= nsplit && st->live >= 2 * nsplit;
    if (split_star && dim < 8 && inv) {   /* the lattice test above, for the same reason */
        uint32_t coarse_k = 0;
        for (uint32_t c = 0; c < dim; c++)
            coarse_k += (double)qq * inv[c] >= 0.05;
        split_star = 2 * coarse_k < dim;
    }
    if (strict)
        syn = (greedy && (dim >= 8 || desc >= 2 * p->min_descent) && (st->desc_m & 1)) ||
              (star && h.star_new && moved_centres(st) >= 2) ||
              (rel2 && h.moved && moved_centres(st) >= 2) || split_star;
    return line ? BD_LINE : syn ? BD_SYNTH : halve ? BD_HALVE : BD_NONE;
}

/* ---- the model's view across clients (Blacklight, Li et al., USENIX Security 2022) ----
 * An attacker that spreads one search over many source addresses or identities leaves each
 * client a few unrelated-looking rows; the model sees them all. Every scaled row gets XS
 * probabilistic fingerprints: each hashes XK of its coordinates quantised to cells of half
 * a spread with a random offset, so near-duplicates (a step of a search, a few % of noise,
 * rounding) share most of them and unrelated records almost none. As Blacklight scores a
 * query, a row is scored against each of the model's recent rows (fingerprints shared: the
 * last XWIN of each lane, below) and matches the one sharing most, XMATCH at least (an
 * exact repeat of a recent row -- a popular record, a shared cache miss, a retry --
 * matches nothing: it adds no step). A
 * match with another client's row is a cross-client link. A chain of two links (three
 * rows from two clients at least; a noisy copy of a record another client sent, or a
 * user's edit of a popular record, is one link: the record it matched came as an exact
 * repeat) starts a cross stream with those rows; a row whose match is in a stream joins
 * it. Each stream is judged like a client's (rel_row), strictly: a bisection line, a
 * halving chain turning back, greedy choices, a star of mirrored probes; not one-sided
 * siblings (many users each editing one field of a popular record make those). Up to XC
 * streams per model and lane; a short stream that stopped growing goes first. */
#define XS 8             /* fingerprints per row */
#define XK 4             /* coordinates per fingerprint */
#define XCELL 2.0f       /* cells per spread */
#define XMATCH 4         /* fingerprints shared with one row: a near-duplicate */
#define XWIN 512         /* a lane's rows a row stays matchable */
#define XSLOTS 8192      /* index entries per lane (fingerprint -> row), a power of two: 2 x XS x XWIN */
#define XPROBE 8         /* entries probed per fingerprint: one 64-byte line (aligned) */
#define XR XWIN          /* a lane's last rows kept (the row a cross-client match found) */

/* Two lanes, each a window of its own: rows of clients with XTHIN rows of their own or
 * more (lane 0), and rows of thin clients (lane 1). The view across clients is there for
 * clients too thin for their own stream to judge; a busy model's ordinary clients sending
 * batches would otherwise push a search spread over many addresses out of one shared
 * window between two of its steps (HopSkipJump over 64 addresses went from 9-10 rows to
 * 34-36 when 93 ordinary clients shared its model). Ordinary volume now ages only lane 0
 * and the first XTHIN rows of each client; lane 1 fills at the rate of thin clients' rows. */
#define XL 2             /* lanes */
#define XTHIN 32         /* rows of its own from which a client's rows go to lane 0 */

#define XSIB 16          /* a new stream's first rows beside its chain (bd_observe) */
#define XC 16            /* cross streams followed at once per lane (cross_spare() says
                          * which goes) */

/* Wide rows (more than IG_FSCALE_MAXDIM features: images, embeddings): the fingerprints
 * hash cells of XP random projections instead of coordinates, each a signed sum of XM
 * random coordinates (a sparse random projection, Achlioptas 2003; Li, Hastie and Church
 * 2006), their common scale learned as the model's scale is (ig_fscale over the
 * projections). A step of a search (one pixel, a patch, a few % of noise) moves a
 * projection by a small share of its spread, an unrelated image by about one spread. */
#define XP 32            /* projections of a wide row */
#define XM 64            /* coordinates summed per projection */
#define XMAXDIM 4096     /* widest row the view keeps (XL x XR rows of it: 16 MiB per model) */

struct bd_xslot {             /* 8 bytes: the XPROBE a fingerprint may sit in fill one
                               * cache line, compared four at a time (cross_match()) */
    uint32_t fp;              /* fingerprint (0 = empty) */
    uint32_t row;             /* the row that had it (its id: xid()) */
};

/* The lanes' last rows' value hashes, counted (hash -> rows of the XL x XR that have it):
 * the exact-repeat test of a row is one look-up, not a pass over every kept row's hash.
 * Open addressing (linear probing, deletion by backward shift) at a quarter full. */
#define XREP 4096
struct bd_xrep {
    uint32_t hash;
    uint16_t n;               /* rows with that hash (0: free) */
    uint16_t last;            /* the place (xpos()) of the last row added with it: a row
                               * that may still hold it (cross_match()'s copy test) */
};

struct bd_xrow {
    uint32_t row, client;     /* row: its id (xid()), 0 none */
    int32_t  label;
    float    margin, poff;
    uint32_t sid;             /* the cross stream it joined, 0 none */
    uint32_t link;            /* the row it matched best when that was another client's
                               * (other values), else 0 */
    uint32_t repeat;          /* 1: an exact repeat of one of the lanes' last XR rows */
    uint32_t hash;            /* hash of its values (ig_row_hash) */
};

struct bd_xstream {
    uint32_t sid;             /* 0 = free */
    uint32_t lane;            /* the lane of the row that last joined it: whose share it is in */
    uint32_t last;            /* that lane's row count then */
    uint64_t last_ev;
    uint32_t recent[16];      /* clients of its last 16 rows */
    uint32_t nrecent;
    uint32_t live[16];        /* clients of the last 16 rows that joined it as they came
                               * (not the recent rows a new stream or a bisection took),
                               * 0 for a client its own stream had named */
    uint32_t nlive;
    uint32_t kinds;           /* bit k: a finding of evidence kind k (enum bd_kind) raised */
    struct bd_state *st;
};

struct bd_cross {
    uint32_t dim, next_sid;
    uint32_t lrows[XL];       /* rows each lane took (mod 2^31) */
    uint64_t events;
    uint16_t coord[XS][XK];   /* features (narrow rows) or projections (wide) hashed */
    float    off[XS][XK];
    /* the scale of each hashed coordinate, gathered from the scale the fingerprints use
     * (fixed once learnt) at their first use: centre and 1 / spread when scaled */
    const struct ig_fscale *gfs;   /* the scale gathered, NULL none yet */
    float    gcen[XS][XK], ginv[XS][XK];
    uint32_t *pidx;           /* wide rows: XP x XM coordinates (index << 1 | sign), else NULL */
    struct ig_fscale pfs;     /* wide rows: the projections' scale */
    _Alignas(64) struct bd_xslot slot[XL][XSLOTS];
    struct bd_xrow rec[XL * XR];   /* lane l's row n at 2 x (n % XR) + l (xpos()) */
    /* rec's client and hash of each place, packed (8 KiB): cross_match() reads them for
     * every row it meets (~37 a row on iris), and rec's 36-byte records were cache misses */
    struct { uint32_t client, hash; } xwho[XL * XR];
    struct bd_xrep rep[XREP]; /* the hashes of rec's rows (row != 0), counted */
    float   *raw;             /* XL x XR x dim, as rec */
    struct bd_xstream s[XL * XC];   /* XC a lane (cross_stream()) */
    /* cross_match()'s index hits so far per row met, by where the row is kept (xpos():
     * one place per live row); cleared behind it. A linear search of the rows met per
     * index hit was a third of the detector's own time on iris (efficacy capture, 4
     * features: ~80 hits a row over ~37 rows). */
    uint8_t  vcnt[XL * XR];
};

/* A row's id: its number in its lane (from 1, mod 2^31) and the lane in bit 0; 0 none. */
static inline uint32_t xid(uint32_t n, uint32_t lane)
{
    return n << 1 | lane;
}

/* How many rows its lane took since row <id>. */
static inline uint32_t xage(const struct bd_cross *x, uint32_t id)
{
    return (x->lrows[id & 1] - (id >> 1)) & 0x7fffffffu;
}

/* Where row <id> is kept (rec, raw). */
static inline uint32_t xpos(uint32_t id)
{
    /* the id's low bits: one AND on every index hit of cross_match() (lane-major
     * places cost four more operations, ~2 % of the detector's instructions on iris) */
    _Static_assert(XL == 2 && (XR & (XR - 1)) == 0, "an id's low bits are its place");
    return id & (XL * XR - 1);
}

static uint64_t cross_bytes(uint32_t dim)
{
    return sizeof(struct bd_cross) + (uint64_t)XL * XR * dim * sizeof(float) +
           (dim > IG_FSCALE_MAXDIM ? (uint64_t)XP * XM * sizeof(uint32_t) : 0);
}

static void cross_free(struct bd_global *g, struct bd_cross *x)
{
    if (!x)
        return;
    for (uint32_t k = 0; k < XL * XC; k++)
        state_free(g, x->s[k].st);
    g->mem_ops->uncharge(g->mem, cross_bytes(x->dim));
    free(x->raw);
    free(x);
}

static void *cross_make(const void *ctx)
{
    uint32_t dim = *(const uint32_t *)ctx;
    size_t extra = dim > IG_FSCALE_MAXDIM ? (size_t)XP * XM : 0;   /* pidx, after raw */
    /* cache-line aligned: an index look-up reads one line (struct bd_xslot) */
    struct bd_cross *x = aligned_alloc(_Alignof(struct bd_cross), sizeof(struct bd_cross));
    if (x)
        memset(x, 0, sizeof(*x));
    if (x && !(x->raw = calloc((size_t)XL * XR * dim + extra, sizeof(float)))) {
        free(x);
        return NULL;
    }
    if (x && extra)
        x->pidx = (uint32_t *)(x->raw + (size_t)XL * XR * dim);
    return x;
}

static struct bd_cross *cross_new(struct bd_global *g, uint32_t dim)
{
    struct bd_cross *x = g->mem_ops->alloc(g->mem, cross_bytes(dim), cross_make, &dim);
    if (!x)
        return NULL;
    x->dim = dim;
    /* coordinates and offsets from a fixed stream: the cells only find near-duplicates,
     * the decision rests on the arithmetic between the rows */
    uint64_t z = 0x9e3779b97f4a7c15ull ^ dim;
    uint32_t width = x->pidx ? XP : dim;
    for (uint32_t j = 0; j < XS; j++)
        for (uint32_t k = 0; k < XK; k++) {
            z = ig_fnv1a_step(z, (uint8_t)(j * XK + k)) * 0x2545f4914f6cdd1dull;
            x->coord[j][k] = (uint16_t)((z >> 17) % width);
            x->off[j][k] = (float)((z >> 40) & 0xffff) / 65536.0f;
        }
    for (uint32_t i = 0; x->pidx && i < XP * XM; i++) {
        z = (z ^ (z >> 29)) * 0xbf58476d1ce4e5b9ull + i;
        x->pidx[i] = (uint32_t)((z >> 24) % dim) << 1 | (uint32_t)(z >> 63);
    }
    return x;
}

/* x's scaled coordinate k: (x - centre) / spread, or x / unit for same-unit features */
static inline float xz(const struct ig_fscale *fs, const float *x, uint32_t k)
{
    return fs->mode == IG_FSCALE_SCALED ? (x[k] - fs->center[k]) * fs->inv[k] : x[k] / fs->unit;
}

/* Fingerprint j of <row>: XK cells hashed (cross_fps() computes the same, four at a time;
 * this is its path without SSE2). */
__attribute__((unused))
static inline uint32_t cross_fp(const struct bd_cross *x, const struct ig_fscale *fs,
                                const float *row, uint32_t j)
{
    uint64_t h = IG_FNV1A_BASIS ^ j;
    for (uint32_t k = 0; k < XK; k++) {
        int32_t cell = (int32_t)floorf(XCELL * xz(fs, row, x->coord[j][k]) + x->off[j][k]);
        h = ig_fnv1a_step(h, (uint32_t)cell);
    }
    uint32_t v = (uint32_t)(h ^ (h >> 32));
    return v ? v : 1;
}

/* Row <x> into the view's ring of last rows: a wide row by non-temporal stores where the
 * target has them (x86-64: SSE2), as the ring (512 rows: 1.6 MiB at 784 features) is far
 * larger than a cache and read back only when a match finds the row. */
static void raw_put(float *dst, const float *x, uint32_t dim)
{
#if BD_SSE2
    if (dim > IG_FSCALE_MAXDIM) {
        uint32_t k = 0;
        while (k < dim && ((uintptr_t)(dst + k) & 15))
            dst[k] = x[k], k++;
        for (; k + 4 <= dim; k += 4)
            _mm_stream_ps(dst + k, _mm_loadu_ps(x + k));
        for (; k < dim; k++)
            dst[k] = x[k];
        _mm_sfence();
        return;
    }
#endif
    memcpy(dst, x, (size_t)dim * sizeof(float));
}

/* The XP projections of wide row <row> into <y>. */
static void cross_project(const struct bd_cross *x, const float *row, float *y)
{
    for (uint32_t p = 0; p < XP; p++) {
        const uint32_t *ix = x->pidx + (size_t)p * XM;
        float a = 0, b = 0;   /* two chains: the loads overlap */
        for (uint32_t t = 0; t < XM; t += 2) {
            float u = row[ix[t] >> 1], v = row[ix[t + 1] >> 1];
            a += (ix[t] & 1) ? -u : u;
            b += (ix[t + 1] & 1) ? -v : v;
        }
        y[p] = a + b;
    }
}

/* (xprobe_live() computes it four entries at a time with SSE2) */
__attribute__((unused))
static inline bool xstale(const struct bd_cross *x, const struct bd_xslot *s)
{
    return !s->fp || xage(x, s->row) >= XWIN;
}

/* The XS fingerprints of <fpv> (a row, or a wide row's projections, on scale <fs>) into
 * fp[]. The index is cold (every client's rows share it): their entries are asked for
 * here, all at once, so the misses overlap one another and, when the caller does this
 * before the client's relations, that work too. */
static void cross_fps(struct bd_cross *x, const struct ig_fscale *fs, const float *fpv,
                      uint32_t *fp)
{
#if BD_SSE2
    if (x->gfs != fs) {
        for (uint32_t j = 0; j < XS; j++)
            for (uint32_t k = 0; k < XK; k++) {
                uint32_t c = x->coord[j][k];
                x->gcen[j][k] = fs->mode == IG_FSCALE_SCALED ? fs->center[c] : 0.0f;
                x->ginv[j][k] = fs->mode == IG_FSCALE_SCALED ? fs->inv[c] : 0.0f;
            }
        x->gfs = fs;
    }
    /* cross_fp()'s cells, four coordinates at a time in the same float arithmetic;
     * floorf's integer by truncation less one where that rounded up, and INT32_MIN where
     * the conversion has no integer, as the scalar conversion gives */
    _Static_assert(XK == 4, "one register of cells a fingerprint");
    const bool scaled = fs->mode == IG_FSCALE_SCALED;
    const __m128 cell = _mm_set1_ps(XCELL), unit = _mm_set1_ps(fs->unit),
                 lo = _mm_set1_ps(-0x1p31f);
    for (uint32_t j = 0; j < XS; j++) {
        const uint16_t *c = x->coord[j];
        __m128 v = _mm_setr_ps(fpv[c[0]], fpv[c[1]], fpv[c[2]], fpv[c[3]]);
        v = scaled ? _mm_mul_ps(_mm_sub_ps(v, _mm_loadu_ps(x->gcen[j])), _mm_loadu_ps(x->ginv[j]))
                   : _mm_div_ps(v, unit);
        v = _mm_add_ps(_mm_mul_ps(cell, v), _mm_loadu_ps(x->off[j]));
        __m128i t = _mm_cvttps_epi32(v);
        __m128 up = _mm_and_ps(_mm_cmpgt_ps(_mm_cvtepi32_ps(t), v), _mm_cmpge_ps(v, lo));
        t = _mm_add_epi32(t, _mm_castps_si128(up));   /* -1 where it rounded up */
        uint32_t cs[XK];
        _mm_storeu_si128((__m128i *)(void *)cs, t);
        uint64_t h = IG_FNV1A_BASIS ^ j;
        for (uint32_t k = 0; k < XK; k++)
            h = ig_fnv1a_step(h, cs[k]);
        uint32_t w = (uint32_t)(h ^ (h >> 32));
        fp[j] = w ? w : 1;
#else
    for (uint32_t j = 0; j < XS; j++) {
        fp[j] = cross_fp(x, fs, fpv, j);
#endif
        for (uint32_t l = 0; l < XL; l++) {
            uint32_t i = (uint32_t)(ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE));
            __builtin_prefetch(&x->slot[l][i]);
        }
    }
}

/* The repeat count's slot of <hash>: its entry, or the free one where it would go. */
static uint32_t rep_find(const struct bd_cross *x, uint32_t hash)
{
    uint32_t i = (hash * 0x9e3779b1u) >> 20;   /* XREP = 2^12 */
    while (x->rep[i].n && x->rep[i].hash != hash)
        i = (i + 1) & (XREP - 1);
    return i;
}

static void rep_add(struct bd_cross *x, uint32_t hash, uint32_t pos)
{
    _Static_assert(XL * XR <= UINT16_MAX, "a count and a place in 16 bits");
    uint32_t i = rep_find(x, hash);
    x->rep[i].hash = hash;
    x->rep[i].n++;
    x->rep[i].last = (uint16_t)pos;
}

/* One row with <hash> fewer; a freed entry is filled by the later ones of its probe run
 * that may move back (backward shift), so no look-up stops short of its key. */
static void rep_del(struct bd_cross *x, uint32_t hash)
{
    uint32_t i = rep_find(x, hash);
    if (!x->rep[i].n || --x->rep[i].n)
        return;
    for (uint32_t j = (i + 1) & (XREP - 1); x->rep[j].n; j = (j + 1) & (XREP - 1)) {
        uint32_t home = (x->rep[j].hash * 0x9e3779b1u) >> 20;
        /* j's entry may fill the hole at i when its home is not in (i, j] (cyclically) */
        if (((j - home) & (XREP - 1)) >= ((j - i) & (XREP - 1))) {
            x->rep[i] = x->rep[j];
            x->rep[j].n = 0;
            i = j;
        }
    }
}

/* Entries of the XPROBE at <sl>, a line of lane <lane>'s index, whose fingerprint is <fp>
 * and that are not stale (xstale()): bit t for entry t; *stale: the stale ones. A lane's
 * lines hold its own rows only (cross_match() indexes a row in its lane), so their ages
 * are by that lane's count alone (xage() picks it by the row's bit 0: the same count). */
static inline uint32_t xprobe_live(const struct bd_cross *x, const struct bd_xslot *sl,
                                   uint32_t lane, uint32_t fp, uint32_t *stale)
{
#if BD_SSE2
    /* four 16-byte loads of two entries each; the fingerprints (even words) and rows (odd)
     * of four entries gathered into a register each */
    const __m128i f = _mm_set1_epi32((int)fp), zero = _mm_setzero_si128(),
                  lr = _mm_set1_epi32((int)x->lrows[lane]), m31 = _mm_set1_epi32(0x7fffffff),
                  win = _mm_set1_epi32(XWIN - 1);
    const float *p = (const float *)(const void *)sl;
    uint32_t hit = 0, old = 0;
    for (uint32_t q = 0; q < XPROBE / 4; q++) {
        __m128 a = _mm_load_ps(p + 8 * q), b = _mm_load_ps(p + 8 * q + 4);
        __m128i fps = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
        __m128i rows = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        __m128i age = _mm_and_si128(_mm_sub_epi32(lr, _mm_srli_epi32(rows, 1)), m31);
        __m128i st = _mm_or_si128(_mm_cmpeq_epi32(fps, zero), _mm_cmpgt_epi32(age, win));
        hit |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(fps, f))) << (4 * q);
        old |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(st)) << (4 * q);
    }
    *stale = old;
    return hit & ~old;
#else
    (void)lane;
    uint32_t hit = 0, old = 0;
    for (uint32_t t = 0; t < XPROBE; t++) {
        hit |= (uint32_t)(sl[t].fp == fp) << t;
        old |= (uint32_t)xstale(x, &sl[t]) << t;
    }
    *stale = old;
    return hit & ~old;
#endif
}

/* xprobe_live()'s return alone (cross_match()'s scan), the entries' rows into rw[]: an
 * entry with fingerprint fp != 0 is not empty, so only its age is tested */
static inline uint32_t xprobe_hits(const struct bd_cross *x, const struct bd_xslot *sl,
                                   uint32_t lane, uint32_t fp, uint32_t *rw)
{
#if BD_SSE2
    const __m128i f = _mm_set1_epi32((int)fp), lr = _mm_set1_epi32((int)x->lrows[lane]),
                  m31 = _mm_set1_epi32(0x7fffffff), win = _mm_set1_epi32(XWIN - 1);
    const float *p = (const float *)(const void *)sl;
    uint32_t hit = 0;
    for (uint32_t q = 0; q < XPROBE / 4; q++) {
        __m128 a = _mm_load_ps(p + 8 * q), b = _mm_load_ps(p + 8 * q + 4);
        __m128i fps = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
        __m128i rows = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        __m128i age = _mm_and_si128(_mm_sub_epi32(lr, _mm_srli_epi32(rows, 1)), m31);
        _mm_storeu_si128((__m128i *)(void *)(rw + 4 * q), rows);
        hit |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(
                   _mm_andnot_si128(_mm_cmpgt_epi32(age, win), _mm_cmpeq_epi32(fps, f)))) << (4 * q);
    }
    return hit;
#else
    uint32_t old;
    for (uint32_t t = 0; t < XPROBE; t++)
        rw[t] = sl[t].row;
    return xprobe_live(x, sl, lane, fp, &old);
#endif
}

/* The index hits live row <row> gets from fingerprints fp[] (cross_match()'s count of it):
 * the entries of its lane's XS lines that hold it with the fingerprint looked up there. */
static uint32_t xhits(const struct bd_cross *x, const uint32_t *fp, uint32_t row)
{
    const struct bd_xslot *ls = x->slot[row & 1];
    uint32_t c = 0;
    for (uint32_t j = 0; j < XS; j++) {
        const struct bd_xslot *sl = &ls[ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE)];
#if BD_SSE2
        /* an entry is two words: both equal, two adjacent bits of the mask */
        const __m128i e = _mm_setr_epi32((int)fp[j], (int)row, (int)fp[j], (int)row);
        uint32_t m = 0;
        for (uint32_t q = 0; q < XPROBE / 2; q++)
            m |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(
                     _mm_load_si128((const __m128i *)(const void *)(sl + 2 * q)), e))) << (4 * q);
        c += pop32(m & m >> 1 & 0x55555555u);
#else
        for (uint32_t t = 0; t < XPROBE; t++)
            c += sl[t].fp == fp[j] && sl[t].row == row;
#endif
    }
    return c;
}

/* The first of the XPROBE entries at <sl> whose row is the oldest (xage()); all live. */
static inline uint32_t xprobe_oldest(const struct bd_cross *x, const struct bd_xslot *sl,
                                     uint32_t lane)
{
#if BD_SSE2
    /* xprobe_live()'s ages (lane <lane>'s line), four entries a register; their largest
     * (ages are below 2^31: signed compares order them), then the first entry that has it */
    const __m128i lr = _mm_set1_epi32((int)x->lrows[lane]), m31 = _mm_set1_epi32(0x7fffffff);
    const float *p = (const float *)(const void *)sl;
    __m128i age[XPROBE / 4];
    for (uint32_t q = 0; q < XPROBE / 4; q++) {
        __m128 a = _mm_load_ps(p + 8 * q), b = _mm_load_ps(p + 8 * q + 4);
        __m128i rows = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        age[q] = _mm_and_si128(_mm_sub_epi32(lr, _mm_srli_epi32(rows, 1)), m31);
    }
    _Static_assert(XPROBE == 8, "two registers of ages");
    __m128i gt = _mm_cmpgt_epi32(age[1], age[0]);
    __m128i mx = _mm_or_si128(_mm_and_si128(gt, age[1]), _mm_andnot_si128(gt, age[0]));
    for (int sh = 0; sh < 2; sh++) {
        __m128i o = sh ? _mm_shuffle_epi32(mx, _MM_SHUFFLE(2, 3, 0, 1))
                       : _mm_shuffle_epi32(mx, _MM_SHUFFLE(1, 0, 3, 2));
        gt = _mm_cmpgt_epi32(o, mx);
        mx = _mm_or_si128(_mm_and_si128(gt, o), _mm_andnot_si128(gt, mx));
    }
    uint32_t at = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(age[0], mx))) |
                  (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(age[1], mx))) << 4;
    return (uint32_t)__builtin_ctz(at);
#else
    (void)lane;
    uint32_t use = 0, oldest = xage(x, sl[0].row);
    for (uint32_t k = 1; k < XPROBE; k++) {
        uint32_t a = xage(x, sl[k].row);
        use = a > oldest ? k : use;
        oldest = a > oldest ? a : oldest;
    }
    return use;
#endif
}

/* q is the midpoint of p and r, as a binary search's next row is of its bracket's two ends
 * (which are then equally near it: the best match is one, the other is where 2q - p points):
 * |2q - p - r| within BRACKET_TOL of |p - r| in the model's scale, plus what rounding to qe
 * makes, and p - r a step along several coordinates (participation ratio >= 1.5: not one
 * field edited to two values, nor a slider). The tolerance is the arithmetic's, not noise's:
 * a row is tried against every recent row it shares a fingerprint with, and on 4 features
 * (iris) three near rows of a crowd meet a 40 % tolerance by chance (HopSkipJump over 64
 * addresses beside 8 busy clients was then caught 30 rows later: the chance rows took its
 * stream); a search behind noise is left to the halving chains. */
#define BRACKET_TOL 0.05
static bool bracket_mid(const float *q, const float *pv, const float *rv, const float *inv,
                        uint32_t dim, double tol, double qe)
{
    double n0 = 0, n4 = 0, res = 0, w2 = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double w = inv ? inv[k] : 1.0;
        double z = ((double)pv[k] - rv[k]) * w, z2 = z * z;
        double e = (2.0 * q[k] - pv[k] - rv[k]) * w;
        n0 += z2;
        n4 += z2 * z2;
        res += e * e;
        w2 += w * w;
    }
    return n0 > 0 && n0 * n0 >= 1.5 * n4 && res <= tol * tol * n0 + 2.0 * qe * qe * w2;
}

/* Scores one finite row of client <who>, fingerprinted as fp[] (cross_fps()), against the
 * recent rows of both lanes and indexes it in lane <lane> (1: a thin client's row).
 * <exact> is the row's values' hash (ig_row_hash()). Sets *id to the row's id, *mrow to the
 * recent row it matches best (0 none), *repeat when the row repeats one of the lanes' last
 * XR rows exactly, and
 * returns the cross stream the row joins: its match's, or a new one when the match is
 * another client's row and in none (0: the row stays out). Without <follow> (a busy
 * client's row that joins no stream, bd_observe) only *id, *mrow, *link and *repeat are
 * asked for: no stream is looked up or numbered and no bisection's other end is searched
 * (*mid 0, 0 returned). Those were ~10 % of the detector's instructions on the 20-fold
 * replay of iris (bracket_mid() 1.6 M times for 376 k rows, 90 % of them for rows that
 * joined nothing); a stream's number is only ever compared for equality, so leaving
 * unused ones out changes no decision. */
static uint32_t cross_match(struct bd_cross *x, const uint32_t *fp, const float *row,
                            uint32_t who, uint32_t lane, const float *inv, double tol,
                            uint32_t *id, uint32_t *mrow, uint32_t *link, uint32_t *mid,
                            uint32_t exact, bool *repeat, bool follow)
{
    enum { XV = XL * XS * XPROBE };
    /* per row met, in the order met (one spare: each hit writes there, a new row keeps it) */
    uint32_t vrow[XV + 1], vpos[XV + 1], vn[XV], nv = 0;
    _Static_assert(XV < 256, "vcnt counts a row's hits");
    if (!(++x->lrows[lane] & 0x7fffffffu))
        x->lrows[lane]++;   /* id 0 is none */
    *id = xid(x->lrows[lane] & 0x7fffffffu, lane);
    /* An exact repeat of a recent row that every fingerprint still finds (copy, below) is
     * matched to nothing, whatever else the index holds: the last row added with the same
     * values' hash, if it is still live and all XS of its hits are there, settles that
     * without the pass over every row met (38 % of the rows on iris, whose 4 features put
     * ~80 hits over ~37 rows on each; the pass is the test's definition otherwise). */
    const struct bd_xrep *rp = &x->rep[rep_find(x, exact)];
    const uint32_t lrow = x->rec[rp->last].row;
    bool copy = rp->n && lrow && x->xwho[rp->last].hash == exact && xage(x, lrow) < XWIN &&
                xhits(x, fp, lrow) == XS;
    /* entries in the order lane 0's XPROBE, then lane 1's (i is XPROBE-aligned: no wrap) */
    for (uint32_t j = 0; j < XS && !copy; j++) {
        uint32_t i = (uint32_t)(ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE));
        for (uint32_t l = 0; l < XL; l++) {
            uint32_t rw[XPROBE];
            for (uint32_t hits = xprobe_hits(x, &x->slot[l][i], l, fp[j], rw); hits;
                 hits &= hits - 1) {
                /* a live row (xprobe_live()) is the only one kept at its place; no
                 * branch on whether it is new (about half the hits are) */
                uint32_t row = rw[__builtin_ctz(hits)], pos = xpos(row), c = x->vcnt[pos];
                vrow[nv] = row;
                vpos[nv] = pos;
                x->vcnt[pos] = (uint8_t)(c + 1);
                nv += !c;
            }
        }
    }
    /* each row met is live (younger than XWIN = XR rows in its lane), so rec (xwho) still
     * holds its client and values' hash (bd_observe() writes them there as it is indexed) */
    /* ... and the best-matching recent row (the newest in its lane on a tie), as Blacklight
     * scores a query, in the same pass */
    uint32_t best = XV;
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t c = x->vcnt[vpos[v]];
        vn[v] = c;
        x->vcnt[vpos[v]] = 0;
        copy |= x->xwho[vpos[v]].hash == exact && c == XS;
        if (c >= XMATCH && (best == XV || c > vn[best] ||
                            (c == vn[best] && xage(x, vrow[v]) < xage(x, vrow[best]))))
            best = v;
    }
    uint32_t sid = 0;
    *mrow = *link = *mid = 0;
    /* an exact repeat of a recent row (a popular record, a shared cache miss, a retry)
     * adds no step to any search */
    if (copy)
        best = XV;
    /* ... nor does one of an older row: the index keeps XPROBE rows per fingerprint, and a
     * popular record's copies crowd each other out there, so the lanes' last XR rows' hashes
     * say (a record one user probed and another sends again must not look like a step) */
    /* (the rows rec holds, less the one this row replaces: XR rows old) */
    const struct bd_xrow *gone = &x->rec[xpos(*id)];
    uint32_t n = rp->n;
    *repeat = n > (uint32_t)(gone->row && gone->hash == exact && xage(x, gone->row) >= XR);
    /* the match is another client's row with other values: a cross-client link */
    const bool bcross = best < XV && x->xwho[vpos[best]].client != who &&
                        x->xwho[vpos[best]].hash != exact;
    if (best < XV) {
        *mrow = vrow[best];
        *link = bcross ? vrow[best] : 0;
    }
    if (best < XV && follow) {
        /* the match's stream, if it is still followed */
        const struct bd_xrow *o = &x->rec[xpos(vrow[best])];
        for (uint32_t k = 0; k < XL * XC && !sid; k++)
            if (o->row == vrow[best] && o->sid && x->s[k].sid == o->sid)
                sid = o->sid;
        /* the other end of a bisection the row is the midpoint of: among the recent rows
         * it shares a fingerprint with, the one 2q - p points to (a binary search spread
         * over many addresses: its first near-duplicate rows split between the bracket's
         * two ends, and its stream began at one of them, without the other, so the
         * bisection lines its own client's stream sees from its 5th row went unseen). A
         * third client's: a reading settling on a set point another client sent is the
         * midpoint of that record and its own previous reading, every tick */
        if (bcross && o->row == vrow[best] && xage(x, vrow[best]) < XR) {
            const float *pv = x->raw + (size_t)xpos(vrow[best]) * x->dim;
            double qe = -1;
            uint32_t got = XV;
            for (uint32_t v = 0; v < nv; v++) {
                const struct bd_xrow *r = &x->rec[xpos(vrow[v])];
                if (v == best || x->xwho[vpos[v]].hash == exact || r->row != vrow[v] ||
                    xage(x, vrow[v]) >= XR || r->hash == o->hash || r->client == who ||
                    (got < XV && vn[v] <= vn[got]))
                    continue;
                if (qe < 0)
                    qe = decimal_quantum(row, x->dim);
                if (bracket_mid(row, pv, x->raw + (size_t)xpos(vrow[v]) * x->dim, inv, x->dim,
                                tol, qe))
                    got = v;
            }
            *mid = got < XV ? vrow[got] : 0;
        }
        /* a new stream takes a chain of two such links, three rows from two clients at
         * least: a noisy copy of a record another client sent, a user's edit of a popular
         * record, match a row whose own best match was the same values (exact repeats
         * are no link), and go no further; or the row and the two ends of a bisection it
         * is the midpoint of */
        if (!sid && bcross && o->row == vrow[best] && (o->link || *mid))
            sid = ++x->next_sid ? x->next_sid : ++x->next_sid;
    }
    struct bd_xslot *ls = x->slot[lane];
    for (uint32_t j = 0; j < XS; j++) {
        uint32_t i = (uint32_t)(ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE)), use = i, old;
        /* the first free or stale entry, else the oldest (the first of equals) */
        xprobe_live(x, &ls[i], lane, fp[j], &old);
        use = i + (old ? (uint32_t)__builtin_ctz(old) : xprobe_oldest(x, &ls[i], lane));
        ls[use] = (struct bd_xslot){ fp[j], *id };
    }
    return sid;
}

/* How much stream s can be spared: rows its lane took since it was last fed, less 32 per
 * row it holds (up to 16): a pair of near-duplicates that went nowhere goes before a long
 * search. By its lane's clock: the ordinary volume of busy clients (lane 0) ages the
 * streams they start, not a search over thin clients. */
static int64_t cross_spare(const struct bd_cross *x, const struct bd_xstream *s)
{
    if (!s->sid)
        return INT64_MAX;
    uint64_t n = s->st ? s->st->rows : 0;
    return (int64_t)((x->lrows[s->lane] - s->last) & 0x7fffffffu) - 32 * (int64_t)(n < 16 ? n : 16);
}

/* The cross stream <sid>: followed already, else made for a row of lane <lane> over a free
 * one or the best spared of a lane: its own when it holds its share (XC) already, else
 * one over its share. A stream is in the lane of the row that last joined it: streams of
 * busy clients' rows (ordinary noisy copies of popular records among them, also those a
 * client started while new) never push a search over thin clients out. */
static struct bd_xstream *cross_stream(struct bd_global *g, struct bd_cross *x, uint32_t sid,
                                       uint32_t lane)
{
    uint32_t held = 0;
    struct bd_xstream *lru = NULL;
    for (uint32_t k = 0; k < XL * XC; k++) {
        if (x->s[k].sid == sid)
            return &x->s[k];
        if (!x->s[k].sid)
            lru = &x->s[k];
        held += x->s[k].sid && x->s[k].lane == lane;
    }
    for (uint32_t k = 0; k < XL * XC && !(lru && !lru->sid); k++)
        if ((x->s[k].lane == lane) == (held >= XC) &&
            (!lru || cross_spare(x, &x->s[k]) > cross_spare(x, lru)))
            lru = &x->s[k];
    if (!lru)
        return NULL;
    state_free(g, lru->st);
    memset(lru, 0, sizeof(*lru));
    if (!(lru->st = state_new(g, x->dim)))
        return NULL;
    lru->sid = sid;
    lru->lane = lane;
    return lru;
}

static uint32_t distinct16(const uint32_t *c, uint32_t n);

/* Recent row i of the model goes into stream s. */
static enum bd_kind cross_feed(struct bd_global *g, struct bd_cross *x,
                               struct bd_xstream *s, uint32_t i, const float *vals,
                               const float *inv, uint64_t key, uint32_t live)
{
    struct bd_xrow *o = &x->rec[i];
    s->st->who = o->client;
    s->st->live = live;
    o->sid = s->sid;
    s->lane = o->row & 1;
    s->last = x->lrows[s->lane];
    if (s->last_ev != x->events) {
        s->last_ev = x->events;
        s->st->requests++;
    }
    s->recent[s->nrecent++ % 16] = o->client;
    if (live)   /* split pairs (rel_row): the clients of all its last 16 rows */
        s->st->live = distinct16(s->recent, s->nrecent);
    return rel_row(g, s->st, vals, x->dim, o->label, o->margin, o->poff, inv, key, true, o->repeat);
}

/* Distinct clients among the first min(n, 16) of c[] (a ring of 16; 0: none). */
static uint32_t distinct16(const uint32_t *c, uint32_t n)
{
    uint32_t d = 0, m = n < 16 ? n : 16;
    for (uint32_t i = 0; i < m; i++) {
        uint32_t j = 0;
        while (j < i && c[j] != c[i])
            j++;
        d += j == i && c[i];
    }
    return d;
}

/* Distinct clients among the stream's last 16 rows. */
static uint32_t cross_clients(const struct bd_xstream *s)
{
    return distinct16(s->recent, s->nrecent);
}

/* The answer's probability mass off <label> (a score-based search lowers the label's own
 * probability, so it raises this), summed from the small values so that it stays exact when
 * the label's probability rounds to 1 in float32; -1 without probabilities. */
static float off_label(const struct ig_event *ev, uint32_t r, int label)
{
    if (!ev->scores || ev->outputs < 2 || (ev->flags & IG_EV_LOGITS) || label < 0 ||
        (uint32_t)label >= ev->outputs)
        return -1.0f;
    const float *sc = ev->scores + (size_t)r * ev->outputs;
    double u = 0;
    for (uint32_t k = 0; k < ev->outputs; k++)
        if (k != (uint32_t)label)
            u += sc[k];
    return u >= 0 && u < INFINITY ? (float)u : -1.0f;
}

/* The model's number, as the scale its rows are judged in (rel_row's key: a scale is fixed
 * once learnt, so one number names it; a freed model's address may come back, its number
 * never does). */
static uint64_t scale_id(struct bd_global *g, struct bd_model *m)
{
    if (!m->serial)
        m->serial = atomic_fetch_add(&g->serials, 1) + 1;
    return m->serial;
}

/* Asks for the 64-byte lines of <b> .. <b> + n, four a loop step. */
static inline void prefetch_bytes(const char *b, size_t n)
{
    size_t o = 0;
    for (; o + 256 <= n; o += 256) {
        __builtin_prefetch(b + o);
        __builtin_prefetch(b + o + 64);
        __builtin_prefetch(b + o + 128);
        __builtin_prefetch(b + o + 192);
    }
    for (; o < n; o += 64)
        __builtin_prefetch(b + o);
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
    if (st->dim != ev->features) {
        atomic_fetch_add(&g->skipped, ev->rows);
        return IG_OK;
    }
    st->requests++;
    /* The client's kept rows are cold (other clients' events came between): ask for them
     * now, so the loads of the relations and the ring search overlap the work before. */
    if (st->rel) {
        const char *b = (const char *)st->rel;
        size_t nb = (size_t)IG_MIN(st->rows, (uint64_t)st->rel_n) * st->dim * sizeof(float);
        prefetch_bytes(b, nb);
        /* and the slots' scalars (rel_block(): before and after the inputs), which
         * relations() reads for every kept row (rel_quant, rel_req, rel_row ...) */
        prefetch_bytes((const char *)st->rel_row, (size_t)st->rel_cap * 3 * 8);
        prefetch_bytes((const char *)(st->rel + (size_t)st->rel_cap * st->dim),
                       (size_t)st->rel_cap * (6 * 4 + 2 * 2 + 1));
    }
    if (st->ring.data) {
        /* of each block, the features ring_near() reads before its first abandon check */
        const char *b = (const char *)st->ring.data;
        size_t blk = (size_t)IG_VSET_BLOCK * st->ring.dim * st->ring.elem,
               head = (size_t)IG_VSET_BLOCK * IG_MIN(st->ring.dim, 16u) * st->ring.elem;
        for (uint32_t i = 0; i < st->ring.count; i += IG_VSET_BLOCK, b += blk)
            prefetch_bytes(b, head);
    }
    const struct ig_kern_ops *k = ig_kern();
    const uint32_t dim = ev->features;
    float zbuf[IG_FSCALE_MAXDIM], nb[IG_FSCALE_MAXDIM], wbuf[IG_FSCALE_MAXDIM];
    /* the nearest recent input, for the step's structure */
    float *nbp = dim <= IG_FSCALE_MAXDIM ? nb
                 : call->scratch ? ig_scratch_alloc(call->scratch, (size_t)dim * sizeof(float)) : NULL;
    bool wset = false;
    /* the model's view across clients: once per event, on scaled rows of up to 64
     * features, or wider rows (same unit) up to XMAXDIM by their projections; for a source
     * that carries several identities, on its principal group's stream (the identity of a
     * key-rotating client is the source), else on the client's */
    bool multi = call->source && call->source->identities > 1;
    struct bd_cross *xv = NULL;
    uint32_t who = 0;
    bool wide = dim > IG_FSCALE_MAXDIM;
    if (p->cross && m && call->group == multi && st->rel && m->fs.dim == dim &&
        (wide ? dim <= XMAXDIM && m->fs.mode == IG_FSCALE_IDENTITY
              : m->fs.mode == IG_FSCALE_SCALED || (m->fs.mode == IG_FSCALE_IDENTITY && m->fs.unit > 0))) {
        who = (uint32_t)ig_fnv1a_str(IG_FNV1A_BASIS, ev->client_id, sizeof ev->client_id);
        /* a wide row's view (~3-4 us an event at 784 features) waits for the model's second
         * client: with one, there is nothing across clients to see */
        if (wide && !m->several) {
            m->several = m->first_who && (who | 1u) != m->first_who;
            m->first_who = m->first_who ? m->first_who : who | 1u;
        }
        if (!m->x && (!wide || m->several))
            m->x = cross_new(g, dim);
        if (m->x && m->x->dim == dim) {
            xv = m->x;
            xv->events++;
        }
    }
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *x = ev->inputs + (size_t)r * dim;
        if (!ig_kern_finite(x, dim)) {
            atomic_fetch_add(&g->skipped, 1);
            continue;
        }
        double margin;
        int label = ig_row_label(ev, r, &margin);
        const float *inv = m && p->scale && m->fs.mode == IG_FSCALE_SCALED && m->fs.dim == dim
                           ? m->fs.inv : NULL;
        if (!inv && m && p->scale && m->fs.mode == IG_FSCALE_IDENTITY && m->fs.dim == dim &&
            dim <= IG_FSCALE_MAXDIM && m->fs.unit > 0) {
            /* same-unit features: one spread for all, so decimal steps are judged
             * against it (halving_step, the lattice test) */
            if (!wset) {
                float u = 1.0f / m->fs.unit;
                for (uint32_t c = 0; c < dim; c++)
                    wbuf[c] = u;
                wset = true;
            }
            inv = wbuf;
        }
        uint64_t key = inv ? scale_id(g, m) : 0;
        float poff = off_label(ev, r, label);
        /* a narrow row's fingerprints first: their index entries load meanwhile */
        uint32_t fp[XS], hash = 0;
        if (xv && !wide) {
            cross_fps(xv, &m->fs, x, fp);
            /* and the repeat count's line cross_match() reads (rep_find()) */
            hash = ig_row_hash(x, dim);
            __builtin_prefetch(&xv->rep[(hash * 0x9e3779b1u) >> 20]);
        }
        if (st->rel) {
            bool box = box_row(g, st, x, dim);
            bool tiso, tmet, toward = toward_row(p, st, x, dim, inv, label, margin, &tiso, &tmet);
            enum bd_kind kind = rel_row(g, st, x, dim, label, margin, poff, inv, key, false, false);
            uint32_t ts = (uint32_t)((st->rows - 1) % st->rel_n);
            if (ts < st->rel_cap && st->rel_row[ts] == st->rows - 1)
                st->rel_judged[ts] |= (uint8_t)((tiso ? ISO : 0) | (tmet ? MEET : 0));
            if (kind == BD_NONE && box)
                kind = BD_SYNTH;
            if (kind == BD_NONE && toward)
                kind = BD_TOWARD;
            if (kind != BD_NONE) {
                st->rel_alarms++;
                /* first alarm, then at 10, 100 and every 1000: the throttle merges the rest */
                if (st->rel_alarms == 1 || st->rel_alarms == 10 || st->rel_alarms == 100 ||
                    st->rel_alarms % 1000 == 0)
                    alarm(call, ev, p, st, kind, 0);
                st->alarmed = true;
            }
        }
        /* a wide row goes by its projections, once their scale is known (the model's
         * first ~24 rows through the view teach it, at most 12 from any one client) */
        float y[XP];
        const float *fpv = x;
        const struct ig_fscale *xfs = m ? &m->fs : NULL;
        if (xv && wide) {
            cross_project(xv, x, y);
            fpv = y;
            xfs = &xv->pfs;
        }
        if (xv && (!wide || ig_fscale_learn(&xv->pfs, y, XP, &cl->taught) != IG_FSCALE_LEARNING)) {
            /* the model's view across clients: the row joins the cross stream of the recent
             * row it matches best, with that row when it was in none */
            if (wide)
                cross_fps(xv, xfs, fpv, fp);
            bool again;
            uint32_t id, mrow, link, mid;
            if (wide)
                hash = ig_row_hash(x, dim);
            /* a client with few rows of its own: the thin lane (XTHIN) */
            /* (joins below: a thin client's row, or one of a client its stream named) */
            bool thin = st->rows <= XTHIN;
            uint32_t sid = cross_match(xv, fp, x, who, thin, wide ? NULL : inv, BRACKET_TOL, &id,
                                       &mrow, &link, &mid, hash, &again, thin || st->alarmed);
            uint32_t i = xpos(id);
            if (xv->rec[i].row)
                rep_del(xv, xv->rec[i].hash);
            rep_add(xv, hash, i);
            xv->rec[i] = (struct bd_xrow){ id, who, label, (float)margin, poff, 0, link, again,
                                           hash };
            xv->xwho[i].client = who;
            xv->xwho[i].hash = hash;
            raw_put(xv->raw + (size_t)i * dim, x, dim);
            /* The view is there for thin clients (lane 1). A busy client's rows are judged
             * by its own stream (rel_row above) and join no cross stream, unless that stream
             * found a search (a searcher's rows are a search's, whoever else sends them):
             * a busy ordinary client's near-duplicates join other streams by chance and
             * bury a search's steps among theirs (digits, 8 busy clients beside SimBA over
             * 64 addresses: 10 of their rows per step of the search, which was named at its
             * 85th row, and an imputed record of one of them completed its descent links and
             * was named instead). (Keeping a busy client's row from completing evidence
             * alone named the search at its 46th row; holding that evidence for the
             * stream's next thin row named thin ordinary clients of crowded streams.) */
            bool joins = (id & 1) || st->alarmed;
            struct bd_xstream *xs = sid && joins ? cross_stream(g, xv, sid, id & 1) : NULL;
            if (xs) {
                /* a new stream starts with the chain: the match's own match, then the
                 * recent rows of the match's lane that linked to it as the match did (a
                 * search's first steps all near its start: HopSkipJump's first binary
                 * search toward x0 matched x0 row after row, and the stream began only at
                 * its 10th row, after the bisection it could have seen), oldest first, up
                 * to XSIB, the match among them */
                uint32_t k = xpos(mrow), k2 = xpos(xv->rec[k].link);
                bool fresh_chain = xv->rec[k].sid != sid && xv->rec[k].link &&
                                   xage(xv, xv->rec[k].link) < XR &&
                                   xv->rec[k2].row == xv->rec[k].link;
                if (fresh_chain && xv->rec[k2].sid != sid)
                    cross_feed(g, xv, xs, k2, xv->raw + (size_t)k2 * dim, inv, key, 0);
                uint32_t ml = mrow & 1, nsib = 0;
                for (uint32_t a = XR - 1; fresh_chain && a >= 1 && nsib < XSIB; a--) {
                    uint32_t n = (xv->lrows[ml] - a) & 0x7fffffffu, pos = xpos(xid(n, ml));
                    struct bd_xrow *o = &xv->rec[pos];
                    if (n && o->row == xid(n, ml) && o->row != mrow && o->link == xv->rec[k].link &&
                        !o->sid && pos != i) {
                        cross_feed(g, xv, xs, pos, xv->raw + (size_t)pos * dim, inv, key, 0);
                        nsib++;
                    }
                    if (o->row == mrow && xv->rec[k].sid != sid) {
                        cross_feed(g, xv, xs, k, xv->raw + (size_t)k * dim, inv, key, 0);
                        break;
                    }
                }
                /* the bisection's other end, in the order the two ends came (the older
                 * first: a halving step is q against the last two rows; by their lanes'
                 * clocks, so only roughly when the two are in different lanes) */
                uint32_t kr = mid ? xpos(mid) : 0;
                bool rfeed = mid && xage(xv, mid) < XR && xv->rec[kr].row == mid &&
                             xv->rec[kr].sid != sid;
                if (rfeed && (xage(xv, mid) > xage(xv, mrow) || xv->rec[k].sid == sid))
                    cross_feed(g, xv, xs, kr, xv->raw + (size_t)kr * dim, inv, key, 0);
                if (xage(xv, mrow) < XR && xv->rec[k].row == mrow && xv->rec[k].sid != sid)
                    cross_feed(g, xv, xs, k, xv->raw + (size_t)k * dim, inv, key, 0);
                if (rfeed && xv->rec[kr].sid != sid)
                    cross_feed(g, xv, xs, kr, xv->raw + (size_t)kr * dim, inv, key, 0);
                /* q against the two ends just taken is no halving step of one search: a
                 * turn back there would be the order they were taken in */
                xs->st->halv_hold = rfeed;
                xs->live[xs->nlive++ % 16] = st->alarmed ? 0 : who;
                enum bd_kind kind = cross_feed(g, xv, xs, i, x, inv, key, distinct16(xs->live, xs->nlive));
                uint32_t ncl = cross_clients(xs);
                /* Several clients must send into the stream, and the view names those its
                 * own stream has not: a thin client's own readings after the record of
                 * another client it started from (the stream's first rows) are its own
                 * stream's to judge (rel_row above): a round-robin sensor on digits, its
                 * stream no longer filled by busy clients' rows, was named a distributed
                 * search at its 12th row. A client named by its own stream (a busy one
                 * always is, to be in a stream) completes no evidence and does not count:
                 * on iris, HopSkipJump from one address took the first finding of the
                 * stream it shared with HopSkipJump over 64 addresses, which waited for
                 * the stream's 10th; and an ordinary user bisecting a feature of a record
                 * SimBA with rotating keys searched from is no search across clients. */
                if (distinct16(xs->live, xs->nlive) < 2 || st->alarmed)
                    kind = BD_NONE;
                if (kind != BD_NONE && ncl >= 2) {
                    /* first alarm, then at 10, 100 and every 1000; and the first of each
                     * kind of evidence: searches can share one stream (on iris's 4
                     * features SimBA over 64 addresses, HopSkipJump from one and over 64
                     * met in one), and the finding goes to the client whose row completed
                     * the evidence, so another search's first (bisection lines after
                     * greedy choices) does not wait for the stream's 10th alarm */
                    xs->st->rel_alarms++;
                    if (xs->st->rel_alarms == 1 || xs->st->rel_alarms == 10 ||
                        xs->st->rel_alarms == 100 || xs->st->rel_alarms % 1000 == 0 ||
                        !(xs->kinds & 1u << kind))
                        alarm(call, ev, p, xs->st, kind, ncl);
                    xs->kinds |= 1u << kind;
                }
            }
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
        float d2 = ring_count(st) ? ring_near(k, st, x, lim * lim, &at) : INFINITY;
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
                ring_get(st, (uint32_t)at, nbp);
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
                /* natural near-duplicates next to the boundary (a camera on an ambiguous
                 * scene) flip too: a decision-based search also bisects a line between two
                 * of its queries somewhere in its last 64 rows */
                bool built = !st->rel || (st->last_line && st->rows - st->last_line < 64);
                probe = probe && built;
                /* a search by synthetic steps over many coordinates */
                bool walk = st->distinct >= p->walk_run && 5 * st->structured >= 3 * st->distinct &&
                            pop64(st->coords) >= walk_coords(dim) &&
                            (!st->rel || (st->run_synth >= 2 && st->run_moved &&
                                          5 * st->run_synth >= st->distinct &&
                                          steps_spread(st)));
                if (probe || walk) {
                    alarm(call, ev, p, st, probe ? BD_PROBE : BD_WALK, 0);
                    st->alarmed = true;
                    st->next_alarm = st->run * 10;
                } else {
                    /* not yet: look again after another min_run queries */
                    st->next_alarm = st->run + p->min_run;
                }
            }
        } else if (++st->gap > p->max_gap && st->run) {
            run_reset(p, st);
        }
        ring_push(g, st, x, !scaled, label);
    }
    return IG_OK;
}

static void bd_model_free(const struct ig_call *call)
{
    struct bd_model *m = call->model;
    cross_free((struct bd_global *)call->global, m->x);
    m->x = NULL;
}

static void bd_evict(const struct ig_call *call)
{
    struct bd_client *cl = call->client;
    state_free((struct bd_global *)call->global, cl->st);
    cl->st = NULL;
}

const struct ig_detector ig_det_adversarial_boundary = {
    .name = NAME,
    .wants = IG_EV_TENSOR,
    .client_size = sizeof(struct bd_client),
    .model_size = sizeof(struct bd_model),
    .init = bd_init,
    .observe = bd_observe,
    .evict = bd_evict,
    .model_free = bd_model_free,
    .free = bd_free,
    .stats = bd_stats,
    .params = bd_param_rows,
    .params_size = sizeof(struct bd_params),
};
