/* Shared by the evasion.* detectors: one finding naming the tricks parsing saw on an event
 * (ig_event.evasion, set by the HTTP stage and the adapters). The event itself was still
 * inspected by every other detector; this finding says the sensor was being worked on. */
#ifndef IG_DET_EVASION_COMMON_H
#define IG_DET_EVASION_COMMON_H

#include <inferguard/detector.h>

#include <stdio.h>
#include <string.h>

struct evasion_trick {
    uint32_t bit;
    const char *what;   /* one sentence for the description */
};

/* Emits one finding for the bits of <seen> found in <tricks> (n of them). */
static inline void evasion_report(const struct ig_call *call, const struct ig_event *ev,
                                  const char *name, const char *title, uint32_t seen,
                                  const struct evasion_trick *tricks, size_t n, int sev,
                                  const char *atlas0, const char *atlas1)
{
    struct ig_finding f;
    char names[160] = "", desc[512] = "";
    size_t o = 0, d = 0;
    uint32_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(seen & tricks[i].bit))
            continue;
        int w = snprintf(names + o, sizeof names - o, "%s%s", o ? "," : "", ig_evasion_name(tricks[i].bit));
        if (w > 0 && (size_t)w < sizeof names - o)
            o += (size_t)w;
        w = snprintf(desc + d, sizeof desc - d, "%s%s", d ? " " : "", tricks[i].what);
        if (w > 0 && (size_t)w < sizeof desc - d)
            d += (size_t)w;
        count++;
    }
    if (!count)
        return;
    ig_finding_init(&f, name, ev);
    f.title = title;
    f.desc = desc;
    f.remediation = "Normalise requests at the gateway (reject duplicate keys, non-standard numbers, "
                    "oversized or deeply pipelined requests) so the model server and the sensor see "
                    "the same payload.";
    f.severity = (uint8_t)sev;
    f.confidence_id = 3;
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    f.atlas[0] = atlas0;
    f.atlas[1] = atlas1;
    ig_finding_evidence(&f, "tricks", names);
    if (ev->malformed_reason && (ev->flags & IG_EV_MALFORMED))
        ig_finding_evidence(&f, "parse", ev->malformed_reason);
    ig_finding_score(&f, "tricks", count);
    ig_finding_score(&f, "request_bytes", (double)ev->req_bytes);
    ig_emit_finding(call->emit, &f);
}

#endif
