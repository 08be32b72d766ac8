/* The flow table: roles from the handshake or guessed mid-stream, idle timeout on the
 * capture clock, LRU eviction under flow.max_flows, memcap, nDPI classification before
 * the first byte is delivered, per-protocol counts, close exactly once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_flow_helpers.h"

static struct ig_config cfg;

static void conn_init(struct tf_conn *c, struct ig_flow_table *t, uint16_t cport, uint16_t sport)
{
    *c = (struct tf_conn){ .family = 4, .cli = "127.0.0.1", .srv = "127.0.0.2",
                           .cport = cport, .sport = sport, .cseq = 1000, .sseq = 9000,
                           .ts = 5000000, .t = t };
}

/* Picked up mid-connection: the response arrives first; the client is still the ephemeral side. */
static void test_midstream_high_port(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.n_model_ports = 0;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 51000, 7777);
    tf_data(&c, false, "HTTP/1.1 200 OK\r\n\r\n", 19);
    tf_data(&c, true, "GET / HTTP/1.1\r\n\r\n", 18);
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.last_flow.client.port, 51000);
    assert_int_equal(r.last_flow.server.port, 7777);
    assert_int_equal(r.len[IG_DIR_TO_CLIENT], 19);
    assert_int_equal(r.len[IG_DIR_TO_SERVER], 18);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->flows_midstream, 1);
    assert_int_equal(st->flows_created, 1);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A configured model port marks the server even when its port number is the higher one. */
static void test_midstream_model_port(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.model_ports[0] = 9000;
    cfg.n_model_ports = 1;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 2000, 9000);
    tf_data(&c, false, "response", 8);
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.last_flow.server.port, 9000);
    assert_int_equal(r.last_flow.client.port, 2000);
    assert_int_equal(r.len[IG_DIR_TO_CLIENT], 8);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* SYN-ACK seen without its SYN: the sender is the server, and this is no mid-stream guess. */
static void test_synack_first(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 80, 40000);   /* odd ports on purpose: the flags decide */
    tf_send(&c, false, TF_SYN | TF_ACK, NULL, 0);
    c.sseq++;
    c.cseq++;
    tf_data(&c, true, "abc", 3);
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.last_flow.client.port, 80);
    assert_int_equal(r.len[IG_DIR_TO_SERVER], 3);
    assert_int_equal(ig_flow_stats(t)->flows_midstream, 0);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

static void test_idle_timeout(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_idle_timeout_s = 30;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn a, b;
    conn_init(&a, t, 40001, 8000);
    conn_init(&b, t, 40002, 8000);
    tf_handshake(&a);
    tf_data(&a, true, "x", 1);
    b.ts = a.ts + 20000000;   /* 20 s later */
    tf_handshake(&b);
    ig_flow_tick(t, a.ts + 29000000);
    assert_int_equal(r.closes, 0);
    ig_flow_tick(t, a.ts + 31000000);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.last_flow.client.port, 40001);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->flows_timed_out, 1);
    assert_int_equal(st->active_flows, 1);
    ig_flow_tick(t, b.ts + 30000000);
    assert_int_equal(r.closes, 2);
    assert_int_equal(st->flows_timed_out, 2);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 2);
    tf_rec_free(&r);
}

/* More flows than flow.max_flows: the least recently used one goes, counted and closed. */
static void test_eviction(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_max = 2;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c[3];
    for (int i = 0; i < 3; i++)
        conn_init(&c[i], t, (uint16_t)(41000 + i), 8000);
    tf_handshake(&c[0]);
    tf_handshake(&c[1]);
    tf_send_at(&c[1], true, c[1].cseq + 5, TF_ACK, "queued", 6);   /* behind a 5-byte hole */
    tf_data(&c[0], true, "keep me recent", 14);   /* flow 1 is now the oldest */
    assert_int_equal(r.len[0], 14);
    tf_handshake(&c[2]);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->flows_evicted, 1);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.last_flow.client.port, 41001);
    /* the evicted flow's queued bytes still reach the consumer, after a gap, before close */
    assert_int_equal(r.gap_bytes[0], 5);
    assert_int_equal(r.len[0], 20);
    assert_memory_equal(r.buf[0] + 14, "queued", 6);
    assert_int_equal(st->active_flows, 2);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 3);
    tf_rec_free(&r);
}

/* The memcap bounds what all flows may queue together. */
static void test_memcap(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_memcap = 16 * 2048;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 42000, 8000);
    tf_handshake(&c);
    uint8_t data[1000];
    memset(data, 'q', sizeof(data));
    for (uint32_t i = 1; i <= 40; i++)
        tf_send_at(&c, true, c.cseq + 100 + i * 1000, TF_ACK, data, 1000);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_true(st->memcap_drops >= 1);
    assert_true(st->bytes_buffered <= 16 * 2048);
    assert_int_equal(r.gaps[0], 1);
    assert_int_equal(r.gap_bytes[0], 1100);
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.len[0], 40000);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* flow.memcap also bounds flow entries: a tiny memcap keeps few flows, evicting the LRU. */
static void test_memcap_evicts_flows(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_memcap = 4096;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c[40];
    for (int i = 0; i < 40; i++) {
        conn_init(&c[i], t, (uint16_t)(46000 + i), 8000);
        tf_handshake(&c[i]);
        tf_data(&c[i], true, "x", 1);
    }
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_true(st->flows_evicted > 0);
    assert_true(st->active_flows < 40);
    assert_int_equal(st->flows_created, 40);
    assert_int_equal(r.closes, (int)st->flows_evicted);
    assert_int_equal(r.len[0], 40);   /* every flow's byte arrived before its eviction */
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 40);
    tf_rec_free(&r);
}

/* nDPI says HTTP before the first request byte reaches the consumer. */
static void test_ndpi_http_before_data(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 43000, 8080);
    tf_handshake(&c);
    const char req[] = "POST /v2/models/iris/infer HTTP/1.1\r\nHost: 127.0.0.2:8080\r\n"
                       "User-Agent: test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    tf_data(&c, true, req, sizeof(req) - 1);
    assert_true(r.http_at_first_data);
    const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    tf_data(&c, false, resp, sizeof(resp) - 1);
    tf_fin(&c, true);
    tf_fin(&c, false);
    assert_int_equal(r.closes, 1);
    assert_true(r.last_flow.classified);
    assert_int_equal(ig_flow_stats(t)->by_proto[IG_FP_HTTP], 1);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* Picked up mid-connection, the first request still classifies before delivery. */
static void test_ndpi_http_midstream(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 43001, 8000);
    const char req[] = "POST /v2/models/iris/infer HTTP/1.1\r\nHost: 127.0.0.2:8000\r\n"
                       "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    tf_data(&c, true, req, sizeof(req) - 1);
    assert_true(r.http_at_first_data);
    ig_flow_flush(t, c.ts);
    assert_int_equal(ig_flow_stats(t)->by_proto[IG_FP_HTTP], 1);
    assert_int_equal(ig_flow_stats(t)->flows_midstream, 1);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* nDPI's copies of a request's URL, user agent and content type (made while it classifies
 * the flow) come from the classifier's pool and go back to it when the flow is decided: no
 * heap call per connection (bench_alloc's figure), none left out, none freed to the wrong
 * allocator (ASan). A URL larger than the pool's blocks takes the heap and is freed there. */
static void conn_http(struct ig_flow_table *t, uint16_t cport, const char *path)
{
    struct tf_conn c;
    conn_init(&c, t, cport, 8080);
    tf_handshake(&c);
    char req[4096];
    int n = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: 127.0.0.2:8080\r\n"
                     "User-Agent: python-requests/2.31\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2\r\n\r\n{}", path);
    tf_data(&c, true, req, (uint32_t)n);
    const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    tf_data(&c, false, resp, sizeof(resp) - 1);
    tf_fin(&c, true);
    tf_fin(&c, false);
}

static void test_ndpi_alloc_pooled(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    for (uint16_t i = 0; i < 40; i++)
        conn_http(t, (uint16_t)(45000 + i), "/v2/models/iris/infer");
    assert_int_equal(r.closes, 40);
    assert_int_equal(ig_flow_stats(t)->by_proto[IG_FP_HTTP], 40);
    struct ig_flow_ndpi_alloc a = ig_flow_ndpi_alloc_stats(t);
    assert_true(a.pooled >= 40 * 3);   /* URL, user agent, content type per connection */
    assert_int_equal(a.in_use, 0);
    assert_int_equal(a.heap, 0);
    /* nDPI's start-up tables (5.3 MB in nDPI 4.2) fit the classifier's table block */
    assert_true(a.tab_bytes > (1u << 20));
    assert_int_equal(a.tab_heap, 0);

    char path[1200] = "/v2/models/";
    memset(path + 11, 'a', sizeof path - 12);
    path[sizeof path - 1] = '\0';
    conn_http(t, 45100, path);
    a = ig_flow_ndpi_alloc_stats(t);
    assert_true(a.heap >= 1);
    assert_int_equal(a.in_use, 0);
    assert_int_equal(ig_flow_stats(t)->by_proto[IG_FP_HTTP], 41);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

struct counts { uint64_t http, http2, total; };

static void count_cb(void *ctx, const char *proto, uint64_t flows)
{
    struct counts *k = ctx;
    if (strcmp(proto, "HTTP") == 0)
        k->http += flows;
    if (strcmp(proto, "HTTP/2") == 0)
        k->http2 += flows;
    k->total += flows;
}

static void test_proto_counts(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn a, b, u;
    conn_init(&a, t, 44000, 8000);
    conn_init(&b, t, 44001, 8000);
    conn_init(&u, t, 44002, 8000);
    tf_handshake(&a);
    tf_data(&a, true, "GET /v2/health/ready HTTP/1.1\r\nHost: a\r\n\r\n", 42);
    tf_handshake(&b);
    tf_data(&b, true, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
    tf_handshake(&u);
    tf_data(&u, true, "\x01\x02\x03\x04 binary", 11);
    ig_flow_flush(t, u.ts);
    struct counts k = { 0 };
    ig_flow_proto_counts(t, count_cb, &k);
    assert_int_equal(k.http, 1);
    assert_int_equal(k.http2, 1);
    assert_int_equal(k.total, 3);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->by_proto[IG_FP_HTTP2], 1);
    assert_int_equal(st->by_proto[IG_FP_HTTP], 1);
    assert_int_equal(st->flows_closed, 3);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A new SYN with another ISN on a tuple still in the table starts a new flow. */
static void test_syn_reuse(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 45000, 8000);
    tf_handshake(&c);
    tf_data(&c, true, "one", 3);
    c.cseq = 777777;
    c.sseq = 888888;
    tf_handshake(&c);     /* the retransmitted SYN of the same connection would not do this */
    tf_data(&c, true, "two", 3);
    assert_int_equal(r.closes, 1);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->syn_reuse, 1);
    assert_int_equal(st->flows_created, 2);
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.len[0], 6);
    assert_memory_equal(r.buf[0], "onetwo", 6);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

static void test_non_tcp(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    uint8_t u[64] = { 0 };
    u[0] = 0x45; u[3] = 32; u[8] = 64; u[9] = IPPROTO_UDP;
    u[12] = 127; u[15] = 1; u[16] = 127; u[19] = 1;
    u[21] = 53; u[23] = 53; u[25] = 12;
    assert_int_equal(tf_feed(t, u, 32, 1), IG_OK);
    assert_int_equal(ig_flow_stats(t)->non_tcp, 1);
    assert_int_equal(ig_flow_stats(t)->flows_created, 0);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 0);
    tf_rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_midstream_high_port),
        cmocka_unit_test(test_midstream_model_port),
        cmocka_unit_test(test_synack_first),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_memcap),
        cmocka_unit_test(test_memcap_evicts_flows),
        cmocka_unit_test(test_ndpi_http_before_data),
        cmocka_unit_test(test_ndpi_http_midstream),
        cmocka_unit_test(test_ndpi_alloc_pooled),
        cmocka_unit_test(test_proto_counts),
        cmocka_unit_test(test_syn_reuse),
        cmocka_unit_test(test_non_tcp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
