/* libFuzzer: the HTTP resynchronisation matcher. First byte: bit 0 = direction, bit 1 =
 * line starts only, bit 2 = the data begins a line. Checks the contract: a match is a
 * message start (ig_http_resync_match says yes there), in lines-only mode it starts a line,
 * no earlier position matches, and an undecided tail is reported only without a match.
 * Then the same bytes go through a connection with a pipelining depth of 2, a rejected
 * request first, so early hand-out and resync after rejection run on arbitrary input. */
#include <stdlib.h>
#include <string.h>

#include "http/http_conn.h"
#include "http/http_resync.h"

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    volatile uint8_t x = 0;
    for (size_t i = 0; i < t->req_body.n; i++)
        x ^= t->req_body.p[i];
    (void)x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int dir = data[0] & 1;
    bool lines = data[0] & 2, at_start = data[0] & 4;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, p, n);
    size_t partial;
    long at = ig_http_resync_scan(dir, copy, n, at_start, &partial, lines);
    if (at >= 0) {
        if ((size_t)at >= n || ig_http_resync_match(dir, copy + at, n - (size_t)at) != 1)
            abort();
        if (lines && (at == 0 ? !at_start : copy[at - 1] != '\n'))
            abort();
        for (long i = 0; i < at; i++)
            if ((!lines || (i == 0 ? at_start : copy[i - 1] == '\n')) &&
                ig_http_resync_match(dir, copy + i, n - (size_t)i) == 1)
                abort();
    } else if (partial > n) {
        abort();
    }
    free(copy);

    static struct ig_config cfg;
    static struct ig_http *h;
    if (!h) {
        ig_config_defaults(&cfg);
        cfg.http_request_body_limit = 4096;
        cfg.http_response_body_limit = 4096;
        cfg.http_pipeline_depth = 2;
        cfg.http_inflate_body_limit = 65536;
        h = ig_http_new(&cfg, on_txn, NULL);
    }
    struct ig_endpoint c = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 40000 };
    struct ig_endpoint s = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 8000 };
    struct ig_http_conn *k = ig_http_conn_new(h, &c, &s, 1);
    if (!k)
        return 0;
    static const char bad[] = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n";
    ig_http_conn_data(k, 0, (const uint8_t *)bad, sizeof bad - 1, 1);
    uint8_t *seg = malloc(n ? n : 1);
    memcpy(seg, p, n);
    if (n)
        ig_http_conn_data(k, dir, seg, n, 2);
    free(seg);
    ig_http_conn_close(k, 3);
    return 0;
}
