/* KServe v1 / TensorFlow Serving REST:
 *   POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict|:classify|:regress
 * Requests: "instances" (row form: list of lists, list of scalars, or list of objects of
 * named inputs whose features are concatenated in the key order of the first instance),
 * "examples" (classify/regress, like named instances), or "inputs" (columnar: one array,
 * or an object of named arrays sharing the batch dimension). Non-numeric named inputs
 * (strings, {"b64": ...}) are skipped; a list of strings becomes the prompt text.
 * Responses: "predictions" / "outputs" (lists of score rows, scalars = labels when all
 * integers else regression values, or objects with scores/probabilities/logits/classes),
 * and "results" of :classify ([[["label", score], ...], ...]) or :regress ([v, ...]). */
#include "adapters/ad_common.h"

#include <string.h>

static int kserve_v1_probe(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    if (!ig_span_eq_str(t->method, "POST", 4) || !ig_ad_starts(t->path, "/v1/models/"))
        return 0;
    if (ig_ad_ends(t->path, ":predict") || ig_ad_ends(t->path, ":classify") ||
        ig_ad_ends(t->path, ":regress"))
        return 90;
    return 0;
}

/* Model name and version (or label) from the path. */
static void parse_path(struct ig_span path, struct ig_event *ev)
{
    const uint8_t *p = path.p + 11, *end = path.p + path.n;
    const uint8_t *colon = end;
    while (colon > p && colon[-1] != ':')
        colon--;
    end = colon > p ? colon - 1 : end;
    const uint8_t *slash = memchr(p, '/', (size_t)(end - p));
    ig_ad_copy(ev->model, sizeof ev->model, (struct ig_span){ p, (size_t)((slash ? slash : end) - p) });
    if (!slash)
        return;
    struct ig_span rest = { slash, (size_t)(end - slash) };
    size_t skip = ig_ad_starts(rest, "/versions/") ? 10 : ig_ad_starts(rest, "/labels/") ? 8 : 0;
    if (skip)
        ig_ad_copy(ev->model_version, sizeof ev->model_version,
                   (struct ig_span){ rest.p + skip, rest.n - skip });
}

static uint32_t leaves(const struct ig_json *v)
{
    if (ig_json_is_numeric(v))
        return v->count;
    return v && v->type == IG_JSON_NUMBER ? 1 : 0;
}

static bool key_eq(const struct ig_json *a, const struct ig_json *b)
{
    return a->key.n == b->key.n && memcmp(a->key.p, b->key.p, a->key.n) == 0;
}

/* Finds members of one instance by the keys of the first: the next member in order is
 * tried first, since producers almost always write every instance in the same key order;
 * on the first miss (or when the instance repeats a key, where the last must win) a hash
 * index of the instance is built, so a shuffled instance costs linear work, not
 * members x members. */
struct finder {
    const struct ig_json *obj, *cursor;
    struct ig_json_index ix;
    bool indexed;
};

static void finder_init(struct finder *f, const struct ig_json *obj)
{
    f->obj = obj;
    f->cursor = ig_json_first(obj);
    f->indexed = false;
}

static const struct ig_json *member_like(struct finder *f, const struct ig_json *proto,
                                         struct ig_scratch *s)
{
    if (!f->indexed && !(f->obj->flags & IG_JSON_F_DUPKEYS) && f->cursor && key_eq(f->cursor, proto)) {
        const struct ig_json *m = f->cursor;
        f->cursor = m->next;
        return m;
    }
    if (!f->indexed) {
        if (ig_json_index_build(f->obj, s, &f->ix, NULL) < 0)
            return NULL;
        f->indexed = true;
    }
    struct ig_span k;
    if (ig_json_key(proto, s, &k) < 0)
        return NULL;
    return ig_json_index_get(&f->ix, k);
}

/* Rows of named inputs: features of each numeric member, in the key order of the first.
 * Returns IG_DONE when no member is numeric. */
static int named_rows(const struct ig_decode_ctx *ctx, const struct ig_json *arr, float **out,
                      uint32_t *rows_out, uint32_t *cols_out, const char **reason)
{
    const struct ig_json *first = ig_json_first(arr);
    uint64_t rows = ig_json_len(arr), cols = 0;
    for (const struct ig_json *m = ig_json_first(first); m; m = m->next)
        cols += leaves(m);
    if (cols == 0)
        return IG_DONE;   /* only strings or {"b64": ...}: a valid request without a tensor */
    float *f;
    int st = ig_ad_tensor_alloc(ctx, rows, cols, &f, reason);
    if (st < 0)
        return st;
    float *o = f;
    for (const struct ig_json *inst = first; inst; inst = inst->next) {
        if (inst->type != IG_JSON_OBJECT) {
            *reason = "instances mix objects and other values";
            return IG_EPARSE;
        }
        struct finder fd;
        finder_init(&fd, inst);
        for (const struct ig_json *pm = ig_json_first(first); pm; pm = pm->next) {
            uint32_t k = leaves(pm);
            if (!k)
                continue;
            const struct ig_json *m = member_like(&fd, pm, ctx->scratch);
            size_t n = 0;
            if (!m || leaves(m) != k) {
                *reason = "instances differ in inputs or shape";
                return IG_EPARSE;
            }
            st = ig_json_f32_array(m, o, k, &n, reason);
            if (st < 0)
                return st;
            o += k;
        }
    }
    *out = f;
    *rows_out = (uint32_t)rows;
    *cols_out = (uint32_t)cols;
    return IG_OK;
}

/* Columnar inputs: an object of named arrays sharing the batch dimension. Returns
 * IG_DONE when no input is numeric. */
static int named_columns(const struct ig_decode_ctx *ctx, const struct ig_json *obj, float **out,
                         uint32_t *rows_out, uint32_t *cols_out, const char **reason)
{
    uint64_t rows = 0, cols = 0;
    for (const struct ig_json *m = ig_json_first(obj); m; m = m->next) {
        uint32_t n = leaves(m);
        if (!n)
            continue;
        uint32_t r = m->type == IG_JSON_NUMBER ? 1 : m->shape[0];
        if (rows && r != rows) {
            *reason = "columnar inputs differ in batch size";
            return IG_EPARSE;
        }
        rows = r;
        cols += n / r;
    }
    if (!rows || !cols)
        return IG_DONE;   /* no numeric inputs (strings, b64): nothing to decode */
    int st = ig_ad_check_shape(ctx->cfg, rows, cols, reason);
    if (st < 0)
        return st;
    float *f = ig_scratch_alloc(ctx->scratch, (size_t)(rows * cols) * sizeof(float));
    float *tmp = ig_scratch_alloc(ctx->scratch, (size_t)(rows * cols) * sizeof(float));
    if (!f || !tmp) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    uint64_t off = 0;
    for (const struct ig_json *m = ig_json_first(obj); m; m = m->next) {
        uint32_t n = leaves(m);
        if (!n)
            continue;
        size_t got;
        st = ig_json_f32_array(m, tmp, n, &got, reason);
        if (st < 0)
            return st;
        uint64_t c = n / rows;
        for (uint64_t r = 0; r < rows; r++)
            memcpy(f + r * cols + off, tmp + r * c, (size_t)c * sizeof(float));
        off += c;
    }
    *out = f;
    *rows_out = (uint32_t)rows;
    *cols_out = (uint32_t)cols;
    return IG_OK;
}

/* A list of strings (text models): joined into the prompt. */
static void string_rows(const struct ig_decode_ctx *ctx, const struct ig_json *arr,
                        struct ig_event *ev, size_t cap)
{
    struct ig_ad_text b;
    if (ig_ad_text_init(&b, ctx->scratch, cap) < 0)
        return;
    for (const struct ig_json *v = ig_json_first(arr); v; v = v->next) {
        if (v->type != IG_JSON_STRING)
            continue;
        if (b.n)
            ig_ad_text_add(&b, "\n", 1);
        ig_ad_text_add_json(&b, ctx->scratch, v);
    }
    ev->prompt = ig_ad_text_span(&b);
    ev->flags |= IG_EV_TEXT;
}

static int decode_inputs(const struct ig_decode_ctx *ctx, const struct ig_json *v,
                         struct ig_event *ev, bool columnar, size_t body_n, const char **reason)
{
    float *f = NULL;
    uint32_t rows = 0, cols = 0;
    int st;
    const struct ig_json *first = ig_json_first(v);
    if (ig_json_is_numeric(v)) {
        st = ig_ad_matrix(ctx, v, &f, &rows, &cols, reason);
    } else if (columnar && v->type == IG_JSON_OBJECT) {
        st = named_columns(ctx, v, &f, &rows, &cols, reason);
    } else if (v->type == IG_JSON_ARRAY && first && first->type == IG_JSON_OBJECT) {
        st = named_rows(ctx, v, &f, &rows, &cols, reason);
    } else if (v->type == IG_JSON_ARRAY && first && first->type == IG_JSON_STRING) {
        string_rows(ctx, v, ev, IG_MIN(body_n, ctx->cfg ? ctx->cfg->max_string : body_n));
        return IG_OK;
    } else {
        *reason = v->type == IG_JSON_ARRAY && first ? "ragged or non-numeric instances"
                                                     : "instances are empty or not an array";
        return IG_EPARSE;
    }
    if (st != IG_OK)
        return st < 0 ? st : IG_OK;
    ev->inputs = f;
    ev->rows = rows;
    ev->features = cols;
    ev->flags |= IG_EV_TENSOR;
    return IG_OK;
}

static int set_labels(const struct ig_decode_ctx *ctx, struct ig_event *ev, const float *v,
                      uint32_t rows, const char **reason)
{
    if (ev->inputs && ev->rows != rows) {
        *reason = "output rows differ from input rows";
        return IG_EPARSE;
    }
    int32_t *l = ig_scratch_alloc(ctx->scratch, (size_t)rows * sizeof(int32_t));
    if (!l) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    for (uint32_t r = 0; r < rows; r++)
        l[r] = v[r] >= 0 && v[r] < 2147483647.0f ? (int32_t)v[r] : -1;
    ev->labels = l;
    ev->rows = rows;
    ev->flags |= IG_EV_LABELS;
    return IG_OK;
}

/* Which member of a prediction object carries the scores, and what they are. */
static const struct ig_json *pick_scores(const struct ig_json *obj, enum ig_ad_score_kind *kind)
{
    static const char *const probs[] = { "probabilities", "scores", "probs", "predictions" };
    *kind = IG_AD_SCORES_AUTO;
    for (size_t i = 0; i < IG_ARRAY_LEN(probs); i++) {
        const struct ig_json *m = ig_json_get(obj, probs[i]);
        if (leaves(m))
            return m;
    }
    const struct ig_json *m = ig_json_get(obj, "logits");
    if (leaves(m)) {
        *kind = IG_AD_SCORES_LOGITS;
        return m;
    }
    for (m = ig_json_first(obj); m; m = m->next)
        if (ig_json_is_numeric(m) && !ig_span_eq_str(m->key, "classes", 7))
            return m;
    return NULL;
}

/* A numeric array of outputs: rows of scores, or one scalar per row. */
static int numeric_outputs(const struct ig_decode_ctx *ctx, const struct ig_json *v,
                           struct ig_event *ev, enum ig_ad_score_kind kind, const char **reason)
{
    float *f;
    uint32_t rows, cols;
    int st = ig_ad_matrix(ctx, v, &f, &rows, &cols, reason);
    if (st < 0)
        return st;
    if (v->ndim == 1 && (v->flags & IG_JSON_F_INTEGER))
        return set_labels(ctx, ev, f, rows, reason);      /* class ids */
    return ig_ad_set_scores(ctx, ev, f, rows, cols, kind, reason);   /* 1 col: regression */
}

/* A list of objects, one per row. */
static int object_outputs(const struct ig_decode_ctx *ctx, const struct ig_json *arr,
                          struct ig_event *ev, const char **reason)
{
    const struct ig_json *first = ig_json_first(arr);
    enum ig_ad_score_kind kind;
    const struct ig_json *s0 = pick_scores(first, &kind);
    uint32_t rows = ig_json_len(arr);
    if (!s0) {
        /* No scores: "classes" as an integer per row is the label. */
        const struct ig_json *c0 = ig_json_get(first, "classes");
        if (!c0 || c0->type != IG_JSON_NUMBER || !(c0->flags & IG_JSON_F_INTEGER))
            return IG_OK;   /* nothing numeric to report (e.g. string labels) */
        float *lv = ig_scratch_alloc(ctx->scratch, (size_t)rows * sizeof(float));
        if (!lv) {
            *reason = "scratch memory exhausted";
            return IG_ENOMEM;
        }
        uint32_t r = 0;
        for (const struct ig_json *o = first; o; o = o->next, r++) {
            double d;
            if (ig_json_f64(ig_json_get(o, "classes"), &d) < 0) {
                *reason = "predictions differ in shape";
                return IG_EPARSE;
            }
            lv[r] = (float)d;
        }
        return set_labels(ctx, ev, lv, rows, reason);
    }
    uint32_t cols = leaves(s0);
    float *f;
    int st = ig_ad_tensor_alloc(ctx, rows, cols, &f, reason);
    if (st < 0)
        return st;
    uint32_t r = 0;
    for (const struct ig_json *o = first; o; o = o->next, r++) {
        struct finder fd;
        const struct ig_json *m = NULL;
        if (o->type == IG_JSON_OBJECT) {
            finder_init(&fd, o);
            m = member_like(&fd, s0, ctx->scratch);
        }
        size_t n;
        if (!m || leaves(m) != cols) {
            *reason = "predictions differ in shape";
            return IG_EPARSE;
        }
        if ((st = ig_json_f32_array(m, f + (size_t)r * cols, cols, &n, reason)) < 0)
            return st;
    }
    return ig_ad_set_scores(ctx, ev, f, rows, cols, kind, reason);
}

/* :classify results: [[["label", score], ...], ...] per example. */
static int classify_results(const struct ig_decode_ctx *ctx, const struct ig_json *res,
                            struct ig_event *ev, const char **reason)
{
    const struct ig_json *first = ig_json_first(res);
    uint32_t rows = ig_json_len(res), cols = ig_json_len(first);
    if (!rows || !cols) {
        *reason = "empty classification results";
        return IG_EPARSE;
    }
    float *f;
    int st = ig_ad_tensor_alloc(ctx, rows, cols, &f, reason);
    if (st < 0)
        return st;
    size_t i = 0;
    for (const struct ig_json *row = first; row; row = row->next) {
        if (ig_json_len(row) != cols) {
            *reason = "classification results differ in classes";
            return IG_EPARSE;
        }
        for (const struct ig_json *pair = ig_json_first(row); pair; pair = pair->next) {
            const struct ig_json *lab = ig_json_first(pair);
            double d;
            if (!lab || !lab->next || ig_json_f64(lab->next, &d) < 0) {
                *reason = "classification result is not [label, score]";
                return IG_EPARSE;
            }
            f[i++] = (float)d;
        }
    }
    return ig_ad_set_scores(ctx, ev, f, rows, cols, IG_AD_SCORES_AUTO, reason);
}

static int decode_outputs(const struct ig_decode_ctx *ctx, const struct ig_json *root,
                          struct ig_event *ev, const char **reason)
{
    const struct ig_json *v = ig_json_get(root, "predictions");
    if (!v)
        v = ig_json_get(root, "outputs");
    if (!v) {
        const struct ig_json *res = ig_json_get(root, "results");
        if (!res)
            return IG_OK;   /* e.g. {"error": ...}: nothing to decode */
        /* :regress values are regression outputs, never logits, whatever their range */
        if (ig_json_is_numeric(res))
            return numeric_outputs(ctx, res, ev, IG_AD_SCORES_PROBS, reason);
        return classify_results(ctx, res, ev, reason);
    }
    if (ig_json_is_numeric(v))
        return numeric_outputs(ctx, v, ev, IG_AD_SCORES_AUTO, reason);
    if (v->type == IG_JSON_OBJECT) {
        /* Columnar outputs: the scores tensor among the named outputs. */
        enum ig_ad_score_kind kind;
        const struct ig_json *s = pick_scores(v, &kind);
        return s ? numeric_outputs(ctx, s, ev, kind, reason) : IG_OK;
    }
    const struct ig_json *first = ig_json_first(v);
    if (first && first->type == IG_JSON_OBJECT)
        return object_outputs(ctx, v, ev, reason);
    if (first && first->type == IG_JSON_STRING)
        return IG_OK;   /* label names: nothing numeric */
    if (!first)
        return IG_OK;
    *reason = "ragged or non-numeric predictions";
    return IG_EPARSE;
}

static int kserve_v1_decode(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                            struct ig_event *ev, const char **reason)
{
    parse_path(t->path, ev);
    /* A body over http.request_body_limit: its head is decoded all the same (the caller
     * flags the event truncated and has the text detectors scan it raw if it does not parse). */
    const struct ig_json *req;
    int st = ig_ad_parse(ctx, t->req_body, &req, reason);
    if (st < 0)
        return st;
    if (req->type != IG_JSON_OBJECT) {
        *reason = "request is not a JSON object";
        return IG_EPARSE;
    }
    const struct ig_json *in = ig_json_get(req, "instances");
    bool columnar = false;
    if (!in)
        in = ig_json_get(req, "examples");
    if (!in) {
        in = ig_json_get(req, "inputs");
        columnar = true;
    }
    if (!in) {
        *reason = "request has no instances or inputs";
        return IG_EPARSE;
    }
    const char *why = NULL;
    if (decode_inputs(ctx, in, ev, columnar, t->req_body.n, &why) < 0)
        ig_ad_malformed(ev, why);

    if (t->status < 200 || t->status >= 300 || t->resp_body.n == 0)
        return IG_OK;
    if (t->resp_body_truncated) {
        ig_ad_malformed(ev, "response body over http.response_body_limit");
        return IG_OK;
    }
    const struct ig_json *resp;
    if (ig_ad_parse(ctx, t->resp_body, &resp, &why) < 0 || resp->type != IG_JSON_OBJECT) {
        ig_ad_malformed(ev, why ? why : "response is not a JSON object");
        return IG_OK;
    }
    if (decode_outputs(ctx, resp, ev, &why) < 0)
        ig_ad_malformed(ev, why);
    return IG_OK;
}

const struct ig_adapter ig_ad_kserve_v1 = {
    .name = "kserve_v1",
    .protocol = IG_PROTO_KSERVE_V1,
    .probe = kserve_v1_probe,
    .decode = kserve_v1_decode,
};
