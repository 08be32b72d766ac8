/* Open Inference Protocol v2 REST (KServe v2, Triton, MLServer, TorchServe):
 * POST /v2/models/{name}[/versions/{v}]/infer with
 *   {"id", "parameters", "inputs": [{"name", "shape", "datatype", "data", "parameters"}]}
 * answered by {"model_name", "model_version", "id", "outputs": [...same tensor form...]},
 * and Triton's binary tensor extension: the Inference-Header-Content-Length header gives
 * the size of the JSON header; tensors whose parameters carry "binary_data_size" follow it
 * as raw little-endian bytes, in the order they are listed.
 * Conventions (README "Events"): every numeric datatype becomes float32; BYTES tensors are
 * not features and are skipped; several numeric inputs with the same number of rows are
 * concatenated per row, otherwise the first numeric input is used. Scores are the first
 * floating-point output (else the first numeric output with >= 2 columns); a single-column
 * integer output, or Triton's classification output ("score:index:label" strings), is the
 * predicted label. A shape that disagrees with the data marks the
 * event malformed and drops that tensor rather than guessing. */
#include "adapters/ad_common.h"

#include <string.h>

#define OIP_MAX_TENSORS 16
#define OIP_MAX_DIMS 16

enum dt { DT_BOOL, DT_U8, DT_U16, DT_U32, DT_U64, DT_I8, DT_I16, DT_I32, DT_I64,
          DT_F16, DT_F32, DT_F64, DT_BYTES };

static const struct { const char *name; uint8_t size; } dtypes[] = {
    [DT_BOOL] = { "BOOL", 1 }, [DT_U8] = { "UINT8", 1 }, [DT_U16] = { "UINT16", 2 },
    [DT_U32] = { "UINT32", 4 }, [DT_U64] = { "UINT64", 8 }, [DT_I8] = { "INT8", 1 },
    [DT_I16] = { "INT16", 2 }, [DT_I32] = { "INT32", 4 }, [DT_I64] = { "INT64", 8 },
    [DT_F16] = { "FP16", 2 }, [DT_F32] = { "FP32", 4 }, [DT_F64] = { "FP64", 8 },
    [DT_BYTES] = { "BYTES", 0 },
};

struct tensor {
    float *v;
    uint32_t rows, cols;
    enum dt dt;
    const uint8_t *raw;          /* a binary BYTES tensor: its bytes, left undecoded */
    size_t nraw;
};

/* Raw tensors after the JSON header (binary extension). */
struct bin {
    const uint8_t *p;
    size_t n;
};

static int oip_probe(const struct ig_http_txn *t)
{
    if (!ig_span_eq_str(t->method, "POST", 4) || !ig_ad_starts(t->path, "/v2/models/") ||
        !ig_ad_ends(t->path, "/infer"))
        return 0;
    return t->path.n > 17 ? 90 : 0;
}

/* /v2/models/{name}[/versions/{v}]/infer */
static void parse_path(struct ig_span path, struct ig_event *ev)
{
    const uint8_t *p = path.p + 11, *end = path.p + path.n - 6;
    if (end <= p)
        return;
    const uint8_t *slash = memchr(p, '/', (size_t)(end - p));
    ig_ad_copy(ev->model, sizeof ev->model, (struct ig_span){ p, (size_t)((slash ? slash : end) - p) });
    if (!slash)
        return;
    struct ig_span rest = { slash, (size_t)(end - slash) };
    if (ig_ad_starts(rest, "/versions/"))
        ig_ad_copy(ev->model_version, sizeof ev->model_version,
                   (struct ig_span){ slash + 10, (size_t)(end - slash - 10) });
}

static float half_to_float(uint16_t h)
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
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp - 15 + 127) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint64_t le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Raw little-endian elements -> float32. Non-finite floats make the tensor malformed. */
static int decode_raw(enum dt dt, const uint8_t *p, size_t count, float *out, const char **reason)
{
    unsigned size = dtypes[dt].size;
    for (size_t i = 0; i < count; i++, p += size) {
        uint64_t u = le(p, size);
        float f;
        switch (dt) {
        case DT_BOOL: f = u ? 1.0f : 0.0f; break;
        case DT_U8: case DT_U16: case DT_U32: case DT_U64: f = (float)u; break;
        case DT_I8: f = (float)(int8_t)u; break;
        case DT_I16: f = (float)(int16_t)u; break;
        case DT_I32: f = (float)(int32_t)u; break;
        case DT_I64: f = (float)(int64_t)u; break;
        case DT_F16: f = half_to_float((uint16_t)u); break;
        case DT_F32: { uint32_t b = (uint32_t)u; memcpy(&f, &b, 4); break; }
        case DT_F64: { double d; memcpy(&d, &u, 8); f = (float)d; break; }
        default: f = 0; break;
        }
        if (unlikely(f - f != 0)) {
            *reason = "non-finite value in binary tensor";
            return IG_EPARSE;
        }
        out[i] = f;
    }
    return IG_OK;
}

/* Flattens JSON data that is not one numeric array: bools, or nesting with mixed leaves.
 * Writes at most <max> values; returns the number of leaves seen, or -1 on a leaf that is
 * neither number nor bool. */
static long flatten(const struct ig_json *v, float *out, size_t max, size_t k, int depth)
{
    if (depth > 32)
        return -1;
    switch (v->type) {
    case IG_JSON_TRUE:
    case IG_JSON_FALSE:
        if (k < max)
            out[k] = v->type == IG_JSON_TRUE ? 1.0f : 0.0f;
        return (long)k + 1;
    case IG_JSON_NUMBER:
    case IG_JSON_ARRAY:
        if (v->type == IG_JSON_NUMBER || ig_json_is_numeric(v)) {
            size_t n;
            const char *why;
            if ((size_t)v->count > max - IG_MIN(k, max))
                return (long)(k + v->count);   /* too many: the caller reports the mismatch */
            if (ig_json_f32_array(v, out + k, max - k, &n, &why) < 0)
                return -1;
            return (long)(k + n);
        }
        for (const struct ig_json *c = ig_json_first(v); c; c = ig_json_next(c)) {
            long r = flatten(c, out, max, k, depth + 1);
            if (r < 0)
                return -1;
            k = (size_t)r;
        }
        return (long)k;
    default:
        return -1;
    }
}

static int find_dt(const struct ig_json *s, enum dt *dt)
{
    for (size_t i = 0; i < IG_ARRAY_LEN(dtypes); i++)
        if (ig_json_str_eq(s, dtypes[i].name)) {
            *dt = (enum dt)i;
            return IG_OK;
        }
    return IG_EPARSE;
}

/* Decodes one input or output tensor object. Returns IG_OK (numeric tensor in *t),
 * IG_DONE (a BYTES tensor, skipped) or a negative status with *reason. */
static int decode_tensor(const struct ig_decode_ctx *ctx, const struct ig_json *obj,
                         struct bin *bin, struct tensor *t, const char **reason)
{
    if (!obj || obj->type != IG_JSON_OBJECT) {
        *reason = "tensor is not an object";
        return IG_EPARSE;
    }
    if (find_dt(ig_json_get(obj, "datatype"), &t->dt) < 0) {
        *reason = "missing or unknown tensor datatype";
        return IG_EPARSE;
    }
    /* shape: a list of non-negative integers */
    const struct ig_json *shape = ig_json_get(obj, "shape");
    double dims[OIP_MAX_DIMS];
    size_t nd = 0;
    if (!ig_json_is_numeric(shape) || shape->ndim != 1 || !(shape->flags & IG_JSON_F_INTEGER) ||
        ig_json_f64_array(shape, dims, OIP_MAX_DIMS, &nd, reason) < 0) {
        *reason = "missing or invalid tensor shape";
        return IG_EPARSE;
    }
    uint64_t elems = 1;
    for (size_t i = 0; i < nd; i++) {
        if (dims[i] < 0 || dims[i] > 4294967295.0) {
            *reason = "invalid tensor shape";
            return IG_EPARSE;
        }
        elems *= (uint64_t)dims[i];
        if (elems > ctx->cfg->max_values) {
            *reason = "tensor larger than adapters.max_values";
            return IG_ELIMIT;
        }
    }
    uint64_t rows = nd ? (uint64_t)dims[0] : 1;
    if (elems == 0 || rows == 0) {
        *reason = "empty tensor";
        return IG_EPARSE;
    }
    uint64_t cols = elems / rows;

    /* binary extension */
    const struct ig_json *bsize = ig_json_get(ig_json_get(obj, "parameters"), "binary_data_size");
    if (bsize) {
        uint64_t nb;
        if (ig_json_u64(bsize, &nb) < 0 || nb > bin->n) {
            *reason = "binary_data_size beyond the binary data";
            return IG_EPARSE;
        }
        const uint8_t *raw = bin->p;
        bin->p += nb;
        bin->n -= nb;
        if (t->dt == DT_BYTES) {
            t->raw = raw;
            t->nraw = nb;
            return IG_DONE;
        }
        if (nb != elems * dtypes[t->dt].size) {
            *reason = "binary_data_size does not match shape and datatype";
            return IG_EPARSE;
        }
        int st = ig_ad_check_shape(ctx->cfg, rows, cols, reason);
        if (st < 0)
            return st;
        t->v = ig_scratch_alloc(ctx->scratch, elems * sizeof(float));
        if (!t->v) {
            *reason = "scratch memory exhausted";
            return IG_ENOMEM;
        }
        if ((st = decode_raw(t->dt, raw, elems, t->v, reason)) < 0)
            return st;
        t->rows = (uint32_t)rows;
        t->cols = (uint32_t)cols;
        return IG_OK;
    }

    if (t->dt == DT_BYTES)
        return IG_DONE;
    const struct ig_json *data = ig_json_get(obj, "data");
    if (!data) {
        *reason = "tensor without data";
        return IG_EPARSE;
    }
    int st = ig_ad_check_shape(ctx->cfg, rows, cols, reason);
    if (st < 0)
        return st;
    t->v = ig_scratch_alloc(ctx->scratch, elems * sizeof(float));
    if (!t->v) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    if (ig_json_is_numeric(data)) {
        size_t n;
        if (data->count != elems) {
            *reason = "tensor data does not match its shape";
            return IG_EPARSE;
        }
        if ((st = ig_json_f32_array(data, t->v, elems, &n, reason)) < 0)
            return st;
    } else {
        long n = flatten(data, t->v, elems, 0, 0);
        if (n < 0) {
            *reason = "tensor data holds a value that is not a number or bool";
            return IG_EPARSE;
        }
        if ((uint64_t)n != elems) {
            *reason = "tensor data does not match its shape";
            return IG_EPARSE;
        }
    }
    t->rows = (uint32_t)rows;
    t->cols = (uint32_t)cols;
    return IG_OK;
}

/* Splits a body into JSON header and binary part per Inference-Header-Content-Length. */
static int split_body(const struct ig_http_txn *t, int dir, struct ig_span body,
                      struct ig_span *json, struct bin *bin, bool *binary, const char **reason)
{
    const struct ig_span *h = ig_http_header(t, dir, "Inference-Header-Content-Length");
    *json = body;
    *bin = (struct bin){ NULL, 0 };
    if (!h)
        return IG_OK;
    uint64_t n = 0;
    if (h->n == 0 || h->n > 12) {
        *reason = "invalid Inference-Header-Content-Length";
        return IG_EPARSE;
    }
    for (size_t i = 0; i < h->n; i++) {
        if (h->p[i] < '0' || h->p[i] > '9') {
            *reason = "invalid Inference-Header-Content-Length";
            return IG_EPARSE;
        }
        n = n * 10 + (uint64_t)(h->p[i] - '0');
    }
    if (n > body.n) {
        *reason = "Inference-Header-Content-Length beyond the body";
        return IG_EPARSE;
    }
    json->n = n;
    *bin = (struct bin){ body.p + n, body.n - n };
    *binary = true;
    return IG_OK;
}

/* "score:index[:label]" -> index. */
static int class_index(const uint8_t *p, const uint8_t *e, float *out)
{
    p = memchr(p, ':', (size_t)(e - p));
    if (!p)
        return IG_EPARSE;
    int64_t idx = 0;
    int digits = 0;
    for (p++; p < e && *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
        idx = idx * 10 + (*p - '0');
    if (digits == 0 || (p < e && *p != ':'))
        return IG_EPARSE;
    *out = (float)idx;
    return IG_OK;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Triton's classification extension answers with BYTES strings "score:index[:label]",
 * best first, shape [rows, k] (or [k] for one row): the first index of each row is the
 * predicted label. The strings are in "data", or, with the binary extension, in <bt>'s
 * bytes (each a 4-byte little-endian length, then the string; what tritonclient asks for
 * by default). Returns IG_OK (label filled, or left empty when <o> is some other BYTES
 * tensor) or IG_EPARSE. */
static int classification_labels(const struct ig_decode_ctx *ctx, const struct ig_json *o,
                                 const struct tensor *bt, struct tensor *label)
{
    const struct ig_json *data = ig_json_get(o, "data"), *shape = ig_json_get(o, "shape");
    const struct ig_json *first = ig_json_first(data);
    bool bin = bt->raw != NULL;
    if ((!bin && (!first || first->type != IG_JSON_STRING)) || !ig_json_is_numeric(shape) ||
        shape->ndim != 1 || shape->count < 1 || shape->count > 2)
        return IG_OK;
    /* must look like "float:int" to be a classification output at all */
    const uint8_t *s0 = bin ? bt->raw + 4 : first->raw.p;
    size_t n0 = bin ? (bt->nraw >= 4 ? IG_MIN(le32(bt->raw), bt->nraw - 4) : 0) : first->raw.n;
    if (!n0 || !memchr(s0, ':', n0))
        return IG_OK;
    double dims[2];
    size_t nd;
    const char *why;
    if (ig_json_f64_array(shape, dims, 2, &nd, &why) < 0)
        return IG_EPARSE;
    uint64_t rows = nd == 2 ? (uint64_t)dims[0] : 1, k = nd == 2 ? (uint64_t)dims[1] : (uint64_t)dims[0];
    if (rows == 0 || k == 0 || rows > ctx->cfg->max_rows || (!bin && rows * k != ig_json_len(data)))
        return IG_EPARSE;
    float *v = ig_scratch_alloc(ctx->scratch, rows * sizeof *v);
    if (!v)
        return IG_EPARSE;
    if (bin) {
        const uint8_t *p = bt->raw, *end = bt->raw + bt->nraw;
        for (uint64_t i = 0; i < rows * k; i++) {
            if (end - p < 4 || le32(p) > (size_t)(end - p - 4))
                return IG_EPARSE;
            uint32_t n = le32(p);
            p += 4;
            if (i % k == 0 && class_index(p, p + n, &v[i / k]) < 0)
                return IG_EPARSE;
            p += n;
        }
    } else {
        const struct ig_json *c = first;
        for (uint64_t r = 0; r < rows; r++) {
            if (c->type != IG_JSON_STRING || class_index(c->raw.p, c->raw.p + c->raw.n, &v[r]) < 0)
                return IG_EPARSE;
            for (uint64_t j = 0; j < k && c; j++)
                c = ig_json_next(c);
            if (!c && r + 1 < rows)
                return IG_EPARSE;
        }
    }
    *label = (struct tensor){ .v = v, .rows = (uint32_t)rows, .cols = 1, .dt = DT_I64 };
    return IG_OK;
}

static bool is_float_dt(enum dt d) { return d == DT_F16 || d == DT_F32 || d == DT_F64; }

/* Request: the feature matrix. Negative return = undecodable request (caller drops). */
static int decode_request(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                          struct ig_event *ev, const char **reason)
{
    struct ig_span json;
    struct bin bin;
    bool binary = false;
    /* A body over http.request_body_limit: its head is decoded all the same (the caller
     * flags the event truncated and has the text detectors scan it raw if it does not parse). */
    int st = split_body(t, 0, t->req_body, &json, &bin, &binary, reason);
    if (st < 0)
        return st;
    if (binary)
        ev->protocol = IG_PROTO_OIP_V2_BINARY;
    const struct ig_json *root;
    if ((st = ig_ad_parse(ctx, json, &root, reason)) < 0)
        return st;
    if (root->type != IG_JSON_OBJECT) {
        *reason = "request is not a JSON object";
        return IG_EPARSE;
    }
    const struct ig_json *inputs = ig_json_get(root, "inputs");
    if (!inputs || inputs->type != IG_JSON_ARRAY) {
        *reason = "request without inputs[]";
        return IG_EPARSE;
    }
    struct tensor ts[OIP_MAX_TENSORS];
    uint32_t nt = 0;
    for (const struct ig_json *in = ig_json_first(inputs); in; in = ig_json_next(in)) {
        struct tensor tt = {0};
        st = decode_tensor(ctx, in, &bin, &tt, reason);
        if (st == IG_DONE)
            continue;
        if (st < 0) {
            /* One bad tensor spoils the feature vector: flag, keep the rest of the event. */
            ig_ad_malformed(ev, *reason);
            return IG_OK;
        }
        if (nt < OIP_MAX_TENSORS)
            ts[nt++] = tt;
    }
    if (nt == 0)
        return IG_OK;   /* only BYTES (or no) inputs: no feature tensor */
    uint64_t cols = 0;
    bool same_rows = true;
    for (uint32_t i = 0; i < nt; i++) {
        same_rows &= ts[i].rows == ts[0].rows;
        cols += ts[i].cols;
    }
    if (nt == 1 || !same_rows) {
        ev->inputs = ts[0].v;
        ev->rows = ts[0].rows;
        ev->features = ts[0].cols;
    } else {
        if ((st = ig_ad_check_shape(ctx->cfg, ts[0].rows, cols, reason)) < 0) {
            ig_ad_malformed(ev, *reason);
            return IG_OK;
        }
        float *m = ig_scratch_alloc(ctx->scratch, (size_t)ts[0].rows * cols * sizeof(float));
        if (!m) {
            *reason = "scratch memory exhausted";
            return IG_ENOMEM;
        }
        for (uint32_t r = 0; r < ts[0].rows; r++) {
            float *dst = m + (size_t)r * cols;
            for (uint32_t i = 0; i < nt; i++) {
                memcpy(dst, ts[i].v + (size_t)r * ts[i].cols, ts[i].cols * sizeof(float));
                dst += ts[i].cols;
            }
        }
        ev->inputs = m;
        ev->rows = ts[0].rows;
        ev->features = (uint32_t)cols;
    }
    ev->flags |= IG_EV_TENSOR;
    return IG_OK;
}

/* Response: scores and labels. Problems flag the event; they never drop the request. */
static void decode_response(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                            struct ig_event *ev)
{
    const char *reason = NULL;
    struct ig_span json;
    struct bin bin;
    bool binary = false;
    if (t->status < 200 || t->status >= 300 || t->resp_body.n == 0)
        return;
    if (t->resp_body_truncated) {
        ig_ad_malformed(ev, "response body over http.response_body_limit");
        return;
    }
    if (split_body(t, 1, t->resp_body, &json, &bin, &binary, &reason) < 0) {
        ig_ad_malformed(ev, reason);
        return;
    }
    if (binary)
        ev->protocol = IG_PROTO_OIP_V2_BINARY;
    const struct ig_json *root;
    if (ig_ad_parse(ctx, json, &root, &reason) < 0) {
        ig_ad_malformed(ev, reason);
        return;
    }
    if (!ev->model[0])
        ig_json_str_copy(ig_json_get(root, "model_name"), ev->model, sizeof ev->model);
    if (!ev->model_version[0])
        ig_json_str_copy(ig_json_get(root, "model_version"), ev->model_version, sizeof ev->model_version);
    const struct ig_json *outputs = ig_json_get(root, "outputs");
    if (!outputs || outputs->type != IG_JSON_ARRAY) {
        ig_ad_malformed(ev, "response without outputs[]");
        return;
    }
    struct tensor score = {0}, label = {0};
    for (const struct ig_json *o = ig_json_first(outputs); o; o = ig_json_next(o)) {
        struct tensor tt = {0};
        int st = decode_tensor(ctx, o, &bin, &tt, &reason);
        if (st == IG_DONE) {
            if (!label.v && classification_labels(ctx, o, &tt, &label) < 0) {
                ig_ad_malformed(ev, "invalid classification output");
                return;
            }
            continue;
        }
        if (st < 0) {
            ig_ad_malformed(ev, reason);
            return;
        }
        if (!score.v && (is_float_dt(tt.dt) || tt.cols >= 2))
            score = tt;
        else if (!label.v && !is_float_dt(tt.dt) && tt.cols == 1)
            label = tt;
    }
    if (score.v) {
        if (ig_ad_set_scores(ctx, ev, score.v, score.rows, score.cols, IG_AD_SCORES_AUTO, &reason) < 0) {
            ig_ad_malformed(ev, reason);
            return;
        }
    }
    if (label.v) {
        if (ev->rows && label.rows != ev->rows) {
            ig_ad_malformed(ev, "label rows differ from input rows");
            return;
        }
        int32_t *l = ig_scratch_alloc(ctx->scratch, label.rows * sizeof *l);
        if (!l) {
            ig_ad_malformed(ev, "scratch memory exhausted");
            return;
        }
        for (uint32_t r = 0; r < label.rows; r++)
            l[r] = label.v[r] >= -2147483648.0f && label.v[r] < 2147483648.0f ? (int32_t)label.v[r] : -1;
        ev->labels = l;
        ev->rows = label.rows;
        ev->flags |= IG_EV_LABELS;
    }
}

static int oip_decode(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                      struct ig_event *ev, const char **reason)
{
    parse_path(t->path, ev);
    int st = decode_request(ctx, t, ev, reason);
    if (st < 0)
        return st;
    decode_response(ctx, t, ev);
    return IG_OK;
}

const struct ig_adapter ig_ad_oip_v2 = {
    .name = "oip_v2",
    .protocol = IG_PROTO_OIP_V2,
    .probe = oip_probe,
    .decode = oip_decode,
};
