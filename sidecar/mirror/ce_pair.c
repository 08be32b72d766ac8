/* Pairing of mirrored request and response CloudEvents by source + id, in a bounded table
 * (ingest.cloudevents.max_pending entries, .pending_memcap bytes, .pair_timeout), and the
 * paired transaction handed on as struct ig_http_txn: bodies inflated when gzip, the
 * protocol's canonical path chosen from the request body's shape, request headers from
 * ce-metadata, the client from the sourceip extension or else the logger's address. */
#include "mirror/cloudevents.h"

#include <arpa/inet.h>
#include <inferguard/log.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_META_HEADERS 64
/* Bodies are kept as the HTTP stage keeps them (sidecar/http/http_conn.c): whitespace runs
 * past WS_KEEP squeezed out, so that padding cannot push a prompt beyond the body limit,
 * and more than WS_PADDED squeezed bytes flag the event (IG_EVA_PADDING). */
#define WS_KEEP 64
#define WS_PADDED (4u << 10)
/* Inflation is judged by ratio only once this much came out (as the HTTP stage). */
#define INFLATE_RATIO_MIN (1u << 20)

struct sq {
    uint8_t *buf;
    size_t len, cap;
    uint32_t ws_run;
    uint64_t squeezed;
    bool full;
};

static bool is_ws(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* Appends <n> bytes to <b> up to its cap, squeezing long whitespace runs. */
static void sq_append(struct sq *b, const uint8_t *p, size_t n)
{
    if (!n)
        return;   /* <p> may be NULL: an event without data */
    const uint8_t *e = p + n;
    while (p < e && !b->full) {
        const uint8_t *q = p;
        while (q < e && !is_ws(*q))
            q++;
        if (q > p) {
            b->ws_run = 0;
            size_t k = IG_MIN((size_t)(q - p), b->cap - b->len);
            memcpy(b->buf + b->len, p, k);
            b->len += k;
            if (k < (size_t)(q - p)) {
                b->full = true;
                return;
            }
            p = q;
        }
        for (; p < e && is_ws(*p); p++, b->ws_run++) {
            if (b->ws_run >= WS_KEEP) {
                b->squeezed++;
            } else if (b->len < b->cap) {
                b->buf[b->len++] = *p;
            } else {
                b->full = true;
                return;
            }
        }
    }
}

static bool is_gzip(struct ig_span s) { return s.n >= 18 && s.p[0] == 0x1f && s.p[1] == 0x8b; }

struct half {
    bool present, truncated, gzip;   /* gzip: <body> is the compressed data, inflated at emit */
    uint32_t evasion;                /* enum ig_evasion_flags */
    uint64_t time_us;
    uint8_t *body;
    size_t n;
    uint64_t wire;             /* bytes as received, before inflating */
    char content_type[128];
};

struct entry {
    struct entry *hnext;           /* hash chain */
    struct entry *prev, *next;     /* age list, oldest first */
    uint64_t hash, seq, added_us;
    size_t bytes;
    char *key;                     /* source "\n" id */
    size_t key_n;
    struct half req, resp;
    char model[IG_MODEL_NAME_MAX];
    char *metadata;                /* ce-metadata JSON, as sent */
    size_t metadata_n;
    struct ig_endpoint client;
};

struct ig_ce_pairer {
    const struct ig_config *cfg;
    ig_ce_txn_fn fn;
    void *ctx;
    struct entry **buckets;
    size_t nbuckets;
    struct entry *oldest, *newest;
    uint64_t seq;
    uint64_t timeout_us, max_pending, memcap;
    bool model_with_ns;
    struct ig_scratch scratch;     /* per emitted transaction: inflated bodies, headers */
    struct ig_ce_stats st;
};

/* FNV-1a from a seed a digit short of FNV's basis: kept, so pairs keep their slots */
static uint64_t fnv1a(const char *p, size_t n)
{
    return ig_fnv1a(1469598103934665603ull, p, n);
}

struct ig_ce_pairer *ig_ce_pairer_new(const struct ig_config *cfg, ig_ce_txn_fn fn, void *ctx)
{
    struct ig_ce_pairer *pr = calloc(1, sizeof *pr);
    if (!pr)
        return NULL;
    pr->cfg = cfg;
    pr->fn = fn;
    pr->ctx = ctx;
    pr->timeout_us = (uint64_t)cfg->ce_pair_timeout_s * 1000000u;
    pr->max_pending = cfg->ce_max_pending;
    pr->memcap = cfg->ce_pending_memcap;
    pr->model_with_ns = strcmp(cfg->ce_model_name, "namespace/isvc") == 0;
    pr->nbuckets = 1024;
    while (pr->nbuckets < pr->max_pending && pr->nbuckets < (1u << 20))
        pr->nbuckets <<= 1;
    pr->buckets = calloc(pr->nbuckets, sizeof *pr->buckets);
    size_t limit = IG_MAX(cfg->http_request_body_limit, cfg->http_response_body_limit);
    if (!pr->buckets || ig_scratch_init(&pr->scratch, 1 << 16, 2 * limit + (4u << 20)) < 0) {
        free(pr->buckets);
        free(pr);
        return NULL;
    }
    return pr;
}

struct ig_ce_stats *ig_ce_pairer_stats(struct ig_ce_pairer *pr) { return &pr->st; }

static void unlink_entry(struct ig_ce_pairer *pr, struct entry *e)
{
    struct entry **pp = &pr->buckets[e->hash & (pr->nbuckets - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    if (e->prev)
        e->prev->next = e->next;
    else
        pr->oldest = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        pr->newest = e->prev;
    pr->st.pending--;
    pr->st.pending_bytes -= e->bytes;
}

static void free_entry(struct entry *e)
{
    free(e->req.body);
    free(e->resp.body);
    free(e->key);
    free(e->metadata);
    free(e);
}

/* Inflates a gzip body (RFC 1952) into scratch, squeezed, up to <limit> bytes, within the
 * decompression caps of http.decompress_body_limit / decompress_max_ratio. Returns the body
 * to decode: inflated, or the data as is when it does not inflate (counted; the pipeline
 * then inspects it raw). */
static struct ig_span gunzip(struct ig_ce_pairer *pr, const struct half *h, size_t limit,
                             bool *truncated, uint32_t *evasion)
{
    struct ig_span in = { h->body, h->n };
    const struct ig_config *cfg = pr->cfg;
    struct sq b = { .cap = limit };
    uint8_t chunk[16384];
    z_stream z;
    memset(&z, 0, sizeof z);
    if (!(b.buf = ig_scratch_alloc(&pr->scratch, limit ? limit : 1)) || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        pr->st.gzip_errors++;
        return in;
    }
    z.next_in = (Bytef *)in.p;
    z.avail_in = (uInt)IG_MIN(in.n, (size_t)UINT32_MAX);
    uint64_t inflated = 0;
    int rc = Z_OK;
    while (rc == Z_OK && !b.full) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z.avail_out;
        inflated += got;
        sq_append(&b, chunk, got);
        if (inflated > cfg->http_inflate_body_limit ||
            (inflated >= INFLATE_RATIO_MIN && inflated > (uint64_t)cfg->http_inflate_ratio * IG_MAX(in.n, (size_t)1))) {
            *evasion |= IG_EVA_DECOMPRESS_CAP;
            b.full = true;
        }
        if (rc == Z_BUF_ERROR && got)
            rc = Z_OK;   /* output space was the limit, not input */
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END && !b.full) {
        pr->st.gzip_errors++;
        return in;
    }
    if (b.full) {
        *truncated = true;
        pr->st.too_large++;
    }
    if (b.squeezed > WS_PADDED)
        *evasion |= IG_EVA_PADDING;
    return (struct ig_span){ b.buf, b.len };
}

/* The body of <h> for the adapters, and its flags. */
static struct ig_span body_of(struct ig_ce_pairer *pr, const struct half *h, size_t limit,
                              bool *truncated, uint32_t *evasion)
{
    *truncated = h->truncated;
    *evasion |= h->evasion;
    if (h->gzip)
        return gunzip(pr, h, limit, truncated, evasion);
    return (struct ig_span){ h->body, h->n };
}

static void set_header(struct ig_http_header *h, const char *name, const char *value)
{
    h->name = (struct ig_span){ (const uint8_t *)name, strlen(name) };
    h->value = (struct ig_span){ (const uint8_t *)value, strlen(value) };
}

static bool starts_sse(struct ig_span b)
{
    size_t i = 0;
    while (i < b.n && (b.p[i] == ' ' || b.p[i] == '\n' || b.p[i] == '\r'))
        i++;
    return b.n - i >= 5 && memcmp(b.p + i, "data:", 5) == 0;
}

/* Hands the entry's request (and response, when present) to the callback. */
static void emit(struct ig_ce_pairer *pr, struct entry *e)
{
    const struct ig_config *cfg = pr->cfg;
    struct ig_http_txn t;
    memset(&t, 0, sizeof t);
    t.client = e->client;
    t.req_time_us = e->req.time_us;
    t.method = IG_SPAN_STR("POST");

    bool rtrunc;
    t.req_body = body_of(pr, &e->req, cfg->http_request_body_limit, &rtrunc, &t.evasion);
    t.req_body_truncated = rtrunc;
    t.req_wire_bytes = e->req.wire;

    char path[IG_ROUTE_MAX];
    if (!ig_ce_sniff_path(t.req_body, e->model[0] ? e->model : "unknown", path, sizeof path)) {
        pr->st.not_inference++;
        ig_scratch_reset(&pr->scratch);
        return;
    }
    t.uri = t.path = (struct ig_span){ (const uint8_t *)path, strlen(path) };

    struct ig_http_header req_h[MAX_META_HEADERS + 1], resp_h[1];
    uint32_t nh = 0;
    const char *why = NULL;
    if (e->metadata_n &&
        ig_ce_metadata_headers((struct ig_span){ (const uint8_t *)e->metadata, e->metadata_n },
                               &pr->scratch, req_h, MAX_META_HEADERS, &nh, &why) < 0) {
        /* Checked on arrival; only scratch exhaustion can get here. */
        nh = 0;
    }
    if (e->req.content_type[0])
        set_header(&req_h[nh++], "content-type", e->req.content_type);
    t.req_headers = req_h;
    t.n_req_headers = nh;

    if (e->resp.present) {
        bool trunc;
        t.resp_body = body_of(pr, &e->resp, cfg->http_response_body_limit, &trunc, &t.evasion);
        t.resp_body_truncated = trunc;
        t.resp_wire_bytes = e->resp.wire;
        t.resp_time_us = e->resp.time_us;
        t.status = 200;   /* the agent logs responses of status 200 only */
        /* The agent sends the request's Content-Type on both events; a streamed answer
         * shows itself by its server-sent-events body. */
        set_header(&resp_h[0], "content-type", starts_sse(t.resp_body) ? "text/event-stream"
                                                : e->resp.content_type);
        t.resp_headers = resp_h;
        t.n_resp_headers = 1;
    }
    pr->fn(pr->ctx, &t);
    ig_scratch_reset(&pr->scratch);
}

/* Removes the oldest entry: a request without response goes on alone, a response without
 * request is dropped. */
static void expire(struct ig_ce_pairer *pr, struct entry *e)
{
    unlink_entry(pr, e);
    if (e->req.present) {
        pr->st.unpaired_requests++;
        emit(pr, e);
    } else {
        pr->st.unpaired_responses++;
    }
    free_entry(e);
}

static char *dup_bytes(const uint8_t *p, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, p, n);
        d[n] = '\0';
    }
    return d;
}

static void copy_str(char *dst, size_t cap, struct ig_span s)
{
    size_t n = IG_MIN(s.n, cap - 1);
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
}

static bool parse_ip(struct ig_span s, struct ig_endpoint *ep)
{
    char buf[64];
    if (s.n == 0 || s.n >= sizeof buf)
        return false;
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    struct ig_endpoint e = { 0 };
    if (inet_pton(AF_INET, buf, e.addr) == 1)
        e.family = 4;
    else if (inet_pton(AF_INET6, buf, e.addr) == 1)
        e.family = 6;
    else
        return false;
    *ep = e;
    return true;
}

/* Keeps event data: gzip as is (inflated at emit; the HTTP layer bounds its size), other
 * data squeezed and cut at <limit>. Returns IG_OK, IG_ELIMIT (cut) or IG_ENOMEM. */
static int fill_half(struct half *h, const struct ig_ce *ev, size_t limit, uint64_t now_us)
{
    size_t n = ev->data.n;
    h->gzip = is_gzip(ev->data);
    struct sq b = { .cap = h->gzip ? n : IG_MIN(n, limit) };
    if (!(b.buf = malloc(b.cap ? b.cap : 1)))
        return IG_ENOMEM;
    if (h->gzip) {
        memcpy(b.buf, ev->data.p, n);
        b.len = n;
    } else {
        sq_append(&b, ev->data.p, n);
    }
    h->body = b.buf;
    h->n = b.len;
    h->truncated = b.full;
    if (b.squeezed > WS_PADDED)
        h->evasion |= IG_EVA_PADDING;
    h->wire = n;
    h->time_us = ev->time_us ? ev->time_us : now_us;
    copy_str(h->content_type, sizeof h->content_type, ev->content_type);
    h->present = true;
    return h->truncated ? IG_ELIMIT : IG_OK;
}

/* Client, model and request headers of <e> from event <ev>. */
static int set_meta(struct ig_ce_pairer *pr, struct entry *e, const struct ig_ce *ev,
                    const struct ig_endpoint *peer)
{
    char *md = dup_bytes(ev->metadata.p, ev->metadata.n);
    if (!md)
        return IG_ENOMEM;
    free(e->metadata);
    e->metadata = md;
    e->metadata_n = ev->metadata.n;
    if (!parse_ip(ev->sourceip, &e->client) && peer)
        e->client = *peer;
    if (pr->model_with_ns && ev->ns.n && ev->isvc.n)
        snprintf(e->model, sizeof e->model, "%.*s/%.*s", (int)IG_MIN(ev->ns.n, 63), (const char *)ev->ns.p,
                 (int)IG_MIN(ev->isvc.n, 63), (const char *)ev->isvc.p);
    else
        copy_str(e->model, sizeof e->model, ev->isvc);
    return IG_OK;
}

int ig_ce_pairer_add(struct ig_ce_pairer *pr, const struct ig_ce *ev, const struct ig_endpoint *peer,
                     uint64_t now_us)
{
    bool is_req = ev->kind == IG_CE_KIND_REQUEST;
    if (ev->kind == IG_CE_KIND_OTHER) {
        pr->st.ignored_types++;
        return IG_OK;
    }
    if (is_req)
        pr->st.requests++;
    else
        pr->st.responses++;

    size_t kn = ev->source.n + 1 + ev->id.n;
    char kbuf[512];
    char *key = kn <= sizeof kbuf ? kbuf : malloc(kn);
    if (!key)
        return IG_ENOMEM;
    memcpy(key, ev->source.p, ev->source.n);
    key[ev->source.n] = '\n';
    memcpy(key + ev->source.n + 1, ev->id.p, ev->id.n);
    uint64_t h = fnv1a(key, kn);

    /* The oldest entry of this key still missing this half. Clients choose the id (the
     * agent takes the request's Ce-Id header when there is one), so ids may repeat: each
     * event is kept, and pairs in arrival order. */
    struct entry *match = NULL;
    for (struct entry *e = pr->buckets[h & (pr->nbuckets - 1)]; e; e = e->hnext)
        if (e->hash == h && e->key_n == kn && memcmp(e->key, key, kn) == 0 &&
            !(is_req ? e->req.present : e->resp.present) && (!match || e->seq < match->seq))
            match = e;

    size_t limit = is_req ? pr->cfg->http_request_body_limit : pr->cfg->http_response_body_limit;
    int rc;
    if (match) {
        unlink_entry(pr, match);
        if (key != kbuf)
            free(key);
        rc = fill_half(is_req ? &match->req : &match->resp, ev, limit, now_us);
        /* The request's view of client, model and headers wins over the response's. */
        if (rc != IG_ENOMEM && is_req && set_meta(pr, match, ev, peer) < 0)
            rc = IG_ENOMEM;
        if (rc == IG_ENOMEM) {
            free_entry(match);
            return rc;
        }
        if (rc == IG_ELIMIT)
            pr->st.too_large++;
        pr->st.paired++;
        emit(pr, match);
        free_entry(match);
        return rc;
    }

    size_t need = sizeof(struct entry) + kn + (is_gzip(ev->data) ? ev->data.n : IG_MIN(ev->data.n, limit)) +
                  ev->metadata.n;
    while (pr->oldest && (pr->st.pending >= pr->max_pending || pr->st.pending_bytes + need > pr->memcap)) {
        pr->st.evicted++;
        expire(pr, pr->oldest);
    }
    struct entry *e = calloc(1, sizeof *e);
    if (!e) {
        if (key != kbuf)
            free(key);
        return IG_ENOMEM;
    }
    e->key = key != kbuf ? key : dup_bytes((const uint8_t *)key, kn);
    e->key_n = kn;
    e->hash = h;
    rc = e->key ? fill_half(is_req ? &e->req : &e->resp, ev, limit, now_us) : IG_ENOMEM;
    if (rc != IG_ENOMEM && set_meta(pr, e, ev, peer) < 0)
        rc = IG_ENOMEM;
    if (rc == IG_ENOMEM) {
        free_entry(e);
        return rc;
    }
    if (rc == IG_ELIMIT)
        pr->st.too_large++;
    e->bytes = need;
    e->seq = ++pr->seq;
    e->added_us = now_us;
    size_t b = h & (pr->nbuckets - 1);
    e->hnext = pr->buckets[b];
    pr->buckets[b] = e;
    e->prev = pr->newest;
    if (pr->newest)
        pr->newest->next = e;
    else
        pr->oldest = e;
    pr->newest = e;
    pr->st.pending++;
    pr->st.pending_bytes += e->bytes;
    return rc;
}

void ig_ce_pairer_tick(struct ig_ce_pairer *pr, uint64_t now_us)
{
    while (pr->oldest && pr->oldest->added_us + pr->timeout_us <= now_us)
        expire(pr, pr->oldest);
}

void ig_ce_pairer_flush(struct ig_ce_pairer *pr)
{
    while (pr->oldest)
        expire(pr, pr->oldest);
}

void ig_ce_pairer_free(struct ig_ce_pairer *pr)
{
    if (!pr)
        return;
    while (pr->oldest) {
        struct entry *e = pr->oldest;
        unlink_entry(pr, e);
        free_entry(e);
    }
    free(pr->buckets);
    ig_scratch_free(&pr->scratch);
    free(pr);
}
