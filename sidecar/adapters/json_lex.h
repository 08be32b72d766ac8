/* Private to the JSON parser: one pass that validates a JSON number and converts it.
 * Shared by json_parse.c (numeric arrays are decoded while they are validated) and
 * json_num.c (getters, f64 arrays). Fast path (Clinger): <= 19 significant digits give
 * an exact uint64 mantissa m; when m <= 2^53 and 10^|e| is exact in a double (|e| <= 22),
 * m * 10^e or m / 10^e is the correctly rounded double. Rounding that double to float is
 * then correct unless it lies exactly on a float midpoint (a decimal just off the
 * midpoint can round onto it). Mantissas above 2^53 (Python's 17-digit doubles) and big
 * exponents go to the exact Eisel-Lemire conversion of dec2bin.h; what it cannot decide
 * (near-ties, subnormals, more than 19 digits) goes to strtof_l / strtod_l in the C locale. */
#ifndef IG_ADAPTERS_JSON_LEX_H
#define IG_ADAPTERS_JSON_LEX_H

#include <inferguard/base.h>
#include <string.h>

#include "adapters/dec2bin.h"

struct ig_json_num {
    uint64_t m;        /* significant digits (at most 19) */
    int64_t  e;        /* decimal exponent applied to m */
    bool     neg, exact, integer;
};

/* strtof_l / strtod_l in the C locale; <p> must be followed by a non-number byte. */
float  ig_json_slow_f32(const char *p);
double ig_json_slow_f64(const char *p);

static inline bool ig_json_is_8digits(uint64_t v)
{
    return (((v & 0xF0F0F0F0F0F0F0F0ull) |
             (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) == 0x3333333333333333ull);
}

/* Eight ASCII digits (little-endian load) to their value. */
static inline uint32_t ig_json_8digits(uint64_t v)
{
    v -= 0x3030303030303030ull;
    v = (v * 10) + (v >> 8);   /* pairs */
    v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
    return (uint32_t)v;
}

/* Validates the JSON number at p (never reading at or past <end>) and splits it.
 * Returns the end of the number, or NULL when it is not a valid JSON number. */
static inline const uint8_t *ig_json_lex(const uint8_t *p, const uint8_t *end, struct ig_json_num *o)
{
    uint64_t m = 0;
    int64_t e = 0;
    int nd = 0;
    bool exact = true, integer = true, neg = false;
    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    if (unlikely(p >= end))
        return NULL;
    if (*p == '0') {
        p++;
    } else if ((unsigned)(*p - '1') < 9) {
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (likely(nd < 19)) {
                m = m * 10 + (unsigned)(*p - '0');
                nd++;
            } else {
                e++;
                exact = false;
            }
            p++;
        }
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        p++;
        const uint8_t *fs = p;
        if (m == 0)
            while (p < end && *p == '0') {
                p++;
                e--;
            }
        while (nd <= 11 && end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            if (!ig_json_is_8digits(v))
                break;
            m = m * 100000000u + ig_json_8digits(v);
            nd += 8;
            e -= 8;
            p += 8;
        }
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (likely(nd < 19)) {
                m = m * 10 + (unsigned)(*p - '0');
                nd++;
                e--;
            } else {
                exact = false;
            }
            p++;
        }
        if (unlikely(p == fs))
            return NULL;
        integer = false;
    }
    if (p < end && (*p | 0x20) == 'e') {
        p++;
        bool eneg = false;
        if (p < end && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (unlikely(p >= end || (unsigned)(*p - '0') >= 10))
            return NULL;
        int64_t x = 0;
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (x < 100000)
                x = x * 10 + (*p - '0');
            else
                exact = false;
            p++;
        }
        e += eneg ? -x : x;
        integer = false;
    }
    *o = (struct ig_json_num){ .m = m, .e = e, .neg = neg, .exact = exact, .integer = integer };
    return p;
}

static const double ig_json_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Exact double of m * 10^e when the fast path applies. */
static inline bool ig_json_fast_double(uint64_t m, int64_t e, double *out)
{
    static const uint64_t p10[16] = {
        1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
        10000000000000ull, 100000000000000ull, 1000000000000000ull,
    };
    if (m > (1ull << 53))
        return false;
    if (e >= -22 && e <= 22) {
        double d = (double)m;
        *out = e < 0 ? d / ig_json_pow10[-e] : d * ig_json_pow10[e];
        return true;
    }
    /* 1234e25 = 1234000 * 10^22 while the integer stays exact */
    if (e > 22 && e <= 22 + 15 && m <= (1ull << 53) / p10[e - 22]) {
        *out = (double)(m * p10[e - 22]) * 1e22;
        return true;
    }
    return false;
}

/* 10^-k rounded to double (the compiler rounds decimal literals correctly). */
static const double ig_json_inv10[23] = {
    1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11,
    1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22,
};

/* -f when <neg>, by the sign bit alone: the same bits as -f, and no branch on a sign that
 * tensors flip at random. */
static inline float ig_json_neg_if(float f, bool neg)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u ^= (uint32_t)neg << 31;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Float of a lexed number whose text starts at <text>; false = take the slow path. */
static inline bool ig_json_fast_f32(const struct ig_json_num *n, float *out)
{
    if (likely(n->exact)) {
        if (n->m == 0) {
            *out = n->neg ? -0.0f : 0.0f;
            return true;
        }
        double d;
        /* Fractions without a division: m * 10^-k as doubles is within 2 double ulps of
         * the exact quotient x (two roundings of 2^-53 each). Rounding it to float gives
         * round(x) unless a float midpoint lies between them, i.e. unless the 29 bits
         * below the float mantissa are within 2 of the midpoint pattern 0x10000000 (a
         * midpoint is never that close to a binade edge); then the division below decides. */
        if (likely(n->e < 0 && n->e >= -22 && n->m <= (1ull << 53))) {
            d = (double)n->m * ig_json_inv10[-n->e];
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            if (likely((uint32_t)((bits & 0x1fffffffu) - 0x10000000u + 3u) > 6u)) {
                *out = ig_json_neg_if((float)d, n->neg);
                return true;
            }
        }
        if (likely(ig_json_fast_double(n->m, n->e, &d))) {
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            /* |d| is within 1e-22 .. 1e38: a normal float, whose midpoints have exactly
             * the 29th bit below the float mantissa set. */
            if (likely((bits & 0x1fffffffull) != 0x10000000ull)) {
                *out = ig_json_neg_if((float)d, n->neg);
                return true;
            }
        }
        uint64_t bits;
        if (ig_dec2bin(n->m, n->e, 23, 127, &bits)) {
            uint32_t u = (uint32_t)bits | (uint32_t)n->neg << 31;
            memcpy(out, &u, sizeof u);
            return true;
        }
    }
    return false;
}

/* ---- numbers of numeric arrays, the hot path: no bounds checks ----
 * ig_json_lex_f32_padded reads at most IG_JSON_PAD bytes from p, so the caller checks that
 * many are there. It takes the common shapes (-?digits(.digits)?([eE][+-]?digits)? with an
 * integer part of at most 7 digits, a fraction of at most 24 (leading zeros counted), at
 * most 19 significant digits in all, and an exponent of at most 3 digits) and converts
 * through the same fast paths (ig_json_fast_f32); anything else returns NULL and the caller
 * runs ig_json_lex from the same place (which also reports what is malformed). */
#define IG_JSON_PAD 64

static const uint64_t ig_json_p10u[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
    1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
    1000000000000000000ull, 10000000000000000000ull,
};

/* Leading ASCII digits of the 8 bytes at p (little-endian load): how many (0..8), and in
 * *val their value. A byte b is a digit iff b ^ '0' < 10; adding 0x76 sets bit 7 of
 * every other byte; carries only leave bytes already found not to be digits. */
static inline int ig_json_digits8(const uint8_t *p, uint32_t *val)
{
    uint64_t v;
    memcpy(&v, p, 8);
    uint64_t x = v ^ 0x3030303030303030ull;
    uint64_t nd = ((x + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
    int n = nd ? __builtin_ctzll(nd) >> 3 : 8;
    if (n == 0) {
        *val = 0;
        return 0;
    }
    x <<= 8 * (8 - n);                        /* the n digits in the top bytes, zeros below */
    x = (x * 10) + (x >> 8);                  /* pairs */
    x = (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
    *val = (uint32_t)x;
    return n;
}

static inline __attribute__((always_inline)) const uint8_t *ig_json_lex_f32_padded(const uint8_t *p, float *out, bool *integer)
{
    bool neg = *p == '-';
    p += neg;
    uint64_t m;
    int64_t e = 0;
    uint32_t val;
    if ((unsigned)(p[0] - '0') < 10 && p[1] == '.') {   /* one digit before the point */
        /* d.f with 1..7 fraction digits and no exponent (fixed-point and most float32
         * texts): straight to the conversion, none of the general shape's bookkeeping */
        int n = ig_json_digits8(p + 2, &val);
        if (likely(n - 1u < 7u && (p[2 + n] | 0x20) != 'e')) {
            uint64_t bits;
            double d = (double)((unsigned)(p[0] - '0') * (uint32_t)ig_json_p10u[n] + val) * ig_json_inv10[n];
            memcpy(&bits, &d, sizeof bits);
            /* the midpoint test of ig_json_fast_f32 */
            if (likely((uint32_t)((bits & 0x1fffffffu) - 0x10000000u + 3u) > 6u)) {
                *out = ig_json_neg_if((float)d, neg);
                *integer = false;
                return p + 2 + n;
            }
        }
        m = (unsigned)(p[0] - '0');
        p++;
    } else if (*p == '0') {
        p++;
        m = 0;
    } else {
        int nd = ig_json_digits8(p, &val);
        if (unlikely(nd == 0 || nd == 8))     /* not a number, or a long integer part */
            return NULL;
        m = val;
        p += nd;
    }
    bool intg = true;
    if ((*p | 0x20) != 'e' && *p != '.') {
        /* a whole number of at most 7 digits (pixel values, counts, flags): exact in a
         * float, no conversion through a double */
        *out = ig_json_neg_if((float)(uint32_t)m, neg);
        return p;
    }
    if (*p == '.') {
        /* Blocks of 8 digits; leading zeros of a fraction are taken as digits (they add
         * nothing to m). Python's repr of a double has up to 17 significant digits after
         * up to 4 leading zeros ("0.00023610916105099022"): three blocks take them. */
        p++;
        int n = ig_json_digits8(p, &val);
        if (unlikely(n == 0))
            return NULL;                      /* "1." */
        m = m * ig_json_p10u[n] + val;        /* m < 10^7 before: at most 15 digits */
        e -= n;
        p += n;
        /* (a digit test first: "%.9g" fractions of 8 digits end here on one byte test) */
        for (int block = 1; n == 8 && (unsigned)(*p - '0') < 10; block++) {
            n = ig_json_digits8(p, &val);
            /* past 19 significant digits or 24 fraction digits: the general path rounds */
            if (unlikely(block == 3 || m >= ig_json_p10u[19 - n]))
                return NULL;
            m = m * ig_json_p10u[n] + val;
            e -= n;
            p += n;
        }
        intg = false;
    }
    if ((*p | 0x20) == 'e') {
        p++;
        bool eneg = *p == '-';
        p += (*p == '-' || *p == '+');
        int n = ig_json_digits8(p, &val);
        if (unlikely(n == 0 || n > 3))
            return NULL;
        e += eneg ? -(int64_t)val : (int64_t)val;
        p += n;
        intg = false;
    }
    struct ig_json_num num = { .m = m, .e = e, .neg = neg, .exact = true, .integer = intg };
    if (unlikely(!ig_json_fast_f32(&num, out)))
        return NULL;
    *integer &= intg;
    return p;
}

static inline bool ig_json_fast_f64(const struct ig_json_num *n, double *out)
{
    if (likely(n->exact)) {
        if (n->m == 0) {
            *out = n->neg ? -0.0 : 0.0;
            return true;
        }
        double d;
        if (likely(ig_json_fast_double(n->m, n->e, &d))) {
            *out = n->neg ? -d : d;
            return true;
        }
        uint64_t bits;
        if (ig_dec2bin(n->m, n->e, 52, 1023, &bits)) {
            bits |= (uint64_t)n->neg << 63;
            memcpy(out, &bits, sizeof bits);
            return true;
        }
    }
    return false;
}

#endif
