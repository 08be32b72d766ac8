/* AVX-512 VNNI kernel of the int8 prefilter: one vpdpbusd multiplies 4 unsigned query levels
 * (broadcast) by the 4 signed codes of each of a block's 16 lanes and adds the sums into
 * 16 int32 lanes: one instruction per 4 features of 16 stored vectors. Compiled with
 * -mavx512vnni (CMake, by file suffix); only called when the CPU has AVX512_VNNI. */
#include <immintrin.h>

#include "kern_impl.h"

/* d <= 64 (the common case, and the bench's): the 16 broadcast query words stay in
 * registers for the whole list instead of being re-broadcast per block. */
#define Q8_FIXED(G)                                                                          \
    static void q8_fixed_##G(const int8_t *codes, const int32_t *norm, const uint8_t *qx,     \
                             int32_t c, const uint32_t *blocks, uint32_t nb, int32_t *out)    \
    {                                                                                        \
        const __m512i vc = _mm512_set1_epi32(c);                                             \
        __m512i q[G];                                                                        \
        for (int g = 0; g < G; g++) {                                                        \
            int32_t w;                                                                       \
            __builtin_memcpy(&w, qx + g * 4, 4);                                             \
            q[g] = _mm512_set1_epi32(w);                                                     \
        }                                                                                    \
        uint32_t k = 0;                                                                      \
        /* two blocks at a time, four sums each: vpdpbusd has a latency of several cycles, \
         * and one block's chains alone leave the unit idle most of the time */            \
        for (; k + 2 <= nb; k += 2) {                                                        \
            const int8_t *p = codes + (size_t)blocks[k] * (G) * 64;                          \
            const int8_t *r = codes + (size_t)blocks[k + 1] * (G) * 64;                      \
            __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;                  \
            __m512i b0 = a0, b1 = a0, b2 = a0, b3 = a0;                                      \
            for (int g = 0; g + 3 < G; g += 4) {                                             \
                a0 = _mm512_dpbusd_epi32(a0, q[g], _mm512_load_si512(p + g * 64));           \
                b0 = _mm512_dpbusd_epi32(b0, q[g], _mm512_load_si512(r + g * 64));           \
                a1 = _mm512_dpbusd_epi32(a1, q[g + 1], _mm512_load_si512(p + g * 64 + 64));  \
                b1 = _mm512_dpbusd_epi32(b1, q[g + 1], _mm512_load_si512(r + g * 64 + 64));  \
                a2 = _mm512_dpbusd_epi32(a2, q[g + 2], _mm512_load_si512(p + g * 64 + 128)); \
                b2 = _mm512_dpbusd_epi32(b2, q[g + 2], _mm512_load_si512(r + g * 64 + 128)); \
                a3 = _mm512_dpbusd_epi32(a3, q[g + 3], _mm512_load_si512(p + g * 64 + 192)); \
                b3 = _mm512_dpbusd_epi32(b3, q[g + 3], _mm512_load_si512(r + g * 64 + 192)); \
            }                                                                                \
            __m512i da = _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)); \
            __m512i db = _mm512_add_epi32(_mm512_add_epi32(b0, b1), _mm512_add_epi32(b2, b3)); \
            da = _mm512_sub_epi32(                                                           \
                _mm512_add_epi32(vc, _mm512_loadu_si512(norm + (size_t)blocks[k] * IG_VSET_BLOCK)), \
                _mm512_add_epi32(da, da));                                                   \
            db = _mm512_sub_epi32(                                                           \
                _mm512_add_epi32(vc, _mm512_loadu_si512(norm + (size_t)blocks[k + 1] * IG_VSET_BLOCK)), \
                _mm512_add_epi32(db, db));                                                   \
            out[k] = _mm512_reduce_min_epi32(da);                                            \
            out[k + 1] = _mm512_reduce_min_epi32(db);                                        \
        }                                                                                    \
        for (; k < nb; k++) {                                                                \
            uint32_t b = blocks[k];                                                          \
            const int8_t *p = codes + (size_t)b * (G) * 64;                                  \
            __m512i a0 = _mm512_setzero_si512(), a1 = a0;                                    \
            for (int g = 0; g + 1 < G; g += 2) {                                             \
                a0 = _mm512_dpbusd_epi32(a0, q[g], _mm512_load_si512(p + g * 64));           \
                a1 = _mm512_dpbusd_epi32(a1, q[g + 1], _mm512_load_si512(p + g * 64 + 64));  \
            }                                                                                \
            __m512i dot = _mm512_add_epi32(a0, a1);                                          \
            __m512i d = _mm512_sub_epi32(                                                    \
                _mm512_add_epi32(vc, _mm512_loadu_si512(norm + (size_t)b * IG_VSET_BLOCK)),  \
                _mm512_add_epi32(dot, dot));                                                 \
            out[k] = _mm512_reduce_min_epi32(d);                                             \
        }                                                                                    \
    }
Q8_FIXED(16)
Q8_FIXED(8)

void ig_kern_q8_min_blocks_avx512vnni(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                      const uint8_t *qx, int32_t c, const uint32_t *blocks,
                                      uint32_t nb, int32_t *out)
{
    if (groups == 16) {
        q8_fixed_16(codes, norm, qx, c, blocks, nb, out);
        return;
    }
    if (groups == 8) {
        q8_fixed_8(codes, norm, qx, c, blocks, nb, out);
        return;
    }
    const __m512i vc = _mm512_set1_epi32(c);
    for (uint32_t k = 0; k < nb; k++) {
        uint32_t b = blocks[k];
        const int8_t *p = codes + IG_Q8_AT(b, groups, 0, 0, 0);
        /* four independent sums hide vpdpbusd's latency; integer sums in any order agree */
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        uint32_t g = 0;
        for (; g + 4 <= groups; g += 4, p += 256) {
            int32_t q0, q1, q2, q3;
            __builtin_memcpy(&q0, qx + g * 4, 4);
            __builtin_memcpy(&q1, qx + g * 4 + 4, 4);
            __builtin_memcpy(&q2, qx + g * 4 + 8, 4);
            __builtin_memcpy(&q3, qx + g * 4 + 12, 4);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(q0), _mm512_load_si512(p));
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(q1), _mm512_load_si512(p + 64));
            a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(q2), _mm512_load_si512(p + 128));
            a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(q3), _mm512_load_si512(p + 192));
        }
        for (; g < groups; g++, p += 64) {
            int32_t q0;
            __builtin_memcpy(&q0, qx + g * 4, 4);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(q0), _mm512_load_si512(p));
        }
        __m512i dot = _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3));
        __m512i d = _mm512_sub_epi32(
            _mm512_add_epi32(vc, _mm512_loadu_si512(norm + (size_t)b * IG_VSET_BLOCK)),
            _mm512_add_epi32(dot, dot));
        out[k] = _mm512_reduce_min_epi32(d);
    }
}
