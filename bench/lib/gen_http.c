/* Renders the generator's HTTP requests and responses for each inference protocol:
 * bodies first (so Content-Length is known), then optional gzip and chunked framing.
 * All buffers are sized once per run; numbers are formatted by hand for speed. */
#include "gen_internal.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK 1024             /* chunked-encoding chunk size of response bodies */
#define TEXT_MAX 4096          /* prompts and completions */

struct ig_gen_http {
    uint32_t rows, d, k;
    size_t   body_cap;
    char    *body, *gz, *text;
    z_stream z;
    bool     z_ok;
};

struct cur { char *p, *end; bool full; };

static void put(struct cur *c, const void *s, size_t n)
{
    if (c->full || (size_t)(c->end - c->p) < n) {
        c->full = true;
        return;
    }
    memcpy(c->p, s, n);
    c->p += n;
}
#define PUTL(c, lit) put((c), (lit), sizeof(lit) - 1)
static void puts_(struct cur *c, const char *s) { put(c, s, strlen(s)); }

static void putu(struct cur *c, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(c, tmp + sizeof(tmp) - n, (size_t)n);
}

/* Fixed-point text with <dec> decimals (4 or 8): deterministic and ~10x faster than
 * printf, which matters when writing gigabytes of tensors. */
static void putf(struct cur *c, float v, int dec)
{
    static const uint64_t p10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                    100000000 };
    if (c->full || c->end - c->p < 32) {
        c->full = true;
        return;
    }
    char *o = c->p;
    if (v != v)
        v = 0;
    if (v < 0) {
        *o++ = '-';
        v = -v;
    }
    if (v > 1e9f)
        v = 1e9f;
    uint64_t q = (uint64_t)((double)v * (double)p10[dec] + 0.5);
    uint64_t ip = q / p10[dec], r = q % p10[dec];
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n)
        *o++ = tmp[--n];
    *o++ = '.';
    for (int i = dec; i >= 1; i--) {
        o[i - 1] = (char)('0' + r % 10);
        r /= 10;
    }
    c->p = o + dec;
}

size_t ig_gen_http_max(uint32_t rows, uint32_t d, uint32_t k)
{
    /* 16 bytes per number covers "-123456789.1234," and 8-decimal probabilities. */
    size_t body = (size_t)rows * ((size_t)d + k) * 16 + 2 * TEXT_MAX + 4096;
    /* gzip or chunk framing adds at most ~1% + headers. */
    return body + body / 64 + 4096;
}

struct ig_gen_http *ig_gen_http_new(uint32_t rows, uint32_t d, uint32_t k)
{
    struct ig_gen_http *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->rows = rows;
    h->d = d;
    h->k = k;
    h->body_cap = ig_gen_http_max(rows, d, k);
    h->body = malloc(h->body_cap);
    h->gz = malloc(h->body_cap);
    h->text = malloc(TEXT_MAX);
    if (!h->body || !h->gz || !h->text)
        goto fail;
    /* gzip wrapper (15 + 16), fast level: the generator's time goes to writing. */
    if (deflateInit2(&h->z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        goto fail;
    h->z_ok = true;
    return h;
fail:
    ig_gen_http_free(h);
    return NULL;
}

void ig_gen_http_free(struct ig_gen_http *h)
{
    if (!h)
        return;
    if (h->z_ok)
        deflateEnd(&h->z);
    free(h->body);
    free(h->gz);
    free(h->text);
    free(h);
}

static void put_matrix(struct cur *c, const float *v, uint32_t rows, uint32_t cols, int dec,
                       bool nested)
{
    PUTL(c, "[");
    for (uint32_t r = 0; r < rows; r++) {
        if (r)
            PUTL(c, ",");
        if (nested)
            PUTL(c, "[");
        for (uint32_t i = 0; i < cols; i++) {
            if (i && !c->full && c->p < c->end)
                *c->p++ = ',';
            putf(c, v[(size_t)r * cols + i], dec);
        }
        if (nested)
            PUTL(c, "]");
    }
    PUTL(c, "]");
}

static void put_shape(struct cur *c, uint32_t rows, uint32_t cols)
{
    PUTL(c, "\"shape\":[");
    putu(c, rows);
    PUTL(c, ",");
    putu(c, cols);
    PUTL(c, "],\"datatype\":\"FP32\"");
}

static void put_floats_le(struct cur *c, const float *v, size_t n)
{
    /* x86 and every target we run on is little-endian, as the binary extension wants. */
    put(c, v, n * sizeof(float));
}

static const char *const words[] = {
    "model", "latency", "river", "invoice", "garden", "network", "quarterly", "summary",
    "policy", "shipment", "customer", "weather", "report", "kernel", "budget", "meeting",
    "translate", "schedule", "recipe", "history", "planet", "contract", "review", "update",
    "account", "travel", "python", "sensor", "market", "energy", "library", "project",
};
static const char *const topics[] = {
    "the quarterly sales report", "a customer support ticket", "our travel policy",
    "the release notes", "a recipe for bread", "the weekly team meeting",
};

/* Prompt (which = 0) or completion (1) text for a seed: a few dozen plain words. */
static size_t gen_text(char *out, uint32_t seed, int which, uint32_t *nwords)
{
    uint64_t rng = (uint64_t)seed * 2654435761u + (uint64_t)which;
    struct cur c = { out, out + TEXT_MAX - 1, false };
    uint32_t n = 8 + ig_rng_below(&rng, which ? 60 : 30);
    if (!which) {
        PUTL(&c, "Please summarise ");
        puts_(&c, topics[ig_rng_below(&rng, (uint32_t)(sizeof(topics) / sizeof(topics[0])))]);
        PUTL(&c, ":");
    }
    for (uint32_t i = 0; i < n; i++) {
        PUTL(&c, " ");
        puts_(&c, words[ig_rng_below(&rng, (uint32_t)(sizeof(words) / sizeof(words[0])))]);
    }
    *nwords = n + (which ? 0 : 3);
    return (size_t)(c.p - out);
}

static void put_headers_common(struct cur *c, const struct ig_gen_msg *m)
{
    PUTL(c, "Host: ");
    puts_(c, m->host);
    PUTL(c, "\r\nUser-Agent: ig-gen/1\r\nAccept: */*\r\n");
    if (m->xff) {
        PUTL(c, "X-Forwarded-For: ");
        puts_(c, m->xff);
        PUTL(c, "\r\n");
    }
    if (m->bearer) {
        PUTL(c, "Authorization: Bearer ");
        puts_(c, m->bearer);
        PUTL(c, "\r\n");
    }
    if (m->xfcc) {
        PUTL(c, "X-Forwarded-Client-Cert: ");
        puts_(c, m->xfcc);
        PUTL(c, "\r\n");
    }
}

size_t ig_gen_http_request(struct ig_gen_http *h, const struct ig_gen_msg *m, char *out, size_t cap)
{
    struct cur b = { h->body, h->body + h->body_cap, false };
    size_t json_hdr = 0;
    uint32_t nw;
    switch (m->proto) {
    case IG_GEN_KSERVE_V1:
        PUTL(&b, "{\"instances\":");
        put_matrix(&b, m->x, m->rows, m->d, 4, true);
        PUTL(&b, "}");
        break;
    case IG_GEN_OIP_V2_BIN:
        PUTL(&b, "{\"id\":\"");
        putu(&b, m->id);
        PUTL(&b, "\",\"inputs\":[{\"name\":\"input-0\",");
        put_shape(&b, m->rows, m->d);
        PUTL(&b, ",\"parameters\":{\"binary_data_size\":");
        putu(&b, (uint64_t)m->rows * m->d * 4);
        PUTL(&b, "}}],\"outputs\":[{\"name\":\"output-0\",\"parameters\":{\"binary_data\":true}}]}");
        json_hdr = (size_t)(b.p - h->body);
        put_floats_le(&b, m->x, (size_t)m->rows * m->d);
        break;
    case IG_GEN_OPENAI: {
        size_t tn = gen_text(h->text, m->prompt_seed, 0, &nw);
        PUTL(&b, "{\"model\":\"");
        puts_(&b, m->model);
        PUTL(&b, "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
                 "assistant.\"},{\"role\":\"user\",\"content\":\"");
        put(&b, h->text, tn);
        PUTL(&b, "\"}],\"max_tokens\":256,\"stream\":");
        if (m->stream)
            PUTL(&b, "true}");
        else
            PUTL(&b, "false}");
        break;
    }
    default:
        PUTL(&b, "{\"id\":\"");
        putu(&b, m->id);
        PUTL(&b, "\",\"inputs\":[{\"name\":\"input-0\",");
        put_shape(&b, m->rows, m->d);
        PUTL(&b, ",\"data\":");
        put_matrix(&b, m->x, m->rows, m->d, 4, false);
        PUTL(&b, "}]}");
        break;
    }
    if (b.full)
        return 0;
    size_t bl = (size_t)(b.p - h->body);

    struct cur c = { out, out + cap, false };
    switch (m->proto) {
    case IG_GEN_KSERVE_V1:
        PUTL(&c, "POST /v1/models/");
        puts_(&c, m->model);
        PUTL(&c, ":predict HTTP/1.1\r\n");
        break;
    case IG_GEN_OPENAI:
        PUTL(&c, "POST /v1/chat/completions HTTP/1.1\r\n");
        break;
    default:
        PUTL(&c, "POST /v2/models/");
        puts_(&c, m->model);
        PUTL(&c, "/infer HTTP/1.1\r\n");
        break;
    }
    put_headers_common(&c, m);
    if (m->proto == IG_GEN_OIP_V2_BIN) {
        PUTL(&c, "Content-Type: application/octet-stream\r\nInference-Header-Content-Length: ");
        putu(&c, json_hdr);
        PUTL(&c, "\r\n");
    } else {
        PUTL(&c, "Content-Type: application/json\r\n");
    }
    PUTL(&c, "Content-Length: ");
    putu(&c, bl);
    PUTL(&c, "\r\n\r\n");
    put(&c, h->body, bl);
    return c.full ? 0 : (size_t)(c.p - out);
}

/* One SSE event carrying <word> (or the final event when word is NULL). */
static void put_sse(struct cur *b, const struct ig_gen_msg *m, const char *word, size_t wn,
                    uint32_t pt, uint32_t ct)
{
    PUTL(b, "data: {\"id\":\"chatcmpl-");
    putu(b, m->id);
    PUTL(b, "\",\"object\":\"chat.completion.chunk\",\"created\":");
    putu(b, m->time_s);
    PUTL(b, ",\"model\":\"");
    puts_(b, m->model);
    PUTL(b, "\",\"choices\":[{\"index\":0,\"delta\":{");
    if (word) {
        PUTL(b, "\"content\":\"");
        put(b, word, wn);
        PUTL(b, "\"},\"finish_reason\":null}]}\n\n");
    } else {
        PUTL(b, "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":");
        putu(b, pt);
        PUTL(b, ",\"completion_tokens\":");
        putu(b, ct);
        PUTL(b, ",\"total_tokens\":");
        putu(b, pt + ct);
        PUTL(b, "}}\n\n");
    }
}

static void put_chunk(struct cur *c, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char sz[20];
    int k = 0;
    size_t v = n;
    do {
        sz[sizeof(sz) - 1 - k++] = hex[v & 15];
        v >>= 4;
    } while (v);
    put(c, sz + sizeof(sz) - k, (size_t)k);
    PUTL(c, "\r\n");
    put(c, p, n);
    PUTL(c, "\r\n");
}

size_t ig_gen_http_response(struct ig_gen_http *h, const struct ig_gen_msg *m, char *out, size_t cap)
{
    struct cur c = { out, out + cap, false };
    struct cur b = { h->body, h->body + h->body_cap, false };
    int dec = m->full_precision ? 8 : 4;
    size_t json_hdr = 0;
    uint32_t pw = 0, cw = 0;

    if (m->proto == IG_GEN_OPENAI && m->stream) {
        /* SSE: always chunked, one chunk per event, never gzip (as servers do). */
        gen_text(h->text, m->prompt_seed, 0, &pw);
        size_t tn = gen_text(h->text, m->prompt_seed, 1, &cw);
        PUTL(&c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        size_t i = 0;
        while (i < tn) {
            size_t j = i + 1;
            while (j < tn && h->text[j] != ' ')
                j++;
            b.p = h->body;
            put_sse(&b, m, h->text + i, j - i, 0, 0);
            put_chunk(&c, h->body, (size_t)(b.p - h->body));
            i = j;
        }
        b.p = h->body;
        put_sse(&b, m, NULL, 0, pw + 12, cw);
        PUTL(&b, "data: [DONE]\n\n");
        put_chunk(&c, h->body, (size_t)(b.p - h->body));
        PUTL(&c, "0\r\n\r\n");
        return c.full || b.full ? 0 : (size_t)(c.p - out);
    }

    switch (m->proto) {
    case IG_GEN_KSERVE_V1:
        PUTL(&b, "{\"predictions\":");
        put_matrix(&b, m->probs, m->rows, m->k, dec, true);
        PUTL(&b, "}");
        break;
    case IG_GEN_OPENAI: {
        gen_text(h->text, m->prompt_seed, 0, &pw);
        size_t tn = gen_text(h->text, m->prompt_seed, 1, &cw);
        PUTL(&b, "{\"id\":\"chatcmpl-");
        putu(&b, m->id);
        PUTL(&b, "\",\"object\":\"chat.completion\",\"created\":");
        putu(&b, m->time_s);
        PUTL(&b, ",\"model\":\"");
        puts_(&b, m->model);
        PUTL(&b, "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
        put(&b, h->text + 1, tn - 1);
        PUTL(&b, "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":");
        putu(&b, pw + 12);
        PUTL(&b, ",\"completion_tokens\":");
        putu(&b, cw);
        PUTL(&b, ",\"total_tokens\":");
        putu(&b, pw + 12 + cw);
        PUTL(&b, "}}");
        break;
    }
    case IG_GEN_OIP_V2_BIN:
        PUTL(&b, "{\"model_name\":\"");
        puts_(&b, m->model);
        PUTL(&b, "\",\"model_version\":\"1\",\"id\":\"");
        putu(&b, m->id);
        PUTL(&b, "\",\"outputs\":[{\"name\":\"output-0\",");
        put_shape(&b, m->rows, m->k);
        PUTL(&b, ",\"parameters\":{\"binary_data_size\":");
        putu(&b, (uint64_t)m->rows * m->k * 4);
        PUTL(&b, "}}]}");
        json_hdr = (size_t)(b.p - h->body);
        put_floats_le(&b, m->probs, (size_t)m->rows * m->k);
        break;
    default:
        PUTL(&b, "{\"model_name\":\"");
        puts_(&b, m->model);
        PUTL(&b, "\",\"model_version\":\"1\",\"id\":\"");
        putu(&b, m->id);
        PUTL(&b, "\",\"outputs\":[{\"name\":\"output-0\",");
        put_shape(&b, m->rows, m->k);
        PUTL(&b, ",\"data\":");
        put_matrix(&b, m->probs, m->rows, m->k, dec, false);
        PUTL(&b, "}]}");
        break;
    }
    if (b.full)
        return 0;
    const char *body = h->body;
    size_t bl = (size_t)(b.p - h->body);
    if (m->gzip) {
        deflateReset(&h->z);
        h->z.next_in = (Bytef *)h->body;
        h->z.avail_in = (uInt)bl;
        h->z.next_out = (Bytef *)h->gz;
        h->z.avail_out = (uInt)h->body_cap;
        if (deflate(&h->z, Z_FINISH) != Z_STREAM_END)
            return 0;
        body = h->gz;
        bl = h->body_cap - h->z.avail_out;
    }

    PUTL(&c, "HTTP/1.1 200 OK\r\n");
    if (m->proto == IG_GEN_OIP_V2_BIN) {
        PUTL(&c, "Content-Type: application/octet-stream\r\nInference-Header-Content-Length: ");
        putu(&c, json_hdr);
        PUTL(&c, "\r\n");
    } else {
        PUTL(&c, "Content-Type: application/json\r\n");
    }
    if (m->gzip)
        PUTL(&c, "Content-Encoding: gzip\r\n");
    if (m->chunked) {
        PUTL(&c, "Transfer-Encoding: chunked\r\n\r\n");
        for (size_t i = 0; i < bl; i += CHUNK)
            put_chunk(&c, body + i, bl - i < CHUNK ? bl - i : CHUNK);
        PUTL(&c, "0\r\n\r\n");
    } else {
        PUTL(&c, "Content-Length: ");
        putu(&c, bl);
        PUTL(&c, "\r\n\r\n");
        put(&c, body, bl);
    }
    return c.full ? 0 : (size_t)(c.p - out);
}
