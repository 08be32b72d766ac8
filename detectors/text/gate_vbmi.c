/* AVX-512 VBMI + GFNI gate check (gate.h). Per 64 bytes: vpermi2b maps each byte to its
 * 8 class bits (bytes >= 128 share one entry); a vpermb reversing each qword and
 * vgf2p8affineqb transpose every 8x8 bit block, so byte c of qword q holds class c's bits
 * for positions 8q..8q+7; a second vpermb gathers them into qword c = the 64-bit position
 * mask of class c. Each pattern (a qword lane) then ANDs its atoms' masks, fetched by
 * vpermt2q and shifted by the atom's offset, with the next chunk's masks carried in.
 * Compiled with -mavx512vbmi -mgfni (CMake, by file suffix); called only when the CPU
 * has both. */
#include <immintrin.h>

#include "gate.h"

static inline __m512i masks(__m512i lo, __m512i hi, __m512i high, const uint8_t *t, size_t n,
                            size_t o)
{
    if (o >= n)
        return _mm512_setzero_si512();
    __mmask64 k = n - o >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - o)) - 1);
    __m512i x = _mm512_maskz_loadu_epi8(k, t + o);
    __m512i cls = _mm512_permutex2var_epi8(lo, x, hi);
    cls = _mm512_mask_mov_epi8(cls, _mm512_movepi8_mask(x), high);
    cls = _mm512_maskz_mov_epi8(k, cls);   /* past the end: no class */
    const __m512i rev = _mm512_set_epi8(
        56, 57, 58, 59, 60, 61, 62, 63, 48, 49, 50, 51, 52, 53, 54, 55, 40, 41, 42, 43, 44, 45, 46,
        47, 32, 33, 34, 35, 36, 37, 38, 39, 24, 25, 26, 27, 28, 29, 30, 31, 16, 17, 18, 19, 20, 21,
        22, 23, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    const __m512i bits = _mm512_set1_epi64(0x8040201008040201ll);
    /* byte c of qword q: bit i = class c's bit of byte 8q + i */
    __m512i tr = _mm512_gf2p8affine_epi64_epi8(bits, _mm512_permutexvar_epi8(rev, cls), 0);
    const __m512i gather = _mm512_set_epi8(
        63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5,
        60, 52, 44, 36, 28, 20, 12, 4, 59, 51, 43, 35, 27, 19, 11, 3, 58, 50, 42, 34, 26, 18, 10, 2,
        57, 49, 41, 33, 25, 17, 9, 1, 56, 48, 40, 32, 24, 16, 8, 0);
    return _mm512_permutexvar_epi8(gather, tr);
}

bool ig_gate_vbmi(const struct ig_gate *g, const uint8_t *t, size_t n)
{
    if (!g->npat || !n)
        return false;
    const __m512i lo = _mm512_loadu_si512(g->tbl), hi = _mm512_loadu_si512(g->tbl + 64);
    const __m512i high = _mm512_set1_epi8((char)g->tbl[128]);
    /* table entries 8..15 of vpermt2q: 8 always true, 9 never */
    const __m512i fixed = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, -1);
    __m512i idx[IG_GATE_ATOMS];
    for (int j = 0; j < IG_GATE_ATOMS; j++)
        idx[j] = _mm512_loadu_si512(g->idx[j]);
    __m512i pm = masks(lo, hi, high, t, n, 0);
    for (size_t o = 64;; o += 64) {
        __m512i cm = masks(lo, hi, high, t, n, o);
        __m512i h = _mm512_permutex2var_epi64(pm, idx[0], fixed);
#define STEP(j)                                                                              \
        h = _mm512_and_si512(h, _mm512_or_si512(                                             \
                _mm512_srli_epi64(_mm512_permutex2var_epi64(pm, idx[j], fixed), j),          \
                _mm512_slli_epi64(_mm512_permutex2var_epi64(cm, idx[j], fixed), 64 - (j))))
        STEP(1); STEP(2); STEP(3); STEP(4); STEP(5); STEP(6); STEP(7);
#undef STEP
        if (_mm512_test_epi64_mask(h, h))
            return true;
        if (o >= n)
            return false;
        pm = cm;
    }
}
