/* Private: the per-path kernel functions that dispatch.c puts into the ops tables. */
#ifndef IG_KERN_IMPL_H
#define IG_KERN_IMPL_H

#include <math.h>

#include "kernels.h"

#define IG_KERN_DECL(isa)                                                                   \
    void  ig_kern_l2sq_all_##isa(const struct ig_vset *s, const float *x, float *out);      \
    float ig_kern_l2sq_min_##isa(const struct ig_vset *s, const float *x, int32_t *argmin); \
    float ig_kern_linf_min_##isa(const struct ig_vset *s, const float *x, int32_t *argmin); \
    float ig_kern_l2sq_min_blocks_##isa(const struct ig_vset *s, const float *x,            \
                                        const uint32_t *blocks, uint32_t nb, float best,    \
                                        int32_t *argmin);                                   \
    void  ig_kern_quantise_##isa(const float *x, const float *salt, size_t n, float step,   \
                                 int16_t *out);                                             \
    void  ig_kern_bin_index_##isa(const float *x, size_t n, float lo, float inv_width,      \
                                  uint32_t nbins, uint32_t *idx);                         \
    void  ig_kern_q8_min_blocks_##isa(const int8_t *codes, uint32_t groups,                  \
                                      const int32_t *norm, const uint8_t *qx, int32_t c,      \
                                      const uint32_t *blocks, uint32_t nb, int32_t *out);     \
    float ig_kern_l2sq_row_##isa(const float *x, const float *y, uint32_t dim);           \
    void  ig_kern_cov_near_##isa(const struct ig_vsplit *s, const float *z, float zz,        \
                                 const float *nb, float est, float *d, uint16_t *cand);     \
    unsigned ig_kern_cov_pairs_##isa(const struct ig_vsplit *s, const float *const *xs,      \
                                     uint32_t nq, const float *nb, const float *d,          \
                                     const struct ig_seg_query *q, float *work,             \
                                     uint16_t *mask);                                       \
    void  ig_kern_dots_split_##isa(const struct ig_vsplit *s, const float *const *xs,      \
                                   uint32_t nq, float *out);                               \
    void  ig_kern_l2sq_rows_##isa(const float *q, const float *rows, const float *w,       \
                                  uint32_t dim, uint32_t n, float *out);                   \
    bool  ig_kern_moved_rows_##isa(const float *q, const float *rows, uint32_t n,          \
                                   uint32_t dim, float qe, uint32_t cap, uint32_t *cnt,   \
                                   int32_t *first);                                       \
    int32_t ig_kern_q8_levels_##isa(const float *x, const double *off, uint32_t dim,        \
                                    double inv, double step, uint8_t *lv, int32_t *sum,   \
                                    double *err2);

IG_KERN_DECL(scalar)
IG_KERN_DECL(avx2)
IG_KERN_DECL(avx512)
/* l2sq_rows has no AVX-512 body: its AVX2 one serves those tables (rows_avx2.c). */
#define ig_kern_l2sq_rows_avx512 ig_kern_l2sq_rows_avx2
#define ig_kern_moved_rows_avx512 ig_kern_moved_rows_avx2
/* q8_levels' AVX2 body (four doubles per register) serves the AVX-512 tables too. */
#define ig_kern_q8_levels_avx512 ig_kern_q8_levels_avx2
void ig_kern_q8_min_blocks_avx512vnni(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                      const uint8_t *qx, int32_t c, const uint32_t *blocks,
                                      uint32_t nb, int32_t *out);

/* q8_lanes: scalar (q8lanes.c), AVX2 (q8lanes_avx2.c, also the AVX-512 table's), VNNI. */
int32_t ig_kern_q8_lanes_scalar(const int8_t *codes, uint32_t groups, const int32_t *norm,
                             const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out);
int32_t ig_kern_q8_lanes_avx2(const int8_t *codes, uint32_t groups, const int32_t *norm,
                           const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out);
#define ig_kern_q8_lanes_avx512 ig_kern_q8_lanes_avx2
int32_t ig_kern_q8_lanes_avx512vnni(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                 const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out);

/* One level of q8_levels (kernels.h): the level of x against offset o, and x's error r. */
static inline int ig_kern_q8_level1(float x, double o, double inv, double step, double *r)
{
    double xo = (double)x - o;
    double t = xo * inv;
    t = t > 0.0 ? t : 0.0;
    t = t < 255.0 ? t : 255.0;
    int l = (int)(t + 0.5);
    *r = xo - step * l;
    return l;
}

/* moved_rows' bar for a feature's move besides float32 rounding: half the decimal step qe
 * (>= 0), at least 1e-30 (d > both is d > the larger) */
static inline double ig_kern_moved_bar(float qe)
{
    double half = 0.5 * (double)qe;
    return half > 1e-30 ? half : 1e-30;
}

/* One feature of moved_rows, the definition every path answers as (kernels.h) */
static inline bool ig_kern_moved1(float a, float b, double bar)
{
    double d = fabs((double)a - (double)b);
    return d > 0x1p-16 * (fabs((double)a) + fabs((double)b)) && d > bar;
}

/* bits set in a 4-bit mask */
static inline uint32_t ig_kern_pop4(unsigned m)
{
    return (uint32_t)(0x4332322132212110ull >> (4u * m)) & 15u;
}

/* Picks the smallest non-NaN of 16 lane minima (ties: lowest index). Shared by all paths
 * so that every path breaks ties the same way. */
/* One lane of every path's block_l2sq: even and odd features in two fused sums, added at
 * the end. Inline in each path's file, so fmaf is that file's own (an instruction where the
 * file is built for FMA): the one order that makes distances the same bits on every path. */
static inline float ig_kern_l2sq_lane(const float *x, const float *y, uint32_t dim)
{
    float a0 = 0.0f, a1 = 0.0f;
    uint32_t f = 0;
    for (; f + 2 <= dim; f += 2) {
        float t0 = x[f] - y[f], t1 = x[f + 1] - y[f + 1];
        a0 = fmaf(t0, t0, a0);
        a1 = fmaf(t1, t1, a1);
    }
    if (f < dim) {
        float t0 = x[f] - y[f];
        a0 = fmaf(t0, t0, a0);
    }
    return a0 + a1;
}

static inline float ig_kern_reduce16(const float *best, const int32_t *bidx, int32_t *argmin)
{
    float m = __builtin_inff();
    int32_t a = -1;
    for (int l = 0; l < IG_VSET_BLOCK; l++) {
        if (bidx[l] < 0)
            continue;
        if (best[l] < m || (best[l] == m && (a < 0 || bidx[l] < a))) {
            m = best[l];
            a = bidx[l];
        }
    }
    if (argmin)
        *argmin = a;
    return m;
}

/* Scalar quantisation of one value: the definition the SIMD paths reproduce bit for bit. */
static inline int16_t ig_kern_quant1(float x, float salt, float step)
{
    if (!(x >= 0.0f))        /* NaN and negatives */
        x = 0.0f;
    if (x > 1.0f)
        x = 1.0f;
    float v = x * 255.0f;
    v = v + salt;
    if (v >= 255.0f)
        v = v - 255.0f;
    float q = __builtin_rintf(v / step);
    return (int16_t)(q * step);
}

static inline uint32_t ig_kern_bin1(float x, float lo, float inv_width, uint32_t nbins)
{
    if (x != x)
        return nbins;
    float t = (x - lo) * inv_width;
    if (!(t > 0.0f))
        return 0;
    if (t >= (float)nbins)
        return nbins - 1;
    uint32_t b = (uint32_t)t;
    return b < nbins ? b : nbins - 1;
}

/* Folds the 16 finished lane distances of the block at slot <base> into (best, argmin)
 * with the tie rule of l2sq_min_blocks; lanes at or past <count> are ignored. */
static inline float ig_kern_fold16(const float *d, uint32_t base, uint32_t count, float best,
                                   int32_t *argmin)
{
    for (uint32_t l = 0; l < IG_VSET_BLOCK && base + l < count; l++) {
        int32_t slot = (int32_t)(base + l);
        if (d[l] < best || (d[l] == best && (*argmin < 0 || slot < *argmin))) {
            best = d[l];
            *argmin = slot;
        }
    }
    return best;
}

#endif
