/* Passive HTTP/2 + gRPC framing: see h2_conn.h. RFC 9113 (HTTP/2), RFC 7541 (HPACK, via
 * libnghttp2's inflater), gRPC over HTTP/2 (grpc/grpc doc/PROTOCOL-HTTP2.md: message =
 * 1-byte compressed flag + 4-byte big-endian length + bytes; status in trailers). */
#include "http2/h2_conn.h"
#include <inferguard/base64.h>

#include <nghttp2/nghttp2.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { F_DATA = 0, F_HEADERS, F_PRIORITY, F_RST, F_SETTINGS, F_PUSH, F_PING, F_GOAWAY,
       F_WINDOW, F_CONT };
#define FL_END_STREAM 0x01
#define FL_ACK 0x01
#define FL_END_HEADERS 0x04
#define FL_PADDED 0x08
#define FL_PRIORITY 0x20

enum { D_PREFACE, D_H1, D_FRAMES, D_LOST, D_DEAD };

#define PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define PREFACE_LEN 24u
#define H1_HEAD_MAX (64u << 10)      /* an Upgrade request or 101 head larger than this: give up */
#define LOST_BUF (64u << 10)         /* bytes searched for frame boundaries after a loss */
#define RESYNC_MAX_LEN (1u << 20)    /* a frame longer than this is not believed when resyncing */
#define QUEUE_MAX 64u                /* request messages waiting for their response, per stream */

struct hent { uint32_t no, nl, vo, vl; };
struct hlist { uint8_t *p; size_t n, cap; struct hent *e; uint32_t ne, ecap; size_t list_size; };

struct msg { uint8_t *p; size_t n; uint64_t wire, t0, t1; bool bad; };

struct gdef {                        /* gRPC deframer of one direction of one stream */
    uint8_t h[5], hn;
    uint32_t len, got;
    bool skip;                       /* over the message limit: its bytes are skipped */
    uint8_t *p;
    uint64_t t0;
};

struct body { uint8_t *p; size_t n, cap; bool trunc; uint64_t wire; };

struct stream {
    uint32_t id;
    bool used, grpc, ignored, lost[2], ended[2], closed;
    uint8_t blocks[2];               /* header blocks completed per direction (1 = headers, 2+ = trailers) */
    struct hlist h[2];               /* request headers; response headers + trailers */
    uint16_t status;                 /* :status of the final (non-1xx) response */
    int grpc_status;                 /* -1 = none seen */
    char enc[2];                     /* grpc-encoding: 0 identity, 'g' gzip, 'd' deflate, '?' other */
    uint64_t t_req, t_resp;
    struct body body[2];
    struct gdef gd[2];
    struct msg q[QUEUE_MAX];         /* request messages waiting */
    uint32_t qh, qn;
    struct msg held;                 /* the latest response message, paired with q[qh] */
    bool has_held;
};

struct dir {
    int st;
    uint32_t pre_n;                  /* preface bytes matched */
    uint8_t fh[9];
    uint32_t fh_n;
    uint32_t flen, fsid, left, pad, pre_need, pre_got;
    uint8_t ftype, fflags, pre[8];
    uint8_t small[8];
    uint32_t small_n;
    nghttp2_hd_inflater *inf;
    bool hpack_ok;                   /* the dynamic table is in step with the encoder */
    uint32_t block_sid;              /* header block in progress (CONTINUATION expected) */
    bool block_open, block_end_stream, block_skip, block_first, block_done;
    struct stream *block_stream;
    uint32_t table_max;              /* largest SETTINGS_HEADER_TABLE_SIZE announced for us */
    uint32_t table_pending;
    uint64_t ts;
    uint8_t *lb;                     /* H1 head, or bytes being searched for frames (LOST) */
    size_t lb_n;
    uint64_t h1_body_left;
};

struct ig_h2 {
    const struct ig_config *cfg;
    ig_http_txn_fn fn;
    void *ctx;
    struct ig_h2_stats st;
    uint32_t max_streams, max_header_list, max_message, max_decompressed;
    uint64_t conn_memcap;
};

struct ig_h2_conn {
    struct ig_h2 *h;
    struct ig_endpoint client, server;
    struct dir d[2];
    struct stream *streams;
    uint32_t n_streams, cap_streams;
    uint64_t buffered;               /* message and body bytes held, against http2.conn_memcap */
    struct ig_http_header *hdrs;
    uint32_t hdrs_cap;
};

static void fresh_table(struct ig_h2_conn *c, enum ig_flow_dir dir);

/* ---------------------------------------------------------------- helpers */

static uint32_t be24(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool ieq(const uint8_t *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t x = a[i];
        if (x >= 'A' && x <= 'Z')
            x = (uint8_t)(x + 32);
        if (x != (uint8_t)lit[i])
            return false;
    }
    return true;
}

bool ig_h2_is_preface(const uint8_t *p, size_t n)
{
    size_t m = n < PREFACE_LEN ? n : PREFACE_LEN;
    return m >= 4 && memcmp(p, PREFACE, m) == 0;
}

/* Finds header <name> (lowercase) in an HTTP/1 head; returns its value span. */
static bool h1_header(const uint8_t *p, size_t n, const char *name, struct ig_span *val)
{
    size_t nl = strlen(name);
    const uint8_t *e = p + n, *line = memchr(p, '\n', n);
    while (line && line + 1 < e) {
        const uint8_t *s = line + 1;
        line = memchr(s, '\n', (size_t)(e - s));
        const uint8_t *le = line ? line : e;
        if (le > s && le[-1] == '\r')
            le--;
        if (le == s)
            break;   /* end of the header section */
        const uint8_t *colon = memchr(s, ':', (size_t)(le - s));
        if (colon && (size_t)(colon - s) == nl && ieq(s, nl, name)) {
            const uint8_t *v = colon + 1;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            const uint8_t *ve = le;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *val = (struct ig_span){ v, (size_t)(ve - v) };
            return true;
        }
    }
    return false;
}

bool ig_h2_is_upgrade(const uint8_t *p, size_t n)
{
    struct ig_span v;
    if (n < 16 || p[0] < 'A' || p[0] > 'Z' || !h1_header(p, n, "upgrade", &v))
        return false;
    /* Upgrade may list several protocols: "h2c" as one token. */
    for (size_t i = 0; i + 3 <= v.n; i++)
        if (ieq(v.p + i, 3, "h2c") && (i == 0 || v.p[i - 1] == ',' || v.p[i - 1] == ' ') &&
            (i + 3 == v.n || v.p[i + 3] == ',' || v.p[i + 3] == ' '))
            return true;
    return false;
}

uint16_t ig_h2_grpc_http_status(int g)
{
    /* The inverse of gRPC's HTTP-to-status table, as REST gateways map them. */
    static const uint16_t map[17] = { 200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409,
                                      400, 501, 500, 503, 500, 401 };
    return g >= 0 && g <= 16 ? map[g] : 500;
}

static bool buf_reserve(uint8_t **p, size_t *cap, size_t need)
{
    if (need <= *cap && *p)
        return true;
    size_t nc = *cap ? *cap : 256;
    while (nc < need)
        nc *= 2;
    uint8_t *np = realloc(*p, nc);
    if (!np)
        return false;
    *p = np;
    *cap = nc;
    return true;
}

/* ---------------------------------------------------------------- streams */

static struct stream *stream_find(struct ig_h2_conn *c, uint32_t id)
{
    for (uint32_t i = 0; i < c->cap_streams; i++)
        if (c->streams[i].used && c->streams[i].id == id)
            return &c->streams[i];
    return NULL;
}

static struct stream *stream_new(struct ig_h2_conn *c, uint32_t id)
{
    struct ig_h2 *h = c->h;
    if (c->n_streams >= h->max_streams) {
        h->st.streams_over_limit++;
        return NULL;
    }
    uint32_t i = 0;
    while (i < c->cap_streams && c->streams[i].used)
        i++;
    if (i == c->cap_streams) {
        uint32_t nc = c->cap_streams ? c->cap_streams * 2 : 4;
        if (nc > h->max_streams)
            nc = h->max_streams;
        /* the other direction may hold a header block open on a stream of the old array */
        ptrdiff_t open_at[2];
        for (int k = 0; k < 2; k++)
            open_at[k] = c->d[k].block_stream ? c->d[k].block_stream - c->streams : -1;
        struct stream *ns = realloc(c->streams, nc * sizeof *ns);
        if (!ns)
            return NULL;
        for (int k = 0; k < 2; k++)
            if (open_at[k] >= 0)
                c->d[k].block_stream = ns + open_at[k];
        memset(ns + c->cap_streams, 0, (nc - c->cap_streams) * sizeof *ns);
        c->streams = ns;
        c->cap_streams = nc;
    }
    struct stream *s = &c->streams[i];
    memset(s, 0, sizeof *s);
    s->used = true;
    s->id = id;
    s->grpc_status = -1;
    c->n_streams++;
    h->st.streams++;
    return s;
}

static void msg_free(struct ig_h2_conn *c, struct msg *m)
{
    if (m->p) {
        c->buffered -= m->n;
        free(m->p);
    }
    memset(m, 0, sizeof *m);
}

static void stream_free(struct ig_h2_conn *c, struct stream *s)
{
    for (int k = 0; k < 2; k++)     /* a header block still open on it keeps nothing */
        if (c->d[k].block_stream == s)
            c->d[k].block_stream = NULL, c->d[k].block_skip = true;
    for (int d = 0; d < 2; d++) {
        free(s->h[d].p);
        free(s->h[d].e);
        if (s->body[d].p)
            c->buffered -= s->body[d].cap;
        free(s->body[d].p);
        if (s->gd[d].p)
            c->buffered -= s->gd[d].len;
        free(s->gd[d].p);
    }
    for (uint32_t i = 0; i < s->qn; i++)
        msg_free(c, &s->q[(s->qh + i) % QUEUE_MAX]);
    msg_free(c, &s->held);
    memset(s, 0, sizeof *s);
    c->n_streams--;
}

static bool hlist_add(struct hlist *l, const uint8_t *n, size_t nl, const uint8_t *v, size_t vl)
{
    if (l->ne == l->ecap) {
        uint32_t nc = l->ecap ? l->ecap * 2 : 16;
        struct hent *ne = realloc(l->e, nc * sizeof *ne);
        if (!ne)
            return false;
        l->e = ne;
        l->ecap = nc;
    }
    if (!buf_reserve(&l->p, &l->cap, l->n + nl + vl))
        return false;
    struct hent *e = &l->e[l->ne++];
    e->no = (uint32_t)l->n;
    e->nl = (uint32_t)nl;
    if (nl)
        memcpy(l->p + l->n, n, nl);
    l->n += nl;
    e->vo = (uint32_t)l->n;
    e->vl = (uint32_t)vl;
    if (vl)
        memcpy(l->p + l->n, v, vl);
    l->n += vl;
    return true;
}

static struct ig_span hval(const struct hlist *l, const char *name)
{
    for (uint32_t i = 0; i < l->ne; i++)
        if (ieq(l->p + l->e[i].no, l->e[i].nl, name))
            return (struct ig_span){ l->p + l->e[i].vo, l->e[i].vl };
    return (struct ig_span){ NULL, 0 };
}

/* ---------------------------------------------------------------- emission */

static bool fill_headers(struct ig_h2_conn *c, const struct hlist *l, uint32_t *at)
{
    for (uint32_t i = 0; i < l->ne; i++) {
        if (l->e[i].nl && l->p[l->e[i].no] == ':')
            continue;   /* pseudo-headers are method/path/status, not headers */
        if (*at == c->hdrs_cap) {
            uint32_t nc = c->hdrs_cap ? c->hdrs_cap * 2 : 32;
            struct ig_http_header *nh = realloc(c->hdrs, nc * sizeof *nh);
            if (!nh)
                return false;
            c->hdrs = nh;
            c->hdrs_cap = nc;
        }
        c->hdrs[(*at)++] = (struct ig_http_header){
            .name = { l->p + l->e[i].no, l->e[i].nl }, .value = { l->p + l->e[i].vo, l->e[i].vl } };
    }
    return true;
}

/* Hands one exchange of <s> to the transaction callback: for gRPC <rq>/<rs> are one message
 * each (either may be NULL), otherwise the stream's bodies. */
static void emit(struct ig_h2_conn *c, struct stream *s, const struct msg *rq, const struct msg *rs,
                 uint16_t status)
{
    struct ig_h2 *h = c->h;
    if (s->blocks[0] == 0 || s->ignored)
        return;
    struct ig_http_txn t = { .client = c->client, .server = c->server };
    t.method = hval(&s->h[0], ":method");
    t.uri = hval(&s->h[0], ":path");
    t.path = t.uri;
    const uint8_t *q = t.uri.n ? memchr(t.uri.p, '?', t.uri.n) : NULL;
    if (q) {
        t.path.n = (size_t)(q - t.uri.p);
        t.query = (struct ig_span){ q + 1, t.uri.n - t.path.n - 1 };
    }
    uint32_t nh = 0;
    if (!fill_headers(c, &s->h[0], &nh))
        return;
    uint32_t nreq = nh;
    if (!fill_headers(c, &s->h[1], &nh))
        return;
    t.req_headers = c->hdrs;
    t.n_req_headers = nreq;
    t.resp_headers = c->hdrs ? c->hdrs + nreq : NULL;
    t.n_resp_headers = nh - nreq;
    t.status = status;
    if (s->grpc) {
        t.req_time_us = rq ? rq->t0 : s->t_req;
        t.resp_time_us = rs ? rs->t1 : s->t_resp;
        if (rq) {
            t.req_body = (struct ig_span){ rq->p, rq->n };
            t.req_wire_bytes = rq->wire;
            t.req_body_truncated = rq->bad;
        }
        if (rs) {
            t.resp_body = (struct ig_span){ rs->p, rs->n };
            t.resp_wire_bytes = rs->wire;
            t.resp_body_truncated = rs->bad;
        }
    } else {
        t.req_time_us = s->t_req;
        t.resp_time_us = s->t_resp;
        t.req_body = (struct ig_span){ s->body[0].p, s->body[0].n };
        t.req_wire_bytes = s->body[0].wire;
        t.req_body_truncated = s->body[0].trunc;
        t.resp_body = (struct ig_span){ s->body[1].p, s->body[1].n };
        t.resp_wire_bytes = s->body[1].wire;
        t.resp_body_truncated = s->body[1].trunc;
    }
    if (!t.resp_time_us || t.resp_time_us < t.req_time_us)
        t.resp_time_us = t.req_time_us;
    if (status >= 400)
        h->st.grpc_errors += s->grpc;
    h->st.txns++;
    h->fn(h->ctx, &t);
}

static uint16_t final_status(const struct stream *s)
{
    if (s->grpc && s->grpc_status >= 0)
        return ig_h2_grpc_http_status(s->grpc_status);
    return s->status;
}

/* The stream is over (both ends, reset, or connection end): everything left goes out. */
static void stream_finish(struct ig_h2_conn *c, struct stream *s)
{
    uint16_t st = final_status(s);
    if (s->grpc) {
        if (s->has_held) {
            struct msg *rq = s->qn ? &s->q[s->qh] : NULL;
            emit(c, s, rq, &s->held, st);
            if (rq) {
                msg_free(c, rq);
                s->qh = (s->qh + 1) % QUEUE_MAX;
                s->qn--;
            }
            msg_free(c, &s->held);
            s->has_held = false;
        }
        /* Requests never answered by a message: the call failed (or was cut); one event
         * each, with the call's status. */
        while (s->qn) {
            struct msg *rq = &s->q[s->qh];
            emit(c, s, rq, NULL, st);
            msg_free(c, rq);
            s->qh = (s->qh + 1) % QUEUE_MAX;
            s->qn--;
        }
    } else {
        emit(c, s, NULL, NULL, st);
    }
    stream_free(c, s);
}

static void maybe_finish(struct ig_h2_conn *c, struct stream *s)
{
    if (s->ended[0] && s->ended[1])
        stream_finish(c, s);
}

/* ---------------------------------------------------------------- gRPC messages */

static bool inflate_msg(struct ig_h2 *h, char enc, const uint8_t *in, size_t n, struct msg *m)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, enc == 'g' ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK)
        return false;
    size_t cap = n * 4 + 256, lim = h->max_decompressed;
    if (cap > lim)
        cap = lim;
    uint8_t *out = malloc(cap ? cap : 1);
    bool ok = false;
    if (!out)
        goto done;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    for (;;) {
        z.next_out = out + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        int r = inflate(&z, Z_NO_FLUSH);
        if (r == Z_STREAM_END) {
            ok = true;
            break;
        }
        if (r != Z_OK && r != Z_BUF_ERROR) {
            h->st.grpc_decompress_errors++;
            break;
        }
        if (z.avail_out == 0) {
            if (cap >= lim) {
                h->st.grpc_over_decompressed_limit++;
                break;
            }
            size_t nc = cap * 2 > lim ? lim : cap * 2;
            uint8_t *no = realloc(out, nc);
            if (!no)
                break;
            out = no;
            cap = nc;
        } else if (z.avail_in == 0) {
            h->st.grpc_decompress_errors++;   /* truncated compressed data */
            break;
        }
    }
done:
    if (ok) {
        m->p = out;
        m->n = z.total_out;
    } else {
        free(out);
    }
    inflateEnd(&z);
    return ok;
}

static void response_msg(struct ig_h2_conn *c, struct stream *s, struct msg *m)
{
    if (s->has_held) {
        struct msg *rq = s->qn ? &s->q[s->qh] : NULL;
        /* Another response followed, so the held one succeeded. */
        emit(c, s, rq, &s->held, s->status ? s->status : 200);
        if (rq) {
            msg_free(c, rq);
            s->qh = (s->qh + 1) % QUEUE_MAX;
            s->qn--;
        }
        msg_free(c, &s->held);
        s->has_held = false;
    }
    if (!s->qn) {
        /* Server streaming beyond the requests: nothing to pair with. */
        c->h->st.grpc_unpaired_responses++;
        msg_free(c, m);
        return;
    }
    s->held = *m;
    s->has_held = true;
}

static void message_done(struct ig_h2_conn *c, struct stream *s, enum ig_flow_dir dir, struct msg *m)
{
    c->h->st.grpc_messages++;
    if (dir == IG_DIR_TO_SERVER) {
        if (s->qn == QUEUE_MAX) {
            c->h->st.memcap_drops++;
            msg_free(c, m);
            return;
        }
        s->q[(s->qh + s->qn++) % QUEUE_MAX] = *m;
    } else {
        response_msg(c, s, m);
    }
}

/* Length-prefixed messages out of one direction's DATA bytes. */
static void grpc_data(struct ig_h2_conn *c, struct stream *s, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                      uint64_t ts)
{
    struct ig_h2 *h = c->h;
    struct gdef *g = &s->gd[dir];
    while (n) {
        if (g->hn < 5) {
            if (g->hn == 0)
                g->t0 = ts;
            size_t k = (size_t)(5 - g->hn) < n ? (size_t)(5 - g->hn) : n;
            memcpy(g->h + g->hn, p, k);
            g->hn = (uint8_t)(g->hn + k);
            p += k;
            n -= k;
            if (g->hn < 5)
                return;
            g->len = be32(g->h + 1);
            g->got = 0;
            g->skip = g->len > h->max_message || c->buffered + g->len > h->conn_memcap;
            if (g->skip) {
                if (g->len > h->max_message)
                    h->st.grpc_over_limit++;
                else
                    h->st.memcap_drops++;
            } else {
                g->p = malloc(g->len ? g->len : 1);
                if (!g->p)
                    g->skip = true;
                else
                    c->buffered += g->len;
            }
        }
        size_t k = g->len - g->got < n ? g->len - g->got : n;
        if (!g->skip)
            memcpy(g->p + g->got, p, k);
        g->got += (uint32_t)k;
        p += k;
        n -= k;
        if (g->got < g->len)
            return;
        struct msg m = { .wire = 5ull + g->len, .t0 = g->t0, .t1 = ts };
        if (g->skip) {
            m.bad = true;
        } else if (g->h[0] & 1) {
            char enc = s->enc[dir];
            if (enc != 'g' && enc != 'd') {
                h->st.grpc_unknown_encoding++;
                m.bad = true;
            } else if (!inflate_msg(h, enc, g->p, g->len, &m)) {
                m.bad = true;
            } else if (c->buffered + m.n > h->conn_memcap) {
                h->st.memcap_drops++;
                free(m.p);
                m.p = NULL;
                m.n = 0;
                m.bad = true;
            } else {
                c->buffered += m.n;
            }
            c->buffered -= g->len;
            free(g->p);
        } else {
            m.p = g->p;
            m.n = g->len;
        }
        g->p = NULL;
        g->hn = 0;
        message_done(c, s, dir, &m);
    }
}

static void stream_data(struct ig_h2_conn *c, struct stream *s, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                        uint64_t ts)
{
    if (!n || s->lost[dir])
        return;
    if (dir == IG_DIR_TO_CLIENT)
        s->t_resp = ts;
    if (s->grpc) {
        grpc_data(c, s, dir, p, n, ts);
        return;
    }
    struct body *b = &s->body[dir];
    b->wire += n;
    uint32_t lim = dir ? c->h->cfg->http_response_body_limit : c->h->cfg->http_request_body_limit;
    size_t room = b->n < lim ? lim - b->n : 0;
    size_t k = n < room ? n : room;
    if (k < n && !b->trunc) {
        b->trunc = true;
        c->h->st.bodies_truncated++;
    }
    if (!k)
        return;
    size_t old = b->cap;
    if (c->buffered + k > c->h->conn_memcap || !buf_reserve(&b->p, &b->cap, b->n + k)) {
        if (!b->trunc)
            c->h->st.memcap_drops++;
        b->trunc = true;
        return;
    }
    c->buffered += b->cap - old;
    memcpy(b->p + b->n, p, k);
    b->n += k;
}

static void end_stream_dir(struct ig_h2_conn *c, struct stream *s, enum ig_flow_dir dir)
{
    s->ended[dir] = true;
    maybe_finish(c, s);
}

/* ---------------------------------------------------------------- header blocks */

static void header_field(struct ig_h2_conn *c, struct dir *d, enum ig_flow_dir dir, const nghttp2_nv *nv)
{
    struct stream *s = d->block_stream;
    if (!s || d->block_skip)
        return;
    struct hlist *l = &s->h[dir];
    /* RFC 9113 6.5.2: name + value + 32 per field. */
    l->list_size += nv->namelen + nv->valuelen + 32;
    if (l->list_size > c->h->max_header_list) {
        if (!s->ignored) {
            c->h->st.header_lists_over_limit++;
            s->ignored = true;
        }
        return;
    }
    if (!hlist_add(l, nv->name, nv->namelen, nv->value, nv->valuelen))
        s->ignored = true;
}

static void block_begin(struct ig_h2_conn *c, enum ig_flow_dir dir, uint32_t sid, bool end_stream, bool push)
{
    struct dir *d = &c->d[dir];
    d->block_open = true;
    d->block_sid = sid;
    d->block_end_stream = end_stream;
    d->block_skip = push;            /* pushed requests are decoded (table) but not kept */
    d->block_first = true;
    d->block_done = false;
    d->block_stream = NULL;
    if (push)
        return;
    struct stream *s = stream_find(c, sid);
    if (!s && dir == IG_DIR_TO_SERVER && (sid & 1)) {
        s = stream_new(c, sid);
        if (s)
            s->t_req = d->ts;
    }
    if (!s) {
        d->block_skip = true;
        return;
    }
    d->block_stream = s;
    /* 1xx informational heads are replaced by the final one. */
    if (dir == IG_DIR_TO_CLIENT && s->blocks[1] == 0)
        s->h[1].ne = 0, s->h[1].n = 0, s->h[1].list_size = 0;
}

static void block_end(struct ig_h2_conn *c, enum ig_flow_dir dir)
{
    struct dir *d = &c->d[dir];
    d->block_open = false;
    if (d->table_pending) {
        nghttp2_hd_inflate_change_table_size(d->inf, d->table_pending);
        d->table_pending = 0;
    }
    struct stream *s = d->block_stream;
    d->block_stream = NULL;
    if (!s || d->block_skip)
        return;
    if (dir == IG_DIR_TO_CLIENT && s->blocks[1] == 0) {
        struct ig_span st = hval(&s->h[1], ":status");
        unsigned v = 0;
        for (size_t i = 0; i < st.n && i < 3; i++)
            v = v * 10 + (unsigned)(st.p[i] - '0');
        if (st.n == 3 && v >= 100 && v < 200)
            return;   /* informational: the real response follows */
        s->status = (uint16_t)v;
    }
    if (s->blocks[dir] == 0) {
        struct ig_span ct = hval(&s->h[dir], "content-type");
        if (dir == IG_DIR_TO_SERVER && ct.n >= 16 && ieq(ct.p, 16, "application/grpc"))
            s->grpc = true;
        struct ig_span e = hval(&s->h[dir], "grpc-encoding");
        s->enc[dir] = !e.n || ieq(e.p, e.n, "identity") ? 0 : ieq(e.p, e.n, "gzip") ? 'g'
                    : ieq(e.p, e.n, "deflate") ? 'd' : '?';
    }
    if (s->blocks[dir] < 255)
        s->blocks[dir]++;
    if (dir == IG_DIR_TO_CLIENT) {
        s->t_resp = d->ts;
        struct ig_span gs = hval(&s->h[1], "grpc-status");
        if (gs.n && gs.n <= 3) {
            int v = 0;
            for (size_t i = 0; i < gs.n; i++)
                v = v * 10 + (gs.p[i] >= '0' && gs.p[i] <= '9' ? gs.p[i] - '0' : 0);
            s->grpc_status = v;
        }
    }
    if (d->block_end_stream)
        end_stream_dir(c, s, dir);
}

/* Feeds a header-block fragment; final = last bytes of the block. */
static void block_feed(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, bool final)
{
    struct dir *d = &c->d[dir];
    if (d->block_first && n) {
        d->block_first = false;
        if (!d->hpack_ok) {
            /* Safe point after a loss: a size update to 0 empties the table, so from here
             * on every index refers to entries we see added (RFC 7541 4.2, 6.3). */
            if (p[0] == 0x20) {
                fresh_table(c, dir);
                c->h->st.resynced += d->hpack_ok;
            }
        }
    }
    if (!d->hpack_ok) {
        d->block_skip = true;
        if (d->block_stream)
            d->block_stream->ignored = true;
        return;
    }
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t r = nghttp2_hd_inflate_hd2(d->inf, &nv, &flags, p, n, final ? 1 : 0);
        if (r < 0) {
            c->h->st.hpack_errors++;
            d->hpack_ok = false;   /* the table is now unknown: wait for a safe point */
            d->block_skip = true;
            if (d->block_stream)
                d->block_stream->ignored = true;
            return;
        }
        if (p)
            p += r;
        n -= (size_t)r;
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            header_field(c, d, dir, &nv);
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(d->inf);
            d->block_done = true;
            return;
        }
        if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && n == 0)
            return;
    }
}

/* SETTINGS sent by <dir> tell the other direction's encoder how large a table it may use. */
static void setting(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *e)
{
    uint16_t id = (uint16_t)(e[0] << 8 | e[1]);
    uint32_t v = be32(e + 2);
    if (id != 1)   /* SETTINGS_HEADER_TABLE_SIZE */
        return;
    struct dir *o = &c->d[!dir];
    /* Only ever raise the inflater's ceiling: the encoder shrinks the table itself with a
     * size update when it applies a lower value. */
    if (v > o->table_max) {
        o->table_max = v;
        if (!o->inf)
            return;
        if (o->block_open)
            o->table_pending = v;
        else
            nghttp2_hd_inflate_change_table_size(o->inf, v);
    }
}

/* After a loss the encoder's table is unknown; we go on with an EMPTY one. That never
 * decodes wrongly: HPACK indexes the dynamic table newest first (RFC 7541 2.3.3), and
 * both tables receive the same insertions from here on, so an index either names an entry
 * we saw inserted (the same one the encoder means) or lies beyond our table, which the
 * inflater reports as an error; eviction only ever drops our entries sooner. After such an
 * error the blocks' insertions are no longer known: the direction waits for a safe point
 * (a block that empties the table). */
static void fresh_table(struct ig_h2_conn *c, enum ig_flow_dir dir)
{
    struct dir *d = &c->d[dir];
    if (d->inf)
        nghttp2_hd_inflate_del(d->inf);
    d->inf = NULL;
    d->hpack_ok = nghttp2_hd_inflate_new(&d->inf) == 0;
    if (d->hpack_ok && d->table_max > 4096)
        nghttp2_hd_inflate_change_table_size(d->inf, d->table_max);
}

/* ---------------------------------------------------------------- frames */

static void frame_malformed(struct ig_h2_conn *c, enum ig_flow_dir dir)
{
    c->h->st.frames_malformed++;
    struct dir *d = &c->d[dir];
    if (d->block_open) {
        /* A header block cut short leaves the table in an unknown state. */
        d->block_open = false;
        d->hpack_ok = false;
        if (d->block_stream)
            d->block_stream->ignored = true;
        d->block_stream = NULL;
        if (d->inf)
            nghttp2_hd_inflate_end_headers(d->inf);
    }
}

static void frame_begin(struct ig_h2_conn *c, enum ig_flow_dir dir)
{
    struct dir *d = &c->d[dir];
    c->h->st.frames++;
    d->flen = be24(d->fh);
    d->ftype = d->fh[3];
    d->fflags = d->fh[4];
    d->fsid = be32(d->fh + 5) & 0x7fffffffu;
    d->left = d->flen;
    d->pad = 0;
    d->pre_got = 0;
    d->small_n = 0;
    d->pre_need = 0;
    if (d->block_open && d->ftype != F_CONT) {
        frame_malformed(c, dir);   /* RFC 9113 6.10: nothing may interleave a header block */
    }
    switch (d->ftype) {
    case F_DATA:
        d->pre_need = d->fflags & FL_PADDED ? 1 : 0;
        break;
    case F_HEADERS:
        d->pre_need = (d->fflags & FL_PADDED ? 1u : 0u) + (d->fflags & FL_PRIORITY ? 5u : 0u);
        break;
    case F_PUSH:
        d->pre_need = (d->fflags & FL_PADDED ? 1u : 0u) + 4u;
        break;
    case F_CONT:
        if (!d->block_open || d->fsid != d->block_sid) {
            frame_malformed(c, dir);   /* a stray or foreign CONTINUATION */
            d->ftype = 0xff;
        }
        break;
    default:
        break;
    }
    if (d->pre_need > d->left) {
        frame_malformed(c, dir);
        d->ftype = 0xff;   /* skip the payload */
        d->pre_need = 0;
    }
}

/* The prefix of DATA/HEADERS/PUSH_PROMISE has been read (or there is none): padding
 * known, a header block starts. */
static void prefix_done(struct ig_h2_conn *c, enum ig_flow_dir dir)
{
    struct dir *d = &c->d[dir];
    if (d->ftype != F_DATA && d->ftype != F_HEADERS && d->ftype != F_PUSH)
        return;
    if (d->fflags & FL_PADDED)
        d->pad = d->pre[0];
    if (d->pad > d->left || ((d->ftype == F_HEADERS || d->ftype == F_PUSH) && d->fsid == 0)) {
        frame_malformed(c, dir);
        d->ftype = 0xff;   /* skip the payload */
        d->pad = 0;
        return;
    }
    if (d->ftype == F_DATA)
        return;
    block_begin(c, dir, d->fsid, d->ftype == F_HEADERS && (d->fflags & FL_END_STREAM),
                d->ftype == F_PUSH);
    if ((d->fflags & FL_END_HEADERS) && d->left - d->pad == 0)
        block_feed(c, dir, NULL, 0, true);
}

static void frame_payload(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n)
{
    struct dir *d = &c->d[dir];
    switch (d->ftype) {
    case F_DATA: {
        struct stream *s = d->fsid ? stream_find(c, d->fsid) : NULL;
        if (s && !s->ignored)
            stream_data(c, s, dir, p, n, d->ts);
        break;
    }
    case F_HEADERS: case F_PUSH: case F_CONT:
        if (d->block_open)
            block_feed(c, dir, p, n, (d->fflags & FL_END_HEADERS) && d->left - d->pad == n);
        break;
    case F_SETTINGS:
        if (d->fflags & FL_ACK)
            break;
        for (size_t i = 0; i < n; i++) {
            d->small[d->small_n++] = p[i];
            if (d->small_n == 6) {
                setting(c, dir, d->small);
                d->small_n = 0;
            }
        }
        break;
    case F_RST: case F_GOAWAY:
        for (size_t i = 0; i < n && d->small_n < 8; i++)
            d->small[d->small_n++] = p[i];
        break;
    default:
        break;
    }
}

static void frame_end(struct ig_h2_conn *c, enum ig_flow_dir dir)
{
    struct dir *d = &c->d[dir];
    switch (d->ftype) {
    case F_DATA: {
        struct stream *s = d->fsid ? stream_find(c, d->fsid) : NULL;
        if (s && (d->fflags & FL_END_STREAM))
            end_stream_dir(c, s, dir);
        break;
    }
    case F_HEADERS: case F_PUSH: case F_CONT:
        if (d->block_open && (d->fflags & FL_END_HEADERS) && d->fsid == d->block_sid) {
            if (!d->block_done)
                block_feed(c, dir, NULL, 0, true);
            block_end(c, dir);
        }
        break;
    case F_RST: {
        struct stream *s = d->fsid ? stream_find(c, d->fsid) : NULL;
        if (d->flen != 4)
            c->h->st.frames_malformed++;
        if (s) {
            c->h->st.streams_reset++;
            if (s->grpc && s->grpc_status < 0)
                s->grpc_status = 1;   /* CANCELLED: the call ended without a status */
            stream_finish(c, s);
        }
        break;
    }
    case F_GOAWAY:
        c->h->st.goaways++;
        if (d->small_n >= 4 && dir == IG_DIR_TO_CLIENT) {
            /* Streams above the last one the server processed never will be. */
            uint32_t last = be32(d->small) & 0x7fffffffu;
            for (uint32_t i = 0; i < c->cap_streams; i++) {
                struct stream *s = &c->streams[i];
                if (s->used && s->id > last) {
                    c->h->st.streams_refused++;
                    stream_free(c, s);
                }
            }
        }
        break;
    case F_SETTINGS:
        if (d->flen % 6 || d->fsid)
            c->h->st.frames_malformed++;
        break;
    default:
        break;
    }
}

static void frames(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n)
{
    struct dir *d = &c->d[dir];
    while (n && d->st == D_FRAMES) {
        if (d->fh_n < 9) {
            size_t k = 9 - d->fh_n < n ? 9 - d->fh_n : n;
            memcpy(d->fh + d->fh_n, p, k);
            d->fh_n += (uint32_t)k;
            p += k;
            n -= k;
            if (d->fh_n < 9)
                return;
            frame_begin(c, dir);
            if (d->pre_need == 0)
                prefix_done(c, dir);
        } else if (d->pre_got < d->pre_need) {
            size_t k = d->pre_need - d->pre_got < n ? d->pre_need - d->pre_got : n;
            memcpy(d->pre + d->pre_got, p, k);
            d->pre_got += (uint32_t)k;
            d->left -= (uint32_t)k;
            p += k;
            n -= k;
            if (d->pre_got == d->pre_need)
                prefix_done(c, dir);
        } else {
            /* Payload proper, then padding. */
            size_t body_left = d->left > d->pad ? d->left - d->pad : 0;
            size_t k = (body_left ? body_left : d->left) < n ? (body_left ? body_left : d->left) : n;
            if (body_left)
                frame_payload(c, dir, p, k);
            d->left -= (uint32_t)k;
            p += k;
            n -= k;
        }
        if (d->left == 0 && d->pre_got >= d->pre_need) {
            frame_end(c, dir);
            d->fh_n = 0;
        }
    }
}

/* ---------------------------------------------------------------- lost: find frames again */

static bool plausible(const uint8_t *h)
{
    uint32_t len = be24(h), sid = be32(h + 5);
    uint8_t type = h[3], fl = h[4];
    if (sid & 0x80000000u || len > RESYNC_MAX_LEN || type > F_CONT)
        return false;
    switch (type) {
    case F_DATA: return sid && !(fl & ~0x09);
    case F_HEADERS: return sid && !(fl & ~0x2d);
    case F_PRIORITY: return sid && len == 5 && !fl;
    case F_RST: return sid && len == 4 && !fl;
    case F_SETTINGS: return !sid && len % 6 == 0 && !(fl & ~1) && (!(fl & 1) || len == 0);
    case F_PUSH: return sid && !(fl & ~0x0c);
    case F_PING: return !sid && len == 8 && !(fl & ~1);
    case F_GOAWAY: return !sid && len >= 8 && !fl;
    case F_WINDOW: return len == 4 && !fl;
    default: return sid && !(fl & ~0x04);   /* CONTINUATION */
    }
}

bool ig_h2_is_frame_start(const uint8_t *p, size_t n)
{
    return n >= 9 && plausible(p) && (p[3] != F_DATA || be24(p) > 0);
}

bool ig_h2_is_settings(const uint8_t *p, size_t n)
{
    return n >= 9 && p[3] == F_SETTINGS && plausible(p) && !(p[4] & FL_ACK);
}

static void lost_data(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n)
{
    struct dir *d = &c->d[dir];
    while (n) {
        size_t k = LOST_BUF - d->lb_n < n ? LOST_BUF - d->lb_n : n;
        if (!d->lb && !(d->lb = malloc(LOST_BUF)))
            return;
        memcpy(d->lb + d->lb_n, p, k);
        d->lb_n += k;
        p += k;
        n -= k;
        /* Three frame headers in a row that each make sense: resume framing there. */
        for (size_t i = 0; i + 9 <= d->lb_n; i++) {
            size_t j = i, chain = 0;
            while (j + 9 <= d->lb_n && plausible(d->lb + j) && chain < 3) {
                j += 9 + be24(d->lb + j);
                chain++;
            }
            if (chain < 3 && !(chain == 2 && j == d->lb_n))
                continue;
            c->h->st.frames_skipped_lost++;
            d->st = D_FRAMES;
            d->fh_n = 0;
            d->block_open = false;
            size_t rest = d->lb_n - i;
            uint8_t *tmp = d->lb;
            d->lb = NULL;
            d->lb_n = 0;
            frames(c, dir, tmp + i, rest);
            free(tmp);
            if (n)
                ig_h2_conn_data(c, dir, p, n, d->ts);
            return;
        }
        if (d->lb_n == LOST_BUF) {
            /* Keep the tail: a header may straddle. */
            memmove(d->lb, d->lb + LOST_BUF / 2, LOST_BUF / 2);
            d->lb_n = LOST_BUF / 2;
        }
    }
}

/* ---------------------------------------------------------------- h2c upgrade */

/* HTTP2-Settings: the client's SETTINGS payload, base64url (RFC 7540 3.2.1). */
static void upgrade_settings(struct ig_h2_conn *c, struct ig_span v)
{
    uint8_t e[6];
    uint32_t acc = 0, bits = 0, en = 0;
    for (size_t i = 0; i < v.n; i++) {
        int x = ig_b64_val(v.p[i]);
        if (x < 0)
            break;
        acc = acc << 6 | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            e[en++] = (uint8_t)(acc >> bits);
            if (en == 6) {
                setting(c, 0, e);
                en = 0;
            }
        }
    }
}

static void h1_request(struct ig_h2_conn *c, const uint8_t *p, size_t n)
{
    struct dir *d = &c->d[0];
    const uint8_t *e = p + n, *sp1 = memchr(p, ' ', n);
    const uint8_t *eol = memchr(p, '\n', n);
    if (!sp1 || !eol || sp1 > eol)
        goto bad;
    const uint8_t *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
    if (!sp2)
        goto bad;
    struct stream *s = stream_new(c, 1);
    if (!s)
        goto bad;
    s->t_req = d->ts;
    hlist_add(&s->h[0], (const uint8_t *)":method", 7, p, (size_t)(sp1 - p));
    hlist_add(&s->h[0], (const uint8_t *)":path", 5, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    for (const uint8_t *l = eol + 1; l < e;) {
        const uint8_t *le = memchr(l, '\n', (size_t)(e - l));
        if (!le)
            break;
        const uint8_t *ve = le > l && le[-1] == '\r' ? le - 1 : le;
        const uint8_t *colon = memchr(l, ':', (size_t)(ve - l));
        if (colon) {
            uint8_t name[128];
            size_t nl = (size_t)(colon - l) < sizeof name ? (size_t)(colon - l) : sizeof name;
            for (size_t i = 0; i < nl; i++)
                name[i] = (uint8_t)(l[i] >= 'A' && l[i] <= 'Z' ? l[i] + 32 : l[i]);
            const uint8_t *v = colon + 1;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            /* Hop-by-hop headers of the upgrade itself are not the request's. */
            if (!ieq(name, nl, "connection") && !ieq(name, nl, "upgrade") &&
                !ieq(name, nl, "http2-settings") && !ieq(name, nl, "content-length"))
                hlist_add(&s->h[0], name, nl, v, (size_t)(ve - v));
            if (ieq(name, nl, "http2-settings"))
                upgrade_settings(c, (struct ig_span){ v, (size_t)(ve - v) });
            if (ieq(name, nl, "content-length")) {
                uint64_t cl = 0;
                for (const uint8_t *q = v; q < ve && *q >= '0' && *q <= '9' && cl < (1ull << 40); q++)
                    cl = cl * 10 + (uint64_t)(*q - '0');
                d->h1_body_left = cl;
            }
        }
        l = le + 1;
    }
    s->blocks[0] = 1;
    struct ig_span ct = hval(&s->h[0], "content-type");
    s->grpc = ct.n >= 16 && ieq(ct.p, 16, "application/grpc");
    if (!d->h1_body_left)
        s->ended[0] = true;
    return;
bad:
    c->h->st.frames_malformed++;
}

static void h1_data(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n)
{
    struct dir *d = &c->d[dir];
    while (n && d->st == D_H1) {
        if (dir == IG_DIR_TO_SERVER && d->lb_n == SIZE_MAX) {
            /* The upgrade request's body: stream 1's request DATA. */
            size_t k = d->h1_body_left < n ? (size_t)d->h1_body_left : n;
            struct stream *s = stream_find(c, 1);
            if (s)
                stream_data(c, s, 0, p, k, d->ts);
            d->h1_body_left -= k;
            p += k;
            n -= k;
            if (!d->h1_body_left) {
                if (s)
                    s->ended[0] = true;
                d->lb_n = 0;
                d->st = D_PREFACE;
                ig_h2_conn_data(c, dir, p, n, d->ts);
                return;
            }
            continue;
        }
        if (!d->lb && !(d->lb = malloc(H1_HEAD_MAX)))
            return;
        size_t k = H1_HEAD_MAX - d->lb_n < n ? H1_HEAD_MAX - d->lb_n : n;
        memcpy(d->lb + d->lb_n, p, k);
        size_t old = d->lb_n;
        d->lb_n += k;
        size_t from = old > 3 ? old - 3 : 0;
        uint8_t *end = memmem(d->lb + from, d->lb_n - from, "\r\n\r\n", 4);
        if (!end) {
            if (d->lb_n == H1_HEAD_MAX) {
                c->h->st.frames_malformed++;
                c->d[0].st = c->d[1].st = D_DEAD;
            }
            return;
        }
        size_t head = (size_t)(end + 4 - d->lb);
        size_t used = head - old;
        p += used;
        n -= used;
        if (dir == IG_DIR_TO_SERVER) {
            h1_request(c, d->lb, head);
            free(d->lb);
            d->lb = NULL;
            if (d->h1_body_left) {
                d->lb_n = SIZE_MAX;
            } else {
                d->lb_n = 0;
                d->st = D_PREFACE;
            }
        } else {
            bool ok = head > 12 && memcmp(d->lb, "HTTP/1.1 101", 12) == 0;
            free(d->lb);
            d->lb = NULL;
            d->lb_n = 0;
            if (!ok) {
                /* Refused: the connection stays HTTP/1.1, which this parser does not follow. */
                c->h->st.upgrades_refused++;
                c->d[0].st = c->d[1].st = D_DEAD;
                return;
            }
            d->st = D_FRAMES;   /* the server's first frame (SETTINGS) follows */
            struct stream *s = stream_find(c, 1);
            if (s)
                s->t_resp = d->ts;
        }
        if (n)
            ig_h2_conn_data(c, dir, p, n, d->ts);
        return;
    }
}

/* ---------------------------------------------------------------- public */

struct ig_h2 *ig_h2_new(const struct ig_config *cfg, ig_http_txn_fn fn, void *ctx)
{
    struct ig_h2 *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cfg = cfg;
    h->fn = fn;
    h->ctx = ctx;
    h->max_streams = cfg->http2_max_streams ? cfg->http2_max_streams : 256;
    h->max_header_list = cfg->http2_max_header_list_size ? cfg->http2_max_header_list_size : 64u << 10;
    h->max_message = cfg->http2_max_message_size ? cfg->http2_max_message_size : 8u << 20;
    h->max_decompressed = cfg->http2_max_decompressed_size ? cfg->http2_max_decompressed_size : 8u << 20;
    h->conn_memcap = cfg->http2_conn_memcap ? cfg->http2_conn_memcap : 64ull << 20;
    return h;
}

void ig_h2_free(struct ig_h2 *h) { free(h); }

const struct ig_h2_stats *ig_h2_stats(const struct ig_h2 *h) { return &h->st; }

struct ig_h2_conn *ig_h2_conn_new(struct ig_h2 *h, const struct ig_endpoint *client,
                                  const struct ig_endpoint *server, enum ig_h2_start start,
                                  uint64_t ts_us)
{
    struct ig_h2_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->h = h;
    c->client = *client;
    c->server = *server;
    for (int i = 0; i < 2; i++) {
        c->d[i].table_max = 4096;
        c->d[i].ts = ts_us;
        if (nghttp2_hd_inflate_new(&c->d[i].inf) != 0) {
            ig_h2_conn_close(c, ts_us);
            return NULL;
        }
        /* Mid-way too: decoding starts optimistic with an empty table (see fresh_table()). */
        c->d[i].hpack_ok = true;
    }
    h->st.conns++;
    switch (start) {
    case IG_H2_PRIOR_KNOWLEDGE:
        h->st.prior_knowledge++;
        c->d[0].st = D_PREFACE;
        c->d[1].st = D_FRAMES;
        break;
    case IG_H2_UPGRADE:
        h->st.upgrades++;
        c->d[0].st = c->d[1].st = D_H1;
        break;
    default:
        h->st.midstream++;
        c->d[0].st = c->d[1].st = D_LOST;
        break;
    }
    return c;
}

void ig_h2_conn_data(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us)
{
    struct dir *d = &c->d[dir & 1];
    dir &= 1;
    d->ts = ts_us;
    if (!n)
        return;
    switch (d->st) {
    case D_PREFACE: {
        size_t k = PREFACE_LEN - d->pre_n < n ? PREFACE_LEN - d->pre_n : n;
        if (memcmp(p, &PREFACE[d->pre_n], k) != 0) {
            /* Not the preface: treat as a loss, find frames and a safe point. */
            c->h->st.frames_malformed++;
            d->st = D_LOST;
            d->hpack_ok = false;
            lost_data(c, dir, p, n);
            return;
        }
        d->pre_n += (uint32_t)k;
        if (d->pre_n == PREFACE_LEN) {
            d->st = D_FRAMES;
            frames(c, dir, p + k, n - k);
        }
        return;
    }
    case D_H1:
        h1_data(c, dir, p, n);
        return;
    case D_FRAMES:
        frames(c, dir, p, n);
        return;
    case D_LOST:
        lost_data(c, dir, p, n);
        return;
    default:
        return;
    }
}

void ig_h2_conn_gap(struct ig_h2_conn *c, enum ig_flow_dir dir, uint64_t missing, uint64_t ts_us)
{
    (void)missing;
    dir &= 1;
    struct dir *d = &c->d[dir];
    d->ts = ts_us;
    if (d->st == D_DEAD)
        return;
    if (d->block_open && d->block_stream)
        d->block_stream->ignored = true;
    d->block_open = false;
    d->block_stream = NULL;
    fresh_table(c, dir);
    d->st = D_LOST;
    d->fh_n = 0;
    free(d->lb);
    d->lb = NULL;
    d->lb_n = 0;
    /* Messages in flight in this direction lost bytes: none of them is trusted. */
    for (uint32_t i = 0; i < c->cap_streams; i++) {
        struct stream *s = &c->streams[i];
        if (!s->used)
            continue;
        s->lost[dir] = true;
        if (s->gd[dir].p) {
            c->buffered -= s->gd[dir].len;
            free(s->gd[dir].p);
        }
        memset(&s->gd[dir], 0, sizeof s->gd[dir]);
    }
}

void ig_h2_conn_close(struct ig_h2_conn *c, uint64_t ts_us)
{
    (void)ts_us;
    if (!c)
        return;
    for (uint32_t i = 0; i < c->cap_streams; i++)
        if (c->streams[i].used)
            stream_finish(c, &c->streams[i]);
    for (int i = 0; i < 2; i++) {
        if (c->d[i].inf)
            nghttp2_hd_inflate_del(c->d[i].inf);
        if (c->d[i].lb_n != SIZE_MAX)
            free(c->d[i].lb);
    }
    free(c->streams);
    free(c->hdrs);
    free(c);
}
