/* Number decoding for json.h: float32 bit-identical to glibc strtof, double identical
 * to strtod. The lexer and fast paths live in json_lex.h; this file holds the slow path
 * (C-locale strtof_l / strtod_l) and the accessors. */
#include "adapters/json.h"
#include "adapters/json_lex.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

float ig_json_slow_f32(const char *p)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale ? strtof_l(p, NULL, c_locale) : strtof(p, NULL);
}

double ig_json_slow_f64(const char *p)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale ? strtod_l(p, NULL, c_locale) : strtod(p, NULL);
}

/* Decode validated text: [p, end) holds one number at p, followed in memory by a byte
 * that cannot continue it. */
static inline const char *parse_f32(const char *p, const char *end, float *out)
{
    struct ig_json_num n;
    const uint8_t *q = ig_json_lex((const uint8_t *)p, (const uint8_t *)end, &n);
    if (unlikely(!q)) {   /* cannot happen on validated text */
        *out = ig_json_slow_f32(p);
        return end;
    }
    if (!ig_json_fast_f32(&n, out))
        *out = ig_json_slow_f32(p);
    return (const char *)q;
}

static inline const char *parse_f64(const char *p, const char *end, double *out)
{
    struct ig_json_num n;
    const uint8_t *q = ig_json_lex((const uint8_t *)p, (const uint8_t *)end, &n);
    if (unlikely(!q)) {   /* cannot happen on validated text */
        *out = ig_json_slow_f64(p);
        return end;
    }
    if (!ig_json_fast_f64(&n, out))
        *out = ig_json_slow_f64(p);
    return (const char *)q;
}

float ig_json_parse_f32(const char *p, size_t n)
{
    float f;
    parse_f32(p, p + n, &f);
    return f;
}

/* What both array decoders require of <v>: a number or a numeric array, finite, of at
 * most <max> values. */
static int numeric_check(const struct ig_json *v, size_t max, const char **reason)
{
    if (!v || !(v->type == IG_JSON_NUMBER || ig_json_is_numeric(v))) {
        *reason = "not a numeric array";
        return IG_EPARSE;
    }
    if (unlikely(v->flags & IG_JSON_F_NONFINITE)) {
        /* kept in the document (the server accepts it), never fed to detectors' arithmetic */
        *reason = "NaN or Infinity in numeric data";
        return IG_EPARSE;
    }
    if (v->count > max) {
        *reason = "numeric array larger than the output";
        return IG_ELIMIT;
    }
    return IG_OK;
}

/* The text of a numeric array was validated by the parser: only numbers, brackets,
 * commas and JSON whitespace, ending with ']'. */
int ig_json_f32_array(const struct ig_json *v, float *out, size_t max, size_t *n,
                      const char **reason)
{
    *n = 0;
    int st = numeric_check(v, max, reason);
    if (st < 0)
        return st;
    if (v->type == IG_JSON_NUMBER) {
        parse_f32((const char *)v->raw.p, (const char *)v->raw.p + v->raw.n, out);
        *n = 1;
        if (isinf(out[0])) {
            *reason = "number out of float32 range";
            return IG_EPARSE;
        }
        return IG_OK;
    }
    if (v->count)
        memcpy(out, v->f32, (size_t)v->count * sizeof *out);
    *n = v->count;
    if (unlikely(v->flags & IG_JSON_F_OVERFLOW)) {
        *reason = "number out of float32 range";
        return IG_EPARSE;
    }
    return IG_OK;
}

int ig_json_f64_array(const struct ig_json *v, double *out, size_t max, size_t *n,
                      const char **reason)
{
    *n = 0;
    int st = numeric_check(v, max, reason);
    if (st < 0)
        return st;
    if (v->type == IG_JSON_ARRAY && (v->flags & IG_JSON_F_INTEGER)) {
        /* Whole numbers (shapes, token ids) were decoded to float32 while parsed; below 2^24
         * in magnitude that float is the integer itself, so it is the double too. */
        uint32_t i = 0;
        while (i < v->count && fabsf(v->f32[i]) < 16777216.0f) {
            out[i] = v->f32[i];
            i++;
        }
        if (i == v->count) {
            *n = i;
            return IG_OK;
        }
    }
    const char *p = (const char *)v->raw.p, *end = p + v->raw.n;
    size_t k = 0;
    bool inf = false;
    while (p < end) {
        char c = *p;
        if (c == '-' || (unsigned)(c - '0') < 10) {
            p = parse_f64(p, end, &out[k]);
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
    if (!v || v->type != IG_JSON_NUMBER || (v->flags & IG_JSON_F_NONFINITE))
        return IG_EPARSE;
    parse_f64((const char *)v->raw.p, (const char *)v->raw.p + v->raw.n, out);
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
