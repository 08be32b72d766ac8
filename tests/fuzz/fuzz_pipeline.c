/* libFuzzer target for the whole data path: TCP segments → flows → HTTP → adapters →
 * identity → detectors → findings. The input scripts up to four loopback connections to a
 * model port, each record:  ctl(1) len(2, little endian) payload(len)
 *   ctl bit0: direction (1 = server to client), bits1-2: connection, bit3: skip 100 bytes of
 *   sequence space before this segment (a capture gap), bits4-7: clock step in seconds.
 * Connections 0-2 start with a handshake to a model port; connection 3 is picked up
 * mid-stream (no handshake) on a port off capture.ports that is higher than the client's,
 * so the ports guess its roles the wrong way round. After the input the clock jumps past the idle
 * timeout so every flow closes. One pipeline serves all inputs (building one per input
 * would cost nDPI and Hyperscan start-up each time); detector state carries over, bounded
 * by its caps, as it does in a long-running sidecar. Seeds are real inference exchanges
 * (tests/fuzz/corpus/pipeline/). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <inferguard/config.h>
#include "capture/capture.h"
#include "pipeline/pipeline.h"

#define DLT_RAW_IG 12

struct conn { uint32_t seq[2]; bool open; };

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* One IPv4/TCP packet on connection <c> in direction <dir>. */
static void send_pkt(struct ig_pipeline *pl, int c, int dir, uint8_t flags, uint32_t seq,
                     const uint8_t *data, size_t n, uint64_t ts)
{
    static uint8_t frame[20 + 20 + 65535];
    uint8_t cli[4] = { 127, 0, 0, (uint8_t)(10 + c) }, srv[4] = { 127, 0, 0, 1 };
    uint16_t cport = (uint16_t)(40000 + c), sport = c == 3 ? 45000 : 8080;
    memset(frame, 0, 40);
    frame[0] = 0x45;
    put16(frame + 2, (uint16_t)(40 + n));
    frame[8] = 64;
    frame[9] = 6;
    memcpy(frame + 12, dir ? srv : cli, 4);
    memcpy(frame + 16, dir ? cli : srv, 4);
    put16(frame + 20, dir ? sport : cport);
    put16(frame + 22, dir ? cport : sport);
    put32(frame + 24, seq);
    frame[32] = 5 << 4;
    frame[33] = flags;
    put16(frame + 34, 65535);
    if (n)
        memcpy(frame + 40, data, n);
    struct ig_packet pkt;
    struct ig_decode_stats st = { 0 };
    if (ig_decode_packet(DLT_RAW_IG, frame, (uint32_t)(40 + n), ts, &pkt, &st) == IG_OK)
        ig_pipeline_packet(pl, &pkt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_pipeline *pl;
    static uint64_t ts = 1767225600000000ull;
    if (!pl) {
        ig_config_defaults(&cfg);
        cfg.findings_path[0] = '\0';   /* no sink: findings are counted, not written */
        cfg.flush_timeout_ms = 0;
        char err[256];
        pl = ig_pipeline_new(&cfg, NULL, err, sizeof err);
        if (!pl)
            __builtin_trap();
    }
    struct conn conns[4] = { 0 };
    size_t i = 0;
    while (i + 3 <= size) {
        uint8_t ctl = data[i];
        size_t n = (size_t)data[i + 1] | (size_t)data[i + 2] << 8;
        i += 3;
        if (n > size - i)
            n = size - i;
        int c = (ctl >> 1) & 3, dir = ctl & 1;
        ts += (uint64_t)(ctl >> 4) * 1000000u + 10;
        struct conn *k = &conns[c];
        if (!k->open) {
            k->seq[0] = 1000u + (uint32_t)c * 7919u;
            k->seq[1] = 0xfffff000u;   /* server side wraps around 2^32 early */
            if (c != 3) {
                send_pkt(pl, c, 0, 0x02, k->seq[0]++, NULL, 0, ts);
                send_pkt(pl, c, 1, 0x12, k->seq[1]++, NULL, 0, ts);
            }
            k->open = true;
        }
        if (ctl & 8)
            k->seq[dir] += 100;
        send_pkt(pl, c, dir, 0x18, k->seq[dir], data + i, n, ts);
        k->seq[dir] += (uint32_t)n;
        i += n;
    }
    ts += (uint64_t)(cfg.flow_idle_timeout_s + 1) * 1000000u;
    ig_pipeline_tick(pl, ts);   /* every flow of this input times out and closes */
    return 0;
}
