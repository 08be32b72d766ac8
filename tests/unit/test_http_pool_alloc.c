/* Opening and closing HTTP connections costs no heap call once the connection pool is warm
 * (http_conn.c pool_limit: POOL_MAX, or as many as were ever open at once): counted with bench_alloc's allocator (bench/alloc/alloc_count.c,
 * linked into this test alone; under AddressSanitizer its hooks count every caller). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../bench/alloc/alloc_count.h"
#include "http/http_conn.h"

static int ntx;
static char rbody[128];

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    ntx++;
    size_t n = t->resp_body.n < sizeof rbody - 1 ? t->resp_body.n : sizeof rbody - 1;
    memcpy(rbody, t->resp_body.p, n);
    rbody[n] = 0;
}

/* One connection: two exchanges (a chunked, streamed response de-chunked into a kept body),
 * then, by <how>, a request and half a response left in flight or half a request. */
static void one_conn(struct ig_http *h, uint64_t *ts, int how)
{
    static const char rq[] = "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}";
    static const char rs[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "c\r\ndata: {\"a\"}\n\r\n" "E\r\ndata: [DONE]\n\n\r\n" "0\r\n\r\n";
    struct ig_endpoint c = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 40000 };
    struct ig_endpoint s = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 8000 };
    struct ig_http_conn *k = ig_http_conn_new(h, &c, &s, *ts);
    assert_non_null(k);
    for (int j = 0; j < 2; j++) {
        int before = ntx;
        assert_int_equal(ig_http_conn_data(k, 0, (const uint8_t *)rq, sizeof rq - 1, (*ts)++), IG_OK);
        assert_int_equal(ig_http_conn_data(k, 1, (const uint8_t *)rs, 90, (*ts)++), IG_OK);
        assert_int_equal(ig_http_conn_data(k, 1, (const uint8_t *)rs + 90, sizeof rs - 1 - 90, (*ts)++), IG_OK);
        assert_int_equal(ntx, before + 1);
    }
    if (how == 1) {
        assert_int_equal(ig_http_conn_data(k, 0, (const uint8_t *)rq, sizeof rq - 1, (*ts)++), IG_OK);
        assert_int_equal(ig_http_conn_data(k, 1, (const uint8_t *)rs, 90, (*ts)++), IG_OK);
    } else if (how == 2) {
        assert_int_equal(ig_http_conn_data(k, 0, (const uint8_t *)rq, 50, (*ts)++), IG_OK);
    }
    ig_http_conn_close(k, (*ts)++);
}

/* An HTTP layer with default settings, the heap counter set up (not counting yet). */
static struct ig_http *counted_http(void)
{
    ig_alloc_count_init(false);
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_http *h = ig_http_new(&cfg, on_txn, NULL);
    assert_non_null(h);
    return h;
}

/* Stops the heap counter: allocations and frees since ig_alloc_count_start, all callers. */
static uint64_t heap_calls_since_start(void)
{
    uint64_t allocs[WHO__COUNT], frees[WHO__COUNT], calls = 0;
    ig_alloc_count_stop(allocs, frees);
    for (int w = 0; w < WHO__COUNT; w++)
        calls += allocs[w] + frees[w];
    return calls;
}

static void test_connections_cost_no_heap_call_once_warm(void **st)
{
    (void)st;
    struct ig_http *h = counted_http();
    uint64_t ts = 1;
    for (int i = 0; i < 3; i++)   /* warm-up: the pool gets its first connection and buffers */
        one_conn(h, &ts, i);
    /* Counted: connections that end between exchanges, as keep-alive clients' do. Every
     * third is made from the state of one closed mid-message before (not counted: closing
     * with bytes to re-read hands them to libhtp, which allocates). */
    uint64_t calls = 0;
    for (int i = 0; i < 100; i++) {
        if (i % 3 == 0)
            one_conn(h, &ts, 1 + i % 2);
        ig_alloc_count_start();
        one_conn(h, &ts, 0);
        calls += heap_calls_since_start();
    }
    print_message("heap calls over 100 connections once warm: %llu\n", (unsigned long long)calls);
    assert_string_equal(rbody, "data: {\"a\"}\ndata: [DONE]\n\n");
    assert_int_equal(ig_http_stats(h)->fast_handovers, 0);
    assert_int_equal(calls, 0);
    ig_http_free(h);
}

/* Connections opened in waves, 300 open at once (a client pool reconnecting, a replayed
 * capture): after the first wave the pool keeps as many as were open at once, so the next
 * waves make no heap call (a pool of 64 made ~2 x 236 x 5 per wave). */
static void test_waves_of_connections_reuse_all(void **st)
{
    (void)st;
    struct ig_http *h = counted_http();
    static const char rq[] = "POST /v2/models/m/infer HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}";
    static const char rs[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    enum { OPEN = 300 };
    static struct ig_http_conn *k[OPEN];
    uint64_t ts = 1, calls = 0;
    for (int wave = 0; wave < 4; wave++) {
        if (wave >= 2)
            ig_alloc_count_start();
        for (int i = 0; i < OPEN; i++) {
            struct ig_endpoint c = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = (uint16_t)(20000 + i) };
            struct ig_endpoint s = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 8000 };
            assert_non_null(k[i] = ig_http_conn_new(h, &c, &s, ts++));
            assert_int_equal(ig_http_conn_data(k[i], 0, (const uint8_t *)rq, sizeof rq - 1, ts++), IG_OK);
        }
        for (int i = 0; i < OPEN; i++) {
            assert_int_equal(ig_http_conn_data(k[i], 1, (const uint8_t *)rs, sizeof rs - 1, ts++), IG_OK);
            ig_http_conn_close(k[i], ts++);
        }
        if (wave >= 2)
            calls += heap_calls_since_start();
    }
    print_message("heap calls over two warm waves of %d connections: %llu\n", OPEN, (unsigned long long)calls);
    assert_int_equal(ntx >= 4 * OPEN, 1);
    assert_int_equal(calls, 0);
    ig_http_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connections_cost_no_heap_call_once_warm),
        cmocka_unit_test(test_waves_of_connections_reuse_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
