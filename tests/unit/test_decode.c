/* Link-layer to transport decoding: every supported link type, VLAN stacks, IPv6
 * extension headers, and every malformed case counted and skipped. Frames are built by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_flow_helpers.h"

static const char body[] = "POST /v2/models/m/infer HTTP/1.1\r\n";

static uint32_t ip4_pkt(uint8_t *b)
{
    return tf_build(b, 4, "127.0.0.1", 40000, "127.0.0.2", 8080, 1000, 2000, TF_ACK | TF_PSH,
                    body, sizeof(body) - 1);
}

static uint32_t ip6_pkt(uint8_t *b)
{
    return tf_build(b, 6, "::1", 40000, "::1", 8080, 1000, 2000, TF_ACK | TF_PSH, body, sizeof(body) - 1);
}

static void check_tcp(const struct ig_packet *p, int family)
{
    assert_int_equal(p->family, family);
    assert_int_equal(p->ip_proto, IPPROTO_TCP);
    assert_int_equal(p->sport, 40000);
    assert_int_equal(p->dport, 8080);
    assert_int_equal(p->seq, 1000);
    assert_int_equal(p->ack, 2000);
    assert_int_equal(p->tcp_flags, TF_ACK | TF_PSH);
    assert_int_equal(p->payload_len, sizeof(body) - 1);
    assert_int_equal(p->payload_wire_len, sizeof(body) - 1);
    assert_false(p->truncated);
    assert_memory_equal(p->payload, body, sizeof(body) - 1);
    if (family == 4) {
        const uint8_t a[4] = { 127, 0, 0, 1 }, b[4] = { 127, 0, 0, 2 };
        assert_memory_equal(p->src, a, 4);
        assert_memory_equal(p->dst, b, 4);
    } else {
        uint8_t one[16] = { 0 };
        one[15] = 1;
        assert_memory_equal(p->src, one, 16);
    }
}

static int decode(int lt, const uint8_t *f, uint32_t n, struct ig_packet *p, struct ig_decode_stats *st)
{
    return ig_decode_packet(lt, f, n, 42, p, st);
}

/* Prepends <hl> bytes of link header. */
static uint32_t wrap(uint8_t *out, const uint8_t *hdr, uint32_t hl, const uint8_t *ip, uint32_t n)
{
    memcpy(out, hdr, hl);
    memcpy(out + hl, ip, n);
    return hl + n;
}

static void test_ethernet(void **state)
{
    (void)state;
    uint8_t ip[200], f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint8_t eth[14] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00 };
    uint32_t n = wrap(f, eth, 14, ip, ip4_pkt(ip));
    assert_int_equal(decode(DLT_EN10MB, f, n, &p, &st), IG_OK);
    check_tcp(&p, 4);
    assert_int_equal(p.ts_us, 42);
    assert_ptr_equal(p.l3, f + 14);

    eth[12] = 0x86; eth[13] = 0xdd;
    n = wrap(f, eth, 14, ip, ip6_pkt(ip));
    assert_int_equal(decode(DLT_EN10MB, f, n, &p, &st), IG_OK);
    check_tcp(&p, 6);

    /* minimum-size frames are padded: the IP length wins */
    eth[12] = 0x08; eth[13] = 0x00;
    uint32_t l = tf_build(ip, 4, "127.0.0.1", 1, "127.0.0.1", 2, 5, 6, TF_ACK, NULL, 0);
    n = wrap(f, eth, 14, ip, l);
    memset(f + n, 0xee, 6);
    assert_int_equal(decode(DLT_EN10MB, f, n + 6, &p, &st), IG_OK);
    assert_int_equal(p.payload_len, 0);
    assert_int_equal(p.l3_len, 40);
    assert_int_equal(st.packets, 3);
}

static void test_vlan(void **state)
{
    (void)state;
    uint8_t ip[200], f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t ipn = ip4_pkt(ip);
    const uint16_t tpids[] = { 0x8100, 0x88a8, 0x9100 };
    for (size_t i = 0; i < 3; i++) {
        uint8_t h[18] = { 0 };
        h[12] = (uint8_t)(tpids[i] >> 8); h[13] = (uint8_t)tpids[i];
        h[14] = 0x00; h[15] = 0x2a;
        h[16] = 0x08; h[17] = 0x00;
        uint32_t n = wrap(f, h, 18, ip, ipn);
        assert_int_equal(decode(DLT_EN10MB, f, n, &p, &st), IG_OK);
        check_tcp(&p, 4);
    }
    /* QinQ: 802.1ad outer, 802.1Q inner */
    uint8_t q[22] = { 0 };
    q[12] = 0x88; q[13] = 0xa8; q[15] = 1;
    q[16] = 0x81; q[17] = 0x00; q[19] = 2;
    q[20] = 0x86; q[21] = 0xdd;
    uint32_t n = wrap(f, q, 22, ip, ip6_pkt(ip));
    assert_int_equal(decode(DLT_EN10MB, f, n, &p, &st), IG_OK);
    check_tcp(&p, 6);
    /* a tag cut short */
    assert_int_equal(decode(DLT_EN10MB, f, 16, &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, 1);
    /* not IP at all (ARP) */
    q[20] = 0x08; q[21] = 0x06;
    assert_int_equal(decode(DLT_EN10MB, q, 22, &p, &st), IG_EPARSE);
    assert_int_equal(st.non_ip, 1);
}

static void test_cooked(void **state)
{
    (void)state;
    uint8_t ip[200], f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint8_t sll[16] = { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 };
    uint32_t n = wrap(f, sll, 16, ip, ip4_pkt(ip));
    assert_int_equal(decode(DLT_LINUX_SLL, f, n, &p, &st), IG_OK);
    check_tcp(&p, 4);

    uint8_t sll2[20] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0 };
    n = wrap(f, sll2, 20, ip, ip6_pkt(ip));
    assert_int_equal(decode(DLT_LINUX_SLL2, f, n, &p, &st), IG_OK);
    check_tcp(&p, 6);
    assert_int_equal(decode(DLT_LINUX_SLL2, f, 19, &p, &st), IG_EPARSE);
    assert_int_equal(decode(DLT_LINUX_SLL, f, 15, &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, 2);
}

static void test_raw(void **state)
{
    (void)state;
    uint8_t ip[200];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n4 = ip4_pkt(ip);
    assert_int_equal(decode(DLT_RAW, ip, n4, &p, &st), IG_OK);
    check_tcp(&p, 4);
    assert_int_equal(decode(IG_LINKTYPE_RAW, ip, n4, &p, &st), IG_OK);
    check_tcp(&p, 4);
    assert_int_equal(decode(DLT_IPV4, ip, n4, &p, &st), IG_OK);
    check_tcp(&p, 4);
    assert_int_equal(decode(DLT_IPV6, ip, n4, &p, &st), IG_EPARSE);   /* v4 bytes on a v6 link */
    assert_int_equal(st.bad_ip, 1);
    uint32_t n6 = ip6_pkt(ip);
    assert_int_equal(decode(DLT_RAW, ip, n6, &p, &st), IG_OK);
    check_tcp(&p, 6);
    assert_int_equal(decode(DLT_IPV6, ip, n6, &p, &st), IG_OK);
    check_tcp(&p, 6);
    ip[0] = 0x50;
    assert_int_equal(decode(DLT_RAW, ip, n6, &p, &st), IG_EPARSE);
    assert_int_equal(st.bad_ip, 2);
}

static void test_null_loop(void **state)
{
    (void)state;
    uint8_t ip[200], f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n4 = ip4_pkt(ip);
    const uint8_t le4[4] = { 2, 0, 0, 0 }, be4[4] = { 0, 0, 0, 2 };
    uint32_t n = wrap(f, le4, 4, ip, n4);
    assert_int_equal(decode(DLT_NULL, f, n, &p, &st), IG_OK);
    check_tcp(&p, 4);
    n = wrap(f, be4, 4, ip, n4);
    assert_int_equal(decode(DLT_NULL, f, n, &p, &st), IG_OK);
    assert_int_equal(decode(DLT_LOOP, f, n, &p, &st), IG_OK);
    check_tcp(&p, 4);
    /* AF_INET6 as macOS (30), FreeBSD (28), OpenBSD (24) write it */
    uint32_t n6 = ip6_pkt(ip);
    const uint8_t afs[3] = { 30, 28, 24 };
    for (int i = 0; i < 3; i++) {
        uint8_t h[4] = { afs[i], 0, 0, 0 };
        n = wrap(f, h, 4, ip, n6);
        assert_int_equal(decode(DLT_NULL, f, n, &p, &st), IG_OK);
        check_tcp(&p, 6);
        uint8_t hb[4] = { 0, 0, 0, afs[i] };
        n = wrap(f, hb, 4, ip, n6);
        assert_int_equal(decode(DLT_LOOP, f, n, &p, &st), IG_OK);
    }
    const uint8_t other[4] = { 7, 0, 0, 0 };
    n = wrap(f, other, 4, ip, n6);
    assert_int_equal(decode(DLT_NULL, f, n, &p, &st), IG_EPARSE);
    assert_int_equal(st.non_ip, 1);
    assert_int_equal(decode(DLT_NULL, f, 3, &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, 1);
}

/* IPv6: hop-by-hop, destination options, atomic fragment, then TCP; real fragments skipped. */
static void test_ipv6_ext(void **state)
{
    (void)state;
    uint8_t base[200], f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n = ip6_pkt(base);
    uint32_t tcpn = n - 40;
    memcpy(f, base, 40);
    uint8_t *x = f + 40;
    /* hop-by-hop (8 bytes) -> dst opts (16 bytes) -> fragment (atomic) -> TCP */
    x[0] = 60; x[1] = 0; memset(x + 2, 0, 6); x[2] = 1; x[3] = 4;   /* PadN */
    x += 8;
    x[0] = 44; x[1] = 1; memset(x + 2, 0, 14); x[2] = 1; x[3] = 12;
    x += 16;
    x[0] = IPPROTO_TCP; x[1] = 0; x[2] = 0; x[3] = 0; memset(x + 4, 0xab, 4);
    x += 8;
    memcpy(x, base + 40, tcpn);
    uint32_t plen = 32 + tcpn;
    f[4] = (uint8_t)(plen >> 8); f[5] = (uint8_t)plen;
    f[6] = 0;   /* hop-by-hop first */
    uint32_t tot = 40 + plen;
    assert_int_equal(decode(DLT_RAW, f, tot, &p, &st), IG_OK);
    check_tcp(&p, 6);

    /* a real fragment (offset 0, more fragments) is counted and handed on for reassembly */
    f[40 + 8 + 16 + 3] = 1;
    assert_int_equal(decode(DLT_RAW, f, tot, &p, &st), IG_OK);
    assert_true(p.is_frag);
    assert_true(p.frag_mf);
    assert_int_equal(p.frag_off, 0);
    assert_int_equal(p.ip_proto, IPPROTO_TCP);
    assert_int_equal(p.payload_wire_len, tcpn);
    assert_int_equal(st.fragments, 1);
    f[40 + 8 + 16 + 3] = 0;

    /* extension header longer than the packet */
    f[40 + 8 + 1] = 200;
    assert_int_equal(decode(DLT_RAW, f, tot, &p, &st), IG_EPARSE);
    assert_int_equal(st.bad_ip, 1);
    f[40 + 8 + 1] = 1;
    /* cut inside the extension chain */
    assert_int_equal(decode(DLT_RAW, f, 50, &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, 1);
    /* UDP over IPv6 */
    n = 0;
    uint8_t u[100] = { 0 };
    u[0] = 0x60; u[5] = 12; u[6] = IPPROTO_UDP;
    u[40] = 0x13; u[41] = 0x88; u[42] = 0x00; u[43] = 0x35; u[45] = 12;
    memcpy(u + 48, "abcd", 4);
    assert_int_equal(decode(DLT_RAW, u, 52, &p, &st), IG_OK);
    assert_int_equal(p.ip_proto, IPPROTO_UDP);
    assert_int_equal(p.sport, 5000);
    assert_int_equal(p.dport, 53);
    assert_int_equal(p.payload_len, 4);
    u[45] = 60;   /* UDP longer than IP */
    assert_int_equal(decode(DLT_RAW, u, 52, &p, &st), IG_EPARSE);
    assert_int_equal(st.bad_udp, 1);
}

static void test_ipv4_options_fragments(void **state)
{
    (void)state;
    uint8_t base[200], f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n = ip4_pkt(base);
    /* 4 bytes of options (NOP x3, EOL): IHL 6 */
    memcpy(f, base, 20);
    f[0] = 0x46;
    f[20] = 1; f[21] = 1; f[22] = 1; f[23] = 0;
    memcpy(f + 24, base + 20, n - 20);
    uint32_t tot = n + 4;
    f[2] = (uint8_t)(tot >> 8); f[3] = (uint8_t)tot;
    assert_int_equal(decode(DLT_RAW, f, tot, &p, &st), IG_OK);
    check_tcp(&p, 4);

    memcpy(f, base, n);
    f[6] = 0x20;   /* MF: a fragment, handed on for reassembly */
    assert_int_equal(decode(DLT_RAW, f, n, &p, &st), IG_OK);
    assert_true(p.is_frag && p.frag_mf);
    assert_int_equal(p.frag_off, 0);
    f[6] = 0x00; f[7] = 0x10;   /* offset 16 (x8 bytes) */
    assert_int_equal(decode(DLT_RAW, f, n, &p, &st), IG_OK);
    assert_true(p.is_frag && !p.frag_mf);
    assert_int_equal(p.frag_off, 128);
    assert_int_equal(p.payload_wire_len, n - 20);
    assert_int_equal(st.fragments, 2);
    f[7] = 0;
    f[0] = 0x44;   /* IHL below 5 */
    assert_int_equal(decode(DLT_RAW, f, n, &p, &st), IG_EPARSE);
    f[0] = 0x45; f[2] = 0; f[3] = 10;   /* total length below the header */
    assert_int_equal(decode(DLT_RAW, f, n, &p, &st), IG_EPARSE);
    assert_int_equal(st.bad_ip, 2);
    /* ICMP is decoded as other L4 for the flow table to count */
    memcpy(f, base, n);
    f[9] = IPPROTO_ICMP;
    assert_int_equal(decode(DLT_RAW, f, n, &p, &st), IG_OK);
    assert_int_equal(p.ip_proto, IPPROTO_ICMP);
    assert_int_equal(st.other_l4, 1);
}

static void test_tcp_header(void **state)
{
    (void)state;
    uint8_t f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n = ip4_pkt(f);
    f[32] = 4 << 4;   /* data offset 16 bytes */
    assert_int_equal(decode(DLT_RAW, f, n, &p, &st), IG_EPARSE);
    assert_int_equal(st.bad_tcp, 1);
    /* 60-byte header inside the IP length, but the capture stops earlier */
    uint8_t big[300], pay[100];
    memset(pay, 'x', sizeof(pay));
    tf_build(big, 4, "127.0.0.1", 1, "127.0.0.1", 2, 0, 0, TF_ACK, pay, sizeof(pay));
    big[32] = 15 << 4;
    assert_int_equal(decode(DLT_RAW, big, 70, &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, 1);
    uint8_t g[300];
    uint32_t m = tf_build(g, 4, "127.0.0.1", 1, "127.0.0.1", 2, 0, 0, TF_ACK, "abcd", 4);
    g[32] = 15 << 4;  /* header past the IP length */
    assert_int_equal(decode(DLT_RAW, g, m, &p, &st), IG_EPARSE);
    assert_int_equal(st.bad_tcp, 2);

    /* options: MSS + NOP + NOP + SACK-permitted + bad length option */
    uint8_t h[300];
    uint32_t k;
    tf_build(h, 4, "127.0.0.1", 1, "127.0.0.1", 2, 0, 0, TF_ACK, NULL, 0);
    h[32] = 8 << 4;
    uint8_t opts[12] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 8, 10, 0, 0 };   /* timestamps cut */
    memcpy(h + 40, opts, 12);
    memcpy(h + 52, "xyz", 3);
    k = 40 + 12 + 3;
    h[2] = 0; h[3] = (uint8_t)k;
    assert_int_equal(decode(DLT_RAW, h, k, &p, &st), IG_OK);
    assert_int_equal(st.tcp_bad_options, 1);
    assert_int_equal(p.payload_len, 3);
    assert_memory_equal(p.payload, "xyz", 3);
}

static void test_truncation(void **state)
{
    (void)state;
    uint8_t f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n = ip4_pkt(f);
    /* snaplen cut the payload: still decoded, flagged, wire length kept */
    assert_int_equal(decode(DLT_RAW, f, n - 10, &p, &st), IG_OK);
    assert_true(p.truncated);
    assert_int_equal(p.payload_len, sizeof(body) - 1 - 10);
    assert_int_equal(p.payload_wire_len, sizeof(body) - 1);
    assert_int_equal(st.truncated_payload, 1);
    /* cut inside headers: skipped */
    const uint32_t cuts[] = { 0, 10, 19, 25, 39 };
    for (size_t i = 0; i < IG_ARRAY_LEN(cuts); i++)
        assert_int_equal(decode(DLT_RAW, f, cuts[i], &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, IG_ARRAY_LEN(cuts));
    uint8_t e[14] = { 0 };
    assert_int_equal(decode(DLT_EN10MB, e, 13, &p, &st), IG_EPARSE);
    assert_int_equal(st.truncated, IG_ARRAY_LEN(cuts) + 1);
}

/* The Internet checksum summed in the machine's byte order (decode.c) against RFC 1071's
 * definition: 16-bit big-endian words, a last odd byte as the high byte of a word. Every
 * length 0..300 at every alignment 0..7, random bytes, and runs of 0xff (carries). */
static uint64_t csum_ref(uint64_t sum, const uint8_t *p, size_t n)
{
    for (; n >= 2; p += 2, n -= 2)
        sum += (uint32_t)(p[0] << 8 | p[1]);
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static void test_csum_add(void **state)
{
    (void)state;
    static uint8_t buf[320];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int fill = 0; fill < 2; fill++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = fill ? 0xff : (uint8_t)x;
        }
        for (size_t off = 0; off < 8; off++)
            for (size_t n = 0; n <= 300; n++) {
                uint64_t seed = n * 977u;   /* a partial sum carried in, as callers do */
                assert_int_equal(ig_csum_fold(ig_csum_add(seed, buf + off, n)),
                                 ig_csum_fold(csum_ref(seed, buf + off, n)));
            }
    }
    /* a header checksummed elsewhere (UDP 192.168.0.1 -> .199, checksum 0xb861) sums to 0xffff */
    uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    assert_int_equal(ig_csum_fold(ig_csum_add(0, ip, 20)), 0xffff);
    ip[15] ^= 1;
    assert_int_not_equal(ig_csum_fold(ig_csum_add(0, ip, 20)), 0xffff);
}

static void test_unknown_linktype(void **state)
{
    (void)state;
    uint8_t f[300];
    struct ig_packet p;
    struct ig_decode_stats st = { 0 };
    uint32_t n = ip4_pkt(f);
    assert_int_equal(decode(DLT_IEEE802_11, f, n, &p, &st), IG_EPARSE);
    assert_int_equal(decode(9999, f, n, &p, &st), IG_EPARSE);
    assert_int_equal(st.unknown_linktype, 2);
    assert_int_equal(st.packets, 2);
    assert_int_equal(st.bytes, 2 * n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethernet),
        cmocka_unit_test(test_vlan),
        cmocka_unit_test(test_cooked),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_null_loop),
        cmocka_unit_test(test_ipv6_ext),
        cmocka_unit_test(test_ipv4_options_fragments),
        cmocka_unit_test(test_tcp_header),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_unknown_linktype),
        cmocka_unit_test(test_csum_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
