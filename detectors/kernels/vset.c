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

size_t ig_vset_bytes(uint32_t dim, uint32_t cap)
{
    return (size_t)round_cap(cap) * dim * sizeof(float);
}

int ig_vset_init(struct ig_vset *s, uint32_t dim, uint32_t cap)
{
    memset(s, 0, sizeof(*s));
    if (dim == 0)
        return IG_ECONF;
    s->dim = dim;
    return ig_vset_reserve(s, cap);
}

int ig_vset_reserve(struct ig_vset *s, uint32_t cap)
{
    cap = round_cap(cap);
    if (cap <= s->cap && s->data)
        return IG_OK;
    size_t bytes = ig_vset_bytes(s->dim, cap);
    /* aligned_alloc wants a size that is a multiple of the alignment */
    float *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (!p)
        return IG_ENOMEM;
    /* Blocks are self-contained, so growing only appends blocks: old ones copy as is. */
    size_t used = s->data ? ig_vset_bytes(s->dim, s->cap) : 0;
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

int ig_vset_append(struct ig_vset *s, const float *x)
{
    if (s->count >= s->cap)
        return IG_ELIMIT;
    uint32_t b = s->count / IG_VSET_BLOCK, l = s->count % IG_VSET_BLOCK;
    float *blk = s->data + (size_t)b * s->dim * IG_VSET_BLOCK;
    for (uint32_t f = 0; f < s->dim; f++)
        blk[(size_t)f * IG_VSET_BLOCK + l] = x[f];
    s->count++;
    return IG_OK;
}

void ig_vset_put(struct ig_vset *s, uint32_t i, const float *x)
{
    uint32_t b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK;
    float *blk = s->data + (size_t)b * s->dim * IG_VSET_BLOCK;
    for (uint32_t f = 0; f < s->dim; f++)
        blk[(size_t)f * IG_VSET_BLOCK + l] = x[f];
}

void ig_vset_get(const struct ig_vset *s, uint32_t i, float *out)
{
    uint32_t b = i / IG_VSET_BLOCK, l = i % IG_VSET_BLOCK;
    const float *blk = s->data + (size_t)b * s->dim * IG_VSET_BLOCK;
    for (uint32_t f = 0; f < s->dim; f++)
        out[f] = blk[(size_t)f * IG_VSET_BLOCK + l];
}
