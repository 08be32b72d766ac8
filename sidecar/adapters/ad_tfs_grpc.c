/* TF Serving over gRPC: /tensorflow.serving.PredictionService/Predict (port 8500), decoded
 * with protobuf-c (sidecar/grpc/tfserving.proto) into the scratch arena. PredictRequest's
 * named inputs and PredictResponse's named outputs are TensorProtos: elements from
 * tensor_content (raw little-endian, any dtype) or from the typed field of the dtype
 * (float_val, double_val, int_val, int64_val, bool_val, half_val for HALF/BFLOAT16 bits,
 * uint32_val, uint64_val); a typed field holding one value fills the whole shape, as
 * TensorFlow reads it. Same event conventions as the REST form (ad_kserve_v1.c) and the
 * OIP adapters: several numeric inputs with the same rows are concatenated per row (in
 * input-name order: map order on the wire is the sender's choice), else the first by name;
 * DT_STRING inputs are not features. Scores: the output named scores, probabilities,
 * predictions, logits or outputs (first found, in that order), else the first
 * floating-point output by name; labels: a one-column integer output (classes, labels,
 * ...). Model and version from model_spec (version or version_label). */
#include "adapters/ad_common.h"
#include "adapters/ad_grpc.h"
#include "adapters/ad_tensor.h"

#include <string.h>

#include "tfserving.pb-c.h"

#define MAX_TENSORS 16

typedef Tensorflow__Serving__TensorProto TensorProto;

static const char path_predict[] = "/tensorflow.serving.PredictionService/Predict";

struct tensor {
    const char *name;
    float *v;
    uint32_t rows, cols;
    enum ig_ad_dt dt;
};

static int tfs_probe(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    if (!ig_ad_is_grpc(t))
        return 0;
    return ig_span_eq_str(t->path, path_predict, sizeof path_predict - 1) ? 95 : 0;
}


/* TensorFlow DataType -> element type; IG_DT_BYTES for strings and what we do not read. */
static int map_dtype(int d, enum ig_ad_dt *dt)
{
    switch (d) {
    case TENSORFLOW__SERVING__DATA_TYPE__DT_FLOAT: *dt = IG_DT_F32; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_DOUBLE: *dt = IG_DT_F64; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_HALF: *dt = IG_DT_F16; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_BFLOAT16: *dt = IG_DT_BF16; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_INT8: *dt = IG_DT_I8; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_INT16: *dt = IG_DT_I16; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_INT32: *dt = IG_DT_I32; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_INT64: *dt = IG_DT_I64; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_UINT8: *dt = IG_DT_U8; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_UINT16: *dt = IG_DT_U16; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_UINT32: *dt = IG_DT_U32; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_UINT64: *dt = IG_DT_U64; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_BOOL: *dt = IG_DT_BOOL; return IG_OK;
    case TENSORFLOW__SERVING__DATA_TYPE__DT_STRING: *dt = IG_DT_BYTES; return IG_OK;
    default: return IG_EPARSE;
    }
}

/* Value <i> of the typed field that carries <dt>; n = how many there are. */
static size_t typed_count(const TensorProto *tp, enum ig_ad_dt dt)
{
    switch (dt) {
    case IG_DT_F32: return tp->n_float_val;
    case IG_DT_F64: return tp->n_double_val;
    case IG_DT_F16: case IG_DT_BF16: return tp->n_half_val;
    case IG_DT_I8: case IG_DT_I16: case IG_DT_I32: case IG_DT_U8: case IG_DT_U16: return tp->n_int_val;
    case IG_DT_I64: return tp->n_int64_val;
    case IG_DT_U32: return tp->n_uint32_val;
    case IG_DT_U64: return tp->n_uint64_val;
    case IG_DT_BOOL: return tp->n_bool_val;
    default: return 0;
    }
}

static float typed_value(const TensorProto *tp, enum ig_ad_dt dt, size_t i)
{
    switch (dt) {
    case IG_DT_F32: return tp->float_val[i];
    case IG_DT_F64: return (float)tp->double_val[i];
    case IG_DT_F16: return ig_ad_half_to_float((uint16_t)tp->half_val[i]);
    case IG_DT_BF16: return ig_ad_bf16_to_float((uint16_t)tp->half_val[i]);
    case IG_DT_I64: return (float)tp->int64_val[i];
    case IG_DT_U32: return (float)tp->uint32_val[i];
    case IG_DT_U64: return (float)tp->uint64_val[i];
    case IG_DT_BOOL: return tp->bool_val[i] ? 1.0f : 0.0f;
    default: return (float)tp->int_val[i];
    }
}

/* One TensorProto. IG_OK (numeric, in *t), IG_DONE (strings: skipped), or negative. */
static int decode_tensor(const struct ig_decode_ctx *ctx, const char *name, const TensorProto *tp,
                         struct tensor *t, const char **reason)
{
    if (!tp || map_dtype((int)tp->dtype, &t->dt) < 0) {
        *reason = "missing or unsupported TensorProto dtype";
        return IG_EPARSE;
    }
    t->name = name;
    if (t->dt == IG_DT_BYTES)
        return IG_DONE;
    uint64_t elems = 1, rows = 1;
    size_t nd = tp->tensor_shape ? tp->tensor_shape->n_dim : 0;
    for (size_t i = 0; i < nd; i++) {
        int64_t s = tp->tensor_shape->dim[i]->size;
        int st = ig_ad_shape_dim(ctx->cfg, s, &elems, reason);
        if (st < 0)
            return st;
        if (i == 0)
            rows = (uint64_t)s;
    }
    if (elems == 0 || rows == 0) {
        *reason = "empty tensor";
        return IG_EPARSE;
    }
    uint64_t cols = elems / rows;
    int st = ig_ad_tensor_alloc(ctx, rows, cols, &t->v, reason);
    if (st < 0)
        return st;
    if (tp->tensor_content.len) {
        if (tp->tensor_content.len != elems * ig_ad_dt_size(t->dt)) {
            *reason = "tensor_content does not match shape and dtype";
            return IG_EPARSE;
        }
        if ((st = ig_ad_raw_to_f32(t->dt, tp->tensor_content.data, elems, t->v, reason)) < 0)
            return st;
    } else {
        size_t n = typed_count(tp, t->dt);
        if (n != elems && n != 1) {
            *reason = "tensor values do not match its shape";
            return IG_EPARSE;
        }
        for (size_t i = 0; i < elems; i++) {
            float f = typed_value(tp, t->dt, n == 1 ? 0 : i);
            if (unlikely(f - f != 0)) {
                *reason = "non-finite value in tensor";
                return IG_EPARSE;
            }
            t->v[i] = f;
        }
    }
    t->rows = (uint32_t)rows;
    t->cols = (uint32_t)cols;
    return IG_OK;
}

static void sort_by_name(struct tensor *ts, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && strcmp(ts[j - 1].name, ts[j].name) > 0; j--) {
            struct tensor x = ts[j];
            ts[j] = ts[j - 1];
            ts[j - 1] = x;
        }
}

static void model_spec(const Tensorflow__Serving__ModelSpec *ms, struct ig_event *ev)
{
    if (!ms)
        return;
    if (!ev->model[0])
        ig_ad_copy(ev->model, sizeof ev->model, (struct ig_span){ (const uint8_t *)ms->name, strlen(ms->name) });
    if (ev->model_version[0])
        return;
    if (ms->version_choice_case == TENSORFLOW__SERVING__MODEL_SPEC__VERSION_CHOICE_VERSION && ms->version)
        snprintf(ev->model_version, sizeof ev->model_version, "%lld", (long long)ms->version->value);
    else if (ms->version_choice_case == TENSORFLOW__SERVING__MODEL_SPEC__VERSION_CHOICE_VERSION_LABEL)
        ig_ad_copy(ev->model_version, sizeof ev->model_version,
                   (struct ig_span){ (const uint8_t *)ms->version_label, strlen(ms->version_label) });
}

static int decode_request(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                          struct ig_event *ev, const char **reason)
{
    if (t->req_body_truncated) {
        *reason = ig_ad_grpc_request_undecodable;
        return IG_ELIMIT;
    }
    ProtobufCAllocator a = ig_ad_pb_allocator(ctx->scratch);
    Tensorflow__Serving__PredictRequest *rq =
        tensorflow__serving__predict_request__unpack(&a, t->req_body.n, t->req_body.p);
    if (!rq) {
        *reason = "malformed PredictRequest protobuf";
        return IG_EPARSE;
    }
    model_spec(rq->model_spec, ev);
    struct tensor ts[MAX_TENSORS];
    uint32_t nt = 0;
    for (size_t i = 0; i < rq->n_inputs && nt < MAX_TENSORS; i++) {
        struct tensor tt = {0};
        int st = decode_tensor(ctx, rq->inputs[i]->key, rq->inputs[i]->value, &tt, reason);
        if (st == IG_DONE)
            continue;
        if (st < 0) {
            ig_ad_malformed(ev, *reason);
            return IG_OK;
        }
        ts[nt++] = tt;
    }
    if (nt == 0)
        return IG_OK;
    sort_by_name(ts, nt);
    struct ig_ad_tensor in[MAX_TENSORS];
    for (uint32_t i = 0; i < nt; i++)
        in[i] = (struct ig_ad_tensor){ ts[i].v, ts[i].rows, ts[i].cols, ts[i].dt };
    return ig_ad_set_inputs(ctx, ev, in, nt, reason);
}

static void decode_response(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                            struct ig_event *ev)
{
    const char *reason = NULL;
    if (t->status < 200 || t->status >= 300 || !t->resp_body.p)
        return;
    if (t->resp_body_truncated) {
        ig_ad_malformed(ev, ig_ad_grpc_response_undecodable);
        return;
    }
    ProtobufCAllocator a = ig_ad_pb_allocator(ctx->scratch);
    Tensorflow__Serving__PredictResponse *rs =
        tensorflow__serving__predict_response__unpack(&a, t->resp_body.n, t->resp_body.p);
    if (!rs) {
        ig_ad_malformed(ev, "malformed PredictResponse protobuf");
        return;
    }
    model_spec(rs->model_spec, ev);
    struct tensor ts[MAX_TENSORS];
    uint32_t nt = 0;
    for (size_t i = 0; i < rs->n_outputs && nt < MAX_TENSORS; i++) {
        struct tensor tt = {0};
        int st = decode_tensor(ctx, rs->outputs[i]->key, rs->outputs[i]->value, &tt, &reason);
        if (st == IG_DONE)
            continue;
        if (st < 0) {
            ig_ad_malformed(ev, reason);
            return;
        }
        ts[nt++] = tt;
    }
    sort_by_name(ts, nt);
    static const char *const score_names[] = { "scores", "probabilities", "predictions", "logits", "outputs" };
    const struct tensor *score = NULL, *label = NULL;
    for (size_t k = 0; k < IG_ARRAY_LEN(score_names) && !score; k++)
        for (uint32_t i = 0; i < nt && !score; i++)
            if (strcmp(ts[i].name, score_names[k]) == 0)
                score = &ts[i];
    for (uint32_t i = 0; i < nt && !score; i++)
        if (ig_ad_dt_is_float(ts[i].dt))
            score = &ts[i];
    for (uint32_t i = 0; i < nt && !label; i++)
        if (&ts[i] != score && !ig_ad_dt_is_float(ts[i].dt) && ts[i].cols == 1)
            label = &ts[i];
    if (score && ig_ad_set_scores(ctx, ev, score->v, score->rows, score->cols, IG_AD_SCORES_AUTO, &reason) < 0) {
        ig_ad_malformed(ev, reason);
        return;
    }
    if (label)
        ig_ad_set_labels(ctx, ev, label->v, label->rows);
}

static int tfs_decode(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                      struct ig_event *ev, const char **reason)
{
    int st = decode_request(ctx, t, ev, reason);
    if (st < 0)
        return st;
    decode_response(ctx, t, ev);
    return IG_OK;
}

const struct ig_adapter ig_ad_tfs_grpc = {
    .name = "tfserving_grpc",
    .protocol = IG_PROTO_TFS_GRPC,
    .probe = tfs_probe,
    .decode = tfs_decode,
};
