/* Accessors for parsed JSON (json.h): member lookup and string unescaping. Strings
 * without escapes are handed out in place; escaped ones are decoded on demand. */
#include "adapters/json.h"
#include <stdatomic.h>

#include <string.h>
#include <sys/random.h>
#include <time.h>

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

const struct ig_json *(ig_json_get)(const struct ig_json *obj, const char *key)
{
    return ig_json_get_n(obj, key, strlen(key));
}

const struct ig_json *ig_json_get_n(const struct ig_json *obj, const char *key, size_t n)
{
    if (!obj || obj->type != IG_JSON_OBJECT)
        return NULL;
    const struct ig_json *found = NULL;
    /* The last of duplicate keys wins, as in Python's json, Go and pydantic: a scan to the
     * end, so one lookup stays linear in the members. */
    for (const struct ig_json *c = obj->child; c; c = c->next) {
        if (likely(!(c->flags & IG_JSON_F_KEY_ESCAPED))) {
            if (c->key.n == n && (n == 0 || (c->key.p[0] == (uint8_t)key[0] && memcmp(c->key.p, key, n) == 0)))
                found = c;
        } else if (escaped_eq(c->key, key, n)) {
            found = c;
        }
        if (found && !(obj->flags & IG_JSON_F_DUPKEYS))
            break;   /* no repeated key in this object: the first match is the only one */
    }
    return found;
}

int ig_json_key(const struct ig_json *m, struct ig_scratch *s, struct ig_span *out)
{
    if (!(m->flags & IG_JSON_F_KEY_ESCAPED)) {
        *out = m->key;
        return IG_OK;
    }
    uint8_t *o = ig_scratch_alloc(s, m->key.n ? m->key.n : 1);
    if (!o)
        return IG_ENOMEM;
    *out = (struct ig_span){ o, unescape(m->key, o) };
    return IG_OK;
}

/* Keyed hash of member names: the key is drawn once per process, so a client cannot
 * precompute colliding keys to make the index quadratic. Parse shards decode on several
 * threads: the first key stored is the one every thread uses (an index built with one key
 * and searched with another would miss members). */
static _Atomic uint64_t hash_key;

static uint64_t draw_key(void)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
        r = (uint64_t)(uintptr_t)&r ^ (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull;
    uint64_t zero = 0;
    atomic_compare_exchange_strong_explicit(&hash_key, &zero, r | 1, memory_order_relaxed,
                                            memory_order_relaxed);
    return atomic_load_explicit(&hash_key, memory_order_relaxed);
}

static uint32_t key_hash(struct ig_span k)
{
    uint64_t key = atomic_load_explicit(&hash_key, memory_order_relaxed);
    if (unlikely(!key))
        key = draw_key();
    uint64_t h = key ^ (k.n * 0xff51afd7ed558ccdull);
    size_t i = 0;
    for (; i + 8 <= k.n; i += 8) {
        uint64_t w;
        memcpy(&w, k.p + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, k.p + i, k.n - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    h = (h ^ hash_key) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

int ig_json_index_build(const struct ig_json *obj, struct ig_scratch *s, struct ig_json_index *ix,
                        uint32_t *dups)
{
    uint32_t n = obj && obj->type == IG_JSON_OBJECT ? obj->count : 0, size = 8;
    while (size < 2 * (uint64_t)n)
        size <<= 1;
    memset(ix, 0, sizeof *ix);
    ix->member = ig_scratch_alloc(s, (size_t)n * sizeof *ix->member + 1);
    ix->key = ig_scratch_alloc(s, (size_t)n * sizeof *ix->key + 1);
    ix->hash = ig_scratch_alloc(s, (size_t)n * sizeof *ix->hash + 1);
    ix->slot = ig_scratch_alloc(s, (size_t)size * sizeof *ix->slot);
    if (!ix->member || !ix->key || !ix->hash || !ix->slot)
        return IG_ENOMEM;
    memset(ix->slot, 0, (size_t)size * sizeof *ix->slot);
    ix->mask = size - 1;
    uint32_t d = 0, i = 0;
    for (const struct ig_json *m = n ? obj->child : NULL; m && i < n; m = m->next, i++) {
        if (ig_json_key(m, s, &ix->key[i]) < 0)
            return IG_ENOMEM;
        ix->member[i] = m;
        uint32_t h = ix->hash[i] = key_hash(ix->key[i]);
        for (uint32_t at = h & ix->mask;; at = (at + 1) & ix->mask) {
            uint32_t o = ix->slot[at];
            if (!o) {
                ix->slot[at] = i + 1;
                break;
            }
            o--;
            if (ix->hash[o] == h && ix->key[o].n == ix->key[i].n &&
                memcmp(ix->key[o].p, ix->key[i].p, ix->key[i].n) == 0) {
                ix->slot[at] = i + 1;   /* the later member wins */
                d++;
                break;
            }
        }
    }
    if (dups)
        *dups = d;
    return IG_OK;
}

const struct ig_json *ig_json_index_get(const struct ig_json_index *ix, struct ig_span key)
{
    if (!ix->slot)
        return NULL;
    uint32_t h = key_hash(key);
    for (uint32_t at = h & ix->mask;; at = (at + 1) & ix->mask) {
        uint32_t o = ix->slot[at];
        if (!o)
            return NULL;
        o--;
        if (ix->hash[o] == h && ix->key[o].n == key.n && memcmp(ix->key[o].p, key.p, key.n) == 0)
            return ix->member[o];
    }
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
    if (!(v->flags & IG_JSON_F_ESCAPED)) {
        /* No strlen: callers try lists of names (OIP datatypes: 13 per tensor), and most
         * differ at the first byte. */
        const uint8_t *p = v->raw.p;
        size_t i = 0;
        for (; i < v->raw.n; i++)
            if (!lit[i] || p[i] != (uint8_t)lit[i])
                return false;
        return lit[i] == '\0';
    }
    return escaped_eq(v->raw, lit, strlen(lit));
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
