/* Differential check of the strict HTTP fast path (sidecar/http/http_fast.inc) against libhtp:
 * bytes -> a generated HTTP/1.x conversation (valid messages and the usual ambiguities:
 * smuggling-style framing, duplicate or odd fields, bad line ends, early or missing responses,
 * junk, gaps), cut into segments and interleaved by the same bytes, fed once with the fast
 * path on and once with libhtp alone. Every transaction handed out (all fields, times and
 * flags, in order), every return code and the HTTP counters must be identical.
 * Used by tests/fuzz/fuzz_http_fast.c (libFuzzer) and tests/unit/test_http_fast.c (seeded). */
#ifndef IG_TEST_HTTP_FAST_DIFF_H
#define IG_TEST_HTTP_FAST_DIFF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_conn.h"

struct hfd_buf { uint8_t *p; size_t n, cap; };

static void hfd_put(struct hfd_buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q)
            abort();
        b->p = q;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void hfd_puts(struct hfd_buf *b, const char *s) { hfd_put(b, s, strlen(s)); }

static void hfd_u64(struct hfd_buf *b, uint64_t v) { hfd_put(b, &v, sizeof v); }

static void hfd_span(struct hfd_buf *b, struct ig_span s)
{
    uint8_t null = s.p == NULL;
    hfd_put(b, &null, 1);
    hfd_u64(b, s.n);
    if (s.n)
        hfd_put(b, s.p, s.n);
}

/* The input as a stream of choices (0 once it is used up). */
struct hfd_rd { const uint8_t *p; size_t n, i; bool clean; };

static unsigned hfd_rb(struct hfd_rd *r) { return r->i < r->n ? r->p[r->i++] : 0; }

/* An odd choice, about one in <k> (one in 16 k in a mostly clean conversation). */
static bool hfd_odd(struct hfd_rd *r, unsigned k)
{
    unsigned x = hfd_rb(r);
    if (r->clean)
        x = x * 256 + hfd_rb(r), k *= 16;
    return x % k == k - 1;
}

static const char *hfd_pick(struct hfd_rd *r, const char *const *v, size_t n, unsigned valid)
{
    /* the first <valid> entries are the well-formed ones */
    bool odd = hfd_odd(r, 4);
    unsigned x = hfd_rb(r);
    return v[x % (odd || !valid ? n : valid)];
}

#define HFD_N(a) (sizeof(a) / sizeof((a)[0]))

static void hfd_body(struct hfd_rd *r, struct hfd_buf *b, size_t len)
{
    static const char alpha[] = "{}[]\",:0123456789.eE-abc \r\n\tGET /HTTP1";
    unsigned mode = hfd_rb(r) % 4;
    uint32_t x = 2463534242u ^ hfd_rb(r);
    for (size_t i = 0; i < len; i++) {
        char ch;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (mode == 0)
            ch = alpha[(i * 7 + len) % (sizeof alpha - 1)];
        else if (mode == 1)
            ch = (i / 90) % 2 ? ' ' : 'x';   /* whitespace runs past the squeeze threshold */
        else
            ch = alpha[x % (sizeof alpha - 1)];
        hfd_put(b, &ch, 1);
    }
}

static size_t hfd_len(struct hfd_rd *r)
{
    unsigned x = hfd_rb(r);
    switch (x % 6) {
    case 0: return 0;
    case 1: case 2: return 1 + (hfd_rb(r) % 60);
    case 3: return 200 + hfd_rb(r) * 3;
    case 4: return 4090 + (hfd_rb(r) % 12);    /* around the test's body limit */
    default: return 700 * (1 + (hfd_rb(r) % 12));
    }
}

static const char *const HFD_FIELDS[] = {
    "Host: 127.0.0.1:8000", "User-Agent: ig-test/1", "Accept: */*", "Content-Type: application/json",
    "X-Request-Id: 1f2e", "Authorization: Bearer abc.def", "Connection: keep-alive", "Cookie: a=b",
    /* not for the fast path */
    "X-Dup: 1\r\nx-dup: 2", "Transfer-Encoding: chunked", "Content-Encoding: gzip", "Expect: 100-continue",
    "Upgrade: h2c", "Connection: close", "X-Empty:", "X-Trail: v ", "X-Fold: a\r\n folded", "Bad Name: v",
    "X-Tab:\tv", "X-Ctl: a\001b", "X-Hi: caf\303\251", "Host : x", ": novalue", "NoColon",
    "Transfer-Encoding: identity", "Content-Length: 0", "X-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

/* Fields; a well-formed one at most once per message (<used>), odd ones as they come. */
static void hfd_fields(struct hfd_rd *r, struct hfd_buf *b, const char *eol, unsigned *used)
{
    unsigned n = hfd_rb(r) % 5;
    for (unsigned i = 0; i < n; i++) {
        const char *f = hfd_pick(r, HFD_FIELDS, HFD_N(HFD_FIELDS), 8);
        size_t k = 0;
        while (k < 8 && HFD_FIELDS[k] != f)
            k++;
        if (k < 8) {
            if (*used & (1u << k))
                continue;
            *used |= 1u << k;
        }
        hfd_puts(b, f);
        hfd_puts(b, eol);
    }
}

/* Content-Length in one of its forms for a body of <len>; returns the body length to write. */
static size_t hfd_framing(struct hfd_rd *r, struct hfd_buf *b, size_t len, const char *eol, bool *chunked, bool req)
{
    char tmp[96];
    unsigned x = hfd_odd(r, 3) ? hfd_rb(r) % 10 : 10;   /* 10: a right Content-Length */
    if (x == 10 && !req && hfd_rb(r) % 3 == 0)
        x = 7;                                           /* responses: chunked, as SSE streams are */
    *chunked = false;
    switch (x) {
    case 0: return 0;                                                    /* none */
    case 1: snprintf(tmp, sizeof tmp, "Content-Length: %zu", len + 1 + hfd_rb(r) % 3); break;   /* too long */
    case 2: snprintf(tmp, sizeof tmp, "Content-Length: %zu", len ? len - 1 : 0); break;
    case 3: snprintf(tmp, sizeof tmp, "Content-Length:  %zu", len); break;
    case 4: snprintf(tmp, sizeof tmp, "Content-Length: +%zu", len); break;
    case 5: snprintf(tmp, sizeof tmp, "Content-Length: %zu%sContent-Length: %zu", len, eol, len); break;
    case 6: snprintf(tmp, sizeof tmp, "Transfer-Encoding: chunked%sContent-Length: %zu", eol, len); *chunked = true; break;
    case 7: snprintf(tmp, sizeof tmp, "Transfer-Encoding: chunked"); *chunked = true; break;
    case 8: snprintf(tmp, sizeof tmp, "content-length: 0%zu", len); break;
    case 9: snprintf(tmp, sizeof tmp, "Content-Length: %zu ", len); break;
    default: snprintf(tmp, sizeof tmp, "Content-Length: %zu", len); break;
    }
    hfd_puts(b, tmp);
    hfd_puts(b, eol);
    return len;
}

static void hfd_message(struct hfd_rd *r, struct hfd_buf *b, bool req)
{
    static const char *const methods[] = { "POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "GeT",
                                           "CONNECT", "FOO", "POST\t", "" };
    static const char *const uris[] = { "/v2/models/iris/infer", "/v1/chat/completions", "/x?a=1&b=2", "/p?",
                                        "/v1/models/m:predict", "/a#frag", "//host/x", "http://h/x", "/sp ace",
                                        "/%2e%2e/x", "*", "/\200", "" };
    static const char *const protos[] = { "HTTP/1.1", "HTTP/1.0", "HTTP/1.1 ", "http/1.1", "HTTP/1.10", "HTTP/2", "" };
    static const char *const statuses[] = { "200 OK", "201 Created", "400 Bad Request", "404 Not Found", "503 x",
                                            "200 ", "100 Continue", "101 Switching", "204 No Content",
                                            "304 Not Modified", "199 x", "600 x", "099 x", "200", "2000 OK" };
    const char *eol = hfd_odd(r, 13) ? "\n" : "\r\n";
    unsigned used = 0;
    if (hfd_odd(r, 29))
        hfd_puts(b, "\r\n");   /* leading empty line */
    if (req) {
        hfd_puts(b, hfd_pick(r, methods, HFD_N(methods), 5));
        hfd_puts(b, hfd_odd(r, 17) ? "  " : " ");
        hfd_puts(b, hfd_pick(r, uris, HFD_N(uris), 5));
        hfd_puts(b, " ");
        hfd_puts(b, hfd_pick(r, protos, HFD_N(protos), 1));
    } else {
        hfd_puts(b, hfd_pick(r, protos, HFD_N(protos), 1));
        hfd_puts(b, " ");
        hfd_puts(b, hfd_pick(r, statuses, HFD_N(statuses), 5));
    }
    hfd_puts(b, eol);
    hfd_fields(r, b, eol, &used);
    size_t len = hfd_len(r);
    bool chunked;
    size_t blen = hfd_framing(r, b, len, eol, &chunked, req);
    hfd_fields(r, b, eol, &used);
    hfd_puts(b, eol);
    if (chunked && !hfd_odd(r, 4)) {
        static const char *const sizefmt[] = { "%zx", "%zX", "0%zx", "%zx;ext=1", "%zx ", "%zx\t" };
        char tmp[32];
        size_t done = 0;
        while (done < len) {
            size_t k = 1 + hfd_rb(r) % 300;
            if (k > len - done)
                k = len - done;
            snprintf(tmp, sizeof tmp, hfd_odd(r, 8) ? sizefmt[hfd_rb(r) % 6] : "%zx", k);
            hfd_puts(b, tmp);
            hfd_puts(b, hfd_odd(r, 16) ? "\n" : "\r\n");
            hfd_body(r, b, k);
            hfd_puts(b, hfd_odd(r, 16) ? "\n" : "\r\n");
            done += k;
        }
        hfd_puts(b, hfd_odd(r, 8) ? "00" : "0");
        hfd_puts(b, "\r\n");
        if (hfd_odd(r, 8))
            hfd_puts(b, "X-Trailer: 1\r\n");
        hfd_puts(b, hfd_odd(r, 16) ? "\n" : "\r\n");
    } else {
        hfd_body(r, b, blen ? len : (req ? 0 : len));
    }
    if (hfd_odd(r, 23))
        hfd_puts(b, hfd_rb(r) % 2 ? "\r\n" : "junk line\r\n");
}

struct hfd_run {
    struct hfd_buf out, text;   /* records compared; a readable line per event for a report */
    const struct ig_config *cfg;
};

static void hfd_on_txn(void *ctx, const struct ig_http_txn *t)
{
    struct hfd_buf *b = &((struct hfd_run *)ctx)->out;
    hfd_puts(b, "T");
    hfd_u64(b, t->req_time_us);
    hfd_u64(b, t->resp_time_us);
    hfd_span(b, t->method);
    hfd_span(b, t->uri);
    hfd_span(b, t->path);
    hfd_span(b, t->query);
    hfd_u64(b, t->n_req_headers);
    for (uint32_t i = 0; i < t->n_req_headers; i++) {
        hfd_span(b, t->req_headers[i].name);
        hfd_span(b, t->req_headers[i].value);
    }
    hfd_span(b, t->req_body);
    hfd_u64(b, t->req_wire_bytes);
    hfd_u64(b, t->req_body_truncated);
    hfd_u64(b, t->status);
    hfd_u64(b, t->n_resp_headers);
    for (uint32_t i = 0; i < t->n_resp_headers; i++) {
        hfd_span(b, t->resp_headers[i].name);
        hfd_span(b, t->resp_headers[i].value);
    }
    hfd_span(b, t->resp_body);
    hfd_u64(b, t->resp_wire_bytes);
    hfd_u64(b, t->resp_body_truncated);
    hfd_u64(b, t->evasion);
    const struct ig_span *ct = ig_http_header(t, IG_DIR_TO_SERVER, "content-type");
    hfd_u64(b, ct ? ct->n : 99999);
    char line[200];
    snprintf(line, sizeof line, "  txn req@%llu resp@%llu %.*s %.*s -> %u, bodies %zu/%zu, eva %x\n",
             (unsigned long long)t->req_time_us, (unsigned long long)t->resp_time_us, (int)IG_MIN(t->method.n, (size_t)10),
             t->method.p ? (const char *)t->method.p : "", (int)IG_MIN(t->uri.n, (size_t)30),
             t->uri.p ? (const char *)t->uri.p : "", t->status, t->req_body.n, t->resp_body.n, t->evasion);
    hfd_puts(&((struct hfd_run *)ctx)->text, line);
}

/* One conversation through one ig_http; <fast> chooses the path. Fills run->out. */
static void hfd_play(struct hfd_run *run, bool fast, const uint8_t *req, size_t nreq, const uint8_t *resp,
                     size_t nresp, const uint8_t *plan, size_t nplan, struct ig_http_stats *st)
{
    struct ig_http *h = ig_http_new(run->cfg, hfd_on_txn, run);
    if (!h)
        abort();
    ig_http_set_fast(h, fast);
    struct ig_endpoint c = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 40000 };
    struct ig_endpoint s = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 8000 };
    uint64_t ts = 10;
    /* Twice, one connection after the other: the second is made from the first's pooled
     * state and buffers (http_conn.c POOL_MAX), which must not show. */
    for (int pass = 0; pass < 2; pass++) {
        struct ig_http_conn *k = ig_http_conn_new(h, &c, &s, pass ? ts : 1);
        if (!k)
            abort();
        size_t off[2] = { 0, 0 }, len[2] = { nreq, nresp };
        const uint8_t *src[2] = { req, resp };
        bool dead = false;
        for (size_t i = 0; !dead && (off[0] < len[0] || off[1] < len[1]); i++) {
            unsigned x = i < nplan ? plan[i] : 0x55;
            int dir = x & 1;
            /* mostly as a server answers: responses do not run ahead of the requests */
            if (dir == 1 && (x & 0x20) == 0 && off[0] < len[0] && off[1] * len[0] >= off[0] * len[1])
                dir = 0;
            if (off[dir] >= len[dir])
                dir = !dir;
            if ((x & 0xfe) == 0xfe && i < nplan) {
                ig_http_conn_gap(k, dir, 10, ts++);
                hfd_puts(&run->out, "G");
                continue;
            }
            static const size_t sizes[8] = { 1, 3, 9, 40, 150, 600, 1460, 100000 };
            size_t n = sizes[(x >> 1) & 7] + ((x >> 4) % 5);
            if (n > len[dir] - off[dir])
                n = len[dir] - off[dir];
            /* private copy so that reads past the segment are caught */
            uint8_t *seg = malloc(n);
            if (!seg)
                abort();
            memcpy(seg, src[dir] + off[dir], n);
            int rc = ig_http_conn_data(k, dir, seg, n, ts);
            free(seg);
            char line[80];
            snprintf(line, sizeof line, "%s %zu bytes at %llu (offset %zu) -> %d\n", dir ? "resp" : "req ", n,
                     (unsigned long long)ts, off[dir], rc);
            hfd_puts(&run->text, line);
            ts += 1 + (x >> 6);
            off[dir] += n;
            hfd_puts(&run->out, rc == IG_OK ? "+" : "!");
            dead = rc != IG_OK;
        }
        ig_http_conn_close(k, ts + 1);
        ts += 2;
        hfd_puts(&run->out, "P");
    }
    *st = *ig_http_stats(h);
    ig_http_free(h);
}

/* Returns 0 when both paths agree; else prints the difference and returns 1. <fast_txns>
 * receives how many transactions the fast path handed out itself. */
static int hfd_check(const uint8_t *data, size_t size, uint64_t *fast_txns)
{
    struct hfd_rd r = { data, size, 0, false };
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    unsigned mode = hfd_rb(&r);
    r.clean = (mode & 12) != 0;
    cfg.http_request_body_limit = 4096;
    cfg.http_response_body_limit = 4096;
    if (mode & 1)
        cfg.http_pipeline_depth = 3;
    struct hfd_buf req = { 0 }, resp = { 0 };
    unsigned nmsg = 1 + hfd_rb(&r) % 6;
    for (unsigned i = 0; i < nmsg; i++) {
        hfd_message(&r, &req, true);
        if (!hfd_odd(&r, 11))
            hfd_message(&r, &resp, false);
    }
    /* a few raw byte changes */
    if (!r.clean && (mode & 2)) {
        unsigned nflip = 1 + hfd_rb(&r) % 3;
        for (unsigned i = 0; i < nflip; i++) {
            struct hfd_buf *b = hfd_rb(&r) & 1 ? &resp : &req;
            if (b->n)
                b->p[(hfd_rb(&r) * 257u + hfd_rb(&r)) % b->n] = (uint8_t)hfd_rb(&r);
        }
    }
    const uint8_t *plan = r.i < r.n ? r.p + r.i : NULL;
    size_t nplan = r.n - IG_MIN(r.i, r.n);
    struct hfd_run a = { .cfg = &cfg }, b = { .cfg = &cfg };
    struct ig_http_stats sa, sb;
    hfd_play(&a, true, req.p, req.n, resp.p, resp.n, plan, nplan, &sa);
    hfd_play(&b, false, req.p, req.n, resp.p, resp.n, plan, nplan, &sb);
    int bad = 0;
    if (a.out.n != b.out.n || (a.out.n && memcmp(a.out.p, b.out.p, a.out.n) != 0)) {
        size_t at = 0;
        while (at < a.out.n && at < b.out.n && a.out.p[at] == b.out.p[at])
            at++;
        fprintf(stderr, "http fast path differs from libhtp: record bytes %zu vs %zu, first difference at %zu\n",
                a.out.n, b.out.n, at);
        for (int w = 0; w < 2; w++) {
            const struct hfd_buf *o = w ? &b.out : &a.out;
            fprintf(stderr, "%s:", w ? "libhtp" : "fast  ");
            for (size_t i = at > 24 ? at - 24 : 0; i < o->n && i < at + 40; i++)
                fprintf(stderr, o->p[i] >= 0x20 && o->p[i] < 0x7f ? "%c" : "\\x%02x", o->p[i]);
            fprintf(stderr, "\n");
        }
        bad = 1;
    }
#define HFD_ST(f) do { if (sa.f != sb.f) { fprintf(stderr, "stat " #f ": fast %llu, libhtp %llu\n", \
                       (unsigned long long)sa.f, (unsigned long long)sb.f); bad = 1; } } while (0)
    HFD_ST(txns); HFD_ST(requests_only); HFD_ST(parse_errors); HFD_ST(gaps_dropped_txns);
    HFD_ST(body_truncated); HFD_ST(decompress_errors); HFD_ST(resyncs); HFD_ST(pipeline_early);
    HFD_ST(resync_rejected); HFD_ST(inflate_capped); HFD_ST(ws_squeezed); HFD_ST(memcap_given_up);
    HFD_ST(pipeline_shed); HFD_ST(txns_held_max);
#undef HFD_ST
    if (bad) {
        const char *dump = getenv("HFD_DUMP");   /* a directory: the two streams as files */
        if (dump) {
            char path[512];
            for (int w = 0; w < 2; w++) {
                snprintf(path, sizeof path, "%s/%s", dump, w ? "responses" : "requests");
                FILE *f = fopen(path, "wb");
                if (f) {
                    fwrite(w ? resp.p : req.p, 1, w ? resp.n : req.n, f);
                    fclose(f);
                }
            }
        }
        fprintf(stderr, "requests (%zu bytes):\n", req.n);
        fwrite(req.p, 1, IG_MIN(req.n, (size_t)3000), stderr);
        fprintf(stderr, "\nresponses (%zu bytes):\n", resp.n);
        fwrite(resp.p, 1, IG_MIN(resp.n, (size_t)3000), stderr);
        fprintf(stderr, "\n");
        hfd_put(&a.text, "", 1);
        hfd_put(&b.text, "", 1);
        fprintf(stderr, "fast path run:\n%s\nlibhtp run:\n%s\n", (const char *)a.text.p, (const char *)b.text.p);
    }
    free(a.text.p);
    free(b.text.p);
    if (fast_txns)
        *fast_txns = sa.fast_txns;
    free(a.out.p);
    free(b.out.p);
    free(req.p);
    free(resp.p);
    return bad;
}

#endif
