/* Dot products of a few queries with a stored set: the scalar reference and the dispatch
 * (dots.h). */
#include <pthread.h>

#include <inferguard/base.h>
#include <inferguard/cpu.h>
#include "dots_body.h"

static void dots_scalar(const struct ig_vset *s, const float *const *xs, uint32_t nq, float *out)
{
    IG_ASSERT(s->elem == IG_VSET_F32 && nq >= 1 && nq <= IG_DOTS_MAXQ);
    const float *d = s->data;
    for (uint32_t q = 0; q < nq; q++) {
        const float *x = xs[q];
        for (uint32_t i = 0; i < s->count; i++) {
            const float *v = d + (size_t)(i / IG_VSET_BLOCK) * s->dim * IG_VSET_BLOCK + i % IG_VSET_BLOCK;
            float acc = 0;
            for (uint32_t f = 0; f < s->dim; f++)
                acc += x[f] * v[(size_t)f * IG_VSET_BLOCK];
            out[(size_t)q * s->count + i] = acc;
        }
    }
}

static int seg_filter_scalar(const float *nb, const float *dz, float *ab, uint32_t n,
                             const struct ig_seg_query *q)
{
    return ig_seg_filter_body(nb, dz, ab, n, q);
}

static const struct ig_dots_ops scalar_ops = { "scalar", dots_scalar, seg_filter_scalar };

const struct ig_dots_ops *ig_dots_for(int level)
{
    enum ig_cpu_level have = ig_cpu_level();
    switch (level) {
    case IG_CPU_SCALAR:
    case IG_CPU_SSE42:
        return &scalar_ops;
    case IG_CPU_AVX2:
        return have >= IG_CPU_AVX2 ? &ig_dots_avx2_ops : NULL;
    case IG_CPU_AVX512:
        return have >= IG_CPU_AVX512 ? &ig_dots_avx512_ops : NULL;
    default:
        return NULL;
    }
}

static const struct ig_dots_ops *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void choose(void)
{
    chosen = ig_dots_for((int)ig_cpu_level());
    if (!chosen)
        chosen = &scalar_ops;
}

const struct ig_dots_ops *ig_dots(void)
{
    pthread_once(&chosen_once, choose);
    return chosen;
}
