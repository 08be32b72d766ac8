/* A small JSON writer into a growable buffer (events, findings, reports). Strings are
 * escaped per RFC 8259; invalid UTF-8 is replaced by U+FFFD so output is always valid JSON.
 * Non-finite numbers are written as null. Usage:
 *   struct ig_jsonw w; ig_jsonw_init(&w, 4096);
 *   ig_jsonw_obj_open(&w); ig_jsonw_key(&w, "a"); ig_jsonw_u64(&w, 1); ig_jsonw_obj_close(&w);
 * Commas are inserted automatically. */
#ifndef IG_JSONW_H
#define IG_JSONW_H

#include <inferguard/base.h>

#include "core/digits.h"
#include "core/fmt_float.h"

#include <string.h>

struct ig_jsonw {
    char  *buf;
    size_t len, cap;
    uint32_t depth;
    uint64_t need_comma;   /* bit per depth: a value was written at this depth */
    bool   after_key;      /* next value follows a key: no comma */
    bool   oom;            /* an allocation failed: output is incomplete */
};

void ig_jsonw_init(struct ig_jsonw *w, size_t initial);
void ig_jsonw_reset(struct ig_jsonw *w);         /* keeps the buffer */
void ig_jsonw_free(struct ig_jsonw *w);
void ig_jsonw_obj_open(struct ig_jsonw *w);
void ig_jsonw_obj_close(struct ig_jsonw *w);
void ig_jsonw_arr_open(struct ig_jsonw *w);
void ig_jsonw_arr_close(struct ig_jsonw *w);
void ig_jsonw_keyn(struct ig_jsonw *w, const char *k, size_t n);
/* Room for a key of <n> bytes needing no escape, with its comma, quotes and colon: writes
 * the comma and the opening quote and returns where the key's bytes go (NULL: out of
 * memory, nothing written). Then ig_jsonw_key_end_ at the byte after them. Inline when the
 * buffer has the room (every key of an event but the first few of a run): a literal key
 * costs a handful of instructions, not a call (~30 per key, 29 keys per event). */
char *ig_jsonw_key_room_grow_(struct ig_jsonw *w, size_t n);
static inline char *ig_jsonw_key_room_(struct ig_jsonw *w, size_t n)
{
    if (__builtin_expect(w->len + n + 5 > w->cap, 0))
        return ig_jsonw_key_room_grow_(w, n);
    char *o = w->buf + w->len;
    if (w->after_key) {
        w->after_key = false;
    } else {
        uint64_t bit = 1ull << (w->depth & 63);
        *o = ',';
        o += (w->need_comma & bit) != 0;
        w->need_comma |= bit;
    }
    *o = '"';
    return o + 1;
}
static inline void ig_jsonw_key_end_(struct ig_jsonw *w, char *o)
{
    o[0] = '"';
    o[1] = ':';
    w->len = (size_t)(o + 2 - w->buf);
    w->buf[w->len] = '\0';
    w->after_key = true;
}
static inline bool ig_jsonw_plain_(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            return false;
    }
    return true;
}
/* Inline so that a literal key's length and the check that it needs no escaping are
 * folded at compile time, and its bytes copied by a fixed-size copy (the event writer's
 * ~25 keys per event; any other key takes ig_jsonw_keyn). */
static inline void ig_jsonw_key(struct ig_jsonw *w, const char *k)
{
    size_t n = strlen(k);
    if (__builtin_constant_p(n) && n <= 32 && ig_jsonw_plain_(k, n)) {
        char *o = ig_jsonw_key_room_(w, n);
        if (o) {
            memcpy(o, k, n);
            ig_jsonw_key_end_(w, o + n);
        }
        return;
    }
    ig_jsonw_keyn(w, k, n);
}
void ig_jsonw_str(struct ig_jsonw *w, const char *s);
void ig_jsonw_strn(struct ig_jsonw *w, const char *s, size_t n);
void ig_jsonw_u64(struct ig_jsonw *w, uint64_t v);
void ig_jsonw_i64(struct ig_jsonw *w, int64_t v);
void ig_jsonw_f64(struct ig_jsonw *w, double v);   /* shortest round-trip form (%.17g trimmed) */
void ig_jsonw_f32(struct ig_jsonw *w, float v);    /* shortest round-trip form (fmt_float.h) */
/* An array of n floats as ig_jsonw_f32 writes each, reserving room once. */
void ig_jsonw_f32_array(struct ig_jsonw *w, const float *v, size_t n);
void ig_jsonw_bool(struct ig_jsonw *w, bool v);
void ig_jsonw_null(struct ig_jsonw *w);
void ig_jsonw_raw(struct ig_jsonw *w, const char *json, size_t n);  /* pre-encoded value */

/* Writing a run of known layout in place (the event writer): a cursor into room the writer
 * reserved, checked against the room's end held beside it (no length, comma or NUL upkeep
 * per value). The caller writes keys, commas and whole values itself; the writer's comma
 * state is not touched (open the enclosing container before, close it after). Out of
 * memory: every later write is dropped and the writer's oom is set, as with the calls above.
 *   struct ig_jsonw_cur c; ig_jsonw_cur_begin(w, &c);
 *   IG_JSONW_CUR_LIT(&c, "\"n\":"); ig_jsonw_cur_u64(&c, 7); ig_jsonw_cur_end(&c); */
struct ig_jsonw_cur {
    char *o, *end;            /* next byte; end of the room (one byte kept for the NUL) */
    struct ig_jsonw *w;
};
void ig_jsonw_cur_begin(struct ig_jsonw *w, struct ig_jsonw_cur *c);
void ig_jsonw_cur_end(struct ig_jsonw_cur *c);       /* the text written becomes the writer's */
bool ig_jsonw_cur_grow_(struct ig_jsonw_cur *c, size_t n);
static inline bool ig_jsonw_cur_room(struct ig_jsonw_cur *c, size_t n)
{
    return likely((size_t)(c->end - c->o) >= n) || ig_jsonw_cur_grow_(c, n);
}
static inline void ig_jsonw_cur_lit_(struct ig_jsonw_cur *c, const char *s, size_t n)
{
    if (ig_jsonw_cur_room(c, n)) {
        memcpy(c->o, s, n);
        c->o += n;
    }
}
/* A literal run of JSON text (keys with their commas, colons and brackets): one fixed-size copy. */
#define IG_JSONW_CUR_LIT(c, lit) ig_jsonw_cur_lit_((c), "" lit, sizeof(lit) - 1)
static inline void ig_jsonw_cur_u64(struct ig_jsonw_cur *c, uint64_t v)
{
    if (ig_jsonw_cur_room(c, 24))
        c->o += ig_digits_u64(c->o, v);
}
static inline void ig_jsonw_cur_i64(struct ig_jsonw_cur *c, int64_t v)
{
    if (ig_jsonw_cur_room(c, 25)) {
        *c->o = '-';
        c->o += v < 0;
        c->o += ig_digits_u64(c->o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    }
}
/* A string value, quoted and escaped exactly as ig_jsonw_strn writes it (NULL: ""). */
void ig_jsonw_cur_strn(struct ig_jsonw_cur *c, const char *s, size_t n);
static inline void ig_jsonw_cur_str(struct ig_jsonw_cur *c, const char *s)
{
    ig_jsonw_cur_strn(c, s, s ? strlen(s) : 0);
}
/* An array of n floats as ig_jsonw_f32_array writes it. */
static inline void ig_jsonw_cur_f32_array(struct ig_jsonw_cur *c, const float *v, size_t n)
{
    if (ig_jsonw_cur_room(c, 2 + n * (IG_FMT_F32_MAX + 1))) {
        *c->o++ = '[';
        c->o += ig_fmt_f32_list(c->o, v, n);
        *c->o++ = ']';
    }
}

/* Length of the prefix of s that needs no escaping (no control byte, '"', '\\' or byte
 * >= 0x80): the SIMD scan strings take and the word-at-a-time one under it, exposed for
 * the unit test, which checks both against a byte loop. */
size_t ig_jsonw_plain_prefix(const unsigned char *s, size_t n);
size_t ig_jsonw_plain_prefix_scalar(const unsigned char *s, size_t n);

#endif
