/* libFuzzer target for the link-layer to transport decoder.
 * Input: one byte choosing the link type, then the frame. */
#include <stdint.h>
#include <stddef.h>
#include <pcap/dlt.h>

#include "capture/capture.h"

static const int linktypes[] = {
    DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, IG_LINKTYPE_RAW,
    DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP, 9999,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
    struct ig_decode_stats st = { 0 };
    struct ig_packet p;
    uint32_t n = (uint32_t)(size - 1 > 262144 ? 262144 : size - 1);
    if (ig_decode_packet(lt, data + 1, n, 0, &p, &st) == IG_OK) {
        /* everything the decoder hands out must lie inside the frame */
        const uint8_t *end = data + 1 + n;
        volatile uint8_t sink = 0;
        if (p.payload_len)
            sink ^= p.payload[0] ^ p.payload[p.payload_len - 1];
        if (p.l3_len)
            sink ^= p.l3[p.l3_len - 1];
        if (p.payload + p.payload_len > end || p.payload_len > p.payload_wire_len)
            __builtin_trap();
        (void)sink;
    }
    return 0;
}
