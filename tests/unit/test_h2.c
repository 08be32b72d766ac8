/* Passive HTTP/2 + gRPC framing (sidecar/http2): connections built frame by frame with
 * libnghttp2's HPACK deflater standing in for the peers' encoders, fed to the parser whole
 * and one byte at a time; what comes out must be exactly the exchanges that went in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_util.h"

#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http2/h2_conn.h"

/* ---- what the parser handed out */
struct got {
    char method[16], path[128], apikey[64], ct[64];
    uint16_t status;
    uint8_t req[256], resp[256];
    size_t nreq, nresp;
    bool req_trunc, resp_trunc;
    uint64_t req_time, resp_time;
};
static struct got got[32];
static int ngot;

static void cp(char *dst, size_t cap, struct ig_span s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    memcpy(dst, s.p, n);
    dst[n] = 0;
}

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    assert_true(ngot < 32);
    struct got *g = &got[ngot++];
    memset(g, 0, sizeof *g);
    cp(g->method, sizeof g->method, t->method);
    cp(g->path, sizeof g->path, t->path);
    const struct ig_span *k = ig_http_header(t, 0, "x-api-key");
    if (k)
        cp(g->apikey, sizeof g->apikey, *k);
    const struct ig_span *ct = ig_http_header(t, 1, "content-type");
    if (ct)
        cp(g->ct, sizeof g->ct, *ct);
    g->status = t->status;
    assert_true(t->req_body.n <= sizeof g->req && t->resp_body.n <= sizeof g->resp);
    if (t->req_body.n)
        memcpy(g->req, t->req_body.p, t->req_body.n);
    if (t->resp_body.n)
        memcpy(g->resp, t->resp_body.p, t->resp_body.n);
    g->nreq = t->req_body.n;
    g->nresp = t->resp_body.n;
    g->req_trunc = t->req_body_truncated;
    g->resp_trunc = t->resp_body_truncated;
    g->req_time = t->req_time_us;
    g->resp_time = t->resp_time_us;
}

/* ---- building a capture: two byte streams */
struct wire { uint8_t b[2][1 << 16]; size_t n[2]; };
static struct wire W;
static nghttp2_hd_deflater *enc[2];
static struct ig_config cfg;
static struct ig_h2 *H;

static void put(int dir, const void *p, size_t n)
{
    assert_true(W.n[dir] + n <= sizeof W.b[dir]);
    memcpy(W.b[dir] + W.n[dir], p, n);
    W.n[dir] += n;
}

static void frame(int dir, uint8_t type, uint8_t flags, uint32_t sid, const void *p, size_t n)
{
    uint8_t h[9] = { (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, type, flags,
                     (uint8_t)(sid >> 24), (uint8_t)(sid >> 16), (uint8_t)(sid >> 8), (uint8_t)sid };
    put(dir, h, 9);
    if (n)
        put(dir, p, n);
}

/* HPACK block of "name", "value", ... (NULL-terminated) from <dir>'s encoder. */
static size_t block(int dir, const char *const *kv, uint8_t *out, size_t cap)
{
    nghttp2_nv nv[32];
    size_t n = 0;
    for (; kv[2 * n]; n++)
        nv[n] = (nghttp2_nv){ (uint8_t *)kv[2 * n], (uint8_t *)kv[2 * n + 1], strlen(kv[2 * n]),
                              strlen(kv[2 * n + 1]), NGHTTP2_NV_FLAG_NONE };
    ssize_t r = nghttp2_hd_deflate_hd(enc[dir], out, cap, nv, n);
    assert_true(r > 0);
    return (size_t)r;
}

static void headers(int dir, uint32_t sid, bool end_stream, const char *const *kv)
{
    uint8_t b[4096];
    size_t n = block(dir, kv, b, sizeof b);
    frame(dir, 1, (uint8_t)(0x04 | (end_stream ? 1 : 0)), sid, b, n);
}

static size_t grpc_msg(uint8_t *out, const char *payload, bool compressed)
{
    size_t n = strlen(payload);
    out[0] = compressed;
    out[1] = (uint8_t)(n >> 24), out[2] = (uint8_t)(n >> 16), out[3] = (uint8_t)(n >> 8), out[4] = (uint8_t)n;
    memcpy(out + 5, payload, n);
    return n + 5;
}

static void data(int dir, uint32_t sid, bool end_stream, const char *payload)
{
    uint8_t b[1024];
    size_t n = grpc_msg(b, payload, false);
    frame(dir, 0, end_stream ? 1 : 0, sid, b, n);
}

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

static void start(void)
{
    memset(&W, 0, sizeof W);
    for (int i = 0; i < 2; i++) {
        if (enc[i])
            nghttp2_hd_deflate_del(enc[i]);
        assert_int_equal(nghttp2_hd_deflate_new(&enc[i], 4096), 0);
    }
    put(0, preface, 24);
    frame(0, 4, 0, 0, "\x00\x04\x00\x00\xff\xff", 6);   /* SETTINGS_INITIAL_WINDOW_SIZE */
    frame(1, 4, 0, 0, NULL, 0);
    frame(0, 4, 1, 0, NULL, 0);                        /* ACK */
}

static const char *const REQ[] = { ":method", "POST", ":scheme", "http", ":path",
    "/inference.GRPCInferenceService/ModelInfer", ":authority", "localhost", "content-type",
    "application/grpc", "te", "trailers", "x-api-key", "secret-1", NULL };
static const char *const RESP[] = { ":status", "200", "content-type", "application/grpc", NULL };
static const char *const OK[] = { "grpc-status", "0", "grpc-message", "", NULL };

/* Feeds the capture: the client's bytes first, then the server's, in <chunk>-byte pieces. */
static void run(enum ig_h2_start how, size_t chunk)
{
    ngot = 0;
    struct ig_endpoint cl = { .family = 4, .port = 40000 }, sv = { .family = 4, .port = 8001 };
    struct ig_h2_conn *c = ig_h2_conn_new(H, &cl, &sv, how, 1000);
    assert_non_null(c);
    for (int d = 0; d < 2; d++)
        for (size_t i = 0; i < W.n[d]; i += chunk)
            ig_h2_conn_data(c, d, W.b[d] + i, W.n[d] - i < chunk ? W.n[d] - i : chunk, 1000 + d * 10 + i);
    ig_h2_conn_close(c, 5000);
}

static void run_all_chunkings(int want)
{
    static const size_t sizes[] = { 1 << 20, 1, 2, 7, 13 };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        run(IG_H2_PRIOR_KNOWLEDGE, sizes[i]);
        assert_int_equal(ngot, want);
    }
}

static int setup(void **st)
{
    (void)st;
    ig_config_defaults(&cfg);
    H = ig_h2_new(&cfg, on_txn, NULL);
    return H ? 0 : -1;
}
static int teardown(void **st)
{
    (void)st;
    ig_h2_free(H);
    for (int i = 0; i < 2; i++)
        if (enc[i])
            nghttp2_hd_deflate_del(enc[i]);
    return 0;
}

static void unary_call(void **st)
{
    (void)st;
    start();
    headers(0, 1, false, REQ);
    data(0, 1, true, "request-1");
    headers(1, 1, false, RESP);
    data(1, 1, false, "response-1");
    headers(1, 1, true, OK);
    run_all_chunkings(1);
    assert_string_equal(got[0].method, "POST");
    assert_string_equal(got[0].path, "/inference.GRPCInferenceService/ModelInfer");
    assert_string_equal(got[0].apikey, "secret-1");
    assert_string_equal(got[0].ct, "application/grpc");
    assert_int_equal(got[0].status, 200);
    assert_int_equal(got[0].nreq, 9);
    assert_memory_equal(got[0].req, "request-1", 9);
    assert_int_equal(got[0].nresp, 10);
    assert_memory_equal(got[0].resp, "response-1", 10);
}

static void grpc_error_status(void **st)
{
    (void)st;
    static const char *const ONLY[] = { ":status", "200", "content-type", "application/grpc",
                                        "grpc-status", "5", "grpc-message", "no such model", NULL };
    start();
    headers(0, 1, false, REQ);
    data(0, 1, true, "ask");
    headers(1, 1, true, ONLY);   /* trailers-only response */
    static const char *const T3[] = { "grpc-status", "3", NULL };
    headers(0, 3, false, REQ);
    data(0, 3, true, "bad");
    headers(1, 3, false, RESP);
    headers(1, 3, true, T3);
    run_all_chunkings(2);
    assert_int_equal(got[0].status, 404);
    assert_memory_equal(got[0].req, "ask", 3);
    assert_int_equal(got[0].nresp, 0);
    assert_int_equal(got[1].status, 400);
}

/* PADDED + PRIORITY on HEADERS, the block split over two CONTINUATIONs, a PRIORITY frame
 * between streams, padded DATA, a PING and a WINDOW_UPDATE: the same exchange comes out. */
static void padding_priority_continuation(void **st)
{
    (void)st;
    start();
    uint8_t b[4096];
    size_t n = block(0, REQ, b, sizeof b);
    uint8_t f[4200];
    size_t k = 0;
    f[k++] = 3;                                   /* pad length */
    memcpy(f + k, "\x80\x00\x00\x00\x10", 5);     /* exclusive dep on 0, weight 16 */
    k += 5;
    size_t first = n / 3, second = n / 3;
    memcpy(f + k, b, first);
    k += first;
    memset(f + k, 0, 3);
    k += 3;
    frame(0, 1, 0x08 | 0x20, 1, f, k);            /* HEADERS, no END_HEADERS */
    frame(0, 9, 0, 1, b + first, second);         /* CONTINUATION */
    frame(0, 9, 0x04, 1, b + first + second, n - first - second);
    frame(0, 2, 0, 3, "\x00\x00\x00\x01\x20", 5); /* PRIORITY for another stream */
    frame(0, 6, 0, 0, "12345678", 8);             /* PING */
    frame(0, 8, 0, 0, "\x00\x00\x10\x00", 4);     /* WINDOW_UPDATE */
    uint8_t m[64];
    size_t mn = grpc_msg(m, "padded-data", false);
    uint8_t d[128];
    d[0] = 7;
    memcpy(d + 1, m, mn);
    memset(d + 1 + mn, 0, 7);
    frame(0, 0, 0x08 | 0x01, 1, d, 1 + mn + 7);   /* DATA, PADDED, END_STREAM */
    headers(1, 1, false, RESP);
    data(1, 1, false, "ok");
    headers(1, 1, true, OK);
    run_all_chunkings(1);
    assert_int_equal(got[0].nreq, 11);
    assert_memory_equal(got[0].req, "padded-data", 11);
    assert_string_equal(got[0].apikey, "secret-1");
    assert_int_equal(got[0].status, 200);
    const struct ig_h2_stats *s = ig_h2_stats(H);
    assert_int_equal(s->hpack_errors, 0);
}

/* Two calls interleaved frame by frame, answered in the other order. */
static void multiplexed(void **st)
{
    (void)st;
    start();
    headers(0, 1, false, REQ);
    headers(0, 3, false, REQ);
    uint8_t m[64];
    size_t n = grpc_msg(m, "AAAAAAAAAA", false);
    frame(0, 0, 0, 1, m, 6);
    n = grpc_msg(m + 32, "BBBBBBBBBB", false);
    frame(0, 0, 0, 3, m + 32, 4);
    frame(0, 0, 1, 1, m + 6, n - 6);
    frame(0, 0, 1, 3, m + 32 + 4, n - 4);
    headers(1, 3, false, RESP);
    headers(1, 1, false, RESP);
    data(1, 1, false, "answer-A");
    data(1, 3, false, "answer-B");
    headers(1, 3, true, OK);
    headers(1, 1, true, OK);
    run_all_chunkings(2);
    /* stream 3 ended first */
    assert_memory_equal(got[0].req, "BBBBBBBBBB", 10);
    assert_memory_equal(got[0].resp, "answer-B", 8);
    assert_memory_equal(got[1].req, "AAAAAAAAAA", 10);
    assert_memory_equal(got[1].resp, "answer-A", 8);
}

/* A response header block left open (HEADERS without END_HEADERS) while the client opens
 * enough new streams to grow the stream table (the block dangled once; fuzz_h2 found it), or
 * resets the stream of the open block and opens another in its slot: the CONTINUATION must
 * land on the right stream or nowhere, never on the newcomer. */
static void block_open_across_new_streams(void **st)
{
    (void)st;
    static const char *const RESP2[] = { ":status", "200", "content-type", "application/grpc+proto", NULL };
    start();
    headers(0, 1, false, REQ);
    data(0, 1, true, "request-1");
    size_t c0 = W.n[0];
    for (uint32_t sid = 3; sid <= 19; sid += 2) {   /* 9 more streams: the table grows twice */
        headers(0, sid, false, REQ);
        data(0, sid, true, "more");
    }
    size_t c1 = W.n[0];
    frame(0, 3, 0, 1, "\x00\x00\x00\x08", 4);     /* RST_STREAM of stream 1, CANCEL */
    for (uint32_t sid = 21; sid <= 29; sid += 2) {  /* newcomers take the freed slot */
        headers(0, sid, false, REQ);
        data(0, sid, true, "late");
    }
    size_t c2 = W.n[0];
    uint8_t b[4096];
    size_t n = block(1, RESP2, b, sizeof b), half = n / 2;
    frame(1, 1, 0, 1, b, half);                     /* HEADERS, no END_HEADERS */
    size_t s0 = W.n[1];
    frame(1, 9, 0x04, 1, b + half, n - half);       /* CONTINUATION, END_HEADERS */
    data(1, 1, false, "response-1");
    headers(1, 1, true, OK);
    for (uint32_t sid = 21; sid <= 29; sid += 2) {
        headers(1, sid, false, RESP);
        data(1, sid, false, "answer");
        headers(1, sid, true, OK);
    }
    size_t s1 = W.n[1];
    struct ig_endpoint cl = { .family = 4, .port = 40000 }, sv = { .family = 4, .port = 8001 };
    for (int reset = 0; reset < 2; reset++) {
        ngot = 0;
        struct ig_h2_conn *c = ig_h2_conn_new(H, &cl, &sv, IG_H2_PRIOR_KNOWLEDGE, 1000);
        assert_non_null(c);
        ig_h2_conn_data(c, 0, W.b[0], c0, 1000);
        ig_h2_conn_data(c, 1, W.b[1], s0, 1010);     /* the block opens on stream 1 */
        ig_h2_conn_data(c, 0, W.b[0] + c0, c1 - c0, 1020);
        if (reset)                                   /* stream 1 reset, newcomers arrive */
            ig_h2_conn_data(c, 0, W.b[0] + c1, c2 - c1, 1025);
        ig_h2_conn_data(c, 1, W.b[1] + s0, s1 - s0, 1030);
        if (!reset)
            ig_h2_conn_data(c, 0, W.b[0] + c1, c2 - c1, 1035);
        ig_h2_conn_close(c, 5000);
        int first = 0, late = 0;
        for (int i = 0; i < ngot; i++) {
            if (got[i].nreq == 9 && memcmp(got[i].req, "request-1", 9) == 0) {
                first++;
                if (!reset) {   /* answered before the reset: the whole exchange */
                    assert_string_equal(got[i].ct, "application/grpc+proto");
                    assert_memory_equal(got[i].resp, "response-1", 10);
                }
            }
            if (reset && got[i].nreq == 4 && memcmp(got[i].req, "late", 4) == 0) {
                late++;
                assert_string_equal(got[i].ct, "application/grpc");   /* not stream 1's */
                assert_int_equal(got[i].nresp, 6);
            }
        }
        assert_int_equal(first, 1);
        if (reset)
            assert_int_equal(late, 5);
    }
}

/* ModelStreamInfer: request i is paired with response i; one exchange each. */
static void bidi_stream(void **st)
{
    (void)st;
    static const char *const SREQ[] = { ":method", "POST", ":scheme", "http", ":path",
        "/inference.GRPCInferenceService/ModelStreamInfer", ":authority", "x", "content-type",
        "application/grpc+proto", NULL };
    start();
    headers(0, 1, false, SREQ);
    headers(1, 1, false, RESP);
    data(0, 1, false, "q1");
    data(1, 1, false, "r1");
    data(0, 1, false, "q2");
    data(0, 1, false, "q3");
    data(1, 1, false, "r2");
    data(1, 1, false, "r3");
    frame(0, 0, 1, 1, NULL, 0);
    headers(1, 1, true, OK);
    run(IG_H2_PRIOR_KNOWLEDGE, 1 << 20);
    assert_int_equal(ngot, 3);
    for (int i = 0; i < 3; i++) {
        char q[3] = { 'q', (char)('1' + i), 0 }, r[3] = { 'r', (char)('1' + i), 0 };
        assert_memory_equal(got[i].req, q, 2);
        assert_memory_equal(got[i].resp, r, 2);
        assert_int_equal(got[i].status, 200);
    }
}

static void compressed_messages(void **st)
{
    (void)st;
    static const char *const GZ[] = { ":method", "POST", ":path", "/inference.GRPCInferenceService/ModelInfer",
        "content-type", "application/grpc", "grpc-encoding", "gzip", NULL };
    static const char *const DF[] = { ":method", "POST", ":path", "/inference.GRPCInferenceService/ModelInfer",
        "content-type", "application/grpc", "grpc-encoding", "deflate", NULL };
    static const char *const SN[] = { ":method", "POST", ":path", "/inference.GRPCInferenceService/ModelInfer",
        "content-type", "application/grpc", "grpc-encoding", "snappy", NULL };
    const char *text = "compress me compress me compress me compress me";
    uint8_t z[256], m[300];
    start();
    for (int i = 0; i < 3; i++) {
        uint32_t sid = 1 + 2 * (uint32_t)i;
        headers(0, sid, false, i == 0 ? GZ : i == 1 ? DF : SN);
        size_t zn = tst_deflate(text, z, sizeof z, i == 0 ? 16 + MAX_WBITS : MAX_WBITS);
        m[0] = 1;
        m[1] = 0, m[2] = 0, m[3] = (uint8_t)(zn >> 8), m[4] = (uint8_t)zn;
        memcpy(m + 5, z, zn);
        frame(0, 0, 1, sid, m, zn + 5);
        headers(1, sid, false, RESP);
        data(1, sid, false, "fine");
        headers(1, sid, true, OK);
    }
    uint64_t unknown0 = ig_h2_stats(H)->grpc_unknown_encoding;
    run(IG_H2_PRIOR_KNOWLEDGE, 1 << 20);
    assert_int_equal(ngot, 3);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(got[i].nreq, strlen(text));
        assert_memory_equal(got[i].req, text, strlen(text));
        assert_false(got[i].req_trunc);
    }
    assert_true(got[2].req_trunc);   /* not decodable: handed out flagged, never as garbage */
    assert_int_equal(got[2].nreq, 0);
    assert_int_equal(ig_h2_stats(H)->grpc_unknown_encoding, unknown0 + 1);
}

static void reset_and_goaway(void **st)
{
    (void)st;
    start();
    headers(0, 1, false, REQ);
    data(0, 1, true, "cancelled");
    frame(0, 3, 0, 1, "\x00\x00\x00\x08", 4);   /* RST_STREAM CANCEL */
    headers(0, 3, false, REQ);
    data(0, 3, true, "never-processed");
    headers(0, 5, false, REQ);
    data(0, 5, true, "also-never");
    frame(1, 7, 0, 0, "\x00\x00\x00\x01\x00\x00\x00\x00", 8);   /* GOAWAY last=1 */
    uint64_t refused0 = ig_h2_stats(H)->streams_refused;
    run(IG_H2_PRIOR_KNOWLEDGE, 1 << 20);
    assert_int_equal(ngot, 1);
    assert_memory_equal(got[0].req, "cancelled", 9);
    assert_int_equal(got[0].status, 499);
    assert_int_equal(ig_h2_stats(H)->streams_refused, refused0 + 2);
}

/* Picked up mid-way: blocks that reference dynamic-table entries we never saw are skipped
 * (nothing decoded wrongly); after the encoder empties its table (size update to 0) every
 * block decodes again. */
static void midstream_pickup(void **st)
{
    (void)st;
    start();
    /* What happened before the capture: the encoders filled their tables. */
    headers(0, 1, false, REQ);
    headers(1, 1, false, RESP);
    memset(&W, 0, sizeof W);
    headers(0, 3, false, REQ);               /* now mostly dynamic-table references */
    data(0, 3, true, "unseen-context");
    headers(1, 3, false, RESP);
    data(1, 3, false, "r3");
    headers(1, 3, true, OK);
    /* Both encoders shrink their table to 0 and back (RFC 7541 4.2). */
    for (int d = 0; d < 2; d++) {
        nghttp2_hd_deflate_change_table_size(enc[d], 0);
        nghttp2_hd_deflate_change_table_size(enc[d], 4096);
    }
    headers(0, 5, false, REQ);
    data(0, 5, true, "after-safe-point");
    headers(1, 5, false, RESP);
    data(1, 5, false, "r5");
    headers(1, 5, true, OK);
    uint64_t resynced0 = ig_h2_stats(H)->resynced, mid0 = ig_h2_stats(H)->midstream;
    static const size_t sizes[] = { 1 << 20, 1, 5 };
    for (size_t i = 0; i < 3; i++) {
        run(IG_H2_MIDSTREAM, sizes[i]);
        assert_int_equal(ngot, 1);
        assert_memory_equal(got[0].req, "after-safe-point", 16);
        assert_memory_equal(got[0].resp, "r5", 2);
        assert_string_equal(got[0].apikey, "secret-1");
    }
    assert_int_equal(ig_h2_stats(H)->midstream, mid0 + 3);
    assert_int_equal(ig_h2_stats(H)->resynced, resynced0 + 6);
}

/* Picked up mid-way, a block that only inserts new entries and names static ones decodes
 * at once (an empty table is a correct suffix of the real one); a block that refers to an
 * entry from before the capture is an error, after which nothing decodes until a safe point. */
static void midstream_optimistic(void **st)
{
    (void)st;
    static const char *const NEW[] = { ":method", "POST", ":path", "/other.Service/Call",
        "content-type", "application/grpc+proto", "authorization", "Bearer opaque-token", NULL };
    start();
    headers(0, 1, false, REQ);
    headers(1, 1, false, RESP);
    headers(1, 1, true, OK);
    memset(&W, 0, sizeof W);
    headers(0, 3, false, NEW);
    data(0, 3, true, "fresh-names");
    headers(1, 3, true, (const char *const[]){ ":status", "200", NULL });
    headers(0, 5, false, REQ);                /* refers back to before the capture */
    data(0, 5, true, "stale");
    headers(0, 7, false, NEW);                /* decodable in itself, but after an error */
    data(0, 7, true, "after-error");
    headers(1, 5, true, (const char *const[]){ ":status", "200", NULL });
    headers(1, 7, true, (const char *const[]){ ":status", "200", NULL });
    uint64_t err0 = ig_h2_stats(H)->hpack_errors;
    run(IG_H2_MIDSTREAM, 1 << 20);
    assert_int_equal(ngot, 1);
    assert_memory_equal(got[0].req, "fresh-names", 11);
    assert_int_equal(got[0].status, 200);
    assert_int_equal(ig_h2_stats(H)->hpack_errors, err0 + 1);
}

/* A capture that starts inside a frame: bytes before the first frame boundary are skipped. */
static void midstream_inside_frame(void **st)
{
    (void)st;
    start();
    for (int d = 0; d < 2; d++) {
        nghttp2_hd_deflate_change_table_size(enc[d], 0);
        nghttp2_hd_deflate_change_table_size(enc[d], 4096);
    }
    memset(&W, 0, sizeof W);
    uint8_t junk[40];
    memset(junk, 0x5a, sizeof junk);   /* tail of some earlier DATA frame */
    put(0, junk, sizeof junk);
    put(1, junk, 17);
    headers(0, 7, false, REQ);
    data(0, 7, true, "found-again");
    headers(1, 7, false, RESP);
    data(1, 7, false, "yes");
    headers(1, 7, true, OK);
    run(IG_H2_MIDSTREAM, 1 << 20);
    assert_int_equal(ngot, 1);
    assert_memory_equal(got[0].req, "found-again", 11);
}

/* HTTP/1.1 Upgrade: h2c: stream 1 is the HTTP/1.1 request, answered in HTTP/2. */
static void h2c_upgrade(void **st)
{
    (void)st;
    start();
    memset(&W, 0, sizeof W);
    /* HTTP2-Settings: HEADER_TABLE_SIZE = 8192, base64url */
    const char *rq = "GET /v2/health/ready?x=1 HTTP/1.1\r\nHost: s\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                     "Upgrade: h2c\r\nHTTP2-Settings: AAEAACAA\r\nX-Api-Key: key-up\r\n\r\n";
    assert_true(ig_h2_is_upgrade((const uint8_t *)rq, strlen(rq)));
    assert_false(ig_h2_is_upgrade((const uint8_t *)"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", 38));
    put(0, rq, strlen(rq));
    put(0, preface, 24);
    frame(0, 4, 0, 0, NULL, 0);
    const char *sw = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
    put(1, sw, strlen(sw));
    frame(1, 4, 0, 0, NULL, 0);
    nghttp2_hd_deflate_del(enc[1]);
    assert_int_equal(nghttp2_hd_deflate_new(&enc[1], 8192), 0);
    nghttp2_hd_deflate_change_table_size(enc[1], 8192);   /* allowed by the client's settings */
    static const char *const R[] = { ":status", "200", "content-type", "text/plain", NULL };
    headers(1, 1, false, R);
    frame(1, 0, 1, 1, "ready", 5);
    headers(0, 3, true, (const char *const[]){ ":method", "GET", ":path", "/second", NULL });
    headers(1, 3, true, (const char *const[]){ ":status", "204", NULL });
    for (size_t chunk = 1; chunk <= 1 << 20; chunk <<= 10) {
        ngot = 0;
        struct ig_endpoint cl = { .family = 4 }, sv = { .family = 4 };
        struct ig_h2_conn *c = ig_h2_conn_new(H, &cl, &sv, IG_H2_UPGRADE, 1);
        for (int d = 0; d < 2; d++)
            for (size_t i = 0; i < W.n[d]; i += chunk)
                ig_h2_conn_data(c, d, W.b[d] + i, W.n[d] - i < chunk ? W.n[d] - i : chunk, 2);
        ig_h2_conn_close(c, 3);
        assert_int_equal(ngot, 2);
        assert_string_equal(got[0].method, "GET");
        assert_string_equal(got[0].path, "/v2/health/ready");
        assert_string_equal(got[0].apikey, "key-up");
        assert_int_equal(got[0].status, 200);
        assert_memory_equal(got[0].resp, "ready", 5);
        assert_string_equal(got[1].path, "/second");
        assert_int_equal(got[1].status, 204);
    }
}

/* A SETTINGS_HEADER_TABLE_SIZE above the default lets the peer's encoder use a larger table. */
static void larger_header_table(void **st)
{
    (void)st;
    start();
    frame(1, 4, 0, 0, "\x00\x01\x00\x01\x00\x00", 6);   /* server: HEADER_TABLE_SIZE 65536 */
    nghttp2_hd_deflate_del(enc[0]);
    assert_int_equal(nghttp2_hd_deflate_new(&enc[0], 65536), 0);
    nghttp2_hd_deflate_change_table_size(enc[0], 65536);
    headers(0, 1, false, REQ);
    data(0, 1, true, "big-table");
    headers(1, 1, false, RESP);
    headers(1, 1, true, OK);
    /* The server's SETTINGS must be seen before the client's block: feed server first. */
    ngot = 0;
    struct ig_endpoint cl = { .family = 4 }, sv = { .family = 4 };
    struct ig_h2_conn *c = ig_h2_conn_new(H, &cl, &sv, IG_H2_PRIOR_KNOWLEDGE, 1);
    ig_h2_conn_data(c, 1, W.b[1], 18, 1);                 /* SETTINGS (empty) + ours */
    ig_h2_conn_data(c, 1, W.b[1] + 18, 9 + 6 - 9, 1);
    ig_h2_conn_data(c, 0, W.b[0], W.n[0], 2);
    ig_h2_conn_data(c, 1, W.b[1] + 24, W.n[1] - 24, 3);
    ig_h2_conn_close(c, 4);
    assert_int_equal(ngot, 1);
    assert_memory_equal(got[0].req, "big-table", 9);
}

/* Malformed frames are counted, never fatal: later streams still decode. */
static void malformed_frames(void **st)
{
    (void)st;
    start();
    frame(0, 0, 0x08, 1, "\x09" "abc", 4);             /* pad length beyond the frame */
    frame(0, 9, 0x04, 9, "\x82", 1);                   /* CONTINUATION without HEADERS */
    frame(0, 3, 0, 0, "\x00\x00", 2);                  /* RST_STREAM on stream 0, wrong size */
    frame(0, 0xee, 0xff, 1, "ext", 3);                 /* unknown frame type: ignored */
    headers(0, 1, false, REQ);
    data(0, 1, true, "still-fine");
    headers(1, 1, false, RESP);
    data(1, 1, false, "yes");
    headers(1, 1, true, OK);
    uint64_t bad0 = ig_h2_stats(H)->frames_malformed;
    run(IG_H2_PRIOR_KNOWLEDGE, 1 << 20);
    assert_int_equal(ngot, 1);
    assert_memory_equal(got[0].req, "still-fine", 10);
    assert_true(ig_h2_stats(H)->frames_malformed >= bad0 + 3);
}

/* Over http2.max_header_list_size: that stream is skipped, but its block still updates the
 * table, so the next stream (which refers back to it) decodes right. */
static void header_list_limit(void **st)
{
    (void)st;
    struct ig_config small = cfg;
    small.http2_max_header_list_size = 1024;
    struct ig_h2 *saved = H;
    H = ig_h2_new(&small, on_txn, NULL);
    char big[1500];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = 0;
    const char *const BIG[] = { ":method", "POST", ":path", "/inference.GRPCInferenceService/ModelInfer",
        "content-type", "application/grpc", "x-big", big, "x-api-key", "k2", NULL };
    const char *const NEXT[] = { ":method", "POST", ":path", "/inference.GRPCInferenceService/ModelInfer",
        "content-type", "application/grpc", "x-api-key", "k2", NULL };
    start();
    headers(0, 1, false, BIG);
    data(0, 1, true, "dropped");
    headers(0, 3, false, NEXT);
    data(0, 3, true, "kept");
    headers(1, 1, true, (const char *const[]){ ":status", "200", "grpc-status", "0", NULL });
    headers(1, 3, true, (const char *const[]){ ":status", "200", "grpc-status", "0", NULL });
    run(IG_H2_PRIOR_KNOWLEDGE, 1 << 20);
    assert_int_equal(ngot, 1);
    assert_memory_equal(got[0].req, "kept", 4);
    assert_string_equal(got[0].apikey, "k2");
    assert_int_equal(ig_h2_stats(H)->header_lists_over_limit, 1);
    ig_h2_free(H);
    H = saved;
}

/* A gap makes that direction's table unknown: nothing more is decoded in it. */
static void gap_loses_direction(void **st)
{
    (void)st;
    start();
    headers(0, 1, false, REQ);
    data(0, 1, true, "before");
    headers(1, 1, false, RESP);
    data(1, 1, false, "r1");
    headers(1, 1, true, OK);
    size_t cut0 = W.n[0], cut1 = W.n[1];
    headers(0, 3, false, REQ);
    data(0, 3, true, "after-gap");
    headers(1, 3, false, RESP);
    headers(1, 3, true, OK);
    ngot = 0;
    struct ig_endpoint cl = { .family = 4 }, sv = { .family = 4 };
    struct ig_h2_conn *c = ig_h2_conn_new(H, &cl, &sv, IG_H2_PRIOR_KNOWLEDGE, 1);
    ig_h2_conn_data(c, 0, W.b[0], cut0, 1);
    ig_h2_conn_data(c, 1, W.b[1], cut1, 2);
    assert_int_equal(ngot, 1);
    ig_h2_conn_gap(c, 0, 100, 3);
    ig_h2_conn_data(c, 0, W.b[0] + cut0, W.n[0] - cut0, 4);
    ig_h2_conn_data(c, 1, W.b[1] + cut1, W.n[1] - cut1, 5);
    ig_h2_conn_close(c, 6);
    assert_int_equal(ngot, 1);
}

static void status_mapping(void **st)
{
    (void)st;
    assert_int_equal(ig_h2_grpc_http_status(0), 200);
    assert_int_equal(ig_h2_grpc_http_status(3), 400);
    assert_int_equal(ig_h2_grpc_http_status(5), 404);
    assert_int_equal(ig_h2_grpc_http_status(7), 403);
    assert_int_equal(ig_h2_grpc_http_status(8), 429);
    assert_int_equal(ig_h2_grpc_http_status(14), 503);
    assert_int_equal(ig_h2_grpc_http_status(16), 401);
    assert_int_equal(ig_h2_grpc_http_status(99), 500);
    assert_true(ig_h2_is_preface((const uint8_t *)preface, 24));
    assert_false(ig_h2_is_preface((const uint8_t *)"POST / HTTP/1.1", 15));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unary_call),
        cmocka_unit_test(grpc_error_status),
        cmocka_unit_test(padding_priority_continuation),
        cmocka_unit_test(multiplexed),
        cmocka_unit_test(block_open_across_new_streams),
        cmocka_unit_test(bidi_stream),
        cmocka_unit_test(compressed_messages),
        cmocka_unit_test(reset_and_goaway),
        cmocka_unit_test(midstream_pickup),
        cmocka_unit_test(midstream_optimistic),
        cmocka_unit_test(midstream_inside_frame),
        cmocka_unit_test(h2c_upgrade),
        cmocka_unit_test(larger_header_table),
        cmocka_unit_test(malformed_frames),
        cmocka_unit_test(header_list_limit),
        cmocka_unit_test(gap_loses_direction),
        cmocka_unit_test(status_mapping),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
