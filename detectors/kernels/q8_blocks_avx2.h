/* The int8 prefilter's AVX2 block bodies, shared by q8_min_blocks (dist_avx2.c) and q8_lanes
 * (q8lanes_avx2.c). For even query levels (vidx.h: a query is measured on
 * even levels, qx = 2 h with h <= 127). Then h (unsigned) times a code (signed) fits
 * vpmaddubsw without saturation (two products: |127 * -128 * 2| = 32512 < 2^15), so one
 * vpmaddubsw takes 8 lanes x 4 features (32 bytes) where the general body sign-extends 16
 * bytes to int16 first, and the query's four bytes are one broadcast: ~7 instructions per
 * group of 16 lanes against ~17. Integers throughout: the same results as the general
 * body, the scalar kernel and VNNI's. */
#ifndef IG_Q8_BLOCKS_AVX2_H
#define IG_Q8_BLOCKS_AVX2_H

#include <immintrin.h>
#include <stdbool.h>
#include <stdint.h>

#include "kern_impl.h"

/* True when every one of the groups * 4 levels of qx is even; h gets their halves. */
static inline bool q8_halves(const uint8_t *qx, uint32_t groups, uint8_t *h)
{
    uint8_t odd = 0;
    for (uint32_t j = 0; j < groups * 4; j++) {
        odd |= qx[j];
        h[j] = (uint8_t)(qx[j] >> 1);
    }
    return (odd & 1) == 0;
}

/* sum_j h[j] * code[l][j] of lanes 0-7 (*lo) and 8-15 (*hi) of the block at p: per group
 * one broadcast, and per half a vpmaddubsw (pairs of products, int16), a vpmaddwd by ones
 * (the lane's four, int32) and an add (one chain per half: vpaddd's latency is a cycle). */
static inline void q8_dots_half(const int8_t *p, uint32_t groups, const uint8_t *h, __m256i *lo,
                                __m256i *hi)
{
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i a = _mm256_setzero_si256(), b = a;
#pragma GCC unroll 4
    for (uint32_t g = 0; g < groups; g++, p += 64) {
        int32_t q;
        __builtin_memcpy(&q, h + g * 4, 4);
        const __m256i v = _mm256_set1_epi32(q);
        const __m256i s0 = _mm256_madd_epi16(_mm256_maddubs_epi16(v, _mm256_loadu_si256((const __m256i *)p)), ones);
        const __m256i s1 = _mm256_madd_epi16(_mm256_maddubs_epi16(v, _mm256_loadu_si256((const __m256i *)(p + 32))),
                                             ones);
        a = _mm256_add_epi32(s0, a);
        b = _mm256_add_epi32(s1, b);
    }
    *lo = a;
    *hi = b;
}

/* c + norm - 2 sum qx code of lanes 0-7 (*lo) and 8-15 (*hi) of block b, qx's levels all even
 * and h their halves (2 sum qx code = 4 sum h code). */
static inline void q8_block_even(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                 const uint8_t *h, __m256i vc, uint32_t b, __m256i *lo, __m256i *hi)
{
    __m256i l, u;
    q8_dots_half(codes + IG_Q8_AT(b, groups, 0, 0, 0), groups, h, &l, &u);
    const int32_t *nm = norm + (size_t)b * IG_VSET_BLOCK;
    *lo = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)nm)), _mm256_slli_epi32(l, 2));
    *hi = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)(nm + 8))),
                           _mm256_slli_epi32(u, 2));
}

/* The same for any levels: 4 lanes x 4 features (16 bytes) sign-extended to int16 and
 * multiplied with the 4 query levels by vpmaddwd (exact: |products| < 2^15 * 2^8), pairs
 * summed at the end. */
static inline void q8_block_any(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                const uint8_t *qx, __m256i vc, uint32_t b, __m256i *lo, __m256i *hi)
{
    const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    const int8_t *p = codes + IG_Q8_AT(b, groups, 0, 0, 0);
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (uint32_t g = 0; g < groups; g++, p += 64) {
        uint32_t q4;
        __builtin_memcpy(&q4, qx + g * 4, 4);
        /* the 4 levels as int16, repeated for the 4 lanes of each 16-byte load */
        const __m256i qp = _mm256_set1_epi64x((long long)_pdep_u64(q4, 0x00ff00ff00ff00ffull));
        const __m128i *v = (const __m128i *)p;
        a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v)), qp));
        a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v + 1)), qp));
        a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v + 2)), qp));
        a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v + 3)), qp));
    }
    const __m256i l = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(a0, a1), order);
    const __m256i u = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(a2, a3), order);
    const int32_t *nm = norm + (size_t)b * IG_VSET_BLOCK;
    *lo = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)nm)), _mm256_add_epi32(l, l));
    *hi = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)(nm + 8))),
                           _mm256_add_epi32(u, u));
}

/* The smallest of 8 int32 lanes. */
static inline int32_t q8_hmin(__m256i m)
{
    __m128i t = _mm_min_epi32(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
    t = _mm_min_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(1, 0, 3, 2)));
    t = _mm_min_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(t);
}

#endif
