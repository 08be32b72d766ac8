/* OpenAI-style APIs: POST [...]/chat/completions, [...]/completions, [...]/embeddings
 * (with or without /v1, Azure /openai/deployments/{d}/..., and the many servers that copy
 * the API: vLLM, TGI, Ollama, LiteLLM).
 *   prompt        chat: "role: content" per non-system message, '\n'-joined (text parts
 *                 of multi-part contents); completions: prompt(s); embeddings: input(s)
 *   system_prompt chat: contents of system/developer messages, '\n'-joined
 *   completion    choices[].message.content / choices[].text, '\n' between choices;
 *                 for stream: true the SSE deltas reassembled (ev->streamed)
 *   scores        logprobs when present: rows = generated tokens, 1 output = exp(logprob),
 *                 the probability of each chosen token; no labels
 *                 embeddings: rows = inputs, outputs = dimension, the vectors (no labels)
 *   tokens        usage.prompt_tokens / usage.completion_tokens (last SSE chunk's usage)
 *   model         request "model", else the response's, else the Azure deployment. */
#include "adapters/ad_common.h"
#include "adapters/ad_openai_sse.h"
#include "adapters/ad_tensor.h"
#include <inferguard/base64.h>

#include <math.h>
#include <string.h>

enum oa_kind { OA_NONE = 0, OA_CHAT, OA_COMPLETIONS, OA_EMBEDDINGS };

static enum oa_kind path_kind(struct ig_span path)
{
    if (ig_ad_ends(path, "/chat/completions"))
        return OA_CHAT;
    if (ig_ad_ends(path, "/completions"))
        return OA_COMPLETIONS;
    if (ig_ad_ends(path, "/embeddings"))
        return OA_EMBEDDINGS;
    return OA_NONE;
}

static int openai_probe(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    if (!ig_span_eq_str(t->method, "POST", 4))
        return 0;
    return path_kind(t->path) != OA_NONE ? 80 : 0;
}

/* Everything decoded from one transaction, accumulated across SSE chunks. */
struct oa {
    const struct ig_decode_ctx *ctx;
    struct ig_event *ev;
    enum oa_kind kind;
    struct ig_ad_text completion;
    float   *probs;              /* exp(logprob) per generated token */
    uint32_t nprobs, cap_probs;
    bool     probs_overflow;
    bool     done;               /* saw data: [DONE] */
    struct ig_scratch *tmp;      /* per-SSE-event JSON DOMs */
    const char *why;             /* first problem met while streaming */
    /* The last stream chunk whose only effect was its one text string: the bytes before
     * that string's body (tpl[0, pre)) and from its closing quote on (tpl[pre, pre + suf)).
     * pre == 0: none. */
    uint8_t *tpl;
    size_t   tpl_pre, tpl_suf, tpl_cap;
};

/* Off in tests (ig_ad_openai_chunk_template), to compare the two paths. */
bool ig_ad_openai_chunk_template = true;

static void add_logprob(struct oa *o, const struct ig_json *v)
{
    double d;
    if (ig_json_f64(v, &d) < 0)
        return;   /* null for a prompt token echoed back: no probability */
    if (o->nprobs >= o->cap_probs) {
        o->probs_overflow = true;
        return;
    }
    o->probs[o->nprobs++] = (float)exp(d);
}

/* choices[].logprobs: chat {"content": [{"logprob": x}, ...]}, completions
 * {"token_logprobs": [x, ...]}. */
static void add_logprobs(struct oa *o, const struct ig_json *lp)
{
    const struct ig_json *content = ig_json_get(lp, "content");
    for (const struct ig_json *tok = ig_json_first(content); tok; tok = tok->next)
        add_logprob(o, ig_json_get(tok, "logprob"));
    const struct ig_json *tl = ig_json_get(lp, "token_logprobs");
    if (ig_json_is_numeric(tl)) {
        size_t room = o->cap_probs - o->nprobs, n = 0;
        if (tl->count > room) {
            o->probs_overflow = true;
            return;
        }
        double *d = ig_scratch_alloc(o->ctx->scratch, (size_t)tl->count * sizeof(double));
        if (!d || ig_json_f64_array(tl, d, tl->count, &n, &o->why) < 0)
            return;
        for (size_t i = 0; i < n; i++)
            o->probs[o->nprobs++] = (float)exp(d[i]);
    } else {
        for (const struct ig_json *v = ig_json_first(tl); v; v = v->next)
            add_logprob(o, v);
    }
}

static void add_usage(struct oa *o, const struct ig_json *usage)
{
    uint64_t u;
    if (ig_json_u64(ig_json_get(usage, "prompt_tokens"), &u) == IG_OK)
        o->ev->prompt_tokens = (uint32_t)IG_MIN(u, UINT32_MAX);
    if (ig_json_u64(ig_json_get(usage, "completion_tokens"), &u) == IG_OK)
        o->ev->completion_tokens = (uint32_t)IG_MIN(u, UINT32_MAX);
}

static void set_model(struct oa *o, const struct ig_json *root)
{
    if (!o->ev->model[0])
        ig_json_str_copy(ig_json_get(root, "model"), o->ev->model, sizeof o->ev->model);
}

/* One response object, whole or one SSE chunk (<stream>: chat text is in
 * choices[].delta, and chunks concatenate without separators). */
static void add_response(struct oa *o, const struct ig_json *root, bool stream,
                         struct ig_scratch *s)
{
    set_model(o, root);
    bool first = o->completion.n == 0;
    for (const struct ig_json *ch = ig_json_first(ig_json_get(root, "choices")); ch; ch = ch->next) {
        const struct ig_json *text;
        if (o->kind == OA_CHAT)
            text = ig_json_get(ig_json_get(ch, stream ? "delta" : "message"), "content");
        else
            text = ig_json_get(ch, "text");
        if (text && text->type == IG_JSON_STRING) {
            if (!stream && !first)
                ig_ad_text_add(&o->completion, "\n", 1);   /* n > 1: one choice per line */
            ig_ad_text_add_json(&o->completion, s, text);
            first = false;
        }
        add_logprobs(o, ig_json_get(ch, "logprobs"));
    }
    const struct ig_json *usage = ig_json_get(root, "usage");
    if (usage && usage->type == IG_JSON_OBJECT)
        add_usage(o, usage);
}

/* Servers stream one chunk per token, each the same object but for the token's text
 * ({"id":..,"created":..,"model":..,"choices":[{"index":0,"delta":{"content":"TEXT"},..}]}).
 * A chunk that is byte for byte the remembered one around a different valid string body
 * is valid JSON of the same shape with that one string changed, so its only effect is
 * appending that text: taken without parsing it. Anything else is parsed. */
static bool chunk_from_template(struct oa *o, struct ig_span data, uint32_t max_string)
{
    size_t pre = o->tpl_pre, suf = o->tpl_suf;
    if (!pre || data.n < pre + suf || memcmp(data.p, o->tpl, pre) != 0 ||
        memcmp(data.p + data.n - suf, o->tpl + pre, suf) != 0)
        return false;
    const uint8_t *body = data.p + pre;
    size_t n = data.n - pre - suf, len;
    bool esc;
    /* The body must end exactly at the suffix's opening '"' (tpl[pre] is that quote). */
    if (ig_json_string_body(body, body + n + 1, max_string, &len, &esc) < 0 || len != n)
        return false;
    struct ig_json v = { .type = IG_JSON_STRING, .flags = esc ? IG_JSON_F_ESCAPED : 0,
                         .raw = { body, n } };
    ig_ad_text_add_json(&o->completion, o->tmp, &v);
    return true;
}

/* Remembers <root>'s bytes around its text string when appending that text is all
 * add_response did with it (one choice, no logprobs, no usage object, no duplicate keys,
 * the model already known or absent), so a chunk equal but for that text may be taken
 * by chunk_from_template. */
static void remember_template(struct oa *o, struct ig_span data, const struct ig_json *root,
                              uint32_t doc)
{
    /* A chunk that does not qualify leaves the last template: it is still exact. */
    if (!ig_ad_openai_chunk_template || (doc & IG_JSON_DOC_DUPKEYS) || root->type != IG_JSON_OBJECT)
        return;
    const struct ig_json *choices = ig_json_get(root, "choices"), *ch = ig_json_first(choices);
    if (!ch || choices->type != IG_JSON_ARRAY || choices->count != 1 || ch->type != IG_JSON_OBJECT)
        return;
    const struct ig_json *text = o->kind == OA_CHAT ? ig_json_get(ig_json_get(ch, "delta"), "content")
                                                    : ig_json_get(ch, "text");
    const struct ig_json *lp = ig_json_get(ch, "logprobs"), *usage = ig_json_get(root, "usage");
    if (!text || text->type != IG_JSON_STRING || (lp && lp->type != IG_JSON_NULL) ||
        (usage && usage->type == IG_JSON_OBJECT) ||
        (!o->ev->model[0] && ig_json_get(root, "model")))
        return;
    size_t pre = (size_t)(text->raw.p - data.p), end = pre + text->raw.n, suf = data.n - end;
    if (pre + suf > o->tpl_cap) {
        size_t cap = IG_MAX(pre + suf, (size_t)256);
        uint8_t *b = ig_scratch_alloc(o->ctx->scratch, cap);
        if (!b)
            return;
        o->tpl = b;
        o->tpl_cap = cap;
    }
    memcpy(o->tpl, data.p, pre);
    memcpy(o->tpl + pre, data.p + end, suf);
    o->tpl_suf = suf;
    o->tpl_pre = pre;   /* > 0: the text's opening quote is before it */
}

static int on_sse_event(void *ctx, struct ig_span data)
{
    struct oa *o = ctx;
    if (ig_span_eq_str(data, "[DONE]", 6)) {
        o->done = true;
        return IG_OK;
    }
    ig_scratch_reset(o->tmp);
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, o->ctx->cfg);
    if (chunk_from_template(o, data, lim.max_string))
        return IG_OK;
    const struct ig_json *root;
    const char *why;
    uint32_t doc = 0;
    if (ig_json_parse_ex(data.p, data.n, &lim, o->tmp, &root, &why, &doc) < 0) {
        if (!o->why)
            o->why = "stream event is not valid JSON";
        return IG_OK;   /* one bad chunk: keep the rest of the stream */
    }
    if (root->type == IG_JSON_OBJECT && ig_json_get(root, "error") && !ig_json_get(root, "choices"))
        return IG_OK;
    add_response(o, root, true, o->tmp);
    remember_template(o, data, root, doc);
    return IG_OK;
}

/* Per-thread scratch for stream chunks, reset per chunk: a stream of thousands of chunks
 * costs one chunk's DOM, not thousands. Allocated once per thread, reused afterwards. */
static _Thread_local struct ig_scratch sse_s;
static _Thread_local bool sse_ready;

void ig_ad_thread_exit(void)
{
    if (sse_ready)
        ig_scratch_free(&sse_s);
    sse_ready = false;
}

static struct ig_scratch *sse_scratch(const struct ig_config *cfg)
{
    struct ig_scratch *sp = &sse_s;
    if (!sse_ready) {
        size_t cap = cfg ? (size_t)cfg->max_string * 8 + (1u << 20) : (64u << 20);
        if (ig_scratch_init(sp, 1u << 16, cap) < 0)
            return NULL;
        sse_ready = true;
    }
    return sp;
}

static void decode_stream(struct oa *o, struct ig_span body)
{
    struct ig_sse sse;
    o->tmp = sse_scratch(o->ctx->cfg);
    size_t cap = o->ctx->cfg ? IG_MIN(body.n, o->ctx->cfg->max_string) : body.n;
    if (!o->tmp || ig_sse_init(&sse, o->ctx->scratch, cap) < 0) {
        o->why = "scratch memory exhausted";
        return;
    }
    ig_sse_feed(&sse, body.p, body.n, on_sse_event, o);
    ig_sse_end(&sse, on_sse_event, o);
    if (sse.dropped_oversize && !o->why)
        o->why = "stream event over adapters.max_string";
    if (sse.events == 0 && !o->why)
        o->why = "no events in the stream";
}

/* Chat messages: system/developer to system_prompt, the rest "role: text" to prompt. */
static void chat_prompt(const struct ig_decode_ctx *ctx, const struct ig_json *msgs,
                        struct ig_ad_text *prompt, struct ig_ad_text *sys)
{
    for (const struct ig_json *m = ig_json_first(msgs); m; m = m->next) {
        const struct ig_json *role = ig_json_get(m, "role"), *c = ig_json_get(m, "content");
        bool is_sys = ig_json_str_eq(role, "system") || ig_json_str_eq(role, "developer");
        struct ig_ad_text *b = is_sys ? sys : prompt;
        if (b->n)
            ig_ad_text_add(b, "\n", 1);
        if (!is_sys) {
            if (role && role->type == IG_JSON_STRING)
                ig_ad_text_add_json(b, ctx->scratch, role);
            else
                ig_ad_text_addz(b, "user");
            ig_ad_text_add(b, ": ", 2);
        }
        if (c && c->type == IG_JSON_STRING) {
            ig_ad_text_add_json(b, ctx->scratch, c);
            continue;
        }
        /* Multi-part content: the text parts, space-joined (images etc. carry no text). */
        bool any = false;
        for (const struct ig_json *part = ig_json_first(c); part; part = part->next) {
            const struct ig_json *tx = part->type == IG_JSON_STRING ? part : ig_json_get(part, "text");
            if (!tx || tx->type != IG_JSON_STRING)
                continue;
            if (any)
                ig_ad_text_add(b, " ", 1);
            ig_ad_text_add_json(b, ctx->scratch, tx);
            any = true;
        }
    }
}

/* A string, or an array of strings ('\n'-joined); token-id arrays carry no text. */
static void strings_text(const struct ig_decode_ctx *ctx, const struct ig_json *v,
                         struct ig_ad_text *b)
{
    if (v && v->type == IG_JSON_STRING) {
        ig_ad_text_add_json(b, ctx->scratch, v);
        return;
    }
    for (const struct ig_json *e = ig_json_first(v); e; e = e->next) {
        if (e->type != IG_JSON_STRING)
            continue;
        if (b->n)
            ig_ad_text_add(b, "\n", 1);
        ig_ad_text_add_json(b, ctx->scratch, e);
    }
}

/* encoding_format "base64": little-endian float32s. Returns the number of floats or -1. */
static long b64_floats(struct ig_span s, float *out, size_t max)
{
    uint8_t *bytes = (uint8_t *)out;   /* decoded in place, then read 4 bytes at a time */
    long nb = ig_b64_decode(s.p, s.n, bytes, max * sizeof *out);
    if (nb < 0 || nb % 4)
        return -1;
    for (long i = 0; i < nb / 4; i++) {
        uint32_t u = ig_ad_le32(bytes + 4 * i);
        memcpy(&out[i], &u, 4);
    }
    return nb / 4;
}

/* data[].embedding as rows x dim output vectors. */
static int embeddings(const struct ig_decode_ctx *ctx, const struct ig_json *root,
                      struct ig_event *ev, const char **reason)
{
    const struct ig_json *data = ig_json_get(root, "data");
    uint32_t rows = ig_json_len(data), dim = 0;
    if (!rows)
        return IG_OK;
    const struct ig_json *e0 = ig_json_get(ig_json_first(data), "embedding");
    if (ig_json_is_numeric(e0))
        dim = e0->count;
    else if (e0 && e0->type == IG_JSON_STRING)
        dim = (uint32_t)(e0->raw.n * 3 / 4 / 4);
    if (!dim) {
        *reason = "embedding is not an array of numbers";
        return IG_EPARSE;
    }
    float *f;
    int st = ig_ad_tensor_alloc(ctx, rows, dim, &f, reason);
    if (st < 0)
        return st;
    uint32_t r = 0;
    for (const struct ig_json *d = ig_json_first(data); d; d = d->next, r++) {
        const struct ig_json *e = ig_json_get(d, "embedding");
        size_t n = 0;
        if (ig_json_is_numeric(e)) {
            if (e->count != dim) {
                *reason = "embeddings differ in dimension";
                return IG_EPARSE;
            }
            if ((st = ig_json_f32_array(e, f + (size_t)r * dim, dim, &n, reason)) < 0)
                return st;
        } else {
            struct ig_span s;
            long nf = -1;
            if (e && ig_json_str(e, ctx->scratch, &s) == IG_OK)
                nf = b64_floats(s, f + (size_t)r * dim, dim);
            if (nf != (long)dim) {
                *reason = "base64 embedding is malformed or differs in dimension";
                return IG_EPARSE;
            }
        }
    }
    ev->rows = rows;
    ev->outputs = dim;
    ev->scores = f;
    ev->flags |= IG_EV_SCORES;   /* vectors, not class scores: no labels */
    return IG_OK;
}

/* Azure: /openai/deployments/{name}/... names the model when the body does not. */
static void azure_model(struct ig_span path, struct ig_event *ev)
{
    static const char pre[] = "/openai/deployments/";
    if (ev->model[0] || !ig_ad_starts(path, pre))
        return;
    const uint8_t *p = path.p + sizeof pre - 1, *end = path.p + path.n;
    const uint8_t *sl = memchr(p, '/', (size_t)(end - p));
    ig_ad_copy(ev->model, sizeof ev->model, (struct ig_span){ p, (size_t)((sl ? sl : end) - p) });
}

static int openai_decode(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                         struct ig_event *ev, const char **reason)
{
    struct oa o = { .ctx = ctx, .ev = ev, .kind = path_kind(t->path) };
    static const enum ig_protocol proto[] = {
        [OA_NONE] = IG_PROTO_OPENAI_CHAT, [OA_CHAT] = IG_PROTO_OPENAI_CHAT,
        [OA_COMPLETIONS] = IG_PROTO_OPENAI_COMPLETIONS, [OA_EMBEDDINGS] = IG_PROTO_OPENAI_EMBEDDINGS,
    };
    ev->protocol = proto[o.kind];
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
    set_model(&o, req);
    azure_model(t->path, ev);

    size_t max_text = ctx->cfg ? ctx->cfg->max_string : (1u << 20);
    struct ig_ad_text prompt, sys;
    if (ig_ad_text_init(&prompt, ctx->scratch, IG_MIN(t->req_body.n, max_text)) < 0 ||
        ig_ad_text_init(&sys, ctx->scratch, IG_MIN(t->req_body.n, max_text)) < 0) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    if (o.kind == OA_CHAT)
        chat_prompt(ctx, ig_json_get(req, "messages"), &prompt, &sys);
    else
        strings_text(ctx, ig_json_get(req, o.kind == OA_EMBEDDINGS ? "input" : "prompt"), &prompt);
    ev->prompt = ig_ad_text_span(&prompt);
    ev->system_prompt = ig_ad_text_span(&sys);
    if (prompt.n || sys.n)
        ev->flags |= IG_EV_TEXT;

    const struct ig_json *stream = ig_json_get(req, "stream");
    bool streamed = (stream && stream->type == IG_JSON_TRUE) ||
                    ig_ad_header_has(t, IG_DIR_TO_CLIENT, "content-type", "text/event-stream");
    if (t->status < 200 || t->status >= 300 || t->resp_body.n == 0)
        return IG_OK;
    if (t->resp_body_truncated) {
        ig_ad_malformed(ev, "response body over http.response_body_limit");
        return IG_OK;
    }

    size_t body = t->resp_body.n;
    if (ig_ad_text_init(&o.completion, ctx->scratch, IG_MIN(body, max_text)) < 0) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    /* Every logprob entry takes more than 12 bytes of JSON: a safe bound on their count. */
    o.cap_probs = (uint32_t)IG_MIN(body / 12 + 1, ctx->cfg ? ctx->cfg->max_rows : 65536u);
    o.probs = o.kind == OA_EMBEDDINGS ? NULL
            : ig_scratch_alloc(ctx->scratch, (size_t)o.cap_probs * sizeof(float));
    if (!o.probs)
        o.cap_probs = 0;

    if (streamed && o.kind != OA_EMBEDDINGS) {
        ev->streamed = true;
        decode_stream(&o, t->resp_body);
    } else {
        const struct ig_json *resp;
        const char *why = NULL;
        if (ig_ad_parse(ctx, t->resp_body, &resp, &why) < 0 || resp->type != IG_JSON_OBJECT) {
            ig_ad_malformed(ev, why ? why : "response is not a JSON object");
            return IG_OK;
        }
        if (o.kind == OA_EMBEDDINGS) {
            set_model(&o, resp);
            const struct ig_json *usage = ig_json_get(resp, "usage");
            if (usage && usage->type == IG_JSON_OBJECT)
                add_usage(&o, usage);
            if (embeddings(ctx, resp, ev, &why) < 0)
                ig_ad_malformed(ev, why);
            return IG_OK;
        }
        add_response(&o, resp, false, ctx->scratch);
    }
    ev->completion = ig_ad_text_span(&o.completion);
    if (o.completion.n)
        ev->flags |= IG_EV_TEXT;
    if (o.nprobs && !o.probs_overflow) {
        const char *why;
        if (ig_ad_set_scores(ctx, ev, o.probs, o.nprobs, 1, IG_AD_SCORES_PROBS, &why) < 0)
            ig_ad_malformed(ev, why);
    } else if (o.probs_overflow) {
        ig_ad_malformed(ev, "logprobs over adapters.max_rows");
    }
    if (o.why)
        ig_ad_malformed(ev, o.why);
    return IG_OK;
}

const struct ig_adapter ig_ad_openai = {
    .name = "openai",
    .protocol = IG_PROTO_OPENAI_CHAT,   /* refined per route in decode */
    .probe = openai_probe,
    .decode = openai_decode,
};
