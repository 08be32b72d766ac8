/* libFuzzer target: the fleet's msgpack event records (what `inferguard aggregate` reads
 * from Kafka, written by any pod or by anyone who can produce to the topic). Any input
 * decodes to an event or to an error sentence, never a crash, leak or out-of-bounds read;
 * a decoded event re-encodes and decodes to the same who/what/tensor shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/event_mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_evmp_decoded d = { 0 }, d2 = { 0 };
    const char *why = NULL;
    if (ig_evmp_decode(&d, data, size, &why) == IG_OK) {
        const struct ig_event *ev = &d.ev;
        float sum = 0;   /* every tensor value readable */
        if (ev->inputs)
            for (size_t i = 0; i < (size_t)ev->rows * ev->features; i++)
                sum += ev->inputs[i];
        if (ev->scores)
            for (size_t i = 0; i < (size_t)ev->rows * ev->outputs; i++)
                sum += ev->scores[i];
        (void)sum;
        msgpack_sbuffer sb;
        msgpack_sbuffer_init(&sb);
        struct ig_evmp_opts o = { .text = true };
        if (ig_evmp_encode(ev, &o, &sb) == IG_OK && ig_evmp_decode(&d2, sb.data, sb.size, &why) == IG_OK) {
            if (strcmp(d2.ev.client_id, ev->client_id) || d2.ev.rows != ev->rows ||
                d2.ev.req_time_us != ev->req_time_us || (!d2.ev.inputs) != (!ev->inputs))
                abort();
        }
        msgpack_sbuffer_destroy(&sb);
    } else if (!why) {
        abort();
    }
    ig_evmp_decoded_free(&d);
    ig_evmp_decoded_free(&d2);
    return 0;
}
