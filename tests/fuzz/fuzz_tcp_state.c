/* libFuzzer target for TCP state as Linux keeps it (RFC 5961 RST/SYN, FIN window and stale
 * checks, checksum modes, embryonic list). Records of
 *   flags(1) ctl(1) seq(4, LE) ack(2, LE) win(1) len(1) data(len)
 * ctl: bit0 direction, bits1-2 tuple, bit3 bad checksum, bit4 window scale option on a SYN
 * (shift = win & 15), bits5-7 clock step in seconds. The first byte of the input picks
 * capture.checksums (auto/on/off). Small caps reach every eviction path. Invariants: a flow
 * closes once; embryonic flows never exceed their cap; data callbacks get valid memory. */
#include <stdint.h>
#include <stddef.h>

#include "../unit/test_flow_helpers.h"

static void fz_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                    uint64_t ts)
{
    (void)ctx; (void)f; (void)dir; (void)ts;
    volatile uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i];
    (void)x;
}

static void fz_close(void *ctx, struct ig_flow *f, uint64_t ts)
{
    (void)ctx; (void)ts;
    if (f->app_kind == 7)
        __builtin_trap();   /* closed twice */
    f->app_kind = 7;
}

static void fz_data_mark(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                         uint64_t ts)
{
    if (f->app_kind == 7)
        __builtin_trap();   /* data after close */
    fz_data(ctx, f, dir, p, n, ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const modes[] = { "auto", "on", "off" };
    static struct ig_config cfg[3];
    static struct ig_flow_table *t[3];
    if (size < 1)
        return 0;
    int m = data[0] % 3;
    if (!t[m]) {
        ig_config_defaults(&cfg[m]);
        snprintf(cfg[m].capture_checksums, sizeof cfg[m].capture_checksums, "%s", modes[m]);
        cfg[m].flow_max = 3;
        cfg[m].flow_embryonic_max = 2;
        cfg[m].flow_embryonic_timeout_s = 2;
        cfg[m].flow_idle_timeout_s = 30;
        cfg[m].flow_stream_max = 8192;
        cfg[m].flow_memcap = 64 * 2048;
        struct ig_flow_callbacks cb = { NULL, fz_data_mark, NULL, fz_close };
        t[m] = ig_flow_table_new(&cfg[m], &cb);
        if (!t[m])
            return 0;
    }
    static const uint16_t cports[4] = { 40000, 40001, 40002, 50000 };
    static uint8_t pkt[400];
    static uint64_t ts = 1000000;
    size_t i = 1;
    while (i + 10 <= size) {
        uint8_t flags = data[i] & 0x3f, ctl = data[i + 1];
        uint32_t seq = (uint32_t)data[i + 2] | (uint32_t)data[i + 3] << 8 | (uint32_t)data[i + 4] << 16 |
                       (uint32_t)data[i + 5] << 24;
        uint32_t ack = (uint32_t)data[i + 6] | (uint32_t)data[i + 7] << 8;
        uint8_t win = data[i + 8];
        uint32_t len = data[i + 9];
        i += 10;
        if (len > size - i)
            len = (uint32_t)(size - i);
        int dir = ctl & 1, tup = (ctl >> 1) & 3;
        ts += (uint64_t)(ctl >> 5) * 1000000u + 1;
        uint32_t n = dir ? tf_build(pkt, 4, "127.0.0.2", 8000, "127.0.0.1", cports[tup], seq, ack, flags, data + i, len)
                         : tf_build(pkt, 4, "127.0.0.1", cports[tup], "127.0.0.2", 8000, seq, ack, flags, data + i, len);
        i += len;
        pkt[20 + 14] = win;   /* window, high byte (the checksum below no longer fits: bad) */
        if (!(ctl & 8)) {
            /* recompute the TCP checksum after the window change */
            pkt[36] = pkt[37] = 0;
            uint64_t sum = ig_csum_add(0, pkt + 12, 8) + IPPROTO_TCP + (n - 20);
            uint16_t ck = (uint16_t)~ig_csum_fold(ig_csum_add(sum, pkt + 20, n - 20));
            pkt[36] = (uint8_t)(ck >> 8); pkt[37] = (uint8_t)ck;
        }
        tf_feed(t[m], pkt, n, ts);
        const struct ig_flow_stats *st = ig_flow_stats(t[m]);
        if (st->embryonic_active > cfg[m].flow_embryonic_max)
            __builtin_trap();
    }
    ig_flow_tick(t[m], ts);
    return 0;
}
