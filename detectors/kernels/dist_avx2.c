/* AVX2 kernels: a block's 16 lanes are two ymm (lanes 0-7, 8-15). Compiled with -mavx2
 * -mfma (CMake, by file suffix); only called when ig_cpu_level() allows. */
#include <immintrin.h>
#include <math.h>

#include "kern_impl.h"
#include "q8_blocks_avx2.h"

/* 8 bf16 lanes (16 bytes) widened exactly to float32 by a shift. */
static inline __m256 load_bf16(const uint16_t *p)
{
    __m256i w = _mm256_cvtepu16_epi32(_mm_load_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}

/* Lanes 0-7 (half 0) or 8-15 (half 1) of feature f of a block, float32 or bf16 widened. */
static inline __m256 load_half(const void *blk, bool bf, uint32_t f, uint32_t half)
{
    size_t at = (size_t)f * 16 + half * 8;
    return bf ? load_bf16((const uint16_t *)blk + at) : _mm256_load_ps((const float *)blk + at);
}

/* Features f and f + 1 into the even (a) and odd (b) accumulators of both halves:
 * kernels.h's order, the AVX-512 path's two sums per lane (four chains here, which also
 * hide the fused adds' latency better than two did). */
static inline void step2(const void *blk, bool bf, const float *x, uint32_t f, __m256 *a0,
                         __m256 *a1, __m256 *b0, __m256 *b1)
{
    __m256 x0 = _mm256_set1_ps(x[f]), x1 = _mm256_set1_ps(x[f + 1]);
    __m256 t0 = _mm256_sub_ps(x0, load_half(blk, bf, f, 0));
    __m256 t1 = _mm256_sub_ps(x0, load_half(blk, bf, f, 1));
    __m256 u0 = _mm256_sub_ps(x1, load_half(blk, bf, f + 1, 0));
    __m256 u1 = _mm256_sub_ps(x1, load_half(blk, bf, f + 1, 1));
    *a0 = _mm256_fmadd_ps(t0, t0, *a0);
    *a1 = _mm256_fmadd_ps(t1, t1, *a1);
    *b0 = _mm256_fmadd_ps(u0, u0, *b0);
    *b1 = _mm256_fmadd_ps(u1, u1, *b1);
}

/* A last (even-numbered) feature into the even sums. */
static inline void step1(const void *blk, bool bf, const float *x, uint32_t f, __m256 *a0,
                         __m256 *a1)
{
    __m256 x0 = _mm256_set1_ps(x[f]);
    __m256 t0 = _mm256_sub_ps(x0, load_half(blk, bf, f, 0));
    __m256 t1 = _mm256_sub_ps(x0, load_half(blk, bf, f, 1));
    *a0 = _mm256_fmadd_ps(t0, t0, *a0);
    *a1 = _mm256_fmadd_ps(t1, t1, *a1);
}

static inline void block_l2sq_any(const void *blk, bool bf, const float *x, uint32_t dim,
                                  __m256 *lo, __m256 *hi)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0;
    uint32_t f = 0;
    for (; f + 2 <= dim; f += 2)
        step2(blk, bf, x, f, &a0, &a1, &b0, &b1);
    if (f < dim)
        step1(blk, bf, x, f, &a0, &a1);
    *lo = _mm256_add_ps(a0, b0);
    *hi = _mm256_add_ps(a1, b1);
}

static inline void block_l2sq_bf16(const uint16_t *blk, const float *x, uint32_t dim,
                                   __m256 *lo, __m256 *hi)
{
    block_l2sq_any(blk, true, x, dim, lo, hi);
}

static inline void block_l2sq(const float *blk, const float *x, uint32_t dim,
                              __m256 *lo, __m256 *hi)
{
    block_l2sq_any(blk, false, x, dim, lo, hi);
}

/* One lane of block_l2sq (kern_impl.h). */
float ig_kern_l2sq_row_avx2(const float *x, const float *y, uint32_t dim)
{
    return ig_kern_l2sq_lane(x, y, dim);
}

static inline __m256 nanmax(__m256 t, __m256 m)
{
    /* max_ps returns its second operand when either is NaN: keep NaN sticky */
    __m256 nan = _mm256_cmp_ps(t, t, _CMP_UNORD_Q);
    return _mm256_blendv_ps(_mm256_max_ps(t, m), t, nan);
}

static inline void block_linf_bf16(const uint16_t *blk, const float *x, uint32_t dim,
                                   __m256 *lo, __m256 *hi)
{
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 m0 = _mm256_setzero_ps(), m1 = _mm256_setzero_ps();
    for (uint32_t f = 0; f < dim; f++) {
        __m256 xf = _mm256_set1_ps(x[f]);
        m0 = nanmax(_mm256_and_ps(_mm256_sub_ps(xf, load_bf16(blk + (size_t)f * 16)), absmask), m0);
        m1 = nanmax(_mm256_and_ps(_mm256_sub_ps(xf, load_bf16(blk + (size_t)f * 16 + 8)), absmask), m1);
    }
    *lo = m0;
    *hi = m1;
}

static inline void block_linf(const float *blk, const float *x, uint32_t dim,
                              __m256 *lo, __m256 *hi)
{
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 m0 = _mm256_setzero_ps(), m1 = _mm256_setzero_ps();
    for (uint32_t f = 0; f < dim; f++) {
        __m256 xf = _mm256_set1_ps(x[f]);
        __m256 t0 = _mm256_and_ps(_mm256_sub_ps(xf, _mm256_load_ps(blk + (size_t)f * 16)), absmask);
        __m256 t1 = _mm256_and_ps(_mm256_sub_ps(xf, _mm256_load_ps(blk + (size_t)f * 16 + 8)),
                                  absmask);
        m0 = nanmax(t0, m0);
        m1 = nanmax(t1, m1);
    }
    *lo = m0;
    *hi = m1;
}

void ig_kern_l2sq_all_avx2(const struct ig_vset *s, const float *x, float *out)
{
    float tmp[16];
    for (uint32_t i = 0; i < s->count; i += 16) {
        __m256 lo, hi;
        size_t at = (size_t)i * s->dim;
        if (s->elem == IG_VSET_BF16)
            block_l2sq_bf16((const uint16_t *)s->data + at, x, s->dim, &lo, &hi);
        else
            block_l2sq((const float *)s->data + at, x, s->dim, &lo, &hi);
        if (s->count - i >= 16) {
            _mm256_storeu_ps(out + i, lo);
            _mm256_storeu_ps(out + i + 8, hi);
        } else {
            _mm256_storeu_ps(tmp, lo);
            _mm256_storeu_ps(tmp + 8, hi);
            for (uint32_t l = 0; i + l < s->count; l++)
                out[i + l] = tmp[l];
        }
    }
}

static inline void take(__m256 d, __m256 *best, __m256i *bidx, __m256i idx, __m256i valid)
{
    __m256 lt = _mm256_cmp_ps(d, *best, _CMP_LT_OQ);
    __m256 eq = _mm256_and_ps(_mm256_cmp_ps(d, *best, _CMP_EQ_OQ), _mm256_castsi256_ps(
                                  _mm256_cmpgt_epi32(_mm256_setzero_si256(), *bidx)));
    __m256 t = _mm256_and_ps(_mm256_or_ps(lt, eq), _mm256_castsi256_ps(valid));
    *best = _mm256_blendv_ps(*best, d, t);
    *bidx = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(*bidx),
                                                 _mm256_castsi256_ps(idx), t));
}

static float min_generic(const struct ig_vset *s, const float *x, int32_t *argmin, bool linf)
{
    __m256 b0 = _mm256_set1_ps(__builtin_inff()), b1 = b0;
    __m256i i0 = _mm256_set1_epi32(-1), i1 = i0;
    __m256i idx0 = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i idx1 = _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i step = _mm256_set1_epi32(16);
    const __m256i lanes0 = idx0, lanes1 = idx1;
    for (uint32_t i = 0; i < s->count; i += 16) {
        size_t at = (size_t)i * s->dim;
        __m256 lo, hi;
        if (s->elem == IG_VSET_BF16) {
            const uint16_t *blk = (const uint16_t *)s->data + at;
            if (linf)
                block_linf_bf16(blk, x, s->dim, &lo, &hi);
            else
                block_l2sq_bf16(blk, x, s->dim, &lo, &hi);
        } else {
            const float *blk = (const float *)s->data + at;
            if (linf)
                block_linf(blk, x, s->dim, &lo, &hi);
            else
                block_l2sq(blk, x, s->dim, &lo, &hi);
        }
        uint32_t left = s->count - i;
        __m256i vleft = _mm256_set1_epi32((int)(left >= 16 ? 16 : left));
        take(lo, &b0, &i0, idx0, _mm256_cmpgt_epi32(vleft, lanes0));
        take(hi, &b1, &i1, idx1, _mm256_cmpgt_epi32(vleft, lanes1));
        idx0 = _mm256_add_epi32(idx0, step);
        idx1 = _mm256_add_epi32(idx1, step);
    }
    float b[16];
    int32_t bi[16];
    _mm256_storeu_ps(b, b0);
    _mm256_storeu_ps(b + 8, b1);
    _mm256_storeu_si256((__m256i *)bi, i0);
    _mm256_storeu_si256((__m256i *)(bi + 8), i1);
    return ig_kern_reduce16(b, bi, argmin);
}

float ig_kern_l2sq_min_avx2(const struct ig_vset *s, const float *x, int32_t *argmin)
{
    return min_generic(s, x, argmin, false);
}

float ig_kern_linf_min_avx2(const struct ig_vset *s, const float *x, int32_t *argmin)
{
    return min_generic(s, x, argmin, true);
}

/* As block_l2sq(_bf16), with a check every 16 features: false when every lane already
 * exceeds <best> (the block cannot win). Same sums, operations and order, so finished
 * distances are equal. */
static inline bool block_l2sq_upto(const struct ig_vset *s, size_t at, const float *x,
                                   float best, __m256 *lo, __m256 *hi, const bool bf)
{
    const __m256 vb = _mm256_set1_ps(best);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0;
    const uint32_t dim = s->dim;
    const void *blk = bf ? (const void *)((const uint16_t *)s->data + at)
                         : (const void *)((const float *)s->data + at);
    uint32_t f = 0;
    while (f + 2 <= dim) {
        /* pairs of features up to the next multiple of 16 (or the last pair) */
        uint32_t end = (f + 16) & ~15u;
        if (end > dim)
            end = dim;
        for (; f + 2 <= end; f += 2)
            step2(blk, bf, x, f, &a0, &a1, &b0, &b1);
        /* fl(a + b) only grows with a and b, so it bounds the final sum from below */
        if (f + 2 <= dim) {
            __m256 g = _mm256_and_ps(_mm256_cmp_ps(_mm256_add_ps(a0, b0), vb, _CMP_GT_OQ),
                                     _mm256_cmp_ps(_mm256_add_ps(a1, b1), vb, _CMP_GT_OQ));
            if (_mm256_movemask_ps(g) == 0xff)
                return false;
        }
    }
    if (f < dim)
        step1(blk, bf, x, f, &a0, &a1);
    *lo = _mm256_add_ps(a0, b0);
    *hi = _mm256_add_ps(a1, b1);
    return true;
}

/* The loop of l2sq_min_blocks for one storage, <bf> a constant where it is inlined: the
 * float32 loop then has no per-load test of the storage (callgrind, figure-1 OIP v2 capture,
 * PRADA alone: ~1,000 instructions a block before, the address and storage test of every
 * load). */
static inline float min_blocks_as(const struct ig_vset *s, const float *x, const uint32_t *blocks,
                                  uint32_t nb, float best, int32_t *argmin, const bool bf)
{
    float d[16];
    for (uint32_t k = 0; k < nb; k++) {
        uint32_t i = blocks[k] * 16;
        if (i >= s->count)
            continue;
        __m256 lo, hi;
        if (!block_l2sq_upto(s, (size_t)i * s->dim, x, best, &lo, &hi, bf))
            continue;
        /* skip the fold when no lane can improve (the common case once best is good) */
        __m256 vb = _mm256_set1_ps(best);
        __m256 le = _mm256_or_ps(_mm256_cmp_ps(lo, vb, _CMP_LE_OQ), _mm256_cmp_ps(hi, vb, _CMP_LE_OQ));
        if (!_mm256_movemask_ps(le))
            continue;
        _mm256_storeu_ps(d, lo);
        _mm256_storeu_ps(d + 8, hi);
        best = ig_kern_fold16(d, i, s->count, best, argmin);
    }
    return best;
}

float ig_kern_l2sq_min_blocks_avx2(const struct ig_vset *s, const float *x,
                                   const uint32_t *blocks, uint32_t nb, float best,
                                   int32_t *argmin)
{
    if (s->elem == IG_VSET_BF16)
        return min_blocks_as(s, x, blocks, nb, best, argmin, true);
    return min_blocks_as(s, x, blocks, nb, best, argmin, false);
}

void ig_kern_quantise_avx2(const float *x, const float *salt, size_t n, float step,
                           int16_t *out)
{
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256 c255 = _mm256_set1_ps(255.0f), vstep = _mm256_set1_ps(step);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        v = _mm256_max_ps(v, zero);     /* NaN -> 0 (second operand) */
        v = _mm256_min_ps(v, one);
        v = _mm256_mul_ps(v, c255);
        v = _mm256_add_ps(v, _mm256_loadu_ps(salt + i));
        __m256 ge = _mm256_cmp_ps(v, c255, _CMP_GE_OQ);
        v = _mm256_sub_ps(v, _mm256_and_ps(ge, c255));
        __m256 q = _mm256_round_ps(_mm256_div_ps(v, vstep),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m256i qi = _mm256_cvttps_epi32(_mm256_mul_ps(q, vstep));
        __m128i p = _mm_packs_epi32(_mm256_castsi256_si128(qi), _mm256_extracti128_si256(qi, 1));
        _mm_storeu_si128((__m128i *)(out + i), p);
    }
    for (; i < n; i++)
        out[i] = ig_kern_quant1(x[i], salt[i], step);
}

void ig_kern_bin_index_avx2(const float *x, size_t n, float lo, float inv_width,
                            uint32_t nbins, uint32_t *idx)
{
    const __m256 vlo = _mm256_set1_ps(lo), vinv = _mm256_set1_ps(inv_width);
    const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps((float)nbins);
    const __m256i last = _mm256_set1_epi32((int)(nbins - 1)), nanbin = _mm256_set1_epi32((int)nbins);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 nan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
        __m256 t = _mm256_mul_ps(_mm256_sub_ps(v, vlo), vinv);
        __m256 pos = _mm256_cmp_ps(t, zero, _CMP_GT_OQ);
        __m256 big = _mm256_cmp_ps(t, top, _CMP_GE_OQ);
        __m256 tc = _mm256_and_ps(t, _mm256_andnot_ps(big, pos));
        __m256i b = _mm256_min_epu32(_mm256_cvttps_epi32(tc), last);
        b = _mm256_blendv_epi8(b, last, _mm256_castps_si256(_mm256_andnot_ps(nan, big)));
        b = _mm256_blendv_epi8(b, nanbin, _mm256_castps_si256(nan));
        _mm256_storeu_si256((__m256i *)(idx + i), b);
    }
    for (; i < n; i++)
        idx[i] = ig_kern_bin1(x[i], lo, inv_width, nbins);
}

/* int8 prefilter: with even query levels (vidx's and PRADA's queries) q8_blocks_avx2.h's
 * vpmaddubsw body, otherwise its general one. The AVX-512 table without VNNI uses it too. */
void ig_kern_q8_min_blocks_avx2(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                const uint8_t *qx, int32_t c, const uint32_t *blocks,
                                uint32_t nb, int32_t *out)
{
    const __m256i vc = _mm256_set1_epi32(c);
    uint8_t h[IG_Q8_MAXDIM];
    __m256i lo, hi;
    if (groups * 4 <= IG_Q8_MAXDIM && q8_halves(qx, groups, h)) {
        for (uint32_t k = 0; k < nb; k++) {
            q8_block_even(codes, groups, norm, h, vc, blocks[k], &lo, &hi);
            out[k] = q8_hmin(_mm256_min_epi32(lo, hi));
        }
        return;
    }
    for (uint32_t k = 0; k < nb; k++) {
        q8_block_any(codes, groups, norm, qx, vc, blocks[k], &lo, &hi);
        out[k] = q8_hmin(_mm256_min_epi32(lo, hi));
    }
}

/* Four features per register: lane j holds sum j of kernels.h's four (feature f in lane f % 4),
 * every operation the scalar one's (no fused multiply-add), so the same bits. */
int32_t ig_kern_q8_levels_avx2(const float *x, const double *off, uint32_t dim, double inv,
                               double step, uint8_t *lv, int32_t *sum, double *err2)
{
    const __m256d vinv = _mm256_set1_pd(inv), vstep = _mm256_set1_pd(step);
    const __m256d zero = _mm256_setzero_pd(), top = _mm256_set1_pd(255.0), half = _mm256_set1_pd(0.5);
    __m256d e = zero;
    __m128i n4 = _mm_setzero_si128(), s4 = n4;
    uint32_t f = 0;
    for (; f + 4 <= dim; f += 4) {
        __m256d xo = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + f)), _mm256_loadu_pd(off + f));
        __m256d t = _mm256_mul_pd(xo, vinv);
        t = _mm256_max_pd(t, zero);   /* NaN or -0: the second operand, 0 (as t > 0 ? t : 0) */
        t = _mm256_min_pd(t, top);
        __m128i l = _mm256_cvttpd_epi32(_mm256_add_pd(t, half));
        __m256d r = _mm256_sub_pd(xo, _mm256_mul_pd(vstep, _mm256_cvtepi32_pd(l)));
        e = _mm256_add_pd(e, _mm256_mul_pd(r, r));
        n4 = _mm_add_epi32(n4, _mm_mullo_epi32(l, l));
        s4 = _mm_add_epi32(s4, l);
        __m128i b = _mm_packus_epi16(_mm_packs_epi32(l, l), _mm_setzero_si128());
        int32_t w = _mm_cvtsi128_si32(b);
        __builtin_memcpy(lv + f, &w, 4);
    }
    double es[4];
    int32_t ns[4], ss[4];
    _mm256_storeu_pd(es, e);
    _mm_storeu_si128((__m128i *)ns, n4);
    _mm_storeu_si128((__m128i *)ss, s4);
    int32_t norm = (ns[0] + ns[1]) + (ns[2] + ns[3]), sx = (ss[0] + ss[1]) + (ss[2] + ss[3]);
    for (; f < dim; f++) {
        double r;
        int l = ig_kern_q8_level1(x[f], off[f], inv, step, &r);
        es[f % 4] += r * r;
        norm += l * l;
        sx += l;
        lv[f] = (uint8_t)l;
    }
    *sum = sx;
    *err2 = (es[0] + es[1]) + (es[2] + es[3]);
    return norm;
}
