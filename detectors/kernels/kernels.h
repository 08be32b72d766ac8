/* SIMD kernels for detectors: distances of one vector to a stored set with min-reduction,
 * dot products of a few vectors with a split (two-plane) set,
 * salted int16 quantisation (fingerprints) and histogram bin indexing. A scalar reference
 * and AVX2 / AVX-512 versions share one data layout; ig_kern() returns the pointer table
 * chosen once from ig_cpu_level() (INFERGUARD_SIMD caps it), never re-checked per call.
 *
 * Stored-set layout (struct ig_vset): vectors are grouped in blocks of IG_VSET_BLOCK = 16.
 * Block b holds vectors 16b .. 16b+15 feature-major: float f of lane l sits at
 *     data[b * dim * 16 + f * 16 + l]
 * so one 64-byte line (one zmm, two ymm) holds feature f of 16 vectors, and a distance
 * pass streams the block once with no horizontal sums. Lanes past <count> in the last
 * block are zero and are never reported. The same layout serves every path.
 *
 * Storage: float32 (exact), or bfloat16 (IG_VSET_BF16: the top 16 bits of the float32,
 * rounded to nearest even) at half the bytes — same range as float32, 8-bit mantissa
 * (relative error <= 2^-9 per stored coordinate). Queries stay float32; bf16 rows of a
 * block are 32 bytes: data[(b * dim + f) * 16 + l] as uint16. Every path widens bf16
 * exactly (a shift), so paths differ only by summation as for float32.
 *
 * Numbers: inputs are float32; a squared-L2 distance is, on every path, bit for bit
 *     a0 = fused sums of (x_f - y_f)^2 over even f, a1 = the same over odd f (each in
 *     feature order: a = fma(t, t, a)), distance = a0 + a1
 * (the AVX-512 path's two accumulators; AVX2 and scalar, by fmaf, follow it). Distances,
 * minima and argmins are therefore the same on every CPU, and so is everything decided
 * from them (extraction.prada's Shapiro-Wilk W differed from the 8th digit between paths
 * when each summed in its own order). Ties go to the lowest index on every path.
 * NaN: a NaN distance (NaN input, or inf - inf) never wins the minimum; if every distance
 * is NaN (or the set is empty) the min is +inf and the index -1. Callers that need finite
 * vectors check with ig_kern_finite(). */
#ifndef IG_KERNELS_H
#define IG_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define IG_VSET_BLOCK 16

enum ig_vset_elem { IG_VSET_F32 = 4, IG_VSET_BF16 = 2 };   /* value = bytes per element */

struct ig_vset {
    void    *data;      /* 64-byte aligned, cap * dim elements, blocked as above */
    uint32_t dim;
    uint32_t count;     /* vectors stored */
    uint32_t cap;       /* multiple of IG_VSET_BLOCK */
    uint32_t elem;      /* enum ig_vset_elem */
};

/* float32 -> bfloat16, round to nearest even; NaN stays NaN. */
static inline uint16_t ig_bf16_from_f32(float x)
{
    uint32_t b;
    __builtin_memcpy(&b, &x, 4);
    if ((b & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((b >> 16) | 0x40);
    return (uint16_t)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

static inline float ig_bf16_to_f32(uint16_t h)
{
    uint32_t b = (uint32_t)h << 16;
    float x;
    __builtin_memcpy(&x, &b, 4);
    return x;
}

/* Allocates room for <cap> vectors (rounded up to a block) of <dim> floats; not for the
 * hot path. Returns IG_OK or IG_ENOMEM. */
int  ig_vset_init(struct ig_vset *s, uint32_t dim, uint32_t cap);
/* Same with the storage type chosen. */
int  ig_vset_init_ex(struct ig_vset *s, uint32_t dim, uint32_t cap, enum ig_vset_elem elem);
/* Grows capacity to <cap> (rounded up), keeping contents. Returns IG_OK / IG_ENOMEM. */
int  ig_vset_reserve(struct ig_vset *s, uint32_t cap);
void ig_vset_free(struct ig_vset *s);
/* Copies <x> (dim floats) in as vector number s->count (rounded to bf16 for such sets).
 * Returns IG_ELIMIT when full. */
int  ig_vset_append(struct ig_vset *s, const float *x);
/* Overwrites vector <i> (< count) with <x>: recent-query rings reuse their slots. */
void ig_vset_put(struct ig_vset *s, uint32_t i, const float *x);
/* Bytes held for a set of <cap> vectors of <dim> floats (float32 / chosen storage). */
size_t ig_vset_bytes(uint32_t dim, uint32_t cap);
size_t ig_vset_bytes_ex(uint32_t dim, uint32_t cap, enum ig_vset_elem elem);
/* Vector <i> copied out into <out> (dim floats, as stored: bf16 widened); tests, debugging. */
void ig_vset_get(const struct ig_vset *s, uint32_t i, float *out);

/* A float32 set kept exactly in two 16-bit planes (extraction.coverage's history), so
 * that a search reads half the bytes for its estimates and the whole value only for the
 * few rows it decides on:
 *  - hi: every value as a bfloat16 rounded to nearest (half up on the magnitude: |y -
 *    hi(y)| <= 2^-8 |y| for |y| < 2^127; larger values and NaN have no useful estimate),
 *    blocked by 16 vectors as kernels.h's sets, features paired: 32-bit word
 *    (b * pairs + p) * 16 + l holds feature 2p (low half) and 2p + 1 (high half; 0 past
 *    dim) of vector 16b + l, so one load widens to two features by a shift and a mask;
 *  - lo: the rest, bits(y) - (hi(y) << 16) as a signed 16-bit number, row-major (vector
 *    i's at lo[i * dim]): a row read back exactly touches one or two lines of it.
 * The same bytes as float32 (dim * 4 per vector, plus 2 for an odd dim), and naux floats
 * per vector that the caller keeps beside it (aux planes of cap floats: coverage's squared
 * lengths, its rows' pivots and distances to them).
 * Everything is one allocation grown by realloc: doubling a set is one heap call. */
struct ig_vsplit {       /* 32 B: it sits in every judged client's state */
    void     *mem;      /* the allocation (hi is its first 64-byte boundary) */
    uint32_t *hi;       /* 64-byte aligned, cap * pairs words; then lo and aux: */
    uint32_t dim;       /* < 65536 */
    uint16_t pairs;
    uint16_t naux;      /* aux planes (1 unless ig_vsplit_init_aux) */
    uint32_t count;     /* vectors stored (the searches' n) */
    uint32_t cap;       /* multiple of IG_VSET_BLOCK */
};

/* The lo plane: cap * dim values after hi. */
static inline uint16_t *ig_vsplit_lo(const struct ig_vsplit *s)
{
    return (uint16_t *)(s->hi + (size_t)s->cap * s->pairs);
}

/* The caller's floats, one per vector (cap), after lo; kept across growth. */
static inline float *ig_vsplit_aux(const struct ig_vsplit *s)
{
    return (float *)(ig_vsplit_lo(s) + (size_t)s->cap * s->dim);
}

/* Aux plane j < s->naux (0 is ig_vsplit_aux). */
static inline float *ig_vsplit_aux_plane(const struct ig_vsplit *s, uint32_t j)
{
    return ig_vsplit_aux(s) + (size_t)j * s->cap;
}

/* Largest relative error of ig_kern_ops.dots_split against the exact dot product with
 * the stored float32 values, for dim < 4096: rounding (2^-8) and float32 sums. */
#define IG_VSPLIT_EPS (0x1p-8f + 0x1p-11f)

size_t ig_vsplit_bytes(uint32_t dim, uint32_t cap);
size_t ig_vsplit_bytes_aux(uint32_t dim, uint32_t cap, uint32_t naux);
/* IG_OK, IG_ECONF (dim 0 or beyond 65534) or IG_ENOMEM. Not for the hot path. */
int  ig_vsplit_init(struct ig_vsplit *s, uint32_t dim, uint32_t cap);
/* The same with naux (1..4) aux planes. */
int  ig_vsplit_init_aux(struct ig_vsplit *s, uint32_t dim, uint32_t cap, uint32_t naux);
/* Grows to <cap> (rounded up to a block), keeping contents (aux too; new slots zero);
 * IG_OK / IG_ENOMEM (then unchanged). One heap call (realloc). */
int  ig_vsplit_reserve(struct ig_vsplit *s, uint32_t cap);
void ig_vsplit_free(struct ig_vsplit *s);
/* Stores <x> (dim floats) as vector <i> (< cap), bit for bit. */
void ig_vsplit_put(struct ig_vsplit *s, uint32_t i, const float *x);
/* Vector <i> back into <out>, bit for bit. */
void ig_vsplit_get(const struct ig_vsplit *s, uint32_t i, float *out);
/* Asks for vector <i>'s lo plane line(s) ahead of ig_vsplit_get (a search that reads a few
 * chosen rows requests them all first, so their cache misses overlap). Inline: as a
 * call, once per candidate row, it was 0.8 % of a figure-1 profile (OIP v2). */
static inline void ig_vsplit_prefetch(const struct ig_vsplit *s, uint32_t i)
{
    const uint8_t *lo = (const uint8_t *)(ig_vsplit_lo(s) + (size_t)i * s->dim);
    for (size_t k = 0; k < (size_t)s->dim * sizeof(uint16_t); k += 64)
        __builtin_prefetch(lo + k);
    __builtin_prefetch(lo + (size_t)s->dim * sizeof(uint16_t) - 1);
}


/* Dot products (ig_kern_ops.dots_split) take at most this many queries at once. */
#define IG_DOTS_MAXQ 4

/* Pivots of a split set's rows (extraction.coverage: the origin and the model's class
 * centres): aux plane IG_SEG_PIVOT_PLANE holds, per row i, an upper bound on |y_i - c_p|
 * whose low 5 bits say p (ig_seg_pivot_pack): one float per row for the bound of cov_pairs. */
#define IG_SEG_PIVOTS 32
#define IG_SEG_PIVOT_PLANE 1

/* <rho> (>= 0, an upper bound on the row's distance to pivot p < IG_SEG_PIVOTS) with p in
 * its low bits, still an upper bound (within 2^-17 of rho); beyond 1e30, infinity (then
 * the bound keeps the row whatever its pivot). */
static inline float ig_seg_pivot_pack(float rho, uint32_t p)
{
    if (!(rho <= 1e30f))
        return __builtin_inff();
    uint32_t b;
    __builtin_memcpy(&b, &rho, 4);
    b = ((b + IG_SEG_PIVOTS) & ~(uint32_t)(IG_SEG_PIVOTS - 1)) | p;
    float out;
    __builtin_memcpy(&out, &b, 4);
    return out;
}

/* One sample z, one of its nearest earlier rows a (extraction.coverage, judge_fast). */
struct ig_seg_query {
    float zz, aa, uu;         /* |z|^2, |a|^2, |z - a|^2 */
    float step_lo, tol2_hi;   /* the smallest step, the residual bound (with their slack) */
    float rel;                /* the margin per unit of |z|^2 + |a|^2 + 2|b|^2 + |z - a|^2:
                               * wider than the estimates' errors of |b - a|^2, (z - a).(b - a) */
    /* NULL, or per pivot p < IG_SEG_PIVOTS: at least |a - c_p|^2 - |z - c_p|^2 plus 1e-4 of
     * |a - c_p|^2 + |z - c_p|^2 + uu (the bound's slack), for the bound of cov_pairs */
    const float *lift;
};

struct ig_kern_ops {
    const char *name;   /* "scalar", "avx2", "avx512" */
    /* Squared L2 from <x> to every stored vector: out[i] for i < s->count. */
    void  (*l2sq_all)(const struct ig_vset *s, const float *x, float *out);
    /* Minimum squared L2 from <x> to the set; *argmin = its index (or -1). */
    float (*l2sq_min)(const struct ig_vset *s, const float *x, int32_t *argmin);
    /* Squared L2 from <x> to the vectors of the listed blocks (slots < s->count), folded
     * into a running minimum: returns min(<best>, those distances) and sets *argmin to
     * the slot of a distance below <best>, or of one equal to it at a lower slot (or when
     * *argmin < 0). A block is abandoned as soon as every lane's partial sum exceeds
     * <best>: partial sums only grow, so such lanes cannot win. Every distance it does
     * finish is bit-identical to l2sq_min's on the same path (same order, same fused
     * operations), so pruned searches built on it (vidx.h) find the exact minimum. */
    float (*l2sq_min_blocks)(const struct ig_vset *s, const float *x, const uint32_t *blocks,
                             uint32_t nb, float best, int32_t *argmin);
    /* Minimum L-infinity distance (max |x_f - y_f|) to the set; *argmin as above. */
    float (*linf_min)(const struct ig_vset *s, const float *x, int32_t *argmin);
    /* Blacklight quantisation: v = clamp(x,0,1) * 255 + salt (salt in [0,255)), minus 255
     * when >= 255, then rint(v / step) * step as int16. NaN inputs count as 0. Bit-exact
     * across paths (no fused operations). */
    void  (*quantise)(const float *x, const float *salt, size_t n, float step, int16_t *out);
    /* Histogram bin of each value: floor((x - lo) * inv_width) clamped to [0, nbins-1];
     * NaN maps to nbins (the caller's "invalid" slot). Bit-exact across paths. */
    void  (*bin_index)(const float *x, size_t n, float lo, float inv_width, uint32_t nbins,
                       uint32_t *idx);
    /* int8 prefilter (vidx.h, IG_VIDX_Q8): for each listed block b, the smallest over its
     * 16 lanes l of  c + norm[16b + l] - 2 * sum_j qx[j] * code[b][l][j]  (exact int32),
     * into out[k]. Codes are int8 (a coordinate's level minus 128) in the layout of
     * IG_Q8_AT; qx holds <groups> * 4 query levels (0..255, zero-padded). With
     * c = sum qx^2 - 256 sum qx and norm = sum of the lane's squared levels this is the
     * squared distance between the two level vectors, computed exactly on every path
     * (integers; needs groups * 4 <= IG_Q8_MAXDIM). Query levels that are all even (what
     * vidx and PRADA send on this path: ig_q8_query_levels, q8_even) take the AVX2 path's
     * vpmaddubsw body, about 10 instructions per 16 lanes x 4 features instead of about 17;
     * same results. */
    void  (*q8_min_blocks)(const int8_t *codes, uint32_t groups, const int32_t *norm,
                           const uint8_t *qx, int32_t c, const uint32_t *blocks, uint32_t nb,
                           int32_t *out);
    /* int8 prefilter levels of one vector (vidx.h): for f < dim, in double,
     *     t = ((double)x[f] - off[f]) * inv  clamped to [0, 255] (NaN: 0),  lv[f] = (int)(t + 0.5),
     *     r = ((double)x[f] - off[f]) - step * lv[f],
     * the r^2 summed in four partial sums (feature f into sum f % 4, each in feature order,
     * separate multiplies and adds) returned as (e0 + e1) + (e2 + e3) in *err2; *sum = the
     * sum of the levels; returns the sum of their squares (dim <= IG_Q8_MAXDIM: fits int32).
     * Bit-identical on every path (IEEE double operations one at a time, integer sums). */
    int32_t (*q8_levels)(const float *x, const double *off, uint32_t dim, double inv, double step,
                         uint8_t *lv, int32_t *sum, double *err2);
    /* Squared L2 between <x> and one vector <y> (dim floats, as stored: bf16 values
     * widened), in the set kernels' arithmetic for one lane: bit-identical to l2sq_min on
     * a set holding y alone (on every path, as all squared-L2 kernels). For a set of one vector without its 16-lane
     * block (a per-client vector set that has not grown yet). */
    float (*l2sq_row)(const float *x, const float *y, uint32_t dim);
    /* extraction.coverage's pruned interpolation search (judge_fast), on a split set of
     * n = s->count vectors y_i with squared lengths nb[i] (float sums) and a query z with
     * |z|^2 = zz. Each pass is one sweep over the blocks on the AVX-512 path (estimates,
     * margins and filters in registers); the scalar and AVX2 paths run one C body
     * (dots_body.h) over their dots_split.
     * First pass: d[i] = zz + nb[i] - 2 z.hi(y_i), an estimate of |z - y_i|^2 within
     * IG_VSPLIT_EPS (zz + nb[i]) of it (the dot products as dots_split's; rounding of that
     * sum aside), e_i = est (zz + nb[i]) + 1e-30, and bit l of cand[b] set when d[16b + l] -
     * e_i <= the third smallest of all d[j] + e_j (every row when n <= 3): with est wider
     * than the error, the only rows that can be among the 3 nearest. Slots past n clear. */
    void  (*cov_near)(const struct ig_vsplit *s, const float *z, float zz, const float *nb,
                      float est, float *d, uint16_t *cand);
    /* Second pass: for each of nq (1..IG_DOTS_MAXQ) of z's nearest rows a_k = xs[k], with
     * q[k] its constants, V = |a_k - y_i|^2 estimated as aa + nb[i] - 2 a_k.hi(y_i) and D =
     * d[i] of the first pass, bit l of mask[k * ceil(n / 16) + b] set when y_i (i = 16b + l)
     * may complete a segment a_k-y_i through z (the filter in dots_body.h, with margins
     * q->rel per unit of the squared lengths plus 1e-30, wider than IG_VSPLIT_EPS's effect);
     * a pair whose bit is clear cannot pass the detector's exact test. d comes from this
     * path's cov_near for the same z (all q[k].zz equal) with est = 1e-4 + IG_VSPLIT_EPS:
     * every path first rules rows out by a bound on |b - a| from |b - c|, |z - b| and |z - a|
     * (dots_body.h, ig_cov_keep1; c the origin, or with q->lift set the row's pivot: the set
     * then has IG_SEG_PIVOT_PLANE + 1 aux planes) and skips the products of blocks left empty
     * (unless the first IG_COV_PROBE blocks show it keeping most: then every product). The
     * scalar body and the AVX2 path set the same bits; AVX-512 fuses its steps. <work> holds
     * nq * n floats (any path may use it). Returns the set of k (bit k) with some bit set. */
    unsigned (*cov_pairs)(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                          const float *nb, const float *d, const struct ig_seg_query *q,
                          float *work, uint16_t *mask);
    /* Dot products of a few queries with every vector of a split set's hi plane, for
     * searches that expand |x - y|^2 as |x|^2 + |y|^2 - 2 x.y (one multiply-add per
     * feature and query, one load of each stored row for all the queries):
     *     out[q * s->count + i] = xs[q] . hi(vector i),  q < nq (1..IG_DOTS_MAXQ),
     * the rounded values widened exactly, float32 sums per lane (fused on the SIMD paths).
     * On every path (dim < 4096), y being the stored float32 vector,
     *     |computed - xs[q] . y| <= IG_VSPLIT_EPS * sum_f |x_f y_f|
     * so callers that need exact decisions pick candidates with margins wider than that
     * and decide them with their own arithmetic on the exact rows (ig_vsplit_get). */
    void  (*dots_split)(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                        float *out);
    /* Scaled squared distances of <q> to <n> row-major rows (dim floats each, a few dozen
     * rows: adversarial.boundary's kept inputs):
     *     out[i] = sum_k ((q_k - rows[i][k]) * w_k)^2,   w NULL: w_k = 1,
     * each a float32 sum in feature order with separate multiplies and adds: bit-identical
     * on every path (callers rank with it and must decide alike). */
    void  (*l2sq_rows)(const float *q, const float *rows, const float *w, uint32_t dim,
                       uint32_t n, float *out);
    /* Which features of <q> each of <n> row-major rows moves beyond rounding
     * (adversarial.boundary's exact relations): feature k of row r moved when, in double,
     *     d = |q_k - r_k| > 2^-16 (|q_k| + |r_k|),  d > 1e-30  and  d > qe / 2
     * (float32 rounding of both, and half the decimal step qe the client writes with).
     * cnt[i] = how many, counted up to <cap> (>= 1; min(moved, cap)), first[i] = the first
     * (-1 none). Rows in order up to the first that moves none (a repeat of q): false,
     * and the rows after it are left unwritten; true when every row moved. The same
     * answers on every path (the same double arithmetic, compares only). */
    bool  (*moved_rows)(const float *q, const float *rows, uint32_t n, uint32_t dim, float qe,
                        uint32_t cap, uint32_t *cnt, int32_t *first);
    /* q8_min_blocks' integer distance of every lane of blocks 0 .. nb - 1 instead of each
     * block's smallest: out[16 b + l] = c + norm[16 b + l] - 2 sum_j qx[j] code[b][l][j],
     * exact on every path (extraction.prada's small G_c refines single rows, so it needs
     * each lane's bound); returns the smallest of them (nb >= 1). */
    int32_t (*q8_lanes)(const int8_t *codes, uint32_t groups, const int32_t *norm, const uint8_t *qx,
                      int32_t c, uint32_t nb, int32_t *out);
    /* True where q8_min_blocks and q8_lanes are cheaper with even query levels (the AVX2
     * bodies, q8_blocks_avx2.h): ig_q8_query_levels (vidx.h) then gives even ones. Scalar and
     * VNNI measure any levels at the same cost and keep the finer ones. */
    bool  q8_even;
};

/* int8 codes of a block: groups of 4 features, 16 lanes, 4 bytes per lane: one 64-byte line
 * per group, what one VNNI vpdpbusd takes against 4 broadcast query bytes. Byte j of
 * lane l, group g of block b: */
#define IG_Q8_AT(b, groups, g, l, j) \
    ((((size_t)(b) * (groups) + (g)) * IG_VSET_BLOCK + (l)) * 4 + (j))
/* Largest dimension the int8 prefilter takes: every sum fits int32 (65025 * 8192 < 2^30). */
#define IG_Q8_MAXDIM 8192u

/* The table for this machine, chosen on first use (thread-safe). Never NULL. On AVX-512
 * CPUs with VNNI it is the "avx512vnni" table (q8_min_blocks by vpdpbusd). */
const struct ig_kern_ops *ig_kern(void);
/* The table of one path (0 scalar, 2 avx2, 3 avx512 as enum ig_cpu_level), or NULL when
 * this CPU cannot run it (avx512 with VNNI when the CPU has it). Tests and benches compare
 * paths with it. */
const struct ig_kern_ops *ig_kern_for(int cpu_level);
/* Every table this CPU can run, scalar first ("scalar", "avx2", "avx512" without VNNI,
 * "avx512vnni"), capped by INFERGUARD_SIMD; returns how many (at most 4). Tests. */
int ig_kern_all(const struct ig_kern_ops *out[4]);

/* Adds bins of <n> values into counts[nbins + 1] (last slot = NaN) with the chosen path. */
void ig_kern_histogram(const float *x, size_t n, float lo, float hi, uint32_t nbins,
                       uint32_t *idx_scratch, uint64_t *counts);
/* True when all <n> values are finite. */
bool ig_kern_finite(const float *x, size_t n);

/* Paths, for dispatch.c only. */
extern const struct ig_kern_ops ig_kern_scalar_ops;
extern const struct ig_kern_ops ig_kern_avx2_ops;
extern const struct ig_kern_ops ig_kern_avx512_ops;
extern const struct ig_kern_ops ig_kern_avx512vnni_ops;

#endif
