/* Shared by evasion.stream and evasion.fragment: tricks the flow stage resolved as the
 * server's stack does (Ptacek & Newsham 1998; RFC 5961; Novak 2005 for fragments), marked
 * on the event's connection with the evidence of the first one (ig_event.evasion_note). */
#ifndef IG_DET_EVASION_TRANSPORT_H
#define IG_DET_EVASION_TRANSPORT_H

#include "evasion_common.h"

#include <stdlib.h>

struct evt_global { int sev; };

static inline int evt_init(const struct ig_rules *r, const char *name, void **global, char *err, size_t errlen)
{
    struct evt_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    g->sev = ig_rules_severity(r, name, IG_SEV_HIGH);
    *global = g;
    return IG_OK;
}

/* One finding for the bits of <mask> on <ev>, with the tricks named and the evidence. */
static inline void evt_observe(const struct ig_call *call, const struct ig_event *ev, const char *name,
                               const char *title, uint32_t mask, const struct evasion_trick *tricks, size_t n)
{
    const struct evt_global *g = call->global;
    uint32_t seen = ev->evasion & mask;
    if (!seen)
        return;
    struct ig_finding f;
    char names[160] = "", desc[512] = "";
    size_t o = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(seen & tricks[i].bit))
            continue;
        int w = snprintf(names + o, sizeof names - o, "%s%s", o ? "," : "", ig_evasion_name(tricks[i].bit));
        if (w > 0 && (size_t)w < sizeof names - o)
            o += (size_t)w;
        w = snprintf(desc + d, sizeof desc - d, "%s%s", d ? " " : "", tricks[i].what);
        if (w > 0 && (size_t)w < sizeof desc - d)
            d += (size_t)w;
    }
    ig_finding_init(&f, name, ev);
    f.title = title;
    f.desc = desc;
    f.remediation = "Terminate TCP in front of the model server (a proxy normalises segments and "
                    "fragments), and treat the client as hostile: the trick only serves to hide a payload.";
    f.severity = (uint8_t)g->sev;
    f.confidence_id = 3;
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    f.atlas[0] = "AML.T0015";   /* Evade AI Model (tactic Defense Evasion): the ML defence is evaded */
    ig_finding_evidence(&f, "tricks", names);
    if (ev->evasion_note[0])
        ig_finding_evidence(&f, "trick", ev->evasion_note);
    ig_finding_score(&f, "request_bytes", (double)ev->req_bytes);
    ig_emit_finding(call->emit, &f);
}

#endif
