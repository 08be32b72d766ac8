/* libFuzzer: bytes -> one HTTP connection through libhtp. The input is a script: a
 * control byte 0xfe switches direction, 0xfd announces a gap in the current direction,
 * 0xfc delivers the bytes so far as one segment; everything else is data. */
#include <stdlib.h>
#include <string.h>

#include "http/http_conn.h"

static uint64_t txns;

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    /* touch everything handed out */
    volatile uint8_t x = 0;
    for (size_t i = 0; i < t->req_body.n; i++)
        x ^= t->req_body.p[i];
    for (size_t i = 0; i < t->resp_body.n; i++)
        x ^= t->resp_body.p[i];
    for (uint32_t i = 0; i < t->n_req_headers; i++)
        x ^= t->req_headers[i].name.n ? t->req_headers[i].name.p[0] : 0;
    for (uint32_t i = 0; i < t->n_resp_headers; i++)
        x ^= t->resp_headers[i].value.n ? t->resp_headers[i].value.p[0] : 0;
    x ^= t->path.n ? t->path.p[t->path.n - 1] : 0;
    ig_http_header(t, 0, "content-type");
    (void)x;
    txns++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_http *h;
    if (!h) {
        ig_config_defaults(&cfg);
        cfg.http_request_body_limit = 4096;
        cfg.http_response_body_limit = 4096;
        h = ig_http_new(&cfg, on_txn, NULL);
    }
    struct ig_endpoint c = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 40000 };
    struct ig_endpoint s = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 8000 };
    struct ig_http_conn *k = ig_http_conn_new(h, &c, &s, 1);
    if (!k)
        return 0;
    int dir = 0;
    uint64_t ts = 1;
    size_t start = 0;
    bool dead = false;
    for (size_t i = 0; i <= size && !dead; i++) {
        bool end = i == size;
        uint8_t b = end ? 0xfc : data[i];
        if (b < 0xfc)
            continue;
        if (i > start) {
            /* private copy so that reads past the segment are caught */
            uint8_t *seg = malloc(i - start);
            memcpy(seg, data + start, i - start);
            dead = ig_http_conn_data(k, dir, seg, i - start, ts++) == IG_EPARSE;
            free(seg);
        }
        start = i + 1;
        if (b == 0xfe)
            dir = !dir;
        else if (b == 0xfd)
            ig_http_conn_gap(k, dir, 10, ts++);
    }
    ig_http_conn_close(k, ts);
    return 0;
}
