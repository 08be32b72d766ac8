/* Dot products of a few queries with a split set (kernels.h, ig_kern_ops.dots_split) and
 * extraction.coverage's searches over them (cov_near, cov_pairs): the scalar reference; the
 * AVX2, AVX-512 and AVX-512 BF16 paths are dots_avx2.c, dots_avx512.c and dots_bf16.c. */
#include <inferguard/base.h>
#include "dots_body.h"

static inline float widen(uint32_t bits)
{
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

void ig_kern_dots_split_scalar(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                               float *out)
{
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    for (uint32_t q = 0; q < nq; q++) {
        const float *x = xs[q];
        for (uint32_t i = 0; i < s->count; i++) {
            const uint32_t *w = s->hi + (size_t)(i / IG_VSET_BLOCK) * s->pairs * IG_VSET_BLOCK +
                                i % IG_VSET_BLOCK;
            float acc = 0;
            for (uint32_t f = 0; f < s->dim; f++) {
                uint32_t word = w[(size_t)(f / 2) * IG_VSET_BLOCK];
                acc += x[f] * widen(f & 1 ? word & 0xffff0000u : word << 16);   /* hi(y) */
            }
            out[(size_t)q * s->count + i] = acc;
        }
    }
}

void ig_kern_cov_near_scalar(const struct ig_vsplit *s, const float *z, float zz, const float *nb,
                           float est, float *d, uint16_t *cand)
{
    ig_cov_near_body(ig_kern_dots_split_scalar, s, z, zz, nb, est, d, cand);
}

unsigned ig_kern_cov_pairs_scalar(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                                const float *nb, const float *d, const struct ig_seg_query *q,
                                float *work, uint16_t *mask)
{
    return ig_cov_pairs_body(ig_kern_dots_split_scalar, s, xs, nq, nb, d, q, work, mask);
}
