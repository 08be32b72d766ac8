/* Dot products of a few queries with a split set, AVX2: a block's 16 vectors are two ymm
 * halves, so each query has independent sums for lanes 0-7 and 8-15. */
#include <immintrin.h>

#include <inferguard/base.h>
#include "dots_body.h"


/* A split set's hi plane: one 32-byte load is feature pair p of 8 vectors, widened to the
 * even feature by a shift and to the odd one by a mask. */
static inline void run_split(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                             float *out)
{
    const uint32_t n = s->count, dim = s->dim, pairs = s->pairs, full = dim / 2;
    const __m256i top = _mm256_set1_epi32((int)0xffff0000u);
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t *blk = s->hi + (size_t)i * pairs;
        __m256 e0[IG_DOTS_MAXQ], e1[IG_DOTS_MAXQ], o0[IG_DOTS_MAXQ], o1[IG_DOTS_MAXQ];
        for (uint32_t q = 0; q < nq; q++)
            e0[q] = e1[q] = o0[q] = o1[q] = _mm256_setzero_ps();
        for (uint32_t p = 0; p < pairs; p++) {
            __m256i w0 = _mm256_load_si256((const __m256i *)(blk + (size_t)p * 16));
            __m256i w1 = _mm256_load_si256((const __m256i *)(blk + (size_t)p * 16 + 8));
            __m256 ev0 = _mm256_castsi256_ps(_mm256_slli_epi32(w0, 16));
            __m256 ev1 = _mm256_castsi256_ps(_mm256_slli_epi32(w1, 16));
            for (uint32_t q = 0; q < nq; q++) {
                __m256 x = _mm256_set1_ps(xs[q][2 * p]);
                e0[q] = _mm256_fmadd_ps(ev0, x, e0[q]);
                e1[q] = _mm256_fmadd_ps(ev1, x, e1[q]);
            }
            if (p < full) {
                __m256 od0 = _mm256_castsi256_ps(_mm256_and_si256(w0, top));
                __m256 od1 = _mm256_castsi256_ps(_mm256_and_si256(w1, top));
                for (uint32_t q = 0; q < nq; q++) {
                    __m256 x = _mm256_set1_ps(xs[q][2 * p + 1]);
                    o0[q] = _mm256_fmadd_ps(od0, x, o0[q]);
                    o1[q] = _mm256_fmadd_ps(od1, x, o1[q]);
                }
            }
        }
        float tmp[16];
        for (uint32_t q = 0; q < nq; q++) {
            float *o = out + (size_t)q * n + i;
            __m256 lo = _mm256_add_ps(e0[q], o0[q]), hi = _mm256_add_ps(e1[q], o1[q]);
            if (n - i >= 16) {
                _mm256_storeu_ps(o, lo);
                _mm256_storeu_ps(o + 8, hi);
            } else {
                _mm256_storeu_ps(tmp, lo);
                _mm256_storeu_ps(tmp + 8, hi);
                for (uint32_t l = 0; l < n - i; l++)
                    o[l] = tmp[l];
            }
        }
    }
}

void ig_kern_dots_split_avx2(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                             float *out)
{
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    switch (nq) {
    case 1: run_split(s, xs, 1, out); break;
    case 2: run_split(s, xs, 2, out); break;
    case 3: run_split(s, xs, 3, out); break;
    default: run_split(s, xs, 4, out); break;
    }
}

void ig_kern_cov_near_avx2(const struct ig_vsplit *s, const float *z, float zz, const float *nb,
                           float est, float *d, uint16_t *cand)
{
    ig_cov_near_body(ig_kern_dots_split_avx2, s, z, zz, nb, est, d, cand);
}

unsigned ig_kern_cov_pairs_avx2(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                                const float *nb, const float *d, const struct ig_seg_query *q,
                                float *work, uint16_t *mask)
{
    return ig_cov_pairs_body(ig_kern_dots_split_avx2, s, xs, nq, nb, d, q, work, mask);
}
