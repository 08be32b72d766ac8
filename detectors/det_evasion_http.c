/* evasion.http: HTTP-level tricks against a passive sensor (Ptacek & Newsham 1998, applied
 * to HTTP as in Suricata/libhtp): a body padded past http.*_body_limit so the interesting
 * part sits beyond what is inspected, long whitespace runs, pipelining beyond the tracked
 * depth, a request the parser rejects placed first so a naive sensor gives up on the
 * connection, and compression bombs. Each is flagged on the event by the HTTP stage, which
 * still hands the request to every detector; this detector reports the trick. */
#include "evasion_common.h"

#include <stdlib.h>

#define NAME "evasion.http"

static const struct evasion_trick tricks[] = {
    { IG_EVA_TRUNCATED, "A body exceeded http.*_body_limit; only its head was inspected." },
    { IG_EVA_PADDING, "Long whitespace runs padded the body (squeezed before inspection)." },
    { IG_EVA_PIPELINE_DEPTH, "Requests were pipelined beyond http.pipeline_depth; inspected without waiting for their responses." },
    { IG_EVA_HTTP_RESYNC, "The connection carried a request the HTTP parser rejected; parsing resumed at the next request line." },
    { IG_EVA_DECOMPRESS_CAP, "A compressed body inflated past a decompression cap (bomb); inflation was stopped." },
};

struct eh_global {
    int sev;
};

static int eh_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    (void)env;
    struct eh_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    g->sev = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    *global = g;
    return IG_OK;
}

static int eh_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct eh_global *g = call->global;
    uint32_t seen = ev->evasion & (IG_EVA_TRUNCATED | IG_EVA_PADDING | IG_EVA_PIPELINE_DEPTH |
                                   IG_EVA_HTTP_RESYNC | IG_EVA_DECOMPRESS_CAP);
    if (!seen)
        return IG_OK;
    /* A bomb is also a denial-of-service attempt on the sensor and the server. */
    evasion_report(call, ev, NAME, "Sensor evasion attempt in HTTP framing", seen, tricks,
                   IG_ARRAY_LEN(tricks), g->sev, "AML.T0068",
                   (seen & IG_EVA_DECOMPRESS_CAP) ? "AML.T0029" : NULL);
    return IG_OK;
}

const struct ig_detector ig_det_evasion_http = {
    .name = NAME,
    .wants = 0,
    .init = eh_init,
    .observe = eh_observe,
    .free = free,
};
