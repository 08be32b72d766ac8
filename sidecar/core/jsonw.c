/* JSON writer into a growable buffer. Output is always valid JSON: strings are escaped,
 * invalid UTF-8 becomes U+FFFD, non-finite numbers become null. */
#include "core/jsonw.h"
#include "core/bytescan.h"
#include "core/digits.h"
#include "core/fmt_float.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Top bit of every byte that needs a look: a control byte (< 0x20), '"', '\\' or a byte
 * >= 0x80. Borrows run only upwards from a byte below 0x20, '"' or '\\', so the lowest set
 * bit marks the first such byte exactly (core/bytescan.h). */
static inline uint64_t special8(uint64_t v)
{
    return ig_bs_lt(v, 0x20) | ig_bs_eq(v, '"') | ig_bs_eq(v, '\\') | (v & IG_BS_HIGHS);
}

size_t ig_jsonw_plain_prefix_scalar(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t m = special8(ig_bs_load(s + i));
        if (m)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
    while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* Length of the prefix of s that needs no escaping: 16 bytes per step with SSE2 (x86-64's
 * baseline: prompts and completions of a few KB), then the word scan. As signed bytes,
 * control bytes and bytes >= 0x80 are exactly those below 0x20. */
static inline size_t plain_prefix(const unsigned char *s, size_t n)
{
#if defined(__SSE2__)
    size_t i = 0;
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                  bslash = _mm_set1_epi8('\\');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        unsigned m = (unsigned)_mm_movemask_epi8(bad);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i == n || n < 16)
        return i + ig_jsonw_plain_prefix_scalar(s + i, n - i);
    /* the tail: the string's last 16 bytes (inside it), those before i already known plain */
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space),
                               _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    unsigned m = (unsigned)_mm_movemask_epi8(bad) >> (i - (n - 16));
    return m ? i + (size_t)__builtin_ctz(m) : n;
#else
    return ig_jsonw_plain_prefix_scalar(s, n);
#endif
}

size_t ig_jsonw_plain_prefix(const unsigned char *s, size_t n) { return plain_prefix(s, n); }

/* True when none of the n <= 16 bytes at s needs escaping, read with at most two loads that
 * stay inside the string (overlapping when n is not a power of two): keys, ids, names and
 * addresses, nearly all of an event's strings, without a loop. */
static inline bool plain_small(const unsigned char *s, size_t n)
{
    uint64_t v;
    if (n >= 8) {
        v = special8(ig_bs_load(s)) | special8(ig_bs_load(s + n - 8));
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        v = special8((uint64_t)a | (uint64_t)b << 32);
    } else if (n) {
        /* the first, middle and last bytes, the rest of the word a plain 'a' */
        v = special8(0x6161616161000000ull | s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16);
    } else {
        v = 0;
    }
    return v == 0;
}

/* Copies n <= 16 bytes with at most two pairs of fixed-size moves (no libc call). */
static inline void copy_small(char *o, const unsigned char *s, size_t n)
{
    if (n >= 8) {
        uint64_t a = ig_bs_load(s), b = ig_bs_load(s + n - 8);
        memcpy(o, &a, 8);
        memcpy(o + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(o, &a, 4);
        memcpy(o + n - 4, &b, 4);
    } else if (n) {
        o[0] = (char)s[0];
        o[n / 2] = (char)s[n / 2];
        o[n - 1] = (char)s[n - 1];
    }
}

/* True when none of the n bytes at s needs escaping. */
static inline bool plain(const unsigned char *s, size_t n)
{
    return n <= 16 ? plain_small(s, n) : plain_prefix(s, n) == n;
}

/* Writes "s" (n plain bytes, quoted) at o, with room for n + 2 bytes; returns the end. */
static inline char *put_quoted(char *o, const unsigned char *s, size_t n)
{
    o[0] = '"';
    if (n <= 16)
        copy_small(o + 1, s, n);
    else
        memcpy(o + 1, s, n);
    o[n + 1] = '"';
    return o + n + 2;
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
    const unsigned char *u = (const unsigned char *)s;
    if (!plain(u, n) || !reserve(w, n + 4))
        return false;
    char *o = w->buf + w->len;
    o += sep_at(w, o);
    o = put_quoted(o, u, n);
    *o = ':';
    o += key;
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
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { i += plain_prefix(s + i, n - i); continue; }
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

/* Where a cursor points once out of memory: no room, so every write is dropped (nothing is
 * ever written through it: read-only, so no writable global, test_globals). */
static const char cur_sink[1];

static void cur_rebase(struct ig_jsonw_cur *c)
{
    struct ig_jsonw *w = c->w;
    if (w->oom || !w->buf) {
        c->o = c->end = (char *)cur_sink;
        return;
    }
    c->o = w->buf + w->len;
    c->end = w->buf + w->cap - 1;
}

void ig_jsonw_cur_begin(struct ig_jsonw *w, struct ig_jsonw_cur *c)
{
    c->w = w;
    cur_rebase(c);
}

void ig_jsonw_cur_end(struct ig_jsonw_cur *c)
{
    struct ig_jsonw *w = c->w;
    if (c->o == cur_sink)
        return;
    w->len = (size_t)(c->o - w->buf);
    w->buf[w->len] = '\0';
}

bool ig_jsonw_cur_grow_(struct ig_jsonw_cur *c, size_t n)
{
    if (c->o == cur_sink)
        return false;
    ig_jsonw_cur_end(c);
    if (!reserve(c->w, n)) {
        c->o = c->end = (char *)cur_sink;
        return false;
    }
    cur_rebase(c);
    return true;
}

void ig_jsonw_cur_strn(struct ig_jsonw_cur *c, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    n = s ? n : 0;
    if (plain(u, n)) {
        if (ig_jsonw_cur_room(c, n + 2))
            c->o = put_quoted(c->o, u, n);
        return;
    }
    /* something to escape: the writer's own path, from where the cursor is */
    ig_jsonw_cur_end(c);
    if (c->o != cur_sink)
        string_body(c->w, (const char *)u, n);
    cur_rebase(c);
}

char *ig_jsonw_key_room_grow_(struct ig_jsonw *w, size_t n)
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

/* An integer's text with its comma: one reserve, its digits written in place
 * (core/digits.h: fixed-size stores, eight digits per step). */
static void put_uint(struct ig_jsonw *w, uint64_t v, bool minus)
{
    if (!reserve(w, 2 + 24))
        return;
    char *o = w->buf + w->len;
    o += sep_at(w, o);
    *o = '-';
    o += minus;
    o += ig_digits_u64(o, v);
    w->len = (size_t)(o - w->buf);
    w->buf[w->len] = '\0';
}

void ig_jsonw_u64(struct ig_jsonw *w, uint64_t v)
{
    put_uint(w, v, false);
}

void ig_jsonw_i64(struct ig_jsonw *w, int64_t v)
{
    put_uint(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
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
    /* the '[' with its comma, each value's text and a comma, the formatter's room for wide
     * stores, the ']': one reserve and no container calls per tensor row */
    if (reserve(w, 3 + n * (IG_FMT_F32_MAX + 1))) {
        char *o = w->buf + w->len;
        o += sep_at(w, o);
        *o++ = '[';
        o += ig_fmt_f32_list(o, v, n);
        *o++ = ']';
        w->len = (size_t)(o - w->buf);
        w->buf[w->len] = '\0';
        return;
    }
    ig_jsonw_arr_open(w);
    for (size_t i = 0; i < n; i++)
        ig_jsonw_f32(w, v[i]);
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
