/* The bounds walk over msgpack bytes that runs before msgpack-c unpacks them (mp_skip.h). */
#include "core/mp_skip.h"

const uint8_t *ig_mp_skip(const uint8_t *p, const uint8_t *end, int depth)
{
    if (p >= end || depth > 32)
        return NULL;
    uint8_t b = *p++;
    uint64_t len = 0, items = 0;
    size_t w = 0;
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
        return p;
    if ((b & 0xf0) == 0x80) {
        items = 2u * (b & 0x0f);
        goto items;
    }
    if ((b & 0xf0) == 0x90) {
        items = b & 0x0f;
        goto items;
    }
    if ((b & 0xe0) == 0xa0) {
        len = b & 0x1f;
        goto bytes;
    }
    switch (b) {
    case 0xc4: case 0xd9: w = 1; break;
    case 0xc5: case 0xda: w = 2; break;
    case 0xc6: case 0xdb: w = 4; break;
    case 0xc7: w = 1; len = 1; break;
    case 0xc8: w = 2; len = 1; break;
    case 0xc9: w = 4; len = 1; break;
    case 0xca: len = 4; goto bytes;
    case 0xcb: len = 8; goto bytes;
    case 0xcc: case 0xd0: len = 1; goto bytes;
    case 0xcd: case 0xd1: len = 2; goto bytes;
    case 0xce: case 0xd2: len = 4; goto bytes;
    case 0xcf: case 0xd3: len = 8; goto bytes;
    case 0xd4: len = 2; goto bytes;
    case 0xd5: len = 3; goto bytes;
    case 0xd6: len = 5; goto bytes;
    case 0xd7: len = 9; goto bytes;
    case 0xd8: len = 17; goto bytes;
    case 0xdc: case 0xde: w = 2; break;
    case 0xdd: case 0xdf: w = 4; break;
    default: return NULL;   /* 0xc1 */
    }
    if ((size_t)(end - p) < w)
        return NULL;
    uint64_t n = 0;
    for (size_t i = 0; i < w; i++)
        n = n << 8 | p[i];
    p += w;
    if (b >= 0xdc) {
        items = b >= 0xde ? 2 * n : n;
        goto items;
    }
    len += n;
bytes:
    if ((uint64_t)(end - p) < len)
        return NULL;
    return p + len;
items:
    if ((uint64_t)(end - p) < items)
        return NULL;
    for (uint64_t i = 0; i < items; i++)
        if (!(p = ig_mp_skip(p, end, depth + 1)))
            return NULL;
    return p;
}

