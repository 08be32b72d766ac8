/* Dot products of a few queries with a split set, AVX-512: one zmm holds a feature pair
 * of the 16 vectors of a block. Each query keeps two sums per block (even and odd
 * features), so one load of a stored row serves every query. */
#include <immintrin.h>

#include <inferguard/base.h>
#include "dots_body.h"

#define BC(q, f) _mm512_set1_ps(xs[q][f])

static inline __mmask16 lanes(uint32_t left)
{
    return left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
}

/* A full block's 16 sums with a plain store, the last partial one masked: the caller
 * reads the sums back at once, and a masked store does not forward to later loads (they
 * wait until it commits: most of extraction.coverage's own time went there). */
static inline void put16(float *o, uint32_t left, __m512 v)
{
    if (left >= 16)
        _mm512_storeu_ps(o, v);
    else
        _mm512_mask_storeu_ps(o, lanes(left), v);
}

int ig_kern_seg_filter_avx512(const float *nb, const float *dz, float *ab, uint32_t n,
                                 const struct ig_seg_query *q)
{
    return ig_seg_filter_body(nb, dz, ab, n, q);
}

/* A split set's hi plane: one zmm load is feature pair p of a block's 16 vectors, widened
 * to the even feature by a shift and to the odd one by a mask; even and odd features keep
 * separate sums (and with one query two pairs at a time: four chains). */
static inline void split_q(const struct ig_vsplit *s, const float *const *xq, const uint32_t NQ,
                           float *out)
{
    const uint32_t n = s->count, dim = s->dim, pairs = s->pairs, full = dim / 2;
    const __m512i top = _mm512_set1_epi32((int)0xffff0000u);
    const float *xs[IG_DOTS_MAXQ];
    for (uint32_t q = 0; q < IG_DOTS_MAXQ; q++)
        xs[q] = xq[q < NQ ? q : 0];
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t *blk = s->hi + (size_t)i * pairs;
        __m512 e[IG_DOTS_MAXQ], o[IG_DOTS_MAXQ], e2 = _mm512_setzero_ps(), o2 = e2;
        for (uint32_t q = 0; q < IG_DOTS_MAXQ; q++)
            e[q] = o[q] = _mm512_setzero_ps();
        uint32_t p = 0;
        if (NQ == 1) {
            for (; p + 2 <= full; p += 2) {
                __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
                __m512i v = _mm512_load_si512(blk + (size_t)(p + 1) * 16);
                e[0] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(w, 16)), BC(0, 2 * p), e[0]);
                o[0] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(w, top)), BC(0, 2 * p + 1), o[0]);
                e2 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16)), BC(0, 2 * p + 2), e2);
                o2 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v, top)), BC(0, 2 * p + 3), o2);
            }
        }
        for (; p < full; p++) {
            __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
            __m512 ev = _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
            __m512 od = _mm512_castsi512_ps(_mm512_and_si512(w, top));
            for (uint32_t q = 0; q < NQ; q++) {
                e[q] = _mm512_fmadd_ps(ev, BC(q, 2 * p), e[q]);
                o[q] = _mm512_fmadd_ps(od, BC(q, 2 * p + 1), o[q]);
            }
        }
        if (full < pairs) {   /* odd dim: the last feature alone */
            __m512 ev = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_load_si512(blk + (size_t)full * 16), 16));
            for (uint32_t q = 0; q < NQ; q++)
                e[q] = _mm512_fmadd_ps(ev, BC(q, 2 * full), e[q]);
        }
        e[0] = _mm512_add_ps(e[0], e2);
        o[0] = _mm512_add_ps(o[0], o2);
        for (uint32_t q = 0; q < NQ; q++)
            put16(out + (size_t)q * n + i, n - i, _mm512_add_ps(e[q], o[q]));
    }
}

void ig_kern_dots_split_avx512(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                               float *out)
{
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    switch (nq) {
    case 1: split_q(s, xs, 1, out); break;
    case 2: split_q(s, xs, 2, out); break;
    case 3: split_q(s, xs, 3, out); break;
    default: split_q(s, xs, 4, out); break;
    }
}
