/* libhtp glue: one shared htp_cfg_t, one htp_connp_t per TCP connection. Bodies are
 * collected (de-chunked and decompressed by libhtp) into per-connection slots that are
 * reused, one slot per transaction in flight, so keep-alive and pipelining cost no
 * allocation once warm. A transaction is handed out when libhtp completes it (request
 * and response), then libhtp destroys it (tx_auto_destroy). After a gap the parser is
 * rebuilt and fed again from the next request line / status line. */
#include "http/http_conn.h"
#include "http/http_resync.h"
#include "core/bytescan.h"

#include <htp/htp.h>
#include <stdlib.h>
#include <string.h>

/* Whitespace runs longer than this are squeezed out of bodies (padding). */
#define WS_KEEP 64
/* Squeezed bytes past which the body counts as padded (IG_EVA_PADDING). */
#define WS_PADDED (4u << 10)
/* Inflation is judged by ratio only once this much came out. */
#define INFLATE_RATIO_MIN (1u << 20)
/* Rejected requests in a row, with nothing parsed since, before the connection is taken
 * for something other than HTTP. */
#define REJECTS_MAX 16
/* Body buffers larger than this are freed after their transaction. */
#define BODY_KEEP_MAX (256u << 10)
/* Bytes libhtp declined to take (HTP_STREAM_DATA_OTHER) kept for a retry. */
#define PENDING_MAX (1u << 20)
/* Retired parsers kept for late responses, per connection (see shed()). */
#define OLD_MAX 2
/* Closed connections (and fast-path states) kept for reuse, and the largest buffer each
 * keeps: opening and closing connections then costs no heap call once warm. A pool keeps
 * up to POOL_MAX, or as many as were ever open at once (up to POOL_CAP): traffic that opens
 * its connections in waves (a client pool reconnecting, a replayed capture) reuses them all. */
#define POOL_MAX 64
#define POOL_CAP 4096
#define POOL_BUF_MAX (16u << 10)
/* Buffer bytes the pooled fast-path states may hold in all (not counted in http.memcap):
 * pipelined chunked responses could otherwise leave each with 32 bodies of 16 KiB. */
#define POOL_BYTES_MAX (4u << 20)

struct slot;

struct body {
    uint8_t *buf;
    size_t len, cap;
    /* Slot bodies sit in a list per power-of-two capacity class (all connections), so
     * the largest can be found in O(1) when http.memcap is reached. */
    struct body *gprev, *gnext;
    struct slot *owner;      /* NULL: not listed (pending bytes) */
    uint8_t cls;
    bool truncated;
    uint32_t ws_run;         /* whitespace bytes at the end of what was collected */
    uint64_t squeezed;       /* whitespace bytes left out */
    uint64_t inflated;       /* decoded bytes seen (kept or not) */
};

struct slot {
    struct ig_http_conn *conn;
    bool used;
    bool req_done;           /* libhtp said the request is complete */
    uint64_t req_ts, seq;
    htp_tx_t *tx;
    uint32_t evasion;        /* enum ig_evasion_flags for this transaction */
    struct body body[2];     /* request, response */
};

#define BODY_CLASSES 48

struct ig_http {
    htp_cfg_t *cfg;
    uint64_t body_bytes;            /* capacity of every body buffer, all connections */
    struct body *cls[BODY_CLASSES]; /* listed slot bodies by capacity class */
    uint32_t top_cls;               /* no listed body above this class */
    struct ig_endpoint affected[IG_HTTP_AFFECTED][2];   /* client, server of recent give-ups */
    uint64_t n_affected;            /* ever recorded; ring index = n % IG_HTTP_AFFECTED */
    const struct ig_config *icfg;
    ig_http_txn_fn fn;
    void *ctx;
    bool fast_on;                   /* new connections start on the strict fast path */
    struct ig_http_stats st;
    /* Reuse pools (pool_limit each): closed connections with their header arrays, fast-path
     * states with their buffers. Pooled buffers are not counted in body_bytes. */
    struct ig_http_conn *conn_pool;
    struct fast *fast_pool;
    uint32_t conn_pooled, fast_pooled;
    uint32_t open, open_peak;       /* connections open now, and at most so far */
};

/* How many closed connections (and fast-path states) a pool keeps. */
static inline uint32_t pool_limit(const struct ig_http *h)
{
    return h->open_peak <= POOL_MAX ? POOL_MAX : h->open_peak < POOL_CAP ? h->open_peak : POOL_CAP;
}

struct fast;
static void fast_pool_drain(struct ig_http *h);

struct ig_http_conn {
    struct ig_http *h;
    htp_connp_t *connp;
    struct ig_endpoint client, server;
    uint64_t ts[2];                 /* timestamp of the data being fed, per direction */
    uint64_t delivered;             /* transactions handed out on this connection */
    bool resync[2], line_start[2];  /* looking for a message start after a gap */
    uint8_t carry[2][IG_HTTP_RESYNC_CARRY];
    size_t carry_n[2];
    struct body pending[2];         /* unconsumed bytes (HTP_STREAM_DATA_OTHER) */
    struct slot **slots;            /* allocated on first use, kept (tx user data points here) */
    uint32_t nslots;                /* allocated, up to http.pipeline_depth */
    uint64_t seq;                   /* requests started */
    uint64_t inflated;              /* decoded body bytes on this connection */
    uint32_t evasion;               /* for the next transaction handed out (a resync) */
    uint32_t rejects;               /* parse errors since the last transaction handed out */
    uint32_t htp_live;              /* libhtp transactions not yet complete (answered) */
    bool shedding;                  /* 2 x depth requests held: rebuild the parser after this one */
    /* Retired parsers (shed()), oldest first, still taking the responses to their requests
     * so that later responses pair with the right request. */
    htp_connp_t *old_connp[OLD_MAX];
    uint32_t old_live[OLD_MAX];     /* their transactions still waiting for a response */
    uint32_t n_old;
    bool resp_off;                  /* responses no longer paired on this connection */
    bool lines_only[2];             /* resync after a rejected request: at line starts only */
    struct ig_http_header *hdrs;    /* request then response headers of the txn handed out */
    uint32_t hdrs_cap;
    bool fast_mode;                 /* still on the strict fast path (never libhtp yet) */
    struct fast *fast;              /* its state, allocated with the first bytes */
    uint64_t open_us;               /* when it opened: libhtp's parser, made at hand-over, opens then */
    struct ig_http_conn *pool_next; /* in h->conn_pool once closed */
};

static void to_htp_time(uint64_t us, htp_time_t *t)
{
    t->tv_sec = (time_t)(us / 1000000);
    t->tv_usec = (suseconds_t)(us % 1000000);
}

static uint8_t cap_class(size_t cap)
{
    uint8_t k = 0;
    while (k + 1 < BODY_CLASSES && ((size_t)1 << (k + 1)) <= cap)
        k++;
    return k;
}

static void body_unlist(struct ig_http *h, struct body *b)
{
    if (!b->owner || !b->cap)
        return;
    if (b->gprev) b->gprev->gnext = b->gnext; else h->cls[b->cls] = b->gnext;
    if (b->gnext) b->gnext->gprev = b->gprev;
    b->gprev = b->gnext = NULL;
}

static void body_list(struct ig_http *h, struct body *b)
{
    if (!b->owner || !b->cap)
        return;
    b->cls = cap_class(b->cap);
    b->gprev = NULL;
    b->gnext = h->cls[b->cls];
    if (b->gnext)
        b->gnext->gprev = b;
    h->cls[b->cls] = b;
    if (b->cls > h->top_cls)
        h->top_cls = b->cls;
}

static struct body *largest_body(struct ig_http *h)
{
    while (h->top_cls > 0 && !h->cls[h->top_cls])
        h->top_cls--;
    return h->cls[h->top_cls];
}

static void give_up(struct ig_http *h, struct body *victim);

static void note_affected(struct ig_http_conn *c)
{
    struct ig_http *h = c->h;
    struct ig_endpoint *a = h->affected[h->n_affected++ % IG_HTTP_AFFECTED];
    a[0] = c->client;
    a[1] = c->server;
}

/* Grows <b> to hold <need> bytes within http.memcap (all body and pending buffers of all
 * connections). At the cap the largest body buffer anywhere is given up first (its
 * transaction is handed out now with the head collected so far, counted): a few padded
 * giants cannot starve every ordinary request. False when <b> is itself the largest, or
 * memory says no: the caller cuts the body. */
static bool body_reserve(struct ig_http *h, struct body *b, size_t need)
{
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    while (h->body_bytes - b->cap + cap > h->icfg->http_memcap) {
        struct body *v = largest_body(h);
        if (!v || v == b || v->cap <= b->cap || !b->owner) {
            h->st.memcap_given_up++;
            return false;
        }
        give_up(h, v);
    }
    uint8_t *p = realloc(b->buf, cap);
    if (!p)
        return false;
    body_unlist(h, b);
    h->body_bytes = h->body_bytes - b->cap + cap;
    b->buf = p;
    b->cap = cap;
    body_list(h, b);
    return true;
}

static void body_free(struct ig_http *h, struct body *b)
{
    body_unlist(h, b);
    h->body_bytes -= b->cap;
    free(b->buf);
    struct slot *owner = b->owner;
    *b = (struct body){ 0 };
    b->owner = owner;
}

static void body_clear(struct body *b)
{
    b->len = 0;
    b->truncated = false;
    b->ws_run = 0;
    b->squeezed = b->inflated = 0;
}

static struct ig_http_conn *conn_of(htp_tx_t *tx)
{
    return htp_connp_get_user_data(tx->connp);
}

static struct slot *slot_of(htp_tx_t *tx)
{
    return htp_tx_get_user_data(tx);
}

static void release_slots(struct ig_http_conn *c)
{
    for (uint32_t i = 0; i < c->nslots; i++) {
        struct slot *s = c->slots[i];
        s->used = false;
        s->tx = NULL;
        body_clear(&s->body[0]);
        body_clear(&s->body[1]);
    }
}

static void deliver(struct ig_http_conn *c, htp_tx_t *tx, bool with_response);

static void bind_slot(struct ig_http_conn *c, struct slot *s, htp_tx_t *tx)
{
    s->used = true;
    s->req_done = false;
    s->tx = tx;
    s->seq = c->seq++;
    s->req_ts = c->ts[0];
    s->evasion = 0;
    body_clear(&s->body[0]);
    body_clear(&s->body[1]);
    htp_tx_set_user_data(tx, s);
}

/* libhtp hook: a new request begins; bind a slot and the first byte's time. */
static int on_request_start(htp_tx_t *tx)
{
    struct ig_http_conn *c = conn_of(tx);
    uint32_t depth = c->h->icfg->http_pipeline_depth ? c->h->icfg->http_pipeline_depth : 64;
    /* libhtp keeps every request until its response arrives; to a server that never
     * answers that grows without end. At twice the depth the parser is rebuilt after this
     * request (on_request_complete, see shed()), so each connection holds a bounded
     * number. (An error from this hook would make libhtp 0.5 loop: it is ignored there.) */
    if (tx->connp == c->connp && c->htp_live + 1 >= 2 * depth)
        c->shedding = true;
    if (tx->connp == c->connp) {
        uint64_t held = ++c->htp_live;
        for (uint32_t i = 0; i < c->n_old; i++)
            held += c->old_live[i];
        if (held > c->h->st.txns_held_max)
            c->h->st.txns_held_max = held;
    }
    for (uint32_t i = 0; i < c->nslots; i++) {
        if (!c->slots[i]->used) {
            bind_slot(c, c->slots[i], tx);
            return HTP_OK;
        }
    }
    if (c->nslots < depth) {
        struct slot **v = realloc(c->slots, (c->nslots + 1) * sizeof *v);
        if (v) {
            c->slots = v;
            if ((v[c->nslots] = calloc(1, sizeof *v[c->nslots])) != NULL) {
                struct slot *ns = v[c->nslots];
                ns->conn = c;
                ns->body[0].owner = ns->body[1].owner = ns;
                bind_slot(c, ns, tx);
                c->nslots++;
                return HTP_OK;
            }
        }
    }
    /* Deeper pipelining than http.pipeline_depth: the oldest complete request is handed
     * out now, without its response, and its slot taken; nothing is skipped. */
    struct slot *old = NULL;
    for (uint32_t i = 0; i < c->nslots; i++) {
        struct slot *s = c->slots[i];
        if (s->used && s->tx && s->tx->request_progress >= HTP_REQUEST_COMPLETE &&
            (!old || s->seq < old->seq))
            old = s;
    }
    if (!old) {
        c->h->st.gaps_dropped_txns++;   /* out of memory for the slot table */
        return HTP_OK;
    }
    old->evasion |= IG_EVA_PIPELINE_DEPTH;
    c->h->st.pipeline_early++;
    deliver(c, old->tx, false);
    bind_slot(c, old, tx);
    return HTP_OK;
}

/* Appends <n> decoded bytes to <b>, squeezing whitespace runs past WS_KEEP (padding is
 * the cheapest way to push a prompt beyond the body limit; JSON ignores the whitespace
 * between tokens, and inside a string a long run carries nothing a detector needs). */
static inline bool is_ws(uint8_t ch)
{
    return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
}

/* Start of the first whitespace run in [p, e) longer than WS_KEEP, or e. Such a run covers
 * an offset from p that is a multiple of WS_KEEP, so only the runs through those offsets
 * are measured (runs are disjoint: the first one found is the first one). */
static const uint8_t *long_ws_run(const uint8_t *p, const uint8_t *e)
{
    size_t n = (size_t)(e - p);
    for (size_t i = 0; i < n; i += WS_KEEP) {
        if (!is_ws(p[i]))
            continue;
        size_t a = i, z = i + 1;
        while (a > 0 && is_ws(p[a - 1]))
            a--;
        while (z < n && is_ws(p[z]) && z - a <= WS_KEEP)
            z++;
        if (z - a > WS_KEEP)
            return p + a;
    }
    return e;
}

/* Appends <n> bytes at <p> to <b> up to <limit>, keeping the first WS_KEEP bytes of each
 * whitespace run (runs continue across calls through b->ws_run) and counting the rest in
 * b->squeezed. Text up to the next run longer than WS_KEEP is copied in one piece. */
static void body_append(struct body *b, const uint8_t *p, size_t n, size_t limit, bool *full)
{
    const uint8_t *e = p + n;
    while (p < e) {
        if (b->len >= limit) {
            *full = true;
            return;
        }
        /* a whitespace run, or the rest of one begun earlier: byte by byte */
        if (is_ws(*p)) {
            while (p < e && is_ws(*p)) {
                if (b->ws_run < WS_KEEP) {
                    if (b->len >= limit) {
                        *full = true;
                        return;
                    }
                    b->buf[b->len++] = *p;
                } else {
                    b->squeezed++;
                }
                b->ws_run++;
                p++;
            }
            continue;
        }
        /* from a non-whitespace byte to the next long run: nothing in it is squeezed */
        const uint8_t *q = long_ws_run(p, e);
        size_t k = IG_MIN((size_t)(q - p), limit - b->len);
        memcpy(b->buf + b->len, p, k);
        b->len += k;
        if (k < (size_t)(q - p)) {
            *full = true;
            return;
        }
        uint32_t run = 0;
        while (run < k && is_ws(p[k - 1 - run]))
            run++;
        b->ws_run = run;
        p = q;
    }
}

/* Keeps <n> decoded body bytes of slot body <b> (direction <dir>) within the body limits,
 * whitespace squeezing, decompression caps and http.memcap. <wire> is the message's body
 * length on the wire so far; <tx> (libhtp's, NULL for the fast path) is handed out at a
 * decompression cap. Returns HTP_ERROR when parsing must stop there. Shared by libhtp's
 * body hooks and the fast path, so both keep the same bytes. */
static int collect_bytes(struct ig_http_conn *c, struct body *b, uint32_t *evasion, enum ig_flow_dir dir,
                         const uint8_t *data, size_t len, int64_t wire, bool inflating, htp_tx_t *tx)
{
    struct ig_http *h = c->h;
    const struct ig_config *cfg = h->icfg;
    size_t limit = dir == IG_DIR_TO_SERVER ? cfg->http_request_body_limit : cfg->http_response_body_limit;

    /* Decompression caps: inflated bytes per body and per connection, and the ratio to the
     * bytes on the wire (libhtp's own guard needs a ratio over 2048, which deflate never
     * reaches: it tops out near 1032:1). Past a cap the transaction is handed out with the
     * head collected so far and parsing stops (libhtp is told to fail, then resynchronised). */
    b->inflated += len;
    c->inflated += len;
    if (inflating &&
        (b->inflated > cfg->http_inflate_body_limit || c->inflated > cfg->http_inflate_conn_limit ||
         (b->inflated >= INFLATE_RATIO_MIN && b->inflated > (uint64_t)cfg->http_inflate_ratio * (uint64_t)IG_MAX(wire, 1)))) {
        *evasion |= IG_EVA_DECOMPRESS_CAP;
        if (!b->truncated)
            h->st.body_truncated++;
        b->truncated = true;
        h->st.inflate_capped++;
        if (tx)
            deliver(c, tx, dir == IG_DIR_TO_CLIENT);
        return HTP_ERROR;
    }

    if (b->len >= limit) {
        if (!b->truncated)
            h->st.body_truncated++;
        b->truncated = true;
        return HTP_OK;
    }
    /* Room for what can still be kept (whitespace squeezing only shrinks it). */
    if (!body_reserve(h, b, IG_MIN(b->len + len, limit))) {
        if (!b->truncated)
            h->st.body_truncated++;
        b->truncated = true;
        return HTP_OK;
    }
    bool full = false;
    uint64_t sq = b->squeezed;
    body_append(b, data, len, limit, &full);
    h->st.ws_squeezed += b->squeezed - sq;
    if (b->squeezed > WS_PADDED)
        *evasion |= IG_EVA_PADDING;
    if (full) {
        if (!b->truncated)
            h->st.body_truncated++;
        b->truncated = true;
    }
    return HTP_OK;
}

static int collect(htp_tx_data_t *d, enum ig_flow_dir dir)
{
    if (!d->data || d->len == 0)
        return HTP_OK;
    struct slot *s = slot_of(d->tx);
    if (!s)
        return HTP_OK;
    int64_t wire = dir == IG_DIR_TO_SERVER ? d->tx->request_message_len : d->tx->response_message_len;
    enum htp_content_encoding_t enc = dir == IG_DIR_TO_SERVER ? d->tx->request_content_encoding
                                               : d->tx->response_content_encoding_processing;
    return collect_bytes(conn_of(d->tx), &s->body[dir], &s->evasion, dir, d->data, d->len, wire,
                         enc > HTP_COMPRESSION_NONE, d->tx);
}

static int on_request_body(htp_tx_data_t *d) { return collect(d, 0); }
static int on_response_body(htp_tx_data_t *d) { return collect(d, 1); }

static struct ig_span bspan(const bstr *b)
{
    if (!b)
        return (struct ig_span){ NULL, 0 };
    return (struct ig_span){ bstr_ptr(b), bstr_len(b) };
}

/* Copies header spans of <tab> into c->hdrs from <at>; returns how many. */
static uint32_t headers(struct ig_http_conn *c, const htp_table_t *tab, uint32_t at)
{
    size_t n = tab ? htp_table_size(tab) : 0;
    if (at + n > c->hdrs_cap) {
        uint32_t cap = c->hdrs_cap ? c->hdrs_cap : 32;
        while (cap < at + n)
            cap *= 2;
        struct ig_http_header *p = realloc(c->hdrs, cap * sizeof *p);
        if (!p)
            return 0;
        c->hdrs = p;
        c->hdrs_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        htp_header_t *h = htp_table_get_index(tab, i, NULL);
        c->hdrs[at + i] = (struct ig_http_header){ bspan(h->name), bspan(h->value) };
    }
    return (uint32_t)n;
}

/* Builds the ig_http_txn for <tx> and hands it out; with_response false = request only. */
static void deliver(struct ig_http_conn *c, htp_tx_t *tx, bool with_response)
{
    struct slot *s = slot_of(tx);
    if (!s)
        return;
    struct ig_http_txn t = {
        .client = c->client, .server = c->server,
        .req_time_us = s->req_ts,
        .method = bspan(tx->request_method),
        .uri = bspan(tx->request_uri),
        .req_body = { s->body[0].buf, s->body[0].len },
        .req_wire_bytes = tx->request_message_len > 0 ? (uint64_t)tx->request_message_len : 0,
        .req_body_truncated = s->body[0].truncated,
        .evasion = s->evasion | c->evasion,
    };
    c->evasion = 0;
    c->rejects = 0;
    if (tx->parsed_uri_raw) {
        t.path = bspan(tx->parsed_uri_raw->path);
        t.query = bspan(tx->parsed_uri_raw->query);
    }
    if (!t.path.p)
        t.path = t.uri;
    if (!t.req_body.p)
        t.req_body.p = (const uint8_t *)"";
    uint32_t nreq = headers(c, tx->request_headers, 0);
    t.req_headers = c->hdrs;
    t.n_req_headers = nreq;
    if (with_response) {
        t.resp_time_us = c->ts[1];
        t.status = tx->response_status_number > 0 && tx->response_status_number < 1000
                       ? (uint16_t)tx->response_status_number : 0;
        t.resp_body = (struct ig_span){ s->body[1].buf ? s->body[1].buf : (const uint8_t *)"",
                                        s->body[1].len };
        t.resp_wire_bytes = tx->response_message_len > 0 ? (uint64_t)tx->response_message_len : 0;
        t.resp_body_truncated = s->body[1].truncated;
        uint32_t nres = headers(c, tx->response_headers, nreq);
        t.req_headers = c->hdrs;   /* headers() may have moved the array */
        t.resp_headers = c->hdrs ? c->hdrs + nreq : NULL;
        t.n_resp_headers = nres;
    } else {
        t.resp_body = (struct ig_span){ (const uint8_t *)"", 0 };
        c->h->st.requests_only++;
    }
    c->h->st.txns++;
    c->delivered++;
    c->h->fn(c->h->ctx, &t);
    s->used = false;
    s->tx = NULL;
    htp_tx_set_user_data(tx, NULL);
    /* Idle keep-alive connections should not pin multi-megabyte buffers: big ones are
     * released (their next use pays one malloc, small next to copying the body). */
    for (int d = 0; d < 2; d++)
        if (s->body[d].cap > BODY_KEEP_MAX)
            body_free(c->h, &s->body[d]);
}

/* http.memcap reached: the transaction owning <victim> (the largest body buffer) is handed
 * out now with the head collected so far, flagged truncated; the rest of its body is not
 * collected (its slot is released, libhtp's callbacks then find no slot). */
static void give_up(struct ig_http *h, struct body *victim)
{
    struct slot *s = victim->owner;
    struct ig_http_conn *c = s->conn;
    h->st.memcap_bodies_given_up++;
    h->st.memcap_bytes_given_up += victim->len;
    note_affected(c);
    if (s->used && s->tx) {
        enum ig_flow_dir dir = victim == &s->body[1];
        if (!victim->truncated)
            h->st.body_truncated++;
        victim->truncated = true;
        deliver(c, s->tx, dir == IG_DIR_TO_CLIENT);
    }
    body_free(h, &s->body[0]);
    body_free(h, &s->body[1]);
}

/* libhtp hook: its messages are only counted (decompression failures); the data path
 * never logs per transaction. */
static int on_log(htp_log_t *l)
{
    if (l->connp && l->msg && strstr(l->msg, "ecompress")) {
        struct ig_http_conn *c = htp_connp_get_user_data(l->connp);
        if (c)
            c->h->st.decompress_errors++;
    }
    return HTP_OK;
}

/* libhtp hook: a request is complete. When shedding, libhtp is stopped here (the error
 * propagates out of htp_connp_req_data with the bytes consumed so far). */
static int on_request_complete(htp_tx_t *tx)
{
    struct ig_http_conn *c = conn_of(tx);
    struct slot *s = slot_of(tx);
    if (s)
        s->req_done = true;
    return c->shedding && tx->connp == c->connp ? HTP_ERROR : HTP_OK;
}

/* libhtp hook: request and response both complete. libhtp destroys <tx> afterwards. */
static int on_tx_complete(htp_tx_t *tx)
{
    struct ig_http_conn *c = conn_of(tx);
    if (c->n_old && tx->connp == c->old_connp[0]) {
        /* A response to a request of a retired parser: pairs with nothing kept. When the
         * last has come, stop here so the next response goes to the next parser. */
        c->h->st.pipeline_shed_answered++;
        return --c->old_live[0] == 0 ? HTP_ERROR : HTP_OK;
    }
    if (c->htp_live)
        c->htp_live--;
    deliver(c, tx, true);
    return HTP_OK;
}

struct ig_http *ig_http_new(const struct ig_config *cfg, ig_http_txn_fn fn, void *ctx)
{
    struct ig_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cfg = htp_config_create();
    if (!h->cfg) {
        free(h);
        return NULL;
    }
    h->icfg = cfg;
    h->fn = fn;
    h->ctx = ctx;
    h->fast_on = strcmp(cfg->http_parser, "libhtp") != 0;
    htp_config_set_server_personality(h->cfg, HTP_SERVER_IDS);
    htp_config_set_response_decompression(h->cfg, 1);
    htp_config_set_request_decompression(h->cfg, 1);
    htp_config_set_tx_auto_destroy(h->cfg, 1);
    htp_config_set_parse_request_cookies(h->cfg, 0);
    /* Decompressed output is capped by our body limits; keep libhtp's bomb guard in step. */
    size_t bomb = IG_MAX(cfg->http_request_body_limit, cfg->http_response_body_limit);
    htp_config_set_compression_bomb_limit(h->cfg, IG_MAX(bomb, (size_t)1 << 20) * 4);
    /* libhtp also stops inflating a body (passthrough, logged as a compression bomb) after
     * 100 ms of wall-clock time spent in its decompressor: on a loaded machine a preemption
     * trips it, so the same bytes give other bodies. Our caps above and in collect_bytes()
     * decide deterministically; libhtp's clock guard is set to its maximum, one second. */
    htp_config_set_compression_time_limit(h->cfg, 1000000);
    htp_config_register_request_start(h->cfg, on_request_start);
    htp_config_register_request_body_data(h->cfg, on_request_body);
    htp_config_register_response_body_data(h->cfg, on_response_body);
    htp_config_register_request_complete(h->cfg, on_request_complete);
    htp_config_register_transaction_complete(h->cfg, on_tx_complete);
    htp_config_register_log(h->cfg, on_log);
    return h;
}

void ig_http_free(struct ig_http *h)
{
    if (!h)
        return;
    while (h->conn_pool) {
        struct ig_http_conn *c = h->conn_pool;
        h->conn_pool = c->pool_next;
        free(c->hdrs);
        free(c);
    }
    fast_pool_drain(h);
    htp_config_destroy(h->cfg);
    free(h);
}

const struct ig_http_stats *ig_http_stats(const struct ig_http *h)
{
    return &h->st;
}

uint64_t ig_http_affected(const struct ig_http *h, uint64_t since,
                          void (*fn)(void *ctx, const struct ig_endpoint *client,
                                     const struct ig_endpoint *server),
                          void *ctx)
{
    uint64_t from = h->n_affected > IG_HTTP_AFFECTED ? h->n_affected - IG_HTTP_AFFECTED : 0;
    for (uint64_t i = IG_MAX(from, since); i < h->n_affected; i++) {
        const struct ig_endpoint *a = h->affected[i % IG_HTTP_AFFECTED];
        fn(ctx, &a[0], &a[1]);
    }
    return h->n_affected;
}

/* Drops the oldest retired parser (all of them with <all>). */
static void drop_old_parser(struct ig_http_conn *c, bool all)
{
    do {
        if (!c->n_old)
            return;
        htp_connp_destroy_all(c->old_connp[0]);
        c->n_old--;
        memmove(c->old_connp, c->old_connp + 1, c->n_old * sizeof c->old_connp[0]);
        memmove(c->old_live, c->old_live + 1, c->n_old * sizeof c->old_live[0]);
    } while (all);
}

static bool open_parser(struct ig_http_conn *c, uint64_t ts_us)
{
    c->htp_live = 0;
    c->shedding = false;
    c->connp = htp_connp_create(c->h->cfg);
    if (!c->connp)
        return false;
    htp_connp_set_user_data(c->connp, c);
    htp_time_t t;
    to_htp_time(ts_us, &t);
    htp_connp_open(c->connp, NULL, c->client.port, NULL, c->server.port, &t);
    return true;
}

struct ig_http_conn *ig_http_conn_new(struct ig_http *h, const struct ig_endpoint *client,
                                      const struct ig_endpoint *server, uint64_t ts_us)
{
    struct ig_http_conn *c = h->conn_pool;
    if (c) {
        /* a closed one: as new, but keeping its header array */
        h->conn_pool = c->pool_next;
        h->conn_pooled--;
        struct ig_http_header *hdrs = c->hdrs;
        uint32_t hdrs_cap = c->hdrs_cap;
        memset(c, 0, sizeof *c);
        c->hdrs = hdrs;
        c->hdrs_cap = hdrs_cap;
    } else if (!(c = calloc(1, sizeof *c))) {
        return NULL;
    }
    c->h = h;
    c->client = *client;
    c->server = *server;
    c->fast_mode = h->fast_on;
    c->open_us = ts_us;
    /* On the fast path libhtp's parser is made only if the connection is handed over
     * (fast_handover): most never are, and making one costs ~10 allocations. */
    if (!c->fast_mode && !open_parser(c, ts_us)) {
        free(c->hdrs);
        free(c);
        return NULL;
    }
    h->st.conns++;
    if (++h->open > h->open_peak)
        h->open_peak = h->open;
    return c;
}

/* Drops every transaction in flight and rebuilds the parser; both directions then wait
 * for a message start (a response can only be paired once its request is seen). */
static void reset_parser(struct ig_http_conn *c, uint64_t ts_us)
{
    if (c->connp) {
        htp_conn_t *conn = htp_connp_get_connection(c->connp);
        for (size_t i = 0, n = htp_list_size(conn->transactions); i < n; i++) {
            htp_tx_t *tx = htp_list_get(conn->transactions, i);
            if (tx && slot_of(tx)) {
                c->h->st.gaps_dropped_txns++;
                htp_tx_set_user_data(tx, NULL);
            }
        }
        htp_connp_destroy_all(c->connp);
        c->connp = NULL;
    }
    drop_old_parser(c, true);
    release_slots(c);
    for (int d = 0; d < 2; d++) {
        c->resync[d] = true;
        c->line_start[d] = true;
        c->lines_only[d] = false;
        c->carry_n[d] = 0;
        c->pending[d].len = 0;
    }
    c->h->st.resyncs++;
    open_parser(c, ts_us);
}

/* More than 2 x http.pipeline_depth requests wait for responses: every complete one is
 * handed out now without its response (flagged, counted) and a new parser takes the
 * requests from the one that was refused. The old parser is kept for the responses to
 * its requests (up to OLD_MAX of them), so a server that answers late is still paired
 * right. Past that the connection's responses are no longer parsed (counted): pairing is
 * never guessed, and each connection holds at most (OLD_MAX + 1) x 2 x depth requests. */
static void shed(struct ig_http_conn *c, uint64_t ts_us)
{
    c->h->st.pipeline_shed++;
    note_affected(c);
    for (uint32_t i = 0; i < c->nslots; i++) {
        struct slot *s = c->slots[i];
        if (!s->used || !s->tx)
            continue;
        if (s->req_done || s->tx->request_progress >= HTP_REQUEST_COMPLETE) {
            s->evasion |= IG_EVA_PIPELINE_DEPTH;
            c->h->st.pipeline_early++;
            deliver(c, s->tx, false);
        } else {
            htp_tx_set_user_data(s->tx, NULL);
            c->h->st.gaps_dropped_txns++;
        }
    }
    release_slots(c);
    if (c->n_old == OLD_MAX && !c->resp_off) {
        c->resp_off = true;
        c->h->st.pipeline_responses_off++;
    }
    if (c->resp_off || c->htp_live == 0) {
        drop_old_parser(c, true);
        htp_connp_destroy_all(c->connp);
    } else {
        c->old_connp[c->n_old] = c->connp;
        c->old_live[c->n_old++] = c->htp_live;
    }
    c->connp = NULL;
    c->pending[0].len = 0;
    open_parser(c, ts_us);
    c->resync[0] = true;
    c->line_start[0] = true;
    c->lines_only[0] = false;
    c->carry_n[0] = 0;
}

/* Response bytes for the retired parsers' requests, oldest first. Returns how many they
 * took; the rest belong to the current parser. */
static size_t feed_old(struct ig_http_conn *c, const uint8_t *p, size_t n, const htp_time_t *t)
{
    size_t off = 0;
    while (c->n_old && off < n) {
        int rc = htp_connp_res_data(c->old_connp[0], t, p + off, n - off);
        if (rc == HTP_STREAM_DATA && c->old_live[0])
            return n;
        /* on_tx_complete stopped it after its last awaited response (or it failed). */
        size_t used = rc == HTP_STREAM_DATA ? n - off : htp_connp_res_data_consumed(c->old_connp[0]);
        drop_old_parser(c, false);
        off += IG_MIN(used, n - off);
    }
    return off;
}

/* Feeds libhtp; returns false on a parse error. Keeps what libhtp declined. */
static bool feed(struct ig_http_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us)
{
    if (!c->connp || n == 0)
        return c->connp != NULL;
    htp_time_t t;
    to_htp_time(ts_us, &t);
    c->ts[dir] = ts_us;
    if (dir == IG_DIR_TO_CLIENT && c->resp_off)
        return true;
    if (dir == IG_DIR_TO_CLIENT && c->n_old) {
        size_t used = feed_old(c, p, n, &t);
        p += used;
        n -= used;
        if (n == 0)
            return true;
    }
    int rc = dir == IG_DIR_TO_SERVER ? htp_connp_req_data(c->connp, &t, p, n)
                      : htp_connp_res_data(c->connp, &t, p, n);
    if (rc == HTP_STREAM_ERROR)
        return false;
    if (rc == HTP_STREAM_DATA_OTHER) {
        size_t used = dir == IG_DIR_TO_SERVER ? htp_connp_req_data_consumed(c->connp)
                               : htp_connp_res_data_consumed(c->connp);
        struct body *b = &c->pending[dir];
        size_t rest = used < n ? n - used : 0;
        if (b->len + rest > PENDING_MAX || !body_reserve(c->h, b, b->len + rest))
            return false;
        memcpy(b->buf + b->len, p + used, rest);
        b->len += rest;
    }
    return true;
}

/* Retries bytes the other direction left pending, now that <dir> progressed. */
static bool retry_pending(struct ig_http_conn *c, enum ig_flow_dir dir, uint64_t ts_us)
{
    struct body *b = &c->pending[dir];
    if (b->len == 0)
        return true;
    /* Move out first: feed() may append the remainder again. */
    size_t n = b->len, cap = b->cap;
    uint8_t *tmp = b->buf;
    b->buf = NULL;
    b->cap = b->len = 0;
    c->h->body_bytes -= cap;   /* tmp is accounted again below, kept or freed */
    bool ok = feed(c, dir, tmp, n, ts_us);
    if (!b->buf) {
        b->buf = tmp;
        b->cap = cap;
        b->len = 0;
        c->h->body_bytes += cap;
    } else {
        free(tmp);
    }
    return ok;
}

/* libhtp rejected what it was fed. A rejected request is no reason to stop watching the
 * connection (a server more lenient than libhtp, or one that skips the bad request, goes on
 * serving the next): parsing restarts at the next request line that starts a line, and the
 * next transaction is flagged. Only a connection that never yields a transaction through
 * REJECTS_MAX rejections is taken for something other than HTTP. */
static int parse_error(struct ig_http_conn *c, uint64_t ts_us)
{
    if (c->shedding) {   /* not an error: on_request_complete asked for a new parser */
        shed(c, ts_us);
        return IG_OK;
    }
    c->h->st.parse_errors++;
    if (++c->rejects > REJECTS_MAX && c->delivered == 0)
        return IG_EPARSE;
    reset_parser(c, ts_us);
    c->lines_only[0] = c->lines_only[1] = true;
    c->evasion |= IG_EVA_HTTP_RESYNC;
    c->h->st.resync_rejected++;
    return IG_OK;
}

/* One pass over <p, n>; after a rejection inside it, *rescan is the offset from which the
 * rest of the bytes must be looked at again (a valid request may follow in the same data). */
static int conn_data_once(struct ig_http_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us,
                          size_t *rescan)
{
    const uint8_t *p0 = p;
    if (n == 0)
        return IG_OK;
    dir = dir ? 1 : 0;
    if (unlikely(c->resync[dir])) {
        /* A response is only accepted once its request has been found again. */
        if (dir == IG_DIR_TO_CLIENT && c->resync[0])
            return IG_OK;
        size_t partial;
        if (c->carry_n[dir]) {
            /* The carried tail is an undecided candidate: decide it with the new bytes. */
            uint8_t tmp[2 * IG_HTTP_RESYNC_CARRY];
            size_t k = c->carry_n[dir], m = IG_MIN(n, sizeof tmp - k);
            memcpy(tmp, c->carry[dir], k);
            memcpy(tmp + k, p, m);
            size_t part;
            long at = ig_http_resync_scan(dir, tmp, k + m, true, &part, c->lines_only[dir]);
            if (at >= 0 && (size_t)at < k) {
                c->resync[dir] = false;
                c->carry_n[dir] = 0;
                if (!feed(c, dir, tmp + at, k - (size_t)at, ts_us) || !feed(c, dir, p, n, ts_us))
                    return parse_error(c, ts_us);
                return IG_OK;
            }
            if (at < 0 && part < k && k - part + n <= IG_HTTP_RESYNC_CARRY) {
                /* still undecided: keep carrying */
                memmove(c->carry[dir], c->carry[dir] + part, k - part);
                memcpy(c->carry[dir] + k - part, p, n);
                c->carry_n[dir] = k - part + n;
                return IG_OK;
            }
            /* matches starting in <p> are found by the scan below */
            c->carry_n[dir] = 0;
        }
        long at = ig_http_resync_scan(dir, p, n, c->line_start[dir], &partial, c->lines_only[dir]);
        if (at < 0) {
            if (partial < n && n - partial <= IG_HTTP_RESYNC_CARRY) {
                memcpy(c->carry[dir], p + partial, n - partial);
                c->carry_n[dir] = n - partial;
            }
            c->line_start[dir] = p[n - 1] == '\n';
            return IG_OK;
        }
        c->resync[dir] = false;
        p += at;
        n -= (size_t)at;
    }
    if (!feed(c, dir, p, n, ts_us)) {
        size_t used = c->connp ? (dir == IG_DIR_TO_SERVER ? htp_connp_req_data_consumed(c->connp)
                                           : htp_connp_res_data_consumed(c->connp)) : n;
        if (c->shedding && dir == IG_DIR_TO_SERVER) {
            /* Rescan from the end of the request that completed the set; the new parser
             * has no request waiting, so the next pass consumes bytes. libhtp may have
             * have read into the next request line (to tell a body-less request from one
             * followed by junk): the scan starts at that line when it is a request line. */
            used = IG_MIN(used, n);
            size_t ls = used;
            while (ls > 0 && p[ls - 1] != '\n')
                ls--;
            if (ls == used && ls > 0) {   /* at a line start: the line before it */
                ls--;
                while (ls > 0 && p[ls - 1] != '\n')
                    ls--;
            }
            size_t part;
            if (ls < used && ig_http_resync_scan(IG_DIR_TO_SERVER, p + ls, n - ls, true, &part, true) == 0)
                used = ls;
            *rescan = (size_t)(p - p0) + used;
            shed(c, ts_us);
            return IG_OK;
        }
        used = IG_MAX(IG_MIN(used, n), (size_t)1);
        *rescan = (size_t)(p - p0) + used;
        return parse_error(c, ts_us);
    }
    if (!retry_pending(c, !dir, ts_us))
        return parse_error(c, ts_us);
    return IG_OK;
}

static int htp_conn_data(struct ig_http_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us)
{
    /* Each round consumes at least one byte, so this ends. */
    while (n) {
        size_t rescan = n;
        int st = conn_data_once(c, dir, p, n, ts_us, &rescan);
        if (st < 0 || rescan >= n)
            return st;
        if (rescan)
            c->line_start[dir ? 1 : 0] = p[rescan - 1] == '\n';
        p += rescan;
        n -= rescan;
    }
    return IG_OK;
}

#include "http_fast.inc"

int ig_http_conn_data(struct ig_http_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us)
{
    if (c->fast_mode)
        return fast_data(c, dir ? 1 : 0, p, n, ts_us);
    return htp_conn_data(c, dir, p, n, ts_us);
}

void ig_http_set_fast(struct ig_http *h, bool on)
{
    h->fast_on = on;
}

void ig_http_conn_gap(struct ig_http_conn *c, enum ig_flow_dir dir, uint64_t missing, uint64_t ts_us)
{
    (void)dir;
    (void)missing;
    if (c->fast_mode)
        fast_handover(c, false, false);
    reset_parser(c, ts_us);
}

void ig_http_conn_close(struct ig_http_conn *c, uint64_t ts_us)
{
    if (!c)
        return;
    if (c->fast_mode)
        fast_handover(c, false, true);
    if (c->connp) {
        htp_time_t t;
        to_htp_time(ts_us, &t);
        c->ts[1] = c->ts[1] ? c->ts[1] : ts_us;
        /* Completes a response delimited by the end of the connection. */
        htp_connp_close(c->connp, &t);
        htp_conn_t *conn = htp_connp_get_connection(c->connp);
        for (size_t i = 0, n = htp_list_size(conn->transactions); i < n; i++) {
            htp_tx_t *tx = htp_list_get(conn->transactions, i);
            if (!tx || !slot_of(tx))
                continue;
            if (tx->request_progress == HTP_REQUEST_COMPLETE)
                deliver(c, tx, false);
            else
                c->h->st.gaps_dropped_txns++;   /* request cut short */
        }
        htp_connp_destroy_all(c->connp);
    }
    drop_old_parser(c, true);
    for (uint32_t i = 0; i < c->nslots; i++) {
        body_free(c->h, &c->slots[i]->body[0]);
        body_free(c->h, &c->slots[i]->body[1]);
        free(c->slots[i]);
    }
    free(c->slots);
    body_free(c->h, &c->pending[0]);
    body_free(c->h, &c->pending[1]);
    struct ig_http *h = c->h;
    h->open--;
    if (h->conn_pooled < pool_limit(h)) {
        c->pool_next = h->conn_pool;
        h->conn_pool = c;
        h->conn_pooled++;
        return;
    }
    free(c->hdrs);
    free(c);
}
