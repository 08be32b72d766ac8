/* AVX-512 kernels: one zmm holds feature f of the 16 vectors of a block. Compiled with
 * -mavx512f/bw/vl/dq (CMake, by file suffix); only called when ig_cpu_level() allows. */
#include <immintrin.h>
#include <math.h>

#include "kern_impl.h"

/* bf16 row of 16 lanes (32 bytes) widened exactly to float32 by a shift. */
static inline __m512 load_bf16(const uint16_t *p)
{
    __m512i w = _mm512_cvtepu16_epi32(_mm256_load_si256((const __m256i *)p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}

static inline __m512 block_l2sq_bf16(const uint16_t *blk, const float *x, uint32_t dim)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    uint32_t f = 0;
    for (; f + 2 <= dim; f += 2) {
        __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]), load_bf16(blk + (size_t)f * 16));
        __m512 t1 = _mm512_sub_ps(_mm512_set1_ps(x[f + 1]), load_bf16(blk + (size_t)(f + 1) * 16));
        a0 = _mm512_fmadd_ps(t0, t0, a0);
        a1 = _mm512_fmadd_ps(t1, t1, a1);
    }
    if (f < dim) {
        __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]), load_bf16(blk + (size_t)f * 16));
        a0 = _mm512_fmadd_ps(t0, t0, a0);
    }
    return _mm512_add_ps(a0, a1);
}

static inline __m512 block_linf_bf16(const uint16_t *blk, const float *x, uint32_t dim)
{
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
    __m512 m = _mm512_setzero_ps();
    for (uint32_t f = 0; f < dim; f++) {
        __m512 t = _mm512_sub_ps(_mm512_set1_ps(x[f]), load_bf16(blk + (size_t)f * 16));
        t = _mm512_and_ps(t, absmask);
        __mmask16 nan = _mm512_cmp_ps_mask(t, t, _CMP_UNORD_Q);
        m = _mm512_max_ps(t, m);
        m = _mm512_mask_mov_ps(m, nan, t);
    }
    return m;
}

static inline __m512 block_l2sq(const float *blk, const float *x, uint32_t dim)
{
    /* two accumulators hide the FMA latency; summed at the end (documented order) */
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    uint32_t f = 0;
    for (; f + 2 <= dim; f += 2) {
        __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]), _mm512_load_ps(blk + (size_t)f * 16));
        __m512 t1 = _mm512_sub_ps(_mm512_set1_ps(x[f + 1]),
                                  _mm512_load_ps(blk + (size_t)(f + 1) * 16));
        a0 = _mm512_fmadd_ps(t0, t0, a0);
        a1 = _mm512_fmadd_ps(t1, t1, a1);
    }
    if (f < dim) {
        __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]), _mm512_load_ps(blk + (size_t)f * 16));
        a0 = _mm512_fmadd_ps(t0, t0, a0);
    }
    return _mm512_add_ps(a0, a1);
}

/* The steps two blocks at once share (block_l2sq_pair, block_pair_upto): features f and
 * f + 1 into each block's two accumulators, and a last odd feature into the first. */
static inline void pair_step2(const float *b0, const float *b1, const float *x, uint32_t f,
                              __m512 *a0, __m512 *a1, __m512 *c0, __m512 *c1)
{
    const __m512 x0 = _mm512_set1_ps(x[f]), x1 = _mm512_set1_ps(x[f + 1]);
    __m512 t0 = _mm512_sub_ps(x0, _mm512_load_ps(b0 + (size_t)f * 16));
    __m512 t1 = _mm512_sub_ps(x1, _mm512_load_ps(b0 + (size_t)(f + 1) * 16));
    __m512 u0 = _mm512_sub_ps(x0, _mm512_load_ps(b1 + (size_t)f * 16));
    __m512 u1 = _mm512_sub_ps(x1, _mm512_load_ps(b1 + (size_t)(f + 1) * 16));
    *a0 = _mm512_fmadd_ps(t0, t0, *a0);
    *a1 = _mm512_fmadd_ps(t1, t1, *a1);
    *c0 = _mm512_fmadd_ps(u0, u0, *c0);
    *c1 = _mm512_fmadd_ps(u1, u1, *c1);
}

static inline void pair_step1(const float *b0, const float *b1, const float *x, uint32_t f,
                              __m512 *a0, __m512 *c0)
{
    const __m512 x0 = _mm512_set1_ps(x[f]);
    __m512 t0 = _mm512_sub_ps(x0, _mm512_load_ps(b0 + (size_t)f * 16));
    __m512 u0 = _mm512_sub_ps(x0, _mm512_load_ps(b1 + (size_t)f * 16));
    *a0 = _mm512_fmadd_ps(t0, t0, *a0);
    *c0 = _mm512_fmadd_ps(u0, u0, *c0);
}

/* block_l2sq of two blocks at once, each with its own accumulators and the same operations
 * in the same order (so the same sums): one block's two chains of dependent fused
 * multiply-adds wait on their latency, two blocks' four keep the unit busy. */
static inline void block_l2sq_pair(const float *b0, const float *b1, const float *x, uint32_t dim,
                                   __m512 *o0, __m512 *o1)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, c0 = a0, c1 = a0;
    uint32_t f = 0;
    for (; f + 2 <= dim; f += 2)
        pair_step2(b0, b1, x, f, &a0, &a1, &c0, &c1);
    if (f < dim)
        pair_step1(b0, b1, x, f, &a0, &c0);
    *o0 = _mm512_add_ps(a0, a1);
    *o1 = _mm512_add_ps(c0, c1);
}

/* One lane of block_l2sq (kern_impl.h). */
float ig_kern_l2sq_row_avx512(const float *x, const float *y, uint32_t dim)
{
    return ig_kern_l2sq_lane(x, y, dim);
}

static inline __m512 block_linf(const float *blk, const float *x, uint32_t dim)
{
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
    __m512 m = _mm512_setzero_ps();
    for (uint32_t f = 0; f < dim; f++) {
        __m512 t = _mm512_sub_ps(_mm512_set1_ps(x[f]), _mm512_load_ps(blk + (size_t)f * 16));
        t = _mm512_and_ps(t, absmask);
        /* max_ps returns its second operand when either is NaN: keep NaN sticky */
        __mmask16 nan = _mm512_cmp_ps_mask(t, t, _CMP_UNORD_Q);
        m = _mm512_max_ps(t, m);
        m = _mm512_mask_mov_ps(m, nan, t);
    }
    return m;
}

void ig_kern_l2sq_all_avx512(const struct ig_vset *s, const float *x, float *out)
{
    uint32_t i = 0;
    if (s->elem == IG_VSET_F32) {
        /* whole pairs of blocks (the second full too: plain stores) */
        const float *fb = (const float *)s->data;
        for (; i + 32 <= s->count; i += 32) {
            __m512 d0, d1;
            const float *blk = fb + (size_t)i * s->dim;
            block_l2sq_pair(blk, blk + (size_t)16 * s->dim, x, s->dim, &d0, &d1);
            _mm512_storeu_ps(out + i, d0);
            _mm512_storeu_ps(out + i + 16, d1);
        }
    }
    for (; i < s->count; i += 16) {
        size_t at = (size_t)i * s->dim;
        __m512 d = s->elem == IG_VSET_BF16 ? block_l2sq_bf16((const uint16_t *)s->data + at, x, s->dim)
                                           : block_l2sq((const float *)s->data + at, x, s->dim);
        uint32_t left = s->count - i;
        if (left >= 16) {   /* plain store: a masked one does not forward to the reader's loads */
            _mm512_storeu_ps(out + i, d);
            continue;
        }
        _mm512_mask_storeu_ps(out + i, (__mmask16)((1u << left) - 1), d);
    }
}

static float min_generic(const struct ig_vset *s, const float *x, int32_t *argmin, bool linf)
{
    __m512 best = _mm512_set1_ps(__builtin_inff());
    __m512i bidx = _mm512_set1_epi32(-1);
    __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i step = _mm512_set1_epi32(16);
    for (uint32_t i = 0; i < s->count; i += 16) {
        size_t at = (size_t)i * s->dim;
        __m512 d, d1 = _mm512_setzero_ps();
        bool pair = false;
        if (!linf && s->elem == IG_VSET_F32 && i + 16 < s->count) {
            /* this block and the next (which holds a vector) at once; folded in order */
            const float *blk = (const float *)s->data + at;
            block_l2sq_pair(blk, blk + (size_t)16 * s->dim, x, s->dim, &d, &d1);
            pair = true;
        } else if (s->elem == IG_VSET_BF16) {
            const uint16_t *blk = (const uint16_t *)s->data + at;
            d = linf ? block_linf_bf16(blk, x, s->dim) : block_l2sq_bf16(blk, x, s->dim);
        } else {
            const float *blk = (const float *)s->data + at;
            d = linf ? block_linf(blk, x, s->dim) : block_l2sq(blk, x, s->dim);
        }
        uint32_t left = s->count - i;
        __mmask16 valid = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        __mmask16 lt = _mm512_cmp_ps_mask(d, best, _CMP_LT_OQ);
        __mmask16 eq = _mm512_cmp_ps_mask(d, best, _CMP_EQ_OQ) &
                       _mm512_cmplt_epi32_mask(bidx, _mm512_setzero_si512());
        __mmask16 take = (lt | eq) & valid;
        best = _mm512_mask_mov_ps(best, take, d);
        bidx = _mm512_mask_mov_epi32(bidx, take, idx);
        idx = _mm512_add_epi32(idx, step);
        if (pair) {
            i += 16;
            left = s->count - i;
            valid = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            lt = _mm512_cmp_ps_mask(d1, best, _CMP_LT_OQ);
            eq = _mm512_cmp_ps_mask(d1, best, _CMP_EQ_OQ) &
                 _mm512_cmplt_epi32_mask(bidx, _mm512_setzero_si512());
            take = (lt | eq) & valid;
            best = _mm512_mask_mov_ps(best, take, d1);
            bidx = _mm512_mask_mov_epi32(bidx, take, idx);
            idx = _mm512_add_epi32(idx, step);
        }
    }
    float b[16];
    int32_t bi[16];
    _mm512_storeu_ps(b, best);
    _mm512_storeu_si512((void *)bi, bidx);
    return ig_kern_reduce16(b, bi, argmin);
}

float ig_kern_l2sq_min_avx512(const struct ig_vset *s, const float *x, int32_t *argmin)
{
    return min_generic(s, x, argmin, false);
}

float ig_kern_linf_min_avx512(const struct ig_vset *s, const float *x, int32_t *argmin)
{
    return min_generic(s, x, argmin, true);
}

/* As block_l2sq(_bf16), with a check every 16 features: false when every lane already
 * exceeds <best>. Same accumulators, operations and order, so finished sums are equal. */
static inline bool block_l2sq_upto(const struct ig_vset *s, size_t at, const float *x,
                                   float best, __m512 *out)
{
    const __m512 vb = _mm512_set1_ps(best);
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    const uint32_t dim = s->dim;
    uint32_t f = 0;
    const bool bf = s->elem == IG_VSET_BF16;
    const float *fb = (const float *)s->data + at;
    const uint16_t *hb = (const uint16_t *)s->data + at;
    while (f + 2 <= dim) {
        /* pairs of features up to the next multiple of 16 (or the last pair) */
        uint32_t end = (f + 16) & ~15u;
        if (end > dim)
            end = dim;
        if (bf) {
            for (; f + 2 <= end; f += 2) {
                __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]), load_bf16(hb + (size_t)f * 16));
                __m512 t1 = _mm512_sub_ps(_mm512_set1_ps(x[f + 1]),
                                          load_bf16(hb + (size_t)(f + 1) * 16));
                a0 = _mm512_fmadd_ps(t0, t0, a0);
                a1 = _mm512_fmadd_ps(t1, t1, a1);
            }
        } else {
            for (; f + 2 <= end; f += 2) {
                __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]), _mm512_load_ps(fb + (size_t)f * 16));
                __m512 t1 = _mm512_sub_ps(_mm512_set1_ps(x[f + 1]),
                                          _mm512_load_ps(fb + (size_t)(f + 1) * 16));
                a0 = _mm512_fmadd_ps(t0, t0, a0);
                a1 = _mm512_fmadd_ps(t1, t1, a1);
            }
        }
        /* fl(a0 + a1) only grows with a0 and a1, so it bounds the final sum from below */
        if (f + 2 <= dim &&
            _mm512_cmp_ps_mask(_mm512_add_ps(a0, a1), vb, _CMP_GT_OQ) == (__mmask16)0xffff)
            return false;
    }
    if (f < dim) {
        __m512 t0 = _mm512_sub_ps(_mm512_set1_ps(x[f]),
                                  bf ? load_bf16(hb + (size_t)f * 16) : _mm512_load_ps(fb + (size_t)f * 16));
        a0 = _mm512_fmadd_ps(t0, t0, a0);
    }
    *out = _mm512_add_ps(a0, a1);
    return true;
}

/* Two float32 blocks at once, each with block_l2sq_upto's accumulators, operations and
 * order (so the same sums): one block's two chains of dim / 2 dependent fused
 * multiply-adds wait on the adds' latency, two blocks' four chains keep the unit busy.
 * *live_j is false when block j's partial sums all exceeded <best> at a check (its sum
 * then exceeds it too); false when both did. */
static inline bool block_pair_upto(const float *b0, const float *b1, uint32_t dim, const float *x,
                                   float best, __m512 *o0, __m512 *o1, bool *live0, bool *live1)
{
    const __m512 vb = _mm512_set1_ps(best);
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, c0 = a0, c1 = a0;
    bool l0 = true, l1 = true;
    uint32_t f = 0;
    while (f + 2 <= dim) {
        uint32_t end = (f + 16) & ~15u;
        if (end > dim)
            end = dim;
        for (; f + 2 <= end; f += 2)
            pair_step2(b0, b1, x, f, &a0, &a1, &c0, &c1);
        if (f + 2 <= dim) {
            l0 = l0 && _mm512_cmp_ps_mask(_mm512_add_ps(a0, a1), vb, _CMP_GT_OQ) != (__mmask16)0xffff;
            l1 = l1 && _mm512_cmp_ps_mask(_mm512_add_ps(c0, c1), vb, _CMP_GT_OQ) != (__mmask16)0xffff;
            if (!l0 && !l1)
                return false;
        }
    }
    if (f < dim)
        pair_step1(b0, b1, x, f, &a0, &c0);
    *o0 = _mm512_add_ps(a0, a1);
    *o1 = _mm512_add_ps(c0, c1);
    *live0 = l0;
    *live1 = l1;
    return true;
}

float ig_kern_l2sq_min_blocks_avx512(const struct ig_vset *s, const float *x,
                                     const uint32_t *blocks, uint32_t nb, float best,
                                     int32_t *argmin)
{
    float d[16];
    uint32_t k = 0;
    if (s->elem == IG_VSET_F32) {
        /* pairs of blocks; each is then folded in list order with the minimum so far, as
         * one at a time (the second's early exit above used the minimum before the first's
         * fold: a weaker test, never a different result) */
        for (; k + 2 <= nb; k += 2) {
            uint32_t i0 = blocks[k] * 16, i1 = blocks[k + 1] * 16;
            if (i0 >= s->count || i1 >= s->count)
                break;
            __m512 v0, v1;
            bool live0, live1;
            const float *fb = (const float *)s->data;
            if (!block_pair_upto(fb + (size_t)i0 * s->dim, fb + (size_t)i1 * s->dim, s->dim, x, best,
                                 &v0, &v1, &live0, &live1))
                continue;
            if (live0 && _mm512_cmp_ps_mask(v0, _mm512_set1_ps(best), _CMP_LE_OQ)) {
                _mm512_storeu_ps(d, v0);
                best = ig_kern_fold16(d, i0, s->count, best, argmin);
            }
            if (live1 && _mm512_cmp_ps_mask(v1, _mm512_set1_ps(best), _CMP_LE_OQ)) {
                _mm512_storeu_ps(d, v1);
                best = ig_kern_fold16(d, i1, s->count, best, argmin);
            }
        }
    }
    for (; k < nb; k++) {
        uint32_t i = blocks[k] * 16;
        if (i >= s->count)
            continue;
        __m512 v;
        if (!block_l2sq_upto(s, (size_t)i * s->dim, x, best, &v))
            continue;
        if (!_mm512_cmp_ps_mask(v, _mm512_set1_ps(best), _CMP_LE_OQ))
            continue;
        _mm512_storeu_ps(d, v);
        best = ig_kern_fold16(d, i, s->count, best, argmin);
    }
    return best;
}

void ig_kern_quantise_avx512(const float *x, const float *salt, size_t n, float step,
                             int16_t *out)
{
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512 c255 = _mm512_set1_ps(255.0f), vstep = _mm512_set1_ps(step);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        /* max(v, 0) with v first returns 0 for NaN, like the scalar !(x >= 0) */
        v = _mm512_max_ps(v, zero);
        v = _mm512_min_ps(v, one);
        v = _mm512_mul_ps(v, c255);
        v = _mm512_add_ps(v, _mm512_loadu_ps(salt + i));
        __mmask16 ge = _mm512_cmp_ps_mask(v, c255, _CMP_GE_OQ);
        v = _mm512_mask_sub_ps(v, ge, v, c255);
        __m512 q = _mm512_roundscale_ps(_mm512_div_ps(v, vstep),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m512i qi = _mm512_cvttps_epi32(_mm512_mul_ps(q, vstep));
        _mm256_storeu_si256((__m256i *)(out + i), _mm512_cvtsepi32_epi16(qi));
    }
    for (; i < n; i++)
        out[i] = ig_kern_quant1(x[i], salt[i], step);
}

void ig_kern_bin_index_avx512(const float *x, size_t n, float lo, float inv_width,
                              uint32_t nbins, uint32_t *idx)
{
    const __m512 vlo = _mm512_set1_ps(lo), vinv = _mm512_set1_ps(inv_width);
    const __m512 zero = _mm512_setzero_ps(), top = _mm512_set1_ps((float)nbins);
    const __m512i last = _mm512_set1_epi32((int)(nbins - 1)), nanbin = _mm512_set1_epi32((int)nbins);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        __m512 t = _mm512_mul_ps(_mm512_sub_ps(v, vlo), vinv);
        __mmask16 pos = _mm512_cmp_ps_mask(t, zero, _CMP_GT_OQ);
        __mmask16 big = _mm512_cmp_ps_mask(t, top, _CMP_GE_OQ);
        __m512 tc = _mm512_mask_mov_ps(zero, pos & ~big, t);
        __m512i b = _mm512_cvttps_epi32(tc);
        b = _mm512_min_epu32(b, last);
        b = _mm512_mask_mov_epi32(b, big & ~nan, last);
        b = _mm512_mask_mov_epi32(b, nan, nanbin);
        _mm512_storeu_si512((void *)(idx + i), b);
    }
    for (; i < n; i++)
        idx[i] = ig_kern_bin1(x[i], lo, inv_width, nbins);
}

/* Without VNNI the int8 prefilter is the AVX2 one (vpmaddwd on int16, exact). */
void ig_kern_q8_min_blocks_avx512(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                  const uint8_t *qx, int32_t c, const uint32_t *blocks,
                                  uint32_t nb, int32_t *out)
{
    ig_kern_q8_min_blocks_avx2(codes, groups, norm, qx, c, blocks, nb, out);
}
