/* Texts already found quiet (quiet_set.h). */
#include "quiet_set.h"
#include "validators.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct ig_quiet_set {
    uint8_t key[2][16];
    uint64_t mask, hits, lookups;
    struct ig_quiet_digest slot[];   /* {0, 0}: empty (a digest's b always has its low bit set) */
};

struct ig_quiet_set *ig_quiet_set_new(unsigned bits)
{
    if (bits > 24)
        return NULL;
    size_t n = (size_t)1 << bits;
    struct ig_quiet_set *s = calloc(1, sizeof *s + n * sizeof s->slot[0]);
    if (!s)
        return NULL;
    if (getrandom(s->key, sizeof s->key, 0) != (ssize_t)sizeof s->key) {
        free(s);
        return NULL;
    }
    s->mask = n - 1;
    return s;
}

void ig_quiet_set_free(struct ig_quiet_set *s)
{
    free(s);
}

/* Each key hashes the text, then that digest followed by the context (or, for a context
 * longer than the buffer, by the context's own digest): a keyed hash of the pair that
 * needs no copy of the text. */
static uint64_t chain(const uint8_t key[16], const void *text, size_t n, const void *ctx, size_t ctxn)
{
    uint8_t buf[8 + 512];
    uint64_t h = ig_siphash(key, text, n);
    memcpy(buf, &h, 8);
    if (ctxn > sizeof buf - 8) {
        uint64_t c = ig_siphash(key, ctx, ctxn);
        memcpy(buf + 8, &c, 8);
        ctxn = 8;
    } else if (ctxn) {
        memcpy(buf + 8, ctx, ctxn);
    }
    return ig_siphash(key, buf, 8 + ctxn);
}

struct ig_quiet_digest ig_quiet_digest(const struct ig_quiet_set *s, const void *text, size_t n,
                                       const void *ctx, size_t ctxn)
{
    return (struct ig_quiet_digest){ chain(s->key[0], text, n, ctx, ctxn),
                                     chain(s->key[1], text, n, ctx, ctxn) | 1 };
}

bool ig_quiet_set_has(struct ig_quiet_set *s, struct ig_quiet_digest d)
{
    const struct ig_quiet_digest *e = &s->slot[d.a & s->mask];
    s->lookups++;
    bool hit = e->a == d.a && e->b == d.b;
    s->hits += hit;
    return hit;
}

void ig_quiet_set_add(struct ig_quiet_set *s, struct ig_quiet_digest d)
{
    s->slot[d.a & s->mask] = d;
}

uint64_t ig_quiet_set_hits(const struct ig_quiet_set *s)
{
    return s->hits;
}

uint64_t ig_quiet_set_lookups(const struct ig_quiet_set *s)
{
    return s->lookups;
}
