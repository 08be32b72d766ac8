/* Word starts and word hashes of normalised text (words.h). */
#include "words.h"

#include <inferguard/base.h>
#include <inferguard/cpu.h>

static size_t starts_scalar(const uint8_t *t, size_t n, size_t *at, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        if (t[i] != ' ' && t[i] != '\n' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\n'))
            at[k++] = i;
    return k;
}

size_t ig_text_word_starts(const uint8_t *t, size_t n, size_t *at, size_t max)
{
    if (ig_cpu_level() >= IG_CPU_AVX512)
        return ig_text_word_starts_avx512(t, n, at, max);
    return starts_scalar(t, n, at, max);
}

static inline size_t word_end(const uint8_t *t, size_t n, size_t s)
{
    while (s < n && t[s] != ' ' && t[s] != '\n')
        s++;
    return s;
}

static inline int is_sep(uint8_t c)
{
    return c == ' ' || c == '\n';
}

/* Length of word i: where the next word starts after exactly one separator (normalised
 * text: nearly always), that start less one, with no byte-by-byte search for the end. */
static inline size_t word_len(const uint8_t *t, size_t n, const size_t *at, size_t nw, size_t i)
{
    if (i + 1 < nw && at[i + 1] >= at[i] + 2 && !is_sep(t[at[i + 1] - 2]))
        return at[i + 1] - 1 - at[i];
    return word_end(t, n, at[i]) - at[i];
}


void ig_text_word_hashes(const uint8_t *t, size_t n, const size_t *at, size_t nw, uint64_t *out)
{
    size_t i = 0;
    /* four words at once: FNV is one multiply per byte, a latency chain; four chains
     * overlap (the values are those of one word at a time) */
    for (; i + 4 <= nw; i += 4) {
        const uint8_t *p0 = t + at[i], *p1 = t + at[i + 1], *p2 = t + at[i + 2], *p3 = t + at[i + 3];
        size_t l0 = word_len(t, n, at, nw, i), l1 = word_len(t, n, at, nw, i + 1);
        size_t l2 = word_len(t, n, at, nw, i + 2), l3 = word_len(t, n, at, nw, i + 3);
        uint64_t h0 = IG_FNV1A_BASIS, h1 = IG_FNV1A_BASIS, h2 = IG_FNV1A_BASIS, h3 = IG_FNV1A_BASIS;
        size_t m = l0 < l1 ? l0 : l1;
        m = m < l2 ? m : l2;
        m = m < l3 ? m : l3;
        size_t k = 0;
        for (; k < m; k++) {
            h0 = ig_fnv1a_step(h0, p0[k]);
            h1 = ig_fnv1a_step(h1, p1[k]);
            h2 = ig_fnv1a_step(h2, p2[k]);
            h3 = ig_fnv1a_step(h3, p3[k]);
        }
        for (size_t j = k; j < l0; j++)
            h0 = ig_fnv1a_step(h0, p0[j]);
        for (size_t j = k; j < l1; j++)
            h1 = ig_fnv1a_step(h1, p1[j]);
        for (size_t j = k; j < l2; j++)
            h2 = ig_fnv1a_step(h2, p2[j]);
        for (size_t j = k; j < l3; j++)
            h3 = ig_fnv1a_step(h3, p3[j]);
        out[i] = ig_fnv1a_mix(h0);
        out[i + 1] = ig_fnv1a_mix(h1);
        out[i + 2] = ig_fnv1a_mix(h2);
        out[i + 3] = ig_fnv1a_mix(h3);
    }
    for (; i < nw; i++)
        out[i] = ig_fnv1a_mix(ig_fnv1a(IG_FNV1A_BASIS, t + at[i], word_end(t, n, at[i]) - at[i]));
}
