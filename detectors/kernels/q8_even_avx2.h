/* The int8 prefilter's AVX2 body for even query levels (vidx.h: a query is measured on
 * even levels, qx = 2 h with h <= 127). Then h (unsigned) times a code (signed) fits
 * vpmaddubsw without saturation (two products: |127 * -128 * 2| = 32512 < 2^15), so one
 * vpmaddubsw takes 8 lanes x 4 features (32 bytes) where the general body sign-extends 16
 * bytes to int16 first, and the query's four bytes are one broadcast: ~7 instructions per
 * group of 16 lanes against ~17. Integers throughout: the same results as the general
 * body, the scalar kernel and VNNI's. Included by dist_avx2.c and q8lanes_avx2.c. */
#ifndef IG_Q8_EVEN_AVX2_H
#define IG_Q8_EVEN_AVX2_H

#include <immintrin.h>
#include <stdbool.h>
#include <stdint.h>

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

#endif
