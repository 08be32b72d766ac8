/* JSON writer into a growable buffer. Output is always valid JSON: strings are escaped,
 * invalid UTF-8 becomes U+FFFD, non-finite numbers become null. */
#include "core/jsonw.h"
#include "core/fmt_float.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ig_jsonw_init(struct ig_jsonw *w, size_t initial)
{
    *w = (struct ig_jsonw){ 0 };
    w->buf = malloc(initial ? initial : 256);
    w->cap = w->buf ? (initial ? initial : 256) : 0;
    w->oom = w->buf == NULL;
    if (w->buf)
        w->buf[0] = '\0';
}

void ig_jsonw_reset(struct ig_jsonw *w)
{
    w->len = 0;
    w->depth = 0;
    w->need_comma = 0;
    w->after_key = false;
    w->oom = w->buf == NULL;
    if (w->buf)
        w->buf[0] = '\0';
}

void ig_jsonw_free(struct ig_jsonw *w)
{
    free(w->buf);
    *w = (struct ig_jsonw){ 0 };
}

static bool reserve(struct ig_jsonw *w, size_t n)
{
    if (likely(w->len + n + 1 <= w->cap))
        return true;
    if (w->oom)
        return false;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n + 1)
        cap *= 2;
    char *p = realloc(w->buf, cap);
    if (!p) {
        w->oom = true;
        return false;
    }
    w->buf = p;
    w->cap = cap;
    return true;
}

static void put(struct ig_jsonw *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void putc_(struct ig_jsonw *w, char c) { put(w, &c, 1); }

/* Called before every value and key: writes the comma when this depth has a value. */
static void sep(struct ig_jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    uint64_t bit = 1ull << (w->depth & 63);
    if (w->need_comma & bit)
        putc_(w, ',');
    w->need_comma |= bit;
}

static void open_(struct ig_jsonw *w, char c)
{
    sep(w);
    putc_(w, c);
    w->depth++;
    w->need_comma &= ~(1ull << (w->depth & 63));
}

void ig_jsonw_obj_open(struct ig_jsonw *w) { open_(w, '{'); }
void ig_jsonw_arr_open(struct ig_jsonw *w) { open_(w, '['); }
void ig_jsonw_obj_close(struct ig_jsonw *w) { w->depth--; putc_(w, '}'); }
void ig_jsonw_arr_close(struct ig_jsonw *w) { w->depth--; putc_(w, ']'); }

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t len; uint32_t cp;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

/* True when none of the 8 bytes needs a look: no control byte (< 0x20), no '"', no '\\',
 * no byte >= 0x80 (bit tricks, exact as a yes/no answer for the whole word). */
static inline bool plain8(const unsigned char *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    uint64_t bad = (v | ((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
    return bad == 0;
}

/* Length of the prefix of s that needs no escaping. */
static inline size_t plain_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n && plain8(s + i))
        i += 8;
    while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* The comma sep() would write, written at <o> (no reserve: the caller did); returns its
 * length. */
static inline size_t sep_at(struct ig_jsonw *w, char *o)
{
    if (w->after_key) {
        w->after_key = false;
        return 0;
    }
    uint64_t bit = 1ull << (w->depth & 63);
    size_t c = (w->need_comma & bit) != 0;
    w->need_comma |= bit;
    *o = ',';
    return c;
}

/* A key or string value with nothing to escape (nearly all of an event's: names, ids,
 * routes), with its comma and, for a key, its colon: one reserve, one copy. False when
 * it needs escaping (or memory): the caller takes the general path, nothing written. */
static inline bool plain_string(struct ig_jsonw *w, const char *s, size_t n, bool key)
{
    if (plain_prefix((const unsigned char *)s, n) != n || !reserve(w, n + 4))
        return false;
    char *o = w->buf + w->len;
    o += sep_at(w, o);
    o[0] = '"';
    memcpy(o + 1, s, n);
    o[n + 1] = '"';
    o[n + 2] = ':';
    o += n + 2 + key;
    w->len = (size_t)(o - w->buf);
    w->buf[w->len] = '\0';
    w->after_key = key;
    return true;
}

static void string_body(struct ig_jsonw *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    /* The common case, text with nothing to escape: one copy. */
    size_t i = plain_prefix(s, n);
    if (i == n) {
        if (!reserve(w, n + 2))
            return;
        char *o = w->buf + w->len;
        o[0] = '"';
        memcpy(o + 1, s, n);
        o[n + 1] = '"';
        w->len += n + 2;
        w->buf[w->len] = '\0';
        return;
    }
    putc_(w, '"');
    size_t run = 0;   /* start of the pending run of bytes that need no escaping */
    for (; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { i++; continue; }
        size_t ulen = c >= 0x80 ? utf8_len(s + i, n - i) : 0;
        if (ulen) { i += ulen; continue; }
        put(w, (const char *)s + run, i - run);
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(w, esc, 2); }
        else if (c == '\n') put(w, "\\n", 2);
        else if (c == '\r') put(w, "\\r", 2);
        else if (c == '\t') put(w, "\\t", 2);
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); put(w, esc, 6); }
        else put(w, "\xef\xbf\xbd", 3);   /* invalid UTF-8 byte: U+FFFD */
        i++;
        run = i;
    }
    put(w, (const char *)s + run, n - run);
    putc_(w, '"');
}

char *ig_jsonw_key_room_(struct ig_jsonw *w, size_t n)
{
    if (!reserve(w, n + 4))
        return NULL;
    char *o = w->buf + w->len;
    o += sep_at(w, o);
    *o = '"';
    return o + 1;
}

void ig_jsonw_keyn(struct ig_jsonw *w, const char *k, size_t n)
{
    if (plain_string(w, k, n, true))
        return;
    sep(w);
    string_body(w, k, n);
    putc_(w, ':');
    w->after_key = true;
}

void ig_jsonw_strn(struct ig_jsonw *w, const char *s, size_t n)
{
    if (s && plain_string(w, s, n, false))
        return;
    sep(w);
    string_body(w, s ? s : "", s ? n : 0);
}

void ig_jsonw_str(struct ig_jsonw *w, const char *s)
{
    ig_jsonw_strn(w, s, s ? strlen(s) : 0);
}

/* Decimal digits of v, right-aligned ending at <end>; returns the first. Two per step. */
static char *u64_digits(char *end, uint64_t v)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char *p = end;
    while (v >= 100) {
        uint64_t r = v % 100;
        v /= 100;
        p -= 2;
        memcpy(p, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    return p;
}

/* An integer's text (at most 21 bytes, at <s> with 24 readable) with its comma: one
 * reserve and one fixed-size copy, past the text's end, instead of a libc memcpy call of
 * the text's length (~2 % of the event writer's time). */
static void put_int(struct ig_jsonw *w, const char *s, size_t n)
{
    if (!reserve(w, 1 + 24))
        return;
    char *o = w->buf + w->len;
    o += sep_at(w, o);
    memcpy(o, s, 24);
    o += n;
    w->len = (size_t)(o - w->buf);
    w->buf[w->len] = '\0';
}

void ig_jsonw_u64(struct ig_jsonw *w, uint64_t v)
{
    char b[48], *e = b + 24, *s = u64_digits(e, v);   /* 24 bytes from s stay inside b */
    put_int(w, s, (size_t)(e - s));
}

void ig_jsonw_i64(struct ig_jsonw *w, int64_t v)
{
    char b[48], *e = b + 24;
    char *s = u64_digits(e, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    if (v < 0)
        *--s = '-';
    put_int(w, s, (size_t)(e - s));
}

/* Shortest of %.15g/%.16g/%.17g that reads back to the same double. */
void ig_jsonw_f64(struct ig_jsonw *w, double v)
{
    if (!isfinite(v)) { ig_jsonw_null(w); return; }
    char b[32];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(b, sizeof b, "%.*g", prec, v);
        if (strtod(b, NULL) == v)
            break;
    }
    sep(w);
    put(w, b, (size_t)n);
}

void ig_jsonw_f32(struct ig_jsonw *w, float v)
{
    if (!isfinite(v)) { ig_jsonw_null(w); return; }
    char b[IG_FMT_F32_MAX];
    size_t n = ig_fmt_f32(b, v);
    sep(w);
    put(w, b, n);
}

void ig_jsonw_f32_array(struct ig_jsonw *w, const float *v, size_t n)
{
    ig_jsonw_arr_open(w);
    /* each value: its text, a comma, and the formatter's room for wide stores */
    if (n && reserve(w, n * (IG_FMT_F32_MAX + 1))) {
        w->len += ig_fmt_f32_list(w->buf + w->len, v, n);
        w->buf[w->len] = '\0';
        w->need_comma |= 1ull << (w->depth & 63);
    } else {
        for (size_t i = 0; i < n; i++)
            ig_jsonw_f32(w, v[i]);
    }
    ig_jsonw_arr_close(w);
}

void ig_jsonw_bool(struct ig_jsonw *w, bool v)
{
    sep(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void ig_jsonw_null(struct ig_jsonw *w)
{
    sep(w);
    put(w, "null", 4);
}

void ig_jsonw_raw(struct ig_jsonw *w, const char *json, size_t n)
{
    sep(w);
    put(w, json, n);
}
