/* test_trafficgen: the generator is deterministic for a seed, and its scenarios contain
 * what they promise (clients, roles, rates, drift), checked by reading the capture back
 * with libpcap rather than trusting the generator's own counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <inferguard/base.h>
#include "pcapw.h"
#include "trafficgen.h"

#define MAX_IPS 64

struct ipcount {
    uint32_t ip;
    unsigned requests;
    uint64_t ts[1024];             /* first request times (for rate windows) */
};

struct seen {
    unsigned requests, responses, gzip_ok, gzip_bad, chunked, sse, proxied_src, xff;
    unsigned nips;
    struct ipcount ips[MAX_IPS];
    double f0_before, f0_after;    /* mean of feature 0 in benign requests */
    unsigned n_before, n_after;
    uint64_t drift_at;
};

static char tmp_a[64], tmp_b[64];

static void mktmp(char *buf)
{
    snprintf(buf, 64, "/tmp/ig_test_gen_XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
}

static const uint8_t *find(const uint8_t *h, size_t hn, const char *needle)
{
    return memmem(h, hn, needle, strlen(needle));
}

static struct ipcount *ip_slot(struct seen *s, uint32_t ip)
{
    for (unsigned i = 0; i < s->nips; i++)
        if (s->ips[i].ip == ip)
            return &s->ips[i];
    assert_true(s->nips < MAX_IPS);
    s->ips[s->nips].ip = ip;
    return &s->ips[s->nips++];
}

/* Walks Ethernet/IPv4/TCP packets; payloads are examined where an HTTP message starts. */
static void read_capture(const char *path, struct seen *s)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    assert_non_null(p);
    struct pcap_pkthdr *h;
    const uint8_t *pkt;
    while (pcap_next_ex(p, &h, &pkt) == 1) {
        const uint8_t *ip = pkt + 14;
        assert_int_equal(ip[0] >> 4, 4);
        uint32_t src = (uint32_t)ip[12] << 24 | ip[13] << 16 | ip[14] << 8 | ip[15];
        assert_int_equal(ip[12], 127);            /* loopback only */
        assert_int_equal(ip[16], 127);
        size_t iph = (ip[0] & 15) * 4u;
        const uint8_t *t = ip + iph;
        size_t tl = (size_t)(ip[2] << 8 | ip[3]) - iph, th = (t[12] >> 4) * 4u;
        const uint8_t *pl = t + th;
        size_t n = tl - th;
        uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        if (n >= 5 && memcmp(pl, "POST ", 5) == 0) {
            s->requests++;
            if (src == 0x7f000006u)
                s->proxied_src++;
            const uint8_t *x = find(pl, n, "X-Forwarded-For: ");
            if (x) {
                s->xff++;
                unsigned a, b, c, d;
                assert_int_equal(sscanf((const char *)x + 17, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
                src = a << 24 | b << 16 | c << 8 | d;
            }
            struct ipcount *ic = ip_slot(s, src);
            if (ic->requests < 1024)
                ic->ts[ic->requests] = ts;
            ic->requests++;
            const uint8_t *dp = find(pl, n, "\"data\":[");
            if (dp && (src >> 16) == 0x7f01) {     /* benign clients: 127.1.x.y */
                double f0 = strtod((const char *)dp + 8, NULL);
                if (s->drift_at && ts >= s->drift_at) {
                    s->f0_after += f0;
                    s->n_after++;
                } else {
                    s->f0_before += f0;
                    s->n_before++;
                }
            }
        } else if (n >= 12 && memcmp(pl, "HTTP/1.1 200", 12) == 0) {
            s->responses++;
            if (find(pl, n, "text/event-stream"))
                s->sse++;
            if (find(pl, n, "Transfer-Encoding: chunked"))
                s->chunked++;
            const uint8_t *cl = find(pl, n, "Content-Length: ");
            const uint8_t *body = find(pl, n, "\r\n\r\n");
            if (find(pl, n, "Content-Encoding: gzip") && cl && body) {
                size_t bl = strtoul((const char *)cl + 16, NULL, 10);
                body += 4;
                if ((size_t)(body - pl) + bl <= n) {   /* whole body in this segment */
                    char out[4096];
                    z_stream z = { 0 };
                    inflateInit2(&z, 15 + 16);
                    z.next_in = (Bytef *)body;
                    z.avail_in = (uInt)bl;
                    z.next_out = (Bytef *)out;
                    z.avail_out = sizeof(out);
                    int rc = inflate(&z, Z_FINISH);
                    inflateEnd(&z);
                    if (rc == Z_STREAM_END && memcmp(out, "{\"model_name\":", 14) == 0)
                        s->gzip_ok++;
                    else
                        s->gzip_bad++;
                }
            }
        }
    }
    pcap_close(p);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static bool same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    assert_non_null(fa);
    assert_non_null(fb);
    int ca, cb;
    bool same = true;
    do {
        ca = getc(fa);
        cb = getc(fb);
        if (ca != cb)
            same = false;
    } while (same && ca != EOF);
    fclose(fa);
    fclose(fb);
    return same;
}

static void test_deterministic(void **state)
{
    (void)state;
    struct ig_gen_opts o;
    struct ig_gen_stats st1, st2;
    char err[256];
    ig_gen_opts_default(&o);
    o.scenario = "mixed";
    o.protocol = IG_GEN_MIXED;
    o.requests = 600;
    o.pipeline = o.chaos = o.gzip = true;
    o.seed = 7;
    mktmp(tmp_a);
    mktmp(tmp_b);
    assert_int_equal(ig_gen_run(&o, tmp_a, &st1, err, sizeof(err)), 0);
    assert_int_equal(ig_gen_run(&o, tmp_b, &st2, err, sizeof(err)), 0);
    assert_int_equal(file_size(tmp_a), file_size(tmp_b));
    assert_true(same_bytes(tmp_a, tmp_b));
    assert_int_equal(st1.packets, st2.packets);
    o.seed = 8;
    assert_int_equal(ig_gen_run(&o, tmp_b, &st2, err, sizeof(err)), 0);
    assert_false(same_bytes(tmp_a, tmp_b));
    unlink(tmp_a);
    unlink(tmp_b);
}

static void test_demo_contents(void **state)
{
    (void)state;
    struct ig_gen_opts o;
    struct ig_gen_stats *st = malloc(sizeof(*st));
    char err[256];
    ig_gen_opts_default(&o);          /* scenario demo */
    mktmp(tmp_a);
    assert_int_equal(ig_gen_run(&o, tmp_a, st, err, sizeof(err)), 0);
    struct seen *s = calloc(1, sizeof(*s));
    s->drift_at = st->drift_at_us;
    read_capture(tmp_a, s);

    assert_int_equal(s->requests, st->requests);
    assert_int_equal(s->responses, st->requests);
    assert_in_range(s->requests, 2000, 5000);
    assert_int_equal(st->clients[IG_ROLE_BENIGN], 6);
    assert_int_equal(st->clients[IG_ROLE_EXTRACT_TRAMER], 1);
    assert_int_equal(st->clients[IG_ROLE_FLOOD], 1);
    assert_int_equal(st->clients[IG_ROLE_EVASION], 1);
    assert_int_equal(s->nips, 9);                       /* 6 benign + 3 attackers */
    unsigned benign = 0, flood_ok = 0;
    for (unsigned i = 0; i < s->nips; i++) {
        const struct ipcount *ic = &s->ips[i];
        if ((ic->ip >> 16) == 0x7f01) {
            benign++;
            assert_in_range(ic->requests, 100, 400);    /* modest rates over 5 minutes */
        }
        if (ic->ip == 0x7f420001u)                     /* 127.66.0.1: the extractor */
            assert_int_equal(ic->requests, 400);
        if (ic->ip == 0x7f420002u) {                   /* 127.66.0.2: the flood */
            /* more than 100 requests inside some 10 s window */
            for (unsigned k = 0; k + 100 < ic->requests && k + 100 < 1024; k++)
                if (ic->ts[k + 100] - ic->ts[k] < 10000000u)
                    flood_ok = 1;
        }
    }
    assert_int_equal(benign, 6);
    assert_true(flood_ok);
    /* ~5 minutes of capture time, drift at half time on the first half of the features */
    assert_in_range((st->end_us - st->start_us) / 1000000u, 280, 320);
    assert_int_equal(st->drift_at_us - st->start_us, 150000000u);
    assert_true(s->n_before > 300 && s->n_after > 300);
    double before = s->f0_before / s->n_before, after = s->f0_after / s->n_after;
    assert_true(after - before > 0.15);
    assert_true(file_size(tmp_a) < 8 * 1000 * 1000);
    free(s);
    free(st);
    unlink(tmp_a);
}

/* Each protocol and encoding option produces requests and responses readable as such. */
static void test_protocols_and_options(void **state)
{
    (void)state;
    struct ig_gen_opts o;
    struct ig_gen_stats st;
    char err[256];
    for (int p = 0; p < IG_GEN_PROTO__COUNT; p++) {
        ig_gen_opts_default(&o);
        o.scenario = "benign";
        o.protocol = (enum ig_gen_proto)p;
        o.requests = 200;
        o.clients = 4;
        o.gzip = p == IG_GEN_OIP_V2;
        o.chunked = p == IG_GEN_KSERVE_V1;
        mktmp(tmp_a);
        assert_int_equal(ig_gen_run(&o, tmp_a, &st, err, sizeof(err)), 0);
        struct seen *s = calloc(1, sizeof(*s));
        read_capture(tmp_a, s);
        assert_int_equal(s->requests, st.requests);
        assert_int_equal(s->responses, st.requests);
        assert_int_equal(s->nips, 4);
        if (p == IG_GEN_OIP_V2) {
            assert_true(s->gzip_ok > 0);
            assert_int_equal(s->gzip_bad, 0);
        }
        if (p == IG_GEN_KSERVE_V1)
            assert_int_equal(s->chunked, s->responses);
        if (p == IG_GEN_OPENAI)
            assert_true(s->sse > 0 && s->sse < s->responses);
        free(s);
        unlink(tmp_a);
    }
}

static void test_proxy_identities(void **state)
{
    (void)state;
    struct ig_gen_opts o;
    struct ig_gen_stats st;
    char err[256];
    ig_gen_opts_default(&o);
    o.scenario = "extraction";
    o.proxy = true;
    o.requests = 300;
    o.clients = 5;
    mktmp(tmp_a);
    assert_int_equal(ig_gen_run(&o, tmp_a, &st, err, sizeof(err)), 0);
    struct seen *s = calloc(1, sizeof(*s));
    read_capture(tmp_a, s);
    assert_int_equal(s->proxied_src, s->requests);      /* all from 127.0.0.6 */
    assert_int_equal(s->xff, s->requests);
    assert_int_equal(s->nips, 7);                       /* 5 benign + 2 extractors by XFF */
    assert_string_not_equal(st.listed[0].identity, "");
    free(s);
    unlink(tmp_a);
}

static void test_bad_options(void **state)
{
    (void)state;
    struct ig_gen_opts o;
    struct ig_gen_stats st;
    char err[256] = "";
    ig_gen_opts_default(&o);
    o.scenario = "nope";
    assert_int_equal(ig_gen_run(&o, "/tmp/ig_test_gen_unused.pcap", &st, err, sizeof(err)),
                     IG_ECONF);
    assert_non_null(strstr(err, "nope"));
    ig_gen_opts_default(&o);
    o.dim = 0;
    assert_int_equal(ig_gen_run(&o, "/tmp/ig_test_gen_unused.pcap", &st, err, sizeof(err)),
                     IG_ECONF);
    ig_gen_opts_default(&o);
    assert_int_equal(ig_gen_run(&o, "/nonexistent-dir/x.pcap", &st, err, sizeof(err)), IG_EIO);
    unlink("/tmp/ig_test_gen_unused.pcap");
    assert_int_equal(ig_gen_proto_parse("kserve_v1"), IG_GEN_KSERVE_V1);
    assert_int_equal(ig_gen_proto_parse("grpc"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_demo_contents),
        cmocka_unit_test(test_protocols_and_options),
        cmocka_unit_test(test_proxy_identities),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
