/* libFuzzer: bytes -> one HTTP/2 connection (frames, HPACK, gRPC framing). The first byte
 * picks how the connection starts (prior knowledge, h2c upgrade, mid-way) and whether the
 * gRPC limits are tiny; the rest is a script as in fuzz_http.c: 0xfe switches direction,
 * 0xfd announces a gap in the current direction, 0xfc delivers the bytes so far as one
 * segment; everything else is data. */
#include <stdlib.h>
#include <string.h>

#include "http2/h2_conn.h"

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    volatile uint8_t x = 0;
    for (size_t i = 0; i < t->req_body.n; i++)
        x ^= t->req_body.p[i];
    for (size_t i = 0; i < t->resp_body.n; i++)
        x ^= t->resp_body.p[i];
    for (uint32_t i = 0; i < t->n_req_headers; i++)
        x ^= t->req_headers[i].name.n ? t->req_headers[i].name.p[t->req_headers[i].name.n - 1] : 0;
    for (uint32_t i = 0; i < t->n_resp_headers; i++)
        x ^= t->resp_headers[i].value.n ? t->resp_headers[i].value.p[0] : 0;
    x ^= t->path.n ? t->path.p[t->path.n - 1] : 0;
    x ^= t->method.n ? t->method.p[0] : 0;
    (void)x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg, tiny;
    static struct ig_h2 *h, *ht;
    if (!h) {
        ig_config_defaults(&cfg);
        cfg.http_request_body_limit = 4096;
        cfg.http_response_body_limit = 4096;
        tiny = cfg;
        tiny.http2_max_streams = 2;
        tiny.http2_max_header_list_size = 1024;
        tiny.http2_max_message_size = 1024;
        tiny.http2_max_decompressed_size = 1024;
        tiny.http2_conn_memcap = 64 * 1024;
        h = ig_h2_new(&cfg, on_txn, NULL);
        ht = ig_h2_new(&tiny, on_txn, NULL);
    }
    if (size < 1)
        return 0;
    struct ig_endpoint c = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 40000 };
    struct ig_endpoint s = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 8001 };
    struct ig_h2_conn *k = ig_h2_conn_new(data[0] & 4 ? ht : h, &c, &s, (enum ig_h2_start)(data[0] % 3), 1);
    if (!k)
        return 0;
    int dir = 0;
    uint64_t ts = 1;
    size_t start = 1;
    for (size_t i = 1; i <= size; i++) {
        bool end = i == size;
        uint8_t b = end ? 0xfc : data[i];
        if (b < 0xfc)
            continue;
        if (i > start) {
            uint8_t *seg = malloc(i - start);   /* private copy: reads past it are caught */
            memcpy(seg, data + start, i - start);
            ig_h2_conn_data(k, dir, seg, i - start, ts++);
            free(seg);
        }
        start = i + 1;
        if (b == 0xfe)
            dir ^= 1;
        else if (b == 0xfd)
            ig_h2_conn_gap(k, dir, 10, ts++);
    }
    ig_h2_conn_close(k, ts);
    return 0;
}
