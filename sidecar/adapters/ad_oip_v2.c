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
#include "adapters/ad_tensor.h"

#include <string.h>

#define OIP_MAX_TENSORS 16
#define OIP_MAX_DIMS 16

struct tensor {
    float *v;
    uint32_t rows, cols;
    enum ig_ad_dt dt;
    const uint8_t *raw;          /* a binary BYTES tensor: its bytes, left undecoded */
    size_t nraw;
};

/* Raw tensors after the JSON header (binary extension). */
struct bin {
    const uint8_t *p;
    size_t n;
};

static int oip_probe(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
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

/* The REST form names the datatypes of the OIP spec; BF16 (a Triton gRPC/raw extension)
 * is not one of them. */
static int find_dt(const struct ig_json *s, enum ig_ad_dt *dt)
{
    if (ig_json_str_eq(s, "FP32")) {   /* nearly every tensor: one comparison, not twelve */
        *dt = IG_DT_F32;
        return IG_OK;
    }
    for (int i = IG_DT_BOOL; i <= IG_DT_BYTES; i++)
        if (i != IG_DT_BF16 && ig_json_str_eq(s, ig_ad_dt_name((enum ig_ad_dt)i))) {
            *dt = (enum ig_ad_dt)i;
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
        /* integers (IG_JSON_F_INTEGER); clamped so that the conversion is defined */
        int st = ig_ad_shape_dim(ctx->cfg, (int64_t)IG_MAX(-1.0, IG_MIN(dims[i], 4294967296.0)),
                                 &elems, reason);
        if (st < 0)
            return st;
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
        if (t->dt == IG_DT_BYTES) {
            t->raw = raw;
            t->nraw = nb;
            return IG_DONE;
        }
        if (nb != elems * ig_ad_dt_size(t->dt)) {
            *reason = "binary_data_size does not match shape and datatype";
            return IG_EPARSE;
        }
        int st = ig_ad_tensor_alloc(ctx, rows, cols, &t->v, reason);
        if (st < 0)
            return st;
        if ((st = ig_ad_raw_to_f32(t->dt, raw, elems, t->v, reason)) < 0) {
            *reason = "non-finite value in binary tensor";
            return st;
        }
        t->rows = (uint32_t)rows;
        t->cols = (uint32_t)cols;
        return IG_OK;
    }

    if (t->dt == IG_DT_BYTES)
        return IG_DONE;
    const struct ig_json *data = ig_json_get(obj, "data");
    if (!data) {
        *reason = "tensor without data";
        return IG_EPARSE;
    }
    int st = ig_ad_tensor_alloc(ctx, rows, cols, &t->v, reason);
    if (st < 0)
        return st;
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
static int split_body(const struct ig_http_txn *t, enum ig_flow_dir dir, struct ig_span body,
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
    size_t n0 = bin ? (bt->nraw >= 4 ? IG_MIN(ig_ad_le32(bt->raw), bt->nraw - 4) : 0) : first->raw.n;
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
            if (end - p < 4 || ig_ad_le32(p) > (size_t)(end - p - 4))
                return IG_EPARSE;
            uint32_t n = ig_ad_le32(p);
            p += 4;
            if (i % k == 0 && ig_ad_class_index(p, p + n, &v[i / k]) < 0)
                return IG_EPARSE;
            p += n;
        }
    } else {
        const struct ig_json *c = first;
        for (uint64_t r = 0; r < rows; r++) {
            if (c->type != IG_JSON_STRING || ig_ad_class_index(c->raw.p, c->raw.p + c->raw.n, &v[r]) < 0)
                return IG_EPARSE;
            for (uint64_t j = 0; j < k && c; j++)
                c = ig_json_next(c);
            if (!c && r + 1 < rows)
                return IG_EPARSE;
        }
    }
    *label = (struct tensor){ .v = v, .rows = (uint32_t)rows, .cols = 1, .dt = IG_DT_I64 };
    return IG_OK;
}

/* Request: the feature matrix. Negative return = undecodable request (caller drops). */
static int decode_request(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                          struct ig_event *ev, const char **reason)
{
    struct ig_span json;
    struct bin bin;
    bool binary = false;
    /* A body over http.request_body_limit: its head is decoded all the same (the caller
     * flags the event truncated and has the text detectors scan it raw if it does not parse). */
    int st = split_body(t, IG_DIR_TO_SERVER, t->req_body, &json, &bin, &binary, reason);
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
    struct ig_ad_tensor ts[OIP_MAX_TENSORS];
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
            ts[nt++] = (struct ig_ad_tensor){ tt.v, tt.rows, tt.cols, tt.dt };
    }
    if (nt == 0)
        return IG_OK;   /* only BYTES (or no) inputs: no feature tensor */
    return ig_ad_set_inputs(ctx, ev, ts, nt, reason);
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
    if (split_body(t, IG_DIR_TO_CLIENT, t->resp_body, &json, &bin, &binary, &reason) < 0) {
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
        if (!score.v && (ig_ad_dt_is_float(tt.dt) || tt.cols >= 2))
            score = tt;
        else if (!label.v && !ig_ad_dt_is_float(tt.dt) && tt.cols == 1)
            label = tt;
    }
    if (score.v) {
        if (ig_ad_set_scores(ctx, ev, score.v, score.rows, score.cols, IG_AD_SCORES_AUTO, &reason) < 0) {
            ig_ad_malformed(ev, reason);
            return;
        }
    }
    if (label.v)
        ig_ad_set_labels(ctx, ev, label.v, label.rows);
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
