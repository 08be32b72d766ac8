/* Open Inference Protocol v2 over gRPC (KServe v2, Triton; sidecar/grpc/inference.proto):
 * /inference.GRPCInferenceService/ModelInfer and /ModelStreamInfer. The HTTP/2 stage hands
 * one request message and its response message per transaction (h2_conn.h), decoded here
 * with protobuf-c into the scratch arena (no malloc; the arena's cap bounds a hostile
 * message). Same conventions as the REST adapter (ad_oip_v2.c), so detectors see the same
 * event whichever wire carried it: every numeric datatype becomes float32, from the typed
 * `contents` or from `raw_input_contents` / `raw_output_contents` (little-endian, one entry
 * per tensor in order; FP16 and BF16 only travel raw); BYTES tensors are not features;
 * several numeric inputs with the same rows are concatenated per row, else the first is
 * used; scores are the first floating-point output (else the first numeric output with >= 2
 * columns); a one-column integer output or Triton's classification strings
 * ("score:index:label") are the labels. Shape/data disagreement flags the event malformed. */
#include "adapters/ad_common.h"
#include "adapters/ad_grpc.h"
#include "adapters/ad_tensor.h"

#include <string.h>

#include "inference.pb-c.h"

#define MAX_TENSORS 16

struct tensor {
    float *v;
    uint32_t rows, cols;
    enum ig_ad_dt dt;
    /* BYTES: the strings, typed or raw (4-byte little-endian length + bytes each) */
    const ProtobufCBinaryData *strs;
    size_t nstrs;
    const ProtobufCBinaryData *raw;
};

static const char path_infer[] = "/inference.GRPCInferenceService/ModelInfer";
static const char path_stream[] = "/inference.GRPCInferenceService/ModelStreamInfer";

static int grpc_probe(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    if (!ig_ad_is_grpc(t))
        return 0;
    if (ig_span_eq_str(t->path, path_infer, sizeof path_infer - 1) ||
        ig_span_eq_str(t->path, path_stream, sizeof path_stream - 1))
        return 95;
    return 0;
}


static int find_dt(const char *s, enum ig_ad_dt *dt)
{
    for (int i = IG_DT_BOOL; s && i <= IG_DT_BYTES; i++)
        if (strcmp(s, ig_ad_dt_name((enum ig_ad_dt)i)) == 0) {
            *dt = (enum ig_ad_dt)i;
            return IG_OK;
        }
    return IG_EPARSE;
}

/* Typed contents of the datatype's family -> float32; count must equal <elems>. */
static int typed_to_f32(enum ig_ad_dt dt, const Inference__InferTensorContents *c, size_t elems, float *out,
                        const char **reason)
{
    size_t n = 0;
    switch (dt) {
    case IG_DT_BOOL: n = c->n_bool_contents; break;
    case IG_DT_I8: case IG_DT_I16: case IG_DT_I32: n = c->n_int_contents; break;
    case IG_DT_I64: n = c->n_int64_contents; break;
    case IG_DT_U8: case IG_DT_U16: case IG_DT_U32: n = c->n_uint_contents; break;
    case IG_DT_U64: n = c->n_uint64_contents; break;
    case IG_DT_F32: n = c->n_fp32_contents; break;
    case IG_DT_F64: n = c->n_fp64_contents; break;
    default:
        *reason = "FP16/BF16 tensor without raw contents";
        return IG_EPARSE;
    }
    if (n != elems) {
        *reason = "tensor contents do not match its shape";
        return IG_EPARSE;
    }
    for (size_t i = 0; i < n; i++) {
        float f;
        switch (dt) {
        case IG_DT_BOOL: f = c->bool_contents[i] ? 1.0f : 0.0f; break;
        case IG_DT_I8: case IG_DT_I16: case IG_DT_I32: f = (float)c->int_contents[i]; break;
        case IG_DT_I64: f = (float)c->int64_contents[i]; break;
        case IG_DT_U8: case IG_DT_U16: case IG_DT_U32: f = (float)c->uint_contents[i]; break;
        case IG_DT_U64: f = (float)c->uint64_contents[i]; break;
        case IG_DT_F32: f = c->fp32_contents[i]; break;
        default: f = (float)c->fp64_contents[i]; break;
        }
        if (unlikely(f - f != 0)) {
            *reason = "non-finite value in tensor";
            return IG_EPARSE;
        }
        out[i] = f;
    }
    return IG_OK;
}

/* One input or output tensor. Returns IG_OK (numeric, in *t), IG_DONE (BYTES: strings kept
 * in *t, not decoded) or a negative status with *reason. */
static int decode_tensor(const struct ig_decode_ctx *ctx, const char *datatype, const int64_t *shape,
                         size_t nshape, const Inference__InferTensorContents *contents,
                         const ProtobufCBinaryData *raw, struct tensor *t, const char **reason)
{
    if (find_dt(datatype, &t->dt) < 0) {
        *reason = "missing or unknown tensor datatype";
        return IG_EPARSE;
    }
    uint64_t elems = 1;
    for (size_t i = 0; i < nshape; i++) {
        int st = ig_ad_shape_dim(ctx->cfg, shape[i], &elems, reason);
        if (st < 0)
            return st;
    }
    uint64_t rows = nshape ? (uint64_t)shape[0] : 1;
    if (t->dt == IG_DT_BYTES) {
        t->raw = raw;
        if (contents) {
            t->strs = contents->bytes_contents;
            t->nstrs = contents->n_bytes_contents;
        }
        t->rows = (uint32_t)IG_MIN(rows, UINT32_MAX);
        t->cols = rows ? (uint32_t)IG_MIN(elems / rows, UINT32_MAX) : 0;
        return IG_DONE;
    }
    if (elems == 0 || rows == 0) {
        *reason = "empty tensor";
        return IG_EPARSE;
    }
    uint64_t cols = elems / rows;
    int st = ig_ad_tensor_alloc(ctx, rows, cols, &t->v, reason);
    if (st < 0)
        return st;
    if (raw) {
        if (raw->len != elems * ig_ad_dt_size(t->dt)) {
            *reason = "raw tensor contents do not match shape and datatype";
            return IG_EPARSE;
        }
        st = ig_ad_raw_to_f32(t->dt, raw->data, elems, t->v, reason);
    } else if (contents) {
        st = typed_to_f32(t->dt, contents, elems, t->v, reason);
    } else {
        *reason = "tensor without contents";
        return IG_EPARSE;
    }
    if (st < 0)
        return st;
    t->rows = (uint32_t)rows;
    t->cols = (uint32_t)cols;
    return IG_OK;
}


/* Triton's classification output: BYTES "score:index:label", best first, [rows, k] or [k].
 * Fills *label (rows x 1) or leaves it empty when <b> is some other BYTES tensor. */
static int classification_labels(const struct ig_decode_ctx *ctx, const struct tensor *b,
                                 const int64_t *shape, size_t nshape, struct tensor *label)
{
    if (nshape < 1 || nshape > 2)
        return IG_OK;
    uint64_t rows = nshape == 2 ? (uint64_t)shape[0] : 1, k = (uint64_t)shape[nshape - 1];
    if (rows == 0 || k == 0 || rows > ctx->cfg->max_rows)
        return IG_OK;
    /* an empty bytes field has data == NULL: no pointer arithmetic on it (UBSan, fuzz_ad_oip_grpc) */
    const uint8_t *rp = b->raw && b->raw->len ? b->raw->data : NULL;
    const uint8_t *re = rp ? rp + b->raw->len : NULL;
    float *v = ig_scratch_alloc(ctx->scratch, rows * sizeof *v);
    if (!v)
        return IG_ENOMEM;
    for (uint64_t i = 0; i < rows * k; i++) {
        const uint8_t *s;
        size_t n;
        if (b->raw) {
            if (!rp || re - rp < 4 || ig_ad_le32(rp) > (uint64_t)(re - rp - 4))
                return i ? IG_EPARSE : IG_OK;
            n = ig_ad_le32(rp);
            s = rp + 4;
            rp += 4 + n;
        } else {
            if (i >= b->nstrs)
                return i ? IG_EPARSE : IG_OK;
            s = b->strs[i].data;
            n = b->strs[i].len;
        }
        if (i % k)
            continue;
        if (!n || ig_ad_class_index(s, s + n, &v[i / k]) < 0)
            return i ? IG_EPARSE : IG_OK;   /* first string not "a:b": not classification */
    }
    *label = (struct tensor){ .v = v, .rows = (uint32_t)rows, .cols = 1, .dt = IG_DT_I64 };
    return IG_OK;
}

static int decode_request(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                          struct ig_event *ev, const char **reason)
{
    if (t->req_body_truncated) {
        *reason = ig_ad_grpc_request_undecodable;
        return IG_ELIMIT;
    }
    ProtobufCAllocator a = ig_ad_pb_allocator(ctx->scratch);
    Inference__ModelInferRequest *rq = inference__model_infer_request__unpack(&a, t->req_body.n, t->req_body.p);
    if (!rq) {
        *reason = "malformed ModelInferRequest protobuf";
        return IG_EPARSE;
    }
    ig_ad_copy(ev->model, sizeof ev->model, (struct ig_span){ (const uint8_t *)rq->model_name, strlen(rq->model_name) });
    ig_ad_copy(ev->model_version, sizeof ev->model_version,
               (struct ig_span){ (const uint8_t *)rq->model_version, strlen(rq->model_version) });
    if (rq->n_raw_input_contents && rq->n_raw_input_contents != rq->n_inputs) {
        ig_ad_malformed(ev, "raw_input_contents count differs from inputs");
        return IG_OK;
    }
    struct ig_ad_tensor ts[MAX_TENSORS];
    uint32_t nt = 0;
    for (size_t i = 0; i < rq->n_inputs; i++) {
        const Inference__ModelInferRequest__InferInputTensor *in = rq->inputs[i];
        struct tensor tt = {0};
        int st = decode_tensor(ctx, in->datatype, in->shape, in->n_shape, in->contents,
                               rq->n_raw_input_contents ? &rq->raw_input_contents[i] : NULL, &tt, reason);
        if (st == IG_DONE)
            continue;
        if (st < 0) {
            ig_ad_malformed(ev, *reason);
            return IG_OK;
        }
        if (nt < MAX_TENSORS)
            ts[nt++] = (struct ig_ad_tensor){ tt.v, tt.rows, tt.cols, tt.dt };
    }
    if (nt == 0)
        return IG_OK;
    return ig_ad_set_inputs(ctx, ev, ts, nt, reason);
}

static void decode_outputs(const struct ig_decode_ctx *ctx, const Inference__ModelInferResponse *rs,
                           struct ig_event *ev)
{
    const char *reason = NULL;
    if (!ev->model[0])
        ig_ad_copy(ev->model, sizeof ev->model,
                   (struct ig_span){ (const uint8_t *)rs->model_name, strlen(rs->model_name) });
    if (!ev->model_version[0])
        ig_ad_copy(ev->model_version, sizeof ev->model_version,
                   (struct ig_span){ (const uint8_t *)rs->model_version, strlen(rs->model_version) });
    if (rs->n_raw_output_contents && rs->n_raw_output_contents != rs->n_outputs) {
        ig_ad_malformed(ev, "raw_output_contents count differs from outputs");
        return;
    }
    struct tensor score = {0}, label = {0};
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const Inference__ModelInferResponse__InferOutputTensor *o = rs->outputs[i];
        struct tensor tt = {0};
        int st = decode_tensor(ctx, o->datatype, o->shape, o->n_shape, o->contents,
                               rs->n_raw_output_contents ? &rs->raw_output_contents[i] : NULL, &tt, &reason);
        if (st == IG_DONE) {
            if (!label.v && classification_labels(ctx, &tt, o->shape, o->n_shape, &label) < 0) {
                ig_ad_malformed(ev, "invalid classification output");
                return;
            }
            continue;
        }
        if (st < 0) {
            ig_ad_malformed(ev, reason);
            return;
        }
        if (!score.v && (ig_ad_dt_is_float(tt.dt) || tt.cols >= 2))
            score = tt;
        else if (!label.v && !ig_ad_dt_is_float(tt.dt) && tt.cols == 1)
            label = tt;
    }
    if (score.v && ig_ad_set_scores(ctx, ev, score.v, score.rows, score.cols, IG_AD_SCORES_AUTO, &reason) < 0) {
        ig_ad_malformed(ev, reason);
        return;
    }
    if (label.v)
        ig_ad_set_labels(ctx, ev, label.v, label.rows);
}

static void decode_response(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                            struct ig_event *ev, bool stream)
{
    if (t->status < 200 || t->status >= 300)
        return;
    if (t->resp_body_truncated) {
        ig_ad_malformed(ev, ig_ad_grpc_response_undecodable);
        return;
    }
    if (!t->resp_body.p)
        return;   /* no response message (the call was cut) */
    ProtobufCAllocator a = ig_ad_pb_allocator(ctx->scratch);
    const Inference__ModelInferResponse *rs;
    if (stream) {
        Inference__ModelStreamInferResponse *sr =
            inference__model_stream_infer_response__unpack(&a, t->resp_body.n, t->resp_body.p);
        if (!sr) {
            ig_ad_malformed(ev, "malformed ModelStreamInferResponse protobuf");
            return;
        }
        if (sr->error_message && sr->error_message[0]) {
            /* A streamed call reports its errors in the message, not in grpc-status. */
            ev->status = 500;
            ev->flags |= IG_EV_ERROR;
            return;
        }
        rs = sr->infer_response;
        if (!rs)
            return;
    } else {
        rs = inference__model_infer_response__unpack(&a, t->resp_body.n, t->resp_body.p);
        if (!rs) {
            ig_ad_malformed(ev, "malformed ModelInferResponse protobuf");
            return;
        }
    }
    decode_outputs(ctx, rs, ev);
}

static int grpc_decode(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                       struct ig_event *ev, const char **reason)
{
    bool stream = ig_span_eq_str(t->path, path_stream, sizeof path_stream - 1);
    int st = decode_request(ctx, t, ev, reason);
    if (st < 0)
        return st;
    decode_response(ctx, t, ev, stream);
    return IG_OK;
}

const struct ig_adapter ig_ad_oip_grpc = {
    .name = "oip_v2_grpc",
    .protocol = IG_PROTO_OIP_V2_GRPC,
    .probe = grpc_probe,
    .decode = grpc_decode,
};
