/* Accessors for parsed JSON (json.h): member lookup and string unescaping. Strings
 * without escapes are handed out in place; escaped ones are decoded on demand. */
#include "adapters/json.h"

#include <string.h>

static unsigned hex4(const uint8_t *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = p[i];
        v <<= 4;
        v |= (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

static size_t put_utf8(uint8_t *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xc0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xe0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (uint8_t)(0xf0 | (cp >> 18));
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decodes validated escaped text <in> into <o> (room for in.n bytes always suffices:
 * every escape is at least as long as its UTF-8). Returns the decoded length. */
static size_t unescape(struct ig_span in, uint8_t *o)
{
    const uint8_t *p = in.p, *e = in.p + in.n;
    uint8_t *start = o;
    while (p < e) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        uint8_t c = p[1];
        p += 2;
        switch (c) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp = hex4(p);
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    unsigned lo = hex4(p + 2);
                    if (lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        p += 6;
                    } else {
                        cp = 0xfffd;
                    }
                } else {
                    cp = 0xfffd;
                }
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                cp = 0xfffd;   /* lone low surrogate */
            }
            o += put_utf8(o, cp);
            break;
        }
        default: *o++ = c; break;   /* " \ / */
        }
    }
    return (size_t)(o - start);
}

/* Compares escaped text with a literal without allocating. */
static bool escaped_eq(struct ig_span raw, const char *lit, size_t n)
{
    uint8_t buf[256];
    if (raw.n > sizeof buf)
        return false;    /* keys we look up are short; a long escaped key cannot match */
    size_t m = unescape(raw, buf);
    return m == n && memcmp(buf, lit, n) == 0;
}

const struct ig_json *ig_json_get(const struct ig_json *obj, const char *key)
{
    if (!obj || obj->type != IG_JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (const struct ig_json *c = obj->child; c; c = c->next) {
        if (likely(!(c->flags & IG_JSON_F_KEY_ESCAPED))) {
            if (c->key.n == n && memcmp(c->key.p, key, n) == 0)
                return c;
        } else if (escaped_eq(c->key, key, n)) {
            return c;
        }
    }
    return NULL;
}

uint32_t ig_json_len(const struct ig_json *v)
{
    if (!v)
        return 0;
    if (v->type == IG_JSON_OBJECT)
        return v->count;
    if (v->type == IG_JSON_ARRAY)
        return (v->flags & IG_JSON_F_NUMERIC) ? v->shape[0] : v->count;
    return 0;
}

int ig_json_str(const struct ig_json *v, struct ig_scratch *s, struct ig_span *out)
{
    if (!v || v->type != IG_JSON_STRING)
        return IG_EPARSE;
    if (!(v->flags & IG_JSON_F_ESCAPED)) {
        *out = v->raw;
        return IG_OK;
    }
    uint8_t *o = ig_scratch_alloc(s, v->raw.n ? v->raw.n : 1);
    if (!o)
        return IG_ENOMEM;
    *out = (struct ig_span){ o, unescape(v->raw, o) };
    return IG_OK;
}

bool ig_json_str_eq(const struct ig_json *v, const char *lit)
{
    if (!v || v->type != IG_JSON_STRING)
        return false;
    size_t n = strlen(lit);
    if (!(v->flags & IG_JSON_F_ESCAPED))
        return v->raw.n == n && memcmp(v->raw.p, lit, n) == 0;
    return escaped_eq(v->raw, lit, n);
}

long ig_json_str_copy(const struct ig_json *v, char *buf, size_t len)
{
    if (!v || v->type != IG_JSON_STRING)
        return -1;
    size_t n;
    if (!(v->flags & IG_JSON_F_ESCAPED)) {
        n = v->raw.n;
        if (len) {
            size_t k = IG_MIN(n, len - 1);
            memcpy(buf, v->raw.p, k);
            buf[k] = '\0';
        }
        return (long)n;
    }
    /* Decode piecewise through a bounded buffer so long strings need no allocation. */
    uint8_t tmp[512];
    size_t out = 0;
    const uint8_t *p = v->raw.p, *e = p + v->raw.n;
    while (p < e) {
        /* Cut at an escape boundary: take up to sizeof tmp bytes, not splitting "\uXXXX"
         * pairs or a two-byte escape. */
        const uint8_t *q = p;
        while (q < e && (size_t)(q - p) < sizeof tmp - 12) {
            if (*q == '\\') {
                if (q[1] == 'u') {
                    q += 6;
                    if (q + 6 <= e && q[0] == '\\' && q[1] == 'u')
                        q += 6;   /* keep a surrogate pair together */
                } else {
                    q += 2;
                }
            } else {
                q++;
            }
        }
        size_t m = unescape((struct ig_span){ p, (size_t)(q - p) }, tmp);
        if (len && out < len - 1) {
            size_t k = IG_MIN(m, len - 1 - out);
            memcpy(buf + out, tmp, k);
        }
        out += m;
        p = q;
    }
    if (len)
        buf[IG_MIN(out, len - 1)] = '\0';
    return (long)out;
}
