/* Longest run of a repeated word (runs.h). */
#include "runs.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int is_word(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int tok_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((a[i] | 0x20) != (b[i] | 0x20) || (is_word(a[i]) != is_word(b[i])))
            return 0;
    return 1;
}

static inline uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* One word [s, e) after the ones before it (the reference loop's step). */
static void word(const uint8_t *t, size_t s, size_t e, struct ig_text_run *cur,
                 struct ig_text_run *best)
{
    if (cur->count && cur->tok_n == e - s && tok_eq(t + cur->tok_at, t + s, e - s)) {
        cur->count++;
        cur->end = e;
    } else {
        *cur = (struct ig_text_run){ 1, s, e, s, e - s };
    }
    if (cur->count > best->count)
        *best = *cur;
}

struct ig_text_run ig_text_longest_run_scalar(const uint8_t *t, size_t n)
{
    struct ig_text_run best = { 0 }, cur = { 0 };
    size_t i = 0;
    while (i < n) {
        while (i < n && !is_word(t[i]))
            i++;
        size_t s = i;
        while (i < n && is_word(t[i]))
            i++;
        if (i == s)
            break;
        word(t, s, i, &cur, &best);
    }
    return best;
}

/* bit i: is_word(p[i]), for the 64 bytes at p */
static inline uint64_t word_mask64(const uint8_t *p)
{
#if defined(__SSE2__)
    const __m128i lo_l = _mm_set1_epi8('a'), hi_l = _mm_set1_epi8('z');
    const __m128i lo_d = _mm_set1_epi8('0'), hi_d = _mm_set1_epi8('9');
    const __m128i high = _mm_set1_epi8((char)0x80), fold = _mm_set1_epi8(0x20);
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k)), l = _mm_or_si128(x, fold);
        /* x in [lo, hi] unsigned: max(x, lo) == x and min(x, hi) == x */
        __m128i let = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(l, lo_l), l),
                                    _mm_cmpeq_epi8(_mm_min_epu8(l, hi_l), l));
        __m128i dig = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, lo_d), x),
                                    _mm_cmpeq_epi8(_mm_min_epu8(x, hi_d), x));
        __m128i hib = _mm_cmpeq_epi8(_mm_max_epu8(x, high), x);
        uint32_t b = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(let, dig), hib));
        m |= (uint64_t)b << (16 * k);
    }
    return m;
#else
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        m |= (uint64_t)is_word(p[i]) << i;
    return m;
#endif
}

/* The run state of ig_text_longest_run in locals (a struct behind a pointer made every word
 * wait on the stores of the one before). */
struct runst {
    uint32_t count;
    size_t start, tok_at, tok_n;
};

static inline void word_fast(const uint8_t *t, size_t n, size_t s, size_t e, struct runst *c,
                             struct ig_text_run *best)
{
    size_t len = e - s;
    int same;
    if (len <= 8 && s + 8 <= n) {
        /* both words hold word bytes only, so tok_eq is (a | 0x20) == (b | 0x20) byte by
         * byte: one compare of 8 bytes (the earlier word starts before s: in bounds) and
         * no loop whose exit depends on the text */
        uint64_t x = (ld64(t + c->tok_at) ^ ld64(t + s)) & 0xdfdfdfdfdfdfdfdfull;
        uint64_t keep = len == 8 ? ~0ull : (1ull << (8 * len)) - 1;
        same = (c->count != 0) & (c->tok_n == len) & ((x & keep) == 0);
    } else {
        same = c->count && c->tok_n == len && tok_eq(t + c->tok_at, t + s, len);
    }
    if (same) {
        c->count++;
    } else {
        c->count = 1;
        c->start = c->tok_at = s;
        c->tok_n = len;
    }
    if (c->count > best->count)
        *best = (struct ig_text_run){ c->count, c->start, e, c->tok_at, c->tok_n };
}

struct ig_text_run ig_text_longest_run(const uint8_t *t, size_t n)
{
    /* The words' starts and ends from masks of 64 bytes: one compare per 16 bytes instead
     * of two branches per byte; the k-th start of a block pairs with its k-th end (or the
     * next block's first, for a word across the boundary). */
    struct ig_text_run best = { 0 };
    struct runst c = { 0 };
    uint64_t carry = 0;                  /* the byte before this block is a word byte */
    size_t s = 0;
    for (size_t b = 0; b < n; b += 64) {
        uint64_t m;
        if (n - b >= 64) {
            m = word_mask64(t + b);
        } else {
            uint8_t tail[64] = { 0 };    /* 0 is not a word byte */
            memcpy(tail, t + b, n - b);
            m = word_mask64(tail);
        }
        uint64_t prev = (m << 1) | carry;
        uint64_t starts = m & ~prev, ends = ~m & prev;
        if (carry) {                     /* the word open since an earlier block */
            if (!ends) {
                carry = m >> 63;
                continue;
            }
            word_fast(t, n, s, b + (size_t)__builtin_ctzll(ends), &c, &best);
            ends &= ends - 1;
        }
        carry = m >> 63;
        while (starts) {
            s = b + (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            if (!ends)
                break;                   /* open at the block's end: carry is set */
            word_fast(t, n, s, b + (size_t)__builtin_ctzll(ends), &c, &best);
            ends &= ends - 1;
        }
    }
    if (carry)                           /* a word running to the end */
        word_fast(t, n, s, n, &c, &best);
    return best;
}
