/* AVX-512 VBMI2 path of the normaliser for ASCII text (normalise.h): 64 bytes at a time,
 * the per-byte rules of put_ascii as range compares (lower case, punctuation to a space,
 * apostrophes dropped, whitespace to a space), then two vpcompressb: one drops the removed
 * bytes, one the spaces that follow a space. Byte-identical to the scalar pass (tests);
 * compiled with -mavx512vbmi2 (CMake, by file suffix), called only when the CPU has it. */
#include <immintrin.h>

#include "normalise.h"

static inline __mmask64 in_range(__m512i x, uint8_t lo, uint8_t hi)
{
    return _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8((char)lo)),
                                  _mm512_set1_epi8((char)(hi - lo)));
}

size_t ig_norm_ascii_vbmi2(const uint8_t *in, size_t n, uint8_t *out, size_t *o, bool *space,
                           unsigned flags)
{
    size_t i = 0;
    const __m512i sp = _mm512_set1_epi8(' ');
    while (i < n) {
        size_t left = n - i;
        __mmask64 valid = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        __m512i x = _mm512_maskz_loadu_epi8(valid, in + i);
        __mmask64 high = _mm512_movepi8_mask(x) & valid;
        if (flags & IG_NORM_NL)   /* line breaks too: the scalar pass keeps them apart */
            high |= (_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\n')) |
                     _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\r'))) & valid;
        if (high) {
            /* stop before the first non-ASCII byte: the scalar pass decodes it */
            valid &= (high & (~high + 1)) - 1;   /* the bits below the lowest one */
            if (!valid)
                break;
            left = (size_t)__builtin_popcountll(valid);
        }
        __mmask64 keep = valid;
        if (flags & IG_NORM_LOWER)
            x = _mm512_mask_add_epi8(x, in_range(x, 'A', 'Z'), x, _mm512_set1_epi8(32));
        if (flags & IG_NORM_PUNCT) {
            __mmask64 drop = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\'')) |
                             _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('`'));
            __mmask64 punct = in_range(x, 0x21, 0x2f) | in_range(x, 0x3a, 0x40) |
                              in_range(x, 0x5b, 0x60) | in_range(x, 0x7b, 0x7e);
            x = _mm512_mask_mov_epi8(x, punct & ~drop, sp);
            keep &= ~drop;
        }
        uint32_t m = (uint32_t)__builtin_popcountll(keep);
        __m512i c = _mm512_maskz_compress_epi8(keep, x);
        if ((flags & IG_NORM_WS) && m) {
            __mmask64 vm = m == 64 ? ~(__mmask64)0 : (((__mmask64)1 << m) - 1);
            __mmask64 ws = (_mm512_cmpeq_epi8_mask(c, sp) | in_range(c, '\t', '\r')) & vm;
            c = _mm512_mask_mov_epi8(c, ws, sp);
            __mmask64 after = (ws << 1) | (__mmask64)*space;
            __mmask64 k2 = vm & ~(ws & after);
            *space = (ws >> (m - 1)) & 1;
            c = _mm512_maskz_compress_epi8(k2, c);
            m = (uint32_t)__builtin_popcountll(k2);
        }
        _mm512_mask_storeu_epi8(out + *o, m == 64 ? ~(__mmask64)0 : (((__mmask64)1 << m) - 1), c);
        *o += m;
        i += left >= 64 ? 64 : left;
    }
    return i;
}
