/* Stored vector sets in the blocked, feature-major layout of kernels.h. */
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

size_t ig_vset_bytes_ex(uint32_t dim, uint32_t cap, enum ig_vset_elem elem)
{
    return (size_t)round_cap(cap) * dim * (size_t)elem;
}

size_t ig_vset_bytes(uint32_t dim, uint32_t cap)
{
    return ig_vset_bytes_ex(dim, cap, IG_VSET_F32);
}

int ig_vset_init_ex(struct ig_vset *s, uint32_t dim, uint32_t cap, enum ig_vset_elem elem)
{
    memset(s, 0, sizeof(*s));
    if (dim == 0 || (elem != IG_VSET_F32 && elem != IG_VSET_BF16))
        return IG_ECONF;
    s->dim = dim;
    s->elem = elem;
    return ig_vset_reserve(s, cap);
}

int ig_vset_init(struct ig_vset *s, uint32_t dim, uint32_t cap)
{
    return ig_vset_init_ex(s, dim, cap, IG_VSET_F32);
}

int ig_vset_reserve(struct ig_vset *s, uint32_t cap)
{
    cap = round_cap(cap);
    if (cap <= s->cap && s->data)
        return IG_OK;
    size_t bytes = ig_vset_bytes_ex(s->dim, cap, s->elem);
    /* aligned_alloc wants a size that is a multiple of the alignment */
    void *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (!p)
        return IG_ENOMEM;
    /* Blocks are self-contained, so growing only appends blocks: old ones copy as is. */
    size_t used = s->data ? ig_vset_bytes_ex(s->dim, s->cap, s->elem) : 0;
    if (used)
        memcpy(p, s->data, used);
    memset((uint8_t *)p + used, 0, bytes - used);
    free(s->data);
    s->data = p;
    s->cap = cap;
    return IG_OK;
}

void ig_vset_free(struct ig_vset *s)
{
    free(s->data);
    memset(s, 0, sizeof(*s));
}

void ig_vset_put(struct ig_vset *s, uint32_t i, const float *x)
{
    uint32_t b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK;
    size_t base = (size_t)b * s->dim * IG_VSET_BLOCK + l;
    if (s->elem == IG_VSET_BF16) {
        uint16_t *d = (uint16_t *)s->data + base;
        for (uint32_t f = 0; f < s->dim; f++)
            d[(size_t)f * IG_VSET_BLOCK] = ig_bf16_from_f32(x[f]);
    } else {
        float *d = (float *)s->data + base;
        for (uint32_t f = 0; f < s->dim; f++)
            d[(size_t)f * IG_VSET_BLOCK] = x[f];
    }
}

int ig_vset_append(struct ig_vset *s, const float *x)
{
    if (s->count >= s->cap)
        return IG_ELIMIT;
    ig_vset_put(s, s->count, x);
    s->count++;
    return IG_OK;
}

void ig_vset_get(const struct ig_vset *s, uint32_t i, float *out)
{
    uint32_t b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK;
    size_t base = (size_t)b * s->dim * IG_VSET_BLOCK + l;
    for (uint32_t f = 0; f < s->dim; f++)
        out[f] = s->elem == IG_VSET_BF16
                     ? ig_bf16_to_f32(((const uint16_t *)s->data)[base + (size_t)f * IG_VSET_BLOCK])
                     : ((const float *)s->data)[base + (size_t)f * IG_VSET_BLOCK];
}
