/* AVX-512 word-start scan (words.h): a 64-bit mask of separators per 64 bytes; a start is a
 * non-separator whose previous byte is one (or the text's first byte). Compiled with
 * -mavx512bw (CMake, by file suffix); called only when the CPU has it. */
#include <immintrin.h>

#include "words.h"

size_t ig_text_word_starts_avx512(const uint8_t *t, size_t n, size_t *at, size_t max)
{
    size_t k = 0;
    uint64_t carry = 1;   /* "the byte before is a separator" for the first byte */
    for (size_t o = 0; o < n && k < max; o += 64) {
        __mmask64 valid = n - o >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - o)) - 1);
        __m512i x = _mm512_maskz_loadu_epi8(valid, t + o);
        uint64_t sep = (_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(' ')) |
                        _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\n'))) & valid;
        uint64_t st = ~sep & valid & ((sep << 1) | carry);
        carry = sep >> 63;
        while (st && k < max) {
            at[k++] = o + (size_t)__builtin_ctzll(st);
            st &= st - 1;
        }
    }
    return k;
}
