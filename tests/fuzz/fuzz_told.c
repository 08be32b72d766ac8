/* libFuzzer target: findings-topic records as `inferguard aggregate` reads them for its
 * hold-back (sidecar/fleet/told.c): JSON or msgpack OCSF findings, written by any pod or by
 * anyone who can produce to the topic. Any input parses or is refused, never a crash, leak
 * or out-of-bounds read; what parses has a NUL-terminated analytic name and client. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/told.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_fleet_told_parser p;
    static bool ready;
    if (!ready) {
        ig_config_defaults(&cfg);
        if (ig_fleet_told_parser_init(&p, &cfg) != IG_OK)
            abort();
        ready = true;
    }
    struct ig_fleet_told_rec r;
    if (ig_fleet_told_parse(&p, data, size, &r) == IG_OK) {
        if (!r.analytic[0] || strnlen(r.analytic, sizeof r.analytic) == sizeof r.analytic ||
            strnlen(r.client, sizeof r.client) == sizeof r.client)
            abort();
    }
    return 0;
}
