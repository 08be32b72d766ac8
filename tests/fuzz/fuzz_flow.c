/* libFuzzer target for the flow table and TCP reassembly. The input is a sequence of
 * synthetic TCP segments on a few loopback tuples, each record:
 *   flags(1) ctl(1) seq_off(2, little endian) len(1) data(len)
 * ctl: bit0 direction (server->client), bits1-2 tuple, bit3 IPv6, bit4 absolute sequence
 * (seq_off repeated as high half), bits5-7 clock step in units of 10 s (idle timeouts).
 * Small caps make eviction, memcap and stream-cap paths reachable. */
#include <stdint.h>
#include <stddef.h>

#include "../unit/test_flow_helpers.h"

struct fz { uint64_t created_seen, closes; };

static void fz_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                    uint64_t ts)
{
    (void)ctx; (void)f; (void)dir; (void)ts;
    volatile uint8_t x = 0;
    for (size_t i = 0; i < n; i++)   /* touch every byte: ASan checks the pointer range */
        x ^= p[i];
    (void)x;
}

static void fz_gap(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, uint64_t missing, uint64_t ts)
{
    (void)ctx; (void)f; (void)dir; (void)ts;
    if (missing == 0)
        __builtin_trap();
}

static void fz_close(void *ctx, struct ig_flow *f, uint64_t ts)
{
    (void)ts;
    struct fz *z = ctx;
    if (f->app_kind != 0)
        __builtin_trap();   /* closed twice */
    f->app_kind = 1;
    z->closes++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct fz z;
    static struct ig_flow_table *t;
    static bool init;
    if (!init) {
        ig_config_defaults(&cfg);
        cfg.flow_max = 3;
        cfg.flow_stream_max = 8192;
        cfg.flow_memcap = 24 * 2048;
        cfg.flow_idle_timeout_s = 30;
        /* one table for the whole run: nDPI start-up costs more than an input */
        struct ig_flow_callbacks cb = { &z, fz_data, fz_gap, fz_close };
        t = ig_flow_table_new(&cfg, &cb);
        init = true;
    }
    if (!t)
        return 0;
    static uint8_t pkt[400];
    static const uint16_t cports[4] = { 40000, 40001, 8080, 50000 };
    static const uint16_t sports[4] = { 8000, 8000, 41000, 8000 };
    const uint32_t isn[2] = { 0xfffff000u, 1000 };
    uint64_t ts = 1000000;
    size_t i = 0;
    while (i + 5 <= size) {
        uint8_t flags = data[i] & 0x3f, ctl = data[i + 1];
        uint32_t off = (uint32_t)data[i + 2] | (uint32_t)data[i + 3] << 8;
        uint32_t len = data[i + 4];
        i += 5;
        if (len > size - i)
            len = (uint32_t)(size - i);
        int dir = ctl & 1, tup = (ctl >> 1) & 3, fam = (ctl & 8) ? 6 : 4;
        uint32_t seq = (ctl & 16) ? (off << 16 | off) : isn[dir] + off;
        ts += (uint64_t)(ctl >> 5) * 10000000u + 1;
        const char *a = fam == 6 ? "::1" : "127.0.0.1", *b = fam == 6 ? "::2" : "127.0.0.2";
        uint32_t n = dir ? tf_build(pkt, fam, b, sports[tup], a, cports[tup], seq, 0, flags, data + i, len)
                         : tf_build(pkt, fam, a, cports[tup], b, sports[tup], seq, 0, flags, data + i, len);
        i += len;
        tf_feed(t, pkt, n, ts);
        ig_flow_tick(t, ts);
    }
    ig_flow_flush(t, ts);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    if (st->active_flows != 0 || st->bytes_buffered != 0 || z.closes != st->flows_created)
        __builtin_trap();
    return 0;
}
