/* Binary tensor elements -> float32 (see ad_tensor.h). */
#include "adapters/ad_tensor.h"

#include <string.h>

static const uint8_t sizes[] = {
    [IG_DT_BOOL] = 1, [IG_DT_U8] = 1, [IG_DT_U16] = 2, [IG_DT_U32] = 4, [IG_DT_U64] = 8,
    [IG_DT_I8] = 1, [IG_DT_I16] = 2, [IG_DT_I32] = 4, [IG_DT_I64] = 8, [IG_DT_F16] = 2,
    [IG_DT_BF16] = 2, [IG_DT_F32] = 4, [IG_DT_F64] = 8, [IG_DT_BYTES] = 0,
};

unsigned ig_ad_dt_size(enum ig_ad_dt dt) { return (unsigned)dt < sizeof sizes ? sizes[dt] : 0; }

float ig_ad_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {   /* subnormal half: normalise */
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | man << 13;
    } else {
        bits = sign | (exp - 15 + 127) << 23 | man << 13;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

float ig_ad_bf16_to_float(uint16_t h)
{
    uint32_t b = (uint32_t)h << 16;
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static uint64_t le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int ig_ad_raw_to_f32(enum ig_ad_dt dt, const uint8_t *p, size_t count, float *out, const char **reason)
{
    unsigned size = ig_ad_dt_size(dt);
    for (size_t i = 0; i < count; i++, p += size) {
        uint64_t u = le(p, size);
        float f;
        switch (dt) {
        case IG_DT_BOOL: f = u ? 1.0f : 0.0f; break;
        case IG_DT_U8: case IG_DT_U16: case IG_DT_U32: case IG_DT_U64: f = (float)u; break;
        case IG_DT_I8: f = (float)(int8_t)u; break;
        case IG_DT_I16: f = (float)(int16_t)u; break;
        case IG_DT_I32: f = (float)(int32_t)u; break;
        case IG_DT_I64: f = (float)(int64_t)u; break;
        case IG_DT_F16: f = ig_ad_half_to_float((uint16_t)u); break;
        case IG_DT_BF16: f = ig_ad_bf16_to_float((uint16_t)u); break;
        case IG_DT_F32: { uint32_t b = (uint32_t)u; memcpy(&f, &b, 4); break; }
        case IG_DT_F64: { double d; memcpy(&d, &u, 8); f = (float)d; break; }
        default: f = 0; break;
        }
        if (unlikely(f - f != 0)) {
            *reason = "non-finite value in tensor";
            return IG_EPARSE;
        }
        out[i] = f;
    }
    return IG_OK;
}
