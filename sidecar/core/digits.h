/* Decimal digits of numbers below 10^8 computed eight at a time, without a loop: the float
 * formatter's (fmt_float.c) and the JSON writer's integers (jsonw.c). */
#ifndef IG_CORE_DIGITS_H
#define IG_CORE_DIGITS_H

#include <stdint.h>
#include <string.h>

/* Two decimal digits as byte values 0..9, the tens in the low byte. */
static const uint16_t IG_DIGIT_PAIRS[100] = {
#define IG_DP_(a) (uint16_t)((a) / 10 | (a) % 10 << 8)
#define IG_DR_(b) IG_DP_(b), IG_DP_(b + 1), IG_DP_(b + 2), IG_DP_(b + 3), IG_DP_(b + 4), \
                  IG_DP_(b + 5), IG_DP_(b + 6), IG_DP_(b + 7), IG_DP_(b + 8), IG_DP_(b + 9)
    IG_DR_(0), IG_DR_(10), IG_DR_(20), IG_DR_(30), IG_DR_(40), IG_DR_(50), IG_DR_(60),
    IG_DR_(70), IG_DR_(80), IG_DR_(90),
#undef IG_DR_
#undef IG_DP_
};

#define IG_DIGIT_ZEROS 0x3030303030303030ull   /* "00000000" */

/* The 8 decimal digits of x < 10^8 as byte values 0..9, the most significant in the lowest
 * byte (so the text's order in memory on a little-endian machine): two divisions by
 * constants, then four independent table reads (a shorter chain of dependent multiplies
 * than splitting the lanes by multiply-and-shift, 4-8 % faster per float). */
static inline uint64_t ig_digits8(uint32_t x)
{
    uint32_t hi = x / 10000u, lo = x % 10000u;
    return (uint64_t)IG_DIGIT_PAIRS[hi / 100u] | (uint64_t)IG_DIGIT_PAIRS[hi % 100u] << 16 |
           (uint64_t)IG_DIGIT_PAIRS[lo / 100u] << 32 | (uint64_t)IG_DIGIT_PAIRS[lo % 100u] << 48;
}

/* The same digits as ig_digits8 by multiply-and-shift in lanes (SWAR): the four 2-digit
 * groups divided by 100 in two 32-bit lanes, then by 10 in four 16-bit lanes, with
 * reciprocals exact over those ranges ((x * 10486) >> 20 = x / 100 for x < 10^4,
 * (x * 103) >> 10 = x / 10 for x < 100; products never carry into the next lane). Fewer
 * instructions than the table's (~25 against ~43 per call); the float formatter keeps the
 * table, whose shorter dependency chain it measured faster. */
static inline uint64_t ig_digits8_swar(uint32_t x)
{
    uint64_t v = (uint64_t)(x / 10000u) | (uint64_t)(x % 10000u) << 32;
    uint64_t h = ((v * 10486u) >> 20) & 0x0000007f0000007full;
    v = h | (v - h * 100u) << 16;
    uint64_t t = ((v * 103u) >> 10) & 0x000f000f000f000full;
    return t | (v - t * 10u) << 8;
}

/* x < 10^8 as text without leading zeros ("0" for 0), stored as 8 bytes at o (room for
 * them needed); returns its length. */
static inline size_t ig_digits_lead8(char *o, uint32_t x)
{
    uint64_t r = ig_digits8_swar(x);
    int lz = r ? __builtin_ctzll(r) >> 3 : 7;
    uint64_t txt = (r >> (8 * lz)) | IG_DIGIT_ZEROS;
    memcpy(o, &txt, 8);
    return 8 - (size_t)lz;
}

/* x < 10^8 as exactly 8 characters, leading zeros kept. */
static inline void ig_digits_full8(char *o, uint32_t x)
{
    uint64_t txt = ig_digits8_swar(x) | IG_DIGIT_ZEROS;
    memcpy(o, &txt, 8);
}

/* v as decimal text at o, with 24 bytes of room (fixed-size stores past the text's end: at
 * most 20 digits); returns its length. At most two 64-bit divisions by 10^8, then eight
 * digits at a time, instead of a division by 100 per two digits. */
static inline size_t ig_digits_u64(char *o, uint64_t v)
{
    if (v < 100000000u)
        return ig_digits_lead8(o, (uint32_t)v);
    uint64_t hi = v / 100000000u;
    uint32_t lo = (uint32_t)(v - hi * 100000000u);
    size_t n;
    if (hi < 100000000u) {
        n = ig_digits_lead8(o, (uint32_t)hi);
    } else {                                       /* hi / 10^8 < 1845 */
        uint64_t top = hi / 100000000u;
        n = ig_digits_lead8(o, (uint32_t)top);
        ig_digits_full8(o + n, (uint32_t)(hi - top * 100000000u));
        n += 8;
    }
    ig_digits_full8(o + n, lo);
    return n + 8;
}

#endif
