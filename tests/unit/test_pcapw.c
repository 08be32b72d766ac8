/* test_pcapw: the pcap writer and scripted TCP conversations, read back with libpcap.
 * Every packet's checksums are verified, and each direction's payload is reassembled by
 * sequence number and compared with what was sent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <inferguard/base.h>
#include "pcapw.h"

#define MAXSTREAM (256 * 1024)

struct dir_stream {
    uint32_t base;                 /* sequence number of byte 0 */
    bool     have_base;
    uint8_t  data[MAXSTREAM];
    uint8_t  seen[MAXSTREAM];
    size_t   hi;
    unsigned conflicts;            /* overlapping bytes that differ */
};

struct readback {
    int dlt;
    unsigned packets, syn, synack, fin, rst, data_segs, bad_ipsum, bad_tcpsum, vlan_tagged;
    uint64_t first_ts, last_ts;
    bool ts_monotonic;
    struct dir_stream d[2];        /* [0] from the lower port side = client (ports chosen so) */
    uint16_t cli_port;
};

static char tmp_path[64];

static const char *tmpfile_path(void)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/ig_test_pcapw_XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    close(fd);
    return tmp_path;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) << 16 | rd16(p + 2); }

/* Independent checksum (RFC 1071) so the test does not trust the writer's own. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += rd16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}
static bool sum_ok(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

static void on_ip(struct readback *r, const uint8_t *ip, size_t n)
{
    size_t iph;
    uint32_t pseudo;
    const uint8_t *t;
    size_t tl;
    if ((ip[0] >> 4) == 4) {
        iph = (ip[0] & 15) * 4u;
        if (!sum_ok(sum16(ip, iph, 0)))
            r->bad_ipsum++;
        tl = rd16(ip + 2) - iph;
        assert_int_equal(ip[9], 6);
        pseudo = sum16(ip + 12, 8, 0) + 6 + (uint32_t)tl;
    } else {
        assert_int_equal(ip[0] >> 4, 6);
        iph = 40;
        tl = rd16(ip + 4);
        assert_int_equal(ip[6], 6);
        pseudo = sum16(ip + 8, 32, 0) + 6 + (uint32_t)tl;
    }
    assert_true(iph + tl <= n);
    t = ip + iph;
    if (!sum_ok(sum16(t, tl, pseudo)))
        r->bad_tcpsum++;
    uint8_t fl = t[13];
    size_t th = (t[12] >> 4) * 4u;
    uint16_t sport = rd16(t);
    int d = sport == r->cli_port ? 0 : 1;
    uint32_t seq = rd32(t + 4);
    if ((fl & 0x12) == 0x02)
        r->syn++;
    if ((fl & 0x12) == 0x12)
        r->synack++;
    if (fl & 0x01)
        r->fin++;
    if (fl & 0x04)
        r->rst++;
    if (fl & 0x02) {
        /* SYN consumes one sequence number: data starts after it. */
        r->d[d].base = seq + 1;
        r->d[d].have_base = true;
        return;
    }
    size_t len = tl - th;
    if (!len)
        return;
    r->data_segs++;
    struct dir_stream *s = &r->d[d];
    if (!s->have_base) {
        s->base = seq;
        s->have_base = true;
    }
    size_t off = (uint32_t)(seq - s->base);   /* wrap-around safe */
    assert_true(off + len <= MAXSTREAM);
    for (size_t i = 0; i < len; i++) {
        if (s->seen[off + i] && s->data[off + i] != t[th + i])
            s->conflicts++;
        s->data[off + i] = t[th + i];
        s->seen[off + i] = 1;
    }
    if (off + len > s->hi)
        s->hi = off + len;
}

static struct readback *read_back(const char *path, uint16_t cli_port)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    assert_non_null(p);
    struct readback *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    r->cli_port = cli_port;
    r->dlt = pcap_datalink(p);
    r->ts_monotonic = true;
    struct pcap_pkthdr *h;
    const uint8_t *pkt;
    while (pcap_next_ex(p, &h, &pkt) == 1) {
        uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        if (r->packets == 0)
            r->first_ts = ts;
        else if (ts < r->last_ts)
            r->ts_monotonic = false;
        r->last_ts = ts;
        r->packets++;
        assert_int_equal(h->caplen, h->len);
        size_t l2 = 0;
        switch (r->dlt) {
        case DLT_EN10MB:
            l2 = 14;
            if (rd16(pkt + 12) == 0x8100) {
                r->vlan_tagged++;
                l2 = 18;
            }
            break;
        case DLT_LINUX_SLL: l2 = 16; break;
        case DLT_LINUX_SLL2: l2 = 20; break;
        case DLT_NULL: l2 = 4; break;
        case DLT_RAW: l2 = 0; break;
        default: fail_msg("unexpected dlt %d", r->dlt);
        }
        on_ip(r, pkt + l2, h->caplen - l2);
    }
    pcap_close(p);
    return r;
}

static void fill(uint8_t *b, size_t n, unsigned salt)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 31u + salt + (i >> 8));
}

static void assert_stream(const struct dir_stream *s, const uint8_t *want, size_t n)
{
    assert_int_equal(s->hi, n);
    assert_int_equal(s->conflicts, 0);
    for (size_t i = 0; i < n; i++)
        assert_true(s->seen[i]);
    assert_memory_equal(s->data, want, n);
}

static uint8_t req[20000], resp[9000];

/* One full conversation: handshake, data both ways, FIN; exact packet count. */
static void test_basic_v4(void **state)
{
    (void)state;
    const char *path = tmpfile_path();
    struct ig_pcapw *w = ig_pcapw_open(path, IG_PCAPW_EN10MB);
    assert_non_null(w);
    struct ig_tcpconv c;
    assert_int_equal(ig_tcpconv_init(&c, w, "127.0.0.1", 40000, "127.0.0.2", 8080,
                                     1000, 5000, 1700000000000000ull), IG_OK);
    fill(req, 5000, 1);
    fill(resp, 3000, 2);
    assert_int_equal(ig_tcpconv_handshake(&c), IG_OK);
    assert_int_equal(ig_tcpconv_client_send(&c, req, 5000), IG_OK);
    assert_int_equal(ig_tcpconv_server_send(&c, resp, 3000), IG_OK);
    assert_int_equal(ig_tcpconv_fin(&c, false), IG_OK);
    assert_int_equal(c.cli_seq, 1000u + 1 + 5000 + 1);
    assert_int_equal(c.srv_seq, 5000u + 1 + 3000 + 1);
    uint64_t npk = ig_pcapw_packets(w);
    assert_int_equal(ig_pcapw_close(w), 0);

    struct readback *r = read_back(path, 40000);
    /* 3 handshake + 4 segs + 2 ACKs + 3 segs + 2 ACKs + 3 FIN/ACK */
    assert_int_equal(r->packets, 17);
    assert_int_equal(npk, 17);
    assert_int_equal(r->dlt, DLT_EN10MB);
    assert_int_equal(r->syn, 1);
    assert_int_equal(r->synack, 1);
    assert_int_equal(r->fin, 2);
    assert_int_equal(r->bad_ipsum, 0);
    assert_int_equal(r->bad_tcpsum, 0);
    assert_int_equal(r->d[0].base, 1001);
    assert_int_equal(r->first_ts, 1700000000000000ull);
    assert_int_equal(r->last_ts - r->first_ts, 16 * 10);
    assert_true(r->ts_monotonic);
    assert_stream(&r->d[0], req, 5000);
    assert_stream(&r->d[1], resp, 3000);
    free(r);
    unlink(path);
}

/* Sequence numbers that wrap past 2^32 in both directions. */
static void test_wraparound(void **state)
{
    (void)state;
    const char *path = tmpfile_path();
    struct ig_pcapw *w = ig_pcapw_open(path, IG_PCAPW_EN10MB);
    struct ig_tcpconv c;
    assert_int_equal(ig_tcpconv_init(&c, w, "127.0.0.1", 40001, "127.0.0.1", 8080,
                                     0xfffff000u, 0xffffffffu, 1000000), IG_OK);
    fill(req, 20000, 3);
    fill(resp, 9000, 4);
    ig_tcpconv_handshake(&c);
    ig_tcpconv_client_send(&c, req, 20000);
    ig_tcpconv_server_send(&c, resp, 9000);
    assert_true(c.cli_seq < 0x10000u);      /* wrapped */
    assert_int_equal(c.srv_seq, 9000u);     /* 0xffffffff + 1 (SYN) + 9000 */
    assert_int_equal(ig_pcapw_close(w), 0);
    struct readback *r = read_back(path, 40001);
    assert_int_equal(r->bad_tcpsum, 0);
    assert_int_equal(r->d[1].base, 0);
    assert_stream(&r->d[0], req, 20000);
    assert_stream(&r->d[1], resp, 9000);
    free(r);
    unlink(path);
}

/* Every link type frames IPv4 and IPv6 so libpcap (and so the capture stage) reads them. */
static void test_linktypes(void **state)
{
    (void)state;
    const struct { int lt, dlt; uint16_t vlan; } cases[] = {
        { IG_PCAPW_EN10MB, DLT_EN10MB, 0 }, { IG_PCAPW_EN10MB, DLT_EN10MB, 42 },
        { IG_PCAPW_RAW, DLT_RAW, 0 }, { 12, DLT_RAW, 0 },
        { IG_PCAPW_LINUX_SLL, DLT_LINUX_SLL, 0 }, { IG_PCAPW_LINUX_SLL2, DLT_LINUX_SLL2, 0 },
        { IG_PCAPW_NULL, DLT_NULL, 0 },
    };
    fill(req, 4000, 5);
    fill(resp, 2500, 6);
    for (size_t i = 0; i < IG_ARRAY_LEN(cases); i++) {
        for (int v6 = 0; v6 < 2; v6++) {
            const char *path = tmpfile_path();
            struct ig_pcapw *w = ig_pcapw_open(path, cases[i].lt);
            assert_non_null(w);
            ig_pcapw_set_vlan(w, cases[i].vlan);
            struct ig_tcpconv c;
            assert_int_equal(ig_tcpconv_init(&c, w, v6 ? "::1" : "127.0.0.9", 40002,
                                             v6 ? "::1" : "127.0.0.10", 9000, 7, 9, 5), IG_OK);
            ig_tcpconv_handshake(&c);
            ig_tcpconv_client_send(&c, req, 4000);
            ig_tcpconv_server_send(&c, resp, 2500);
            ig_tcpconv_rst(&c, true);
            assert_int_equal(ig_pcapw_close(w), 0);
            struct readback *r = read_back(path, 40002);
            assert_int_equal(r->dlt, cases[i].dlt);
            assert_int_equal(r->vlan_tagged, cases[i].vlan ? r->packets : 0);
            assert_int_equal(r->bad_ipsum, 0);
            assert_int_equal(r->bad_tcpsum, 0);
            assert_int_equal(r->rst, 1);
            assert_stream(&r->d[0], req, 4000);
            assert_stream(&r->d[1], resp, 2500);
            free(r);
            unlink(path);
        }
    }
}

/* Reorder, duplicate, overlap and late retransmission keep the stream; drop leaves a gap. */
static void test_faults(void **state)
{
    (void)state;
    const enum ig_tcp_fault kinds[] = { IG_TCPF_REORDER, IG_TCPF_DUP, IG_TCPF_OVERLAP,
                                        IG_TCPF_RETX_LATE, IG_TCPF_DROP };
    fill(req, 10000, 7);
    for (size_t i = 0; i < IG_ARRAY_LEN(kinds); i++) {
        const char *path = tmpfile_path();
        struct ig_pcapw *w = ig_pcapw_open(path, IG_PCAPW_EN10MB);
        struct ig_tcpconv c;
        ig_tcpconv_init(&c, w, "127.0.0.1", 40003, "127.0.0.2", 80, 100, 200, 0);
        c.mss = 1000;
        ig_tcpconv_handshake(&c);
        assert_int_equal(ig_tcpconv_send_fault(&c, false, req, 10000, kinds[i], 3), IG_OK);
        assert_int_equal(c.faults, 1);
        uint32_t ack_after = c.ack_for[0];
        assert_int_equal(ig_pcapw_close(w), 0);
        struct readback *r = read_back(path, 40003);
        assert_int_equal(r->bad_tcpsum, 0);
        if (kinds[i] == IG_TCPF_DROP) {
            assert_int_equal(r->data_segs, 9);
            for (size_t b = 0; b < 10000; b++)
                assert_int_equal(r->d[0].seen[b], b >= 3000 && b < 4000 ? 0 : 1);
            assert_int_equal(ack_after, 101 + 3000);   /* receiver keeps acking the hole */
        } else {
            assert_int_equal(r->data_segs, kinds[i] == IG_TCPF_REORDER ||
                                            kinds[i] == IG_TCPF_RETX_LATE ? 10 : 11);
            assert_stream(&r->d[0], req, 10000);
            assert_int_equal(ack_after, 101 + 10000);
        }
        free(r);
        unlink(path);
    }
}

/* Random chaos is deterministic for a seed and keeps the stream intact without drops. */
static void test_chaos(void **state)
{
    (void)state;
    fill(req, 20000, 8);
    fill(resp, 9000, 9);
    long sizes[2] = { 0, 0 };
    for (int rep = 0; rep < 2; rep++) {
        const char *path = tmpfile_path();
        struct ig_pcapw *w = ig_pcapw_open(path, IG_PCAPW_EN10MB);
        struct ig_tcpconv c;
        ig_tcpconv_init(&c, w, "127.0.0.1", 40004, "127.0.0.2", 80, 0xfffffff0u, 1, 0);
        c.chaos = (struct ig_tcpchaos){ .seed = 42, .reorder_pm = 300, .dup_pm = 300,
                                        .overlap_pm = 300, .retx_pm = 300 };
        ig_tcpconv_handshake(&c);
        for (int k = 0; k < 6; k++) {
            ig_tcpconv_client_send(&c, req + k * 3000, 3000);
            ig_tcpconv_server_send(&c, resp + k * 1500, 1500);
        }
        assert_true(c.faults > 0);
        assert_int_equal(ig_pcapw_close(w), 0);
        struct readback *r = read_back(path, 40004);
        assert_int_equal(r->bad_tcpsum, 0);
        assert_stream(&r->d[0], req, 18000);
        assert_stream(&r->d[1], resp, 9000);
        FILE *f = fopen(path, "rb");
        fseek(f, 0, SEEK_END);
        sizes[rep] = ftell(f);
        fclose(f);
        free(r);
        unlink(path);
    }
    assert_int_equal(sizes[0], sizes[1]);
}

/* Without a handshake the file starts with data at the given sequence number. */
static void test_midstream_and_errors(void **state)
{
    (void)state;
    const char *path = tmpfile_path();
    struct ig_pcapw *w = ig_pcapw_open(path, IG_PCAPW_EN10MB);
    struct ig_tcpconv c;
    ig_tcpconv_init(&c, w, "127.0.0.1", 40005, "127.0.0.2", 80, 123456, 654321, 0);
    fill(req, 3000, 10);
    ig_tcpconv_client_send(&c, req, 3000);
    assert_int_equal(ig_pcapw_close(w), 0);
    struct readback *r = read_back(path, 40005);
    assert_int_equal(r->syn, 0);
    assert_int_equal(r->d[0].base, 123456);
    assert_stream(&r->d[0], req, 3000);
    free(r);
    unlink(path);

    errno = 0;
    assert_null(ig_pcapw_open(path, 999));
    assert_int_equal(errno, EINVAL);
    assert_null(ig_pcapw_open("/nonexistent-dir/x.pcap", IG_PCAPW_EN10MB));
    assert_int_equal(ig_tcpconv_init(&c, NULL, "127.0.0.1", 1, "::1", 2, 0, 0, 0), IG_ECONF);
    assert_int_equal(ig_tcpconv_init(&c, NULL, "not-an-ip", 1, "127.0.0.1", 2, 0, 0, 0),
                     IG_ECONF);
    assert_int_equal(ig_pcapw_close(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_v4),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_linktypes),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_chaos),
        cmocka_unit_test(test_midstream_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
