/* bench_memory_flood: the flow stage under a SYN flood and an IP fragment flood (issue #13),
 * RSS beside the configured caps. Packets are built in memory and go through the decoder
 * and the flow table as captured ones do (checksums verified).
 *
 *   synflood   1M SYNs from distinct spoofed sources (never answered) while one established
 *              connection keeps sending: RSS growth next to what flow.embryonic_max flows
 *              may take, and whether the established connection lost any byte
 *   fragflood  1M first fragments (1400 bytes, distinct ids, never completed): RSS growth
 *              next to defrag.memcap, and the bytes held at the end
 *
 * Each runs in its own child process. IG_BENCH_QUICK=1 divides the counts by 100. */
#include <inferguard/config.h>

#include "capture/capture.h"
#include "flow/flow.h"
#include "flow/flow_int.h"

#include <ndpi/ndpi_api.h>

#include <arpa/inet.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rss_bytes(void)
{
    unsigned long size = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &res) != 2)
            res = 0;
        fclose(f);
    }
    return (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

/* An IPv4 TCP packet (or, with frag_id, the first fragment of a larger datagram). */
static uint32_t build(uint8_t *b, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq,
                      uint32_t ack, uint8_t flags, const uint8_t *data, uint32_t n, uint32_t frag_id)
{
    memset(b, 0, 40);
    b[0] = 0x45;
    put16(b + 2, 40 + n);
    put16(b + 4, frag_id & 0xffff);
    put16(b + 6, frag_id ? 0x2000 : 0x4000);   /* MF for a fragment, else DF */
    b[8] = 64;
    b[9] = 6;
    put32(b + 12, src);
    put32(b + 16, dst);
    uint8_t *t = b + 20;
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put16(t + 14, 65535);
    if (n)
        memcpy(t + 20, data, n);
    uint64_t sum = ig_csum_add(0, b + 12, 8) + 6 + 20 + n;
    put16(t + 16, (uint16_t)~ig_csum_fold(ig_csum_add(sum, t, 20 + n)));
    put16(b + 10, (uint16_t)~ig_csum_fold(ig_csum_add(0, b, 20)));
    return 40 + n;
}

static uint64_t delivered;
static void on_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts)
{
    (void)ctx; (void)f; (void)dir; (void)p; (void)ts;
    delivered += n;
}

static void feed(struct ig_flow_table *t, const uint8_t *b, uint32_t n, uint64_t ts)
{
    struct ig_decode_stats st = { 0 };
    struct ig_packet p;
    if (ig_decode_packet(DLT_RAW, b, n, ts, &p, &st) == IG_OK)
        ig_flow_packet(t, &p);
}

static int synflood(uint64_t n)
{
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_flow_callbacks cb = { NULL, on_data, NULL, NULL };
    struct ig_flow_table *t = ig_flow_table_new(&cfg, &cb);
    if (!t)
        return 2;
    uint8_t b[2000], data[1000];
    memset(data, 'x', sizeof data);
    uint32_t cli = 0x7f000001, srv = 0x7f000002, cs = 1000, ss = 9000;
    uint64_t ts = 1000000;
    feed(t, b, build(b, cli, 40000, srv, 8000, cs, 0, 0x02, NULL, 0, 0), ts);
    feed(t, b, build(b, srv, 8000, cli, 40000, ss, cs + 1, 0x12, NULL, 0, 0), ts);
    cs++;
    ss++;
    uint64_t sent = 0;
    uint64_t rss0 = rss_bytes();
    double t0 = now_s();
    for (uint64_t i = 0; i < n; i++) {
        uint32_t src = 0x7f100000u + (uint32_t)(i >> 14);   /* many sources (127.16.0.0/12), built in memory only */
        feed(t, b, build(b, src, (uint16_t)(1024 + (i & 0x3fff)), srv, 8000, (uint32_t)i * 7919u, 0, 0x02, NULL, 0, 0),
             ts + i / 100);
        if (i % 1000 == 0) {
            feed(t, b, build(b, cli, 40000, srv, 8000, cs, ss, 0x18, data, sizeof data, 0), ts + i / 100);
            cs += sizeof data;
            sent += sizeof data;
        }
    }
    double el = now_s() - t0;
    uint64_t growth = rss_bytes() - rss0;
    const struct ig_flow_stats *st = ig_flow_stats(t);
    /* what flow.embryonic_max flows may take: a table entry and an nDPI flow each */
    double cap = (double)cfg.flow_embryonic_max * (double)(sizeof(struct ig_flow_entry) + SIZEOF_FLOW_STRUCT);
    printf("synflood syns=%llu evicted=%llu embryonic=%llu (cap %u) established bytes sent=%llu delivered=%llu "
           "rss growth=%.1f MiB in %.2f s\n", (unsigned long long)n, (unsigned long long)st->embryonic_evicted,
           (unsigned long long)st->embryonic_active, cfg.flow_embryonic_max, (unsigned long long)sent,
           (unsigned long long)delivered, growth / 1048576.0, el);
    printf("RESULT metric=synflood_rss_growth value=%.1f unit=MiB peer=flow.embryonic_max_x_flow_size "
           "peer_value=%.1f better=lower\n", growth / 1048576.0, cap / 1048576.0);
    printf("RESULT metric=synflood_embryonic_tracked value=%llu unit=flows peer=flow.embryonic_max "
           "peer_value=%u better=lower\n", (unsigned long long)st->embryonic_active, cfg.flow_embryonic_max);
    printf("RESULT metric=synflood_established_bytes_lost value=%llu unit=bytes better=lower\n",
           (unsigned long long)(sent - delivered));
    printf("RESULT metric=synflood_syns_per_s value=%.0f unit=packets/s better=higher\n", n / el);
    int ok = st->embryonic_active <= cfg.flow_embryonic_max && delivered == sent;
    ig_flow_table_free(t);
    return ok ? 0 : 3;
}

static int fragflood(uint64_t n)
{
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_flow_callbacks cb = { NULL, on_data, NULL, NULL };
    struct ig_flow_table *t = ig_flow_table_new(&cfg, &cb);
    if (!t)
        return 2;
    uint8_t b[2000], data[1400];
    memset(data, 'f', sizeof data);
    uint64_t rss0 = rss_bytes();
    double t0 = now_s();
    for (uint64_t i = 0; i < n; i++) {
        uint32_t src = 0x7f100000u + (uint32_t)(i >> 16);
        uint32_t len = build(b, src, 4000, 0x7f000002, 8000, 1, 0, 0x18, data, sizeof data - 20,
                             (uint32_t)(i & 0xffff) | 0x10000);
        feed(t, b, len, 1000000 + i / 100);
    }
    double el = now_s() - t0;
    uint64_t growth = rss_bytes() - rss0;
    const struct ig_flow_stats *st = ig_flow_stats(t);
    printf("fragflood fragments=%llu held=%.1f MiB (defrag.memcap %.1f MiB) memcap_drops=%llu timeouts=%llu "
           "rss growth=%.1f MiB in %.2f s\n", (unsigned long long)n, st->defrag.bytes_held / 1048576.0,
           cfg.defrag_memcap / 1048576.0, (unsigned long long)st->defrag.memcap_drops,
           (unsigned long long)st->defrag.timeouts, growth / 1048576.0, el);
    printf("RESULT metric=fragflood_rss_growth value=%.1f unit=MiB peer=defrag.memcap peer_value=%.1f "
           "better=lower\n", growth / 1048576.0, cfg.defrag_memcap / 1048576.0);
    printf("RESULT metric=fragflood_bytes_held value=%.1f unit=MiB peer=defrag.memcap peer_value=%.1f "
           "better=lower\n", st->defrag.bytes_held / 1048576.0, cfg.defrag_memcap / 1048576.0);
    printf("RESULT metric=fragflood_fragments_per_s value=%.0f unit=packets/s better=higher\n", n / el);
    int ok = st->defrag.bytes_held <= cfg.defrag_memcap;
    ig_flow_table_free(t);
    return ok ? 0 : 3;
}

static int in_child(int (*fn)(uint64_t), uint64_t n)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int rc = fn(n);
        fflush(stdout);
        _exit(rc);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return 2;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        printf("usage: bench_memory_flood   (IG_BENCH_QUICK=1: counts / 100)\n"
               "exit: 0 caps held, 3 a cap was exceeded or the established flow lost bytes\n");
        return 0;
    }
    const char *q = getenv("IG_BENCH_QUICK");
    uint64_t n = (q && *q == '1') ? 10000 : 1000000;
    int rc = in_child(synflood, n);
    int rc2 = in_child(fragflood, n);
    return rc ? rc : rc2;
}
