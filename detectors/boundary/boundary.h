/* adversarial.boundary's internal header: the state every rule family shares (struct
 * bd_state), the small helpers inlined where they were, and the functions that cross files.
 * The detector (its rules, the overview and the glue: init, observe, alarm, evict) is
 * detectors/det_adversarial_boundary.c; its rule families are the .c files beside this header. */
#ifndef IG_DET_BOUNDARY_H
#define IG_DET_BOUNDARY_H

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

struct bd_global {
    struct bd_params p;
    const struct ig_budget_ops *mem_ops;   /* lent by the env */
    struct ig_budget *mem;    /* memory_mb: clients' rings */
    _Atomic uint64_t skipped;
    _Atomic uint64_t serials; /* models numbered (scale_id()) */
};

#define BOX_V 8          /* new vertices of one L-inf box in a client's last 32 rows (bd_box_row) */
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
    float   *rel_quant;       /* per slot (REL_N): its decimal step (bd_decimal_quantum) */
    uint32_t requests;        /* the client's events seen, this one included */
    int16_t  step_coord[32];  /* per row (mod 32): first coordinate of its sparse step, -2 none */
    float    nz_mean;         /* the mean of nzp's first dim (here: the hole before rel_alarms) */
    uint64_t rel_alarms;
    /* halving chain: consecutive rows whose step is +-half the step before (binary search) */
    uint32_t halv_run;        /* consecutive halving rows ending at the last row */
    uint32_t halv_rev;        /* bit k: the halving step k rows ago reversed direction */
    bool     halv_narrow;     /* the last row's halving step was a narrow line's (bd_halving_step) */
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
                               * is a pair's line (ISO; bd_toward_row) */
    uint64_t *rel_kid_row;
    uint32_t asyn_m;          /* bit k: the row k rows ago was a second child of its base
                               * up to noise (one coordinate dominating the step) */
    uint32_t two_m;           /* bit k: the row k rows ago was a mirror or a parallelogram */
    /* stars: bases probed along many coordinates, x - e and x + e around each (SimBA stuck on
     * a saturated answer, ZOO, NES); kept apart from the ring, whose slots a long probe of
     * one base overwrites */
    float   *star;            /* STAR_N x dim; NULL until the client's first sparse step
                               * (bd_star_room: one block with the arrays below) */
    uint64_t *star_last;      /* [STAR_N] rows + 1 of its last child; 0 = empty */
    uint64_t *star_row;       /* [STAR_N] the ring row its base came from */
    uint64_t *star_has;       /* [STAR_N] coordinates (mod 64) it had a child along */
    uint64_t *star_mir;       /* [STAR_N] coordinates (mod 64) with children on both sides */
    float  (*star_step)[64];  /* [STAR_N] the first child's step per coordinate (mod 64) */
    uint32_t star_now;        /* coordinates mirrored around the stars probed in the last 16
                               * rows, when the last row was a star's child; else 0 */
    uint32_t star_moved;      /* bit s: star s's base is a moved centre (see bd_centre_moved) */
    uint32_t moved_m;         /* bit k: the row k rows ago was a probe around a moved centre */
    uint16_t moved_c[16];     /* per row (mod 16): that centre (its row, low 16 bits) */
    uint32_t run_moved;       /* the run's queries probing around a moved centre */
    uint32_t desc_m, asc_m;   /* bit k: the row k rows ago showed a greedy choice (a kept
                               * base that had lowered the probability, a dropped step that
                               * had not) or one against it */
    float    noise;           /* the client's noise floor: per-coordinate mean square of a
                               * row's move off its largest coordinate, against its nearest
                               * fresh input (model's scale), geometric running mean; 0 none
                               * (bd_noise_learn) */
    float    hv_d2;           /* (with hv_at, hv_key below; here beside noise: no hole) */
    float   *nzp;             /* the client's noise per coordinate: dim running mean squares of
                               * its rows' moves off their nearest fresh input (model's scale),
                               * then dim of them as judged (nz_var()); from its first row
                               * within noise of one (NULL before, or refused; bd_nz_learn()) */
    float   *pcen;            /* the centre (q + a) / 2 of the client's last parallelogram
                               * q + a == b + c (dim floats, then dim of scratch, then the
                               * pair q, a that set it), then the antithetic cloud's
                               * (bd_cloud_pair(): 3 + min(min_antithetic, dim) rows); from
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
    /* bd_relations()' squared distance (float kernel, model's scale) from row hv_at to the row
     * before it, the step bd_halving_step() judges at row hv_at + 1: a bound on its length
     * (UINT64_MAX: none), in the scale hv_key names (scale_id: 0 raw units) */
    uint64_t hv_at;
    uint64_t hv_key;
    double   hv_w2;           /* sum of w^2 over the features in scale w2_key (0 none yet) */
    uint64_t w2_key;
    uint32_t split_m;         /* bit k: the row k rows ago mirrored the row before it, the
                               * first child of its star along that coordinate, sent by
                               * another client (split_pair()) */
    /* vertices of one L-inf box (bd_box_row()): its centre c, its half-widths a per
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

#define REL_N 32         /* raw inputs kept for exact relations (at most; see rel_slots) */
#define REL_LINE_N 8     /* of them, the newest searched for lines (dot products: dim each) */
#define REL_NEAR 8       /* and the nearest ones searched for parallelograms */

#define REL_FIRST 2      /* relation slots allocated with the state (then doubling) */

/* Rows in the recent ring (the early rows before its blocked set: state.c). */
static inline uint32_t ring_count(const struct bd_state *st)
{
    return st->ring.data ? st->ring.count : (uint32_t)IG_MIN(st->queries, (uint64_t)st->recent_n);
}

/* float32's relative rounding (a unit in the last place, relative to the value) */
#define ULP 0x1p-24

#if BD_SSE2
static inline __m128d abs_pd(__m128d v)
{
    return _mm_and_pd(v, _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffll)));
}
#endif

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
    bool line_chain;      /* line: one of its two ends was a bisection row itself (a search's
                           * next midpoint between its last one and an end) */
    int coord;            /* synth: the coordinate the relation moves, -1 dense */
    int base, step;       /* q is a sparse step (first coordinate <step>) from slot <base>; -1 none */
    bool approx;          /* that step is sparse only up to noise (bd_dominant()) */
    bool asynth;          /* ... and its base already had a child: a sibling or mirror */
    bool two;             /* a two-sided relation: a mirror or a parallelogram */
    bool clipped;         /* that mirror holds up to clipping (bd_mirror_clipped()) */
    int para;             /* a parallelogram q + a == b + c: slot a, -1 none */
    int anti;             /* a dense two-sided relation's other row of q's pair (q + a is
                           * twice the centre: a mirror's a, a parallelogram's a), -1 none */
    int far_all;          /* the kept input farthest from q that q moves off in min(3, dim)
                           * coordinates or more, fresh or not (bd_cloud_seed()), -1 none */
    float far_d2;         /* its squared distance (as near_d2) */
    int swept;            /* the slot q shows swept (a second, non-mirror child along one
                           * coordinate, see bd_relations()), -1 none */
    float qe;             /* the decimal step the relations allowed for */
    bool star_child;      /* q is a child of one of the client's stars */
    uint32_t star;        /* coordinates mirrored around that star's base */
    bool star_new;        /* q mirrored an earlier child of that star (a new coordinate) */
    bool star_first;      /* q is that star's first child along its coordinate */
    uint64_t star_base;   /* that star's base: its row */
    int star_coord;       /* q's coordinate off it */
    bool star_approx;     /* ... through noise (bd_dominant()) */
    bool moved;           /* q probes around a moved centre (bd_centre_moved()) */
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

static inline const float *rel_at(const struct bd_state *st, uint32_t dim, uint32_t i)
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
#define KEPT 16          /* rel_judged bit: a CHILD that went toward the boundary (bd_toward()) */
#define MEET 32          /* rel_judged bit: the step into this row lies on a line that met an
                          * earlier pair's line far off (bd_toward_row) */
#define ISO 64           /* rel_judged bit: the step into this row is dense and the row
                          * before it lies off its line (a pair's line, bd_toward_row) */
#define ORIGIN 128       /* rel_judged bit: the step into this row is a pair's line through an
                          * earlier kept row far off (toward.c: through_row()) */
#define CENTRE_MOVE 0.1  /* a search's centre moves by at most this many spreads per
                          * coordinate (RMS) between rounds of probes (rel_row) */
#define CLOUD_R 0.25    /* an antithetic pair's half-length at most, spreads per coordinate
                         * RMS (cloud.c: bd_cloud_pair()) */
static inline bool fresh(const struct bd_state *st, uint32_t i)
{
    return st->requests - st->rel_req[i] <= REL_FRESH;
}

#define NOISE_MAX 0.25  /* a step's other coordinates move by noise: RMS at most this many
                         * spreads, model's scale (noise.c: bd_dominant()) */
/* The client's noise per coordinate (bd_nz_learn()): an attacker's noise, a sensor's, need not
 * follow the model's scale (SimBA behind 1 % of each feature's standard deviation, on
 * breast cancer's skewed features whose robust spread is 0.3-1.5 times it: one
 * coordinate's noise 25 times another's in the model's scale, and a step's square came 9-15
 * times the others' mean square, under the ratio test). From NZ_READY rows within noise
 * of their nearest fresh input, 8 to NZ_MAXDIM features and a model's scale, each
 * coordinate's move is judged against its own mean square, shrunk toward the mean of all
 * (NZ_PRIOR rows of it: a coordinate seen still a few times is not taken for silent). */
#define NZ_MAXDIM 256
#define NZ_READY 4
static inline bool nz_ready(const struct bd_state *st)
{
    return st->nzp && st->nz_n >= NZ_READY && st->nz_mean > 0;
}

/* Coordinate k's noise (mean square, model's scale): its own, shrunk toward the mean */
static inline double nz_var(const struct bd_state *st, uint32_t k)
{
    return st->nzp[st->dim + k];
}

/* The noise floor bd_noisy_mirror() judges coordinate k's mirror against: its own once the
 * client's noise per coordinate is known, else the pooled floor */
static inline double nz_floor(const struct bd_state *st, const float *inv, uint32_t dim, int k)
{
    double v = inv && dim >= 8 && nz_ready(st) ? nz_var(st, (uint32_t)k) : 0;
    return v > st->noise ? v : st->noise;
}

#define STAR_IDLE 16     /* rows without a child after which a star is dropped */

/* A narrow halving step (bd_halving_step) not yet shown to be a line's: its numbers, for the
 * next row to pool with (halv_cand in the client's state). */
struct hv_narrow {
    bool cand;     /* this row is one */
    bool joins;    /* the row before was one and this row showed their line: it joins the chain */
    bool rev;      /* its step turned back */
    float top, r2; /* narrow_third() and its matched residue sum */
};

enum bd_kind { BD_PROBE, BD_WALK, BD_LINE, BD_SYNTH, BD_HALVE, BD_TOWARD, BD_ORIGIN, BD_SIGN,
                BD_NONE };

/* ---- the model's view across clients (cross.c): its sizes and records ---- */
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

/* ---- functions crossing files, by the file that has them ---- */

/* state.c */
void bd_state_free(struct bd_global *g, struct bd_state *st);
struct bd_state *bd_state_new(struct bd_global *g, uint32_t dim);
bool bd_charge_st(struct bd_global *g, struct bd_state *st, uint64_t n);
void bd_rel_grow(struct bd_global *g, struct bd_state *st);
void bd_star_room(struct bd_global *g, struct bd_state *st);
void bd_early_copy_out(struct bd_state *st);
float bd_ring_near(const struct ig_kern_ops *k, const struct bd_state *st, const float *x,
                   double lim2, int32_t *at);
void bd_ring_get(const struct bd_state *st, uint32_t i, float *out);
void bd_ring_push(struct bd_global *g, struct bd_state *st, const float *x, bool raw,
                  int32_t label);

/* relations.c */
float bd_decimal_quantum(const float *x, uint32_t dim);
uint32_t bd_nnz_diff(const float *a, const float *b, float qe, uint32_t dim, uint32_t cap,
                     int *first);
bool bd_coarse(const float *a, const float *b, float qe, uint32_t dim);
bool bd_mirror_clipped(const float *q, const float *a, const float *b, float qe, uint32_t dim);
void bd_relations(const struct bd_params *p, const struct bd_state *st, const float *q,
                  float qq, uint32_t dim, int label, double margin, const float *inv,
                  struct rel_hit *h);

/* noise.c */
int bd_dominant(const float *q, const float *b, const float *inv, float qe, uint32_t dim,
                const struct bd_state *st, double *step);
bool bd_child_of(const float *q, const float *b, const float *inv, float qe, uint32_t dim,
                 const struct bd_state *st, int *coord, double *step, bool *approx);
bool bd_noisy_mirror(double step, double v0, const float *inv, int k, double floor);
void bd_nz_learn(struct bd_global *g, struct bd_state *st, const float *q, const float *b,
                 const float *inv, uint32_t dim);

/* stars.c */
bool bd_centre_moved(const struct bd_state *st, const float *q, uint32_t dim, int b,
                     int step, const float *inv);
double bd_dist2(const float *q, const float *b, const float *inv, uint32_t dim);
void bd_stars(struct bd_state *st, const float *q, float qe, uint32_t dim, const float *inv,
              struct rel_hit *h);
bool bd_star_probe_sized(const struct bd_state *st, const float *q, const float *b,
                         const float *inv, uint64_t row, int k);

/* noisy_star.c */
uint32_t bd_noisy_kept_star(const struct bd_state *st, const float *q, uint32_t dim,
                            const float *inv, int label, float poff);

/* steps.c */
bool bd_dense_move(const float *q, const float *b, const float *inv, uint32_t dim);
double bd_rest2(const float *q, const float *b, const float *inv, uint32_t dim);
bool bd_move_beyond_noise(const struct bd_state *st, const float *q, int b, const float *inv,
                          uint32_t dim);
bool bd_toward(const struct bd_state *st, int b, int label, float poff);
void bd_rel_push(struct bd_state *st, const float *q, float qq, uint32_t dim, int label,
                 double margin, float poff, const struct rel_hit *h, uint8_t flags);
uint32_t bd_synth_spread(const struct bd_state *st, uint32_t *dense);
uint32_t bd_step_distinct(const struct bd_state *st);
uint32_t bd_moved_centres(const struct bd_state *st);
bool bd_synthetic_step(struct bd_state *st, const float *a, const float *b, uint32_t dim);
bool bd_recombined(const struct bd_state *st, const float *q, uint32_t b, uint32_t dim);
bool bd_lattice_step(const float *q, const float *b, const float *inv, uint32_t dim);
bool bd_steps_spread(const struct bd_state *st);

/* halving.c */
int bd_halving_step(const struct bd_params *p, const struct bd_state *st, const float *q,
                    float qq, uint32_t dim, const float *inv, uint64_t key,
                    struct hv_narrow *nw);
bool bd_halving_chain(const struct bd_params *p, const struct bd_state *st, int label);

/* cloud.c */
double bd_move_radius2(const float *x, const float *inv, uint32_t dim, double near_rel);
void bd_para_centre(struct bd_global *g, struct bd_state *st, const float *q, const float *a,
                    uint32_t dim, const float *inv, struct rel_hit *h);
uint32_t bd_cloud_pair(struct bd_global *g, struct bd_state *st, const float *q,
                       const float *a, const float *b, uint32_t dim, const float *inv,
                       float qe);
int bd_cloud_antipode(const struct bd_state *st, const float *q, uint32_t dim, float qe);
int bd_cloud_seed(const struct bd_state *st, const float *q, uint32_t dim, float qe, int ai);

/* box.c */
bool bd_box_row(struct bd_global *g, struct bd_state *st, const float *q, uint32_t dim);

/* sign_walk.c */
bool bd_sign_walk_row(const struct bd_state *st, const float *q, uint32_t dim);

/* toward.c */
enum bd_kind bd_toward_row(const struct bd_params *pp, const struct bd_state *st, const float *q,
                           uint32_t dim, const float *inv, int label, double margin, bool *iso,
                           bool *met, bool *origin);

/* row.c */
enum bd_kind bd_rel_row(struct bd_global *g, struct bd_state *st, const float *x,
                        uint32_t dim, int label, double margin, float poff,
                        const float *inv, uint64_t key, bool strict, bool repeat);

/* cross.c */
void bd_cross_free(struct bd_global *g, struct bd_cross *x);
struct bd_cross *bd_cross_new(struct bd_global *g, uint32_t dim);
void bd_cross_fps(struct bd_cross *x, const struct ig_fscale *fs, const float *fpv,
                  uint32_t *fp);

void bd_cross_row(const struct ig_call *call, const struct ig_event *ev, const float *x, int label,
                  double margin, float poff, const float *inv, uint64_t key, uint32_t *fp,
                  uint32_t hash, uint32_t who);

/* det_adversarial_boundary.c */
void bd_alarm(const struct ig_call *call, const struct ig_event *ev, const struct bd_params *p,
              const struct bd_state *st, enum bd_kind kind, uint32_t clients);

/* ---- per-row gates, inline (a call a row each: their fast path costs less than the call) ---- */

/* Room for the relations' next row (slot rows % rel_n): the block doubles while the rows
 * fill it (state.c: bd_rel_grow()). Refused (budget or memory): the ring wraps at the slots
 * it has; as the rows fill them exactly, every slot keeps its row. */
static inline void bd_rel_room(struct bd_global *g, struct bd_state *st)
{
    if (st->rows < st->rel_cap || st->rel_cap >= st->rel_n)
        return;
    bd_rel_grow(g, st);
}

/* Before rel row <rows> takes slot rows % rel_n: the early slots naming the row it holds
 * copy it out (state.c: bd_early_copy_out()). */
static inline void bd_early_keep(struct bd_state *st)
{
    if (st->ring.data || !st->rel)
        return;
    bd_early_copy_out(st);
}

/* The client's noise floor learns <rest> (a row's others' mean square against its nearest
 * fresh input; 0 or less: nothing): a geometric running mean over about 4 rows, each row
 * moving it at most 16x, so a jump to a new record moves it little and exact arithmetic
 * (rest 0, no noise) leaves it unset. */
static inline void bd_noise_learn(struct bd_state *st, double rest)
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

#endif
