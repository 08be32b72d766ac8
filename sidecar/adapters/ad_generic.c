/* Generic JSON adapter for in-house model servers, configured per route (adapters.generic):
 * a POST whose path starts with a configured route is decoded with that route's dot paths.
 * Path syntax: members separated by '.', "[N]" indexes an array, "[]" maps over an array
 * (one row per element; at most one "[]" per path): "data.features", "outputs[0].data",
 * "instances[].values", "[]" (the body itself is the list of rows).
 * Shapes: a flat array is one row; an array of arrays is rows x columns; a scalar is 1 x 1;
 * with "[]" each element (scalar or flat array) is one row. Labels from .label must be
 * integers (one per row); without .label they are the argmax of the scores. */
#include "adapters/ad_common.h"

#include <stdlib.h>
#include <string.h>

/* Longest configured route prefix of <path>, or NULL. */
static const struct ig_generic_route *route_for(const struct ig_config *cfg, struct ig_span path)
{
    const struct ig_generic_route *best = NULL;
    size_t best_n = 0;
    for (uint32_t i = 0; cfg && i < cfg->n_generic_routes && i < IG_ARRAY_LEN(cfg->generic_routes); i++) {
        const struct ig_generic_route *r = &cfg->generic_routes[i];
        size_t n = strnlen(r->route_prefix, sizeof r->route_prefix);
        if (n && n < sizeof r->route_prefix && ig_ad_starts(path, r->route_prefix) &&
            n > best_n) {
            best = r;
            best_n = n;
        }
    }
    return best;
}

static int generic_probe(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t)
{
    if (!ig_span_eq_str(t->method, "POST", 4))
        return 0;
    return route_for(ctx->cfg, t->path) ? 95 : 0;   /* explicit configuration wins */
}

/* Follows <path> from <v>. Stops at "[]": *map is set to the array and *rest to what
 * follows it (without the leading '.'). Returns the node, or NULL when absent. */
static const struct ig_json *walk(const struct ig_json *v, const char *path,
                                  const struct ig_json **map, const char **rest)
{
    const char *p = path;
    *map = NULL;
    *rest = NULL;
    while (*p && v) {
        if (*p == '.')
            p++;
        if (*p != '[') {
            char key[128];
            size_t n = strcspn(p, ".[");
            if (n >= sizeof key)
                return NULL;
            memcpy(key, p, n);
            key[n] = '\0';
            v = ig_json_get(v, key);
            p += n;
            continue;
        }
        if (p[1] == ']') {
            if (v->type != IG_JSON_ARRAY)
                return NULL;
            *map = v;
            *rest = p[2] == '.' ? p + 3 : p + 2;
            return v;
        }
        char *end;
        unsigned long idx = strtoul(p + 1, &end, 10);
        if (end == p + 1 || *end != ']')
            return NULL;
        if (ig_json_is_numeric(v))
            return NULL;   /* indexing into a number array is not a path to a tensor */
        const struct ig_json *e = ig_json_first(v);
        for (unsigned long i = 0; e && i < idx; i++)
            e = e->next;
        v = e;
        p = end + 1;
    }
    return v;
}

static uint32_t leaves(const struct ig_json *v)
{
    if (ig_json_is_numeric(v))
        return v->count;
    return v && v->type == IG_JSON_NUMBER ? 1 : 0;
}

/* Resolves <path> in <root> to a rows x cols float matrix in scratch. */
static int tensor_at(const struct ig_decode_ctx *ctx, const struct ig_json *root,
                     const char *path, float **out, uint32_t *rows, uint32_t *cols,
                     const char **reason)
{
    const struct ig_json *map, *v;
    const char *rest;
    v = walk(root, path, &map, &rest);
    if (!v) {
        *reason = "generic: path not found";
        return IG_EPARSE;
    }
    if (!map) {
        if (v->type == IG_JSON_NUMBER || (ig_json_is_numeric(v) && v->ndim == 1)) {
            uint32_t n = leaves(v);
            float *f;
            size_t got;
            int st = ig_ad_check_shape(ctx->cfg, 1, n, reason);
            if (st < 0)
                return st;
            if (!(f = ig_scratch_alloc(ctx->scratch, (size_t)n * sizeof(float)))) {
                *reason = "scratch memory exhausted";
                return IG_ENOMEM;
            }
            if ((st = ig_json_f32_array(v, f, n, &got, reason)) < 0)
                return st;
            *out = f;
            *rows = 1;
            *cols = n;
            return IG_OK;
        }
        return ig_ad_matrix(ctx, v, out, rows, cols, reason);
    }
    /* One row per element of the mapped array. */
    uint32_t n = ig_json_len(map), c = 0;
    if (ig_json_is_numeric(map) && !*rest)
        return ig_ad_matrix(ctx, map, out, rows, cols, reason);
    const struct ig_json *sub, *m2;
    const char *r2;
    if (n == 0) {
        *reason = "generic: empty rows";
        return IG_EPARSE;
    }
    sub = walk(ig_json_first(map), rest, &m2, &r2);
    c = leaves(sub);
    if (!c || m2) {
        *reason = "generic: rows are not numbers or arrays of numbers";
        return IG_EPARSE;
    }
    float *f;
    int st = ig_ad_tensor_alloc(ctx, n, c, &f, reason);
    if (st < 0)
        return st;
    uint32_t r = 0;
    for (const struct ig_json *e = ig_json_first(map); e; e = e->next, r++) {
        size_t got;
        sub = walk(e, rest, &m2, &r2);
        if (leaves(sub) != c || m2) {
            *reason = "generic: rows differ in shape";
            return IG_EPARSE;
        }
        if ((st = ig_json_f32_array(sub, f + (size_t)r * c, c, &got, reason)) < 0)
            return st;
    }
    *out = f;
    *rows = n;
    *cols = c;
    return IG_OK;
}

static int labels_at(const struct ig_decode_ctx *ctx, const struct ig_json *root,
                     const char *path, struct ig_event *ev, const char **reason)
{
    float *f;
    uint32_t rows, cols;
    int st = tensor_at(ctx, root, path, &f, &rows, &cols, reason);
    if (st < 0)
        return st;
    uint32_t n = rows * cols;   /* [[1],[2]] and [1,2] alike: one label per row */
    if (rows > 1 && cols != 1) {
        *reason = "generic: one label per row expected";
        return IG_EPARSE;
    }
    if ((ev->inputs || ev->scores) && ev->rows != n) {
        *reason = "output rows differ from input rows";
        return IG_EPARSE;
    }
    int32_t *l = ig_scratch_alloc(ctx->scratch, (size_t)n * sizeof(int32_t));
    if (!l) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!(f[i] >= 0 && f[i] < 2147483647.0f) || f[i] != (float)(int32_t)f[i]) {
            *reason = "generic: labels must be non-negative integers";
            return IG_EPARSE;
        }
        l[i] = (int32_t)f[i];
    }
    ev->labels = l;
    ev->rows = n;
    ev->flags |= IG_EV_LABELS;
    return IG_OK;
}

static int generic_decode(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                          struct ig_event *ev, const char **reason)
{
    const struct ig_generic_route *r = route_for(ctx->cfg, t->path);
    if (!r) {
        *reason = "generic: no route configured for this path";
        return IG_EPARSE;
    }
    ig_ad_copy(ev->model, sizeof ev->model,
               (struct ig_span){ (const uint8_t *)(r->model[0] ? r->model : r->route_prefix),
                                 strnlen(r->model[0] ? r->model : r->route_prefix, 128) });
    /* A body over http.request_body_limit: its head is decoded all the same (the caller
     * flags the event truncated and has the text detectors scan it raw if it does not parse). */
    const struct ig_json *req;
    int st = ig_ad_parse(ctx, t->req_body, &req, reason);
    if (st < 0)
        return st;
    const char *why = NULL;
    if (r->features_path[0]) {
        float *f;
        uint32_t rows, cols;
        if (tensor_at(ctx, req, r->features_path, &f, &rows, &cols, &why) < 0) {
            ig_ad_malformed(ev, why);
        } else {
            ev->inputs = f;
            ev->rows = rows;
            ev->features = cols;
            ev->flags |= IG_EV_TENSOR;
        }
    }
    if (t->status < 200 || t->status >= 300 || t->resp_body.n == 0 ||
        (!r->scores_path[0] && !r->label_path[0]))
        return IG_OK;
    if (t->resp_body_truncated) {
        ig_ad_malformed(ev, "response body over http.response_body_limit");
        return IG_OK;
    }
    const struct ig_json *resp;
    if (ig_ad_parse(ctx, t->resp_body, &resp, &why) < 0) {
        ig_ad_malformed(ev, why);
        return IG_OK;
    }
    if (r->scores_path[0]) {
        enum ig_ad_score_kind kind = strcmp(r->scores_kind, "logits") == 0 ? IG_AD_SCORES_LOGITS
                                   : strcmp(r->scores_kind, "probabilities") == 0 ? IG_AD_SCORES_PROBS
                                   : IG_AD_SCORES_AUTO;
        float *f;
        uint32_t rows, cols;
        if (tensor_at(ctx, resp, r->scores_path, &f, &rows, &cols, &why) < 0 ||
            ig_ad_set_scores(ctx, ev, f, rows, cols, kind, &why) < 0) {
            ig_ad_malformed(ev, why);
            return IG_OK;
        }
    }
    if (r->label_path[0] && labels_at(ctx, resp, r->label_path, ev, &why) < 0)
        ig_ad_malformed(ev, why);
    return IG_OK;
}

const struct ig_adapter ig_ad_generic = {
    .name = "generic",
    .protocol = IG_PROTO_GENERIC_JSON,
    .probe = generic_probe,
    .decode = generic_decode,
};
