/* q8_lanes (kernels.h), AVX2: q8_min_blocks_avx2's arithmetic (q8_blocks_avx2.h's bodies)
 * with every lane stored instead of the block's minimum. The AVX-512 table without VNNI
 * uses it too. */
#include <immintrin.h>

#include "kern_impl.h"
#include "q8_blocks_avx2.h"

/* One loop per body (<even> a constant at each call): no test per block. */
static inline __attribute__((always_inline)) int32_t lanes(const int8_t *codes, uint32_t groups,
                                                           const int32_t *norm, const uint8_t *q,
                                                           __m256i vc, uint32_t nb, int32_t *out,
                                                           bool even)
{
    __m256i mn = _mm256_set1_epi32(INT32_MAX), lo, hi;
    for (uint32_t b = 0; b < nb; b++) {
        if (even)
            q8_block_even(codes, groups, norm, q, vc, b, &lo, &hi);
        else
            q8_block_any(codes, groups, norm, q, vc, b, &lo, &hi);
        _mm256_storeu_si256((__m256i *)(out + (size_t)b * IG_VSET_BLOCK), lo);
        _mm256_storeu_si256((__m256i *)(out + (size_t)b * IG_VSET_BLOCK + 8), hi);
        mn = _mm256_min_epi32(mn, _mm256_min_epi32(lo, hi));
    }
    return q8_hmin(mn);
}

int32_t ig_kern_q8_lanes_avx2(const int8_t *codes, uint32_t groups, const int32_t *norm,
                              const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out)
{
    const __m256i vc = _mm256_set1_epi32(c);
    uint8_t h[IG_Q8_MAXDIM];
    if (groups * 4 <= IG_Q8_MAXDIM && q8_halves(qx, groups, h))
        return lanes(codes, groups, norm, h, vc, nb, out, true);
    return lanes(codes, groups, norm, qx, vc, nb, out, false);
}
