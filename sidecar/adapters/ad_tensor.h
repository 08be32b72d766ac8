/* Element types of binary tensors (gRPC raw contents, TF Serving tensor_content) and their
 * conversion to the event's float32, shared by the gRPC adapters. */
#ifndef IG_ADAPTERS_AD_TENSOR_H
#define IG_ADAPTERS_AD_TENSOR_H

#include <inferguard/base.h>

enum ig_ad_dt { IG_DT_BOOL, IG_DT_U8, IG_DT_U16, IG_DT_U32, IG_DT_U64, IG_DT_I8, IG_DT_I16,
                IG_DT_I32, IG_DT_I64, IG_DT_F16, IG_DT_BF16, IG_DT_F32, IG_DT_F64, IG_DT_BYTES };

/* Bytes per element (0 for BYTES). */
unsigned ig_ad_dt_size(enum ig_ad_dt dt);
static inline bool ig_ad_dt_is_float(enum ig_ad_dt d)
{
    return d == IG_DT_F16 || d == IG_DT_BF16 || d == IG_DT_F32 || d == IG_DT_F64;
}
/* IEEE 754 binary16 / bfloat16 bit pattern -> float32 (exact). */
float ig_ad_half_to_float(uint16_t h);
float ig_ad_bf16_to_float(uint16_t h);
/* <count> little-endian elements of <dt> at <p> -> float32. A non-finite value makes the
 * tensor malformed: returns IG_EPARSE with *reason. */
int ig_ad_raw_to_f32(enum ig_ad_dt dt, const uint8_t *p, size_t count, float *out, const char **reason);

#endif
