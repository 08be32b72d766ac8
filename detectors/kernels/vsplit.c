/* Float32 sets kept exactly in two 16-bit planes (kernels.h, struct ig_vsplit). */
#include <stdlib.h>
#include <string.h>

#include <inferguard/base.h>
#include "kernels.h"
#include "kernels/blkpool.h"

static uint32_t round_cap(uint32_t cap)
{
    if (cap == 0)
        cap = IG_VSET_BLOCK;
    return (cap + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK * IG_VSET_BLOCK;
}

/* hi words from the allocation's first 64-byte boundary, then lo values, then aux */
static size_t hi_bytes(uint32_t pairs, uint32_t cap)
{
    return (size_t)cap * pairs * sizeof(uint32_t);
}

static size_t lo_bytes(uint32_t dim, uint32_t cap)
{
    return (size_t)cap * dim * sizeof(uint16_t);
}

/* realloc aligns to 16 at least: room to start hi on the next 64-byte boundary */
#define VSPLIT_PAD 63

size_t ig_vsplit_bytes_aux(uint32_t dim, uint32_t cap, uint32_t naux)
{
    cap = round_cap(cap);
    return hi_bytes((dim + 1) / 2, cap) + lo_bytes(dim, cap) + (size_t)cap * naux * sizeof(float) +
           VSPLIT_PAD;
}

size_t ig_vsplit_bytes(uint32_t dim, uint32_t cap)
{
    return ig_vsplit_bytes_aux(dim, cap, 1);
}

int ig_vsplit_init_aux(struct ig_vsplit *s, uint32_t dim, uint32_t cap, uint32_t naux)
{
    memset(s, 0, sizeof(*s));
    if (dim == 0 || dim > 65534 || naux == 0 || naux > 4)
        return IG_ECONF;
    s->dim = dim;
    s->pairs = (uint16_t)((dim + 1) / 2);
    s->naux = (uint16_t)naux;
    return ig_vsplit_reserve(s, cap);
}

int ig_vsplit_init(struct ig_vsplit *s, uint32_t dim, uint32_t cap)
{
    return ig_vsplit_init_aux(s, dim, cap, 1);
}

/* Grown by ig_blk_realloc (the detectors' block pool: contents kept at their offsets; past
 * 1 MiB the heap's realloc, which remaps large blocks): then each plane moves up to its new offset, the last first. Every plane grows by at
 * least a block (64 bytes of hi, 32 of lo, 64 of each aux plane), more than the alignment
 * can shift by, so no move overwrites a plane not yet moved. */
int ig_vsplit_reserve(struct ig_vsplit *s, uint32_t cap)
{
    cap = round_cap(cap);
    if (cap <= s->cap && s->mem)
        return IG_OK;
    const uint32_t was = s->mem ? s->cap : 0, naux = s->naux ? s->naux : 1;
    const size_t h0 = hi_bytes(s->pairs, was), l0 = lo_bytes(s->dim, was), a0 = was * sizeof(float);
    const size_t h1 = hi_bytes(s->pairs, cap), l1 = lo_bytes(s->dim, cap), a1 = cap * sizeof(float);
    const size_t pad0 = s->mem ? (size_t)((uint8_t *)s->hi - (uint8_t *)s->mem) : 0;
    uint8_t *m = ig_blk_realloc(s->mem, ig_vsplit_bytes_aux(s->dim, cap, naux));
    if (!m)
        return IG_ENOMEM;
    uint8_t *hi = m + ((64 - ((uintptr_t)m & 63)) & 63), *old = m + pad0;
    for (uint32_t j = naux; j-- > 0;) {
        memmove(hi + h1 + l1 + j * a1, old + h0 + l0 + j * a0, a0);
        memset(hi + h1 + l1 + j * a1 + a0, 0, a1 - a0);
    }
    memmove(hi + h1, old + h0, l0);
    memmove(hi, old, h0);
    memset(hi + h0, 0, h1 - h0);
    memset(hi + h1 + l0, 0, l1 - l0);
    s->mem = m;
    s->hi = (uint32_t *)hi;
    s->cap = cap;
    return IG_OK;
}

void ig_vsplit_free(struct ig_vsplit *s)
{
    ig_blk_free(s->mem);
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
    uint16_t *lo = ig_vsplit_lo(s) + (size_t)i * s->dim;
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
    const uint16_t *lo = ig_vsplit_lo(s) + (size_t)i * s->dim;
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
