/* libFuzzer target for IP fragment reassembly through the flow table. The first byte picks
 * the overlap policy; then records of
 *   ctl(1) off(2, little endian, x8 bytes) len(1) data(len)
 * ctl: bit0 IPv6, bits1-2 datagram id, bit3 more fragments, bit4 the offset-0 fragment
 * carries a TCP header of a flow on port 8000, bits5-7 clock step in seconds (timeouts).
 * A small defrag.memcap makes eviction reachable. Invariants: bytes held stay under the
 * cap; every completed datagram reaches the decoder and the flow table without a crash. */
#include <stdint.h>
#include <stddef.h>

#include "../unit/test_flow_helpers.h"
#include "flow/defrag.h"

static void fz_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                    uint64_t ts)
{
    (void)ctx; (void)f; (void)dir; (void)ts;
    volatile uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i];
    (void)x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const policies[] = { "linux", "linux-old", "bsd", "first", "last", "windows", "solaris" };
    static struct ig_config cfg[7];
    static struct ig_flow_table *t[7];
    if (size < 1)
        return 0;
    int pi = data[0] % 7;
    if (!t[pi]) {
        ig_config_defaults(&cfg[pi]);
        snprintf(cfg[pi].defrag_policy, sizeof cfg[pi].defrag_policy, "%s", policies[pi]);
        cfg[pi].defrag_memcap = 64 * 1024;
        cfg[pi].defrag_timeout_s = 5;
        struct ig_flow_callbacks cb = { NULL, fz_data, NULL, NULL };
        t[pi] = ig_flow_table_new(&cfg[pi], &cb);
        if (!t[pi])
            return 0;
    }
    static uint64_t ts = 1000000;
    static uint8_t pkt[2200];
    size_t i = 1;
    while (i + 4 <= size) {
        uint8_t ctl = data[i];
        uint32_t off = ((uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8) & 0x1fff;
        uint32_t len = data[i + 3];
        i += 4;
        if (len > size - i)
            len = (uint32_t)(size - i);
        ts += (uint64_t)(ctl >> 5) * 1000000u + 1;
        bool v6 = ctl & 1, mf = ctl & 8;
        uint32_t id = 0x100 + ((ctl >> 1) & 3);
        uint32_t hl = v6 ? 48 : 20;
        memset(pkt, 0, hl);
        uint8_t *pl = pkt + hl;
        uint32_t n = len;
        if ((ctl & 16) && off == 0) {
            /* a TCP header so that a completed datagram is a segment of a real flow */
            uint32_t tl = tf_build(pkt + 1000, v6 ? 6 : 4, v6 ? "::1" : "127.0.0.1", 40000,
                                   v6 ? "::2" : "127.0.0.2", 8000, 1, 0, TF_ACK, data + i, len);
            uint32_t ipl = v6 ? 40 : 20;
            n = tl - ipl;
            memmove(pl, pkt + 1000 + ipl, n);
        } else {
            memcpy(pl, data + i, len);
        }
        i += len;
        if (v6) {
            pkt[0] = 0x60;
            pkt[4] = (uint8_t)((8 + n) >> 8); pkt[5] = (uint8_t)(8 + n);
            pkt[6] = 44; pkt[7] = 64;
            pkt[23] = 1; pkt[39] = 2;
            pkt[40] = IPPROTO_TCP;
            uint16_t fo = (uint16_t)(off << 3 | (mf ? 1 : 0));
            pkt[42] = (uint8_t)(fo >> 8); pkt[43] = (uint8_t)fo;
            pkt[47] = (uint8_t)id;
        } else {
            uint32_t tot = 20 + n;
            pkt[0] = 0x45;
            pkt[2] = (uint8_t)(tot >> 8); pkt[3] = (uint8_t)tot;
            pkt[4] = (uint8_t)(id >> 8); pkt[5] = (uint8_t)id;
            uint16_t fo = (uint16_t)(off | (mf ? 0x2000 : 0));
            pkt[6] = (uint8_t)(fo >> 8); pkt[7] = (uint8_t)fo;
            pkt[8] = 64; pkt[9] = IPPROTO_TCP;
            pkt[12] = 127; pkt[15] = 1; pkt[16] = 127; pkt[19] = 2;
        }
        tf_feed(t[pi], pkt, hl + n, ts);
        const struct ig_flow_stats *st = ig_flow_stats(t[pi]);
        if (st->defrag.bytes_held > cfg[pi].defrag_memcap)
            __builtin_trap();
    }
    ig_flow_tick(t[pi], ts);
    return 0;
}
