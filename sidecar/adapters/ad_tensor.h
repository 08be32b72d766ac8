/* Element types of tensors and their conversion to the event's float32, shared by the
 * tensor adapters (OIP v2 REST and gRPC, TF Serving gRPC): datatype names, binary elements
 * (Triton's binary extension, gRPC raw contents, TF Serving tensor_content), shape checks,
 * and the event conventions for inputs and labels (see ad_oip_v2.c). */
#ifndef IG_ADAPTERS_AD_TENSOR_H
#define IG_ADAPTERS_AD_TENSOR_H

#include <inferguard/adapter.h>

enum ig_ad_dt { IG_DT_BOOL, IG_DT_U8, IG_DT_U16, IG_DT_U32, IG_DT_U64, IG_DT_I8, IG_DT_I16,
                IG_DT_I32, IG_DT_I64, IG_DT_F16, IG_DT_BF16, IG_DT_F32, IG_DT_F64, IG_DT_BYTES };

/* Bytes per element (0 for BYTES). */
unsigned ig_ad_dt_size(enum ig_ad_dt dt);
/* The Open Inference Protocol's name of <dt> ("BOOL", "UINT8", ..., "FP32", "BYTES"). */
const char *ig_ad_dt_name(enum ig_ad_dt dt);
static inline bool ig_ad_dt_is_float(enum ig_ad_dt d)
{
    return d == IG_DT_F16 || d == IG_DT_BF16 || d == IG_DT_F32 || d == IG_DT_F64;
}
/* IEEE 754 binary16 / bfloat16 bit pattern -> float32 (exact). */
float ig_ad_half_to_float(uint16_t h);
float ig_ad_bf16_to_float(uint16_t h);
/* <count> little-endian elements of <dt> at <p> -> float32. A non-finite value makes the
 * tensor malformed: returns IG_EPARSE with *reason (<out> then holds no result). */
int ig_ad_raw_to_f32(enum ig_ad_dt dt, const uint8_t *p, size_t count, float *out, const char **reason);
static inline uint32_t ig_ad_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One dimension of a shape: checks 0 <= dim < 2^32, multiplies it into *elems and checks
 * the product against adapters.max_values. IG_OK, or IG_EPARSE / IG_ELIMIT with *reason. */
int ig_ad_shape_dim(const struct ig_config *cfg, int64_t dim, uint64_t *elems, const char **reason);

/* A decoded numeric tensor: rows x cols float32, row-major. */
struct ig_ad_tensor {
    float *v;
    uint32_t rows, cols;
    enum ig_ad_dt dt;
};

/* The event's feature matrix from the numeric input tensors <ts> (nt >= 1): several with
 * the same rows are concatenated per row, else the first is used. Sets IG_EV_TENSOR. A
 * concatenation over the adapters.* limits flags the event malformed (IG_OK). Returns
 * IG_OK or IG_ENOMEM with *reason. */
int ig_ad_set_inputs(const struct ig_decode_ctx *ctx, struct ig_event *ev,
                     const struct ig_ad_tensor *ts, uint32_t nt, const char **reason);
/* The event's predicted labels from a one-column tensor <v> of <rows> values (a value out
 * of int32 range becomes -1). Rows that differ from the input rows, or a full scratch
 * arena, flag the event malformed instead. */
void ig_ad_set_labels(const struct ig_decode_ctx *ctx, struct ig_event *ev, const float *v,
                      uint32_t rows);

/* Triton's classification strings "score:index[:label]": the index into *out. IG_OK, or
 * IG_EPARSE for anything else (empty, no ':', no digits after it). */
int ig_ad_class_index(const uint8_t *p, const uint8_t *e, float *out);

#endif
