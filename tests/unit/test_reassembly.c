/* TCP reassembly: the bytes delivered per direction must equal the bytes sent, whatever
 * the order, duplication, overlap or wrap-around; holes are reported as gaps with their
 * exact size; close fires exactly once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_flow_helpers.h"

static struct ig_config cfg;

static void conn_init(struct tf_conn *c, struct ig_flow_table *t, uint32_t cisn, uint32_t sisn)
{
    *c = (struct tf_conn){ .family = 4, .cli = "127.0.0.1", .srv = "127.0.0.2",
                           .cport = 45678, .sport = 8000, .cseq = cisn, .sseq = sisn,
                           .ts = 1000000, .t = t };
}

static void fill(uint8_t *b, size_t n, uint32_t salt)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)((i * 31 + salt) ^ (i >> 7));
}

static void test_in_order(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 1000, 5000);
    tf_handshake(&c);
    const char *req[] = { "POST /v2/models/m/infer HTTP/1.1\r\n", "Host: x\r\nContent-Length: 2\r\n",
                          "\r\n{}" };
    for (int i = 0; i < 3; i++)
        tf_data(&c, true, req[i], (uint32_t)strlen(req[i]));
    tf_data(&c, false, "HTTP/1.1 200 OK\r\n", 17);
    tf_data(&c, false, "Content-Length: 0\r\n\r\n", 21);
    assert_int_equal(r.closes, 0);
    tf_fin(&c, true);
    tf_fin(&c, false);
    assert_int_equal(r.closes, 1);

    const char want_c[] = "POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    assert_int_equal(r.len[IG_DIR_TO_SERVER], strlen(want_c));
    assert_memory_equal(r.buf[IG_DIR_TO_SERVER], want_c, strlen(want_c));
    assert_int_equal(r.len[IG_DIR_TO_CLIENT], 38);
    assert_memory_equal(r.buf[IG_DIR_TO_CLIENT], "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38);
    assert_int_equal(r.data_calls, 5);   /* in-order segments go straight through, one call each */
    assert_int_equal(r.last_flow.client.port, 45678);
    assert_int_equal(r.last_flow.server.port, 8000);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->flows_created, 1);
    assert_int_equal(st->flows_closed, 1);
    assert_int_equal(st->flows_midstream, 0);
    assert_int_equal(st->gaps, 0);
    assert_int_equal(st->active_flows, 0);
    assert_int_equal(st->bytes_buffered, 0);
    /* the final ACK after close must not open a new flow */
    tf_send(&c, true, TF_ACK, NULL, 0);
    assert_int_equal(st->flows_created, 1);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 1);
    tf_rec_free(&r);
}

static void test_out_of_order_and_retransmit(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 77, 99);
    tf_handshake(&c);
    uint32_t s = c.cseq;
    tf_send_at(&c, true, s + 20, TF_ACK, "CCCCCCCCCC", 10);
    tf_send_at(&c, true, s + 10, TF_ACK, "BBBBBBBBBB", 10);
    assert_int_equal(r.len[0], 0);
    tf_send_at(&c, true, s + 10, TF_ACK, "BBBBBBBBBB", 10);   /* duplicate while queued */
    tf_send_at(&c, true, s, TF_ACK, "AAAAAAAAAA", 10);
    assert_int_equal(r.len[0], 30);
    assert_memory_equal(r.buf[0], "AAAAAAAAAABBBBBBBBBBCCCCCCCCCC", 30);
    tf_send_at(&c, true, s, TF_ACK, "AAAAAAAAAA", 10);        /* retransmission of delivered */
    tf_send_at(&c, true, s + 25, TF_ACK, "CCCCCDDDDD", 10);   /* half old, half new */
    assert_int_equal(r.len[0], 35);
    assert_memory_equal(r.buf[0] + 30, "DDDDD", 5);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->out_of_order, 3);
    assert_int_equal(st->retransmits, 1);
    assert_true(st->overlaps >= 2);
    assert_int_equal(st->overlap_conflicts, 0);
    assert_int_equal(st->gaps, 0);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 1);
    tf_rec_free(&r);
}

/* The last IG_HIST delivered bytes are kept in a ring by sequence number; a later copy is
 * compared with them. Three 100-byte segments cross the ring's end at least once whatever
 * the ISN: an identical copy of the last 128 bytes is no conflict (a ring that dropped the
 * bytes past its end would see stale ones), one changed byte is exactly one. */
static void test_history_ring_wraps(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 1, 1);
    tf_handshake(&c);
    uint32_t s = c.cseq;
    uint8_t data[300];
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)('!' + (i * 37u) % 90u);   /* a byte differs from the one 128 earlier */
    for (uint32_t k = 0; k < 3; k++)
        tf_send_at(&c, true, s + 100 * k, TF_ACK, data + 100 * k, 100);
    assert_int_equal(r.len[0], 300);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    tf_send_at(&c, true, s + 172, TF_ACK, data + 172, 128);   /* the same bytes again */
    assert_int_equal(st->stream_conflicts, 0);
    uint8_t other[128];
    memcpy(other, data + 172, sizeof other);
    other[127] ^= 0x20;
    tf_send_at(&c, true, s + 172, TF_ACK, other, 128);
    assert_int_equal(st->stream_conflicts, 1);
    assert_int_equal(r.len[0], 300);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* Linux's overlap policy: delivered bytes are final; among queued bytes the copy that
 * starts first wins. Differing copies are counted and mark the flow (evasion). */
static void test_overlap_conflict(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 1, 1);
    tf_handshake(&c);
    uint32_t s = c.cseq;
    tf_send_at(&c, true, s + 10, TF_ACK, "0123456789", 10);
    tf_send_at(&c, true, s + 15, TF_ACK, "XXXXXabcde", 10);   /* 5 conflicting, 5 new */
    tf_send_at(&c, true, s, TF_ACK, "hhhhhhhhhh", 10);
    assert_int_equal(r.len[0], 25);
    assert_memory_equal(r.buf[0], "hhhhhhhhhh0123456789abcde", 25);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->overlaps, 1);
    assert_int_equal(st->overlap_conflicts, 1);
    assert_int_equal(st->stream_conflicts, 1);
    /* a segment spanning the delivered edge and a queued block, bytes in between new: it
     * starts before the queued run, so its copy replaces the queued one (tcp_data_queue_ofo) */
    tf_send_at(&c, true, s + 30, TF_ACK, "QQQQQ", 5);
    tf_send_at(&c, true, s + 20, TF_ACK, "ZZZZZzzzzzYYYYY", 15);   /* old 5 differ, new 5, queued 5 differ */
    assert_int_equal(r.len[0], 35);
    assert_memory_equal(r.buf[0] + 25, "zzzzzYYYYY", 10);
    assert_int_equal(st->overlap_conflicts, 2);
    assert_int_equal(st->stream_conflicts, 3);   /* the delivered "abcde" too */
    assert_true(r.last_flow.evasion == 0);       /* not closed yet */
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* Sequence numbers wrap at 2^32 in the middle of the data, with reordering. */
static void test_wraparound(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 0xfffffff0u, 0xffffff00u);
    tf_handshake(&c);
    uint8_t data[300];
    fill(data, sizeof(data), 7);
    uint32_t s = c.cseq;   /* 0xfffffff1 */
    tf_send_at(&c, true, s + 100, TF_ACK, data + 100, 100);
    tf_send_at(&c, true, s + 200, TF_ACK, data + 200, 100);
    tf_send_at(&c, true, s, TF_ACK, data, 100);
    c.cseq = s + 300;
    tf_data(&c, false, data, 300);   /* server side wraps too */
    tf_fin(&c, true);
    tf_fin(&c, false);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.len[0], 300);
    assert_memory_equal(r.buf[0], data, 300);
    assert_int_equal(r.len[1], 300);
    assert_memory_equal(r.buf[1], data, 300);
    assert_int_equal(ig_flow_stats(t)->gaps, 0);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* More out-of-order data than flow.stream_max_bytes: the hole is given up as a gap of
 * exactly its size and the stream carries on. */
static void test_gap_on_stream_cap(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_stream_max = 4096;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 10, 20);
    tf_handshake(&c);
    uint8_t data[10000];
    fill(data, sizeof(data), 3);
    uint32_t s = c.cseq;
    /* bytes [0,1000) never arrive; [1000, 10000) come in 1000-byte segments */
    for (uint32_t off = 1000; off < 10000; off += 1000)
        tf_send_at(&c, true, s + off, TF_ACK, data + off, 1000);
    assert_int_equal(r.gaps[0], 1);
    assert_int_equal(r.gap_bytes[0], 1000);
    assert_int_equal(r.len[0], 9000);
    assert_memory_equal(r.buf[0], data + 1000, 9000);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_true(st->stream_cap_drops >= 1);
    assert_int_equal(st->gap_bytes, 1000);
    assert_int_equal(st->bytes_buffered, 0);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A hole still open at FIN time is reported when the flow ends; so is data announced by
 * the FIN but never seen. */
static void test_fin_with_hole(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 500, 600);
    tf_handshake(&c);
    uint32_t s = c.cseq;
    tf_send_at(&c, true, s, TF_ACK, "first", 5);
    tf_send_at(&c, true, s + 10, TF_ACK, "third", 5);
    tf_send_at(&c, true, s + 20, TF_ACK | TF_FIN, NULL, 0);   /* 5 more bytes missing before FIN */
    c.cseq = s + 21;
    tf_fin(&c, false);
    assert_int_equal(r.closes, 0);   /* waits: the hole might still be filled */
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.len[0], 10);
    assert_memory_equal(r.buf[0], "firstthird", 10);
    assert_int_equal(r.gaps[0], 2);
    assert_int_equal(r.gap_bytes[0], 10);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 1);
    tf_rec_free(&r);
}

/* RST ends the flow at once; queued bytes are delivered with the hole as a gap. */
static void test_rst(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 500, 600);
    tf_handshake(&c);
    uint32_t s = c.cseq;
    tf_data(&c, true, "hello", 5);
    tf_send_at(&c, true, s + 8, TF_ACK, "late", 4);
    tf_send(&c, false, TF_RST | TF_ACK, NULL, 0);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.len[0], 9);
    assert_memory_equal(r.buf[0], "hellolate", 9);
    assert_int_equal(r.gap_bytes[0], 3);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->active_flows, 0);
    tf_send(&c, true, TF_RST, NULL, 0);        /* a second RST opens nothing */
    assert_int_equal(st->flows_created, 1);
    ig_flow_table_free(t);
    assert_int_equal(r.closes, 1);
    tf_rec_free(&r);
}

/* Payload cut by the snaplen: captured bytes delivered, the rest reported as a gap. */
static void test_truncated_segment(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 1, 2);
    tf_handshake(&c);
    uint8_t pkt[2000], data[1000];
    fill(data, sizeof(data), 1);
    uint32_t n = tf_build(pkt, 4, c.cli, c.cport, c.srv, c.sport, c.cseq, c.sseq, TF_ACK, data, 1000);
    tf_feed(t, pkt, n - 400, c.ts);
    c.cseq += 1000;
    tf_data(&c, true, "tail", 4);
    assert_int_equal(r.len[0], 604);
    assert_memory_equal(r.buf[0], data, 600);
    assert_memory_equal(r.buf[0] + 600, "tail", 4);
    assert_int_equal(r.gap_bytes[0], 400);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* Tiny out-of-order segments: contiguous ones share blocks; scattered ones are bounded
 * by the per-direction cap on block memory, and every byte is either delivered or counted
 * in a gap. */
static void test_tiny_segments(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    cfg.flow_stream_max = 64 * 1024;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c;
    conn_init(&c, t, 3, 4);
    tf_handshake(&c);
    uint8_t data[20000];
    fill(data, sizeof(data), 5);
    uint32_t s = c.cseq;
    for (uint32_t i = 1; i < 10000; i++)          /* byte 0 missing, 1..9999 one by one */
        tf_send_at(&c, true, s + i, TF_ACK, data + i, 1);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->bytes_buffered, 9999);
    assert_int_equal(st->stream_cap_drops, 0);
    tf_send_at(&c, true, s, TF_ACK, data, 1);
    assert_int_equal(r.len[0], 10000);
    assert_memory_equal(r.buf[0], data, 10000);
    /* every other byte of the next 10000: each its own block, so the cap must act */
    for (uint32_t i = 10001; i < 20000; i += 2)
        tf_send_at(&c, true, s + i, TF_ACK, data + i, 1);
    assert_true(st->stream_cap_drops > 0);
    assert_true(st->bytes_buffered <= 64 * 1024 / 2048);
    ig_flow_flush(t, c.ts);
    assert_int_equal(r.len[0] + r.gap_bytes[0], 20000);
    assert_int_equal(r.len[0], 15000);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

/* A 1 MiB exchange over IPv6 cut in random segments, shuffled within a window, with
 * duplicates and consistent overlaps: the stream must come out byte for byte. */
static void test_random_stream(void **state)
{
    (void)state;
    struct tf_rec r;
    tf_cfg(&cfg);
    struct ig_flow_table *t = tf_table(&r, &cfg);
    struct tf_conn c = { .family = 6, .cli = "::1", .srv = "::1", .cport = 50000, .sport = 8080,
                         .cseq = 0xfff00000u, .sseq = 12345, .ts = 1, .t = t };
    tf_handshake(&c);
    const uint32_t total = 1u << 20;
    uint8_t *data = malloc(total);
    fill(data, total, 11);
    struct seg { uint32_t off, len; } *segs = malloc(sizeof(*segs) * 4096);
    uint32_t nseg = 0, off = 0;
    srand(1234);
    while (off < total) {
        uint32_t len = 1 + (uint32_t)rand() % 3000;
        if (off + len > total)
            len = total - off;
        segs[nseg++] = (struct seg){ off, len };
        if (rand() % 8 == 0 && off > 100)   /* an overlapping resend of earlier bytes */
            segs[nseg++] = (struct seg){ off - 100, IG_MIN(len + 100, total - (off - 100)) };
        off += len;
    }
    for (uint32_t i = 0; i + 1 < nseg; i++) {   /* local shuffle: reordering within ~8 segments */
        uint32_t j = i + (uint32_t)rand() % IG_MIN(8u, nseg - i);
        struct seg tmp = segs[i];
        segs[i] = segs[j];
        segs[j] = tmp;
    }
    for (uint32_t i = 0; i < nseg; i++) {
        tf_send_at(&c, true, c.cseq + segs[i].off, TF_ACK, data + segs[i].off, segs[i].len);
        if (rand() % 10 == 0)
            tf_send_at(&c, true, c.cseq + segs[i].off, TF_ACK, data + segs[i].off, segs[i].len);
    }
    c.cseq += total;
    tf_fin(&c, true);
    tf_fin(&c, false);
    assert_int_equal(r.closes, 1);
    assert_int_equal(r.len[0], total);
    assert_memory_equal(r.buf[0], data, total);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->gaps, 0);
    assert_int_equal(st->overlap_conflicts, 0);
    assert_true(st->out_of_order > 0);
    assert_int_equal(st->bytes_buffered, 0);
    free(segs);
    free(data);
    ig_flow_table_free(t);
    tf_rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_out_of_order_and_retransmit),
        cmocka_unit_test(test_history_ring_wraps),
        cmocka_unit_test(test_overlap_conflict),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_gap_on_stream_cap),
        cmocka_unit_test(test_fin_with_hole),
        cmocka_unit_test(test_rst),
        cmocka_unit_test(test_truncated_segment),
        cmocka_unit_test(test_tiny_segments),
        cmocka_unit_test(test_random_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
