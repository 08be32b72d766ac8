/* q8_lanes (kernels.h), AVX-512 VNNI: one vpdpbusd per 4 features of a block's 16 lanes,
 * as q8_min_blocks_avx512vnni, with every lane stored instead of the block's minimum; two
 * blocks at a time, four sums each, to hide vpdpbusd's latency. Only called when the CPU
 * has AVX512_VNNI. */
#include <immintrin.h>

#include "kern_impl.h"

static inline __m512i finish(__m512i a0, __m512i a1, __m512i a2, __m512i a3, __m512i vc,
                             const int32_t *nm)
{
    __m512i dot = _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3));
    return _mm512_sub_epi32(_mm512_add_epi32(vc, _mm512_loadu_si512(nm)), _mm512_add_epi32(dot, dot));
}

int32_t ig_kern_q8_lanes_avx512vnni(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                    const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out)
{
    const __m512i vc = _mm512_set1_epi32(c);
    __m512i mn = _mm512_set1_epi32(INT32_MAX);
    const size_t bs = (size_t)groups * 64;
    uint32_t b = 0;
    for (; b + 2 <= nb; b += 2) {
        const int8_t *p = codes + b * bs, *r = p + bs;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        __m512i b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        uint32_t g = 0;
        for (; g + 2 <= groups; g += 2) {
            int32_t w0, w1;
            __builtin_memcpy(&w0, qx + g * 4, 4);
            __builtin_memcpy(&w1, qx + g * 4 + 4, 4);
            const __m512i q0 = _mm512_set1_epi32(w0), q1 = _mm512_set1_epi32(w1);
            if (g & 2) {
                a2 = _mm512_dpbusd_epi32(a2, q0, _mm512_loadu_si512(p + g * 64));
                b2 = _mm512_dpbusd_epi32(b2, q0, _mm512_loadu_si512(r + g * 64));
                a3 = _mm512_dpbusd_epi32(a3, q1, _mm512_loadu_si512(p + g * 64 + 64));
                b3 = _mm512_dpbusd_epi32(b3, q1, _mm512_loadu_si512(r + g * 64 + 64));
            } else {
                a0 = _mm512_dpbusd_epi32(a0, q0, _mm512_loadu_si512(p + g * 64));
                b0 = _mm512_dpbusd_epi32(b0, q0, _mm512_loadu_si512(r + g * 64));
                a1 = _mm512_dpbusd_epi32(a1, q1, _mm512_loadu_si512(p + g * 64 + 64));
                b1 = _mm512_dpbusd_epi32(b1, q1, _mm512_loadu_si512(r + g * 64 + 64));
            }
        }
        if (g < groups) {
            int32_t w0;
            __builtin_memcpy(&w0, qx + g * 4, 4);
            const __m512i q0 = _mm512_set1_epi32(w0);
            a0 = _mm512_dpbusd_epi32(a0, q0, _mm512_loadu_si512(p + g * 64));
            b0 = _mm512_dpbusd_epi32(b0, q0, _mm512_loadu_si512(r + g * 64));
        }
        const __m512i da = finish(a0, a1, a2, a3, vc, norm + (size_t)b * IG_VSET_BLOCK);
        const __m512i db = finish(b0, b1, b2, b3, vc, norm + (size_t)(b + 1) * IG_VSET_BLOCK);
        _mm512_storeu_si512(out + (size_t)b * IG_VSET_BLOCK, da);
        _mm512_storeu_si512(out + (size_t)(b + 1) * IG_VSET_BLOCK, db);
        mn = _mm512_min_epi32(mn, _mm512_min_epi32(da, db));
    }
    for (; b < nb; b++) {
        const int8_t *p = codes + b * bs;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0;
        uint32_t g = 0;
        for (; g + 2 <= groups; g += 2) {
            int32_t w0, w1;
            __builtin_memcpy(&w0, qx + g * 4, 4);
            __builtin_memcpy(&w1, qx + g * 4 + 4, 4);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(w0), _mm512_loadu_si512(p + g * 64));
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(w1), _mm512_loadu_si512(p + g * 64 + 64));
        }
        if (g < groups) {
            int32_t w0;
            __builtin_memcpy(&w0, qx + g * 4, 4);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(w0), _mm512_loadu_si512(p + g * 64));
        }
        const __m512i z = _mm512_setzero_si512();
        const __m512i da = finish(a0, a1, z, z, vc, norm + (size_t)b * IG_VSET_BLOCK);
        _mm512_storeu_si512(out + (size_t)b * IG_VSET_BLOCK, da);
        mn = _mm512_min_epi32(mn, da);
    }
    return _mm512_reduce_min_epi32(mn);
}
