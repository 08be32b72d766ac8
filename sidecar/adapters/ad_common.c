/* Shared adapter helpers (see ad_common.h for the output conventions). */
#include "adapters/ad_common.h"

#include <math.h>
#include <string.h>
#include <strings.h>

bool ig_ad_starts(struct ig_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

bool ig_ad_ends(struct ig_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

void ig_ad_copy(char *dst, size_t cap, struct ig_span s)
{
    size_t n = IG_MIN(s.n, cap - 1);
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
}

bool ig_ad_header_has(const struct ig_http_txn *t, enum ig_flow_dir dir, const char *name,
                      const char *needle)
{
    /* Own lookup: adapters must not depend on the HTTP stage's helpers being linked. */
    const struct ig_http_header *h = dir ? t->resp_headers : t->req_headers;
    uint32_t nh = dir ? t->n_resp_headers : t->n_req_headers;
    size_t nl = strlen(name), nn = strlen(needle);
    const struct ig_span *v = NULL;
    for (uint32_t i = 0; i < nh && !v; i++)
        if (h[i].name.n == nl && strncasecmp((const char *)h[i].name.p, name, nl) == 0)
            v = &h[i].value;
    if (!v || v->n < nn)
        return false;
    for (size_t i = 0; i + nn <= v->n; i++)
        if (strncasecmp((const char *)v->p + i, needle, nn) == 0)
            return true;
    return false;
}

int ig_ad_parse(const struct ig_decode_ctx *ctx, struct ig_span body,
                const struct ig_json **root, const char **reason)
{
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, ctx->cfg);
    uint32_t doc = 0;
    int st = ig_json_parse_ex(body.p, body.n, &lim, ctx->scratch, root, reason, &doc);
    if (ctx->evasion) {
        if (doc & IG_JSON_DOC_DUPKEYS)
            *ctx->evasion |= IG_EVA_DUPLICATE_KEYS;
        if (doc & IG_JSON_DOC_NONFINITE)
            *ctx->evasion |= IG_EVA_NONFINITE;
    }
    return st;
}

int ig_ad_check_shape(const struct ig_config *cfg, uint64_t rows, uint64_t cols,
                      const char **reason)
{
    if (cfg && rows > cfg->max_rows) {
        *reason = "tensor rows over adapters.max_rows";
        return IG_ELIMIT;
    }
    if (cfg && cols > cfg->max_features) {
        *reason = "tensor features over adapters.max_features";
        return IG_ELIMIT;
    }
    if (cfg && rows * cols > cfg->max_values) {
        *reason = "tensor values over adapters.max_values";
        return IG_ELIMIT;
    }
    return IG_OK;
}

int ig_ad_tensor_alloc(const struct ig_decode_ctx *ctx, uint64_t rows, uint64_t cols, float **out,
                       const char **reason)
{
    int st = ig_ad_check_shape(ctx->cfg, rows, cols, reason);
    if (st < 0)
        return st;
    *out = ig_scratch_alloc(ctx->scratch, (size_t)(rows * cols) * sizeof(float));
    if (!*out) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    return IG_OK;
}

int ig_ad_matrix(const struct ig_decode_ctx *ctx, const struct ig_json *v, float **out,
                 uint32_t *rows, uint32_t *cols, const char **reason)
{
    if (!ig_json_is_numeric(v)) {
        *reason = "expected an array of numbers";
        return IG_EPARSE;
    }
    uint64_t r = v->ndim ? v->shape[0] : 0, c = 1;
    for (uint32_t d = 1; d < v->ndim; d++)
        c *= v->shape[d];
    if (r == 0 || c == 0) {
        *reason = "empty tensor";
        return IG_EPARSE;
    }
    float *f;
    int st = ig_ad_tensor_alloc(ctx, r, c, &f, reason);
    if (st < 0)
        return st;
    size_t n;
    st = ig_json_f32_array(v, f, (size_t)(r * c), &n, reason);
    if (st < 0)
        return st;
    if (n != r * c) {
        *reason = "tensor shape does not match its data";
        return IG_EPARSE;
    }
    *out = f;
    *rows = (uint32_t)r;
    *cols = (uint32_t)c;
    return IG_OK;
}

void ig_ad_malformed(struct ig_event *ev, const char *reason)
{
    ev->flags |= IG_EV_MALFORMED;
    if (!ev->malformed_reason)
        ev->malformed_reason = reason;
}

bool ig_ad_scores_are_logits(const float *s, uint32_t rows, uint32_t outputs)
{
    for (uint32_t r = 0; r < rows; r++) {
        const float *row = s + (size_t)r * outputs;
        double sum = 0;
        for (uint32_t i = 0; i < outputs; i++) {
            if (!(row[i] >= 0.0f && row[i] <= 1.0f))
                return true;
            sum += row[i];
        }
        if (outputs >= 2 && fabs(sum - 1.0) > 1e-3)
            return true;
    }
    return false;
}

int32_t ig_ad_argmax(const float *row, uint32_t n)
{
    if (n == 0)
        return -1;
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (row[i] > row[best])
            best = i;
    return (int32_t)best;
}

void ig_ad_softmax(const float *in, float *out, uint32_t n)
{
    if (n == 0)
        return;
    float mx = in[0];
    for (uint32_t i = 1; i < n; i++)
        mx = in[i] > mx ? in[i] : mx;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        double e = exp((double)in[i] - (double)mx);   /* shifted: never overflows */
        out[i] = (float)e;
        sum += e;
    }
    for (uint32_t i = 0; i < n; i++)
        out[i] = (float)((double)out[i] / sum);
}

float ig_ad_top1_margin(const float *row, uint32_t n, bool logits)
{
    if (n == 0)
        return 0.0f;
    if (n == 1) {
        double p = logits ? 1.0 / (1.0 + exp(-(double)row[0])) : (double)row[0];
        return (float)fabs(2.0 * p - 1.0);
    }
    /* Top two by value; softmax is monotonic, so only their probabilities are needed. */
    uint32_t a = row[1] > row[0] ? 1 : 0, b = 1 - a;
    for (uint32_t i = 2; i < n; i++) {
        if (row[i] > row[a]) {
            b = a;
            a = i;
        } else if (row[i] > row[b]) {
            b = i;
        }
    }
    if (!logits)
        return row[a] - row[b];
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += exp((double)row[i] - (double)row[a]);
    return (float)((1.0 - exp((double)row[b] - (double)row[a])) / sum);
}

int ig_ad_set_scores(const struct ig_decode_ctx *ctx, struct ig_event *ev, const float *scores,
                     uint32_t rows, uint32_t outputs, enum ig_ad_score_kind kind,
                     const char **reason)
{
    if (rows == 0 || outputs == 0) {
        *reason = "empty outputs";
        return IG_EPARSE;
    }
    if (ev->inputs && ev->rows != rows) {
        *reason = "output rows differ from input rows";
        return IG_EPARSE;
    }
    int st = ig_ad_check_shape(ctx->cfg, rows, outputs, reason);
    if (st < 0)
        return st;
    int32_t *labels = NULL;
    if (outputs >= 2) {
        labels = ig_scratch_alloc(ctx->scratch, (size_t)rows * sizeof(int32_t));
        if (!labels) {
            *reason = "scratch memory exhausted";
            return IG_ENOMEM;
        }
        for (uint32_t r = 0; r < rows; r++)
            labels[r] = ig_ad_argmax(scores + (size_t)r * outputs, outputs);
    }
    bool logits = kind == IG_AD_SCORES_LOGITS ||
                  (kind == IG_AD_SCORES_AUTO && ig_ad_scores_are_logits(scores, rows, outputs));
    ev->rows = rows;
    ev->outputs = outputs;
    ev->scores = scores;
    ev->flags |= IG_EV_SCORES | (logits ? IG_EV_LOGITS : 0);
    if (labels) {
        ev->labels = labels;
        ev->flags |= IG_EV_LABELS;
    }
    return IG_OK;
}

int ig_ad_text_init(struct ig_ad_text *b, struct ig_scratch *s, size_t cap)
{
    *b = (struct ig_ad_text){ 0 };
    if (cap == 0)
        return IG_OK;
    b->p = ig_scratch_alloc(s, cap);
    if (!b->p)
        return IG_ENOMEM;
    b->cap = cap;
    return IG_OK;
}

void ig_ad_text_add(struct ig_ad_text *b, const void *p, size_t n)
{
    size_t room = b->cap - b->n;
    if (n > room) {
        n = room;
        b->truncated = true;
    }
    if (n) {
        memcpy(b->p + b->n, p, n);
        b->n += n;
    }
}

void ig_ad_text_addz(struct ig_ad_text *b, const char *z)
{
    ig_ad_text_add(b, z, strlen(z));
}

void ig_ad_text_add_json(struct ig_ad_text *b, struct ig_scratch *s, const struct ig_json *v)
{
    struct ig_span sp;
    if (v && v->type == IG_JSON_STRING && ig_json_str(v, s, &sp) == IG_OK)
        ig_ad_text_add(b, sp.p, sp.n);
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Appends code point <cp> as UTF-8 (lone surrogates become U+FFFD). */
static void text_cp(struct ig_ad_text *b, unsigned cp)
{
    uint8_t o[4];
    size_t n;
    if (cp >= 0xd800 && cp < 0xe000)
        cp = 0xfffd;
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (uint8_t)(0xc0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (uint8_t)(0xe0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        o[0] = (uint8_t)(0xf0 | (cp >> 18));
        o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 4;
    }
    ig_ad_text_add(b, o, n);
}

static long hex4_at(const uint8_t *p, const uint8_t *e)
{
    if (e - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

int ig_ad_raw_text(struct ig_span body, struct ig_ad_text *out)
{
    const uint8_t *p = body.p, *e = body.p + body.n;
    const uint8_t *q = memchr(p, '"', body.n);
    if (!q) {
        ig_ad_text_add(out, p, body.n);   /* not JSON-like at all: the bytes as they are */
        return IG_OK;
    }
    /* One pass over string literals, each unescaped leniently (a cut body may end inside
     * one; a bad escape is kept as written), separated by newlines. */
    while ((q = memchr(p, '"', (size_t)(e - p))) != NULL && out->n < out->cap) {
        p = q + 1;
        const uint8_t *run = p;
        while (p < e && *p != '"') {
            if (*p != '\\') {
                p++;
                continue;
            }
            ig_ad_text_add(out, run, (size_t)(p - run));
            if (p + 1 >= e) {
                p = e;
                run = e;
                break;
            }
            uint8_t c = p[1];
            p += 2;
            switch (c) {
            case 'n': ig_ad_text_add(out, "\n", 1); break;
            case 't': ig_ad_text_add(out, "\t", 1); break;
            case 'r': ig_ad_text_add(out, "\r", 1); break;
            case 'b': case 'f': ig_ad_text_add(out, " ", 1); break;
            case 'u': {
                long cp = hex4_at(p, e);
                if (cp < 0) {
                    ig_ad_text_add(out, "\\u", 2);
                    break;
                }
                p += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    long lo = hex4_at(p + 2, e);
                    if (lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        p += 6;
                    }
                }
                text_cp(out, (unsigned)cp);
                break;
            }
            default: ig_ad_text_add(out, &c, 1); break;   /* " \ / and anything else */
            }
            run = p;
        }
        ig_ad_text_add(out, run, (size_t)(p - run));
        ig_ad_text_add(out, "\n", 1);
        if (p >= e)
            break;
        p++;   /* closing quote */
    }
    return IG_OK;
}
