/* q8_lanes (kernels.h), scalar reference: the int8 prefilter's integer distance of every
 * lane of the first nb blocks, where q8_min_blocks keeps each listed block's smallest. */
#include "kern_impl.h"

int32_t ig_kern_q8_lanes_scalar(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out)
{
    int32_t m = INT32_MAX;
    for (uint32_t b = 0; b < nb; b++)
        for (uint32_t l = 0; l < IG_VSET_BLOCK; l++) {
            int32_t dot = 0;
            for (uint32_t g = 0; g < groups; g++)
                for (uint32_t j = 0; j < 4; j++)
                    dot += (int32_t)qx[g * 4 + j] * codes[IG_Q8_AT(b, groups, g, l, j)];
            int32_t d = c + norm[(size_t)b * IG_VSET_BLOCK + l] - 2 * dot;
            out[(size_t)b * IG_VSET_BLOCK + l] = d;
            m = d < m ? d : m;
        }
    return m;
}
