/* evasion.payload: JSON read differently by a sensor and by the model server. Duplicate keys
 * (the server keeps the last; a first-wins sensor sees a decoy) and a body that does not
 * decode at all (its strings were inspected raw) are reported. NaN / Infinity tokens are
 * accepted and flagged on the event (Python's json writes them for missing values, so alone
 * they are not reported unless params.report_nonfinite is true). */
#include "evasion_common.h"

#include <stddef.h>
#include <stdlib.h>

#define NAME "evasion.payload"

static const struct evasion_trick tricks[] = {
    { IG_EVA_DUPLICATE_KEYS, "A JSON object repeated a key; the server uses the last value, which was inspected." },
    { IG_EVA_RAW_BODY, "The payload did not decode; its strings were inspected raw." },
    { IG_EVA_NONFINITE, "NaN or Infinity tokens (accepted by Python's json) were present." },
};

struct ep_global {
    int sev;
    bool nonfinite;
};

/* The rules block's params fill ep_global's nonfinite (rules/schema.md's table is generated
 * from ep_params[]). */
static const struct ig_param ep_params[] = {
    { .name = "report_nonfinite", .type = IG_PT_BOOL, .offset = offsetof(struct ep_global, nonfinite),
      .help = "also report `NaN`/`Infinity` tokens (Python's json writes them for missing values, so they are only flagged on the event by default)" },
    { 0 },
};

static int ep_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct ep_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    g->sev = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    g->nonfinite = ((const struct ep_global *)env->params)->nonfinite;
    *global = g;
    return IG_OK;
}

static int ep_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct ep_global *g = call->global;
    uint32_t want = IG_EVA_DUPLICATE_KEYS | (g->nonfinite ? IG_EVA_NONFINITE : 0);
    /* A body cut at the limit fails to decode for that reason alone: evasion.http says so. */
    if (!(ev->evasion & IG_EVA_TRUNCATED))
        want |= IG_EVA_RAW_BODY;
    uint32_t seen = ev->evasion & want;
    if (!seen)
        return IG_OK;
    if (seen & IG_EVA_DUPLICATE_KEYS)
        seen |= ev->evasion & IG_EVA_NONFINITE;   /* named as context when both appear */
    evasion_report(call, ev, NAME, "Sensor evasion attempt in the JSON payload", seen, tricks,
                   IG_ARRAY_LEN(tricks), g->sev, "AML.T0068", NULL);
    return IG_OK;
}

const struct ig_detector ig_det_evasion_payload = {
    .name = NAME,
    .wants = 0,
    .init = ep_init,
    .observe = ep_observe,
    .free = free,
    .params = ep_params,
    .params_size = sizeof(struct ep_global),
};
