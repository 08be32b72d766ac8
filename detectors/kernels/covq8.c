/* extraction.coverage's int8 passes (kernels.h, cq8_near and cq8_pairs): the scalar
 * reference. The AVX2 and AVX-512 VNNI paths are covq8_avx2.c and covq8_vnni.c. */
#include <inferguard/base.h>
#include "covq8_body.h"

static void blk_scalar(const struct ig_cq8 *s, uint32_t b, const uint8_t *const *lv, uint32_t nq,
                       int32_t out[][16])
{
    for (uint32_t q = 0; q < nq; q++)
        for (uint32_t l = 0; l < 16; l++)
            out[q][l] = 0;
    for (uint32_t g = 0; g < s->groups; g++) {
        const int8_t *run = s->codes + g * s->plane + (size_t)b * 64;
        for (uint32_t q = 0; q < nq; q++)
            for (uint32_t l = 0; l < 16; l++)
                for (uint32_t j = 0; j < 4; j++)
                    out[q][l] += (int32_t)lv[q][4 * g + j] * run[4 * l + j];
    }
}

void ig_kern_cq8_near_scalar(const struct ig_cq8 *s, const struct ig_cq8_q *z, float *lo, float *hi,
                             uint16_t *cand)
{
    IG_ASSERT(s->groups >= 1 && s->groups <= IG_CQ8_MAXGROUPS);
    ig_cq8_near_body(blk_scalar, s, z, lo, hi, cand);
}

unsigned ig_kern_cq8_pairs_scalar(const struct ig_cq8 *s, const struct ig_cq8_q *a, uint32_t na,
                                  float step, float tol2, const float *lo, const float *hi,
                                  uint16_t *mask)
{
    IG_ASSERT(na >= 1 && na <= 3 && s->groups >= 1 && s->groups <= IG_CQ8_MAXGROUPS);
    return ig_cq8_pairs_body(blk_scalar, s, a, na, step, tol2, lo, hi, mask);
}
