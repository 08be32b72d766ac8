/* Dot products of a few queries with a stored set, AVX2: a block's 16 vectors are two ymm
 * halves, so each query has two independent sums (lanes 0-7 and 8-15). */
#include <immintrin.h>

#include <inferguard/base.h>
#include "dots_body.h"

static inline void run(const struct ig_vset *s, const float *const *xs, uint32_t nq, float *out)
{
    const uint32_t n = s->count, dim = s->dim;
    for (uint32_t i = 0; i < n; i += 16) {
        const float *blk = (const float *)s->data + (size_t)i * dim;
        __m256 lo[IG_DOTS_MAXQ], hi[IG_DOTS_MAXQ];
        for (uint32_t q = 0; q < nq; q++)
            lo[q] = hi[q] = _mm256_setzero_ps();
        for (uint32_t f = 0; f < dim; f++) {
            __m256 v0 = _mm256_load_ps(blk + (size_t)f * 16), v1 = _mm256_load_ps(blk + (size_t)f * 16 + 8);
            for (uint32_t q = 0; q < nq; q++) {   /* nq is a constant after inlining */
                __m256 x = _mm256_set1_ps(xs[q][f]);
                lo[q] = _mm256_fmadd_ps(v0, x, lo[q]);
                hi[q] = _mm256_fmadd_ps(v1, x, hi[q]);
            }
        }
        float tmp[16];
        for (uint32_t q = 0; q < nq; q++) {
            float *o = out + (size_t)q * n + i;
            if (n - i >= 16) {
                _mm256_storeu_ps(o, lo[q]);
                _mm256_storeu_ps(o + 8, hi[q]);
            } else {
                _mm256_storeu_ps(tmp, lo[q]);
                _mm256_storeu_ps(tmp + 8, hi[q]);
                for (uint32_t l = 0; l < n - i; l++)
                    o[l] = tmp[l];
            }
        }
    }
}

void ig_kern_dots_avx2(const struct ig_vset *s, const float *const *xs, uint32_t nq, float *out)
{
    IG_ASSERT(s->elem == IG_VSET_F32 && nq >= 1 && nq <= IG_DOTS_MAXQ);
    switch (nq) {
    case 1: run(s, xs, 1, out); break;
    case 2: run(s, xs, 2, out); break;
    case 3: run(s, xs, 3, out); break;
    default: run(s, xs, 4, out); break;
    }
}

int ig_kern_seg_filter_avx2(const float *nb, const float *dz, float *ab, uint32_t n,
                               const struct ig_seg_query *q)
{
    return ig_seg_filter_body(nb, dz, ab, n, q);
}

