/* Private to the JSON parser: one pass that validates a JSON number and converts it.
 * Shared by json_parse.c (numeric arrays are decoded while they are validated) and
 * json_num.c (getters, f64 arrays). Fast path (Clinger): <= 19 significant digits give
 * an exact uint64 mantissa m; when m <= 2^53 and 10^|e| is exact in a double (|e| <= 22),
 * m * 10^e or m / 10^e is the correctly rounded double. Rounding that double to float is
 * then correct unless it lies exactly on a float midpoint (a decimal just off the
 * midpoint can round onto it), so that case, long mantissas and big exponents go to
 * strtof_l / strtod_l in the C locale. */
#ifndef IG_ADAPTERS_JSON_LEX_H
#define IG_ADAPTERS_JSON_LEX_H

#include <inferguard/base.h>
#include <string.h>

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

/* Float of a lexed number whose text starts at <text>; false = take the slow path. */
static inline bool ig_json_fast_f32(const struct ig_json_num *n, float *out)
{
    if (likely(n->exact)) {
        if (n->m == 0) {
            *out = n->neg ? -0.0f : 0.0f;
            return true;
        }
        double d;
        if (likely(ig_json_fast_double(n->m, n->e, &d))) {
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            /* |d| is within 1e-22 .. 1e38: a normal float, whose midpoints have exactly
             * the 29th bit below the float mantissa set. */
            if (likely((bits & 0x1fffffffull) != 0x10000000ull)) {
                float f = (float)d;
                *out = n->neg ? -f : f;
                return true;
            }
        }
    }
    return false;
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
    }
    return false;
}

#endif
