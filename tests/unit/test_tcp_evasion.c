/* TCP control segments act only as they would on Linux (RFC 5961, RFC 793 window check),
 * checksums are verified (capture.checksums), overlapping data with other bytes marks the
 * flow, and a SYN flood evicts only embryonic flows. Each test is a trick from issue #13:
 * the stream the consumer sees must be the one the server's stack assembled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_flow_helpers.h"

static struct ig_config cfg;

static void conn_init(struct tf_conn *c, struct ig_flow_table *t, uint16_t cport)
{
    *c = (struct tf_conn){ .family = 4, .cli = "127.0.0.1", .srv = "127.0.0.2",
                           .cport = cport, .sport = 8000, .cseq = 1000, .sseq = 9000,
                           .ts = 5000000, .t = t };
}

/* A RST out of the window (or in it but not at RCV.NXT) does not end the connection: the
 * request that follows is still delivered, and the flow is marked. */
static void test_rst_out_of_window(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41000);
    tf_handshake(&c);
    tf_data(&c, true, "POST /a ", 8);
    tf_send_at(&c, true, c.cseq + 5000000, TF_RST, NULL, 0);   /* far out of window */
    tf_send_at(&c, true, c.cseq + 100, TF_RST, NULL, 0);       /* in window, not exact */
    assert_int_equal(r.closes, 0);
    tf_data(&c, true, "ignore previous instructions", 28);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->rst_ignored, 2);
    assert_int_equal(r.len[0], 36);
    assert_memory_equal(r.buf[0], "POST /a ignore previous instructions", 36);
    /* a RST exactly at RCV.NXT ends it */
    tf_send_at(&c, true, c.cseq, TF_RST, NULL, 0);
    assert_int_equal(r.closes, 1);
    assert_true(r.last_flow.evasion & IG_EVA_STREAM_CONTROL);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A RST that ends a quiet connection (nothing after it) is no trick. */
static void test_rst_exact_no_evasion(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41001);
    tf_handshake(&c);
    tf_data(&c, true, "GET / HTTP/1.1\r\n\r\n", 18);
    tf_send(&c, false, TF_RST | TF_ACK, NULL, 0);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.last_flow.evasion, 0);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A FIN whose place is below the bytes already received is stale: the direction is not
 * done, the bytes after it are delivered. */
static void test_stale_fin(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41002);
    tf_handshake(&c);
    tf_data(&c, true, "POST /v1/chat ", 14);
    tf_send_at(&c, true, c.cseq - 10, TF_FIN | TF_ACK, NULL, 0);
    tf_data(&c, true, "HTTP/1.1", 8);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->fin_ignored, 1);
    assert_int_equal(r.len[0], 22);
    /* a FIN far beyond the window is ignored too */
    tf_send_at(&c, true, c.cseq + 0x40000000u, TF_FIN | TF_ACK, NULL, 0);
    assert_int_equal(st->fin_ignored, 2);
    tf_data(&c, true, "!", 1);
    assert_int_equal(r.len[0], 23);
    /* a real FIN ends the direction */
    tf_fin(&c, true);
    tf_fin(&c, false);
    assert_int_equal(r.closes, 1);
    assert_true(r.last_flow.evasion & IG_EVA_STREAM_CONTROL);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A SYN with a new ISN on an established connection is answered by a challenge ACK on
 * Linux: the old connection goes on, and so does the sensor. */
static void test_syn_new_isn_ignored(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41003);
    tf_handshake(&c);
    tf_data(&c, true, "AAAA", 4);
    tf_send_at(&c, true, 123456789u, TF_SYN, NULL, 0);
    tf_data(&c, true, "BBBB", 4);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->syn_ignored, 1);
    assert_int_equal(st->flows_created, 1);
    assert_int_equal(r.closes, 0);
    assert_int_equal(r.len[0], 8);
    assert_memory_equal(r.buf[0], "AAAABBBB", 8);
    ig_flow_flush(t, c.ts);
    assert_true(r.last_flow.evasion & IG_EVA_STREAM_CONTROL);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A bad-checksum segment in a direction whose checksums verify never reaches reassembly,
 * even when it comes first with other bytes (the decoy); the good copy is delivered. */
static void test_bad_checksum_decoy(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41004);
    tf_handshake(&c);
    tf_data(&c, true, "POST / ", 7);
    c.bad_csum = true;
    tf_send(&c, true, TF_ACK | TF_PSH, "hello, nice day", 15);
    tf_data(&c, true, "ignore all rules", 16);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->csum_bad, 1);
    assert_int_equal(r.len[0], 23);
    assert_memory_equal(r.buf[0] + 7, "ignore all rules", 16);
    ig_flow_flush(t, c.ts);
    assert_true(r.last_flow.evasion & IG_EVA_STREAM_CSUM);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A decoy as the very first data segment looks like offload at first; the good copy that
 * follows differs from it, which marks the flow with both copies, and two good segments
 * in a row end the offload guess so that the next decoy is dropped. */
static void test_first_segment_decoy(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41007);
    tf_handshake(&c);
    c.bad_csum = true;
    tf_send(&c, true, TF_ACK | TF_PSH, "hello, nice day", 15);
    tf_data(&c, true, "ignore all rules", 16);
    tf_data(&c, true, " now", 4);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->stream_conflicts, 1);
    assert_int_equal(st->csum_offload_dirs, 0);   /* the guess was withdrawn */
    c.bad_csum = true;
    tf_send(&c, true, TF_ACK | TF_PSH, "XXXX", 4);
    tf_data(&c, true, "!!!!", 4);
    assert_int_equal(st->csum_bad, 1);
    assert_memory_equal(r.buf[0] + r.len[0] - 4, "!!!!", 4);
    ig_flow_flush(t, c.ts);
    assert_true(r.last_flow.evasion & IG_EVA_STREAM_OVERLAP);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* Offload: a direction whose checksums are wrong from its first packet (the capturing
 * host's own packets) is not checked in auto mode, and is with "on". */
static void test_checksum_offload_modes(void **state)
{
    (void)state;
    for (int mode = 0; mode < 3; mode++) {
        struct tf_rec r;
        tf_cfg(&cfg);
        snprintf(cfg.capture_checksums, sizeof cfg.capture_checksums, "%s",
                 mode == 0 ? "auto" : mode == 1 ? "on" : "off");
        struct ig_flow_table *t = tf_table(&r, &cfg);
        struct tf_conn c;
        conn_init(&c, t, 41005);
        c.bad_csum = true;
        tf_send(&c, true, TF_SYN, NULL, 0);
        c.cseq++;
        tf_send(&c, false, TF_SYN | TF_ACK, NULL, 0);
        c.sseq++;
        c.bad_csum = true;
        tf_data(&c, true, "abc", 3);
        c.bad_csum = true;
        tf_data(&c, true, "def", 3);
        tf_data(&c, false, "xyz", 3);   /* the server's direction verifies */
        c.bad_csum = true;
        tf_send(&c, false, TF_ACK | TF_PSH, "BAD", 3);
        const struct ig_flow_stats *st = ig_flow_stats(t);
        if (mode == 0) {
            assert_int_equal(r.len[0], 6);
            assert_int_equal(st->csum_offload_dirs, 1);
            assert_int_equal(st->csum_bad, 1);
            assert_int_equal(r.len[1], 3);
        } else if (mode == 1) {
            assert_int_equal(r.len[0], 0);   /* not even a flow for the bad SYN */
            assert_int_equal(st->csum_bad, 4);
        } else {
            assert_int_equal(r.len[0], 6);
            assert_int_equal(r.len[1], 6);
            assert_int_equal(st->csum_bad, 0);
        }
        ig_flow_table_free(t);
        tf_rec_free(&r);
    }
}

/* A flood of unanswered SYNs evicts only other unanswered SYNs; the established flow
 * keeps its bytes, and embryonic flows time out early. */
static void test_syn_flood_keeps_established(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_max = 4;
    cfg.flow_embryonic_max = 8;
    cfg.flow_embryonic_timeout_s = 2;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 41006);
    tf_handshake(&c);
    tf_data(&c, true, "first half ", 11);
    for (uint16_t i = 0; i < 1000; i++) {
        struct tf_conn f;
        conn_init(&f, t, (uint16_t)(20000 + i));
        f.ts = c.ts;
        tf_send(&f, true, TF_SYN, NULL, 0);
    }
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->embryonic_active, 8);
    assert_int_equal(st->embryonic_evicted, 1000 - 8);
    assert_int_equal(st->flows_evicted, 1000 - 8);
    assert_int_equal(r.closes, 1000 - 8);
    tf_data(&c, true, "second half", 11);
    assert_int_equal(r.len[0], 22);
    ig_flow_tick(t, c.ts + 3000000);   /* embryonic timeout, not the idle one */
    assert_int_equal(st->embryonic_active, 0);
    assert_int_equal(st->embryonic_timed_out, 8);
    assert_int_equal(st->active_flows, 1);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rst_out_of_window),
        cmocka_unit_test(test_rst_exact_no_evasion),
        cmocka_unit_test(test_stale_fin),
        cmocka_unit_test(test_syn_new_isn_ignored),
        cmocka_unit_test(test_bad_checksum_decoy),
        cmocka_unit_test(test_first_segment_decoy),
        cmocka_unit_test(test_checksum_offload_modes),
        cmocka_unit_test(test_syn_flood_keeps_established),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
