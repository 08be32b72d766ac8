/* Number decoding for json.h: float32 bit-identical to glibc strtof, double identical to
 * strtod. Fast path (Clinger): up to 19 significant digits give an exact uint64 mantissa
 * m; when m <= 2^53 and the power of ten is exact in a double (10^0..10^22), m * 10^e or
 * m / 10^e is the correctly rounded double of the text. Rounding that double to float is
 * then correct unless the double sits exactly on a float midpoint (a decimal just off the
 * midpoint may round to it), so that case, long mantissas and big exponents go to
 * strtof_l/strtod_l in the C locale. */
#include "adapters/json.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_tab[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
static const uint64_t pow10_int[16] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull,
};

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* Slow path: the text must be followed by a byte that cannot continue a number. */
static float slow_f32(const char *p)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale ? strtof_l(p, NULL, c_locale) : strtof(p, NULL);
}
static double slow_f64(const char *p)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale ? strtod_l(p, NULL, c_locale) : strtod(p, NULL);
}

/* Splits validated JSON number text at p into sign, mantissa and decimal exponent.
 * Returns the end of the number; *exact is false when digits were lost (> 19
 * significant) or the exponent is huge, i.e. the fast path does not apply. */
static inline const char *split_number(const char *p, bool *neg, uint64_t *mant, int64_t *exp10,
                                       bool *exact)
{
    uint64_t m = 0;
    int64_t e = 0;
    int sig = 0;
    bool ok = true;
    *neg = (*p == '-');
    p += *neg;
    while ((unsigned)(*p - '0') < 10) {
        unsigned dgt = (unsigned)(*p - '0');
        if (m != 0 || dgt != 0) {
            if (sig < 19)
                m = m * 10 + dgt;
            else {
                e++;
                ok = false;
            }
            sig += (m != 0);
        }
        p++;
    }
    if (*p == '.') {
        p++;
        while ((unsigned)(*p - '0') < 10) {
            unsigned dgt = (unsigned)(*p - '0');
            if (m != 0 || dgt != 0) {
                if (sig < 19) {
                    m = m * 10 + dgt;
                    e--;
                } else {
                    ok = false;
                }
                sig += (m != 0);
            } else {
                e--;
            }
            p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = (*p == '-');
        if (*p == '-' || *p == '+')
            p++;
        int64_t x = 0;
        while ((unsigned)(*p - '0') < 10) {
            if (x < 100000)
                x = x * 10 + (*p - '0');
            else
                ok = false;
            p++;
        }
        e += eneg ? -x : x;
    }
    *mant = m;
    *exp10 = e;
    *exact = ok;
    return p;
}

/* Exact double of m * 10^e when the fast path applies. */
static inline bool fast_double(uint64_t m, int64_t e, double *out)
{
    if (m > (1ull << 53))
        return false;
    if (e >= -22 && e <= 22) {
        double d = (double)m;
        *out = e < 0 ? d / pow10_tab[-e] : d * pow10_tab[e];
        return true;
    }
    /* 1234e25 = 1234000 * 10^22 when the integer stays exact. */
    if (e > 22 && e <= 22 + 15) {
        uint64_t k = pow10_int[e - 22];
        if (m <= (1ull << 53) / k) {
            *out = (double)(m * k) * 1e22;
            return true;
        }
    }
    return false;
}

static inline const char *parse_f32(const char *p, float *out)
{
    bool neg, exact;
    uint64_t m;
    int64_t e;
    const char *end = split_number(p, &neg, &m, &e, &exact);
    if (likely(exact)) {
        if (m == 0) {
            *out = neg ? -0.0f : 0.0f;
            return end;
        }
        double d;
        if (likely(fast_double(m, e, &d))) {
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            /* Doubles here are >= 1e-22, normal as floats: a float midpoint has exactly
             * the 29th fraction bit set below the float's 23 bits. */
            if (likely((bits & 0x1fffffffull) != 0x10000000ull)) {
                float f = (float)d;
                *out = neg ? -f : f;
                return end;
            }
        }
    }
    *out = slow_f32(p);
    return end;
}

static inline const char *parse_f64(const char *p, double *out)
{
    bool neg, exact;
    uint64_t m;
    int64_t e;
    const char *end = split_number(p, &neg, &m, &e, &exact);
    double d;
    if (likely(exact)) {
        if (m == 0) {
            *out = neg ? -0.0 : 0.0;
            return end;
        }
        if (likely(fast_double(m, e, &d))) {
            *out = neg ? -d : d;
            return end;
        }
    }
    *out = slow_f64(p);
    return end;
}

float ig_json_parse_f32(const char *p, size_t n)
{
    (void)n;
    float f;
    parse_f32(p, &f);
    return f;
}

/* The text of a numeric array was validated by the parser: only numbers, brackets,
 * commas and JSON whitespace, ending with ']'. */
int ig_json_f32_array(const struct ig_json *v, float *out, size_t max, size_t *n,
                      const char **reason)
{
    *n = 0;
    if (!v || !(v->type == IG_JSON_NUMBER || ig_json_is_numeric(v))) {
        *reason = "not a numeric array";
        return IG_EPARSE;
    }
    if (v->count > max) {
        *reason = "numeric array larger than the output";
        return IG_ELIMIT;
    }
    const char *p = (const char *)v->raw.p, *end = p + v->raw.n;
    size_t k = 0;
    bool inf = false;
    while (p < end) {
        char c = *p;
        if (c == '-' || (unsigned)(c - '0') < 10) {
            float f;
            p = parse_f32(p, &f);
            inf |= isinf(f);
            out[k++] = f;
        } else {
            p++;
        }
    }
    *n = k;
    if (unlikely(inf)) {
        *reason = "number out of float32 range";
        return IG_EPARSE;
    }
    return IG_OK;
}

int ig_json_f64_array(const struct ig_json *v, double *out, size_t max, size_t *n,
                      const char **reason)
{
    *n = 0;
    if (!v || !(v->type == IG_JSON_NUMBER || ig_json_is_numeric(v))) {
        *reason = "not a numeric array";
        return IG_EPARSE;
    }
    if (v->count > max) {
        *reason = "numeric array larger than the output";
        return IG_ELIMIT;
    }
    const char *p = (const char *)v->raw.p, *end = p + v->raw.n;
    size_t k = 0;
    bool inf = false;
    while (p < end) {
        char c = *p;
        if (c == '-' || (unsigned)(c - '0') < 10) {
            p = parse_f64(p, &out[k]);
            inf |= isinf(out[k]);
            k++;
        } else {
            p++;
        }
    }
    *n = k;
    if (unlikely(inf)) {
        *reason = "number out of float64 range";
        return IG_EPARSE;
    }
    return IG_OK;
}

int ig_json_f64(const struct ig_json *v, double *out)
{
    if (!v || v->type != IG_JSON_NUMBER)
        return IG_EPARSE;
    parse_f64((const char *)v->raw.p, out);
    return isinf(*out) ? IG_EPARSE : IG_OK;
}

/* Integers: digits only (the parser flags them), checked for overflow. */
int ig_json_i64(const struct ig_json *v, int64_t *out)
{
    if (!v || v->type != IG_JSON_NUMBER || !(v->flags & IG_JSON_F_INTEGER))
        return IG_EPARSE;
    const uint8_t *p = v->raw.p, *e = p + v->raw.n;
    bool neg = (*p == '-');
    p += neg;
    uint64_t m = 0;
    for (; p < e; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (m > (UINT64_MAX - d) / 10)
            return IG_EPARSE;
        m = m * 10 + d;
    }
    if (neg ? m > (uint64_t)INT64_MAX + 1 : m > (uint64_t)INT64_MAX)
        return IG_EPARSE;
    *out = neg ? (int64_t)(0 - m) : (int64_t)m;
    return IG_OK;
}

int ig_json_u64(const struct ig_json *v, uint64_t *out)
{
    if (!v || v->type != IG_JSON_NUMBER || !(v->flags & IG_JSON_F_INTEGER) || v->raw.p[0] == '-')
        return IG_EPARSE;
    uint64_t m = 0;
    for (const uint8_t *p = v->raw.p, *e = p + v->raw.n; p < e; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (m > (UINT64_MAX - d) / 10)
            return IG_EPARSE;
        m = m * 10 + d;
    }
    *out = m;
    return IG_OK;
}
