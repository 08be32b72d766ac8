/* Float32 sets kept exactly in two 16-bit planes (kernels.h, struct ig_vsplit). */
#include <stdlib.h>
#include <string.h>

#include <inferguard/base.h>
#include "kernels.h"

static uint32_t round_cap(uint32_t cap)
{
    if (cap == 0)
        cap = IG_VSET_BLOCK;
    return (cap + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK * IG_VSET_BLOCK;
}

/* hi words, then lo values; the whole rounded up to a 64-byte line */
static size_t hi_bytes(uint32_t pairs, uint32_t cap)
{
    return (size_t)cap * pairs * sizeof(uint32_t);
}

size_t ig_vsplit_bytes(uint32_t dim, uint32_t cap)
{
    cap = round_cap(cap);
    size_t b = hi_bytes((dim + 1) / 2, cap) + (size_t)cap * dim * sizeof(uint16_t);
    return (b + 63) & ~(size_t)63;
}

int ig_vsplit_init(struct ig_vsplit *s, uint32_t dim, uint32_t cap)
{
    memset(s, 0, sizeof(*s));
    if (dim == 0)
        return IG_ECONF;
    s->dim = dim;
    s->pairs = (dim + 1) / 2;
    return ig_vsplit_reserve(s, cap);
}

int ig_vsplit_reserve(struct ig_vsplit *s, uint32_t cap)
{
    cap = round_cap(cap);
    if (cap <= s->cap && s->hi)
        return IG_OK;
    size_t bytes = ig_vsplit_bytes(s->dim, cap);
    uint8_t *p = aligned_alloc(64, bytes);
    if (!p)
        return IG_ENOMEM;
    memset(p, 0, bytes);
    uint32_t *hi = (uint32_t *)p;
    uint16_t *lo = (uint16_t *)(p + hi_bytes(s->pairs, cap));
    /* blocks are self-contained and lo is row-major: both copy as a prefix */
    if (s->hi) {
        memcpy(hi, s->hi, hi_bytes(s->pairs, s->cap));
        memcpy(lo, s->lo, (size_t)s->cap * s->dim * sizeof(uint16_t));
    }
    free(s->hi);
    s->hi = hi;
    s->lo = lo;
    s->cap = cap;
    return IG_OK;
}

void ig_vsplit_free(struct ig_vsplit *s)
{
    free(s->hi);
    memset(s, 0, sizeof(*s));
}

/* A value's bits as hi << 16 plus a signed 16-bit rest: hi is the bits rounded half up at
 * bit 16 (round to nearest on the magnitude, error <= 2^-8 |x|), the rest their
 * difference, in [-2^15, 2^15); modulo 2^32 this holds for every bit pattern. */
static inline uint32_t hi_of(uint32_t bits)
{
    return (bits + 0x8000u) >> 16;
}

static inline uint16_t rest_of(uint32_t bits)
{
    return (uint16_t)((bits + 0x8000u) & 0xffffu) ^ 0x8000u;   /* ((bits + 2^15) mod 2^16) - 2^15 */
}

static inline uint32_t join(uint32_t hi16, uint16_t rest)
{
    return (hi16 << 16) + (uint32_t)(int32_t)(int16_t)rest;
}

void ig_vsplit_put(struct ig_vsplit *s, uint32_t i, const float *x)
{
    uint32_t b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK;
    uint32_t *w = s->hi + (size_t)b * s->pairs * IG_VSET_BLOCK + l;
    uint16_t *lo = s->lo + (size_t)i * s->dim;
    for (uint32_t p = 0; p < s->pairs; p++) {
        uint32_t e, o = 0;
        memcpy(&e, &x[2 * p], 4);
        if (2 * p + 1 < s->dim)
            memcpy(&o, &x[2 * p + 1], 4);
        w[(size_t)p * IG_VSET_BLOCK] = hi_of(e) | (2 * p + 1 < s->dim ? hi_of(o) << 16 : 0);
        lo[2 * p] = rest_of(e);
        if (2 * p + 1 < s->dim)
            lo[2 * p + 1] = rest_of(o);
    }
}

void ig_vsplit_get(const struct ig_vsplit *s, uint32_t i, float *out)
{
    uint32_t b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK, full = s->dim / 2;
    const uint32_t *w = s->hi + (size_t)b * s->pairs * IG_VSET_BLOCK + l;
    const uint16_t *lo = s->lo + (size_t)i * s->dim;
    for (uint32_t p = 0; p < full; p++) {
        uint32_t word = w[(size_t)p * IG_VSET_BLOCK];
        uint32_t e = join(word & 0xffffu, lo[2 * p]), o = join(word >> 16, lo[2 * p + 1]);
        memcpy(&out[2 * p], &e, 4);
        memcpy(&out[2 * p + 1], &o, 4);
    }
    if (full < s->pairs) {
        uint32_t e = join(w[(size_t)full * IG_VSET_BLOCK] & 0xffffu, lo[2 * full]);
        memcpy(&out[2 * full], &e, 4);
    }
}

void ig_vsplit_prefetch(const struct ig_vsplit *s, uint32_t i)
{
    const uint8_t *lo = (const uint8_t *)(s->lo + (size_t)i * s->dim);
    for (size_t k = 0; k < (size_t)s->dim * sizeof(uint16_t); k += 64)
        __builtin_prefetch(lo + k);
    __builtin_prefetch(lo + (size_t)s->dim * sizeof(uint16_t) - 1);
}
