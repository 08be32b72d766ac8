/* q8_lanes (kernels.h), AVX2: q8_min_blocks_avx2's arithmetic (even query levels:
 * q8_even_avx2.h; else 4 lanes x 4 features sign-extended to int16, vpmaddwd with the 4
 * query levels, pairs summed at the end; exact)
 * with every lane stored instead of the block's minimum. The AVX-512 table without VNNI
 * uses it too. */
#include <immintrin.h>

#include "kern_impl.h"
#include "q8_even_avx2.h"

int32_t ig_kern_q8_lanes_avx2(const int8_t *codes, uint32_t groups, const int32_t *norm,
                              const uint8_t *qx, int32_t c, uint32_t nb, int32_t *out)
{
    __m256i mn = _mm256_set1_epi32(INT32_MAX);
    uint8_t h[IG_Q8_MAXDIM];
    if (groups * 4 <= IG_Q8_MAXDIM && q8_halves(qx, groups, h)) {   /* even levels: q8_even_avx2.h */
        const __m256i vc = _mm256_set1_epi32(c);
        for (uint32_t b = 0; b < nb; b++) {
            __m256i lo, hi;
            q8_dots_half(codes + IG_Q8_AT(b, groups, 0, 0, 0), groups, h, &lo, &hi);
            const int32_t *nm = norm + (size_t)b * IG_VSET_BLOCK;
            lo = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)nm)),
                                  _mm256_slli_epi32(lo, 2));
            hi = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)(nm + 8))),
                                  _mm256_slli_epi32(hi, 2));
            _mm256_storeu_si256((__m256i *)(out + (size_t)b * IG_VSET_BLOCK), lo);
            _mm256_storeu_si256((__m256i *)(out + (size_t)b * IG_VSET_BLOCK + 8), hi);
            mn = _mm256_min_epi32(mn, _mm256_min_epi32(lo, hi));
        }
    } else {
        const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
        const __m256i vc = _mm256_set1_epi32(c);
        for (uint32_t b = 0; b < nb; b++) {
            const int8_t *p = codes + IG_Q8_AT(b, groups, 0, 0, 0);
            __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
            for (uint32_t g = 0; g < groups; g++, p += 64) {
                uint32_t q4;
                __builtin_memcpy(&q4, qx + g * 4, 4);
                __m256i qp = _mm256_set1_epi64x((long long)_pdep_u64(q4, 0x00ff00ff00ff00ffull));
                const __m128i *v = (const __m128i *)p;
                a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v)), qp));
                a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v + 1)), qp));
                a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v + 2)), qp));
                a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(v + 3)), qp));
            }
            __m256i lo = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(a0, a1), order);
            __m256i hi = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(a2, a3), order);
            const int32_t *nm = norm + (size_t)b * IG_VSET_BLOCK;
            lo = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)nm)),
                                  _mm256_add_epi32(lo, lo));
            hi = _mm256_sub_epi32(_mm256_add_epi32(vc, _mm256_loadu_si256((const __m256i *)(nm + 8))),
                                  _mm256_add_epi32(hi, hi));
            _mm256_storeu_si256((__m256i *)(out + (size_t)b * IG_VSET_BLOCK), lo);
            _mm256_storeu_si256((__m256i *)(out + (size_t)b * IG_VSET_BLOCK + 8), hi);
            mn = _mm256_min_epi32(mn, _mm256_min_epi32(lo, hi));
        }
    }
    __m128i t = _mm_min_epi32(_mm256_castsi256_si128(mn), _mm256_extracti128_si256(mn, 1));
    t = _mm_min_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(1, 0, 3, 2)));
    t = _mm_min_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(t);
}
