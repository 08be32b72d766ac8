/* Shortest round-trip formatting of a float32, without printf (the event writer's hot path).
 *
 * The digits are those of the Schubfach method (R. Giulietti, "The Schubfach way to render
 * doubles", 2020), specialised to binary32: v = c * 2^q is scaled by 10^-k with one 64x64-bit
 * multiplication by a table entry g(k) ~ 10^-k * 2^(63 - floor(-k log2 10)), rounded to odd, so
 * the rounding interval of v (the decimals that read back to v under round-half-even) is known
 * exactly at the scale of the last digit. Among the decimals in that interval the shortest is
 * chosen, and among those the closest to v (ties to even): the same digits as the smallest of
 * %.6g .. %.9g that reads back, except that subnormals may get fewer than six digits.
 * The layout is %g's with precision max(6, digits): scientific when the decimal exponent is
 * below -4 or at least that precision, so normal floats print byte for byte as before. */
#include "core/fmt_float.h"
#include "core/digits.h"

#include <string.h>

#define K_MIN (-45)
#define K_MAX 31

/* g(k) = floor(10^-k * 2^(63 - flog2pow10(-k))) + 1 for k in [K_MIN, K_MAX]: in (2^63, 2^64).
 * Generated with exact rational arithmetic; tests/unit/test_fmt_float.c recomputes every entry. */
static const uint64_t G[K_MAX - K_MIN + 1] = {
    0xb35dbf821ae4f38cull, 0x8f7e32ce7bea5c70ull, 0xe596b7b0c643c71aull,
    0xb7abc627050305aeull, 0x92efd1b8d0cf37bfull, 0xeb194f8e1ae525feull,
    0xbc143fa4e250eb32ull, 0x96769950b50d88f5ull, 0xf0bdc21abb48db21ull,
    0xc097ce7bc90715b4ull, 0x9a130b963a6c115dull, 0xf684df56c3e01bc7ull,
    0xc5371912364ce306ull, 0x9dc5ada82b70b59eull, 0xfc6f7c4045812297ull,
    0xc9f2c9cd04674edfull, 0xa18f07d736b90be6ull, 0x813f3978f8940985ull,
    0xcecb8f27f4200f3bull, 0xa56fa5b99019a5c9ull, 0x84595161401484a1ull,
    0xd3c21bcecceda101ull, 0xa968163f0a57b401ull, 0x878678326eac9001ull,
    0xd8d726b7177a8001ull, 0xad78ebc5ac620001ull, 0x8ac7230489e80001ull,
    0xde0b6b3a76400001ull, 0xb1a2bc2ec5000001ull, 0x8e1bc9bf04000001ull,
    0xe35fa931a0000001ull, 0xb5e620f480000001ull, 0x9184e72a00000001ull,
    0xe8d4a51000000001ull, 0xba43b74000000001ull, 0x9502f90000000001ull,
    0xee6b280000000001ull, 0xbebc200000000001ull, 0x9896800000000001ull,
    0xf424000000000001ull, 0xc350000000000001ull, 0x9c40000000000001ull,
    0xfa00000000000001ull, 0xc800000000000001ull, 0xa000000000000001ull,
    0x8000000000000001ull, 0xcccccccccccccccdull, 0xa3d70a3d70a3d70bull,
    0x83126e978d4fdf3cull, 0xd1b71758e219652cull, 0xa7c5ac471b478424ull,
    0x8637bd05af6c69b6ull, 0xd6bf94d5e57a42bdull, 0xabcc77118461cefdull,
    0x89705f4136b4a598ull, 0xdbe6fecebdedd5bfull, 0xafebff0bcb24aaffull,
    0x8cbccc096f5088ccull, 0xe12e13424bb40e14ull, 0xb424dc35095cd810ull,
    0x901d7cf73ab0acdaull, 0xe69594bec44de15cull, 0xb877aa3236a4b44aull,
    0x9392ee8e921d5d08ull, 0xec1e4a7db69561a6ull, 0xbce5086492111aebull,
    0x971da05074da7befull, 0xf1c90080baf72cb2ull, 0xc16d9a0095928a28ull,
    0x9abe14cd44753b53ull, 0xf79687aed3eec552ull, 0xc612062576589ddbull,
    0x9e74d1b791e07e49ull, 0xfd87b5f28300ca0eull, 0xcad2f7f5359a3b3full,
    0xa2425ff75e14fc32ull, 0x81ceb32c4b43fcf5ull,
};

uint64_t ig_fmt_f32_g(int k) { return G[k - K_MIN]; }

/* floor(log10 2^q), floor(log10 (3/4 2^q)) and floor(log2 10^e) by fixed-point
 * multiplication: exact over the ranges used here (the unit test checks every value). */
int ig_flog10pow2(int q)   { return (int)(((int64_t)q * 661971961083LL) >> 41); }
int ig_flog10tqpow2(int q) { return (int)(((int64_t)q * 661971961083LL - 274743187321LL) >> 41); }
int ig_flog2pow10(int e)   { return (int)(((int64_t)e * 913124641741LL) >> 38); }

/* Round to odd of (g * cp) / 2^95 from the high word only: g's excess over the exact scale is
 * below one unit of cp, so it never reaches the high word's sticky bits when the exact
 * product is an integer at that scale. */
static inline uint32_t rop(uint64_t g, uint64_t cp)
{
    unsigned __int128 p = (unsigned __int128)g * cp;
    uint64_t hi = (uint64_t)(p >> 64);
    return (uint32_t)(hi >> 31) | (uint32_t)((hi & 0x7fffffffu) != 0);
}

typedef unsigned __int128 u128;

static inline void store16(char *o, u128 v) { memcpy(o, &v, 16); }

/* The decimal d * 10^k (d > 0) in %g's layout with precision max(6, digits). The digits
 * stay in registers (16 characters, '0'-padded, first digit in the lowest byte) and are
 * written with fixed-size stores past the text's end (out holds IG_FMT_F32_MAX bytes):
 * no loops over digits, no divisions but by constants, no reloads of narrower stores. */
static inline __attribute__((always_inline)) size_t layout(char *out, uint32_t d, int k)
{
    uint32_t hi = d / 100000000u, lo = d % 100000000u;   /* hi < 43 */
    uint64_t r = ig_digits8(lo);
    u128 D;                                  /* the n significant digits, then '0's */
    int n;
    if (hi == 0) {                           /* lo = d > 0: r has a non-zero digit */
        int lz = __builtin_ctzll(r) >> 3, tz = __builtin_clzll(r) >> 3;
        n = 8 - lz - tz;
        k += tz;
        D = (u128)((r >> (8 * lz)) | IG_DIGIT_ZEROS) | (u128)IG_DIGIT_ZEROS << 64;
    } else {
        int hn = hi >= 10 ? 2 : 1, tz;
        uint64_t hc = hn == 2 ? (uint64_t)('0' + hi / 10) | (uint64_t)('0' + hi % 10) << 8
                              : (uint64_t)('0' + hi);
        D = (u128)hc | (u128)(r | IG_DIGIT_ZEROS) << (8 * hn) | (u128)IG_DIGIT_ZEROS << (64 + 8 * hn);
        if (lo) tz = __builtin_clzll(r) >> 3;
        else    tz = 8 + (hn == 2 && hi % 10 == 0);
        n = hn + 8 - tz;
        k += tz;
        /* the trailing zeros are '0' characters in D already */
    }
    int x = k + n - 1;                       /* decimal exponent of the first digit */
    int p = n > 6 ? n : 6;
    char *o = out;
    if (x < -4 || x >= p) {
        o[0] = (char)D;
        o[1] = '.';
        store16(o + 2, D >> 8);
        o += n > 1 ? n + 1 : 1;
        o[0] = 'e';
        o[1] = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        o[2] = (char)('0' + ax / 10);
        o[3] = (char)('0' + ax % 10);
        o += 4;
    } else if (x >= n - 1) {                 /* an integer: digits then zeros (up to 5) */
        store16(o, D);
        o += x + 1;
    } else if (x >= 0) {                     /* d.ddd */
        store16(o, D);
        o[x + 1] = '.';
        store16(o + x + 2, D >> (8 * (x + 1)));
        o += n + 1;
    } else {                                 /* 0.000ddd */
        memcpy(o, "0.000000", 8);
        o += 1 - x;
        store16(o, D);
        o += n;
    }
    return (size_t)(o - out);
}

static inline __attribute__((always_inline)) size_t fmt(char *out, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    out[0] = '-';
    char *o = out + (bits >> 31);            /* no branch: signs of model inputs are random */
    uint32_t t = bits & 0x7fffffu;
    int bq = (int)((bits >> 23) & 0xffu);
    if (bq == 0xff) {                        /* callers write null instead; keep it readable */
        memcpy(o, t ? "nan" : "inf", 3);
        return (size_t)(o - out) + 3;
    }
    if (bq == 0 && t == 0) { *o++ = '0'; return (size_t)(o - out); }
    /* Whole numbers below 10^6 (pixel values, counts, one-hot flags: common model inputs)
     * are their own shortest text, which %g's layout writes in full: their digits
     * directly, without the interval search. Told from the bits: an exponent of 0..19
     * and no fraction bits set. */
    if ((bits & 0x7fffffffu) < 0x49742400u && bq >= 127 && (uint32_t)(t << (bq - 118)) == 0) {
        uint32_t a = (t | 0x800000u) >> (150 - bq);
        uint64_t r = ig_digits8(a);             /* a >= 1: a non-zero digit */
        int lz = __builtin_ctzll(r) >> 3;
        uint64_t txt = (r >> (8 * lz)) | IG_DIGIT_ZEROS;
        memcpy(o, &txt, 8);
        return (size_t)(o - out) + 8 - (size_t)lz;
    }

    uint32_t c;
    int q;
    if (bq != 0) { c = t | 0x800000u; q = bq - 150; }
    else         { c = t;             q = -149; }

    uint32_t out_ = c & 1u;                  /* odd c: the interval's ends read back elsewhere */
    uint64_t cb = (uint64_t)c << 2, cbr = cb + 2, cbl;
    int k;
    if (c != 0x800000u || q == -149) { cbl = cb - 2; k = ig_flog10pow2(q); }
    else                             { cbl = cb - 1; k = ig_flog10tqpow2(q); }   /* 2^n: lower gap halves */
    int h = q + ig_flog2pow10(-k) + 32;
    uint64_t g = G[k - K_MIN];
    uint32_t vb = rop(g, cb << h), vbl = rop(g, cbl << h), vbr = rop(g, cbr << h);

    uint32_t s = vb >> 2, d;
    if (s >= 10) {                           /* one digit fewer: a multiple of 10 in range? */
        uint32_t sp10 = s / 10 * 10, tp10 = sp10 + 10;
        bool upin = vbl + out_ <= sp10 << 2;
        bool wpin = (tp10 << 2) + out_ <= vbr;
        if (upin != wpin) { d = upin ? sp10 : tp10; goto done; }
    }
    {
        uint32_t u = s + 1;
        bool uin = vbl + out_ <= s << 2;
        bool win = (u << 2) + out_ <= vbr;
        if (uin != win) d = uin ? s : u;
        else {
            int64_t cmp = (int64_t)vb - (int64_t)((s + u) << 1);
            d = (cmp < 0 || (cmp == 0 && (s & 1u) == 0)) ? s : u;
        }
    }
done:
    return (size_t)(o - out) + layout(o, d, k);
}

size_t ig_fmt_f32(char out[IG_FMT_F32_MAX], float v) { return fmt(out, v); }

size_t ig_fmt_f32_list(char *out, const float *v, size_t n)
{
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        *o = ',';
        o += i != 0;
        uint32_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        if (likely((bits & 0x7f800000u) != 0x7f800000u)) {
            o += fmt(o, v[i]);
        } else {
            memcpy(o, "null", 4);
            o += 4;
        }
    }
    return (size_t)(o - out);
}
