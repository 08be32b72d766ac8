/* Dot products of a few queries with a split set (kernels.h, ig_kern_ops.dots_split) and
 * extraction.coverage's candidate filter: the scalar reference; the AVX2 and AVX-512 paths
 * are dots_avx2.c and dots_avx512.c. */
#include <inferguard/base.h>
#include "dots_body.h"

int ig_kern_seg_filter_scalar(const float *nb, const float *dz, float *ab, uint32_t n,
                               const struct ig_seg_query *q)
{
    return ig_seg_filter_body(nb, dz, ab, n, q);
}

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
